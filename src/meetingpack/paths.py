"""Content paths resolved (links followed) cheaply: a path in, the same result as `Path.resolve()` out.

A check reads each meeting folder's files many times (the loader, the exempt
register, validation, resolution): an archive's check resolved ~15,000 paths,
each an lstat of every part of it.  `resolved` resolves each folder once and
looks only at the file itself; each answer is remembered too.  Both are
remembered until `forget_folders`, which each check (load.load_project) calls
first, so that a link changed between two builds of `pack serve` is seen.
"""

from __future__ import annotations

from pathlib import Path

_FOLDERS: dict[Path, Path] = {}
"""Each folder resolved since the last `forget_folders`: the folder as written -> resolved."""


_FILES: dict[Path, Path] = {}
"""Each path resolved since the last `forget_folders` (a check asks for each paper's about eight times)."""


def resolved(path: Path) -> Path:
    """`path.resolve()`: its folder resolved once, then the file itself followed only if it is a link."""
    found = _FILES.get(path)
    if found is not None:
        return found
    if path.name in ("", ".", ".."):
        found = path.resolve()
    else:
        folder = _FOLDERS.get(path.parent)
        if folder is None:
            folder = _FOLDERS[path.parent] = path.parent.resolve()
        target = folder / path.name
        found = target.resolve() if target.is_symlink() else target
    _FILES[path] = found
    return found


def forget_folders() -> None:
    """Resolve every folder and file afresh from now on."""
    _FOLDERS.clear()
    _FILES.clear()

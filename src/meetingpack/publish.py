"""Publish: the build's files in, the output folder replaced whole, in one step, out.

Every file is written into a staging folder; only when all of them are
written is the staging folder exchanged with the output folder in one system
call (`renameat2` with RENAME_EXCHANGE on Linux, `renamex_np` with RENAME_SWAP
on macOS).  With a build cache, the staging folder is the cache's spare tree
(`<cache>/spare`): the old tree, which the exchange leaves at the staging path,
is kept there and brought up to date in place by the next build (`_Stage`),
so that no build makes or removes a whole tree of folders.  Without one it is
a new folder beside the output folder (`.<out>.staging-XXXXXXXX`) and the old
tree is removed after the exchange.  At every instant the output
folder is therefore the complete previous build or the complete new one,
whatever happens to the process.  Where no exchange exists (Windows, or a
filesystem that refuses it) two renames are used instead, with a window of
two system calls without an output folder; a build killed in it leaves the
previous output at `.<out>.old-XXXXXXXX`, which the next build puts back.

One build at a time writes an output folder: `output_lock` holds the lock
file `.<out>.lock` beside it for the whole build, and removes what stopped
builds left (staging and old folders) before anything else; what a live build
is writing is never touched, because a live build holds the lock.  Anything
else kept beside the output (the incremental build's `.<out>.cache`) lives
under the same lock and is replaced with the same `replace_dir`.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .errors import BuildError

if TYPE_CHECKING:  # the type only: importing the renderers would make publish slow to load
    from .site import Output


class Stopped(BaseException):
    """The build was stopped by SIGINT or SIGTERM (raised by the handlers the `pack` command installs).

    A BaseException, like KeyboardInterrupt, so that no `except Exception`
    swallows it: every stage lets it through, and each cleans up on the way.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.replaced = False
        """True when the output folder had already been replaced by the new build."""


def beside(out: Path, role: str) -> Path:
    """`.<out>.<role>` beside the output folder: its lock file ("lock"), the incremental build's cache ("cache")."""
    return out.with_name(f".{out.name}.{role}")


def new_staging(out: Path, role: str = "") -> Path:
    """A new empty folder beside `out` to build a replacement for `out` (or for `beside(out, role)`) in."""
    prefix = f".{out.name}.{role + '.' if role else ''}staging-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=out.parent))


def _leftover(out: Path, name: str) -> bool:
    """Whether `name` is a staging or old folder of `out` or of one of its companions (not the lock, not the cache)."""
    rest = name.removeprefix(f".{out.name}")
    return rest != name and re.fullmatch(r"(\.[a-z]+)?\.(staging|old)-[a-z0-9_]+", rest) is not None


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(out: Path) -> list[str]:
    """Remove what stopped builds left beside `out`; put the previous output back if one was lost.

    Call only while holding `output_lock(out)`: a live build's staging folder
    looks exactly like a dead one's.  Returns what was done, in words.
    """
    done: list[str] = []
    olds = sorted((p for p in out.parent.glob(f".{out.name}.old-*") if _leftover(out, p.name)),
                  key=lambda p: p.stat().st_mtime)
    if not os.path.lexists(out) and olds:
        # Only a build killed between the two renames of the fallback leaves this: its previous output.
        os.rename(olds[-1], out)
        done.append(f"put back {olds[-1].name} as {out.name}: a build was stopped while replacing it")
    for path in sorted(out.parent.iterdir()):
        if _leftover(out, path.name) and os.path.lexists(path):
            _remove(path)
            done.append(f"removed {path.name}, left by a build that was stopped")
    return done


# ---- the lock ------------------------------------------------------------------------------------

def _try_lock(file: IO[bytes]) -> bool:
    if os.name == "nt":
        import msvcrt

        file.seek(0)
        try:
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock(file: IO[bytes]) -> None:
    if os.name == "nt":  # msvcrt's blocking lock gives up after 10 s: poll instead
        while not _try_lock(file):
            time.sleep(0.2)
        return
    import fcntl

    fcntl.flock(file.fileno(), fcntl.LOCK_EX)


def _holder(file: IO[bytes]) -> str:
    try:
        file.seek(0)
        pid = file.read(20).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):  # Windows keeps a locked byte unreadable
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


@contextmanager
def output_lock(out: Path, wait: bool = True, say: Callable[[str], None] = lambda _: None) -> Iterator[None]:
    """Hold the lock of the output folder `out` (the file `.<out>.lock` beside it) for a whole build.

    A second build of the same output waits for the first (saying so), or with
    `wait=False` stops with a BuildError.  Once the lock is held, what stopped
    builds left beside `out` is removed.  The lock goes with the process: a
    killed build never leaves it held.
    """
    real = out.resolve()
    real.parent.mkdir(parents=True, exist_ok=True)
    with open(beside(real, "lock"), "a+b") as file:
        if not _try_lock(file):
            holder = _holder(file)
            if not wait:
                raise BuildError(f"another build of {out} is running{holder}; "
                                 "wait for it to finish, or run without --no-wait to wait for it")
            say(f"waiting for another build of {out}{holder} to finish...")
            _lock(file)
        if os.name != "nt":  # who holds it, for the message of the next build that has to wait
            file.truncate(0)
            file.write(f"{os.getpid()}\n".encode("ascii"))
            file.flush()
        for done in remove_leftovers(real):
            say(done)
        yield
    # Closing the file releases the lock.


# ---- replacing a folder in one step ----------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h
_SYS_RENAMEAT2 = {"x86_64": 316, "amd64": 316, "aarch64": 276, "arm64": 276}
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}


def _exchange(a: Path, b: Path) -> bool:
    """Swap the folders `a` and `b` in one system call; False where the system or filesystem cannot."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        args = (ctypes.c_int(_AT_FDCWD), os.fsencode(a), ctypes.c_int(_AT_FDCWD), os.fsencode(b),
                ctypes.c_uint(_RENAME_EXCHANGE))
        if hasattr(libc, "renameat2"):  # glibc 2.28 and later
            result = libc.renameat2(*args)
        elif platform.machine().lower() in _SYS_RENAMEAT2:
            result = libc.syscall(ctypes.c_long(_SYS_RENAMEAT2[platform.machine().lower()]), *args)
        else:
            return False
    elif sys.platform == "darwin":
        libc = ctypes.CDLL(None, use_errno=True)
        if not hasattr(libc, "renamex_np"):
            return False
        result = libc.renamex_np(os.fsencode(a), os.fsencode(b), ctypes.c_uint(_RENAME_SWAP))
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


@contextmanager
def _signals_held() -> Iterator[None]:
    """Keep SIGINT and SIGTERM waiting while a folder is being replaced, so that a stop cannot split it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _swap(new: Path, target: Path) -> Path | None:
    """Put `new` in the place of `target` (signals held); returns where the old tree now is, if any."""
    with _signals_held():
        if not os.path.lexists(target):
            os.rename(new, target)
            return None
        if _exchange(new, target):
            return new  # the previous tree, now at the staging path
        # Fallback: two renames, and between them no `target` (a kill there: remove_leftovers puts it back).
        old = target.with_name(f".{target.name}.old-{secrets.token_hex(4)}")
        os.rename(target, old)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
        return old


def replace_dir(new: Path, target: Path) -> None:
    """Put the folder `new` in the place of `target` at once, and remove the old `target`.

    `new` must be beside `target` (same filesystem), made by `new_staging`, and
    the caller must hold the output lock.  If this raises, `target` is as it was.
    """
    old = _swap(new, target)
    if old is not None:
        _remove(old)


Published = dict[str, tuple[str, int, int]]
"""What a build wrote, by path: (SHA-256, size, modification time in ns) of each file as published."""


def load_published(index: Path | None) -> Published:
    """The record of the previous build's files; empty if there is none or it cannot be read."""
    try:
        data = json.loads(index.read_text(encoding="utf-8")) if index is not None else {}
        return {str(k): (str(v[0]), int(v[1]), int(v[2])) for k, v in data.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        return {}


def _save_published(index: Path, published: Published) -> None:
    index.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=index.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        # dumps, not dump: json.dump writes through the pure-Python encoder, several times slower
        handle.write(json.dumps(published, sort_keys=True))
    os.replace(tmp, index)


def unchanged(previous: Published, out_dir: Path, path: str, digest: str) -> Path | None:
    """The previous build's file at `path`, if it holds these very bytes and nobody has touched it since."""
    known = previous.get(path)
    if known is None or known[0] != digest:
        return None
    old = out_dir / path
    try:
        st = os.lstat(old)
    except OSError:
        return None
    return old if stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns) == known[1:] else None


_NO_FOLLOW: dict[str, bool] = {"follow_symlinks": False} if os.link in os.supports_follow_symlinks else {}
"""Link a link itself, never what it points to, where the system can say so (not on Windows)."""


def link_previous(previous: Published, out_dir: Path, stage: Path, path: str, digest: str) -> bool:
    """Hard-link the previous build's file at `path` into the staging folder, if it holds these very bytes
    and nobody has touched it since (True), for a task whose result is unchanged (the search bundles)."""
    if not _safe(path):
        return False
    old = unchanged(previous, out_dir, path, digest)
    if old is None:
        return False
    target = stage / path
    try:
        # kept in the spare tree (publish's `keep`): already this very file (a link to it, unchanged for two
        # builds: nothing to do), or the one of the build before, replaced
        there, here = os.lstat(target), os.lstat(old)
        if stat.S_ISREG(there.st_mode) and (there.st_ino, there.st_dev) == (here.st_ino, here.st_dev):
            return True
        os.unlink(target)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, target, **_NO_FOLLOW)
    except FileExistsError:
        return False
    except OSError:  # another filesystem, or links not supported: copy, checking the bytes
        data = old.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            return False
        target.write_bytes(data)
    return True


def _drop_unclaimed(stage: Path, paths: set[str]) -> None:
    """Remove files kept in the spare for `finish` that it did not put back (a deleted committee's search
    bundle, say), and the folders they leave empty: only what this build made is published."""
    for path in sorted(paths, reverse=True):
        if not _safe(path):
            continue
        try:
            os.unlink(stage / path)
        except (FileNotFoundError, IsADirectoryError):  # gone, or made again by `finish` as a folder
            pass
        parent = path.rpartition("/")[0]
        while parent:
            try:
                os.rmdir(stage / parent)
            except OSError:  # not empty (or gone): its files are this build's
                break
            parent = parent.rpartition("/")[0]


def _safe(path: str) -> bool:
    """Whether `path` names a place inside the output folder: relative, without '..', '.' or empty parts.

    Checked on the words alone: the staging folder is made by this module and holds no links (the
    spare's are removed before use, `_Stage`), so a path that passes cannot lead out of it.
    """
    parts = path.split("/")
    return bool(path) and "\0" not in path and not os.path.isabs(path) and "\\" not in path \
        and all(part not in ("", ".", "..") for part in parts)


class _Stage:
    """The staging folder being filled with one build's files.

    Either a new empty folder, or the cache's spare tree (`SPARE`): the output of the build before
    the last one, left at the staging path by the exchange of folders.  The spare is scanned once
    (one `os.scandir` per folder: names, kinds and inode numbers, no stat per file) and brought up
    to date in place: a file already there as the very file the output folder holds (same inode:
    a hard link to it, unchanged for two builds) costs nothing; anything else is replaced, and
    whatever the new build does not have is removed (`sweep`).  Its folders are kept, so that a
    build does not make and remove a whole tree of folders each time: on this project's archive
    that was most of the cost of publishing (docs/performance.md, "Publishing and fixed costs").
    """

    def __init__(self, root: Path, out_dir: Path, previous: Published, spare: bool) -> None:
        self.root = root
        self.prefix = str(root) + os.sep
        self.out = str(out_dir) + os.sep
        self.previous = previous
        self.found: dict[str, tuple[str, int]] = _scan(root) if spare else {}
        """What the spare held: by path, its kind ('f' file, 'd' folder, 'o' link or other) and inode."""
        self.folders: set[str] = {""}
        """Folders of the staging folder known to be real folders (made, or found as such)."""

    def _clear(self, path: str) -> None:
        """Remove what the spare has at `path` (a folder with all it holds)."""
        kind = self.found.pop(path, ("", 0))[0]
        if kind == "d":
            shutil.rmtree(self.prefix + path, ignore_errors=True)
            self.folders.discard(path)
        elif kind:
            try:
                os.unlink(self.prefix + path)
            except FileNotFoundError:
                pass

    def folder(self, path: str) -> None:
        """Make sure the folder `path` (relative) is a real folder of the staging folder."""
        if path in self.folders:
            return
        parent = path.rpartition("/")[0]
        self.folder(parent)
        kind = self.found.get(path, ("", 0))[0]
        if kind != "d":
            self._clear(path)
            os.mkdir(self.prefix + path)
        self.folders.add(path)

    def previous_file(self, path: str, digest: str) -> os.stat_result | None:
        """The output folder's file at `path`, if it is as the last build published it with these bytes."""
        known = self.previous.get(path)
        if known is None or known[0] != digest:
            return None
        try:
            st = os.lstat(self.out + path)
        except OSError:
            return None
        return st if stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns) == known[1:] else None

    def link(self, path: str, old: os.stat_result) -> bool:
        """Put the output folder's file `path` (whose stat is `old`) here by a hard link; False if links fail."""
        if self.found.get(path) == ("f", old.st_ino):
            return True  # the spare holds this very file already
        self._clear(path)
        try:
            os.link(self.out + path, self.prefix + path, **_NO_FOLLOW)
        except FileExistsError:
            raise BuildError(f"two outputs would be written to {path}") from None
        except OSError:  # another filesystem, or links not supported
            return False
        return True

    def write(self, path: str, data: bytes) -> os.stat_result:
        self._clear(path)
        fd = os.open(self.prefix + path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            return os.fstat(handle.fileno())

    def sweep(self, keep: set[str]) -> None:
        """Remove from the spare every file not in `keep` and every folder that holds none of them."""
        for path in keep:
            if self.found.get(path, ("", 0))[0] == "f":  # a file kept as the spare has it: so are its folders
                parent = path.rpartition("/")[0]
                while parent not in self.folders and self.found.get(parent, ("", 0))[0] == "d":
                    self.folders.add(parent)
                    parent = parent.rpartition("/")[0]
        for path in sorted(self.found):
            if path in self.found and path not in self.folders and (path not in keep or self.found[path][0] != "f"):
                self._clear(path)
        self.found = {}


def _scan(root: Path) -> dict[str, tuple[str, int]]:
    """Every entry under `root` by relative path: kind ('f', 'd', 'o') and inode, from the folders' listings."""
    found: dict[str, tuple[str, int]] = {}
    todo = [("", str(root))]
    while todo:
        rel, real = todo.pop()
        try:
            entries = list(os.scandir(real))
        except OSError:
            continue
        for entry in entries:
            key = rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                found[key] = ("d", entry.inode())
                todo.append((key + "/", entry.path))
            else:
                found[key] = ("f" if entry.is_file(follow_symlinks=False) else "o", entry.inode())
    return found


def _write(stage: _Stage, output: Output) -> tuple[str, int, int]:
    """Write one output into the staging folder; a file the previous build published with the same
    bytes is hard-linked from it instead of written again.  Returns what to record of it."""
    if not _safe(output.path):
        raise BuildError(f"refusing to write outside the output folder: {output.path}")
    stage.folder(output.path.rpartition("/")[0])
    if output.data is None and output.source is None and output.digest is not None:  # the previous build's file
        old = stage.previous_file(output.path, output.digest)
        if old is None:
            raise BuildError(f"{output.path} of the previous build has changed since; build again with --clean")
        data = None
        digest = output.digest
    else:
        data = output.source.read_bytes() if output.source is not None else output.data or b""
        digest = output.digest or hashlib.sha256(data).hexdigest()
        old = stage.previous_file(output.path, digest)
    if old is not None:
        if stage.link(output.path, old):
            return digest, old.st_size, old.st_mtime_ns  # the same inode: the same size and time
        if data is None:
            data = Path(stage.out + output.path).read_bytes()
            if hashlib.sha256(data).hexdigest() != digest:
                raise BuildError(f"{output.path} of the previous build has changed since; "
                                 "build again with --clean") from None
    assert data is not None
    st = stage.write(output.path, data)
    return digest, st.st_size, st.st_mtime_ns


SPARE = "spare"
"""The folder of the build cache that holds the output of the build before the last one (`_Stage`)."""


def _spare(index: Path | None, out_dir: Path, link: bool) -> Path | None:
    """Where this build's staging folder is the spare tree: in the cache folder, when the cache is on the
    output's filesystem (the exchange of folders needs it) and the build links unchanged files."""
    if index is None or not link:
        return None
    folder = index.parent.resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.stat(folder).st_dev != os.stat(out_dir.parent).st_dev:
            return None
    except OSError:
        return None
    return folder / SPARE


def publish(outputs: Iterable[Output], out_dir: Path,
            finish: Callable[[Path, Published], dict[str, str] | None] | None = None,
            index: Path | None = None, link: bool = True, keep: Iterable[str] = ()) -> int:
    """Write every output into a staging folder, then exchange it with `out_dir`. Returns the file count.

    `finish` runs on the staging folder once every output is written and before the swap (the
    search index is made there), given the record of those outputs; it returns the files it wrote
    (path -> SHA-256), which are recorded with them.  If it fails, the previous output stays.  The caller holds
    `output_lock(out_dir)`.  With `index` (a file beside the output, in the build cache), files
    whose bytes are the same as in the previous build are hard links to it, not copies: an
    unchanged archive is not written again; and the staging folder is the cache's spare tree, kept
    from the build before (`_Stage`), so that a file unchanged for two builds costs one stat.  The index records each published file's hash,
    size and time; a file changed since (by hand, say) is written afresh.  `link=False` writes
    every file (pack build --clean) and records them for the next build.  `keep` names files that are
    not outputs but that `finish` may put back as they were (the search bundles' files of the last
    build, by `link_previous`): left in the spare tree for it, so that an unchanged one costs a stat;
    `finish` must put back or remove each of them, since what it leaves is published.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    spare = _spare(index, out_dir, link)
    if spare is not None:
        spare.mkdir(exist_ok=True)  # (made afresh when there is none: the first build, or after --clean)
        os.chmod(spare, 0o700)  # as a new staging folder is: nobody else reads a build until it is whole
        stage = spare
    else:
        stage = new_staging(out_dir)
    staged = _Stage(stage, out_dir, load_published(index) if link else {}, spare is not None)
    seen: set[str] = set()
    published: Published = {}
    replaced = False
    try:
        for output in outputs:
            if output.path in seen:
                raise BuildError(f"two outputs would be written to {output.path}")
            seen.add(output.path)
            published[output.path] = _write(staged, output)
        staged.sweep(seen | set(keep))  # before `finish`: what it reads (the pages) is this build's
        finished: dict[str, str] = (finish(stage, published) or {}) if finish is not None else {}
        for path, digest in finished.items():
            # recorded like every other output: the next build links what is unchanged
            st = os.lstat(stage / path)
            published[path] = (digest, st.st_size, st.st_mtime_ns)
        _drop_unclaimed(stage, set(keep) - seen - finished.keys())
        os.chmod(stage, 0o755)
        with _signals_held():  # so that `replaced` says the truth when a stop comes
            try:
                old = _swap(stage, out_dir)
            except OSError as exc:
                raise BuildError(f"{out_dir.name} could not be replaced ({exc.strerror}); "
                                 "it is unchanged") from exc
            replaced = True
        if index is not None:
            _save_published(index, published)
        if old is not None and spare is not None and old != spare:  # the two renames' fallback
            try:
                os.rename(old, spare)
                old = None
            except OSError:
                pass
        if old is not None and old != spare:
            _remove(old)  # a new staging folder: its old tree goes, before the build returns
    except Stopped as stop:
        stop.replaced = replaced
        if spare is None:
            _remove(stage)
        raise
    except BaseException:
        if spare is None:
            _remove(stage)
        raise
    return len(seen)

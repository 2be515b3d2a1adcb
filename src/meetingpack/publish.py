"""Publish: the build's files in, the output folder replaced whole, in one step, out.

Every file is written into a staging folder beside the output folder
(`.<out>.staging-XXXXXXXX`); only when all of them are written is the staging
folder exchanged with the output folder in one system call (`renameat2` with
RENAME_EXCHANGE on Linux, `renamex_np` with RENAME_SWAP on macOS), and the
old tree, now at the staging path, removed.  At every instant the output
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
        json.dump({k: list(v) for k, v in sorted(published.items())}, handle)
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


def link_previous(previous: Published, out_dir: Path, stage: Path, path: str, digest: str) -> bool:
    """Hard-link the previous build's file at `path` into the staging folder, if it holds these very bytes
    and nobody has touched it since (True), for a task whose result is unchanged (the search bundles)."""
    old = unchanged(previous, out_dir.resolve(), path, digest)
    if old is None:
        return False
    target = stage / path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, target)
    except FileExistsError:
        return False
    except OSError:  # another filesystem, or links not supported: copy, checking the bytes
        data = old.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            return False
        target.write_bytes(data)
    return True


def _write(stage: Path, output: Output, out_dir: Path, previous: Published) -> tuple[str, int, int]:
    """Write one output into the staging folder; a file the previous build published with the same
    bytes is hard-linked from it instead of written again.  Returns what to record of it."""
    target = stage / output.path
    if not target.resolve().is_relative_to(stage.resolve()):
        raise BuildError(f"refusing to write outside the output folder: {output.path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if output.data is None and output.source is None and output.digest is not None:  # the previous build's file
        old = unchanged(previous, out_dir, output.path, output.digest)
        if old is None:
            raise BuildError(f"{output.path} of the previous build has changed since; build again with --clean")
        data = None
        digest = output.digest
    else:
        data = output.source.read_bytes() if output.source is not None else output.data or b""
        digest = output.digest or hashlib.sha256(data).hexdigest()
        old = unchanged(previous, out_dir, output.path, digest)
    if old is not None:
        try:
            os.link(old, target)
            st = os.lstat(target)
            return digest, st.st_size, st.st_mtime_ns
        except OSError:  # another filesystem, or links not supported: write it
            if data is None:
                data = old.read_bytes()
                if hashlib.sha256(data).hexdigest() != digest:
                    raise BuildError(f"{output.path} of the previous build has changed since; "
                                     "build again with --clean") from None
    assert data is not None
    target.write_bytes(data)
    st = os.lstat(target)
    return digest, st.st_size, st.st_mtime_ns


def publish(outputs: Iterable[Output], out_dir: Path,
            finish: Callable[[Path, Published], dict[str, str] | None] | None = None,
            index: Path | None = None, link: bool = True) -> int:
    """Write every output into a staging folder, then exchange it with `out_dir`. Returns the file count.

    `finish` runs on the staging folder once every output is written and before the swap (the
    search index is made there), given the record of those outputs; it returns the files it wrote
    (path -> SHA-256), which are recorded with them.  If it fails, the previous output stays.  The caller holds
    `output_lock(out_dir)`.  With `index` (a file beside the output, in the build cache), files
    whose bytes are the same as in the previous build are hard links to it, not copies: an
    unchanged archive is not written again.  The index records each published file's hash,
    size and time; a file changed since (by hand, say) is written afresh.  `link=False` writes
    every file (pack build --clean) and records them for the next build.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = new_staging(out_dir)
    seen: set[str] = set()
    previous = load_published(index) if link else {}
    published: Published = {}
    replaced = False
    try:
        for output in outputs:
            if output.path in seen:
                raise BuildError(f"two outputs would be written to {output.path}")
            seen.add(output.path)
            published[output.path] = _write(stage, output, out_dir, previous)
        if finish is not None:
            for path, digest in (finish(stage, published) or {}).items():
                # recorded like every other output: the next build links what is unchanged
                st = os.lstat(stage / path)
                published[path] = (digest, st.st_size, st.st_mtime_ns)
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
        if old is not None:
            _remove(old)
    except Stopped as stop:
        stop.replaced = replaced
        _remove(stage)
        raise
    except BaseException:
        _remove(stage)
        raise
    return len(seen)

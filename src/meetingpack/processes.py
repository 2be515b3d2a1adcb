"""Child processes of a build (render workers, the search indexer) die with it.

On Linux the kernel can send a process a signal when its parent dies
(prctl PR_SET_PDEATHSIG); the setting survives exec, so it also covers a
program started through a Python wrapper that execs it (Pagefind).  Elsewhere
the build stops its children itself on SIGINT and SIGTERM.
"""

from __future__ import annotations

import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to kill this process (SIGKILL) when its parent dies; nothing where that cannot be asked."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

"""Publish: the build's files in, the output folder replaced whole out.

Every file is written into a staging folder beside the output folder; only
when all of them are written is the old output moved aside and the staging
folder moved into its place.  A failed build therefore leaves the previous
output exactly as it was, and a reader never sees half a site.  Two outputs
on one path are refused: that would be a bug in the renderers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import BuildError
from .site import Output


def _write(stage: Path, output: Output) -> None:
    target = stage / output.path
    if not target.resolve().is_relative_to(stage.resolve()):
        raise BuildError(f"refusing to write outside the output folder: {output.path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if output.source is not None:
        shutil.copyfile(output.source, target)
    else:
        target.write_bytes(output.data or b"")


def publish(outputs: Iterable[Output], out_dir: Path, finish: Callable[[Path], None] | None = None) -> int:
    """Write every output into a staging folder, then swap it in for `out_dir`. Returns the file count.

    `finish` runs on the staging folder once every output is written and before the swap (the
    search index is made there); if it fails, the previous output stays.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    seen: set[str] = set()
    try:
        for output in outputs:
            if output.path in seen:
                raise BuildError(f"two outputs would be written to {output.path}")
            seen.add(output.path)
            _write(stage, output)
        if finish is not None:
            finish(stage)
        os.chmod(stage, 0o755)
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(stage, out_dir)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return len(seen)

"""Reproducible everywhere: the same sources give the same bytes, whatever the machine's font libraries.

Two clean builds were byte-identical where the HarfBuzz-subset library is
installed; where it is not, WeasyPrint subsets fonts with fontTools, which
stamped each font with the time of the build.  The builds are compared here
with HarfBuzz-subset switched off and the clock moved on between them.
(-j 1 against -j 2 is compared on the bundled example in test_build.py.)
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers_content import project, tree

from meetingpack.commands.build import build_project


def test_same_bytes_without_harfbuzz_subset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fontTools.misc.timeTools
    import weasyprint.pdf.fonts

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)  # as on a machine without the library
    root = project(tmp_path)
    build_project(root, tmp_path / "first", jobs=1)
    later = time.time() + 86_400 * 400  # the second build runs "a year later"
    monkeypatch.setattr(fontTools.misc.timeTools.time, "time", lambda: later)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build_project(root, tmp_path / "second", jobs=1)
    first, second = tree(tmp_path / "first"), tree(tmp_path / "second")
    assert sum(name.endswith(".pdf") for name in first) >= 4
    assert first == second

"""Shared fixtures: one build of the bundled example per test run."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content"


@dataclass
class Built:
    """The bundled example, built once, with helpers to read its outputs back."""

    out: Path
    manifest: dict[str, Any]
    _readers: dict[str, PdfReader] = field(default_factory=dict)
    _texts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def site(self) -> Path:
        return self.out / "site"

    def meeting(self, slug: str) -> dict[str, Any]:
        return next(m for m in self.manifest["meetings"] if m["meeting"] == slug)

    def pack_entry(self, slug: str, kind: str = "agenda") -> dict[str, Any]:
        """A pack of a meeting as the manifest lists it: 'agenda', 'supplement-1', 'consolidated'."""
        return next(p for p in self.meeting(slug)["packs"] if p["kind"] == kind)

    def pack(self, slug: str, kind: str = "agenda") -> PdfReader:
        return self.reader(self.pack_entry(slug, kind)["file"])

    def reader(self, relative: str) -> PdfReader:
        """A PDF of the build, by its path relative to the output folder (parsed once per run)."""
        if relative not in self._readers:
            self._readers[relative] = PdfReader(self.out / relative)
        return self._readers[relative]

    def texts(self, relative: str) -> list[str]:
        """The text of each page of a PDF of the build (extracted once per run)."""
        if relative not in self._texts:
            self._texts[relative] = [page.extract_text() or "" for page in self.reader(relative).pages]
        return self._texts[relative]

    def page_texts(self, slug: str, kind: str = "agenda") -> list[str]:
        return self.texts(self.pack_entry(slug, kind)["file"])

    def html(self, relative: str) -> str:
        return (self.site / relative).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    from meetingpack.commands.build import build_project

    out = tmp_path_factory.mktemp("example") / "build"
    build_project(EXAMPLE, out, jobs=2)  # test_builds_are_reproducible compares it with -j 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return Built(out, manifest)


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled example, for tests that change it."""
    target = tmp_path / "content"
    shutil.copytree(EXAMPLE, target)
    return target

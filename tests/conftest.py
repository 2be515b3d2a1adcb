"""Shared fixtures: one build of the bundled example per test run."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
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

    @property
    def site(self) -> Path:
        return self.out / "site"

    def meeting(self, slug: str) -> dict[str, Any]:
        return next(m for m in self.manifest["meetings"] if m["meeting"] == slug)

    def pack(self, slug: str) -> PdfReader:
        return PdfReader(self.out / self.meeting(slug)["pack"]["file"])

    def page_texts(self, slug: str) -> list[str]:
        return [page.extract_text() or "" for page in self.pack(slug).pages]

    def html(self, relative: str) -> str:
        return (self.site / relative).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    from meetingpack.commands.build import build_project

    out = tmp_path_factory.mktemp("example") / "build"
    build_project(EXAMPLE, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return Built(out, manifest)


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled example, for tests that change it."""
    target = tmp_path / "content"
    shutil.copytree(EXAMPLE, target)
    return target

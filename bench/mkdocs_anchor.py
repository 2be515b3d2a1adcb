"""The MkDocs anchor of the archive benchmark: the same Markdown papers built by MkDocs.

Takes a content folder (bench/archive.py's synthetic archive) and returns a MkDocs project of its Markdown
papers (`make_project`), a venv with MkDocs from the package registry (`install`), the command that builds
the project (`build_command`) and the HTML files a build wrote (`count_pages`).  bench/archive_build.py times
that build side by side with `pack build`: issue 11 asks for HTML at least 3 x MkDocs's pages per second on
the same Markdown.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

MKDOCS = "mkdocs==1.6.1"

# The default theme ("mkdocs"), directory URLs and no plugins but the built-in search: MkDocs as a user gets
# it, doing the same kind of work as meetingpack's site (pages and a search index).  No nav is given, so
# MkDocs makes one of every page, as it does by default.
CONFIG = """\
site_name: Synthetic archive (meetingpack benchmark)
docs_dir: docs
use_directory_urls: true
theme:
  name: mkdocs
plugins:
  - search
"""


def make_project(content: Path, project: Path) -> int:
    """Copy every *.md under `content` into `project`/docs (same relative paths) and write mkdocs.yml.

    Nothing is stripped: MkDocs reads the YAML front matter itself.  Returns the number of files copied.
    """
    docs = project / "docs"
    docs.mkdir(parents=True)
    papers = sorted(content.rglob("*.md"))
    for paper in papers:
        target = docs / paper.relative_to(content)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paper, target)
    (project / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return len(papers)


def install(work: Path) -> tuple[Path | None, str]:
    """Make `work`/mkdocs-venv with MkDocs from the registry: its `mkdocs` script and version, or None and why.

    A venv of its own, so MkDocs's dependencies never touch meetingpack's.
    """
    venv = work / "mkdocs-venv"
    steps = ([sys.executable, "-m", "venv", str(venv)],
             [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", MKDOCS])
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, check=False)
        except OSError as exc:
            return None, f"{' '.join(step[:3])}: {exc}"
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            return None, f"{' '.join(step[:3])} exited {done.returncode}: {lines[-1] if lines else ''}"
    script = venv / "bin" / "mkdocs"
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False).stdout
    return script, version.split(" from ")[0].strip()  # "mkdocs, version 1.6.1"


def build_command(script: Path, project: Path, site: Path) -> list[str]:
    """`mkdocs build` of `project` into `site` (an empty folder each time: a clean build, as `--clean` does)."""
    return [str(script), "build", "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(site)]


def count_pages(site: Path) -> int:
    """HTML files MkDocs wrote: one index.html per paper (directory URLs) and its 404.html."""
    return sum(1 for _ in site.rglob("*.html"))

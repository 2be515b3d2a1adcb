"""Search: the written website in, a client-side full-text index (Pagefind) beside it out.

Pagefind reads the finished HTML pages and writes an index in fragments and its
search interface; the browser then searches the static files alone, with no
server.  Only the parts of pages marked `data-pagefind-body` are indexed: the
text of each published paper, so that results are papers and their headings,
not navigation.  Exempt papers are never in the site, so they can never be in
the index.  Pagefind's output is the same for the same pages, which keeps
builds reproducible.

Pagefind has no incremental mode: it reads every page it is given each time
(about 33 ms of CPU a meeting).  So the index is one bundle per committee,
`pagefind/<committee>/`, made from that committee's pages alone, and the search
page merges them in the browser (Pagefind's `mergeIndex`; assets/search.js).
A bundle is a task keyed by the paths and hashes of its committee's HTML pages
and Pagefind's version: when none changed, the last build's bundle files are
linked, not made again (`index_bundles`), so a change costs the index of its
own committee.  A reader finds the same papers: every paper page is in exactly
one bundle.  The order of results across committees may differ from one index,
as each bundle weighs words by its own pages.  The bundles to make are made by
as many Pagefind processes at once as the build has cores, each started as its
binary (not through `python -m pagefind`, which costs a Python start each).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import BuildError
from .processes import die_with_parent

BUNDLES = "pagefind"
"""The folder of the site holding one search bundle per committee."""


def index_site(site: Path, glob: str | None = None, output: Path | None = None) -> None:
    """Write a search index of the website in `site` (the pages matching `glob`, all by default) into `output`
    (`site/pagefind` by default); run on the staging folder, before it is published."""
    output = output or site / "pagefind"
    command = [*_pagefind(), "--site", str(site), "--quiet"]
    command += ["--glob", glob] if glob else []
    command += ["--output-path", str(output)] if output != site / "pagefind" else []
    try:
        # preexec_fn: Pagefind must not go on writing into the staging folder of a build that was killed
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False,
                                preexec_fn=die_with_parent if os.name == "posix" else None)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"the search index could not be made: {exc}") from exc
    if result.returncode != 0 or not (output / "pagefind.js").is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BuildError("the search index could not be made (Pagefind failed"
                         + (f": {detail[-1]}" if detail else "") + "); is the 'pagefind[extended]' package installed?")


@cache
def _pagefind() -> tuple[str, ...]:
    """The command that runs Pagefind: its binary itself, found as `python -m pagefind` finds it (the
    pagefind package's `get_executable`), which saves starting Python for each bundle (about 0.1 s);
    `python -m pagefind` when the package cannot say (it then reports what is missing)."""
    try:
        from pagefind.service import get_executable

        binary = get_executable()
    except Exception:  # noqa: BLE001 - an old or broken pagefind package: the module says what is wrong
        binary = None
    return (str(binary),) if binary is not None else (sys.executable, "-m", "pagefind")


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "absent"


def bundle_key(committee: str, pages: Iterable[tuple[str, str]]) -> str:
    """The key of a committee's bundle: Pagefind's version and the (path, SHA-256) of the pages it reads."""
    description = [_pagefind_version(), committee, sorted(pages)]
    return hashlib.sha256(json.dumps(description).encode("utf-8")).hexdigest()


@dataclass
class Bundle:
    """What one committee's search bundle was made from (its key) and the files it is, in the site."""

    key: str
    files: list[tuple[str, str]]
    """(path in the output folder, SHA-256) of every file of the bundle."""


def index_bundles(stage: Path, pages: dict[str, list[tuple[str, str]]], last: dict[str, Bundle],
                  link: Callable[[str, str], bool], jobs: int = 1) -> dict[str, Bundle]:
    """Write each committee's search bundle into the staging folder `stage`; return what each is.

    `pages` gives each committee's HTML pages (path in the output folder, SHA-256); `last` the
    bundles of the last build; `link(path, digest)` puts the last build's file at `path` into the
    staging folder if it still holds those bytes (False if not).  A bundle whose key is unchanged
    and whose files are all linked is not made again; the others are made by up to `jobs` Pagefind
    processes at once (each writes its own folder from its own pages, so the bytes are the same).
    """
    made: dict[str, Bundle] = {}
    todo: dict[str, str] = {}
    for committee, listed in sorted(pages.items()):
        key = bundle_key(committee, listed)
        old = last.get(committee)
        if old is not None and old.key == key and all(link(path, digest) for path, digest in old.files):
            made[committee] = old
        else:
            todo[committee] = key

    def make(committee: str) -> Bundle:
        folder = stage / "site" / BUNDLES / committee
        if folder.exists():  # a half-linked bundle: made afresh
            shutil.rmtree(folder)
        index_site(stage / "site", glob=f"{committee}/**/*.html", output=folder)
        files = []
        for path in _files(str(folder), f"site/{BUNDLES}/{committee}/"):
            with open(stage / path, "rb") as handle:
                files.append((path, hashlib.file_digest(handle, "sha256").hexdigest()))
        return Bundle(todo[committee], files)

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as threads:  # each waits on its process
        made.update(zip(todo, threads.map(make, todo)))
    return dict(sorted(made.items()))


def _files(folder: str, prefix: str) -> list[str]:
    """The regular files under `folder`, as `prefix` + their path with '/', sorted; one scandir per folder."""
    found: list[str] = []
    with os.scandir(folder) as listing:
        for entry in listing:
            if entry.is_dir(follow_symlinks=False):
                found += _files(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                found.append(prefix + entry.name)
    return sorted(found)

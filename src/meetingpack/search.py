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
as each bundle weighs words by its own pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .processes import die_with_parent

BUNDLES = "pagefind"
"""The folder of the site holding one search bundle per committee."""


def index_site(site: Path, glob: str | None = None, output: Path | None = None) -> None:
    """Write a search index of the website in `site` (the pages matching `glob`, all by default) into `output`
    (`site/pagefind` by default); run on the staging folder, before it is published."""
    output = output or site / "pagefind"
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"]
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
                  link: Callable[[str, str], bool]) -> dict[str, Bundle]:
    """Write each committee's search bundle into the staging folder `stage`; return what each is.

    `pages` gives each committee's HTML pages (path in the output folder, SHA-256); `last` the
    bundles of the last build; `link(path, digest)` puts the last build's file at `path` into the
    staging folder if it still holds those bytes (False if not).  A bundle whose key is unchanged
    and whose files are all linked is not made again.
    """
    made: dict[str, Bundle] = {}
    for committee, listed in sorted(pages.items()):
        key = bundle_key(committee, listed)
        old = last.get(committee)
        if old is not None and old.key == key and all(link(path, digest) for path, digest in old.files):
            made[committee] = old
            continue
        folder = stage / "site" / BUNDLES / committee
        if folder.exists():  # a half-linked bundle: made afresh
            shutil.rmtree(folder)
        index_site(stage / "site", glob=f"{committee}/**/*.html", output=folder)
        files = []
        for path in _files(str(folder), f"site/{BUNDLES}/{committee}/"):
            with open(stage / path, "rb") as handle:
                files.append((path, hashlib.file_digest(handle, "sha256").hexdigest()))
        made[committee] = Bundle(key, files)
    return made


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

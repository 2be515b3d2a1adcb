"""Search: the written website in, a client-side full-text index (Pagefind) beside it out.

Pagefind reads the finished HTML pages and writes `pagefind/` (the index in
fragments, and its search interface); the browser then searches the static
files alone, with no server.  Only the parts of pages marked
`data-pagefind-body` are indexed: the text of each published paper, so that
results are papers and their headings, not navigation.  Exempt papers are
never in the site, so they can never be in the index.  Pagefind's output is
the same for the same pages, which keeps builds reproducible.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .errors import BuildError
from .processes import die_with_parent


def index_site(site: Path) -> None:
    """Write the search index for the website in `site` (run on the staging folder, before it is published)."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"]
    try:
        # preexec_fn: Pagefind must not go on writing into the staging folder of a build that was killed
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False,
                                preexec_fn=die_with_parent if os.name == "posix" else None)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"the search index could not be made: {exc}") from exc
    if result.returncode != 0 or not (site / "pagefind" / "pagefind.js").is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BuildError("the search index could not be made (Pagefind failed"
                         + (f": {detail[-1]}" if detail else "") + "); is the 'pagefind[extended]' package installed?")

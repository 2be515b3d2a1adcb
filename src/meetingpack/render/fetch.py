"""What WeasyPrint may load while it lays out a pack: files in the content folder and the built-in assets.

WeasyPrint loads every image, stylesheet and font a page names, and every
image an SVG names, through its URL fetcher.  Its default one follows any
`http://`, `ftp://` or `file://` address, so a paper's SVG could pull a file
from anywhere on the machine into the public PDFs, or make a build send a
request.  `ConfinedFetcher` serves a `file:` address only when the file, after
following symbolic links, is inside one of the allowed folders (the content
folder, the built-in templates, the bundled fonts), and refuses every other
scheme and path.  `data:` addresses are served: they carry their own bytes,
so they read no file and reach no network (templates may use them for small
icons).  A refused address raises, and WeasyPrint then logs it and leaves the
resource out: the build goes on without it.

SVG files are served sanitised (see sanitise.py), the same bytes the website
publishes, so that the pack draws what the website shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..sanitise import Unpublishable, published

_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
          ".gif": "image/gif", ".webp": "image/webp", ".css": "text/css", ".ttf": "font/ttf",
          ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
"""Content types by suffix: a fixed table, not the machine's, so that every machine renders alike."""


class RefusedResource(ValueError):
    """An address a build may not load; WeasyPrint logs it and leaves the resource out."""


class ConfinedFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads only files inside `roots` (and `data:` addresses)."""

    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = tuple(root.resolve() for root in roots)
        self.read: dict[str, str] = {}
        """Every file served, with the SHA-256 of its bytes: what the render depended on (for the cache)."""

    def allowed_path(self, url: str) -> Path:
        """The file a `file:` address names, if it is inside the allowed folders; RefusedResource if not."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedResource(f"refused to load {url!r}: a build reads only files in the content folder")
        try:
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a loop of symbolic links
            raise RefusedResource(f"refused to load {url!r}: no such file") from None
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise RefusedResource(f"refused to load {url!r}: it is not a file inside the content folder")
        return path

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded in memory by urllib's data: handler
        path = self.allowed_path(url)
        self.read[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        try:
            data = published(path).data
        except Unpublishable as exc:
            raise RefusedResource(f"refused to load {url!r}: {exc}") from None
        content_type = _TYPES.get(path.suffix.lower(), "application/octet-stream")
        if data.startswith(b"<?xml") and content_type != "text/css":  # SVG under another name, sanitised
            content_type = "image/svg+xml"
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": content_type})

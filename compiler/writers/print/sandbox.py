"""What WeasyPrint may read while it renders: `data:` URLs and files under the allowed folders.

The build allows the layout's folder, the fonts' folder and the sources' folders; every other
URL — the network, `file://` elsewhere, in any letter case — is refused. A Dask worker laying out
a chapter it was sent (`compiler.build.dask_engine`) reads the chapter's files only: each path
the build's machine would read stands for the copy it was sent (`sent`), and nothing else of the
worker's disk is read. WeasyPrint names an image after its URL, so the URLs stay the build's own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import unquote, urlparse


def make_url_fetcher(allowed_roots: list[Path], sent: Mapping[str, Path] | None = None) -> Any:
    """A WeasyPrint URL fetcher that reads `data:` URLs and files under `allowed_roots` only;
    given `sent` (path as the URL names it → the local file standing for it), only those."""
    from weasyprint import URLFetcher

    roots = [root.resolve() for root in allowed_roots]

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            # Schemes are case-insensitive (`FILE:///etc/passwd` opens a file too): compare
            # the scheme as urllib will read it, and check every file URL, whatever its host.
            parsed = urlparse(url.strip())
            if parsed.scheme.lower() == "file":
                if parsed.netloc not in ("", "localhost"):
                    raise ValueError(f"refused: {url} is on another machine")
                if sent is not None:
                    named = os.path.normpath(unquote(parsed.path))
                    if named not in sent:
                        raise ValueError(f"refused: {named} was not sent with the chapter")
                    url = sent[named].resolve().as_uri()
                    parsed = urlparse(url)
                path = Path(unquote(parsed.path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"refused: {path} is outside the allowed folders")
            return super().fetch(url, headers)

    return ConfinedFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)

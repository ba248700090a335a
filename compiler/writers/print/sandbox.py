"""What WeasyPrint may read while it renders: `data:` URLs and files under the allowed folders.

The build allows the layout's folder, the fonts' folder and the sources' folders; every other
URL — the network, `file://` elsewhere, in any letter case — is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


def make_url_fetcher(allowed_roots: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that reads `data:` URLs and files under `allowed_roots` only."""
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
                path = Path(unquote(parsed.path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"refused: {path} is outside the allowed folders")
            return super().fetch(url, headers)

    return ConfinedFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)

"""Where reportc's own data lies (the layouts and the font manifest), and where it keeps its cache.

In a checkout, and in an editable install, they are the top-level `layouts/` and `fonts/`
folders. A wheel has no checkout around it, so setup.py copies both into the package
(`compiler/_data/`) when it builds one; this module finds whichever is there.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


LAYOUTS_DIR = _data_dir("layouts")  # one folder per layout (`layouts/<name>/layout.toml`)
FONTS_DIR = _data_dir("fonts")  # fonts.toml: the font roles and the files that fill them


def cache_dir() -> Path:
    """Where records, paginated chapters and compiled templates are kept: $REPORTC_CACHE_DIR,
    else the XDG cache folder."""
    if os.environ.get("REPORTC_CACHE_DIR"):
        return Path(os.environ["REPORTC_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportc"

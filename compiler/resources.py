"""Where reportc's own data lies (the layouts and the font manifest), and where it keeps its cache.

In a checkout, and in an editable install, they are the top-level `layouts/` and `fonts/`
folders. A wheel has no checkout around it, so setup.py copies both into the package
(`compiler/_data/`) when it builds one; this module finds whichever is there.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

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


@contextmanager
def replaced_atomically(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, named after this process, to write `target` to whole or
    not at all: renamed over it when the block ends without an error, removed in any case."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` whole or not at all (see `replaced_atomically`). Raises OSError."""
    with replaced_atomically(target) as temp:
        temp.write_bytes(data)


class KeptFiles:
    """Results kept in a folder of the cache between builds, one file per key (`<key><suffix>`),
    written atomically; past `limit` files the least recently used are removed, and so are
    temporary files a killed build left more than an hour ago. A folder that cannot be written
    costs only the time: nothing is kept."""

    def __init__(self, name: str, suffix: str, limit: int):
        self.folder, self.suffix, self.limit = cache_dir() / name, suffix, limit

    def read(self, key: str) -> bytes | None:
        kept = self.folder / f"{key}{self.suffix}"
        try:
            data = kept.read_bytes()
            os.utime(kept)  # recently used: kept when older ones are removed
            return data
        except OSError:
            return None

    def write(self, key: str, data: bytes) -> None:
        import time

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / f"{key}{self.suffix}", data)
            entries = []
            for path in self.folder.iterdir():
                try:
                    stat = path.stat()
                except OSError:
                    continue  # removed meanwhile by another build
                if path.name.endswith(".part"):
                    if stat.st_mtime < time.time() - 3600:
                        path.unlink(missing_ok=True)
                elif path.name.endswith(self.suffix):
                    entries.append((stat.st_mtime, path))
            for _, old in sorted(entries, reverse=True)[self.limit:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass

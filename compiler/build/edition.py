"""The edition manifest (`edition.json`) written beside a book's outputs, and its verification.

An archivist needs to know, years later, exactly what an edition was made from and with: the
SHA-256 of every source and output, the book's metadata, the versions of Python, WeasyPrint,
ebooklib and the fonts, and the build date. `reportc verify DIR` hashes everything again and
reports what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import asdict
from datetime import datetime
from importlib import metadata as package_metadata
from pathlib import Path

from ..books.config import Book
from ..diagnostics import read_data_file

MANIFEST_NAME = "edition.json"
BOOK_FIELDS = ("title", "subtitle", "edition", "year", "publisher", "isbn", "editors", "language", "script",
               "opencc", "layout", "pdf_variant")


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tool_versions() -> dict[str, str | None]:
    """The versions of Python and of the packages an edition was made with (None: not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for package in ("reportc", "weasyprint", "ebooklib", "markdown", "jinja2", "fonttools", "opencc"):
        try:
            versions[package] = package_metadata.version(package)
        except package_metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def font_versions() -> dict:
    """Each manifest face's version string (name ID 5), read from its font file."""
    from fontTools.ttLib import TTCollection, TTFont

    from ..writers.fonts import load_manifest_files

    versions = {}
    for family, files in load_manifest_files().items():
        for file in files:
            fonts = TTCollection(file, lazy=True).fonts if file.endswith(".ttc") else [TTFont(file, lazy=True)]
            for font in fonts:
                if font["name"].getDebugName(1) == family:
                    versions[family] = font["name"].getDebugName(5)
                    break
            if family in versions:
                break
    return versions


def manifest_text(outdir: Path, book: Book, sources: list[Path], outputs: list[tuple[Path, Path]], built: datetime) -> str:
    """The manifest for outputs about to be written to `outdir`: `outputs` pairs each output's
    final path with the file that holds its bytes now (its staged copy). Paths are stored
    relative to `outdir`, so the folder can move together with its sources."""
    def record(path: Path, content: Path | None = None) -> dict:
        return {"path": os.path.relpath(path.resolve(), outdir.resolve()), "sha256": sha256(content or path)}

    manifest = {
        "manifest": 1,
        "built": built.isoformat(),
        "book": {key: value for key, value in asdict(book).items() if key in BOOK_FIELDS},
        "tools": tool_versions(),
        "fonts": font_versions(),
        "sources": [record(path) for path in sources],
        "outputs": [record(final, staged) for final, staged in outputs],
    }
    return json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def verify(folder: Path) -> list[str]:
    """What differs from the manifest in `folder`: one line per changed or missing file."""
    manifest = read_data_file(
        folder / MANIFEST_NAME, json.loads, (json.JSONDecodeError,), invalid="not a readable manifest",
        missing=f"{folder}: no {MANIFEST_NAME} here (was it built with reportc build book.toml?)")
    problems = []
    for kind in ("sources", "outputs"):
        for entry in manifest.get(kind, []):
            path = folder / entry["path"]
            if not path.is_file():
                problems.append(f"{kind[:-1]} missing: {entry['path']}")
            elif sha256(path) != entry["sha256"]:
                problems.append(f"{kind[:-1]} changed: {entry['path']}")
    return problems

"""What a build is asked to do (`BuildOptions`) and what it did (`BuildResult`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional, cast, get_args

from ..books.config import Conversion, PdfVariant, Script
from ..diagnostics import EXIT_USAGE, Findings, ReportError

# The Dask scheduler a book's chapters are laid out on when --scheduler is not given.
SCHEDULER_VARIABLE = "REPORTC_SCHEDULER"

Format = Literal["pdf", "epub", "html"]
FORMATS: tuple[Format, ...] = get_args(Format)
DEFAULT_FORMATS: tuple[Format, ...] = ("pdf", "epub")


@dataclass(frozen=True)
class BuildOptions:
    """How to build. `layout` is for a chapter (a book names its own in book.toml);
    `pdf_variant`, `script`, `opencc`, `jobs` and `paginate_apart` are for books, and override
    the book's own settings when given."""

    formats: tuple[Format, ...] = DEFAULT_FORMATS
    layout: str = "yearbook"
    embed_fonts: bool = False
    strict: bool = False  # warnings stop the build
    pdf_variant: Optional[PdfVariant] = None
    script: Optional[Script] = None
    opencc: Optional[Conversion] = None
    jobs: Optional[int] = None  # processes paginating a book's chapters (default: one per CPU)
    paginate_apart: Optional[bool] = None  # a book's chapters one by one (None: as its layout says)
    reuse_outputs: bool = True  # nothing changed since the last build into the folder: keep its outputs
    reuse_parts: bool = True  # a book's chapters paginated by an earlier build, unchanged: reuse them
    lock_timeout: Optional[float] = None  # seconds to wait for another build into the folder (None: as long as it runs)
    scheduler: Optional[str] = None  # a Dask scheduler (tcp://HOST:PORT) laying a book's chapters out (None: this machine)


@dataclass
class BuildResult:
    """What a build did: the outputs it wrote, its findings, the files it read."""

    outputs: dict[str, Path] = field(default_factory=dict)
    findings: Findings | None = None
    pages: int = 0
    inputs: list[Path] = field(default_factory=list)  # the files the build read: sources, images
    paginated: list[int] | None = None  # a book's chapters paginated anew (the others were reused)
    chapters: int = 0  # a book's chapters
    up_to_date: bool = False  # nothing changed: the outputs are the last build's
    engine: str = "local"  # what laid a book's chapters out: "local" (this machine's processes) or "dask"
    workers: int = 0  # the processes or Dask workers it had


def parse_formats(text: str) -> tuple[Format, ...]:
    """`pdf,epub` → ("pdf", "epub"); an unknown format is a usage error."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportError(f"unknown format '{','.join(unknown) or text}' (choose from {', '.join(FORMATS)})", EXIT_USAGE)
    return cast(tuple[Format, ...], formats)


def default_jobs() -> int:
    """One process per CPU this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1

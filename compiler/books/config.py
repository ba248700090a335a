"""A book's configuration: `book.toml` names a yearbook's metadata and its ordered chapter files.

`load_book` reads and checks the file: an unknown key, a value of the wrong type or a missing
chapter is an error naming it (exit 2). A `[hant]` table gives the texts a Traditional edition
prints (`PRINTED`) as they are to be printed, instead of their OpenCC conversion.

`recover = { sections = false, callouts = false, rejoin = false }` switches a structure recovery
off for every chapter, and `section_names = [...]` restricts recovered sections to those names,
as a chapter's front matter does (`recover_sections: false`, `section_names: [...]`, see
`compiler.transforms.overrides`); what a chapter's own front matter says wins.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from ..diagnostics import EXIT_USAGE, ReportError, read_data_file

Script = Literal["hans", "hant"]
Conversion = Literal["s2t", "s2twp", "s2hk", "s2tw"]  # OpenCC's Simplified → Traditional conversions
PdfVariant = Literal["pdf/a-3b", "pdf/ua-1"]
SCRIPTS: tuple[Script, ...] = get_args(Script)
CONVERSIONS: tuple[Conversion, ...] = get_args(Conversion)
PDF_VARIANTS: tuple[PdfVariant, ...] = get_args(PdfVariant)
LANGUAGE_OF = {"s2t": "zh-Hant", "s2tw": "zh-Hant-TW", "s2twp": "zh-Hant-TW", "s2hk": "zh-Hant-HK"}
# book.toml's texts that an edition prints and declares, which a [hant] table may give for the
# Traditional edition (see compiler.books.edition_text)
PRINTED = ("title", "subtitle", "editors", "publisher", "edition")
# The recoveries `recover = { … = false }` switches off, each the front-matter key `recover_<name>`.
RECOVERIES = ("sections", "callouts", "rejoin")


@dataclass
class Book:
    """A book as book.toml describes it: metadata, settings and its chapter files in order."""

    path: Path
    title: str
    chapters: list[Path]
    subtitle: str = ""
    edition: str = ""
    year: int | None = None
    publisher: str = ""
    isbn: str = ""
    editors: list[str] = field(default_factory=list)
    language: str = "zh-Hans"
    script: Script = "hans"
    opencc: Conversion = "s2t"
    layout: str = "yearbook"  # a layout's name in layouts/, or a layout folder
    pdf_variant: PdfVariant | Literal[""] = ""
    hant: dict[str, Any] = field(default_factory=dict)  # [hant]: PRINTED texts of a Traditional edition
    recover: dict[str, bool] = field(default_factory=dict)  # RECOVERIES switched on or off for every chapter
    section_names: list[str] | None = None  # the only names a recovered section may have, in every chapter

    @property
    def folder(self) -> Path:
        return self.path.parent

    def chapter_defaults(self) -> dict[str, str]:
        """The recovery settings as the front-matter keys each chapter has unless it gives them
        itself (`recover_sections: false`, `section_names: [...]`)."""
        defaults = {f"recover_{name}": "true" if on else "false" for name, on in self.recover.items()}
        if self.section_names is not None:
            defaults["section_names"] = "[" + ", ".join(self.section_names) + "]"
        return defaults

    @property
    def output_language(self) -> str:
        """The language tag of the edition: zh-Hant (-TW, -HK) when converted to Traditional."""
        return LANGUAGE_OF[self.opencc] if self.script == "hant" else self.language


_TYPES = {
    "title": str, "subtitle": str, "edition": str, "year": int, "publisher": str, "isbn": str,
    "editors": list, "language": str, "script": str, "opencc": str, "layout": str, "chapters": list,
    "pdf_variant": str, "hant": dict, "recover": dict, "section_names": list,
}


def load_book(path: str | Path) -> Book:
    """Read `book.toml`; exit 2 with the key or file named when it is wrong."""
    path = Path(path)
    data = read_data_file(path, tomllib.loads, (tomllib.TOMLDecodeError,), missing=f"{path}: no such book file",
                          invalid="not a valid TOML book file")
    _check_keys(path, data, _TYPES)
    _check_keys(path, data.get("hant", {}), {key: _TYPES[key] for key in PRINTED}, table="hant")
    _check_keys(path, data.get("recover", {}), {name: bool for name in RECOVERIES}, table="recover")
    if any(not isinstance(name, str) or not name.strip() for name in data.get("section_names", [])):
        raise ReportError(f"{path}: 'section_names' must list names", EXIT_USAGE)
    for required in ("title", "chapters"):
        if not data.get(required):
            raise ReportError(f"{path}: '{required}' is missing", EXIT_USAGE)
    chapters = []
    for entry in data["chapters"]:
        if not isinstance(entry, str):
            raise ReportError(f"{path}: 'chapters' must list file names", EXIT_USAGE)
        chapter = (path.parent / entry).resolve()
        if not chapter.is_file():
            raise ReportError(f"{path}: chapter '{entry}' not found", EXIT_USAGE)
        chapters.append(chapter)
    book = Book(path=path.resolve(), **{k: v for k, v in data.items() if k != "chapters"}, chapters=chapters)
    check_options(book, path)
    return book


def _check_keys(path: Path, data: dict[str, Any], types: dict[str, type], table: str = "") -> None:
    """Exit 2 naming the first key of `data` (the file, or its `[table]`) that is unknown or of
    the wrong type."""
    for key, value in data.items():
        name = f"{table}.{key}" if table else key
        if key not in types:
            raise ReportError(f"{path}: unknown key '{name}' (known: {', '.join(sorted(types))})", EXIT_USAGE)
        if not isinstance(value, types[key]) or (key == "year" and isinstance(value, bool)):
            raise ReportError(f"{path}: '{name}' must be a {types[key].__name__}", EXIT_USAGE)


def check_options(book: Book, where: Path | str = "") -> None:
    """Raise a usage error naming the first setting of `book` that is not a known value."""
    prefix = f"{where}: " if where else ""
    if book.script not in SCRIPTS:
        raise ReportError(f"{prefix}script '{book.script}' is not one of {', '.join(SCRIPTS)}", EXIT_USAGE)
    if book.opencc not in CONVERSIONS:
        raise ReportError(f"{prefix}opencc '{book.opencc}' is not one of {', '.join(CONVERSIONS)}", EXIT_USAGE)
    if book.pdf_variant and book.pdf_variant not in PDF_VARIANTS:
        raise ReportError(f"{prefix}pdf_variant '{book.pdf_variant}' is not one of {', '.join(PDF_VARIANTS)}",
                          EXIT_USAGE)
    for key, editors in (("editors", book.editors), ("hant.editors", book.hant.get("editors", []))):
        if any(not isinstance(name, str) for name in editors):
            raise ReportError(f"{prefix}'{key}' must list names", EXIT_USAGE)

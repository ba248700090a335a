"""The book as its edition prints and declares it: one script throughout.

A Traditional-Chinese edition (`script = "hant"`) converts its chapters with OpenCC
(`compiler.books.chapters`); book.toml's own texts — title, subtitle, editors, publisher, edition
(`PRINTED`) — are printed on the title and edition pages and declared in the PDF's and the EPUB's
metadata, so they are converted with the same profile, unless book.toml's `[hant]` table gives
one for the Traditional edition: that value is printed as given. A Simplified edition prints
book.toml's texts as written.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..transforms.script import opencc_converter
from .config import PRINTED, Book


def as_printed(book: Book) -> Book:
    """`book` with its `PRINTED` texts as its edition prints them: in a Traditional edition the
    `[hant]` table's value where it gives one, book.toml's converted with `book.opencc` where not."""
    if book.script != "hant":
        return book
    convert = opencc_converter(book.opencc)

    def printed(key: str) -> Any:
        if key in book.hant:
            return book.hant[key]
        value = getattr(book, key)
        return [convert(item) for item in value] if isinstance(value, list) else convert(value)

    return replace(book, **{key: printed(key) for key in PRINTED})

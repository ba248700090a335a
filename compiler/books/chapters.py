"""A chapter's tree made ready to sit in a book beside the others.

Each chapter's ids get the chapter's prefix (`s3` → `ch2-s3`), so that one HTML page and one
EPUB can hold them all; a Traditional-Chinese edition converts the text with OpenCC and tags it;
and for the book's print page, rendered from the book's folder, images are given relative to
that folder instead of the chapter's own.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, unquote

from ..model.nodes import Block, CrossRef, Document, Image, Inline
from ..model.traverse import map_blocks, map_leaves, map_runs, map_text
from ..transforms.cross_references import map_cross_references
from ..transforms.script import opencc_converter
from .config import Book


def chapter_of_book(doc: Document, number: int, book: Book) -> Document:
    """Chapter `number` (from 1) of `book`: ids prefixed `ch<number>`, in the edition's script
    and language."""
    doc = prefix_ids(doc, f"ch{number}")
    if book.script == "hant":
        return convert_script(doc, book.opencc, book.output_language)
    if doc.language != book.language:
        return replace(doc, language=book.language)
    return doc


def prefix_ids(doc: Document, prefix: str) -> Document:
    """The chapter with every id prefixed (`s3` → `ch2-s3`), so that chapters can share a page:
    those of sections, callouts, paragraphs, figures, tables and footnotes (the notes are blocks
    of the document too), and the ids cross-references point at."""

    def prefixed(block: Block) -> Block:
        ident = getattr(block, "ident", "")
        return replace(cast(Any, block), ident=f"{prefix}-{ident}") if ident else block

    def pointed(ref: CrossRef) -> Inline:
        return replace(ref, target=f"{prefix}-{ref.target}") if ref.target else ref

    blocks_prefixed = map_blocks(doc, prefixed)
    return replace(map_runs(blocks_prefixed, lambda run: map_cross_references(run, pointed)), ident=prefix)


def convert_script(doc: Document, conversion: str, language: str) -> Document:
    """The chapter in Traditional characters (OpenCC `conversion`), tagged `language`: its text
    and the images' alt text, which is shown too (code and raw HTML stay as written)."""
    convert = opencc_converter(conversion)

    def alt_converted(node: Inline) -> Inline:
        return replace(node, alt=convert(node.alt)) if isinstance(node, Image) and node.alt else node

    converted = map_runs(doc, lambda nodes: map_leaves(map_text(nodes, convert), alt_converted))
    return replace(converted, language=language)


def rebase_images(doc: Document, source_dir: Path, book_dir: Path) -> Document:
    """The chapter with its images' files given relative to the book's folder instead of its
    own, as the book's print page (rendered from the book's folder) needs them."""

    def rebase(node: Inline) -> Inline:
        if isinstance(node, Image) and node.file and not node.file.startswith("data:"):
            moved = os.path.relpath(source_dir / unquote(node.file), book_dir)
            return replace(node, file=quote(Path(moved).as_posix()))
        return node

    if source_dir.resolve() == book_dir.resolve():
        return doc
    return map_runs(doc, lambda nodes: map_leaves(nodes, rebase))

"""Rendering the tree to HTML through the layout's templates: the page HTML that WeasyPrint
renders into pages, and the XHTML body of the EPUB's content document. Reads only the tree."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import __version__
from ..books.config import Book
from ..model.nodes import Block, Document, Footnote, KeyPoints, NoteRef, Section
from ..model.traverse import iter_inlines, plain_text
from .anchors import anchors
from .fonts import font_variables_css
from .print.coverage import needed_fallback
from .print.kinsoku import join_prohibited_breaks
from .templates import Layout


def _parts(doc: Document) -> tuple[list[Block], list[Block]]:
    """The chapter opening (the key points that lead it) and the body (everything after)."""
    count = 0
    while count < len(doc.children) and isinstance(doc.children[count], KeyPoints):
        count += 1
    return doc.children[:count], doc.children[count:]


def referenced_notes(doc: Document) -> frozenset[str]:
    """The labels of the notes whose first reference stands in the chapter's text (not in another
    note): print sets each of these notes at that reference, the EPUB links back to it."""
    return frozenset(node.label for node in iter_inlines(replace(doc, notes=[]))
                     if isinstance(node, NoteRef) and node.first)


def _chapter(doc: Document) -> dict[str, Any]:
    """A chapter as the templates take it: its opening (key points), body and top-level sections;
    its footnotes by label (`notes`), the labels of those set at a first reference
    (`referenced`) and the others, which print lists at the chapter's end (`end_notes`)."""
    front, body = _parts(doc)
    referenced = referenced_notes(doc)
    notes: dict[str, Footnote] = {note.label: note for note in doc.notes}
    return {"doc": doc, "front": front, "body": body,
            "sections": [b for b in doc.children if isinstance(b, Section)],
            "notes": notes, "referenced": referenced,
            "end_notes": [note for note in doc.notes if not note.number or note.label not in referenced]}


def _settings(layout: Layout, output: str) -> dict[str, Any]:
    """What every template is told besides the tree: which output it renders (`print`, `epub`,
    `book`) and the layout's settings for tables ([tables] in layout.toml)."""
    tables = {"wide": 52.0, "landscape": 64.0, "padding": 1.3, "wrap": 12.0, **layout.config.get("tables", {})}
    return {"output": output, "tables": tables}


def _context(doc: Document, layout: Layout, output: str) -> dict[str, Any]:
    return {
        **_chapter(doc),
        "title": plain_text(doc.title),
        "strings": layout.strings(doc.language),
        "version": __version__,
        "anchors": anchors(doc),
        "stylesheets": _stylesheets(layout, output, [doc]),
        **_settings(layout, output),
    }


def _stylesheets(layout: Layout, output: str, docs: list[Document]) -> list[str]:
    """The layout's stylesheets for `output`; print ones after the font roles of fonts/fonts.toml,
    each followed by the fallback faces the characters of `docs` need."""
    sheets = [path.read_text(encoding="utf-8") for path in layout.stylesheets(output)]
    if output == "epub":
        return sheets
    return [font_variables_css(fallback=needed_fallback(docs)), *sheets]


def render_print_html(doc: Document, layout: Layout) -> str:
    """The whole HTML page for WeasyPrint, styles inlined so it renders the same on its own."""
    return layout.render("print", _context(join_prohibited_breaks(doc), layout, "print"))


def book_context(book: Book, docs: list[Document], layout: Layout, date: str) -> dict[str, Any]:
    """What the book template is given, made once for the whole book or for all its parts."""
    chapters = [_chapter(join_prohibited_breaks(doc)) for doc in docs]
    for number, chapter in enumerate(chapters):
        chapter["first"] = number == 0
    return {
        "book": book,
        "language": book.output_language,
        "chapters": chapters,
        "strings": layout.strings(book.output_language),
        "version": __version__,
        "date": date,
        "anchors": frozenset().union(*(anchors(doc) for doc in docs)),
        "stylesheets": _stylesheets(layout, "book", docs),
        # each chapter's notes: the book template sets `notes` and `referenced` for each chapter
        "notes": {}, "referenced": frozenset(),
        **_settings(layout, "book"),
    }


def render_book_part(context: dict[str, Any], layout: Layout, *, front: bool = True, chapters: list[int] | None = None,
                     page_numbers: dict[str, str] | None = None) -> str:
    """One HTML page of the book for WeasyPrint (`context` from `book_context`).

    By default the page holds everything: title and edition pages, contents, every chapter. A
    book paginated a part at a time asks for one part: the front matter alone (`front`, no
    `chapters`), its contents giving `page_numbers` (id → printed page) as text; or the chapters
    numbered in `chapters` without the front matter. The template gets the part's chapters as
    `part_chapters`."""
    every = context["chapters"]
    numbers = range(len(every)) if chapters is None else chapters
    return layout.render("book", {**context, "front": front, "part_chapters": [every[n] for n in numbers],
                                  "page_numbers": page_numbers})


def render_title_page(book: Book, layout: Layout, date: str, markers: list[str]) -> str:
    """The EPUB's front-matter document body: title, edition details, the front pages' markers."""
    context = {"book": book, "strings": layout.strings(book.output_language), "date": date, "markers": markers}
    return layout.render("book_epub", context)


def render_epub_body(doc: Document, layout: Layout) -> str:
    """The body markup of the chapter's EPUB content document (XHTML-compatible)."""
    return layout.render("epub", _context(doc, layout, "epub"))

"""Rendering the tree to HTML through the layout's templates: the page HTML that WeasyPrint
lays out, and the XHTML body of the EPUB's content document. Reads only the tree."""

from __future__ import annotations

from .. import __version__
from .. import tree as t
from ..layouts import Layout
from .kinsoku import join_prohibited_breaks
from .pages import inline_targets


def _parts(doc: t.Document) -> tuple[list[t.Block], list[t.Block]]:
    """The chapter opening (the key points that lead it) and the body (everything after)."""
    count = 0
    while count < len(doc.children) and isinstance(doc.children[count], t.KeyPoints):
        count += 1
    return doc.children[:count], doc.children[count:]


def _context(doc: t.Document, layout: Layout, output: str) -> dict:
    front, body = _parts(doc)
    return {
        "doc": doc,
        "title": t.plain_text(doc.title),
        "front": front,
        "body": body,
        "sections": [b for b in doc.children if isinstance(b, t.Section)],
        "strings": layout.strings(doc.language),
        "version": __version__,
        "anchors": _anchors(doc),
        "stylesheets": [path.read_text(encoding="utf-8") for path in layout.stylesheets(output)],
    }


def _anchors(doc: t.Document) -> frozenset[str]:
    """Every id the rendered chapter has, so in-document links to anything else are dropped."""
    ids = set(inline_targets(doc))
    for block in t.walk_blocks(doc.children):
        if isinstance(block, (t.Section, t.Callout)):
            ids.add(block.ident)
    return frozenset(ids)


def render_print_html(doc: t.Document, layout: Layout) -> str:
    """The whole HTML page for WeasyPrint, styles inlined so it renders the same on its own."""
    return layout.render("print", _context(join_prohibited_breaks(doc), layout, "print"))


def render_epub_body(doc: t.Document, layout: Layout) -> str:
    """The body markup of the chapter's EPUB content document (XHTML-compatible)."""
    return layout.render("epub", _context(doc, layout, "epub"))

"""The print edition's pages inside the EPUB: where each PDF page begins, as a tree position.

WeasyPrint's laid-out pages are read box by box: the first text on a page belongs to an element
with an id (a paragraph `p17`, a heading `s3-h`, a callout's title or body …), at some offset
in that element's text. Offsets count characters other than whitespace and word joiners, so
line breaking (which may drop a space at a line end) and the print edition's joiners do not
shift them. `mark_pages` then puts a PageBreak
node at that position in a copy of the tree, for the EPUB renderer to emit as a page marker.

This module reads WeasyPrint internals (`Page._page_box`, box classes); the WeasyPrint version
is pinned and `tests/test_pages.py` fails loudly if an upgrade changes them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import tree as t


@dataclass(frozen=True)
class PageStart:
    label: str  # the printed page number
    element_id: str  # the id of the element whose text the page begins in
    offset: int  # characters (whitespace not counted) of that element's text before the page


def inline_targets(doc: t.Document) -> dict[str, tuple]:
    """Element id → where its inline content lives in the tree, as a path the marker can follow."""
    targets: dict[str, tuple] = {doc.ident: ("title",)}

    def visit(blocks: list[t.Block], path: tuple) -> None:
        for index, block in enumerate(blocks):
            here = path + (index,)
            if isinstance(block, t.Section):
                targets[f"{block.ident}-h"] = here + ("title",)
                visit(block.children, here + ("children",))
            elif isinstance(block, t.Paragraph):
                targets[block.ident] = here + ("children",)
            elif isinstance(block, t.Callout):
                targets[f"{block.ident}-t"] = here + ("title",)
                targets[f"{block.ident}-b"] = here + ("children",)
            elif isinstance(block, t.KeyPoints):
                for number in range(len(block.items)):
                    targets[f"kp{number + 1}"] = here + ("items", number)
            elif isinstance(block, t.BlockQuote):
                visit(block.children, here + ("children",))
            elif isinstance(block, t.BulletList):
                for number, item in enumerate(block.items):
                    visit(item.children, here + ("items", number, "children"))

    visit(doc.children, ("children",))
    return targets


def page_starts(document, html_root, docs) -> list[PageStart]:
    """Where each laid-out page begins, one entry per page, for the pages WeasyPrint rendered
    from `html_root` out of the tree(s) `docs`. A page with no text of the trees (a title page,
    a blank verso) gets `element_id` "". Labels are 1, 2 …: a book relabels its front matter."""
    from weasyprint.formatting_structure import boxes

    if isinstance(docs, t.Document):
        docs = [docs]
    known: dict[str, tuple] = {}
    for doc in docs:
        known.update(inline_targets(doc))
    parents = {child: parent for parent in html_root.iter() for child in parent}
    consumed: dict[str, int] = {}
    starts: list[PageStart] = []
    for number, page in enumerate(document.pages, start=1):
        label = str(number)
        first: PageStart | None = None
        for box in _flow_boxes(page._page_box, boxes):
            if not isinstance(box, boxes.TextBox) or "::" in (box.element_tag or ""):
                continue
            element_id = _nearest_id(box.element, parents, known)
            if element_id is None:
                continue
            count = sum(1 for char in box.text if _counted(char))
            if first is None and count:
                first = PageStart(label, element_id, consumed.get(element_id, 0))
            consumed[element_id] = consumed.get(element_id, 0) + count
        starts.append(first if first is not None else PageStart(label, "", 0))
    return starts


def _counted(char: str) -> bool:
    """Characters that offsets count: not whitespace, not the print edition's word joiners."""
    return not char.isspace() and char != "\u2060"


def _flow_boxes(page_box, boxes):
    """The page's boxes in order, without its margin boxes (running heads, page numbers)."""
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            continue
        yield child
        if isinstance(child, boxes.ParentBox):
            yield from child.descendants()


def _nearest_id(element, parents, known) -> str | None:
    while element is not None:
        element_id = element.get("id")
        if element_id in known:
            return element_id
        element = parents.get(element)
    return None


def mark_pages(doc: t.Document, starts: list[PageStart]) -> t.Document:
    """A copy of the tree with a PageBreak inline node where each of its pages begins (pages
    that begin in another tree, or in none, are left out)."""
    targets = inline_targets(doc)
    by_target: dict[tuple, list[PageStart]] = {}
    for start in starts:
        if start.element_id in targets:
            by_target.setdefault(targets[start.element_id], []).append(start)
    for path, marks in by_target.items():
        doc = _update(doc, path, lambda nodes, marks=marks: _insert(nodes, marks))
    return doc


def _update(node, path: tuple, fn):
    """Rebuild `node` with the value at `path` (attribute names and list indexes) mapped by fn."""
    if not path:
        return fn(node)
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        copy = list(node)
        copy[head] = _update(node[head], rest, fn)
        return copy
    return replace(node, **{head: _update(getattr(node, head), rest, fn)})


def _insert(nodes: list[t.Inline], marks: list[PageStart]) -> list[t.Inline]:
    """Insert PageBreak nodes before the non-space character at each mark's offset."""
    pending = sorted(marks, key=lambda mark: mark.offset)
    seen = 0

    def walk(run: list[t.Inline]) -> list[t.Inline]:
        nonlocal seen
        out: list[t.Inline] = []
        for node in run:
            if isinstance(node, (t.Text, t.Code)):
                text, piece = node.text, ""
                for char in text:
                    if _counted(char):
                        while pending and pending[0].offset <= seen:
                            if piece:
                                out.append(type(node)(piece))
                                piece = ""
                            out.append(t.PageBreak(pending.pop(0).label))
                        seen += 1
                    piece += char
                if piece:
                    out.append(type(node)(piece))
            elif isinstance(node, (t.Strong, t.Emphasis, t.RunIn, t.Link)):
                while pending and pending[0].offset <= seen:
                    out.append(t.PageBreak(pending.pop(0).label))
                out.append(replace(node, children=walk(node.children)))
            else:
                out.append(node)
        return out

    result = walk(nodes)
    result.extend(t.PageBreak(mark.label) for mark in pending)  # past the end: keep, at the end
    return result

"""The intermediate document tree: typed nodes that every pass reads and writes.

The reader builds this tree from source text; the normalisation passes turn one tree into
another; the renderers read only the tree. Every block node carries the 1-based source line
it came from, so findings and errors can point at the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Iterator, Union

# ---------------------------------------------------------------- inline nodes


@dataclass
class Text:
    text: str


@dataclass
class Strong:
    children: list["Inline"]


@dataclass
class Emphasis:
    children: list["Inline"]


@dataclass
class Code:
    text: str


@dataclass
class Link:
    href: str
    children: list["Inline"]
    title: str = ""


@dataclass
class Image:
    """An image as the source gives it (`src`). `file` is set by the images pass when the image
    may be shown: a path relative to the source's folder (or a data: URL). Renderers use only
    `file`; an image without one shows its alt text."""

    src: str
    alt: str
    title: str = ""
    file: str = ""


@dataclass
class LineBreak:
    pass


@dataclass
class RawInline:
    """Inline HTML from the source. Renderers escape it: it is shown, never interpreted."""

    html: str


@dataclass
class PageBreak:
    """Where a page of the print edition begins (set by the renderer from the PDF's layout)."""

    label: str


@dataclass
class RunIn:
    """A bold lead-in that opens a paragraph (`**推进区县创新发展。**…`): part of the paragraph."""

    children: list["Inline"]


Inline = Union[Text, Strong, Emphasis, Code, Link, Image, LineBreak, RawInline, RunIn, PageBreak]

# ---------------------------------------------------------------- block nodes


@dataclass
class Heading:
    level: int
    children: list[Inline]
    line: int
    blank_lines_before: int = 0
    recovered: bool = False  # inserted by a pass where the source has no heading


@dataclass
class Paragraph:
    children: list[Inline]
    line: int
    blank_lines_before: int = 0
    ident: str = ""
    # Where the last half of a paragraph rejoined across a sidebar begins (0: never rejoined).
    # Bookkeeping for the rejoin pass, not content: left out of comparisons and the dump.
    continued_at: int = field(default=0, compare=False)


@dataclass
class ListItem:
    children: list["Block"]
    line: int


@dataclass
class BulletList:
    items: list[ListItem]
    line: int
    ordered: bool = False
    start: int = 1
    blank_lines_before: int = 0


@dataclass
class CodeBlock:
    text: str
    line: int
    language: str = ""
    blank_lines_before: int = 0


@dataclass
class BlockQuote:
    children: list["Block"]
    line: int
    blank_lines_before: int = 0


@dataclass
class ThematicBreak:
    line: int
    blank_lines_before: int = 0


@dataclass
class Table:
    header: list[list[Inline]]
    rows: list[list[list[Inline]]]
    line: int
    blank_lines_before: int = 0


@dataclass
class RawBlock:
    """A block of HTML from the source; shown as escaped text, never interpreted."""

    html: str
    line: int
    blank_lines_before: int = 0


@dataclass
class Callout:
    """A sidebar box: a titled aside that belongs to the section around it."""

    title: list[Inline]
    children: list[Inline]
    line: int
    blank_lines_before: int = 0
    ident: str = ""


@dataclass
class KeyPoints:
    """The chapter's key points (本章要点), the list right under the chapter title."""

    items: list[list[Inline]]
    line: int
    blank_lines_before: int = 0


@dataclass
class Section:
    """A titled part of the chapter. `recovered` marks a section the source gave no heading."""

    level: int
    title: list[Inline]
    children: list["Block"]
    line: int
    recovered: bool = False
    ident: str = ""
    blank_lines_before: int = 0


Block = Union[
    Heading, Paragraph, BulletList, CodeBlock, BlockQuote, ThematicBreak, Table, RawBlock,
    Callout, KeyPoints, Section,
]


@dataclass
class Document:
    """One chapter. `title` is the chapter heading; `meta` holds front-matter keys."""

    title: list[Inline]
    children: list[Block]
    source_name: str
    title_line: int = 0
    meta: dict[str, str] = field(default_factory=dict)
    language: str = "zh-Hans"
    ident: str = "chapter"  # the chapter heading's id; a book gives each chapter its own


# ---------------------------------------------------------------- helpers


def plain_text(nodes: list[Inline] | Inline) -> str:
    """The visible text of inline nodes, markup dropped."""
    if isinstance(nodes, list):
        return "".join(plain_text(n) for n in nodes)
    if isinstance(nodes, (Text, Code)):
        return nodes.text
    if isinstance(nodes, Image):
        return nodes.alt
    if isinstance(nodes, LineBreak):
        return "\n"
    if isinstance(nodes, PageBreak):
        return ""
    if isinstance(nodes, RawInline):
        return nodes.html
    return plain_text(nodes.children)


def blocks_text(blocks: list[Block]) -> str:
    """All the text of `blocks` that the outputs show: paragraphs, titles, items, table cells,
    code and raw HTML (shown as text), image alt texts; not link targets or image sources."""
    runs: list[str] = []
    for block in walk_blocks(blocks):
        if isinstance(block, (Paragraph, Heading)):
            runs.append(plain_text(block.children))
        elif isinstance(block, (Section, Callout)):
            runs.append(plain_text(block.title))
            if isinstance(block, Callout):
                runs.append(plain_text(block.children))
        elif isinstance(block, KeyPoints):
            runs.extend(plain_text(item) for item in block.items)
        elif isinstance(block, CodeBlock):
            runs.append(block.text)
        elif isinstance(block, RawBlock):
            runs.append(block.html)
        elif isinstance(block, Table):
            runs.extend(plain_text(cell) for cell in block.header)
            runs.extend(plain_text(cell) for row in block.rows for cell in row)
    return "\n".join(runs)


def merge_text(nodes: list[Inline]) -> list[Inline]:
    """Join adjacent Text nodes and drop empty ones."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            if not node.text:
                continue
            if merged and isinstance(merged[-1], Text):
                merged[-1] = Text(merged[-1].text + node.text)
                continue
        merged.append(node)
    return merged


def inline_runs(doc: "Document") -> Iterator[tuple[int, list[Inline]]]:
    """(source line, run of inline nodes) for the whole document: titles, paragraphs, callouts,
    key points and table cells, in document order."""
    yield doc.title_line or 1, doc.title
    for block in walk_blocks(doc.children):
        if isinstance(block, (Paragraph, Heading)):
            yield block.line, block.children
        elif isinstance(block, Callout):
            yield block.line, block.title
            yield block.line, block.children
        elif isinstance(block, Section):
            yield block.line, block.title
        elif isinstance(block, KeyPoints):
            for item in block.items:
                yield block.line, item
        elif isinstance(block, Table):
            for cell in block.header:
                yield block.line, cell
            for row in block.rows:
                for cell in row:
                    yield block.line, cell


def all_inlines(doc: "Document") -> Iterator[Inline]:
    """Every inline node of the document, nested ones too (order not kept)."""
    stack = [node for _, run in inline_runs(doc) for node in run]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", []))


def walk_sections(blocks: list[Block]) -> Iterator[Section]:
    """Every section, depth first, in document order."""
    for block in blocks:
        if isinstance(block, Section):
            yield block
            yield from walk_sections(block.children)


def walk_blocks(blocks: list[Block]) -> Iterator[Block]:
    """Every block, depth first, in document order (sections, quotes and list items entered)."""
    for block in blocks:
        yield block
        if isinstance(block, (Section, BlockQuote)):
            yield from walk_blocks(block.children)
        elif isinstance(block, BulletList):
            for item in block.items:
                yield from walk_blocks(item.children)


def dump(doc: Document) -> str:
    """A readable, indented dump of the tree: the golden-file format."""
    out: list[str] = [f"Document lang={doc.language} title={plain_text(doc.title)!r} line={doc.title_line}"]
    for key in sorted(doc.meta):
        out.append(f"  meta {key}={doc.meta[key]!r}")
    for block in doc.children:
        _dump_node(block, 1, out)
    return "\n".join(out) + "\n"


_SKIP = {"children", "items", "title", "header", "rows", "blank_lines_before", "continued_at"}


def _dump_node(node, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    name = type(node).__name__
    attrs = " ".join(
        f"{f.name}={getattr(node, f.name)!r}"
        for f in fields(node)
        if f.name not in _SKIP and f.name != "text" and f.name != "html"
    )
    if isinstance(node, (Text, Code, CodeBlock)):
        out.append(f"{pad}{name} {node.text!r}" + (f" {attrs}" if attrs else ""))
        return
    if isinstance(node, (RawInline, RawBlock)):
        out.append(f"{pad}{name} {node.html!r}" + (f" {attrs}" if attrs else ""))
        return
    out.append(f"{pad}{name}" + (f" {attrs}" if attrs else ""))
    if isinstance(node, (Callout, Section)):
        out.append(f"{pad}  title {plain_text(node.title)!r}")
    if isinstance(node, KeyPoints):
        for item in node.items:
            out.append(f"{pad}  item {plain_text(item)!r}")
        return
    if isinstance(node, Table):
        out.append(f"{pad}  header {[plain_text(c) for c in node.header]!r}")
        for row in node.rows:
            out.append(f"{pad}  row {[plain_text(c) for c in row]!r}")
        return
    for attr in ("items", "children"):
        for child in getattr(node, attr, []) or []:
            if is_dataclass(child):
                _dump_node(child, depth + 1, out)

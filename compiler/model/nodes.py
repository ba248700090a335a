"""The intermediate document tree: typed nodes that every stage reads and writes.

The reader builds this tree from source text; the transforms turn one tree into another; the
writers read only the tree. Every block node carries the 1-based source line it came from, so
findings and errors can point at the source.

Each field that holds other nodes says so in its metadata (`RUN`, `TITLE`, `RUNS`, `HEADER`,
`ROWS`, `BLOCKS`, `ITEMS` below), and each field that holds text a reader sees says `SHOWN`. That declaration is
the one place a node type is taught to the traversal (`compiler.model.traverse`), the dump
and every writer built on them: a new node type declares its fields and is walked, mapped,
dumped and counted like the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Union

# What a child field holds (its metadata's "shape").
Shape = Literal["run", "runs", "rows", "blocks", "items"]
# What a run of inline nodes is to its block: a title (set as a heading), a table header cell
# (set in bold) or body text.
Role = Literal["title", "header", "body"]


# The metadata of each kind of field, given as `field(metadata=…)` (written out in each class,
# so that type checkers see which fields have no default).
RUN: dict[str, Any] = {"shape": "run", "role": "body"}  # one run of inline nodes: list[Inline]
TITLE: dict[str, Any] = {"shape": "run", "role": "title"}  # a run set as a title
RUNS: dict[str, Any] = {"shape": "runs", "role": "body"}  # runs, each an item or cell: list[list[Inline]]
HEADER: dict[str, Any] = {"shape": "runs", "role": "header"}  # a table's header cells
ROWS: dict[str, Any] = {"shape": "rows", "role": "body"}  # rows of cells: list[list[list[Inline]]]
BLOCKS: dict[str, Any] = {"shape": "blocks"}  # list[Block]
ITEMS: dict[str, Any] = {"shape": "items"}  # a list's items: list[ListItem]
SHOWN: dict[str, Any] = {"shown": True}  # a string the outputs show: a leaf's text, code, alt text
NOT_DUMPED: dict[str, Any] = {"dump": False}  # bookkeeping, left out of the dump


# ---------------------------------------------------------------- inline nodes


@dataclass
class Text:
    """Plain text."""

    text: str = field(metadata=SHOWN)


@dataclass
class _Span:
    """Inline nodes set apart as a whole (bold, emphasis, a lead-in, a style): a run of its own."""

    children: list[Inline] = field(metadata=RUN)


@dataclass
class Strong(_Span):
    """Bold text (`**…**`)."""


@dataclass
class Emphasis(_Span):
    """Emphasised text (`*…*`)."""


@dataclass
class Code:
    """Inline code, shown as written."""

    text: str = field(metadata=SHOWN)


@dataclass
class Link:
    """A link; writers follow only web, mail and in-document targets (see the layout's `safe_href`)."""

    href: str
    children: list[Inline] = field(metadata=RUN)
    title: str = ""


@dataclass
class Image:
    """An image as the source gives it (`src`). `file` is set by the images transform when the
    image may be shown: a path relative to the source's folder (or a data: URL). Writers use
    only `file`; an image without one shows its alt text."""

    src: str
    alt: str = field(metadata=SHOWN)
    title: str = ""
    file: str = ""
    label: str = ""  # `{#fig-id}` written right after the image: the figure's label


@dataclass
class LineBreak:
    """A hard line break inside a paragraph."""

    shows: ClassVar[str] = "\n"


@dataclass
class RawInline:
    """Inline HTML from the source. Writers escape it: it is shown, never interpreted."""

    html: str = field(metadata=SHOWN)


@dataclass
class PageBreak:
    """Where a page of the print edition begins (placed by the EPUB writer from the PDF's pages)."""

    label: str


@dataclass
class RunIn(_Span):
    """A bold lead-in that opens a paragraph (`**推进区县创新发展。**…`): part of the paragraph."""


@dataclass
class Superscript(_Span):
    """Raised text (`x^2^`, or HTML `<sup>` in the source: `m<sup>2</sup>`)."""


@dataclass
class Subscript(_Span):
    """Lowered text (`H~2~O`, or HTML `<sub>` in the source: `H<sub>2</sub>O`)."""


@dataclass
class Underline(_Span):
    """Underlined text (HTML `<u>` or `<ins>` in the source)."""


@dataclass
class Strikethrough(_Span):
    """Struck-out text (HTML `<s>`, `<del>` or `<strike>` in the source)."""


@dataclass
class NoteRef:
    """A footnote reference (`text[^id]`). The footnotes transform numbers it (`number`, 0 until
    then) and marks the first reference to each note (`first`): print sets the note's text at
    that one, later references repeat its number."""

    label: str
    number: int = 0
    first: bool = False


@dataclass
class CrossRef:
    """A reference to a labelled figure, table, equation or section (`@fig-id`, `@tbl-id`,
    `@eq-id`, `@sec-id`). The cross-references transform resolves it: `target` is the ident it
    links to, `kind` what it names ("figure", "table", "equation", "section"), `number` the
    figure's, table's or equation's number in its chapter, `chapter` its chapter's number, and
    `given` a number its author wrote in the caption (see `Figure`); a section reference shows
    the section's title (`children`). Unresolved (`target` ""), it shows as written (`@label`)."""

    label: str
    target: str = ""
    kind: str = ""
    number: int = 0
    given: str = ""
    chapter: str = ""
    children: list[Inline] = field(default_factory=list, metadata=RUN)


@dataclass
class Math:
    """Inline TeX math (`$…$`), kept as written; the writers typeset it (MathML, SVG)."""

    tex: str = field(metadata=SHOWN)


Inline = Union[Text, Strong, Emphasis, Code, Link, Image, LineBreak, RawInline, RunIn, PageBreak,
               Superscript, Subscript, Underline, Strikethrough, NoteRef, CrossRef, Math]

# ---------------------------------------------------------------- block nodes


@dataclass
class Heading:
    """A heading as the reader finds it; sections are made of headings by a transform."""

    level: int
    children: list[Inline] = field(metadata=TITLE)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    recovered: bool = False  # inserted by a transform where the source has no heading
    label: str = ""  # `{#sec-id}` at the heading's end: what cross-references call it


@dataclass
class Paragraph:
    """A paragraph of inline nodes; `ident` is its element id once ids are given."""

    children: list[Inline] = field(metadata=RUN)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    ident: str = ""
    # Where the last half of a paragraph rejoined across a sidebar begins (0: never rejoined).
    continued_at: int = field(default=0, compare=False, metadata=NOT_DUMPED)


@dataclass
class ListItem:
    """One item of a list: blocks."""

    children: list[Block] = field(metadata=BLOCKS)
    line: int


@dataclass
class BulletList:
    """A list, unordered or (`ordered`) numbered from `start`."""

    items: list[ListItem] = field(metadata=ITEMS)
    line: int
    ordered: bool = False
    start: int = 1
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


@dataclass
class CodeBlock:
    """A block of code, shown as written."""

    text: str = field(metadata=SHOWN)
    line: int
    language: str = ""
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


@dataclass
class BlockQuote:
    """A quotation: blocks."""

    children: list[Block] = field(metadata=BLOCKS)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


@dataclass
class ThematicBreak:
    """A thematic break (`---`)."""

    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


@dataclass
class Table:
    """A table: a header row of cells and rows of cells, each cell a run of inline nodes.

    `align` holds each column's alignment from the delimiter row ("left", "right", "center" or
    "" for none given); `numeric` marks the columns of figures (set by the tables transform).
    A table may carry a `caption` (its `表 N` line or `: caption` line), a `label` to refer to it
    by (`{#tbl-id}`), its `number` in the chapter (0: not numbered), a `given` number its author
    wrote in the caption, and `notes`: the source and notes lines set under it (`注：…`).

    The rows `[header, *rows]` form a grid of equal columns. A table read from HTML may have
    several heading rows (`header_rows`: the header and the first `header_rows - 1` rows) and
    merged cells: each of `merged` is (row, column, rows, columns) over that grid, the cell at
    (row, column) spanning the others, which are empty and not drawn."""

    header: list[list[Inline]] = field(metadata=HEADER)
    rows: list[list[list[Inline]]] = field(metadata=ROWS)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    align: tuple[str, ...] = ()
    numeric: tuple[bool, ...] = ()
    caption: list[Inline] = field(default_factory=list, metadata=RUN)
    notes: list[Block] = field(default_factory=list, metadata=BLOCKS)
    label: str = ""
    number: int = 0
    given: str = ""
    chapter: str = ""  # the chapter's number (`Document.number`), for the layout to prefix
    ident: str = ""
    data_file: str = ""  # the CSV file it was read from, relative to the source's folder
    header_rows: int = 1
    merged: tuple[tuple[int, int, int, int], ...] = ()


@dataclass
class RawBlock:
    """A block of HTML from the source; shown as escaped text, never interpreted."""

    html: str = field(metadata=SHOWN)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


@dataclass
class Callout:
    """A sidebar box: a titled aside that belongs to the section around it.

    A sidebar recovered from the blank lines around it has one run of text (`children`). One
    its author wrote out (`::: info 专家点评` … `:::`, `> [!NOTE]`) holds blocks (`blocks`) and
    says its `kind` ("info", "note", "tip", "warning" …, "details" for HTML's
    `<details><summary>`), which the layout styles."""

    title: list[Inline] = field(metadata=TITLE)
    children: list[Inline] = field(metadata=RUN)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    ident: str = ""
    kind: str = ""
    blocks: list[Block] = field(default_factory=list, metadata=BLOCKS)


@dataclass
class KeyPoints:
    """The chapter's key points (本章要点), the list right under the chapter title."""

    items: list[list[Inline]] = field(metadata=RUNS)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


@dataclass
class Section:
    """A titled part of the chapter. `recovered` marks a section the source gave no heading."""

    level: int
    title: list[Inline] = field(metadata=TITLE)
    children: list[Block] = field(metadata=BLOCKS)
    line: int
    recovered: bool = False
    ident: str = ""
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    label: str = ""  # its heading's `{#sec-id}`


@dataclass
class Centered:
    """Blocks set centred: HTML `<center>`, `<div align="center">` or `<p align="center">` in the
    source (a figure's caption, as reports write them)."""

    children: list[Block] = field(metadata=BLOCKS)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


@dataclass
class Figure:
    """An image set apart with its caption: `image` is its run (the image, and any page marker),
    `caption` the caption's run. `label` names it for references (`{#fig-id}`); `number` is its
    number in the chapter (set by the numbering transform) and `given` a number its author wrote
    at the head of the caption (`图 2.1`), which the caption then no longer holds. The layout
    prints the number: `given` when there is one, else `chapter`-`number` (`图 3-1`) or
    `number` alone when the chapter title gives no number."""

    image: list[Inline] = field(metadata=RUN)
    caption: list[Inline] = field(metadata=RUN)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    label: str = ""
    number: int = 0
    given: str = ""
    chapter: str = ""  # the chapter's number (`Document.number`), for the layout to prefix
    ident: str = ""


@dataclass
class Footnote:
    """A footnote's definition (`[^label]: …`, continued by indented lines and paragraphs).
    The reader leaves it where it stands; the footnotes transform moves it into the document's
    `notes`, numbered by its first reference (`number`; 0 when nothing refers to it)."""

    label: str
    children: list[Block] = field(metadata=BLOCKS)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    number: int = 0
    ident: str = ""


@dataclass
class MathBlock:
    """Display math (`$$…$$` on lines of their own), TeX kept as written. An equation labelled
    for references (`$$ … $$ {#eq-id}`, Quarto's syntax) has its `number` in the chapter (set by
    the numbering transform), the chapter's number (`chapter`) and an `ident`; the layout prints
    its number beside it."""

    tex: str = field(metadata=SHOWN)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    label: str = ""
    number: int = 0
    chapter: str = ""  # the chapter's number (`Document.number`), for the layout to prefix
    ident: str = ""


Block = Union[
    Heading, Paragraph, BulletList, CodeBlock, BlockQuote, ThematicBreak, Table, RawBlock,
    Callout, KeyPoints, Section, Centered, Figure, Footnote, MathBlock,
]


@dataclass
class Document:
    """One chapter. `title` is the chapter heading; `meta` holds front-matter keys."""

    title: list[Inline] = field(metadata=TITLE)
    children: list[Block] = field(metadata=BLOCKS)
    source_name: str = ""
    title_line: int = 0
    meta: dict[str, str] = field(default_factory=dict)
    language: str = "zh-Hans"
    ident: str = "chapter"  # the chapter heading's id; a book gives each chapter its own
    # The chapter's footnotes, in the order of their numbers (unreferenced ones last).
    notes: list[Footnote] = field(default_factory=list, metadata=BLOCKS)
    # The chapter's number as its title gives it (第十一章 → "11"; "" when it gives none), for
    # figure and table numbers.
    number: str = ""


Node = Union[Inline, Block, ListItem, Document]
INLINE_TYPES: tuple[type, ...] = Inline.__args__  # type: ignore[attr-defined]
BLOCK_TYPES: tuple[type, ...] = Block.__args__  # type: ignore[attr-defined]

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
    """Raised text (HTML `<sup>` in the source: `m<sup>2</sup>`, a note mark)."""


@dataclass
class Subscript(_Span):
    """Lowered text (HTML `<sub>` in the source: `H<sub>2</sub>O`)."""


@dataclass
class Underline(_Span):
    """Underlined text (HTML `<u>` or `<ins>` in the source)."""


@dataclass
class Strikethrough(_Span):
    """Struck-out text (HTML `<s>`, `<del>` or `<strike>` in the source)."""


Inline = Union[Text, Strong, Emphasis, Code, Link, Image, LineBreak, RawInline, RunIn, PageBreak,
               Superscript, Subscript, Underline, Strikethrough]

# ---------------------------------------------------------------- block nodes


@dataclass
class Heading:
    """A heading as the reader finds it; sections are made of headings by a transform."""

    level: int
    children: list[Inline] = field(metadata=TITLE)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    recovered: bool = False  # inserted by a transform where the source has no heading


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
    """A table: a header row of cells and rows of cells, each cell a run of inline nodes."""

    header: list[list[Inline]] = field(metadata=HEADER)
    rows: list[list[list[Inline]]] = field(metadata=ROWS)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


@dataclass
class RawBlock:
    """A block of HTML from the source; shown as escaped text, never interpreted."""

    html: str = field(metadata=SHOWN)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


@dataclass
class Callout:
    """A sidebar box: a titled aside that belongs to the section around it."""

    title: list[Inline] = field(metadata=TITLE)
    children: list[Inline] = field(metadata=RUN)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)
    ident: str = ""


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


@dataclass
class Centered:
    """Blocks set centred: HTML `<center>`, `<div align="center">` or `<p align="center">` in the
    source (a figure's caption, as reports write them)."""

    children: list[Block] = field(metadata=BLOCKS)
    line: int
    blank_lines_before: int = field(default=0, metadata=NOT_DUMPED)


Block = Union[
    Heading, Paragraph, BulletList, CodeBlock, BlockQuote, ThematicBreak, Table, RawBlock,
    Callout, KeyPoints, Section, Centered,
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


Node = Union[Inline, Block, ListItem, Document]
INLINE_TYPES: tuple[type, ...] = Inline.__args__  # type: ignore[attr-defined]
BLOCK_TYPES: tuple[type, ...] = Block.__args__  # type: ignore[attr-defined]

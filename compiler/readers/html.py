"""Raw HTML in a chapter, read with a real HTML parser (lxml.html) against an allow-list.

Reports written outside this project are full of harmless HTML: `<br>`, `<center>` captions,
`<div align="center">` around a figure, `<sup>2</sup>`, `<img src="local.png">`. What is on the
allow-list becomes the ordinary nodes of the tree, so every output draws it as the layout says;
no attribute the list does not name is read, so none reaches an output:

- inline: `br` → LineBreak; `b`, `strong` → Strong; `i`, `em` → Emphasis; `sup` → Superscript;
  `sub` → Subscript; `u`, `ins` → Underline; `s`, `del`, `strike` → Strikethrough; `code`, `kbd`
  → Code (its text); `a` → Link when its `href` is http(s), mailto or a `#fragment` (else its
  text alone), with its `title`; `img` → the Image node Markdown's `![]()` makes (`src`, `alt`,
  `title`), so the images transform checks it under the same rules; the wrappers `span`, `font`,
  `abbr`, `acronym`, `small`, `big`, `mark`, `cite`, `dfn`, `time`, `nobr`, `wbr` → their text;
- block: `center`, and `div` or `p` with `align="center"` → Centered; any other `div` → its
  contents; `p` → a paragraph. A `<div …>` or `<center>` standing alone, its closing tag some
  blocks later (a wrapper around a Markdown table or image), wraps those blocks
  (`place_wrappers`);
- `table` (with `caption`, `thead`, `tbody`, `tfoot`, `tr`, `th`, `td`; `col`/`colgroup`
  ignored) → the Table node Markdown's tables make: its rows laid on a grid, `rowspan` and
  `colspan` kept as merged cells, the rows of `thead` (or the leading rows of `th` only) as
  heading rows, a column's alignment from its cells' `align` (or `text-align` in `style`,
  read for that alone);
- `details` → a Callout of kind "details" titled by its `summary`; a `<details>` line (with
  its `<summary>`) standing alone wraps the Markdown blocks up to its `</details>`.

Anything else is kept as today: a RawBlock (the whole block of HTML, when any element of it is
off the list) or a RawInline (each tag off the list, inline), shown as escaped text, and one
warning per block names those tags (`report_refused`). Comments are dropped by the reader before.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Callable, NamedTuple, Sequence

import lxml.html
from lxml import etree

from ..diagnostics import Findings
from ..model.nodes import (
    Block, BlockQuote, BulletList, Callout, Centered, Code, Emphasis, Image, Inline, LineBreak, Link, Paragraph,
    RawBlock, RawInline, Strikethrough, Strong, Subscript, Superscript, Table, Text, Underline,
)
from ..model.traverse import is_span, iter_blocks, merge_text, own_runs, plain_text

SPANS: dict[str, Callable[[list[Inline]], Inline]] = {
    "b": Strong, "strong": Strong, "i": Emphasis, "em": Emphasis, "sup": Superscript, "sub": Subscript,
    "u": Underline, "ins": Underline, "s": Strikethrough, "del": Strikethrough, "strike": Strikethrough,
}
CODE = frozenset({"code", "kbd"})
WRAPPERS = frozenset({"span", "font", "abbr", "acronym", "small", "big", "mark", "cite", "dfn", "time", "nobr", "wbr"})
INLINE_TAGS = frozenset(SPANS) | CODE | WRAPPERS | {"a", "img", "br"}
BLOCK_TAGS = frozenset({"center", "div", "p"})
TABLE_TAGS = frozenset({"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"})
DETAILS_TAGS = frozenset({"details", "summary"})
ALLOWED = INLINE_TAGS | BLOCK_TAGS | TABLE_TAGS | DETAILS_TAGS
SAFE_HREF = re.compile(r"^(?:https?://|mailto:|#)", re.I)
TAG_NAME = re.compile(r"^\s*<\s*/?\s*([A-Za-z][A-Za-z0-9:-]*)")
LONE_OPENER = re.compile(r"^\s*<(center|div)(?:\s[^<>]*)?>\s*$", re.I)
LONE_DETAILS = re.compile(r"^\s*<details(?:\s[^<>]*)?>\s*(?:<summary(?:\s[^<>]*)?>.*?</summary>\s*)?$", re.I | re.S)
LONE_CLOSER = re.compile(r"^\s*</(center|div|details)\s*>\s*$", re.I)
MAX_COLSPAN = 1000  # HTML's own limit: a larger colspan counts as 1000
TEXT_ALIGN = re.compile(r"(?:^|;)\s*text-align\s*:\s*(left|right|center)\b", re.I)
# Nodes that are no HTML of the run (Markdown's own, and tags off the list) stand in the parsed
# run as this element, and are put back as they are.
KEEP = "reportc-keep"


def _parse(markup: str) -> lxml.html.HtmlElement:
    """The fragment, parsed into a `div` (leading white space kept: the parser drops it)."""
    lead = markup[:len(markup) - len(markup.lstrip())]
    root = lxml.html.fragment_fromstring(markup, create_parent="div") if markup.strip() else lxml.html.Element("div")
    root.text = lead + (root.text or "") if root.text or lead else None
    return root


def _tag(element: etree._Element) -> str:
    """An element's tag, "" for comments and processing instructions."""
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _centred(element: etree._Element) -> bool:
    return _tag(element) == "center" or (element.get("align") or "").strip().lower() == "center"


def refused_tags(markup: str) -> list[str]:
    """The tags of a block of HTML that are off the allow-list, each once, in order."""
    root = _parse(markup)
    names = [_tag(element) for element in root.iter() if element is not root and _tag(element)]
    return list(dict.fromkeys(name for name in names if name not in ALLOWED))


def token_tag(markup: str) -> str:
    """The name of the tag a piece of inline HTML opens or closes with ("" if none)."""
    found = TAG_NAME.match(markup)
    return found.group(1).lower() if found else ""


# ---------------------------------------------------------------- inline


def read_html_run(nodes: list[Inline]) -> list[Inline]:
    """A run whose inline HTML (each tag a RawInline, as Python-Markdown stashes them) on the
    allow-list is parsed into nodes, with the text and Markdown nodes between the tags; a tag
    off the list stays the RawInline it was. A block's tag met inside a line (`</div>` right
    under a table's last row) is a wrapper there: its text is kept, the tag goes."""
    if not any(isinstance(node, RawInline) for node in nodes):
        return nodes
    kept: list[Inline] = []
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(html.escape(node.text, quote=False))
        elif isinstance(node, RawInline) and token_tag(node.html) in ALLOWED:
            parts.append(node.html)
        else:
            parts.append(f'<{KEEP} data-i="{len(kept)}"></{KEEP}>')
            kept.append(node)
    return merge_text(_inlines(_parse("".join(parts)), kept))


def _inlines(element: etree._Element, kept: Sequence[Inline] = ()) -> list[Inline]:
    nodes: list[Inline] = [Text(element.text)] if element.text else []
    for child in element:
        nodes.extend(_inline(child, kept))
        if child.tail:
            nodes.append(Text(child.tail))
    return nodes


def _inline(element: etree._Element, kept: Sequence[Inline]) -> list[Inline]:
    tag = _tag(element)
    if tag == KEEP:
        return [kept[int(element.get("data-i", "0"))], *_inlines(element, kept)]
    if tag == "br":
        return [LineBreak()]
    children = _inlines(element, kept)
    if tag in SPANS:
        return [SPANS[tag](merge_text(children))]
    if tag in CODE:
        return [Code(plain_text(children))]
    if tag == "a":
        href = (element.get("href") or "").strip()
        return [Link(href, merge_text(children), element.get("title") or "")] if SAFE_HREF.match(href) else children
    if tag == "img":
        return [Image((element.get("src") or "").strip(), element.get("alt") or "", element.get("title") or "")]
    return children  # wrappers, and a block's tag inside a line (its text kept); comments hold no text here


# ---------------------------------------------------------------- blocks


def read_html_block(markup: str, line: int) -> list[Block] | None:
    """A block of HTML as blocks, or None when an element of it is off the allow-list (it is
    then kept whole as a RawBlock). Line breaks at a paragraph's edges are dropped, and so is a
    block that shows nothing (`<br>` alone between paragraphs: spacing is the layout's)."""
    if refused_tags(markup):
        return None
    return _blocks(_parse(markup), line)


def _blocks(element: etree._Element, line: int) -> list[Block]:
    blocks: list[Block] = []
    pending: list[Inline] = [Text(element.text)] if element.text else []

    def flush() -> None:
        run = _trimmed(merge_text(pending))
        if run:
            blocks.append(Paragraph(run, line))
        pending.clear()

    for child in element:
        if _tag(child) == "table":
            flush()
            blocks.extend(_table(child, line))
        elif _tag(child) == "details":
            flush()
            blocks.append(_details(child, line))
        elif _tag(child) in BLOCK_TAGS:
            flush()
            inner = _blocks(child, line)
            if _centred(child) and inner:
                blocks.append(Centered(inner, line))
            else:
                blocks.extend(inner)
        else:
            pending.extend(_inline(child, ()))
        if child.tail:
            pending.append(Text(child.tail))
    flush()
    return blocks


def _table(element: etree._Element, line: int) -> list[Table]:
    """A `<table>` as a Table on a grid (none if it has no cell)."""
    caption: list[Inline] = []
    sections: list[tuple[bool, list[etree._Element]]] = []  # (is thead, its rows)
    for child in element:
        tag = _tag(child)
        if tag == "caption":
            caption = _trimmed(merge_text(_inlines(child)))
        elif tag in ("thead", "tbody", "tfoot"):
            sections.append((tag == "thead", [row for row in child if _tag(row) == "tr"]))
        elif tag == "tr":
            if sections and sections[-1][0] is False and sections[-1][1] and sections[-1][1][-1].getnext() is child:
                sections[-1][1].append(child)  # rows right under <table>: one body
            else:
                sections.append((False, [child]))
    grid: list[dict[int, list[Inline]]] = []
    merged: list[tuple[int, int, int, int]] = []
    covered: set[tuple[int, int]] = set()
    aligns: dict[int, set[str]] = {}
    heading_rows: list[bool] = []
    for is_head, rows in sections:
        base = len(grid)
        for offset, row in enumerate(rows):
            index = base + offset
            grid.append({})
            cells = [cell for cell in row if _tag(cell) in ("td", "th")]
            heading_rows.append(is_head or (bool(cells) and all(_tag(cell) == "th" for cell in cells)))
            column = 0
            for cell in cells:
                while (index, column) in covered:
                    column += 1
                rows_spanned = _span(cell.get("rowspan"), len(rows) - offset, len(rows) - offset)
                columns_spanned = _span(cell.get("colspan"), MAX_COLSPAN, 1)
                grid[index][column] = _cell_run(cell, line)
                covered.update((index + r, column + c) for r in range(rows_spanned) for c in range(columns_spanned))
                if rows_spanned > 1 or columns_spanned > 1:
                    merged.append((index, column, rows_spanned, columns_spanned))
                align = _cell_align(cell)
                if align and not is_head:
                    aligns.setdefault(column, set()).add(align)
                column += columns_spanned
    width = max((column + 1 for _, column in covered), default=0)  # every cell covers its own place
    if width == 0:
        return []
    runs = [[row.get(column, []) for column in range(width)] for row in grid]
    header_rows = next((count for count, heading in enumerate(heading_rows) if not heading), len(heading_rows))
    # a column's alignment: the one its body cells give, when those that give one agree
    aligned = tuple(next(iter(found)) if len(found) == 1 else "" for found in
                  (aligns.get(column, set()) for column in range(width)))
    return [Table(runs[0], runs[1:], line, align=aligned if any(aligned) else (), caption=caption,
                  header_rows=header_rows, merged=tuple(merged))]


def _span(value: str | None, most: int, zero: int) -> int:
    """A `rowspan`/`colspan` value as HTML reads it: digits only, at least 1, at most `most`;
    0 (a rowspan to the end of its section) is `zero`."""
    digits = re.match(r"\s*(\d+)", value or "")
    if not digits:
        return 1
    number = int(digits.group(1))
    return max(1, min(zero if number == 0 else number, most))


def _cell_align(cell: etree._Element) -> str:
    """A cell's alignment: its `align`, else `text-align` in its `style` ("" for neither)."""
    align = (cell.get("align") or "").strip().lower()
    if align in ("left", "right", "center"):
        return align
    found = TEXT_ALIGN.search(cell.get("style") or "")
    return found.group(1).lower() if found else ""


def _cell_run(cell: etree._Element, line: int) -> list[Inline]:
    """A cell's content as one run: its paragraphs (and those of blocks in it) joined by line breaks."""
    run: list[Inline] = []
    for block in iter_blocks(_blocks(cell, line)):
        if isinstance(block, Paragraph):
            run.extend([LineBreak(), *block.children] if run else block.children)
    return merge_text(run)


def _details(element: etree._Element, line: int) -> Callout:
    """A `<details>` as a callout of kind "details": its `summary` the title, the rest the body."""
    summary = next((child for child in element if _tag(child) == "summary"), None)
    title: list[Inline] = []
    if summary is not None:
        title = _trimmed(merge_text(_inlines(summary)))
        previous = summary.getprevious()
        if previous is None:
            element.text = (element.text or "") + (summary.tail or "")
        else:
            previous.tail = (previous.tail or "") + (summary.tail or "")
        element.remove(summary)
    return Callout(title, [], line, kind="details", blocks=_blocks(element, line))


def _trimmed(run: list[Inline]) -> list[Inline]:
    """The run without the line breaks and white space at its edges ([] if that is all)."""
    def blank(node: Inline) -> bool:
        return isinstance(node, LineBreak) or (isinstance(node, Text) and not node.text.strip())

    start, end = 0, len(run)
    while start < end and blank(run[start]):
        start += 1
    while end > start and blank(run[end - 1]):
        end -= 1
    run = list(run[start:end])
    if run and isinstance(run[0], Text):
        run[0] = Text(run[0].text.lstrip())
    if run and isinstance(run[-1], Text):
        run[-1] = Text(run[-1].text.rstrip())
    return run


class LoneTag(NamedTuple):
    """A block that is only a wrapper's tag: whether it opens, and what it wraps its blocks in
    ("centred", "details" with the `summary` as `title`, or "" for a wrapper that only styled)."""

    opens: bool
    wraps: str = ""
    title: tuple[Inline, ...] = ()


def lone_tag(block: Block) -> LoneTag | None:
    """For a block that is only an opening or a closing `div`/`center`/`details` tag (a
    `<details>` with its `<summary>`): what it is."""
    if not isinstance(block, RawBlock):
        return None
    if LONE_CLOSER.match(block.html):
        return LoneTag(False)
    if LONE_OPENER.match(block.html):
        return LoneTag(True, "centred" if any(_centred(element) for element in _parse(block.html)) else "")
    if LONE_DETAILS.match(block.html):
        summary = next((element for element in _parse(block.html).iter() if _tag(element) == "summary"), None)
        return LoneTag(True, "details", tuple(_trimmed(merge_text(_inlines(summary)))) if summary is not None else ())
    return None


def place_wrappers(blocks: list[Block]) -> list[Block]:
    """Blocks with each `div`/`center`/`details` tag standing alone paired with its closing tag
    some blocks later: a centring pair wraps the blocks between in a Centered, a details pair in
    a callout, another pair goes (a wrapper that only styled them), and so does a tag that finds
    no partner. Inside quotes and list items too."""
    out: list[Block] = []
    openers: list[tuple[int, LoneTag, RawBlock]] = []
    for block in blocks:
        lone = lone_tag(block)
        if lone is None:
            out.append(_placed_inside(block))
            continue
        if lone.opens:
            openers.append((len(out), lone, block))  # type: ignore[arg-type]
        elif openers:
            start, opener, tag = openers.pop()
            inner = out[start:]
            if opener.wraps == "details":
                del out[start:]
                out.append(Callout(list(opener.title), [], tag.line, tag.blank_lines_before, kind="details",
                                   blocks=inner))
            elif opener.wraps == "centred" and inner:
                del out[start:]
                out.append(Centered(inner, tag.line, tag.blank_lines_before))
    return out


def _placed_inside(block: Block) -> Block:
    if isinstance(block, BlockQuote):
        return replace(block, children=place_wrappers(block.children))
    if isinstance(block, BulletList):
        return replace(block, items=[replace(item, children=place_wrappers(item.children)) for item in block.items])
    return block


# ---------------------------------------------------------------- findings


def report_refused(blocks: list[Block], findings: Findings) -> None:
    """One warning per block holding HTML off the allow-list, naming its tags (the blocks
    Python-Markdown cuts one line of HTML into, `<script>…</script><style>…</style>`, are one)."""
    by_line: dict[int, list[str]] = {}
    for block in iter_blocks(blocks):
        if isinstance(block, RawBlock):
            tags = refused_tags(block.html)
        else:
            tags = [tag for found in own_runs(block) for tag in _raw_tags(found.nodes) if tag]
        if tags:
            by_line.setdefault(block.line, []).extend(tags)
    for line, tags in by_line.items():
        tags = list(dict.fromkeys(tags))
        where = findings.locate(line, re.compile(f"<{re.escape(tags[0])}\\b", re.I))
        findings.warning(where[0], f"HTML {', '.join(f'<{tag}>' for tag in tags)} shown as text: "
                                   "not on the allow-list", where[1], length=where[2], code="html-refused")


def _raw_tags(nodes: list[Inline]) -> list[str]:
    tags: list[str] = []
    for node in nodes:
        if isinstance(node, RawInline):
            tags.append(token_tag(node.html))
        elif is_span(type(node)):
            tags.extend(_raw_tags(node.children))  # type: ignore[union-attr]
    return tags


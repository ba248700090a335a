"""CommonMark's block rules where Python-Markdown reads otherwise: lists and fenced code.

Authors write for GitHub and CommonMark readers; Python-Markdown, which reads the chapter (it
keeps bold next to Chinese punctuation, which CommonMark's rules lose), differs on two kinds
of block. `as_commonmark_reads` rewrites the lines of one group of blocks so that Python-Markdown
builds the structure CommonMark would. Only the text handed to Python-Markdown changes: the
reader finds source lines in the group's own lines, so the lines added here move no line number.

Lists. CommonMark places an item's continuation lines by the column its text starts at (2 for
`- `, 3 for `1. `, up to 5), allows up to 3 spaces before a marker, ends an item's paragraph at
the next marker, reads fenced code and quotes inside items, and knows `1)` markers. Python-
Markdown nests by multiples of 4 spaces, glues a marker or quote line onto a paragraph above it,
and reads fences only at the left margin. A group opening with a list marker is written with
each line of an item at 4 spaces per level, `N)` markers as `N.`, a blank line before each item
of a loose list (and between a bullet and an ordered list), fenced code inside an item as that
item's indented code, and a lazy continuation line's leading marker escaped.

Fenced code. CommonMark's fence may be indented up to 3 spaces (its lines lose that much), be
closed by a longer fence, carry any info string, and run to the end of the document unclosed.
Python-Markdown's fence must stand at the margin, be closed by the same fence, and hold a
one-word language: fences are written that way (the info string's first word kept as the
language), and an unclosed one is closed at the end of the group.
"""

from __future__ import annotations

import re

from .containers import CODE_FENCE as FENCE, expand_indent

MARKER = re.compile(r"(?P<marker>[-+*]|\d{1,9}[.)])(?P<space>[ \t]+|$)")
FENCE_LINE = re.compile(r"^(?P<indent> {0,3})(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
BLOCK_START = re.compile(r"^ {0,3}(?:[-+*][ \t]|[-+*]$|\d{1,9}[.)](?:[ \t]|$)|>|#{1,6}(?:[ \t]|$)|`{3,}|~{3,}|"
                         r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$)")
LEVEL = "    "  # Python-Markdown's indentation of one level


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    return not line.strip()


def as_commonmark_reads(lines: list[str]) -> list[str]:
    """A group's lines, rewritten so that Python-Markdown reads the lists and fences in them
    as CommonMark does."""
    return commonmark_fences(commonmark_lists(lines))


def commonmark_fences(lines: list[str]) -> list[str]:
    """The lines with each fenced code block at the margin, closed by its own fence."""
    if not any(FENCE.match(line) for line in lines):
        return lines
    out: list[str] = []
    fence: tuple[str, int] | None = None  # the open fence's marker, its indentation
    for line in lines:
        if fence is None:
            opened = FENCE_LINE.match(line)
            if opened is None or (opened.group("marker")[0] == "`" and "`" in opened.group("info")):
                out.append(line)
                continue
            marker, info = opened.group("marker"), opened.group("info").strip()
            fence = (marker, len(opened.group("indent")))
            language = info if info.startswith("{") and info.endswith("}") else \
                (re.match(r"[\w#.+-]*", info.split()[0]).group(0) if info else "")  # type: ignore[union-attr]
            out.append(marker + language)
            continue
        marker, indent = fence
        closing = FENCE_LINE.match(line)
        if closing and closing.group("marker")[0] == marker[0] and len(closing.group("marker")) >= len(marker) \
                and not closing.group("info").strip():
            out.append(marker)
            fence = None
            continue
        strip = min(indent, _indent(line))
        out.append(line[strip:])
    if fence is not None:
        out.append(fence[0])  # CommonMark: an unclosed fence runs to the end of its container
    return out


def commonmark_lists(lines: list[str]) -> list[str]:
    """The group's lines, re-indented as described above when the group opens with a list
    marker (else unchanged)."""
    if not lines or not _marker_at(expand_indent(lines[0]), 0):
        return lines
    source = [expand_indent(line) for line in lines]
    last = max(index for index, line in enumerate(source) if not _blank(line))
    loose = any(_blank(line) for line in source[:last])
    out: list[str] = []
    items: list[int] = []  # the content columns of the open items, outermost first
    paragraph = False  # is the line before text of a paragraph (a lazy continuation may follow)
    fence: tuple[str, int] | None = None  # an open fence inside an item: its marker, its column
    kinds: list[str] = []  # the kind of marker ("bullet", ".", ")") of the last item at each level
    for line in source:
        indent = _indent(line)
        if fence is not None:
            marker, column = fence
            if line.strip().startswith(marker) and not line.strip().strip(marker[0]) and indent < column + 4:
                fence = None
                out.append("")
            else:
                out.append(LEVEL * (len(items) + 1) + line[min(indent, column):] if line.strip() else "")
            continue
        if _blank(line):
            out.append("")
            paragraph = False
            continue
        if items and paragraph and indent < items[-1] and not BLOCK_START.match(line):
            out.append(LEVEL * len(items) + _as_text(line.strip()))  # a lazy continuation of the paragraph
            continue
        while items and indent < items[-1]:
            items.pop()
        base = items[-1] if items else 0
        found = _marker_at(line, base) if indent - base <= 3 else None
        if found is not None:
            marker, text, content = found
            kind = marker[-1] if marker[-1] in ".)" else "bullet"
            del kinds[len(items) + 1:]
            changed = len(kinds) > len(items) and kinds[len(items)] != kind
            if (loose or changed or not text) and out and out[-1]:
                out.append("")  # Python-Markdown's lists: an ordered and a bullet list apart, an empty item not a heading's underline
            kinds[len(items):] = [kind]
            out.append(LEVEL * len(items) + marker + " " + text)
            items.append(content)
            paragraph = bool(text) and not BLOCK_START.match(text)
            opened = FENCE.match(text)
            if opened:
                out[-1] = LEVEL * (len(items) - 1) + marker + " "
                fence = (opened.group(1), content)
                out.append("")
            continue
        if not items:
            out.append(line)
            paragraph = not BLOCK_START.match(line)
            continue
        rest = line[base:]
        opened = FENCE.match(rest)
        if opened:
            fence = (opened.group(1), base + _indent(rest))
            if out and out[-1]:
                out.append("")
            paragraph = False
            continue
        starts = bool(BLOCK_START.match(rest))
        if paragraph and starts and out and out[-1]:
            out.append("")  # a quote, heading or rule ends the paragraph above (Python-Markdown would continue it)
        out.append(LEVEL * len(items) + rest)
        paragraph = not rest.startswith(LEVEL) and not starts
    return out


def _as_text(line: str) -> str:
    """A line continuing a paragraph, its opening marker escaped so that Python-Markdown does
    not start a block there (`- e`, `14. 日`, `> 引` stay text, as CommonMark reads them)."""
    found = re.match(r"([-+*>#]|\d{1,9}(?=[.)]))", line)
    if not found:
        return line
    return line[:found.end()] + "\\" + line[found.end():] if found.group(1)[0].isdigit() else "\\" + line


def interrupts_paragraph(line: str) -> bool:
    """May a list starting with `line` interrupt a paragraph? CommonMark: a bullet or an ordered
    list starting at 1, with text after its marker (`2023. 年` under a line of prose is prose)."""
    found = _marker_at(expand_indent(line), 0)
    if found is None or not found[1]:
        return False
    number = found[0][:-1]
    return not number.isdigit() or int(number) == 1


def _marker_at(line: str, column: int) -> tuple[str, str, int] | None:
    """A list marker from `column` on (after up to 3 spaces): the marker as Python-Markdown
    reads it (`N)` as `N.`), the item's text on this line, and the column its content starts at."""
    indent = _indent(line)
    if indent < column or indent - column > 3:
        return None
    found = MARKER.match(line, indent)
    if not found:
        return None
    marker = found.group("marker")
    after = line[found.end("marker"):]
    spaces = len(after) - len(after.lstrip(" \t"))
    text = after.strip(" \t")
    start = indent + len(marker)
    if not text or spaces > 4:
        content = start + 1  # an empty item, or one opening with indented code: text at one space
    else:
        content = start + spaces
    if marker.endswith(")"):
        marker = marker[:-1] + "."
    return marker, text, content

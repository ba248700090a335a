"""The chapter's block structure that Python-Markdown knows nothing of: fenced divs, footnote
definitions and display math, found on the source lines before they are cut into groups.

`scan` reads lines into segments: runs of ordinary lines (`Lines`, read by Markdown as before),
fenced divs (`Div`: `::: info 专家点评` … `:::`, `::: {.callout-note title="说明"}`, `:::center`),
footnote definitions (`Note`: `[^label]: …`, continued by the lines after it up to a blank line
and by later blocks indented four spaces or a tab) and display math (`DisplayMath`: `$$` … `$$`
on lines of their own). A div's and a note's contents are segments again, read from their
own lines; every segment knows the source line it starts on, so the blocks read from it do too.

A definition may also stand inside a list item or a block quote, where people write it right
under the line that refers to it (`- 第一项[^a]` then `  [^a]: …`, or `> [^q]: …`). Pandoc reads
a definition as one of the blocks a list item or a quote holds, and makes it a note all the
same; so does the scanner. The note's lines, their indentation or quote markers taken off, are
read like a top-level note's (its continuation is indented four spaces past the item's text);
the note is taken out of the container, which stays one list or one quote: in a quote its lines
become bare `>` lines, in a list item blank lines that do not count as blank lines between blocks
(`Lines.hidden`), so no sidebar is found after them. Like a top-level definition (and unlike
Pandoc, which wants a blank line before it), it may follow the line above it directly.

Nothing found here is left to Markdown: it would read a footnote's definition as a link
reference definition (and drop its text), a `:::` line as text of the paragraph beside it, and
a `-` or `#` line of TeX as a list or a heading. Fenced code and HTML comments are passed over:
a `:::` or `$$` in them is text. A div never closed runs to the end of the chapter (a warning
says where it opened); a closing `:::` with no div open is dropped (an info finding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

from ..diagnostics import Findings

BLANK = re.compile(r"^[\s\u3000\u200b\ufeff]*$")
CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
DIV_FENCE = re.compile(r"^( {0,3})(:{3,})[ \t]*(.*?)[ \t]*$")
NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\[\s^]+)\]:[ \t]?(.*)$")
# Display math: `$$ tex $$` on one line, or `$$` (maybe with TeX after it) opening lines that
# a line ending in `$$` closes; an equation's label may follow (`$$ … $$ {#eq-x}`).
MATH_ONE_LINE = re.compile(r"^ {0,3}\$\$((?:(?!\$\$).)+)\$\$[ \t]*(\{[^{}]*\})?[ \t]*$")
MATH_OPENS = re.compile(r"^ {0,3}\$\$((?:(?!\$\$).)*)$")
MATH_CLOSES = re.compile(r"^((?:(?!\$\$).)*)\$\$[ \t]*(\{[^{}]*\})?[ \t]*$")
# A block quote's markers at a line's start (`> `, `> > `), and a list item's marker.
QUOTE_MARKERS = re.compile(r"^(?: {0,3}>[ \t]?)+")
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
INDENTED_NOTE = re.compile(r"^[ \t]+\[\^[^\]\[\s^]+\]:")
BLOCK_START = re.compile(r"^ {0,3}(?:#{1,6}(?:\s|$)|>|\||`{3,}|~{3,}|\$\$|(?:[-*+]|\d{1,9}[.)])[ \t])")
INDENTED_BLOCK = re.compile(r"^(?: {4}|\t)")
NOTE_INDENT = re.compile(r"^(?: {1,4}|\t)")
# A div's attributes (Pandoc, Quarto): `{#id .class key="value" key=value}`.
ATTRIBUTE = re.compile(r"""#([\w:.-]+)|\.([\w:-]+)|([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")
# The words (a bare word or a class) that make a div a centred one rather than a callout.
CENTRING = frozenset({"center", "centre", "align-center", "text-center", "centered", "centred"})


@dataclass
class Lines:
    """Ordinary lines, read by Markdown: `first` is the source line of `lines[0]`. The lines at
    the offsets `hidden` held a footnote definition taken out of a list item: they are blank,
    so that the others keep their source lines, but stood for no blank line of the source."""

    lines: list[str]
    first: int
    hidden: frozenset[int] = frozenset()


@dataclass
class Div:
    """A fenced div: a callout of some `kind` (with a `title`), or `centred` blocks."""

    kind: str
    title: str
    centred: bool
    line: int
    blank_lines_before: int
    colons: int = field(default=3, repr=False)
    children: list[Segment] = field(default_factory=list)


@dataclass
class Note:
    """A footnote's definition: its label and its contents."""

    label: str
    line: int
    blank_lines_before: int
    children: list[Segment] = field(default_factory=list)


@dataclass
class DisplayMath:
    """Display math: the TeX between the `$$`, as written."""

    tex: str
    line: int
    blank_lines_before: int
    label: str = ""


Segment = Union[Lines, Div, Note, DisplayMath]


def div_kind(info: str) -> tuple[str, str, bool]:
    """(kind, title, centred) of a div's opening line after its colons: `info 专家点评` →
    ("info", "专家点评", False); `{.callout-note title="说明"}` → ("note", "说明", False);
    `center` → ("center", "", True). Quarto's `callout-` goes from the kind; a bare word is
    lower-cased (`Warning` → "warning"); a div of only an id has kind ""."""
    info = re.sub(r"[ \t]*:+$", "", info).strip()  # Pandoc lets colons close the line too
    if info.startswith("{"):
        end = info.find("}")
        attributes = info[1:end] if end > 0 else info[1:]
        classes: list[str] = []
        values: dict[str, str] = {}
        for found in ATTRIBUTE.finditer(attributes):
            if found.group(2):
                classes.append(found.group(2))
            elif found.group(3):
                values[found.group(3).lower()] = next(v for v in found.group(4, 5, 6) if v is not None)
        title = values.get("title", "") or (info[end + 1:].strip() if end > 0 else "")
        words = [_kind(name) for name in classes]
        centred = any(word in CENTRING for word in words) or values.get("align", "").lower() == "center"
        kind = next((word for word in words if word not in CENTRING), words[0] if words else "")
        return kind, title, centred
    word, title = (info.split(None, 1) + [""])[:2]
    kind = _kind(word)
    return kind, title.strip(), kind in CENTRING


def _kind(word: str) -> str:
    word = word.strip()
    word = word.lower() if word.isascii() else word
    return word[len("callout-"):] if word.startswith("callout-") and len(word) > len("callout-") else word


class _Scanner:
    """One pass over lines, keeping the divs open at each point."""

    def __init__(self, lines: list[str], first: int, findings: Findings) -> None:
        self.lines = lines
        self.first = first
        self.findings = findings
        self.root: list[Segment] = []
        self.open: list[Div] = []
        self.run: list[str] = []
        self.run_first = first
        self.run_hidden: set[int] = set()
        self.taken_out: list[Note] = []  # notes taken out of the run's lists and quotes
        self.in_fence: str | None = None
        self.in_comment = False

    @property
    def target(self) -> list[Segment]:
        return self.open[-1].children if self.open else self.root

    def flush(self, index: int) -> None:
        """The ordinary lines gathered so far, as a segment; the next run starts at `index`."""
        if any(not BLANK.match(line) for line in self.run):
            self.target.append(Lines(self.run, self.run_first, frozenset(self.run_hidden)))
        self.target.extend(self.taken_out)
        self.run = []
        self.run_first = self.first + index
        self.run_hidden = set()
        self.taken_out = []

    def blanks_before(self, index: int) -> int:
        count = 0
        while index - count - 1 >= 0 and BLANK.match(self.lines[index - count - 1]):
            count += 1
        return count

    def scan(self) -> list[Segment]:
        index = 0
        lines = self.lines
        while index < len(lines):
            line = lines[index]
            if self.in_fence is None and not self.in_comment:
                taken = self.contained_note(index)
                if taken:
                    index += taken
                    continue
                consumed = self.structure(index)
                if consumed:
                    index += consumed
                    self.flush(index)
                    continue
            self.run.append(line)
            self.track(line)
            index += 1
        self.flush(len(lines))
        while self.open:
            div = self.open.pop()
            self.target.append(div)
            self.findings.warning(div.line, f"fenced div '{self.opener(div)}' opened here is never closed: "
                                            "it runs to the end of the chapter",
                                  self.column(div), length=div.colons, code="div-unclosed")
        return self.root

    def structure(self, index: int) -> int:
        """How many lines a div fence, a footnote or display math starting at `index` takes (0: none)."""
        line = self.lines[index]
        number = self.first + index
        fence = DIV_FENCE.match(line)
        if fence:
            self.flush(index)
            if fence.group(3):
                kind, title, centred = div_kind(fence.group(3))
                self.open.append(Div(kind, title, centred, number, self.blanks_before(index), len(fence.group(2))))
            else:
                self.close(len(fence.group(2)), number, len(fence.group(1)) + 1)
            return 1
        definition = NOTE_DEFINITION.match(line)
        if definition:
            self.flush(index)
            body = note_body(self.lines, index)
            inner = _Scanner(body, number, self.findings).scan()
            self.target.append(Note(definition.group(1), number, self.blanks_before(index), inner))
            return len(body)
        math = display_math(self.lines, index)
        if math:
            self.flush(index)
            tex, label, taken = math
            self.target.append(DisplayMath(tex, number, self.blanks_before(index), label))
            return taken
        return 0

    def contained_note(self, index: int) -> int:
        """How many lines a footnote definition inside a list item or a quote of the current
        run takes at `index` (0: none there). The note is kept for the run's end (`flush`); the
        lines that stand in its place in the run are added to it."""
        line = self.lines[index]
        quoted = QUOTE_MARKERS.match(line)
        definition = NOTE_DEFINITION.match(line[quoted.end():]) if quoted else None
        if quoted and definition:
            body = note_body(_quote_lines(self.lines, index, quoted.group(0).count(">")), 0)
            self.run.extend(quoted.group(0).rstrip() for _ in body)
        else:
            indent = _width(line) if INDENTED_NOTE.match(line) else 0
            definition = NOTE_DEFINITION.match(_dedent(line, indent))
            if definition is None or not self.in_list_item(index, indent):
                return 0
            body = note_body([_dedent(text, indent) for text in self.lines[index:]], 0)
            self.run_hidden.update(range(len(self.run), len(self.run) + len(body)))
            self.run.extend("" for _ in body)
        number = self.first + index
        inner = _Scanner(body, number, self.findings).scan()
        self.taken_out.append(Note(definition.group(1), number, 0, inner))
        return len(body)

    def in_list_item(self, index: int, indent: int) -> bool:
        """Does a line indented `indent` columns at `index` belong to a list item of the run?
        It does when, going up, a list item's marker less indented than it comes before a line
        that ends the item: an unindented line opening a paragraph of its own. An unindented
        line (`indent` 0) belongs to an item only as a lazy continuation of the item's text,
        with no blank line between."""
        start = self.run_first - self.first
        for back in range(index - 1, start - 1, -1):
            text = self.lines[back]
            if BLANK.match(text):
                if not indent:
                    return False
                continue
            width = _width(text)
            if LIST_ITEM.match(text) and (width < indent or not indent):
                return True
            if indent and width < indent and (back == start or BLANK.match(self.lines[back - 1])):
                return False
        return False

    def close(self, colons: int, number: int, column: int) -> None:
        """A closing fence of `colons` colons: it closes the innermost div opened with as many
        (and any left open inside it), else the innermost div."""
        if not self.open:
            self.findings.info(number, "closing ':::' with no fenced div open: dropped", column, length=colons,
                               code="div-closing-dropped")
            return
        same = [position for position, div in enumerate(self.open) if div.colons == colons]
        position = same[-1] if same else len(self.open) - 1
        while len(self.open) > position + 1:
            inner = self.open.pop()
            self.open[-1].children.append(inner)
            self.findings.warning(inner.line, f"fenced div '{self.opener(inner)}' opened here is never closed: "
                                              f"it ends with the div around it (line {number})",
                                  self.column(inner), length=inner.colons, code="div-unclosed")
        div = self.open.pop()
        self.target.append(div)

    def opener(self, div: Div) -> str:
        return self.lines[div.line - self.first].strip()

    def column(self, div: Div) -> int:
        text = self.lines[div.line - self.first]
        return len(text) - len(text.lstrip(" ")) + 1

    def track(self, line: str) -> None:
        """Follow fenced code and HTML comments, as the grouping of lines does."""
        if self.in_fence is None:
            if self.in_comment:
                self.in_comment = "-->" not in line
            else:
                opened = line.rfind("<!--")
                self.in_comment = opened >= 0 and "-->" not in line[opened:]
        fence = None if self.in_comment else CODE_FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if self.in_fence is None:
                self.in_fence = marker
            elif marker[0] == self.in_fence[0] and len(marker) >= len(self.in_fence) \
                    and not line.strip()[len(marker):].strip():
                self.in_fence = None


def scan(lines: list[str], first: int, findings: Findings) -> list[Segment]:
    """The segments of `lines`, whose first is source line `first` (see the module's docstring)."""
    return _Scanner(lines, first, findings).scan()


def note_body(lines: list[str], index: int) -> list[str]:
    """A footnote definition's lines from `lines[index]` on, its `[^label]:` taken off and the
    indentation of its continuation taken out: one source line for each line of the note.

    The note runs on over the lines after it up to a blank line (or the next definition, or a
    div fence), then over each later block indented four spaces or a tab, with the blank lines
    between; it ends before the blank lines ahead of the first line that is not indented."""
    definition = NOTE_DEFINITION.match(lines[index])
    assert definition is not None
    body = [definition.group(2)]
    end = index + 1
    while end < len(lines) and not BLANK.match(lines[end]) and not _ends_note(lines[end]):
        body.append(NOTE_INDENT.sub("", lines[end], count=1))
        end += 1
    while True:
        after = end
        while after < len(lines) and BLANK.match(lines[after]):
            after += 1
        if after == end or after >= len(lines) or not INDENTED_BLOCK.match(lines[after]):
            return body
        body.extend("" for _ in range(end, after))
        end = after
        while end < len(lines) and not BLANK.match(lines[end]) and not _ends_note(lines[end]):
            body.append(NOTE_INDENT.sub("", lines[end], count=1))
            end += 1


def expand_indent(line: str) -> str:
    """The line with the tabs of its indentation expanded to 4-column stops."""
    rest = line.lstrip(" \t")
    return line[:len(line) - len(rest)].expandtabs(4) + rest


def _width(line: str) -> int:
    """The columns of a line's indentation, a tab taking it on to the next multiple of four."""
    expanded = expand_indent(line)
    return len(expanded) - len(expanded.lstrip(" "))


def _dedent(line: str, columns: int) -> str:
    """The line with up to `columns` columns of its indentation taken off."""
    expanded = expand_indent(line)
    return expanded[min(columns, _width(expanded)):]


def _quote_lines(lines: list[str], index: int, depth: int) -> list[str]:
    """The lines of a quote `depth` deep from `lines[index]` on, its markers taken off, up to the
    first line outside it; a line without markers right under a line of text is the text's lazy
    continuation, as in Markdown."""
    markers = re.compile(rf"^(?: {{0,3}}>[ \t]?){{{depth}}}")
    out: list[str] = []
    for line in lines[index:]:
        quoted = QUOTE_MARKERS.match(line)
        if quoted and quoted.group(0).count(">") >= depth:
            out.append(markers.sub("", line, count=1))
        elif out and not BLANK.match(out[-1]) and not BLANK.match(line) and not _ends_note(line):
            out.append(line)
        else:
            break
    return out


def _ends_note(line: str) -> bool:
    """Does an unindented line after a note's first lines start a block of its own (another
    definition, a div fence, a heading, a quote, a list, a table, code, math) rather than go on
    with the note's text? GitHub reads it so; Pandoc would take it as text of the note."""
    return bool(NOTE_DEFINITION.match(line) or DIV_FENCE.match(line) or BLOCK_START.match(line))


def display_math(lines: list[str], index: int) -> tuple[str, str, int] | None:
    """(TeX, label, lines taken) of display math starting at `lines[index]`, or None. The `$$`
    must close before a blank line; else the lines are ordinary text."""
    one = MATH_ONE_LINE.match(lines[index])
    if one:
        return one.group(1).strip(), _label(one.group(2)), 1
    opens = MATH_OPENS.match(lines[index])
    if not opens:
        return None
    parts = [opens.group(1)]
    for end in range(index + 1, len(lines)):
        if BLANK.match(lines[end]):
            return None
        closes = MATH_CLOSES.match(lines[end])
        if closes:
            parts.append(closes.group(1))
            return "\n".join(parts).strip("\n").strip(), _label(closes.group(2)), end - index + 1
        if "$$" in lines[end]:
            return None
        parts.append(lines[end])
    return None


def _label(attributes: str | None) -> str:
    found = re.search(r"#([\w:.-]+)", attributes or "")
    return found.group(1) if found else ""

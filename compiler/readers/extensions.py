"""Python-Markdown extensions for the inline syntax of issue #12 that Python-Markdown lacks.

Each pattern makes an element the reader's converter (`compiler.readers.markdown`) turns into a
node: `$…$` → `reportc-math` (Math), `$$…$$` inside a line → `reportc-math display` (Math, or
MathBlock when it is the whole paragraph), `[^label]` → `reportc-note` (NoteRef), `@fig-x` and
`[@fig-x]` → `reportc-ref` (CrossRef), `~~…~~` → `del`, `H~2~O` → `sub`, `m^2^` → `sup`.

Order matters, and is set by the priorities Python-Markdown runs inline patterns by (highest
first; its own: code spans 190, backslash escapes 180, links 160 … HTML 90, entities 80, bold
and emphasis 60). Math comes right after code spans and before escapes, so TeX keeps its
backslashes, braces, underscores, carets and tildes exactly as written (an `AtomicString`
keeps later patterns out of it). Note references come before links, which would read
`[^1]` as a link reference. Cross-references come after links and inline HTML, so a URL or an
HTML attribute holding `@fig-…` is not read as one. Strikethrough, subscript and superscript
come before emphasis, which may then still be read inside them.

Chinese writes ranges with a tilde ("1~3年和5~10年", "约 3~5 个"), so a subscript is read only
when it is short and safe: ASCII letters, digits and `+ - − = ( ) . ,`, no spaces, at most ten
characters, the tildes not beside other tildes, and the opening one after neither a digit nor a
space (a subscript hangs on a letter or a bracket: `H~2~O`, `(NH~4~)~2~`; "1~3,5~7" is a range).
pymdown-extensions' tilde and caret would read such ranges as subscripts; it is not used.

Also here: `ReferenceProcessor`, Python-Markdown's reader of link reference definitions, taught
to leave `[^label]: …` alone (it would read a footnote's definition as one and lose its text),
and `$`, `~`, `^` and `@` added to the characters a backslash escapes (`\\$5` is a dollar sign).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.blockprocessors import ReferenceProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from ..model.text import HAN_CLASS

MATH_TAG = "reportc-math"
NOTE_TAG = "reportc-note"
REF_TAG = "reportc-ref"

# A footnote's label: anything but brackets, carets and white space (`[^1]`, `[^gdp]`, `[^注1]`).
NOTE_LABEL = r"[^\]\[\s^]+"
# A cross-reference's label: its kind's prefix, then letters, digits, `-` and `_`, ending on a
# letter or digit (so "见 @fig-map。" and "@sec-a-" stop where the label does).
XREF_LABEL = r"(?:fig|tbl|sec|eq)-[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?"
# What may not stand right before a bare `@fig-…`: what an e-mail address or a URL has there.
NOT_BEFORE_XREF = r"(?<![A-Za-z0-9._%+\-/\\@])"
# What a subscript or superscript may hold.
SCRIPT_TEXT = r"[A-Za-z0-9+\-−=().,]{1,10}"
BLANK_LINE = re.compile(r"\n[ \t]*\n")
HAN = re.compile(f"[{HAN_CLASS}]")

INLINE_MATH = r"(?<![\\$])\$(?![\s$])((?:[^$\\]|\\.)+?)(?<!\s)\$(?!\d)"
DISPLAY_MATH = r"(?<![\\$])\$\$(?!\$)((?:[^$\\]|\\.|\$(?!\$))+?)\$\$"
NOTE_REF = rf"\[\^({NOTE_LABEL})\]"
BRACKETED_XREF = rf"\[@({XREF_LABEL})\]"
BARE_XREF = rf"{NOT_BEFORE_XREF}@({XREF_LABEL})(?![A-Za-z0-9_-]|\.[A-Za-z0-9])"
STRIKETHROUGH = r"(?<!~)~~(?![\s~])(.+?)(?<![\s~])~~(?!~)"
SUBSCRIPT = rf"(?<![~\d\s\\])~({SCRIPT_TEXT})~(?!~)"
SUPERSCRIPT = rf"(?<![\^\s\\])\^({SCRIPT_TEXT})\^(?!\^)"


class _MathProcessor(InlineProcessor):
    """`$…$` (Pandoc's rules, in the pattern) or `$$…$$`: the TeX as written, never a blank line."""

    def __init__(self, pattern: str, md: Markdown, display: bool) -> None:
        super().__init__(pattern, md)
        self.display = display

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element | None, int | None, int | None]:
        tex = m.group(1)
        if BLANK_LINE.search(tex) or (HAN.search(tex) and "\\" not in tex):
            # Chinese between two dollar signs with no TeX command is prose about money
            # ("花费$5购买$A股"); TeX writes its Chinese in `\text{…}`. The search goes on
            # after the opening `$` only: the closing one may open math of its own.
            return None, m.start(0), m.start(0) + 1
        element = ET.Element(MATH_TAG)
        element.text = AtomicString(tex.strip() if self.display else tex)
        if self.display:
            element.set("display", "block")
        return element, m.start(0), m.end(0)


class _LabelProcessor(InlineProcessor):
    """A reference by label (`[^note]`, `@fig-x`): an empty element naming it."""

    def __init__(self, pattern: str, md: Markdown, tag: str) -> None:
        super().__init__(pattern, md)
        self.tag = tag

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element | None, int | None, int | None]:
        element = ET.Element(self.tag)
        element.set("label", m.group(1))
        return element, m.start(0), m.end(0)


class _SpanProcessor(InlineProcessor):
    """A span of text set apart (struck out, lowered, raised): its text is still read inline."""

    def __init__(self, pattern: str, md: Markdown, tag: str) -> None:
        super().__init__(pattern, md)
        self.tag = tag

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element | None, int | None, int | None]:
        if BLANK_LINE.search(m.group(1)):
            return None, None, None
        element = ET.Element(self.tag)
        element.text = m.group(1)
        return element, m.start(0), m.end(0)


class _NoFootnoteReferences(ReferenceProcessor):
    """Link reference definitions, but not footnote definitions (`[^label]: …`)."""

    RE = re.compile(
        r'^[ ]{0,3}\[(?!\^)([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$',
        re.MULTILINE,
    )


class ReportExtension(Extension):
    """The inline syntax of issue #12 (see the module's docstring)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.ESCAPED_CHARS = [*md.ESCAPED_CHARS, "$", "~", "^", "@"]
        patterns = md.inlinePatterns
        patterns.register(_MathProcessor(DISPLAY_MATH, md, display=True), "reportc-display-math", 186)
        patterns.register(_MathProcessor(INLINE_MATH, md, display=False), "reportc-math", 185)
        patterns.register(_LabelProcessor(NOTE_REF, md, NOTE_TAG), "reportc-note-ref", 175)
        patterns.register(_LabelProcessor(BRACKETED_XREF, md, REF_TAG), "reportc-bracketed-ref", 174)
        patterns.register(_LabelProcessor(BARE_XREF, md, REF_TAG), "reportc-ref", 85)
        patterns.register(_SpanProcessor(STRIKETHROUGH, md, "del"), "reportc-strikethrough", 66)
        patterns.register(_SpanProcessor(SUBSCRIPT, md, "sub"), "reportc-subscript", 65)
        patterns.register(_SpanProcessor(SUPERSCRIPT, md, "sup"), "reportc-superscript", 64)
        md.parser.blockprocessors.register(_NoFootnoteReferences(md.parser), "reference", 15)

"""Reading: chapter text → a flat document tree, via Python-Markdown.

Python-Markdown reads CJK bold spans that CommonMark parsers miss (see the brief), but it keeps
no source positions and forgets how many blank lines stood between blocks. Both matter here:
findings cite lines, and a sidebar box is known by the three or more blank lines before it. So
the reader first cuts the text into block groups at blank lines (keeping fenced code and loose
lists whole), records each group's first line and the blank lines before it, and hands each
group to Python-Markdown. Its element tree is then turned into typed nodes (`compiler.model.nodes`).
The result is flat: headings stand among the blocks; sections are made by a later transform.

What Python-Markdown does not know is found around it. Before grouping, the lines are scanned
for fenced divs, footnote definitions and display math (`compiler.readers.containers`): each
becomes a block of its own (Callout or Centered, Footnote, MathBlock) whose contents are read
from their own source lines. Inline, the extensions of `compiler.readers.extensions` read math,
footnote and cross-references, strikethrough, subscripts and superscripts; the converter then
reads GitHub alerts (`> [!NOTE]` → Callout), a table's column alignment and its caption line
(`: 科技投入 {#tbl-rd}`), and labels (`![…](…){#fig-id}`, `## 标题 {#sec-id}`).

Chinese prose is often indented by its author rather than by the layout: two full-width spaces
(`　　`), a tab or some spaces before each paragraph. Markdown would read a tab or four spaces as
a code block; a paragraph that starts with Chinese after such an indent is prose, so the indent
is dropped instead (a list's indented continuation is still read as part of the list).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, replace

import markdown
from markdown.treeprocessors import Treeprocessor

from ..diagnostics import Findings
from ..model.nodes import (
    Block, BlockQuote, BulletList, Callout, Centered, Code, CodeBlock, CrossRef, Document, Emphasis, Footnote, Heading,
    Image, Inline, LineBreak, Link, ListItem, Math, MathBlock, NoteRef, Paragraph, RawBlock, RawInline, Strikethrough,
    Strong, Subscript, Superscript, Table, Text, ThematicBreak,
)
from ..model.text import HAN_CLASS, INVISIBLE, is_cjk
from ..model.traverse import merge_text, plain_text, tree_text
from .containers import BLANK, CODE_FENCE as FENCE, Div, Lines, Note, Segment, scan
from .extensions import MATH_TAG, NOTE_TAG, REF_TAG, ReportExtension
from .html import lone_tag, place_wrappers, read_html_block, read_html_run, report_refused
from .commonmark import as_commonmark_reads, interrupts_paragraph
from .source import SourceText

LIST_MARKER = re.compile(r"^ {0,3}([-*+]|\d{1,9}[.)])[ \t]")
INDENTED = re.compile(r"^( {2,}|\t)")
TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
HTML_BLOCK_LINE = re.compile(r"^ {0,3}<(script|pre|style|textarea)\b.*</\1>\s*$", re.I)
# A line of a block element's tag alone (`</div>` under a table a `<div>` wraps): an HTML block
# starts there, which ends a table (GitHub); Python-Markdown would read no table at all.
BLOCK_TAG_LINE = re.compile(r"^ {0,3}</?(?:div|center|details|summary|table|p|section|figure)\b[^<>]*>\s*$", re.I)
INDENT = re.compile(r"^[ \t\u3000]+")
CHINESE_SENTENCE_MARK = re.compile("[。，；：！？、]")
FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
CONTENT_CHAR = re.compile(f"[{HAN_CLASS}0-9]")
# Pandoc's attributes (`{#fig-id}`, `{#sec-id .unnumbered}`, `{width=50%}`, `{-}`): after an
# image, at a heading's end, at a table caption's end. Their id becomes the node's label.
ATTRIBUTES = r"""\{[ \t]*(?:(?:#[\w:.-]+|\.[\w:-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s{}"']+)|-)[ \t]*)+\}"""
LEADING_ATTRIBUTES = re.compile(ATTRIBUTES)
TRAILING_ATTRIBUTES = re.compile(rf"[ \t]*{ATTRIBUTES}[ \t]*$")
ATTRIBUTE_ID = re.compile(r"#([\w:.-]+)")
# What may follow display math alone in its paragraph: nothing, or its attributes (`{#eq-id}`).
LABEL_ONLY = re.compile(rf"\s*(?:{ATTRIBUTES}\s*)?")
# A table's caption on the line after it (Pandoc: `: 科技投入 {#tbl-rd}`, `Table: …`).
TABLE_CAPTION = re.compile(r"^ {0,3}(?::|Table:)[ \t]+(?=\S)")
# A GitHub alert's marker on the first line of a quote (`> [!NOTE]`, maybe a title after it).
ALERT = re.compile(r"^[ \t]*\[!(note|tip|important|warning|caution|info|danger)\][ \t]*([^\n]*)(?:\n|$)", re.I)
# What the source holds that no reader sees, taken out before its text is counted (`_lost`):
# comments, link targets (and attributes after them), link reference definitions (not
# footnotes': those are read), ordered-list numbers, character references, fence lines, tags,
# attributes (`{#fig-1}`), and the labels of footnote and cross-references (`[^1]`, `@fig-1`).
NOT_SHOWN = re.compile(r"<!--.*?(?:-->|\Z)|\]\([^)]*\)?(?:\{[^{}\n]*\})?|^ {0,3}\[(?!\^)[^\]]+\]:.*$"
                       r"|^[ \t]*\d{1,9}[.)](?=[ \t]|$)|&#?\w+;|^ {0,3}(?:`{3,}|~{3,}).*$|</?[A-Za-z][^<>]*>"
                       r"|\{[ \t]*[#.][^{}\n]*\}|\[\^[^\]\s]+\]|@(?:fig|tbl|sec|eq)-[\w-]+", re.S | re.M)
LONG_MARKER_RUN = re.compile(r"\*{3,}|_{3,}")
MARKER = re.compile(r"[*_]+")
INLINE_MARKERS = re.compile(r"[*_`~^]+")
HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
PLACEHOLDER = re.compile("\x02wzxhzdk:(\\d+)\x03")
# fenced_code stashes its block as finished HTML; it is read back into a CodeBlock
STASHED_CODE = re.compile(r'^\s*<pre(?:\s[^>]*)?><code(?:\s+class="(?:language-)?([^"]*)")?[^>]*>(.*)</code></pre>\s*$', re.S)


@dataclass
class _Group:
    lines: list[str]
    first_line: int  # 1-based line number of the group's first line
    blank_lines_before: int


class _Capture(Treeprocessor):
    """Keeps the finished element tree, after inline parsing and unescaping."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.root: ET.Element | None = None

    def run(self, root: ET.Element) -> None:
        self.root = root


class _Reader:
    """Python-Markdown set up as the reader uses it, and the element tree of its last conversion."""

    def __init__(self) -> None:
        self.md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", ReportExtension()],
                                    output_format="html")
        self.capture = _Capture(self.md)
        self.md.treeprocessors.register(self.capture, "reportc-capture", -100)

    def convert(self, text: str) -> ET.Element | None:
        self.md.reset()
        self.capture.root = None
        self.md.convert(text)
        return self.capture.root

    @property
    def stash(self) -> list[str]:
        return [str(raw) for raw in self.md.htmlStash.rawHtmlBlocks]


def read_document(source: SourceText, findings: Findings | None = None) -> Document:
    """Parse a chapter into a flat `Document`; its first `# ` heading becomes its title (see `_title`)."""
    findings = findings if findings is not None else Findings(source.name)
    lines = source.text.split("\n")
    if not findings.lines:
        findings.lines = lines  # so transforms can place their findings at a column
    for note in source.notes:
        findings.add(note.line, note.level, note.message, note.column, code=note.code)
    meta, body_start = _front_matter(lines)
    unclosed = _unclosed_fence(lines, body_start)
    if unclosed:
        column = len(lines[unclosed - 1]) - len(lines[unclosed - 1].lstrip(" ")) + 1
        findings.error(unclosed, "code fence opened here is never closed: the rest of the chapter would be read as code",
                       column, length=len(_fence_marker(lines[unclosed - 1])), code="code-fence-unclosed")
    md = _Reader()
    blocks = place_wrappers(_read_segments(md, scan(lines[body_start:], body_start + 1, findings), findings))
    report_refused(blocks, findings)
    doc = Document(title=[], children=blocks, source_name=source.name, meta=meta)
    if "lang" in meta:
        doc.language = meta["lang"]
    doc.title, doc.title_line, doc.children = _title(blocks, meta.get("title", ""), source.stem, findings)
    return doc


def shows_text(nodes: list[Inline]) -> bool:
    """Does a run show any text, besides spaces and invisible characters? A heading that does not
    is empty: it can be neither the chapter's title nor a section's."""
    return bool("".join(plain_text(nodes).split()).strip(INVISIBLE))


def _read_segments(md: _Reader, segments: list[Segment], findings: Findings) -> list[Block]:
    """The blocks of the chapter's segments (`compiler.readers.containers`): ordinary lines cut
    into groups and read by Markdown, fenced divs as callouts or centred blocks, footnote
    definitions as Footnotes left where they stand, display math as MathBlocks."""
    blocks: list[Block] = []
    for segment in segments:
        if isinstance(segment, Lines):
            for group in _groups(segment.lines, 0, segment.hidden):
                group.first_line += segment.first - 1
                blocks.extend(_parse_group(md, group, findings))
        elif isinstance(segment, Div):
            inner = place_wrappers(_read_segments(md, segment.children, findings))
            if segment.centred:
                if segment.title:  # `::: center 图 1`: no callout's title, but text all the same
                    inner.insert(0, Paragraph([Text(segment.title)], segment.line))
                blocks.append(Centered(inner, segment.line, segment.blank_lines_before))
            else:
                title: list[Inline] = [Text(segment.title)] if segment.title else []
                blocks.append(Callout(title, [], segment.line, segment.blank_lines_before, kind=segment.kind,
                                      blocks=inner))
        elif isinstance(segment, Note):
            inner = place_wrappers(_read_segments(md, segment.children, findings))
            blocks.append(Footnote(segment.label, inner, segment.line, segment.blank_lines_before))
        else:
            blocks.append(MathBlock(segment.tex, segment.line, segment.blank_lines_before, label=segment.label))
    return _with_captions(blocks)


def _with_captions(blocks: list[Block]) -> list[Block]:
    """The blocks with each caption paragraph (`: 科技投入 {#tbl-rd}`) right after a table made
    that table's `caption` and `label`."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (isinstance(block, Paragraph) and isinstance(previous, Table) and not previous.caption
                and block.children and isinstance(block.children[0], Text)
                and TABLE_CAPTION.match(block.children[0].text)):
            first = block.children[0]
            assert isinstance(first, Text)
            run = [Text(TABLE_CAPTION.sub("", first.text, count=1)), *block.children[1:]]
            caption, label = _without_attributes(run)
            out[-1] = replace(previous, caption=caption, label=label or previous.label)
            continue
        out.append(block)
    return out


def _without_attributes(run: list[Inline]) -> tuple[list[Inline], str]:
    """A run (a heading's, a caption's) without the attributes at its end, and their id."""
    run = [node for node in run if not isinstance(node, Text) or node.text]
    if not run or not isinstance(run[-1], Text):
        return run, ""
    last = run[-1]
    found = TRAILING_ATTRIBUTES.search(last.text)
    if not found:
        return run, ""
    ident = ATTRIBUTE_ID.search(found.group(0))
    rest = last.text[:found.start()].rstrip()
    return run[:-1] + ([Text(rest)] if rest else []), ident.group(1) if ident else ""


def _image_labels(run: list[Inline]) -> list[Inline]:
    """A run with the attributes written right after an image (`![…](…){#fig-id}`) taken out,
    their id made the image's label."""
    out: list[Inline] = []
    for node in run:
        previous = out[-1] if out else None
        if isinstance(node, Text) and isinstance(previous, Image):
            found = LEADING_ATTRIBUTES.match(node.text)
            if found:
                ident = ATTRIBUTE_ID.search(found.group(0))
                out[-1] = replace(previous, label=ident.group(1) if ident else previous.label)
                if node.text[found.end():]:
                    out.append(Text(node.text[found.end():]))
                continue
        out.append(node)
    return out


def _title(blocks: list[Block], meta_title: str, stem: str,
           findings: Findings) -> tuple[list[Inline], int, list[Block]]:
    """The chapter's title, its line (0 when no heading gives it) and the blocks left: the first
    `# ` heading; else front matter's `title`; else the first heading of any level (an info
    finding says which); else the file name (a warning). Empty headings are passed over."""
    headings = [(index, block) for index, block in enumerate(blocks)
                if isinstance(block, Heading) and shows_text(block.children)]
    chosen = next(((index, heading) for index, heading in headings if heading.level == 1), None)
    if chosen is None and headings and not meta_title:
        chosen = headings[0]
        findings.info(chosen[1].line, f"no '# ' chapter title: the first heading, '{plain_text(chosen[1].children).strip()}' "
                                      f"(line {chosen[1].line}), is used as the title", code="title-from-heading")
    if chosen is None:
        if not meta_title:
            findings.warning(1, "no '# ' chapter title; the file name is used as the title",
                             code="title-from-file-name")
        return [Text(meta_title or stem)], 0, blocks
    index, heading = chosen
    return heading.children, heading.line, blocks[:index] + _later_titles_as_sections(blocks[index + 1:], heading.line,
                                                                                       findings)


def _later_titles_as_sections(blocks: list[Block], title_line: int, findings: Findings) -> list[Block]:
    """The blocks after the chapter title, each later `# ` heading made a top section of the
    chapter: from the first of them on, every heading goes one level down (`#` → 2, `##` → 3 …,
    at most 6), so the contents, the PDF bookmarks and the EPUB navigation all nest them under
    the chapter title alike (an `h1` in the body would be a bookmark beside the chapter's)."""
    out: list[Block] = []
    shifted = False
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 1 and shows_text(block.children):
                shifted = True
                findings.info(block.line, f"'# ' heading after the chapter title (line {title_line}): made a section "
                                          "of the chapter, the headings from here on one level lower",
                              code="heading-demoted")
            if shifted:
                block = replace(block, level=min(block.level + 1, 6))
        out.append(block)
    return out


def _fence_marker(line: str) -> str:
    """The backticks or tildes that open a fenced code block on `line` ("" if none)."""
    fence = FENCE.match(line)
    return fence.group(1) if fence else ""


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """YAML-style `---` front matter: simple `key: value` pairs only."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            meta = {}
            for raw in lines[1:end]:
                match = FRONT_MATTER_KEY.match(raw.strip())
                if match:
                    meta[match.group(1)] = match.group(2).strip().strip("\"'")
            return meta, end + 1
    return {}, 0


def _unclosed_fence(lines: list[str], start: int) -> int:
    """The 1-based line of a code fence that is never closed, or 0."""
    opened, marker = 0, ""
    for index in range(start, len(lines)):
        fence = FENCE.match(lines[index])
        if not fence:
            continue
        if not opened:
            opened, marker = index + 1, fence.group(1)
        elif fence.group(1)[0] == marker[0] and len(fence.group(1)) >= len(marker):
            opened = 0
    return opened


def _groups(lines: list[str], start: int, hidden: frozenset[int] = frozenset()) -> list[_Group]:
    """Cut lines into groups at blank lines, keeping fenced code, HTML comments and loose
    lists together. The blank lines at the offsets `hidden` stand for a footnote taken out of a
    list item (`compiler.readers.containers`): they cut groups, but a group's blank lines
    before it do not count them."""
    groups: list[_Group] = []
    current: list[str] = []
    first = 0
    blanks = 0
    pending_blanks = 0
    pending_hidden = 0
    in_fence: str | None = None
    in_comment = False
    for index in range(start, len(lines)):
        line = lines[index]
        held_open = in_fence is not None or in_comment
        if not held_open and BLANK.match(line):
            if current:
                groups.append(_Group(current, first, blanks))
                current = []
                pending_blanks = pending_hidden = 0
            pending_blanks += 1
            pending_hidden += index in hidden
            continue
        interrupts = interrupts_paragraph(line) or _table_starts(lines, index)
        captions = bool(TABLE_CAPTION.match(line) or BLOCK_TAG_LINE.match(line)) and _table_starts(current, 0)
        if current and not held_open and ((interrupts and not _in_list(current) and not _table_starts(current, 0))
                                          or captions):
            # a list, or a pipe table, may interrupt a paragraph (CommonMark; GitHub's tables);
            # Python-Markdown would read it as text of the paragraph. A table's caption line
            # right under it would be read as a row of the table.
            groups.append(_Group(current, first, blanks))
            current, pending_blanks, pending_hidden = [], 0, 0
        if not current:
            if groups and not held_open and _continues(groups[-1], line):
                previous = groups.pop()
                current = previous.lines + [""] * pending_blanks
                first, blanks = previous.first_line, previous.blank_lines_before
            else:
                first, blanks = index + 1, pending_blanks - pending_hidden
        # a block starts after a heading or a closed HTML block line too: Chinese prose indented
        # there is the author's indent, not code
        if not held_open and (len(current) == 0 or ATX_HEADING.match(current[-1]) or HTML_BLOCK_LINE.match(current[-1])) \
                and _indented_prose(line):
            line = INDENT.sub("", line)
        current.append(line)
        if in_fence is None:
            if in_comment:
                in_comment = "-->" not in line
            else:
                opened = line.rfind("<!--")
                in_comment = opened >= 0 and "-->" not in line[opened:]
        fence = None if in_comment else FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if in_fence is None:
                in_fence = marker
            elif marker[0] == in_fence[0] and len(marker) >= len(in_fence) and not line.strip()[len(marker):].strip():
                in_fence = None
    if current:
        groups.append(_Group(current, first, blanks))
    return groups


def without_comments(raw: str) -> str:
    """Raw HTML with its comments taken out: they are the author's notes, not content. What
    stands beside a comment in the same stashed chunk (`<!-- 注 --><b>文</b>`) stays."""
    return HTML_COMMENT.sub("", raw) if "<!--" in raw else raw


def _indented_prose(line: str) -> bool:
    """A paragraph indented by its author (tab, spaces, full-width spaces) and written in
    Chinese: its first character is Chinese, or it holds Chinese sentence punctuation."""
    indent = INDENT.match(line)
    if not indent:
        return False
    rest = line[indent.end():]
    if rest.startswith("<!--"):
        return True  # an indented comment is the author's note all the same, never code to show
    if LIST_MARKER.match(rest) or rest.startswith(("#", ">", "|", "<")) or FENCE.match(rest):
        return False  # Markdown that happens to be indented: let Python-Markdown decide
    first = rest.lstrip("*_")[:1]
    return is_cjk(first) or bool(CHINESE_SENTENCE_MARK.search(rest))


def _table_starts(lines: list[str], index: int) -> bool:
    """Does a pipe table (a row of cells, then its delimiter row) start at `lines[index]`?"""
    return (index + 1 < len(lines) and "|" in lines[index] and not LIST_MARKER.match(lines[index])
            and "|" in lines[index + 1] and bool(TABLE_DELIMITER.match(lines[index + 1])))


def _in_list(lines: list[str]) -> bool:
    return bool(LIST_MARKER.match(lines[0])) or lines[0].startswith(("    ", "\t"))


def _continues(previous: _Group, line: str) -> bool:
    """Does a group starting with `line` belong to the list or code block before it?"""
    head = previous.lines[0]
    if LIST_MARKER.match(head):
        return bool(INDENTED.match(line) or LIST_MARKER.match(line))
    if head.startswith("    ") or head.startswith("\t"):
        return line.startswith("    ") or line.startswith("\t")
    return False


def _parse_group(md: _Reader, group: _Group, findings: Findings) -> list[Block]:
    """The group's blocks. Python-Markdown can drop text on odd runs of emphasis markers
    (`丙******丁**` loses 丁): if what the reader sees of the group is not all in its blocks,
    the group is read again with such runs, then all markers, shown as typed; and if text is
    still missing, it becomes one paragraph of its lines as they stand. Nothing is lost."""
    blocks = _convert(md, group, group.lines)
    if not _lost(group.lines, blocks):
        return blocks
    where = findings.locate(group.first_line, LONG_MARKER_RUN)
    if where[1] is None:
        where = findings.locate(group.first_line, MARKER)
    for escape in (LONG_MARKER_RUN, MARKER):
        retry = _convert(md, group, [escape.sub(lambda m: "\\" + "\\".join(m.group(0)), line)
                                     for line in group.lines])
        if not _lost(group.lines, retry):
            blocks = retry
            break
    else:
        text = "\n".join(group.lines)
        blocks = [Paragraph([Text(text)], group.first_line, group.blank_lines_before)]
    findings.warning(where[0], "bold/italic markers here cannot be read without losing text: "
                               "they are shown as typed", where[1], length=where[2], code="emphasis-markers-shown")
    return blocks


def _lost(lines: list[str], blocks: list[Block]) -> Counter:
    """The Han characters and digits of `lines` a reader sees that `blocks` do not hold.
    Markup that legitimately takes text away is left out first: comments, link targets, link
    reference definitions, ordered-list numbers, character references, fence lines."""
    source = NOT_SHOWN.sub("", "\n".join(lines))
    return Counter(CONTENT_CHAR.findall(source)) - Counter(CONTENT_CHAR.findall(tree_text(blocks)))


def _convert(md: _Reader, group: _Group, lines: list[str]) -> list[Block]:
    root = md.convert("\n".join(as_commonmark_reads(lines)))
    if root is None:
        return []
    converter = _Converter(md, group)
    blocks: list[Block] = []
    for position, element in enumerate(root):
        found = converter.blocks(element)
        if found and position == 0:
            found[0].blank_lines_before = group.blank_lines_before
        blocks.extend(found)
    return blocks


def _alignment(cell: ET.Element) -> str:
    """A table cell's alignment ("left", "right", "center" or ""), as the tables extension
    writes it: a `text-align` style, or an `align` attribute."""
    found = re.search(r"text-align:\s*(left|right|center)", cell.get("style", ""))
    if found:
        return found.group(1)
    align = cell.get("align", "").lower()
    return align if align in ("left", "right", "center") else ""


# The elements the inline extensions make of `~~…~~`, `H~2~O` and `m^2^`.
SCRIPTS: dict[str, type[Strikethrough] | type[Subscript] | type[Superscript]] = {
    "del": Strikethrough, "sub": Subscript, "sup": Superscript,
}

# Elements Python-Markdown makes of block-level Markdown; anything else inside a list item is inline.
BLOCK_TAGS = frozenset({"p", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table"})


class _Converter:
    """Turns one group's element tree into nodes, placing each block on its source line."""

    def __init__(self, md: _Reader, group: _Group):
        self.stash = md.stash
        self.group = group
        self.search_from = 0

    def line_of(self, element: ET.Element, *, container: bool = False) -> int:
        """The first line at or after the last placed block whose text starts this element's.

        A container (list, quote, list item holding blocks) shares its line with its first
        child, so finding it does not move the search on."""
        # an image that opens the element has no text to find: its `![` is looked for instead
        image_first = len(element) > 0 and element[0].tag == "img" and not PLACEHOLDER.sub("", element.text or "").strip()
        probe = "![" if image_first else PLACEHOLDER.sub("", "".join(element.itertext())).strip()[:8]
        if probe:
            for offset in range(self.search_from, len(self.group.lines)):
                # the element's text has no markers, its source line may (`- **进阶篇**：…`)
                line = self.group.lines[offset]
                if probe[:4] in (line if image_first else INLINE_MARKERS.sub("", line)):
                    if not container:
                        self.search_from = offset + 1
                    return self.group.first_line + offset
        return self.group.first_line + min(self.search_from, len(self.group.lines) - 1)

    def blocks(self, element: ET.Element) -> list[Block]:
        """The blocks of one element: one, none (a comment), or those of a block of raw HTML."""
        block = self.block(element)
        if not isinstance(block, RawBlock) or lone_tag(block):
            return [] if block is None else [block]  # a wrapper's tag alone is placed later
        converted = read_html_block(block.html, block.line)
        return [block] if converted is None else converted

    def block(self, element: ET.Element) -> Block | None:
        tag = element.tag
        line = self.line_of(element, container=tag in ("ul", "ol", "blockquote"))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            title, label = _without_attributes(self.inlines(element))
            return Heading(int(tag[1]), title, line, label=label)
        if tag == "p" and len(element) == 1 and element[0].tag == MATH_TAG and element[0].get("display") \
                and not (element.text or "").strip() and LABEL_ONLY.fullmatch(element[0].tail or ""):
            # a paragraph of `$$ … $$` alone (in a quote, say), maybe labelled
            ident = ATTRIBUTE_ID.search(element[0].tail or "")
            return MathBlock(element[0].text or "", line, label=ident.group(1) if ident else "")
        if tag == "p":
            stashed = PLACEHOLDER.fullmatch((element.text or "").strip()) if len(element) == 0 else None
            if stashed:
                raw = without_comments(self._stashed(int(stashed.group(1))))
                if not raw.strip():
                    return None  # comments are the author's notes, not content
                if re.fullmatch(r"&#?\w+;", raw.strip()):
                    return Paragraph([Text(html.unescape(raw.strip()))], line)
                stashed_code = STASHED_CODE.match(raw)
                if stashed_code:
                    return CodeBlock(html.unescape(stashed_code.group(2)).rstrip("\n"), line, stashed_code.group(1) or "")
                return RawBlock(raw.strip("\n"), line)
            return Paragraph(self.inlines(element), line)
        if tag in ("ul", "ol"):
            items = [self.list_item(li) for li in element if li.tag == "li"]
            start = int(element.get("start", "1"))
            return BulletList(items, line, ordered=tag == "ol", start=start)
        if tag == "pre":
            code = element.find("code")
            text = "".join((code if code is not None else element).itertext())
            text = PLACEHOLDER.sub(lambda m: self._stashed(int(m.group(1))), text)
            language = ""
            if code is not None and code.get("class", "").startswith("language-"):
                language = code.get("class", "")[len("language-"):]
            return CodeBlock(html.unescape(text).rstrip("\n"), line, language)
        if tag == "blockquote":
            alert = self.alert(element)
            children = [b for child in element for b in self.blocks(child)]
            if alert is not None:
                kind, heading = alert
                return Callout([Text(heading)] if heading else [], [], line, kind=kind, blocks=children)
            # a quote that held only a footnote's definition (taken out of it) shows nothing
            return BlockQuote(children, line) if children else None
        if tag == "hr":
            return ThematicBreak(line)
        if tag == "table":
            return self.table(element, line)
        return RawBlock(ET.tostring(element, encoding="unicode"), line)

    @staticmethod
    def alert(quote: ET.Element) -> tuple[str, str] | None:
        """A GitHub alert's (kind, title) when the quote opens with one (`> [!NOTE]`), its
        marker line then taken out of the quote; else None."""
        first = quote[0] if len(quote) else None
        found = ALERT.match(first.text or "") if first is not None and first.tag == "p" else None
        if first is None or found is None:
            return None
        first.text = (first.text or "")[found.end():]
        if not first.text.strip() and len(first) == 0:
            quote.remove(first)
        return found.group(1).lower(), found.group(2).strip()

    def list_item(self, li: ET.Element) -> ListItem:
        """A list item. One that holds blocks (a nested list, paragraphs) may also open with
        inline content — text, and bold or links before the nested list (`- **入门篇**：…` then
        `  - …`): that run is one paragraph of the item, read as inline nodes, never as raw HTML."""
        holds_blocks = any(child.tag in BLOCK_TAGS for child in li)
        line = self.line_of(li, container=holds_blocks and not (li.text or "").strip())
        if not holds_blocks:
            run = self.inlines(li)
            empty = all(isinstance(node, Text) and not node.text.strip() for node in run)
            return ListItem([] if empty else [Paragraph(run, line)], line)  # `-` alone is an empty item
        children: list[Block] = []
        pending: list[Inline] = self._text_nodes(li.text or "")

        def flush() -> None:
            run = read_html_run(merge_text(pending))
            if any(not isinstance(node, Text) or node.text.strip() for node in run):
                children.append(Paragraph(run, line))
            pending.clear()

        for child in li:
            if child.tag in BLOCK_TAGS:
                flush()
                children.extend(self.blocks(child))
            else:
                node = self.inline(child)
                if node is not None:
                    pending.append(node)
            pending.extend(self._text_nodes(child.tail or ""))
        flush()
        return ListItem(children, line)

    def table(self, element: ET.Element, line: int) -> Table:
        header: list[list[Inline]] = []
        rows: list[list[list[Inline]]] = []
        align: tuple[str, ...] = ()
        for row in element.iter("tr"):
            cells = [self.inlines(cell) for cell in row if cell.tag in ("td", "th")]
            if not align:
                # the delimiter row's alignment, which the tables extension puts on every cell
                align = tuple(_alignment(cell) for cell in row if cell.tag in ("td", "th"))
            if not header and any(cell.tag == "th" for cell in row):
                header = cells
            else:
                rows.append(cells)
        if len(rows) == 1 and not any(rows[0]):
            rows = []  # the empty row the tables extension gives a table of a header alone (GitHub draws none)
        return Table(header, rows, line, align=align if any(align) else ())

    def inlines(self, element: ET.Element) -> list[Inline]:
        nodes: list[Inline] = []
        if element.text:
            nodes.extend(self._text_nodes(element.text))
        for child in element:
            node = self.inline(child)
            if node is not None:
                nodes.append(node)
            if child.tail:
                nodes.extend(self._text_nodes(child.tail))
        return _image_labels(read_html_run(merge_text(nodes)))

    def inline(self, element: ET.Element) -> Inline | None:
        tag = element.tag
        if tag == MATH_TAG:
            return Math(element.text or "")
        if tag == NOTE_TAG:
            return NoteRef(element.get("label", ""))
        if tag == REF_TAG:
            return CrossRef(element.get("label", ""))
        if tag in SCRIPTS:
            return SCRIPTS[tag](self.inlines(element))
        if tag in ("strong", "b"):
            return Strong(self.inlines(element))
        if tag in ("em", "i"):
            return Emphasis(self.inlines(element))
        if tag == "code":
            return Code(html.unescape("".join(element.itertext())))
        if tag == "a":
            return Link(element.get("href", ""), self.inlines(element), element.get("title", ""))
        if tag == "img":
            return Image(element.get("src", ""), element.get("alt", ""), element.get("title", ""))
        if tag == "br":
            return LineBreak()
        return RawInline(ET.tostring(element, encoding="unicode"))

    def _text_nodes(self, text: str) -> list[Inline]:
        nodes: list[Inline] = []
        position = 0
        for match in PLACEHOLDER.finditer(text):
            if match.start() > position:
                nodes.append(Text(text[position:match.start()]))
            raw = without_comments(self._stashed(int(match.group(1))))
            if re.fullmatch(r"&#?\w+;", raw):
                nodes.append(Text(html.unescape(raw)))
            elif raw:
                nodes.append(RawInline(raw))
            position = match.end()
        if position < len(text):
            nodes.append(Text(text[position:]))
        return nodes

    def _stashed(self, index: int) -> str:
        if 0 <= index < len(self.stash):
            return str(self.stash[index])
        return ""

"""`reportc fix`: the structure a build recovers, written into the source as explicit Markdown.

A build guesses what a chapter leaves implicit (`compiler.transforms`: sections with no heading,
sidebars set off by blank lines, a paragraph a sidebar cut in two, ASCII punctuation beside
Chinese). `fix` writes each guess down, so that an editor reviews it once, as a diff, and the
next build has nothing to guess:

- a recovered section gets its heading (`## 浦东新区`) on a line of its own before its
  paragraph, set off by the blank lines that stood before the paragraph;
- a recovered sidebar is fenced, `::: sidebar 标题` … `:::`, its title moved from the text onto
  the fence line; the pipeline reads that as the same box (`callouts.written_sidebars`);
- a rejoined paragraph is written in one piece: each later part joined to the line that ended
  the part before it, the sidebars that stood between after the whole;
- punctuation made full-width is full-width in the text.

What was recovered is read off the build's findings (their codes and lines) and its tree (the
recovered nodes and their lines), not guessed again here. A block's source lines run from its
line to the next blank line or the next block, as the reader cuts them. Where the tree's text
and the source differ by the widened marks is found by aligning the two (`difflib`), so markup
between the text (`**标题**:`) is no obstacle.

Only the lines an edit touches change; every other line is written back as it was read, with
its own line end, in the source's encoding (UTF-8 with or without BOM, GB18030 …): a new line
takes the end of the line it stands beside. Before anything is written the fixed text is
compiled and must give the source's tree, source lines and `recovered` marks aside (`shape`);
an edit that would change it is left out, and said so, and the others are written. Files are
replaced atomically: a temporary file beside the target, synced, then renamed over it.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Callable

from ..diagnostics import BLANK_LINE, EXIT_FAILURE, Findings, ReportError
from ..model.dump import dump
from ..model.nodes import Callout, Document, Paragraph, Section
from ..model.traverse import iter_blocks, iter_runs, plain_text
from ..readers.source import decode_source, decoded_lines, encode_source, read_source_bytes
from ..transforms.callouts import SIDEBAR
from ..transforms.punctuation import FULL_WIDTH
from .chapter import compile_text

INDENT = " \t\u3000"  # what the reader drops before a paragraph's first line
# The tree's dump without what a fix must change: source lines, and the mark of what was recovered.
POSITIONS = re.compile(r" line=\d+| recovered=True")
TO_ASCII = str.maketrans({wide: ascii for ascii, wide in FULL_WIDTH.items()})
# How a sidebar's title opens its paragraph: bold (Markdown or HTML), or plain words and a space.
TITLE_FORMS = ("**{}**", "__{}__", "<b>{}</b>", "<strong>{}</strong>")
WOULD_CHANGE = "left as it is: written out, the chapter would build differently"
WOULD_CHANGE_MARK = "an ASCII mark left as it is: made full-width here, the chapter would build differently"
PLACED_NOWHERE = "punctuation left as it is: the full-width marks could not be placed in the source"
UNTITLED = "sidebar left as it is: its title does not open the paragraph as plain or bold text"


def shape(doc: Document) -> str:
    """The tree's dump (`compiler.model.dump`) without source lines and `recovered` marks: what
    building a chapter and building it fixed give alike."""
    return POSITIONS.sub("", dump(doc))


@dataclass
class Fixed:
    """A chapter's fixed text: `data` in the source's encoding, what was written and what was left."""

    source: Path
    data: bytes
    changed: bool
    written: Counter[str] = field(default_factory=Counter)  # "section", "sidebar", "rejoined paragraph", "punctuation"
    left: list[tuple[int, str]] = field(default_factory=list)  # (line, why) of recoveries not written

    def summary(self) -> str:
        """One line saying what was written (`fixed 2 sections, 1 sidebar …`)."""
        if not self.written:
            return f"{self.source}: nothing to fix"
        names = {"section": ("section", "sections"), "sidebar": ("sidebar", "sidebars"),
                 "rejoined paragraph": ("rejoined paragraph", "rejoined paragraphs"),
                 "punctuation": ("block's punctuation", "blocks' punctuation")}
        parts = [f"{self.written[what]} {name[self.written[what] != 1]}" for what, name in names.items()
                 if self.written[what]]
        return f"{self.source}: fixed " + ", ".join(parts)


class _Plan:
    """The source's lines and what the edits tried so far make of them (0-based indices)."""

    def __init__(self, raw: list[tuple[str, str]], lines: list[str], default_end: str) -> None:
        self.raw = raw
        self.text = list(lines)  # the lines as the reader saw them, edited
        self.end = [end for _, end in raw]
        self.changed = [False] * len(raw)
        self.dropped = [False] * len(raw)
        self.before: list[list[tuple[str, str]]] = [[] for _ in raw]
        self.after: list[list[tuple[str, str]]] = [[] for _ in raw]
        self.default_end = default_end

    def set(self, index: int, text: str) -> None:
        if text != self.text[index]:
            self.text[index] = text
            self.changed[index] = True

    def gap_before(self, index: int) -> int:
        """The first of the blank lines still there right before line `index` (`index` if none)."""
        gap = index
        while gap > 0 and BLANK_LINE.match(self.text[gap - 1]) and not self.dropped[gap - 1]:
            gap -= 1
        return gap

    def end_of(self, index: int) -> str:
        """The line end a new line beside line `index` takes: that line's own, or the file's usual one."""
        return self.end[index] or self.default_end

    def state(self) -> tuple[list, ...]:
        """What the edits change, copied: an edit that cannot be made leaves the plan as it was."""
        return (list(self.text), list(self.end), list(self.changed), list(self.dropped),
                [list(lines) for lines in self.before], [list(lines) for lines in self.after])

    def restore(self, state: tuple[list, ...]) -> None:
        self.text, self.end, self.changed, self.dropped, self.before, self.after = state

    def rendered(self) -> str:
        out: list[str] = []
        for index, (raw_text, _) in enumerate(self.raw):
            out.extend(text + end for text, end in self.before[index])
            if not self.dropped[index]:
                out.append((self.text[index] if self.changed[index] else raw_text) + self.end[index])
            out.extend(text + end for text, end in self.after[index])
        return "".join(out)


@dataclass(eq=False)  # compared and hashed by identity: an edit is kept or not, once
class _Edit:
    """One recovery written out: `apply` edits a plan (False when it cannot), `what` counts it."""

    line: int
    what: str
    apply: Callable[[_Plan], bool]
    why_not: str = WOULD_CHANGE
    sidebars: int = 0  # the sidebars it fences besides (those between a rejoined paragraph's parts)
    parts: Callable[[], list[_Edit]] = list  # smaller edits to try when this one would change the tree


def fix_source(path: str | Path) -> Fixed:
    """The chapter at `path` with its recovered structure written out (see the module's doc).
    Raises ReportError when it cannot be read (exit 2)."""
    path = Path(path)
    data = read_source_bytes(path)
    source = decode_source(path, data)
    compiled = compile_text(source)
    raw = decoded_lines(path, data)
    lines = source.text.split("\n")
    assert len(raw) == len(lines), "the decoded lines and the source text's lines differ in number"
    ends = Counter(end for text, end in raw if end and not BLANK_LINE.match(text))
    default_end = ends.most_common(1)[0][0] if ends else "\n"
    edits = _edits(compiled.doc, compiled.findings, lines)
    expected = shape(compiled.doc)

    def attempt(chosen: list[_Edit]) -> tuple[_Plan, list[_Edit]]:
        plan = _Plan(raw, lines, default_end)
        done = []
        for edit in chosen:
            state = plan.state()
            if edit.apply(plan):
                done.append(edit)
            else:
                plan.restore(state)
        return plan, done

    def builds_alike(plan: _Plan) -> bool:
        fixed = decode_source(path, encode_source(plan.rendered(), source.encoding))
        return shape(compile_text(fixed).doc) == expected

    plan, done = attempt(edits)
    left = [edit for edit in edits if edit not in done]
    if done and not builds_alike(plan):
        # Some edit changes the tree: keep, one by one, those that do not (a block's
        # punctuation mark by mark: one mark of markup, `](http://a.b/c,d)`, may be the culprit).
        kept: list[_Edit] = []
        for edit in done:
            trial, _ = attempt([*kept, edit])
            if builds_alike(trial):
                kept.append(edit)
                continue
            parts = edit.parts()
            if not parts:
                edit.why_not = WOULD_CHANGE
                left.append(edit)
            for part in parts:
                trial, trial_done = attempt([*kept, part])
                if part in trial_done and builds_alike(trial):
                    kept.append(part)
                else:
                    left.append(part)
        plan, done = attempt(kept)
    text = plan.rendered()
    try:
        fixed_data = encode_source(text, source.encoding)
    except UnicodeEncodeError as exc:
        raise ReportError(f"{path}: the fixed text cannot be written in {source.encoding} ({exc.reason})",
                          EXIT_FAILURE) from None
    written = Counter(what for what, _ in dict.fromkeys((edit.what, edit.line) for edit in done))
    written["sidebar"] += sum(edit.sidebars for edit in done)
    why = sorted({(edit.line, edit.why_not) for edit in left})
    return Fixed(path, fixed_data, fixed_data != data, +written, why)  # `+`: no kind counted 0


# ----------------------------------------------------------------------------- the edits


def _edits(doc: Document, findings: Findings, lines: list[str]) -> list[_Edit]:
    """The edits that write out what the build recovered, in the order they are applied:
    punctuation first (it changes text within lines), then the lines added and moved."""
    at: dict[str, set[int]] = {}
    for finding in findings.items:
        at.setdefault(finding.code, set()).add(finding.line)
    rejoined = sorted(at.get("paragraph-rejoined", set()))
    blocks = list(iter_blocks(doc))
    starts = {doc.title_line, *(block.line for block in blocks), *rejoined}
    spans = _Spans(lines, starts)
    parts = {block.line: [c for c in rejoined if block.line < c <= block.continued_at]
             for block in blocks if isinstance(block, Paragraph) and block.continued_at}

    edits = [_punctuation(doc, line, spans, parts.get(line, []), lines)
             for line in sorted(at.get("punctuation-widened", set()))]
    edits += [_Edit(block.line, "section", _heading(block.level, plain_text(block.title), block.line))
              for block in blocks
              if isinstance(block, Section) and block.recovered and block.line in at.get("section-recovered", set())]
    sidebars = {block.line: block for block in blocks
                if isinstance(block, Callout) and not block.kind and not block.blocks
                and block.line in at.get("callout-recovered", set())}
    inside: set[int] = set()
    for head, later in sorted(parts.items()):
        between = [sidebars[line] for line in sorted(sidebars) if head < line < later[-1]]
        inside.update(box.line for box in between)
        fences = [_fence(box, spans) for box in between]
        edits.append(_Edit(head, "rejoined paragraph", _rejoin(head, later, spans, fences), UNTITLED,
                           sidebars=len(fences)))
    edits += [_Edit(line, "sidebar", _fence(box, spans), UNTITLED)
              for line, box in sorted(sidebars.items()) if line not in inside]
    return edits


def _punctuation(doc: Document, line: int, spans: _Spans, later: list[int], lines: list[str]) -> _Edit:
    """The edit widening a block's marks; its parts widen one mark each."""
    shown = "\n".join(plain_text(found.nodes) for found in iter_runs(doc) if found.line == line
                      and not (isinstance(found.owner, Section) and found.owner.recovered))
    block = _Block(line, later, spans)

    def parts() -> list[_Edit]:
        marks = _widened(block.text(lines)[0], shown)
        return [_Edit(line, "punctuation", _widen(block, shown, only=k), WOULD_CHANGE_MARK) for k in range(len(marks))]

    return _Edit(line, "punctuation", _widen(block, shown), PLACED_NOWHERE, parts=parts)


@dataclass(frozen=True)
class _Block:
    """The source lines of a block whose text the tree shows: from `line`, and the later parts
    joined to it."""

    line: int
    later: list[int]
    spans: _Spans

    def text(self, lines: list[str]) -> tuple[str, list[tuple[int, int]]]:
        """The block's lines, each ended by "\n", and the (line index, column) of each character."""
        places: list[tuple[int, int]] = []
        chunks: list[str] = []
        for start in [self.line, *self.later]:
            # a block never rejoined runs to the next block: a loose list's items, a table's caption
            for index in range(start - 1, self.spans.last(start, to_next_block=not self.later)):
                chunks.append(lines[index] + "\n")
                places.extend((index, column) for column in range(len(lines[index]) + 1))
        return "".join(chunks), places


class _Spans:
    """Where each block's source lines end: at the next blank line or the next block's line."""

    def __init__(self, lines: list[str], starts: set[int]) -> None:
        self.lines = lines
        self.starts = starts

    def last(self, line: int, *, to_next_block: bool = False) -> int:
        """The last line (1-based) of the block starting at `line`; with `to_next_block`, blank
        lines do not end it (a loose list's items, a table's caption)."""
        number = line
        while number < len(self.lines) and number + 1 not in self.starts:
            if not to_next_block and BLANK_LINE.match(self.lines[number]):
                break
            number += 1
        return number


def _heading(level: int, title: str, line: int) -> Callable[[_Plan], bool]:
    """The recovered section's heading, on a line of its own before its paragraph."""

    def apply(plan: _Plan) -> bool:
        index = line - 1
        gap = plan.gap_before(index)
        blanks = [plan.raw[i] for i in range(gap, index)]  # the heading is set off as the paragraph was
        plan.before[index].extend([("#" * level + " " + title, plan.end_of(index)), *blanks])
        return True

    return apply


def _fence(box: Callout, spans: _Spans) -> Callable[[_Plan], bool]:
    """The sidebar's paragraph fenced: `::: sidebar 标题`, the text without its title, `:::`."""
    title = plain_text(box.title).strip()

    def apply(plan: _Plan) -> bool:
        first, last = box.line - 1, spans.last(box.line) - 1
        if plan.dropped[first] or plan.before[first] or plan.after[last]:
            return False
        line = plan.text[first]
        rest = line.lstrip(INDENT)
        if title:
            body = _without_title(rest, title)
            if body is None:
                return False
            rest = body
        plan.before[first].append((f"::: {SIDEBAR} {title}".rstrip(), plan.end_of(first)))
        if rest:
            plan.set(first, rest)
        else:
            plan.dropped[first] = True  # the title stood alone on its line
        plan.after[last].append((":::", plan.end[last]))
        plan.end[last] = plan.end_of(last)
        return True

    return apply


def _without_title(text: str, title: str) -> str | None:
    """`text` without the title it opens with (bold, or plain and followed by a space), or None
    when it does not open with the title written so."""
    for form in TITLE_FORMS:
        written = form.format(title)
        if text.startswith(written):
            return text[len(written):].lstrip(INDENT)
    if text.startswith(title) and text[len(title):len(title) + 1] in (" ", "\u3000"):
        return text[len(title):].lstrip(INDENT)
    return None


def _rejoin(head: int, later: list[int], spans: _Spans,
            fences: list[Callable[[_Plan], bool]]) -> Callable[[_Plan], bool]:
    """The later parts of a split paragraph joined to it, the sidebars between fenced."""

    def apply(plan: _Plan) -> bool:
        if not all(fence(plan) for fence in fences):
            return False
        last = spans.last(head) - 1
        joined = [(plan.text[last], plan.end[last])]
        for start in later:
            first, end = start - 1, spans.last(start) - 1
            text, line_end = joined[-1]
            joined[-1] = (text.rstrip(" \t") + plan.text[first].lstrip(INDENT), line_end)
            joined.extend((plan.text[i], plan.end[i]) for i in range(first + 1, end + 1))
            gap = plan.gap_before(first)
            for index in range(gap, end + 1):
                plan.dropped[index] = True
        plan.set(last, joined[0][0])
        moved = [(text, end or plan.default_end) for text, end in joined[1:]]
        plan.after[last] = [*moved, *plan.after[last]]
        return True

    return apply


def _widen(block: _Block, shown: str, only: int | None = None) -> Callable[[_Plan], bool]:
    """The marks the tree has full-width (`shown`, its text) made full-width in the block's source
    lines, with the spaces the tree dropped beside them; `only` the `only`-th of those marks."""

    def apply(plan: _Plan) -> bool:
        text, places = block.text(plan.text)
        marks = _widened(text, shown)
        if only is not None:
            marks = marks[only:only + 1]
        if not marks:
            return False
        rows: dict[int, list[str]] = {}
        for position, char in enumerate(text):
            rows.setdefault(places[position][0], []).append(char)
        for position, wide, spaces in marks:
            index, column = places[position]
            rows[index][column] = wide
            for space in spaces:
                rows[places[space][0]][places[space][1]] = ""
        for index, chars in rows.items():
            plan.set(index, "".join(chars[:-1]))  # each row ends with its line's "\n"
        return True

    return apply


def _widened(text: str, shown: str) -> list[tuple[int, str, list[int]]]:
    """Where `text` (source lines) has an ASCII mark that `shown` (the tree's text) has
    full-width: (position, the full-width mark, the positions of the spaces beside it that the
    tree dropped). The two are aligned as text that differs by those marks only."""
    matcher = SequenceMatcher(None, text.translate(TO_ASCII), shown.translate(TO_ASCII), autojunk=False)
    matched: set[int] = set()
    marks: list[tuple[int, str]] = []
    for i, j, size in matcher.get_matching_blocks():
        matched.update(range(i, i + size))
        marks.extend((i + k, shown[j + k]) for k in range(size)
                     if text[i + k] in FULL_WIDTH and shown[j + k] == FULL_WIDTH[text[i + k]])
    found = []
    for position, wide in marks:
        spaces: list[int] = []
        for step in (-1, 1):
            run: list[int] = []
            k = position + step
            while 0 <= k < len(text) and text[k] in " \t" and k not in matched:
                run.append(k)
                k += step
            # spaces before a line's end or a table's cell border were never text: left as written
            if 0 <= k < len(text) and text[k] not in "\n|":
                spaces.extend(run)
        found.append((position, wide, spaces))
    return found


# ----------------------------------------------------------------------------- writing


def write_atomically(target: Path, data: bytes, *, mode_of: Path | None = None) -> None:
    """Write `data` to `target` whole or not at all: a temporary file beside it, synced, then
    renamed over it. The file gets the permissions of `mode_of` (the source, for --in-place),
    else those `target` has, else the usual ones (umask). Raises ReportError (exit 1)."""
    folder = target.parent
    temporary = None
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".fix")
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, _mode(mode_of or target))
        os.replace(temporary, target)
        temporary = None
        _sync_folder(folder)
    except OSError as exc:
        raise ReportError(f"{target}: cannot be written ({exc.strerror or exc})", EXIT_FAILURE) from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _mode(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """The rename made durable (where a folder can be opened and synced)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

"""Check: findings for an editor about the prose, never silent changes.

Reports an English function word standing inside Chinese prose (`功能布局 and 空间布局`: a
leftover of translation or editing) and quotes or brackets that do not balance within a
paragraph. Terms such as `RFID`, `token` or `DeepSeek` are left alone: they are meant. Each block's
text is checked, table cells and key points one by one. As clreq has it, a quotation may run
over several paragraphs — each continued paragraph opening with the quote mark again, or all of
them in one block quote — and an enumerator opening a paragraph, an item or a clause (`1）`,
`a)`, `（一）`; `以下因素：1）…。2）…`) is no bracket.

The tree keeps only a block's first line; each finding is placed at its column by finding the
word or mark again in the block's source lines (`Findings.locate`).
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Iterator

from ..diagnostics import Findings
from ..model.nodes import BlockQuote, Document, Paragraph
from ..model.text import HAN_CLASS as HAN, PAUSES_AND_STOPS, SENTENCE_END, SPACE
from ..model.traverse import PathStep, iter_block_paths, own_runs, plain_text

# Python counts Han characters as word characters, so \b cannot bound a word that touches them
LATIN_WORD = re.compile(rf"(?<=[{HAN}])[ \u3000]*(?<![A-Za-z])([a-z]{{2,}})(?![A-Za-z])[ \u3000]*(?=[{HAN}])")
FUNCTION_WORDS = set(
    "and or but nor the of to in on at by for from with as is are was were be not vs via than then "
    "this that these those it its an into onto per".split()
)
PAIRS = {"“": "”", "《": "》", "（": "）", "【": "】", "「": "」", "『": "』", "〔": "〕", "(": ")", "[": "]"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
# Opening quote marks: a quotation that runs on into the next paragraph opens it with its mark again.
QUOTATIONS = "“「『"
# An enumerator at a paragraph's or item's start (`1）`, `2)`, `a)`, `iv)`, `（一）`, `(1)`): not a bracket.
LABEL = "(?:[0-9]{1,3}|[A-Za-z]|[ivxIVX]{2,4})"
ENUMERATOR = re.compile(rf"[{SPACE}]*(?:[（(][^（）()\s]{{1,3}}[)）]|{LABEL}[)）])")
# The same inside a paragraph, opening a clause (`以下因素：1）…。2）…`): what precedes a `）` that
# closes nothing, read up to the end of the text before it.
CLAUSE_ENUMERATOR = re.compile(rf"(?:^|[{re.escape(PAUSES_AND_STOPS + SENTENCE_END)}])[{SPACE}]*{LABEL}$")
# The punctuation transform turns ASCII brackets beside Han full-width: the source may hold either.
SOURCE_FORMS = {"（": "（(", "）": "）)", "(": "（(", ")": "）)"}


def report_findings(doc: Document, findings: Findings) -> None:
    """Report, at their source positions, English words inside Chinese and unbalanced marks."""
    texts = list(_texts(doc))
    for here, problems in zip(texts, _unbalanced_marks(texts)):
        line, text, before = here.line, here.text, here.before
        for match in LATIN_WORD.finditer(text):
            word = match.group(1)
            if word not in FUNCTION_WORDS:
                continue
            around = text[max(0, match.start() - 4):match.end() + 4]
            alone = re.compile(rf"(?<![A-Za-z]){word}(?![A-Za-z])")
            occurrence = len(alone.findall(before)) + len(alone.findall(text, 0, match.start(1)))
            where = findings.locate(line, alone, occurrence)
            findings.warning(where[0], f"English word '{word}' inside Chinese prose ({around}): should it be Chinese?",
                             where[1], length=where[2], code="english-word")
        for message, owner, offset in problems:
            forms = SOURCE_FORMS.get(owner.text[offset], owner.text[offset])
            occurrence = sum(1 for char in owner.before + owner.text[:offset] if char in forms)
            where = findings.locate(owner.line, re.compile(f"[{re.escape(forms)}]"), occurrence)
            findings.warning(where[0], message, where[1], code="unbalanced-marks")


def unbalanced(text: str) -> str | None:
    """A message naming the first quote or bracket that does not balance, or None."""
    problem = unbalanced_at(text)
    return problem[0] if problem else None


def unbalanced_at(text: str) -> tuple[str, int] | None:
    """The message for the first quote or bracket of one text that does not balance and its
    offset, or None. An enumerator opening the text (`1）`, `a)`) is not a bracket."""
    stack: list[tuple[str, int, int]] = []
    problem = _scan(text, enumerator_end(text), stack, 0)
    if problem is None and stack:
        message, offset, _ = _unclosed(stack)
        return message, offset
    return problem


def enumerator_end(text: str) -> int:
    """Where an enumerator opening a paragraph or item (`1）`, `2)`, `a)`, `（一）`, `(1)`) ends; 0 if none."""
    match = ENUMERATOR.match(text)
    return match.end() if match else 0


def _scan(text: str, start: int, stack: list[tuple[str, int, int]], ref: int) -> tuple[str, int] | None:
    """Read `text` from `start`: an opening mark goes on `stack` (with its offset and `ref`), a
    closing mark takes its match off. The message and offset of the first closing mark that
    matches nothing and ends no enumerator opening a clause, or None."""
    for offset in range(start, len(text)):
        char = text[offset]
        if char in PAIRS:
            stack.append((char, offset, ref))
        elif char in CLOSERS:
            if stack and stack[-1][0] == CLOSERS[char]:
                stack.pop()
            elif char not in "）)" or not CLAUSE_ENUMERATOR.search(text, 0, offset):
                return f"unbalanced '{char}': no matching '{CLOSERS[char]}' before it", offset
    return None


def _unclosed(stack: list[tuple[str, int, int]]) -> tuple[str, int, int]:
    """The message, offset and ref of the innermost mark left open on `stack`."""
    char, offset, ref = stack[-1]
    return f"unbalanced '{char}': no matching '{PAIRS[char]}' after it", offset, ref


@dataclass(frozen=True)
class _Checked:
    """One text checked: its block's line, the text, the text of the block's earlier items or
    cells (`before`: they share the line), and for a paragraph its path in the tree and whether
    a block quote holds it (a quotation may run on into the next paragraph)."""

    line: int
    text: str
    before: str = ""
    path: tuple[PathStep, ...] | None = None
    quoted: bool = False


def _unbalanced_marks(texts: list[_Checked]) -> Iterator[list[tuple[str, _Checked, int]]]:
    """For each text in turn, the marks found not to balance by the end of it (message, the text
    holding the mark, its offset there). A quotation left open at a paragraph's end runs on into
    the next paragraph beside it when that paragraph opens with the same quote mark again (clreq:
    「…  「…」) or both are in one block quote; it is reported only where it stops running on."""
    stack: list[tuple[str, int, int]] = []
    for index, here in enumerate(texts):
        found: list[tuple[str, _Checked, int]] = []
        start = 1 if stack and here.text.startswith(stack[-1][0]) else enumerator_end(here.text)
        problem = _scan(here.text, start, stack, index)
        if problem is not None:
            stack.clear()
            found.append((problem[0], here, problem[1]))
        elif stack and not _runs_on(stack[-1][0], here, texts[index + 1] if index + 1 < len(texts) else None):
            message, offset, ref = _unclosed(stack)
            stack.clear()
            found.append((message, texts[ref], offset))
        yield found


def _runs_on(mark: str, here: _Checked, after: _Checked | None) -> bool:
    """May a quotation left open by `mark` at the end of `here` go on in `after`?"""
    if after is None or here.path is None or after.path is None:
        return False
    index, next_index = here.path[-1], after.path[-1]
    beside = (here.path[:-1] == after.path[:-1] and isinstance(index, int) and isinstance(next_index, int)
              and next_index == index + 1)
    return beside and (here.quoted or (mark in QUOTATIONS and after.text.startswith(mark)))


def _texts(doc: Document) -> Iterator[_Checked]:
    """Every text checked: a block's runs joined (a callout's title and body), or each item or
    cell on its own, `before` being the text of the block's earlier items (they share one line
    number), so a match can be counted in the source."""
    blocks = dict(iter_block_paths(doc))
    for path, block in blocks.items():
        runs = list(own_runs(block))
        if not runs:
            continue
        if isinstance(block, Paragraph):
            quoted = isinstance(blocks.get(path[:-2]), BlockQuote)
            yield _Checked(block.line, " ".join(plain_text(found.nodes) for found in runs), path=path, quoted=quoted)
            continue
        if all(not found.index for found in runs):
            yield _Checked(block.line, " ".join(plain_text(found.nodes) for found in runs))
            continue
        before = ""
        for found in runs:
            text = plain_text(found.nodes)
            yield _Checked(block.line, text, before)
            before += text + "\n"

"""Check: findings for an editor about the prose, never silent changes.

Reports an English function word standing inside Chinese prose (`功能布局 and 空间布局`: a
leftover of translation or editing) and quotes or brackets that do not balance within a
paragraph. Terms such as `RFID`, `token` or `DeepSeek` are left alone: they are meant. Each block's
text is checked, table cells and key points one by one.

The tree keeps only a block's first line; each finding is placed at its column by finding the
word or mark again in the block's source lines (`Findings.locate`).
"""

from __future__ import annotations

import re

from typing import Iterator

from ..diagnostics import Findings
from ..model.nodes import Document
from ..model.text import HAN_CLASS as HAN
from ..model.traverse import iter_blocks, own_runs, plain_text

# Python counts Han characters as word characters, so \b cannot bound a word that touches them
LATIN_WORD = re.compile(rf"(?<=[{HAN}])[ \u3000]*(?<![A-Za-z])([a-z]{{2,}})(?![A-Za-z])[ \u3000]*(?=[{HAN}])")
FUNCTION_WORDS = set(
    "and or but nor the of to in on at by for from with as is are was were be not vs via than then "
    "this that these those it its an into onto per".split()
)
PAIRS = {"“": "”", "《": "》", "（": "）", "【": "】", "「": "」", "『": "』", "〔": "〕", "(": ")", "[": "]"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
# The punctuation transform turns ASCII brackets beside Han full-width: the source may hold either.
SOURCE_FORMS = {"（": "（(", "）": "）)", "(": "（(", ")": "）)"}


def report_findings(doc: Document, findings: Findings) -> None:
    """Report, at their source positions, English words inside Chinese and unbalanced marks."""
    for line, text, before in _texts(doc):
        for match in LATIN_WORD.finditer(text):
            word = match.group(1)
            if word not in FUNCTION_WORDS:
                continue
            around = text[max(0, match.start() - 4):match.end() + 4]
            alone = re.compile(rf"(?<![A-Za-z]){word}(?![A-Za-z])")
            occurrence = len(alone.findall(before)) + len(alone.findall(text, 0, match.start(1)))
            where = findings.locate(line, alone, occurrence)
            findings.warning(where[0], f"English word '{word}' inside Chinese prose ({around}): should it be Chinese?",
                             where[1], length=where[2])
        problem = unbalanced_at(text)
        if problem:
            message, offset = problem
            forms = SOURCE_FORMS.get(text[offset], text[offset])
            occurrence = sum(1 for char in before + text[:offset] if char in forms)
            where = findings.locate(line, re.compile(f"[{re.escape(forms)}]"), occurrence)
            findings.warning(where[0], message, where[1])


def unbalanced(text: str) -> str | None:
    """A message naming the first quote or bracket that does not balance, or None."""
    problem = unbalanced_at(text)
    return problem[0] if problem else None


def unbalanced_at(text: str) -> tuple[str, int] | None:
    """The message for the first quote or bracket that does not balance and its offset, or None."""
    stack: list[tuple[str, int]] = []
    for offset, char in enumerate(text):
        if char in PAIRS:
            stack.append((char, offset))
        elif char in CLOSERS:
            if not stack or stack[-1][0] != CLOSERS[char]:
                return f"unbalanced '{char}': no matching '{CLOSERS[char]}' before it", offset
            stack.pop()
    if stack:
        char, offset = stack[-1]
        return f"unbalanced '{char}': no matching '{PAIRS[char]}' after it", offset
    return None


def _texts(doc: Document) -> Iterator[tuple[int, str, str]]:
    """(line, text, before) of every text checked: a block's runs joined (a callout's title and
    body), or each item or cell on its own, `before` being the text of the block's earlier
    items (they share one line number), so a match can be counted in the source."""
    for block in iter_blocks(doc):
        runs = list(own_runs(block))
        if not runs:
            continue
        if all(not found.index for found in runs):
            yield block.line, " ".join(plain_text(found.nodes) for found in runs), ""
            continue
        before = ""
        for found in runs:
            text = plain_text(found.nodes)
            yield block.line, text, before
            before += text + "\n"

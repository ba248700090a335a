"""Pass: findings for an editor, never silent changes.

Reports an English function word standing inside Chinese prose (`功能布局 and 空间布局`: a
leftover of translation or editing) and quotes or brackets that do not balance within a
paragraph. Terms such as `RFID`, `token` or `DeepSeek` are left alone: they are meant. The tree
comes back unchanged.
"""

from __future__ import annotations

import re

from .. import tree as t
from . import PassContext
from .chars import HAN

# Python counts Han characters as word characters, so \b cannot bound a word that touches them
LATIN_WORD = re.compile(rf"(?<=[{HAN}])[ \u3000]*(?<![A-Za-z])([a-z]{{2,}})(?![A-Za-z])[ \u3000]*(?=[{HAN}])")
FUNCTION_WORDS = set(
    "and or but nor the of to in on at by for from with as is are was were be not vs via than then "
    "this that these those it its an into onto per".split()
)
PAIRS = {"“": "”", "《": "》", "（": "）", "【": "】", "「": "」", "『": "』", "〔": "〕", "(": ")", "[": "]"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}


def report_findings(doc: t.Document, ctx: PassContext) -> t.Document:
    for line, text in _texts(doc):
        for match in LATIN_WORD.finditer(text):
            if match.group(1) not in FUNCTION_WORDS:
                continue
            around = text[max(0, match.start() - 4):match.end() + 4]
            ctx.findings.warning(line, f"English word '{match.group(1)}' inside Chinese prose ({around}): should it be Chinese?")
        problem = unbalanced(text)
        if problem:
            ctx.findings.warning(line, problem)
    return doc


def unbalanced(text: str) -> str | None:
    """A message naming the first quote or bracket that does not balance, or None."""
    stack: list[str] = []
    for char in text:
        if char in PAIRS:
            stack.append(char)
        elif char in CLOSERS:
            if not stack or stack[-1] != CLOSERS[char]:
                return f"unbalanced '{char}': no matching '{CLOSERS[char]}' before it"
            stack.pop()
    if stack:
        return f"unbalanced '{stack[-1]}': no matching '{PAIRS[stack[-1]]}' after it"
    return None


def _texts(doc: t.Document):
    for block in t.walk_blocks(doc.children):
        if isinstance(block, (t.Paragraph, t.Heading)):
            yield block.line, t.plain_text(block.children)
        elif isinstance(block, t.Callout):
            yield block.line, t.plain_text(block.title) + " " + t.plain_text(block.children)
        elif isinstance(block, t.Section):
            yield block.line, t.plain_text(block.title)
        elif isinstance(block, t.KeyPoints):
            for item in block.items:
                yield block.line, t.plain_text(item)

"""Pass: findings for an editor, never silent changes.

Reports a Latin word standing inside Chinese prose (`功能布局 and 空间布局`) and quotes or
brackets that do not balance within a paragraph. The tree comes back unchanged.
"""

from __future__ import annotations

import re

from .. import tree as t
from . import PassContext
from .chars import HAN

LATIN_WORD = re.compile(rf"(?<=[{HAN}])[ \u3000]*\b([a-z]{{2,}})\b[ \u3000]*(?=[{HAN}])")
PAIRS = {"“": "”", "《": "》", "（": "）", "【": "】", "「": "」", "『": "』", "〔": "〕", "(": ")", "[": "]"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}


def report_findings(doc: t.Document, ctx: PassContext) -> t.Document:
    for line, text in _texts(doc):
        for match in LATIN_WORD.finditer(text):
            around = text[max(0, match.start() - 4):match.end() + 4]
            ctx.findings.warning(line, f"Latin word '{match.group(1)}' inside Chinese prose ({around}): should it be Chinese?")
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

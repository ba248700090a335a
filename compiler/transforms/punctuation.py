"""Transform: ASCII punctuation beside Chinese becomes full-width (GB/T 15834).

`2010年,上海` → `2010年，上海`, `示范县(市)` → `示范县（市）`. A mark turns full-width only when
a Han character stands beside it (spaces between are dropped); numbers (`1,000`, `7.87`,
`99.1%`), times (`10:30`), Latin text and URLs stay as they are. Each block whose marks changed
is one finding at its first line (`punctuation-widened`, info), with the count.
"""

from __future__ import annotations

import re

from ..model.nodes import Document, Inline
from ..model.text import CJK_SYMBOLS_CLASS, HAN_CLASS, is_han
from ..model.traverse import iter_runs, map_runs, plain_text, replace_texts, texts_in_context
from .context import PassContext

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
# a URL ends where Chinese text (or a space) begins
URL = re.compile(f"(?:(?:https?|ftp|mailto):|www\\.)[^\\s{HAN_CLASS}{CJK_SYMBOLS_CLASS}]+")
SPACES = " \t"


def full_width_punctuation(doc: Document, ctx: PassContext) -> Document:
    """ASCII punctuation beside Han characters becomes full-width, in every run of the tree."""
    fixed: dict[int, list[Inline]] = {}
    widened: dict[int, int] = {}
    for found in iter_runs(doc):
        if id(found.nodes) in fixed:
            continue
        after = fixed[id(found.nodes)] = _fix_run(found.nodes)
        count = _ascii_marks(plain_text(found.nodes)) - _ascii_marks(plain_text(after))
        if count > 0:
            widened[found.line] = widened.get(found.line, 0) + count
    for line, count in sorted(widened.items()):
        plural = "s" if count > 1 else ""
        ctx.findings.info(line, f"{count} ASCII punctuation mark{plural} beside Chinese made full-width",
                          code="punctuation-widened")
    return map_runs(doc, lambda nodes: fixed[id(nodes)] if id(nodes) in fixed else _fix_run(nodes))


def _ascii_marks(text: str) -> int:
    return sum(text.count(mark) for mark in FULL_WIDTH)


def _fix_run(nodes: list[Inline]) -> list[Inline]:
    fixed = {id(node): fix_punctuation(node.text, before, after) for node, before, after in texts_in_context(nodes)}
    return replace_texts(nodes, fixed)


def fix_punctuation(text: str, before: str = "", after: str = "") -> str:
    """Full-width marks in `text`, with `before`/`after` the text that surrounds it."""
    if not any(mark in text for mark in FULL_WIDTH):
        return text
    context = before + text + after
    start, end = len(before), len(before) + len(text)
    protected: set[int] = set()
    for match in URL.finditer(context):
        url = match.group(0).rstrip(",.;:!?)")  # trailing marks end the sentence, not the URL
        protected.update(range(match.start(), match.start() + len(url)))
    chars = list(context)
    drop: set[int] = set()
    pairs = _paren_pairs(context)
    for i in range(start, end):
        char = context[i]
        if char not in FULL_WIDTH or i in protected:
            continue
        left = _neighbour(context, i, -1)
        right = _neighbour(context, i, +1)
        if char in "()":
            partner = pairs.get(i)
            inside = context[min(i, partner) + 1:max(i, partner)] if partner is not None else ""
            convert = is_han(left) or is_han(right) or any(is_han(c) for c in inside)
            if partner is not None and not convert:
                outer_l = _neighbour(context, min(i, partner), -1)
                outer_r = _neighbour(context, max(i, partner), +1)
                convert = is_han(outer_l) or is_han(outer_r)
        else:
            convert = (is_han(left) or is_han(right)) and not (_is_digit(context, i - 1) and _is_digit(context, i + 1))
            if char == ":" and context[i + 1:i + 3] == "//":
                convert = False
        if convert:
            chars[i] = FULL_WIDTH[char]
            for step in (-1, 1):
                j = i + step
                while start <= j < end and context[j] in SPACES:
                    drop.add(j)
                    j += step
    return "".join(c for i, c in enumerate(chars) if start <= i < end and i not in drop)


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] in SPACES:
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _is_digit(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isdigit()


def _paren_pairs(text: str) -> dict[int, int]:
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, char in enumerate(text):
        if char in "(（":
            stack.append(i)
        elif char in ")）" and stack:
            j = stack.pop()
            pairs[i], pairs[j] = j, i
    return pairs

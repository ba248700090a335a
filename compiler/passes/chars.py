"""Character classes the passes share (Han, CJK punctuation, sentence ends)."""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
HAN_RE = re.compile(f"[{HAN}]")
CJK_RE = re.compile(f"[{HAN}{CJK_PUNCT}]")
SPACE = " \t\u3000\u00a0"
# A paragraph whose text ends with one of these ends a sentence; others run on.
SENTENCE_END = set("。！？!?…；;：:）)」』”’》】.")


def is_han(char: str) -> bool:
    return bool(char) and bool(HAN_RE.match(char))


def is_cjk(char: str) -> bool:
    return bool(char) and bool(CJK_RE.match(char))

"""compiler.model.text: the one home of the character classes."""

from __future__ import annotations

import pytest
from zhon import hanzi

from compiler.model import text

HAN_SAMPLES = {
    "unified": "中", "Extension A": "\u3400", "Extension B": "\U00020000", "Extension C": "\U0002A700",
    "Extension D": "\U0002B740", "Extension E": "\U0002B820", "Extension F": "\U0002CEB0",
    "Extension G": "\U00030000", "Extension H": "\U00031350", "Extension I": "\U0002EBF0",
    "compatibility": "\uF900", "compatibility supplement": "\U0002F800", "ideographic zero": "〇",
}


@pytest.mark.parametrize("block", HAN_SAMPLES)
def test_every_han_block_is_han_and_cjk(block):
    char = HAN_SAMPLES[block]
    assert text.is_han(char) and text.is_cjk(char)


@pytest.mark.parametrize("char", ["A", "1", "，", "⼏", "⺁", "あ", " ", ""])
def test_what_is_not_han(char):
    assert not text.is_han(char)


@pytest.mark.parametrize("char", ["，", "。", "“", "”", "—", "…", "·", "（", "⼏", "あ", "ｱ", "︰"])
def test_punctuation_radicals_and_kana_are_cjk(char):
    assert text.is_cjk(char)


@pytest.mark.parametrize("char", ["A", "z", "1", ",", "(", "-", "é"])
def test_latin_is_not_cjk(char):
    assert not text.is_cjk(char)


def test_the_roles_of_punctuation_do_not_overlap_and_are_chinese_punctuation():
    assert not set(text.OPENING) & set(text.CLOSING)
    assert set(text.OPENING + text.CLOSING + text.MIDDLE_DOTS + text.DASHES + text.ELLIPSES) <= set(hanzi.punctuation)


def test_latin_or_digit_is_what_gets_a_quarter_em_from_han():
    assert all(text.LATIN_OR_DIGIT.match(c) for c in "aZ09é%°")
    assert not any(text.LATIN_OR_DIGIT.match(c) for c in "中，。 ")

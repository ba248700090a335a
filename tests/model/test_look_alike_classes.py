"""compiler.model.text: the look-alike characters (radicals, compatibility ideographs) and the
unified ideograph each stands for."""

from __future__ import annotations

import unicodedata

import pytest

from compiler.model import text

BLOCKS = {
    "Kangxi radicals": (0x2F00, 0x2FDF),
    "CJK radicals supplement": (0x2E80, 0x2EFF),
    "CJK compatibility ideographs": (0xF900, 0xFAFF),
    "CJK compatibility ideographs supplement": (0x2F800, 0x2FA1F),
}


@pytest.mark.parametrize("look_alike, unified", [
    ("⼏", "几"), ("⽇", "日"), ("⽰", "示"), ("⽐", "比"),  # Kangxi radicals
    ("⺟", "母"), ("⻳", "龟"),  # the two of the radicals supplement with a decomposition
    ("\uf900", "豈"), ("\uf9b5", "例"),  # compatibility ideographs
    ("\U0002f800", "丽"), ("\U0002f8b2", "\u6210"),  # their supplement (丽, 成)
])
def test_a_look_alike_stands_for_its_unified_ideograph(look_alike, unified):
    assert text.LOOK_ALIKE.match(look_alike)
    assert text.unified_equivalent(look_alike) == unified


@pytest.mark.parametrize("char", [
    "⻓",  # a radicals-supplement form (C-simplified 长) with no decomposition
    "\ufa0e", "\ufa0f", "\ufa11", "\ufa1f", "\ufa29",  # compatibility ideographs that are unified ones
])
def test_a_look_alike_without_a_unified_equivalent_has_none(char):
    assert text.LOOK_ALIKE.match(char)
    assert text.unified_equivalent(char) == ""


@pytest.mark.parametrize("char", [
    "几", "日", "中", "\U00020000",  # unified ideographs
    "，", "。", "（", "）", "：", "！", "？", "　", "Ａ", "１", "ｱ", "︰", "〇", "、",  # full-width, CJK punctuation
    "A", "1", ",", "é", "ﬁ", "²", "",  # NFKC would change ﬁ and ²: they are no look-alikes
])
def test_nothing_else_is_a_look_alike(char):
    assert not text.LOOK_ALIKE.match(char)
    assert text.unified_equivalent(char) == ""


@pytest.mark.parametrize("block", BLOCKS)
def test_every_equivalent_is_the_nfkc_form_and_a_han_character(block):
    first, last = BLOCKS[block]
    replaced = 0
    for code in range(first, last + 1):
        char = chr(code)
        assert text.LOOK_ALIKE.match(char), hex(code)
        unified = text.unified_equivalent(char)
        if unified:
            replaced += 1
            assert unified == unicodedata.normalize("NFKC", char) and text.is_han(unified), hex(code)
            assert not text.LOOK_ALIKE.match(unified), hex(code)
    assert replaced > 0

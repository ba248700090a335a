"""Every character class the compiler uses, defined once: Han, CJK punctuation by role, Latin.

Han characters are zhon's (`zhon.hanzi.characters`: 〇, the unified ideographs with Extension
A, the compatibility ideographs and their supplement, Extensions B to D) plus the extensions
zhon does not list yet (E to I), so a check that "no Han character is lost" sees them all.
Radicals (Kangxi and the supplement, which PDFs often hold in place of the real characters)
are not Han characters, but they are CJK: they take a full em and sit among Han text.

Each constant is a string of characters, or of ranges for a regular-expression class (`…_CLASS`).
"""

from __future__ import annotations

import re
import unicodedata

from zhon import hanzi

# ---------------------------------------------------------------- Han and CJK

# Extensions E, F, I, G, H: assigned after the zhon release we use (2.1.1) lists its ranges.
LATER_EXTENSIONS_CLASS = "\U0002b820-\U0002ceaf\U0002ceb0-\U0002ebef\U0002ebf0-\U0002ee5f\U00030000-\U000323af"
HAN_CLASS = hanzi.characters + LATER_EXTENSIONS_CLASS
RADICALS_CLASS = hanzi.radicals  # Kangxi radicals, CJK radicals supplement
# Wide characters that belong to CJK text besides Han: radicals, CJK symbols and punctuation,
# kana, bopomofo, enclosed and compatibility forms, vertical and small forms, full-width forms.
CJK_SYMBOLS_CLASS = "\u2e80-\u33ff\ufe30-\ufe4f\uff00-\uffef"
# Look-alikes: the radical blocks (Kangxi radicals, CJK radicals supplement) and the compatibility
# ideographs (and their supplement). Text copied out of PDFs holds them in place of the unified
# ideographs they share a glyph with (⼏ for 几, ⽇ for 日); those with a compatibility
# decomposition (NFKC) have a unified equivalent. Full-width punctuation is not among them.
COMPATIBILITY_IDEOGRAPHS_CLASS = "\uf900-\ufaff\U0002f800-\U0002fa1f"
LOOK_ALIKES_CLASS = "\u2e80-\u2eff\u2f00-\u2fdf" + COMPATIBILITY_IDEOGRAPHS_CLASS

# ---------------------------------------------------------------- punctuation by role

OPENING_BRACKETS = "（《「『【〔〈"
CLOSING_BRACKETS = "）》」』】〕〉"
OPENING_QUOTES = "“‘"
CLOSING_QUOTES = "”’"
# Pause and stop marks that Simplified fonts set in the left half of the em box.
PAUSES_AND_STOPS = "，。、：；"
MIDDLE_DOTS = "·"
DASHES = "—"
ELLIPSES = "…"
WAVE_DASH = "～"
# Punctuation GB/T 15834 uses in Chinese text that lies outside the CJK blocks.
GENERAL_PUNCTUATION_IN_CJK = OPENING_QUOTES + CLOSING_QUOTES + DASHES + ELLIPSES + MIDDLE_DOTS

# Full-width marks whose glyph fills one half of the em box, the other half blank (SC fonts):
# two of them side by side are compressed (标点挤压).
CLOSING = PAUSES_AND_STOPS + CLOSING_BRACKETS + CLOSING_QUOTES
OPENING = OPENING_BRACKETS + OPENING_QUOTES

# A paragraph whose text ends with one of these ends a sentence; others run on.
SENTENCE_END = "。！？!?…；;：:）)」』”’》】."

# Characters that take no room and draw nothing (word joiner, zero-width space, BOM).
INVISIBLE = "\u2060\u200b\ufeff"
WORD_JOINER = "\u2060"
# Spaces an author puts around or inside Chinese prose.
SPACE = " \t\u3000\u00a0"

# ---------------------------------------------------------------- Latin

# Latin letters (with accents), digits and the signs set with numbers: a quarter em from Han.
LATIN_OR_DIGIT_CLASS = "A-Za-z0-9\u00c0-\u024f%‰°"

# ---------------------------------------------------------------- compiled forms

HAN = re.compile(f"[{HAN_CLASS}]")
CJK = re.compile(f"[{HAN_CLASS}{CJK_SYMBOLS_CLASS}{GENERAL_PUNCTUATION_IN_CJK}]")
LATIN_OR_DIGIT = re.compile(f"[{LATIN_OR_DIGIT_CLASS}]")
LOOK_ALIKE = re.compile(f"[{LOOK_ALIKES_CLASS}]")


def is_han(char: str) -> bool:
    """Is `char` a Han character (any CJK ideograph block, compatibility ideographs, 〇)?"""
    return bool(char) and bool(HAN.match(char))


def is_cjk(char: str) -> bool:
    """Is `char` part of CJK text: Han, radicals, CJK punctuation and symbols, kana, full-width forms?"""
    return bool(char) and bool(CJK.match(char))


def unified_equivalent(char: str) -> str:
    """The unified ideograph a look-alike stands for (`⼏` → `几`, `⾦` → `金`, `\uf900` → `豈`): its
    NFKC form when `char` is a radical or compatibility ideograph that has one; else "" (any
    other character, and the compatibility ideographs that are unified ideographs themselves,
    such as `\ufa0e` 﨎)."""
    if len(char) != 1 or not LOOK_ALIKE.match(char):
        return ""
    unified = unicodedata.normalize("NFKC", char)
    return unified if unified != char and is_han(unified) else ""

"""Transform: a chapter whose front matter gives no `lang` is classified as Simplified or
Traditional Chinese from its Han text, and tagged zh-Hans or zh-Hant, so that the writers give it
the matching fonts, language tags and layout words.

The classification is OpenCC's round trip, one character at a time: a character that the
Simplified-to-Traditional conversion (`s2t`) changes and the reverse (`t2s`) leaves alone is
written only in Simplified text (`发`, `业`); one that `t2s` changes and `s2t` leaves alone only in
Traditional text (`發`, `業`); characters both scripts share (`中`, `科`) say nothing. Counted
over every occurrence in the text the outputs show, the sample gives 5,600 Simplified and 0
Traditional; the sample converted with `s2t` gives 11 Simplified (准, 里, 干: characters
Traditional text writes too, in some words) and 5,607 Traditional. So a chapter is
Traditional when at least `MIN_DISTINGUISHING` of its characters tell the scripts apart and at
least `TRADITIONAL_SHARE` of those are Traditional; else it stays zh-Hans (the default), as a
chapter with too few telling characters does. An info finding at the title says what was found
and from how many characters whenever the chapter is taken as Traditional, or holds Traditional
characters and is not clearly Simplified (mixed, or too few to tell); a clearly Simplified
chapter stays the default, as before, and quiet: every chapter of the house style would
otherwise report that it is what it always was.

Front matter `lang:` always wins: the chapter is left as the reader tagged it. A book sets each
chapter to the book's language after normalisation (`compiler.books.chapters`), so the book's
choice wins over this one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from typing import Callable

from ..model.nodes import Document
from ..model.text import HAN
from ..model.traverse import tree_text
from .context import PassContext

SIMPLIFIED, TRADITIONAL = "zh-Hans", "zh-Hant"
# Fewer characters that tell the scripts apart than this, and the chapter stays zh-Hans: about
# the count of two sentences of running text (a third of Han characters or more tell).
MIN_DISTINGUISHING = 10
# The share of those characters that must be Traditional for the chapter to be zh-Hant.
TRADITIONAL_SHARE = 0.8


@dataclass(frozen=True)
class Evidence:
    """How many characters of a text are written only in Simplified, only in Traditional."""

    simplified: int
    traditional: int

    @property
    def distinguishing(self) -> int:
        return self.simplified + self.traditional

    @property
    def clearly_simplified(self) -> bool:
        """Enough characters tell, and most of them are Simplified."""
        return self.distinguishing >= MIN_DISTINGUISHING and self.simplified >= TRADITIONAL_SHARE * self.distinguishing

    @property
    def language(self) -> str:
        """zh-Hant when enough characters tell and most of them are Traditional; else zh-Hans."""
        if self.distinguishing >= MIN_DISTINGUISHING and self.traditional >= TRADITIONAL_SHARE * self.distinguishing:
            return TRADITIONAL
        return SIMPLIFIED


def detect_script(doc: Document, ctx: PassContext) -> Document:
    """The chapter tagged with the script its Han text is written in, unless its front matter
    gives `lang`."""
    if "lang" in doc.meta:
        return doc
    text = tree_text(doc)
    if _all_gb2312(text):  # no Traditional-only character can be in it: no need to load OpenCC
        return doc if doc.language == SIMPLIFIED else replace(doc, language=SIMPLIFIED)
    evidence = script_evidence(text)
    language = evidence.language
    if language == TRADITIONAL or (evidence.traditional and not evidence.clearly_simplified):
        ctx.findings.info(doc.title_line or 1, f"no 'lang' in the front matter: {_what(evidence)}; "
                                               f"taken as {language} (a front matter 'lang:' decides)", code="script-guessed")
    return doc if doc.language == language else replace(doc, language=language)


def script_evidence(text: str) -> Evidence:
    """The characters of `text` that are written in one script only, counted by script."""
    counts = Counter(HAN.findall(text))
    distinct = list(counts)
    if not distinct:
        return Evidence(0, 0)
    # one conversion of all distinct characters, a line each (no dictionary word spans lines)
    joined = "\n".join(distinct)
    as_traditional = opencc_converter("s2t")(joined).split("\n")
    as_simplified = opencc_converter("t2s")(joined).split("\n")
    simplified = traditional = 0
    for char, to_t, to_s in zip(distinct, as_traditional, as_simplified, strict=True):
        if to_t != char and to_s == char:
            simplified += counts[char]
        elif to_s != char and to_t == char:
            traditional += counts[char]
    return Evidence(simplified, traditional)


def _all_gb2312(text: str) -> bool:
    """Are all the Han characters of `text` in GB2312, the Simplified standard set (which holds
    no character written only in Traditional Chinese)?"""
    try:
        "".join(HAN.findall(text)).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _what(evidence: Evidence) -> str:
    """What the evidence says, in words, with its counts."""
    if evidence.distinguishing < MIN_DISTINGUISHING:
        return (f"too few characters tell Simplified from Traditional Chinese ({evidence.traditional} "
                f"Traditional, {evidence.simplified} Simplified; at least {MIN_DISTINGUISHING} needed)")
    if evidence.language == TRADITIONAL:
        return (f"the text is Traditional Chinese ({evidence.traditional} of the {evidence.distinguishing} "
                f"characters that tell the scripts apart are Traditional)")
    return (f"the text mixes Simplified and Traditional Chinese ({evidence.simplified} Simplified and "
            f"{evidence.traditional} Traditional characters)")


@cache
def opencc_converter(conversion: str) -> Callable[[str], str]:
    """OpenCC's conversion `conversion` (s2t, t2s, s2twp …) as a function of a text, made once per
    process (making one reads its dictionaries, 0.04–0.07 s). Books convert editions with it too."""
    import opencc

    convert: Callable[[str], str] = opencc.OpenCC(conversion).convert
    return convert

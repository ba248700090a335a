"""Check: the characters of a chapter that no configured face can print.

Pango sets a character the layout's faces lack in the first face of the font stack that has it
(the fallback chain of `fonts/fonts.toml`); when none has it, fontconfig picks any font, and
with none at all the character is drawn as an empty box: a Thai word in a Chinese report
became a row of overlapping boxes, and nothing said so. This check runs on the tree before
layout, so `reportc check` says it too: each character that neither every face of the
document's language nor a fallback face maps is a warning (`character-unprintable`) at the
first source line holding it, one finding per line naming its characters (`U+0E01 ก`). A
character only a fallback face has is an info finding (`character-fallback`) naming that face.

Which characters each face maps is the font stage's knowledge (`compiler.writers.print.coverage`
reads the faces); this check is handed it as a `FontCoverage` and reads only the tree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Container, Iterator

from ..diagnostics import Findings
from ..model.nodes import Document, Image, Math, MathBlock
from ..model.traverse import iter_blocks, iter_inlines, iter_runs, shown_fields, shown_text

UNPRINTABLE = "character-unprintable"
FALLBACK = "character-fallback"
# A finding names this many characters of its line, then how many more there are.
NAMED_PER_FINDING = 12
# Characters the layout draws nothing for (no glyph is looked up): controls and format
# characters (U+200B, U+2060 the line breaker inserts, U+00AD), separators and spaces, which
# Pango sets as an advance, and the selectors that pick a variant of the character before them.
NOT_DRAWN_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x180B, 0x180F))


@dataclass(frozen=True)
class FaceCharacters:
    """A face by its family name and the code points it maps, read when first asked for."""

    family: str
    read: Callable[[], Container[int]]

    @cached_property
    def characters(self) -> Container[int]:
        """The code points the face maps (its cmap)."""
        return self.read()


@dataclass(frozen=True)
class FontCoverage:
    """What the faces of a document's language and the fallback chain can print.

    `faces`: the language's face for each role (serif, sans, mono); a character must be in all of
    them, since any role may set it. `fallback`: the chain, in the order the font stacks name it.
    `not_installed`: what would install the fallback faces this machine lacks (their Debian
    packages; a family name where the manifest names none), for the warning's hint."""

    faces: tuple[FaceCharacters, ...]
    fallback: tuple[FaceCharacters, ...] = ()
    not_installed: tuple[str, ...] = ()

    def in_every_face(self, char: str) -> bool:
        """Does every role's face of the language map `char`?"""
        return all(ord(char) in face.characters for face in self.faces)

    def fallback_face(self, char: str) -> str | None:
        """The family of the first fallback face that maps `char`, or None."""
        return next((face.family for face in self.fallback if ord(char) in face.characters), None)


def is_drawn(char: str) -> bool:
    """Is a glyph looked up for `char`? False for white space, controls, format characters and
    variation selectors."""
    if unicodedata.category(char) in NOT_DRAWN_CATEGORIES or char.isspace():
        return False
    code = ord(char)
    return not any(low <= code <= high for low, high in SELECTORS)


def _shown_texts(doc: Document) -> Iterator[tuple[int, str]]:
    """(source line of the block, text) of everything the layout sets as text. TeX is left out
    (the writers typeset it as drawings), and so is the alt text of an image that is shown."""
    for run in iter_runs(doc):
        for node in iter_inlines(run.nodes):
            if isinstance(node, Math) or (isinstance(node, Image) and node.file):
                continue
            text = shown_text(node)
            if text:
                yield run.line, text
    for block in iter_blocks(doc):
        if shown_fields(type(block)) and not isinstance(block, MathBlock):
            yield block.line, shown_text(block)


def first_lines(doc: Document) -> dict[str, int]:
    """Each character the layout draws → the first line of the first block that holds it."""
    first: dict[str, int] = {}
    for line, text in _shown_texts(doc):
        for char in set(text):
            if char not in first:
                if is_drawn(char):
                    first[char] = line
            elif line < first[char]:
                first[char] = line
    return first


def describe(char: str) -> str:
    """`U+0E01 ก`: the code point, then the character where it can be shown on its own (a
    combining mark on a dotted circle), or what kind of code point it is."""
    category = unicodedata.category(char)
    code = f"U+{ord(char):04X}"
    if category == "Cn":
        return f"{code} (unassigned)"
    if category == "Co":
        return f"{code} (private use)"
    if category == "Cs":
        return f"{code} (surrogate)"
    return f"{code} {'◌' if unicodedata.combining(char) or category in ('Mn', 'Me') else ''}{char}"


def _listed(chars: list[str]) -> str:
    named = ", ".join(describe(char) for char in chars[:NAMED_PER_FINDING])
    more = len(chars) - NAMED_PER_FINDING
    return named + (f" and {more} more" if more > 0 else "")


def _by_line(findings: Findings, chars: list[str], lines: dict[str, int]) -> dict[int, list[tuple[int, str]]]:
    """`chars` grouped by the source line they first stand on, each with its column there (0
    when the source spells it another way, an entity say): the tree keeps a block's first line
    only, so each is looked for in the block's lines."""
    grouped: dict[int, list[tuple[int, str]]] = {}
    for char in chars:
        line, column, _ = findings.locate(lines[char], char)
        grouped.setdefault(line, []).append((column or 0, char))
    for found in grouped.values():  # in the order they stand, those not found in the source last
        found.sort(key=lambda here: (here[0] == 0, here))
    return grouped


def report_unprintable(doc: Document, findings: Findings, coverage: FontCoverage) -> None:
    """A warning for each source line that first holds characters no configured face maps; an
    info finding for each line that first holds characters only a fallback face maps."""
    lines = first_lines(doc)
    lacking = sorted((char for char in lines if not coverage.in_every_face(char)), key=ord)
    if not lacking:
        return
    fallback = {char: coverage.fallback_face(char) for char in lacking}
    unprintable = [char for char in lacking if fallback[char] is None]
    hint = (f" (fallback faces are not installed: apt-get install {' '.join(coverage.not_installed)})"
            if coverage.not_installed else "")
    for line, found in sorted(_by_line(findings, unprintable, lines).items()):
        chars = [char for _, char in found]
        result = "it would print as an empty box" if len(chars) == 1 else "they would print as empty boxes"
        findings.warning(line, f"no configured font has {_listed(chars)}: {result}{hint}", found[0][0] or None,
                         code=UNPRINTABLE)
    covered = [char for char in lacking if fallback[char] is not None]
    for line, found in sorted(_by_line(findings, covered, lines).items()):
        faces: dict[str, list[str]] = {}
        for _, char in found:
            faces.setdefault(fallback[char] or "", []).append(char)
        named = "; ".join(f"{family}: {_listed(chars)}" for family, chars in faces.items())
        findings.info(line, f"set in a fallback face ({named})", found[0][0] or None, code=FALLBACK)

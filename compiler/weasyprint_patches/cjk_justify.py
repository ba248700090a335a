"""Chinese line layout inside WeasyPrint: justification, punctuation compression, Han–Latin
spacing — the largest of the patches to WeasyPrint's internals (see this package's `INTERNALS`).

WeasyPrint justifies by widening spaces only, and Chinese lines have none; it knows nothing of
clreq's punctuation compression or of the quarter-em between Han and Latin. After WeasyPrint has
broken a paragraph into lines, each line holding Chinese text is adjusted here:

- every gap between two characters gets a target width: −½ em between two full-width marks
  whose blank halves meet (`。”` `，“` `）、` `（“`), +¼ em between Han and Latin letters or
  digits, the middle dot `·` padded to half an em and centred; a closing mark at the line end
  gives up its blank half (Simplified Chinese only: Traditional fonts centre ，。);
- on a justified line (not a paragraph's last) the remaining width is spread over the gaps next
  to Chinese characters (and spaces) that no rule fixes, never inside `——` or `……`. When that
  would open a gap next to a Chinese character by more than `CJK_STRETCH_CAP` (a line holding an
  unbreakable Latin word: a URL, a product name), the line is not letter-spaced: the spaces and
  the Han–Latin gaps grow first, by up to `FREE_STRETCH_MAX` each, the gaps next to Chinese
  characters by up to the cap, and what is still left stays at the line's end (the line is short,
  as a paragraph's last line is; the word is not hyphenated);
- the boxes keep the text WeasyPrint shaped and the widths it measured (no text is shaped
  again, no box is split). A gap between two boxes is made by placing the next box; a gap inside
  a box widens the glyph before it — what Pango's letter-spacing does, but per gap: when the box
  is drawn, its Pango layout is shaped again (as WeasyPrint always does) and the gap, in Pango
  units rounded so that errors do not add up along the line, is added to that glyph's advance
  (`geometry.width`), which WeasyPrint writes into the PDF as the glyph's spacing. A ligature
  (`——` is one glyph) or a joiner (an empty glyph) never gets a gap inside it. No character is
  inserted: text copied out of the PDF is the text as written;
- WeasyPrint writes each glyph's spacing into the PDF truncated to a whole thousandth of an em,
  which loses up to 0.01 pt per glyph (0.4 pt over a justified line); its text drawing is
  patched to keep three decimals.

Pinned to WeasyPrint 70.0 (pyproject.toml). `install()` refuses another version, and
tests/weasyprint_patches/test_cjk_justify.py measures glyph positions in real PDFs, so an upgrade
that changes the internals used here fails loudly.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any, Iterator

from ..model.text import CJK, HAN, INVISIBLE, LATIN_OR_DIGIT, MIDDLE_DOTS
from ..model.text import CLOSING as CLOSING_MARKS
from ..model.text import OPENING as OPENING_MARKS
from .internals import require_tested_weasyprint, rewrite_function

CLOSING = frozenset(CLOSING_MARKS)
OPENING = frozenset(OPENING_MARKS)
LATIN = LATIN_OR_DIGIT
UNBREAKABLE_PAIRS = {("—", "—"), ("…", "…")}  # `——` is also one ligature glyph: see _adjust_line
MIDDLE_DOT = MIDDLE_DOTS

# How far justification may open a gap next to a Chinese character, in em. A line of Chinese alone
# stretches its gaps by a few hundredths of an em, at most 0.107 em in the sample (a line with
# several compressed marks whose last words could not end it); only a line holding an unbreakable
# Latin word has so few gaps that they open further, and look letter-spaced. An eighth of an em
# leaves every ordinary line as it is, and keeps a Chinese gap at half the Han–Latin quarter em,
# so that it never reads as a word space.
CJK_STRETCH_CAP = 0.125
# How far a space or a Han–Latin gap may grow on such a line, in em: a Han–Latin gap to half an
# em, what JLREQ (3.8) allows it when justifying, before any gap between characters.
FREE_STRETCH_MAX = 0.25
# What a gap is to justification (`_rule`): fixed; next to a Chinese character; after a space;
# between Han and Latin (fixed on a line that stays under the cap).
FIXED, CHINESE, SPACE, HAN_LATIN = 0, 1, 2, 3


@dataclass(frozen=True)
class Widening:
    """The gaps a text box's glyphs are widened by when it is drawn: (byte offset of the
    character after the gap, Pango units), for the text the gaps were computed for."""

    text: str
    gaps: list[tuple[int, int]]


# A box's Pango layout → its widening, while the layout lives. Drawing shapes the layout again
# (`Layout.set_text`), and the widening is applied then.
_widenings: weakref.WeakKeyDictionary[Any, Widening] = weakref.WeakKeyDictionary()


@cache  # patched once per process
def install() -> None:
    """Patch WeasyPrint's line alignment and Pango text setup (idempotent)."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    require_tested_weasyprint("Chinese line layout")
    original_align = inline.text_align
    original_set_text = line_break.Layout.set_text

    def text_align(context: Any, line: Any, available_width: float, last: bool) -> float:
        if line.style["direction"] == "rtl":
            return original_align(context, line, available_width, last)
        entries = list(_text_boxes(line))
        if not _has_cjk(entries) or _is_leader_line(line):
            return original_align(context, line, available_width, last)
        justify = _alignment(line, last) == "justify"
        _adjust_line(context, line, entries, available_width if justify else None)
        return 0 if justify else original_align(context, line, available_width, last)

    def set_text(self: Any, text: str, justify: bool = False) -> None:
        original_set_text(self, text, justify)
        widening = _widenings.get(self)
        if widening is not None and self.text.startswith(widening.text):  # the text the gaps were computed for
            _widen_glyphs(self, widening.gaps)

    inline.text_align = text_align
    line_break.Layout.set_text = set_text
    _keep_fractional_kerning()


def _keep_fractional_kerning() -> None:
    """Re-define WeasyPrint's `draw_first_line` writing `{kerning:.3f}` for `{int(kerning)}`."""
    from weasyprint.draw import text as draw_text

    rewrite_function(draw_text, "draw_first_line",
                     [("string += f'>{int(kerning)}<'", "string += f'>{kerning:.3f}<'")], "cjk_layout")


# ------------------------------------------------------------------ gap rules


@lru_cache(maxsize=1 << 16)  # the line layout asks by kind of character (`_kind`): few distinct pairs
def natural_gap(left: str, right: str, em: float, dot_width: float, compress: bool = True) -> float:
    """The width clreq adds (or takes) between two adjacent characters, in points. `compress`
    is off for Traditional Chinese, whose fonts centre ，。、 in the em box: no blank half."""
    gap = 0.0
    if compress and ((left in CLOSING and (right in CLOSING or right in OPENING)) or
                     (left in OPENING and right in OPENING)):
        gap -= em / 2
    if (HAN.match(left) and LATIN.match(right)) or (LATIN.match(left) and HAN.match(right)):
        gap += em / 4
    if MIDDLE_DOT in (left, right) and dot_width < em / 2:
        gap += (em / 2 - dot_width) / 2
    return gap


@lru_cache(maxsize=1 << 16)
def is_opportunity(left: str, right: str) -> bool:
    """May justification widen the gap between these two characters? Not inside `——` and
    `……`, not where a rule fixes the width (compressed marks, Han–Latin, the middle dot)."""
    if (left, right) in UNBREAKABLE_PAIRS or natural_gap(left, right, 1.0, 0.5) or MIDDLE_DOT in (left, right):
        return False
    if left == " " or left == "\u00a0":
        return True
    if right.isspace() or left.isspace():
        return False
    if (left == "—" and right.isdigit()) or (left.isdigit() and right == "—"):
        return False  # a range `2010—2012` is set like the numbers it joins
    return bool(CJK.match(left) or CJK.match(right))


# ------------------------------------------------------------------ line adjustment


def _simplified(box: Any) -> bool:
    """Is the box set in Simplified Chinese (punctuation in one half of the em box)?"""
    lang = (box.style["lang"] or "").lower()
    return not (lang.startswith("zh-hant") or lang in ("zh-tw", "zh-hk", "zh-mo"))


def _alignment(line: Any, last: bool) -> str:
    align = line.style["text_align_all"]
    if last:
        align_last = line.style["text_align_last"]
        align = align if align_last == "auto" else align_last
    return align


def _text_boxes(box: Any) -> Iterator[Any]:
    """The line's boxes in visual order: text boxes, and atomic boxes as opaque entries."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)
    else:
        yield box


def _has_cjk(entries: list) -> bool:
    """Does a text box among the line's entries hold Chinese?"""
    from weasyprint.formatting_structure import boxes

    return any(isinstance(b, boxes.TextBox) and CJK.search(b.text) for b in entries)


def _is_leader_line(line: Any) -> bool:
    return any(b.is_leader for b in line.descendants())


_dot_widths: dict[tuple, float] = {}


def _dot_width(box: Any, context: Any) -> float:
    """The advance of `·` in the box's font, measured with the same Pango set-up WeasyPrint uses."""
    from weasyprint.text.line_break import create_layout, line_size

    key = (tuple(box.style["font_family"]), box.style["font_size"], box.style["font_weight"])
    if key not in _dot_widths:
        layout = create_layout(MIDDLE_DOT, box.style, context, None, 0)
        first, _ = layout.get_first_line()
        _dot_widths[key] = line_size(first, box.style)[0]
    return _dot_widths[key]


_kinds: dict[str, str] = {}
_kind_of_key: dict[tuple, str] = {}
_rules: dict[tuple, tuple[float, bool, bool, int]] = {}


def _kind(char: str) -> str:
    """The character that stands for `char` in the gap rules: the first one seen with the same
    answers to everything `natural_gap` and `is_opportunity` ask of a character. A chapter has
    thousands of distinct pairs of characters but a few dozen pairs of kinds."""
    key = (char in CLOSING, char in OPENING, bool(HAN.match(char)), bool(LATIN.match(char)),
           bool(CJK.match(char)), char.isspace(), char.isdigit(),
           char if char in ("—", "…", MIDDLE_DOT, " ", "\u00a0") else None)
    kind = _kinds[char] = _kind_of_key.setdefault(key, char)
    return kind


def _rule(left: str, right: str, compress: bool) -> tuple[float, bool, bool, int]:
    """The gap rule of a pair of kinds: (natural width in em, whether `·` is in it, opportunity,
    what the gap is to justification: `FIXED`, `CHINESE`, `SPACE` or `HAN_LATIN`)."""
    opportunity = is_opportunity(left, right)
    if opportunity:
        stage = SPACE if left in (" ", "\u00a0") else CHINESE
    else:
        stage = HAN_LATIN if (HAN.match(left) and LATIN.match(right)) or (LATIN.match(left) and HAN.match(right)) \
            else FIXED
    rule = _rules[left, right, compress] = (
        natural_gap(left, right, 1.0, 0.5, compress), MIDDLE_DOT in (left, right), opportunity, stage)
    return rule


def _pair(context: Any, left: str, right: str, box: Any, em: float, compress: bool) -> tuple[float, bool, int]:
    """(natural width, opportunity, stage) of the gap between two kinds of character, by `box`'s rules."""
    natural, dotted, opportunity, stage = _rules.get((left, right, compress)) or _rule(left, right, compress)
    if dotted:
        return natural_gap(left, right, em, _dot_width(box, context), compress), opportunity, stage
    return natural * em, opportunity, stage


def _adjust_line(context: Any, line: Any, entries: list[Any], available_width: float | None) -> None:
    """Set every gap of the line to its target width; with `available_width`, justify."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.ffi import TO_UNITS

    # Every gap between two characters that take room, in order: (entry of the character
    # before, entry of the character after, byte offset of the one after in its box's UTF-8
    # text, natural width, opportunity, stage). A pair's rule is the left entry's (its em,
    # Simplified or not), or the right one's after an atomic box.
    gaps: list[tuple[int, int, int, float, bool, int]] = []
    gaps_after: dict[int, float] = {}  # id of an entry → the gap between it and the next entry
    rules, kinds = _rules, _kinds
    left = None  # the kind of the last character that takes room, and about its entry:
    left_number, left_box, left_em, left_compress, left_atomic = -1, None, 0.0, True, True
    for number, box in enumerate(entries):
        atomic = not isinstance(box, boxes.TextBox)
        em, compress = box.style["font_size"], atomic or _simplified(box)
        rule_entry = (box, em, compress) if left_atomic else (left_box, left_em, left_compress)
        if atomic:  # an object replacement character: no rule applies around it
            kind = kinds.get("\ufffc") or _kind("\ufffc")
            if left is not None:
                gaps.append((left_number, number, -1, *_pair(context, left, kind, *rule_entry)))
            left = kind
            left_number, left_box, left_em, left_compress, left_atomic = number, box, em, compress, True
            continue
        _widenings.pop(box.pango_layout, None)
        offset, before, pair_number = 0, "", left_number
        for char in box.text:
            # joiners take no room; the second dash of `——` is inside one ligature glyph
            if char not in INVISIBLE and not (char == "—" and before == "—"):
                kind = kinds.get(char) or _kind(char)
                if left is None:
                    pass
                elif pair_number != number:  # the pair crosses into this box
                    gaps.append((pair_number, number, offset, *_pair(context, left, kind, *rule_entry)))
                else:  # inlined `_pair`: most pairs are here
                    natural, dotted, opportunity, stage = rules.get((left, kind, compress)) or \
                        _rule(left, kind, compress)
                    if dotted:
                        natural = natural_gap(left, kind, em, _dot_width(box, context), compress)
                    elif natural:
                        natural *= em
                    gaps.append((number, number, offset, natural, opportunity, stage))
                left, pair_number = kind, number
            offset += 1 if char < "\x80" else 2 if char < "\u0800" else 3 if char < "\U00010000" else 4
            before = char
        if pair_number == number:  # the box has a character that takes room
            left_number, left_box, left_em, left_compress, left_atomic = number, box, em, compress, False
    if not gaps:
        return

    stretch = 0.0
    if available_width is not None:
        count = sum(map(itemgetter(4), gaps))
        # a closing mark at the line end gives up its blank half
        trail = left_em / 2 if left in CLOSING and not left_atomic and left_compress else 0.0
        # the boxes keep the widths WeasyPrint measured: the natural width is the line's own
        spare = available_width - (line.width + sum(map(itemgetter(3), gaps)) - trail)
        if count and spare <= count * CJK_STRETCH_CAP * line.style["font_size"]:
            stretch = spare / count
        elif spare > 0:
            gaps = _without_letter_spacing(gaps, spare, line.style["font_size"])

    # A gap inside a box widens the glyph before it (see `_widen_glyphs`), in Pango units
    # rounded so that the rounding errors do not add up along the line; a gap between boxes
    # is made by placing the next box.
    widen: list[tuple[int, int]] = []
    current, exact, added = -1, 0.0, 0
    for left_number, right_number, offset, natural, opportunity, _ in gaps:
        gap = natural + stretch if opportunity else natural
        if left_number != right_number:
            gaps_after[id(entries[left_number])] = gap
            continue
        if not gap:
            continue
        if left_number != current:
            if widen:
                _set_widen(entries[current], widen, added)
            current, widen, exact, added = left_number, [], 0.0, 0
        exact += gap * TO_UNITS
        step = round(exact) - added
        added += step
        widen.append((offset, step))
    if widen:
        _set_widen(entries[current], widen, added)
    start = line.children[0].position_x if line.children else line.position_x
    line.width = _place(line, start, gaps_after) - start


def _without_letter_spacing(gaps: list[tuple[int, int, int, float, bool, int]], spare: float,
                            em: float) -> list[tuple[int, int, int, float, bool, int]]:
    """The gaps of a line that spreading `spare` evenly would letter-space, each widened by its
    share of `spare` and made fixed: the spaces and Han–Latin gaps by up to `FREE_STRETCH_MAX`
    em each, then the gaps next to Chinese characters by up to `CJK_STRETCH_CAP` em each; the
    rest of `spare` stays at the line's end."""
    free = sum(1 for gap in gaps if gap[5] >= SPACE)
    chinese = sum(1 for gap in gaps if gap[5] == CHINESE)
    free_share = min(spare / free, FREE_STRETCH_MAX * em) if free else 0.0
    chinese_share = min((spare - free * free_share) / chinese, CJK_STRETCH_CAP * em) if chinese else 0.0
    extra = (0.0, chinese_share, free_share, free_share)  # by stage
    return [(left, right, offset, natural + extra[stage], False, stage)
            for left, right, offset, natural, _, stage in gaps]


def _set_widen(box: Any, widen: list[tuple[int, int]], added: int) -> None:
    from weasyprint.text.ffi import TO_UNITS

    _widenings[box.pango_layout] = Widening(box.text, widen)
    box.width += added / TO_UNITS


def _widen_glyphs(layout: Any, widen: list[tuple[int, int]]) -> None:
    """Shape the layout now and widen, in place, the glyph before each boundary by its gap.

    `widen` is a list of (byte offset of the character after the gap, Pango units), in order.
    The gap goes to the last glyph before the boundary that draws something: a ligature
    (`——`) is one glyph for two characters, a joiner an empty glyph of its own. WeasyPrint
    draws each glyph with its `geometry.width`, so the widths hold in the PDF as long as
    nothing shapes the layout again: `draw_first_line` turns single-paragraph mode on, which
    would re-shape a layout shaped without it, so it is turned on here first. (Only
    `text-overflow: ellipsis`, which sets a width at drawing, would re-shape: such a box would
    be drawn without its gaps.)"""
    from bisect import bisect_left

    from weasyprint.text.ffi import ffi, pango

    empty = pango.PANGO_GLYPH_EMPTY
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    run = pango.pango_layout_get_line_readonly(layout.layout, 0).runs
    index, count = 0, len(widen)
    before = None  # the last drawn glyph of the runs before
    while run != ffi.NULL and index < count:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        glyphs, number = glyph_string.glyphs, glyph_string.num_glyphs
        start = glyph_item.item.offset
        end = start + glyph_item.item.length
        clusters = ffi.unpack(glyph_string.log_clusters, number)
        low = 0
        while index < count and widen[index][0] < end:
            boundary, units = widen[index]
            index += 1
            low = bisect_left(clusters, boundary - start, low)  # the first glyph after the gap
            target = low - 1
            while target >= 0 and glyphs[target].glyph == empty:
                target -= 1
            if target >= 0:
                glyphs[target].geometry.width += units
            elif before is not None:
                before.geometry.width += units
        target = number - 1
        while target >= 0 and glyphs[target].glyph == empty:
            target -= 1
        if target >= 0:
            before = glyphs[target]


def _place(box: Any, x: float, gaps_after: dict[int, float]) -> float:
    """Lay the line's boxes out left to right from x; returns the x after the last."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        box.position_x = x
        return x + box.width + gaps_after.get(id(box), 0.0)
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        if isinstance(box, boxes.InlineBox):
            box.position_x = x
            left = box.margin_left + box.border_left_width + box.padding_left
            inner = x + left
            cursor = inner
            for child in box.children:
                if child.is_in_normal_flow():
                    cursor = _place(child, cursor, gaps_after)
            box.width = cursor - inner
            return cursor + box.padding_right + box.border_right_width + box.margin_right
        cursor = x
        for child in box.children:
            if child.is_in_normal_flow():
                cursor = _place(child, cursor, gaps_after)
        return cursor
    box.translate(x - box.position_x, 0)
    return x + box.margin_width() + gaps_after.get(id(box), 0.0)

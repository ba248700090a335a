"""Chinese line layout inside WeasyPrint: justification, punctuation compression, Han–Latin
spacing — the one module that reaches into WeasyPrint's internals.

WeasyPrint justifies by widening spaces only, and Chinese lines have none; it knows nothing of
clreq's punctuation compression or of the quarter-em between Han and Latin. After WeasyPrint has
broken a paragraph into lines, each line holding Chinese text is adjusted here:

- every gap between two characters gets a target width: −½ em between two full-width marks
  whose blank halves meet (`。”` `，“` `）、` `（“`), +¼ em between Han and Latin letters or
  digits, the middle dot `·` padded to half an em and centred; a closing mark at the line end
  and an opening mark at the line start lose their blank half;
- on a justified line (not a paragraph's last) the remaining width is spread over the gaps next
  to Chinese characters (and spaces), never inside `——` or `……`;
- gaps inside one text box are made with Pango letter-spacing attributes, gaps between boxes by
  moving the later boxes. Pango splits a character's letter-spacing half before, half after it,
  and drops the outer halves at a layout's ends, so per-character values v with
  v[i]/2 + v[i+1]/2 = gap[i] give each gap exactly its width. No character is inserted: text
  copied out of the PDF is the text as written.

Pinned to WeasyPrint 70.0 (pyproject.toml). `install()` refuses another version, and
tests/test_cjk_layout.py measures glyph positions in real PDFs, so an upgrade that changes the
internals used here fails loudly.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..diagnostics import EXIT_FAILURE, ReportError

TESTED_WEASYPRINT = "70.0"

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
                 r"\u2018\u2019\u201c\u201d\u2014\u2026\u00b7]")
LATIN = re.compile(r"[A-Za-z0-9\u00c0-\u024f%‰°]")
# Full-width marks whose glyph fills one half of the em box, the other half blank (SC fonts).
CLOSING = set("，。、：；）》」』】〕〉”’")
OPENING = set("（《「『【〔〈“‘")
UNBREAKABLE_PAIRS = {("—", "—"), ("…", "…")}
INVISIBLE = set("\u2060\u200b\ufeff")  # word joiner, zero-width space: take no room
MIDDLE_DOT = "·"

_installed = False


def install() -> None:
    """Patch WeasyPrint's line alignment and Pango text setup (idempotent)."""
    global _installed
    if _installed:
        return
    import weasyprint
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    if weasyprint.__version__ != TESTED_WEASYPRINT:
        raise ReportError(
            f"Chinese line layout is written for WeasyPrint {TESTED_WEASYPRINT}, found {weasyprint.__version__}: "
            "install the pinned version (pip install -e .)", EXIT_FAILURE)
    original_align = inline.text_align
    original_set_text = line_break.Layout.set_text

    def text_align(context, line, available_width, last):
        if _is_leader_line(line) or line.style["direction"] == "rtl" or not _has_cjk(line):
            return original_align(context, line, available_width, last)
        justify = _alignment(line, last) == "justify"
        _adjust_line(context, line, available_width if justify else None)
        return 0 if justify else original_align(context, line, available_width, last)

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        spacing = getattr(self, "cjk_spacing", None)
        if spacing:
            _apply_letter_spacing(self, spacing)

    inline.text_align = text_align
    line_break.Layout.set_text = set_text
    _installed = True


# ------------------------------------------------------------------ gap rules


def natural_gap(left: str, right: str, em: float, dot_width: float) -> float:
    """The width clreq adds (or takes) between two adjacent characters, in points."""
    gap = 0.0
    if (left in CLOSING and (right in CLOSING or right in OPENING)) or (left in OPENING and right in OPENING):
        gap -= em / 2
    if (HAN.match(left) and LATIN.match(right)) or (LATIN.match(left) and HAN.match(right)):
        gap += em / 4
    if MIDDLE_DOT in (left, right) and dot_width < em / 2:
        gap += (em / 2 - dot_width) / 2
    return gap


def is_opportunity(left: str, right: str) -> bool:
    """May justification widen the gap between these two characters?"""
    if (left, right) in UNBREAKABLE_PAIRS:
        return False
    if left == " " or left == "\u00a0":
        return True
    if right.isspace() or left.isspace():
        return False
    return bool(CJK.match(left) or CJK.match(right))


# ------------------------------------------------------------------ line adjustment


def _alignment(line, last: bool) -> str:
    align = line.style["text_align_all"]
    if last:
        align_last = line.style["text_align_last"]
        align = align if align_last == "auto" else align_last
    return align


def _text_boxes(box):
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


def _has_cjk(line) -> bool:
    from weasyprint.formatting_structure import boxes

    return any(isinstance(b, boxes.TextBox) and CJK.search(b.text) for b in _text_boxes(line))


def _is_leader_line(line) -> bool:
    return any(getattr(b, "is_leader", False) for b in line.descendants())


@lru_cache(maxsize=64)
def _dot_width_cached(key, style_ref, context_ref) -> float:  # pragma: no cover - replaced below
    return 0.0


_dot_widths: dict[tuple, float] = {}


def _dot_width(box, context) -> float:
    """The advance of `·` in the box's font, measured with the same Pango set-up WeasyPrint uses."""
    from weasyprint.text.line_break import create_layout, line_size

    key = (tuple(box.style["font_family"]), box.style["font_size"], box.style["font_weight"])
    if key not in _dot_widths:
        layout = create_layout(MIDDLE_DOT, box.style, context, None, 0)
        first, _ = layout.get_first_line()
        _dot_widths[key] = line_size(first, box.style)[0]
    return _dot_widths[key]


def _adjust_line(context, line, available_width: float | None) -> None:
    """Set every gap of the line to its target width; with `available_width`, justify."""
    from weasyprint.formatting_structure import boxes

    # the visible characters in order: (box index, char index in box text, char)
    entries = list(_text_boxes(line))
    chars: list[tuple[int, int, str]] = []
    for number, box in enumerate(entries):
        if isinstance(box, boxes.TextBox):
            chars.extend((number, i, c) for i, c in enumerate(box.text) if c not in INVISIBLE)
        else:
            chars.append((number, -1, "\ufffc"))  # an atomic box: no rule applies around it
    if not chars:
        return
    gaps = []
    opportunities = []
    for (box_a, _, a), (box_b, _, b) in zip(chars, chars[1:]):
        box = entries[box_a] if isinstance(entries[box_a], boxes.TextBox) else entries[box_b]
        em = box.style["font_size"]
        dot = _dot_width(box, context) if MIDDLE_DOT in (a, b) else em / 2
        gaps.append(natural_gap(a, b, em, dot))
        opportunities.append(is_opportunity(a, b))
    first_box = entries[chars[0][0]]
    last_box = entries[chars[-1][0]]
    lead = -first_box.style["font_size"] / 2 if chars[0][2] in OPENING else 0.0
    trail = last_box.style["font_size"] / 2 if chars[-1][2] in CLOSING else 0.0
    if available_width is not None:
        natural_width = line.width + sum(gaps) + lead - trail
        count = sum(opportunities)
        if count:
            stretch = (available_width - natural_width) / count
            gaps = [g + stretch * o for g, o in zip(gaps, opportunities)]
    _place(line, entries, chars, gaps, lead)


def _place(line, entries, chars, gaps, lead: float) -> None:
    """Give in-box gaps to Pango as letter-spacing and move boxes for gaps between boxes."""
    from weasyprint.formatting_structure import boxes

    inner: dict[int, list[tuple[int, float]]] = {}  # box → [(char index, gap after it)]
    after_box: dict[int, float] = {}  # box → gap between its last character and the next box's first
    for (box_a, index_a, _), (box_b, _, _), gap in zip(chars, chars[1:], gaps):
        if box_a == box_b:
            inner.setdefault(box_a, []).append((index_a, gap))
        else:
            after_box[box_a] = after_box.get(box_a, 0.0) + gap

    shifts: dict[int, float] = {}
    advance = lead
    for number, box in enumerate(entries):
        shifts[number] = advance
        if isinstance(box, boxes.TextBox) and number in inner:
            advance += _set_spacing(box, inner[number])
        advance += after_box.get(number, 0.0)
    _move(line, entries, shifts, advance)


def _set_spacing(box, box_gaps: list[tuple[int, float]]) -> float:
    """Per-character letter-spacing giving each listed gap its width; returns the width added."""
    text = box.text
    visible = [i for i, c in enumerate(text) if c not in INVISIBLE]
    gap_after = dict(box_gaps)
    values = [0.0] * len(text)
    # the first visible character's left half is dropped by Pango only at the layout's start
    values[visible[0]] = gap_after.get(visible[0], 0.0) if visible[0] == 0 else 0.0
    for here, following in zip(visible, visible[1:]):
        values[following] = 2 * gap_after.get(here, 0.0) - values[here]
    added = sum(values)
    if visible[0] == 0:
        added -= values[visible[0]] / 2
    if visible[-1] == len(text) - 1:
        added -= values[visible[-1]] / 2
    if not any(values):
        return 0.0
    from weasyprint.text.line_break import create_layout

    layout = create_layout(text, box.style, None, max_width=None, justification_spacing=0) \
        if False else box.pango_layout
    box.pango_layout = _respaced_layout(box, values)
    box.width += added
    return added


def _respaced_layout(box, values: list[float]):
    from weasyprint.text.line_break import Layout

    layout = Layout(box.style, 0)
    layout.cjk_spacing = values
    layout.set_text(box.text, justify=True)
    layout.deactivate()
    return layout


def _move(line, entries, shifts: dict[int, float], total: float) -> None:
    """Shift each entry (and the inline boxes around them) right by its accumulated advance."""
    from weasyprint.formatting_structure import boxes

    index = {id(box): number for number, box in enumerate(entries)}

    def visit(box) -> tuple[float, float]:
        """Move `box`; return the shift of its first and the advance after its last entry."""
        if id(box) in index:
            number = index[id(box)]
            shift = shifts[number]
            if isinstance(box, boxes.TextBox):
                box.position_x += shift
            else:
                box.translate(shift, 0)
            following = shifts.get(number + 1, total)
            return shift, following
        first = last = None
        for child in box.children:
            if not child.is_in_normal_flow():
                continue
            start, end = visit(child)
            first = start if first is None else first
            last = end
        if first is None:
            return 0.0, 0.0
        if not isinstance(box, boxes.LineBox):
            box.position_x += first
            box.width += last - first
        return first, last

    _, end = visit(line)
    line.width += end


def _apply_letter_spacing(layout, values: list[float]) -> None:
    """Add one Pango letter-spacing attribute per character with a non-zero value."""
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    text = layout.text
    if len(values) != len(text):
        return  # the layout holds other text than the box it was made for
    attributes = pango.pango_layout_get_attributes(layout.layout)
    if attributes == ffi.NULL:
        attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    position = 0
    for char, value in zip(text, values):
        size = len(char.encode("utf-8"))
        if value:
            attribute = pango.pango_attr_letter_spacing_new(int(round(value * TO_UNITS)))
            attribute.start_index, attribute.end_index = position, position + size
            pango.pango_attr_list_change(attributes, attribute)
        position += size
    pango.pango_layout_set_attributes(layout.layout, attributes)

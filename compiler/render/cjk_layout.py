"""Chinese line layout inside WeasyPrint: justification, punctuation compression, Han–Latin
spacing — the one module that reaches into WeasyPrint's internals.

WeasyPrint justifies by widening spaces only, and Chinese lines have none; it knows nothing of
clreq's punctuation compression or of the quarter-em between Han and Latin. After WeasyPrint has
broken a paragraph into lines, each line holding Chinese text is adjusted here:

- every gap between two characters gets a target width: −½ em between two full-width marks
  whose blank halves meet (`。”` `，“` `）、` `（“`), +¼ em between Han and Latin letters or
  digits, the middle dot `·` padded to half an em and centred; a closing mark at the line end
  gives up its blank half (Simplified Chinese only: Traditional fonts centre ，。);
- on a justified line (not a paragraph's last) the remaining width is spread over the gaps next
  to Chinese characters (and spaces) that no rule fixes, never inside `——` or `……`;
- each text box is cut into pieces where the kind of gap changes (at a change of script where
  possible, so digits and words keep their shaping context). A piece is laid out again by Pango
  with one even letter-spacing — exact, since Pango puts half of it on each side of a character
  and drops the outer halves at the piece's ends — and the gap after a piece is made by placing
  the next one. No character is inserted: text copied out of the PDF is the text as written;
- WeasyPrint writes each glyph's spacing into the PDF truncated to a whole thousandth of an em,
  which loses up to 0.01 pt per glyph (0.4 pt over a justified line); its text drawing is
  patched to keep three decimals.

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
UNBREAKABLE_PAIRS = {("—", "—"), ("…", "…")}  # `——` is also one ligature glyph: see _adjust_line
INVISIBLE = set("\u2060\u200b\ufeff")  # word joiner, zero-width space: take no room
MIDDLE_DOT = "·"

_installed = False


def require_tested_weasyprint(what: str) -> None:
    """Refuse to patch a WeasyPrint other than the one the patches were written for."""
    import weasyprint

    if weasyprint.__version__ != TESTED_WEASYPRINT:
        raise ReportError(
            f"{what} is written for WeasyPrint {TESTED_WEASYPRINT}, found {weasyprint.__version__}: "
            "install the pinned version (pip install -e .)", EXIT_FAILURE)


def install() -> None:
    """Patch WeasyPrint's line alignment and Pango text setup (idempotent)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    require_tested_weasyprint("Chinese line layout")
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
    _keep_fractional_kerning()
    _installed = True


def _keep_fractional_kerning() -> None:
    """Re-define WeasyPrint's `draw_first_line` with `round(kerning, 3)` for `int(kerning)`."""
    import inspect

    from weasyprint.draw import text as draw_text

    source = inspect.getsource(draw_text.draw_first_line)
    truncated = "string += f'>{int(kerning)}<'"
    if source.count(truncated) != 1:
        raise ReportError("WeasyPrint's text drawing is not the one cjk_layout patches", EXIT_FAILURE)
    patched = source.replace(truncated, "string += f'>{round(kerning, 3)}<'")
    exec(compile(patched, draw_text.__file__, "exec"), draw_text.__dict__)


# ------------------------------------------------------------------ gap rules


@lru_cache(maxsize=1 << 16)  # a chapter has few distinct pairs and sizes: rules are looked up once each
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


def _simplified(box) -> bool:
    """Is the box set in Simplified Chinese (punctuation in one half of the em box)?"""
    lang = (box.style["lang"] or "").lower()
    return not (lang.startswith("zh-hant") or lang in ("zh-tw", "zh-hk", "zh-mo"))


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


class _Piece:
    """Part of a text box whose visible characters are evenly spaced (or one invisible run)."""

    def __init__(self, box, start: int, end: int, positions: list[int], whole: bool):
        self.box, self.start, self.end, self.positions, self.whole = box, start, end, positions, whole
        self.natural_width = 0.0


def _adjust_line(context, line, available_width: float | None) -> None:
    """Set every gap of the line to its target width; with `available_width`, justify."""
    from weasyprint.formatting_structure import boxes

    entries = list(_text_boxes(line))
    chars: list[tuple[int, int, str]] = []  # (entry, index in the box's text, character)
    for number, box in enumerate(entries):
        if isinstance(box, boxes.TextBox):
            for i, c in enumerate(box.text):
                if c in INVISIBLE or (c == "—" and i > 0 and box.text[i - 1] == "—"):
                    continue  # the second dash of `——` is inside one ligature glyph with the first
                chars.append((number, i, c))
        else:
            chars.append((number, -1, "\ufffc"))  # an atomic box: no rule applies around it
    if len(chars) < 2:
        return
    natural, opportunities = [], []
    simplified = {number: _simplified(box) for number, box in enumerate(entries) if isinstance(box, boxes.TextBox)}
    for (box_a, _, a), (box_b, _, b) in zip(chars, chars[1:]):
        number = box_a if box_a in simplified else box_b
        box = entries[number]
        em = box.style["font_size"]
        dot = _dot_width(box, context) if MIDDLE_DOT in (a, b) else em / 2
        natural.append(natural_gap(a, b, em, dot, compress=simplified.get(number, True)))
        opportunities.append(is_opportunity(a, b))
    last_box = entries[chars[-1][0]]
    trail = last_box.style["font_size"] / 2 if chars[-1][2] in CLOSING and _simplified(last_box) else 0.0

    pieces = _pieces(entries, chars, natural, opportunities)
    for piece in pieces:
        piece.natural_width = piece.box.width if piece.whole else _natural_width(piece)
    gaps = natural
    if available_width is not None and any(opportunities):
        text_widths = sum(box.width for box in entries if isinstance(box, boxes.TextBox))
        natural_width = line.width - text_widths + sum(p.natural_width for p in pieces) + sum(natural) - trail
        stretch = (available_width - natural_width) / sum(opportunities)
        gaps = [g + stretch * o for g, o in zip(natural, opportunities)]
    start = line.children[0].position_x if line.children else line.position_x
    _apply(line, pieces, gaps, len(chars))
    line.width = _place(line, start) - start


def _script_class(char: str) -> str:
    return "latin" if LATIN.match(char) or char in ".,-+/" else "cjk"


def _cut_gaps(chars, kinds) -> set[int]:
    """The gaps where pieces end: one per change of gap kind, put where the script changes.

    Of the two gaps around a change (the last of the old kind, the first of the new), the one
    between a Chinese and a Latin character is cut, so digits and words stay in one piece with
    their own shaping context; pieces of unchanging kind keep even spacing inside."""
    cuts: set[int] = set()
    for i in range(1, len(kinds)):
        if kinds[i] == kinds[i - 1] or (i - 1) in cuts:
            continue
        last_old, first_new = i - 1, i
        def mixed(gap):
            return _script_class(chars[gap][2]) != _script_class(chars[gap + 1][2])
        cuts.add(last_old if mixed(last_old) and not mixed(first_new) else first_new)
    return cuts


def _pieces(entries, chars, natural, opportunities) -> list[_Piece]:
    """Cut the line's text boxes into pieces of even spacing (see `_cut_gaps`)."""
    from weasyprint.formatting_structure import boxes

    kinds = [(round(g, 6), o) for g, o in zip(natural, opportunities)]
    cuts = _cut_gaps(chars, kinds)
    position_of = {(number, index): p for p, (number, index, _) in enumerate(chars)}
    pieces: list[_Piece] = []
    for number, box in enumerate(entries):
        if not isinstance(box, boxes.TextBox):
            continue
        own: list[_Piece] = []
        for index, char in enumerate(box.text):
            current = own[-1] if own else None
            if char in INVISIBLE or (number, index) not in position_of:
                # joiners take no room and ligature tails none of their own: they ride along
                if current is None:
                    own.append(_Piece(box, index, index + 1, [], False))
                else:
                    current.end = index + 1
                continue
            position = position_of[(number, index)]
            joined = current is not None and (not current.positions or (
                current.positions[-1] == position - 1 and (position - 1) not in cuts))
            if joined:
                current.end, current.positions = index + 1, [*current.positions, position]
                continue
            own.append(_Piece(box, index, index + 1, [position], False))
        if len(own) == 1:
            own[0].whole = True
        pieces.extend(own)
    return pieces


def _natural_width(piece: _Piece) -> float:
    """The width of a piece's text laid out on its own, without added spacing."""
    from weasyprint.text.line_break import Layout, line_size

    if not piece.positions:
        return 0.0
    layout = Layout(piece.box.style, 0)
    layout.set_text(piece.box.text[piece.start:piece.end])
    first, _ = layout.get_first_line()
    width = line_size(first, piece.box.style)[0]
    layout.deactivate()
    return width


def _apply(line, pieces: list[_Piece], gaps: list[float], count: int) -> None:
    """Give each piece its spacing and the gap after it; replace split boxes by their pieces."""
    by_box: dict[int, list[_Piece]] = {}
    for piece in pieces:
        by_box.setdefault(id(piece.box), []).append(piece)
    for own in by_box.values():
        original = own[0].box
        replacements = []
        for piece in own:
            box = original if piece.whole else original.copy_with_text(original.text[piece.start:piece.end])
            inner = gaps[piece.positions[0]] if len(piece.positions) > 1 else 0.0
            if inner or not piece.whole:
                box.width = _even_spacing(box, inner)
            last = piece.positions[-1] if piece.positions else None
            box.cjk_gap_after = gaps[last] if last is not None and last < count - 1 else 0.0
            replacements.append(box)
        if len(replacements) > 1:
            _replace_child(line, original, replacements)


def _even_spacing(box, spacing: float) -> float:
    """Lay the box's text out again (for drawing) with `spacing` between its characters;
    returns the width Pango gives it."""
    from weasyprint.text.line_break import Layout, line_size

    layout = Layout(box.style, 0)
    layout.cjk_spacing = [spacing if char not in INVISIBLE else 0.0 for char in box.text] if spacing else None
    layout.set_text(box.text, justify=True)
    first, _ = layout.get_first_line()
    width = line_size(first, box.style)[0]
    layout.deactivate()
    box.pango_layout = layout
    return width


def _replace_child(root, old, new: list) -> None:
    for parent in [root, *root.descendants()]:
        children = getattr(parent, "children", None)
        if children is not None and any(child is old for child in children):
            index = next(i for i, child in enumerate(children) if child is old)
            parent.children = [*children[:index], *new, *children[index + 1:]]
            return


def _place(box, x: float) -> float:
    """Lay the line's boxes out left to right from x; returns the x after the last."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        box.position_x = x
        return x + box.width + getattr(box, "cjk_gap_after", 0.0)
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        if isinstance(box, boxes.InlineBox):
            box.position_x = x
            left = box.margin_left + box.border_left_width + box.padding_left
            inner = x + left
            cursor = inner
            for child in box.children:
                if child.is_in_normal_flow():
                    cursor = _place(child, cursor)
            box.width = cursor - inner
            return cursor + box.padding_right + box.border_right_width + box.margin_right
        cursor = x
        for child in box.children:
            if child.is_in_normal_flow():
                cursor = _place(child, cursor)
        return cursor
    box.translate(x - box.position_x, 0)
    return x + box.margin_width()


def _apply_letter_spacing(layout, values: list[float]) -> None:
    """Add Pango letter-spacing attributes: one per run of characters with the same value (a
    piece's even spacing is one attribute, broken only around its joiners)."""
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    text = layout.text
    if len(values) != len(text):
        return  # the layout holds other text than the box it was made for
    attributes = pango.pango_layout_get_attributes(layout.layout)
    if attributes == ffi.NULL:
        attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    position = run_start = 0
    run_value = None
    for char, value in zip([*text, ""], [*values, None]):
        if value != run_value:
            if run_value:
                attribute = pango.pango_attr_letter_spacing_new(int(round(run_value * TO_UNITS)))
                attribute.start_index, attribute.end_index = run_start, position
                pango.pango_attr_list_change(attributes, attribute)
            run_start, run_value = position, value
        position += len(char.encode("utf-8"))
    pango.pango_layout_set_attributes(layout.layout, attributes)

"""Each footnote on the page of its call, none lost: small documents laid out by WeasyPrint with
`compiler.weasyprint_patches.footnotes`, read from the box tree (which page holds each line,
each call and each note).

Every page is 10 lines of 10 px, a note line is 10 px too, and the footnote area has no margin,
so the pages are counted in lines. Each case is laid out with WeasyPrint's own line layout as
well, to show that it does go wrong there: the patch, not the document, makes the test pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

STYLE = """<style>
@page { size: 200px 100px; margin: 0; @footnote { margin: 0; padding: 0; border: 0 } }
html { font-family: "Noto Serif CJK SC"; font-size: 8px; line-height: 10px }
body { margin: 0 }
p { margin: 0; orphans: 2; widows: 2 }
.fn { float: footnote }
::footnote-call { content: counter(footnote); vertical-align: baseline; font-size: 8px; line-height: 10px }
::footnote-marker { content: counter(footnote) ". " }
</style>"""


def lines(*texts: str) -> str:
    return "<p>" + "<br>".join(texts) + "</p>"


def note(text: str, extra_lines: int = 0) -> str:
    return f'<span class="fn">{text}' + "<br>x" * extra_lines + "</span>"


# Page 1 holds a (5 lines, note A) and b (2 lines, note B): 9 lines of 10. c's first line fills
# the page; its second, calling C, does not fit, and a break before it would leave c one line
# (orphans: 2). WeasyPrint moves B to page 2 to fit c2 and sets c2 without C.
ORPHANS = (lines("a1" + note("A"), "a2", "a3", "a4", "a5") + lines("b1" + note("B"), "b2") +
           lines("c1", "c2" + note("C"), "c3", "c4"))
# Page 1 is full with a's 8 lines and b's first two; b2 calls B, which leaves no room for b2.
# WeasyPrint keeps b2 on page 1 and sets B on page 2.
LAST_LINE = lines(*(f"a{i}" for i in range(1, 9))) + lines("b1", "b2" + note("B"), "b3", "b4")
# A note of 12 lines, more than a page holds: moving the line calling it would only leave the
# page's end empty, so it stays, and the note follows on the next page.
TOO_LONG = lines(*(f"a{i}" for i in range(1, 8))) + lines("b1", "b2" + note("L", 11), "b3", "b4")


def layout(body: str) -> dict[str, dict[str, list[int]]]:
    """Which pages hold each body line, each call (by its note's number) and each note (by its
    first word), laid out with the patch."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from compiler.weasyprint_patches import footnotes

    footnotes.install()
    names = re.findall(r'class="fn">(\w+)', body)  # a call shows its note's number
    document = HTML(string=STYLE + body).render()
    found: dict[str, dict[str, list[int]]] = {"lines": {}, "calls": {}, "notes": {}}
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            if isinstance(box, boxes.FootnoteAreaBox):
                for text in box.descendants():
                    if isinstance(text, boxes.TextBox) and text.element_tag == "span" and text.text != "x":
                        found["notes"].setdefault(text.text, []).append(number)
            elif isinstance(box, boxes.TextBox) and box.element_tag == "p":
                found["lines"].setdefault(box.text, []).append(number)
            elif isinstance(box, boxes.TextBox) and (box.element_tag or "").endswith("::footnote-call"):
                found["calls"].setdefault(names[int(box.text) - 1], []).append(number)
    return found


@contextmanager
def weasyprint_own_line_layout() -> Iterator[None]:
    """Lay out with WeasyPrint's `_linebox_layout` as it ships, inside this block."""
    from weasyprint.layout import block

    from compiler.weasyprint_patches import footnotes

    footnotes.install()
    patched, block._linebox_layout = block._linebox_layout, footnotes.original_linebox_layout
    try:
        yield
    finally:
        block._linebox_layout = patched


def test_notes_set_before_a_paragraph_kept_with_its_orphans_stay_with_their_calls():
    placed = layout(ORPHANS)
    assert placed["notes"] == {"A": [1], "B": [1], "C": [2]}
    assert placed["calls"] == {"A": [1], "B": [1], "C": [2]}
    # c moves to page 2 whole, as orphans: 2 asks of a page without footnotes
    assert {line: pages for line, pages in placed["lines"].items() if line.startswith("c")} == {
        "c1": [2], "c2": [2], "c3": [2], "c4": [2]}


def test_a_note_called_in_the_line_that_completes_the_orphans_is_not_lost():
    assert "C" in layout(ORPHANS)["notes"]


def test_a_note_with_no_room_left_takes_the_line_calling_it_to_the_next_page():
    placed = layout(LAST_LINE)
    assert placed["notes"] == {"B": [2]} and placed["calls"] == {"B": [2]}
    # b's first line goes along: a break between b1 and b2 would leave one line of b on page 1
    assert placed["lines"]["b1"] == [2]


def test_a_note_longer_than_a_page_follows_its_call_and_the_call_stays():
    placed = layout(TOO_LONG)
    assert placed["calls"] == {"L": [1]} and placed["notes"] == {"L": [2]}
    assert placed["lines"]["b2"] == [1]


@pytest.mark.parametrize("body, wrong", [
    (ORPHANS, {"B": [2]}),  # B moved a page late; C never set
    (LAST_LINE, {"B": [2]}),  # its call left on page 1
], ids=["orphans", "last-line"])
def test_weasyprint_alone_sets_these_notes_away_from_their_calls(body, wrong):
    with weasyprint_own_line_layout():
        placed = layout(body)
    assert {note: pages for note, pages in placed["notes"].items() if note in wrong} == wrong
    assert any(placed["calls"][note] != pages for note, pages in wrong.items())
    if body is ORPHANS:
        assert "C" not in placed["notes"] and placed["calls"]["C"] == [1]


def test_a_document_without_footnotes_is_laid_out_as_weasyprint_does():
    body = "".join(lines(*(f"{k}-{i}" for i in range(k % 5 + 1))) for k in range(12))
    with weasyprint_own_line_layout():
        expected = layout(body)
    assert layout(body) == expected and len({page for pages in expected["lines"].values() for page in pages}) > 1

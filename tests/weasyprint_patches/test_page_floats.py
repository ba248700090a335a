"""A figure that declares `--page-float: top` and does not fit goes to the top of the next page
while the blocks after it fill the page it leaves: small documents laid out by WeasyPrint with
`compiler.weasyprint_patches.page_floats`, read from the box tree.

Every page is 10 lines of 10 px; a figure is 50 px of image and a 10 px caption (`F`, `G`)."""

from __future__ import annotations

import pytest

STYLE = """<style>
@page { size: 200px 100px; margin: 0; @footnote { margin: 0 } }
html { font-family: "Noto Serif CJK SC"; font-size: 8px; line-height: 10px }
body { margin: 0 }
p { margin: 0; orphans: 1; widows: 1 }
h2 { margin: 0; font-size: 8px; line-height: 10px; break-after: avoid }
figure { margin: 0; break-inside: avoid; %s }
figure div { height: 50px }
.fn { float: footnote }
::footnote-call { content: counter(footnote); vertical-align: baseline; font-size: 8px; line-height: 10px }
</style>"""
FLOATING = "--page-float: top"


def lines(*texts: str) -> str:
    return "<p>" + "<br>".join(texts) + "</p>"


def figure(caption: str) -> str:
    return f"<figure><div></div><figcaption>{caption}</figcaption></figure>"


# Five lines leave half the page under the figure, which needs 60 px.
BEFORE = lines("a1", "a2", "a3", "a4", "a5")


def pages(body: str, figure_style: str = FLOATING) -> list[list[str]]:
    """Each page's body lines, headings and captions, and footnotes (`note:`), in order."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from compiler.weasyprint_patches import footnotes, page_floats

    footnotes.install()
    page_floats.install()
    document = HTML(string=STYLE % figure_style + body).render()
    out = []
    for page in document.pages:
        texts = []
        for box in page._page_box.descendants():
            if isinstance(box, boxes.TextBox) and box.element_tag in ("p", "h2", "figcaption"):
                texts.append(box.text)
            elif isinstance(box, boxes.FootnoteAreaBox):
                texts += [f"note:{text.text}" for text in box.descendants()
                          if isinstance(text, boxes.TextBox) and text.element_tag == "span"]
        out.append(texts)
    return out


def test_the_blocks_after_a_figure_that_does_not_fit_fill_the_page_and_the_figure_opens_the_next():
    body = BEFORE + figure("F") + lines("b1") + lines("c1", "c2") + lines("d1", "d2", "d3") + lines("e1")
    assert pages(body) == [
        ["a1", "a2", "a3", "a4", "a5", "b1", "c1", "c2"],  # d would be broken: it waits
        ["F", "d1", "d2", "d3", "e1"],
    ]


def test_without_the_property_the_figure_and_the_text_after_it_move_together():
    body = BEFORE + figure("F") + lines("b1") + lines("c1", "c2")
    assert pages(body, figure_style="") == [["a1", "a2", "a3", "a4", "a5"], ["F", "b1", "c1", "c2"]]


def test_a_figure_does_not_float_when_a_third_of_the_page_or_less_is_left():
    body = lines(*(f"a{i}" for i in range(1, 8))) + figure("F") + lines("b1") + lines("c1")
    assert pages(body) == [[f"a{i}" for i in range(1, 8)], ["F", "b1", "c1"]]


def test_a_figure_stays_before_the_next_heading():
    body = BEFORE + figure("F") + lines("b1") + "<h2>H</h2>" + lines("c1")
    assert pages(body) == [["a1", "a2", "a3", "a4", "a5", "b1"], ["F", "H", "c1"]]


def test_figures_keep_their_order():
    body = BEFORE + figure("F") + lines("b1") + figure("G") + lines("c1")
    placed = pages(body)
    assert [text for page in placed for text in page if text in ("F", "G")] == ["F", "G"]
    assert placed[0] == ["a1", "a2", "a3", "a4", "a5", "b1"] and placed[1][0] == "F"


def test_a_paragraph_set_before_the_figure_keeps_its_footnote_on_its_page():
    body = BEFORE + figure("F") + lines('b1<span class="fn">N</span>') + lines("c1")
    assert pages(body) == [["a1", "a2", "a3", "a4", "a5", "b1", "c1", "note:N"], ["F"]]


@pytest.mark.parametrize("declared, floats", [("--page-float: top", True), ("--page-float: none", False), ("", False)])
def test_only_an_element_that_declares_the_property_floats(declared, floats):
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from compiler.weasyprint_patches import page_floats

    html = f'<style>figure {{ {declared} }}</style><figure><figcaption>F</figcaption></figure>'
    found = {box.element_tag: page_floats.floats(box) for box in HTML(string=html).render().pages[0]._page_box.descendants()
             if isinstance(box, boxes.BlockBox)}
    assert found["figure"] is floats
    assert found["figcaption"] is False  # custom properties inherit; only the element that declares it floats


def test_the_yearbook_layout_lets_its_figures_float():
    """The yearbook's print.css opts in: on its A4 page, a figure 150 mm high after 15 lines of
    text goes to the next page, and the one-line paragraphs after it fill this one."""
    from weasyprint import CSS, HTML
    from weasyprint.formatting_structure import boxes

    from compiler.resources import LAYOUTS_DIR
    from compiler.weasyprint_patches import page_floats

    page_floats.install()
    body = (lines(*(f"a{i}" for i in range(15))) +
            '<figure class="figure"><div style="height: 150mm"></div><figcaption>F</figcaption></figure>' +
            "".join(lines(f"b{i}") for i in range(5)))
    css = CSS(filename=str(LAYOUTS_DIR / "yearbook" / "print.css"))
    document = HTML(string=f'<html lang="zh-Hans"><body>{body}</body></html>').render(stylesheets=[css])
    first, second = ([box.text for box in page._page_box.descendants()
                      if isinstance(box, boxes.TextBox) and box.element_tag in ("p", "figcaption")]
                     for page in document.pages[:2])
    assert first[-5:] == [f"b{i}" for i in range(5)] and second[0] == "F"

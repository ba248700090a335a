"""Dot leaders are one text box per line, and their dots stay where WeasyPrint's own copies put
them: on a grid counted from the line's end, in columns down the page."""

from __future__ import annotations


HTML = """<style>
@page { size: 120mm 80mm; margin: 10mm; }
body { font-family: "Noto Serif CJK SC"; font-size: 10pt; }
p { margin: 0; }
span::after { content: leader(dotted) attr(data-page); }
</style>
<p><span data-page="3">概述</span></p>
<p><span data-page="17">海淀区科技工作</span></p>
<p><span data-page="125">区县科技创新与产业发展</span></p>
"""


def _leader_boxes(document):
    return [box for page in document.pages for box in page._page_box.descendants() if getattr(box, "is_leader", False)]


def test_each_leader_is_one_text_box_as_wide_as_the_gap_it_fills():
    from weasyprint import HTML as Page

    from compiler.weasyprint_patches import leaders

    leaders.install()
    document = Page(string=HTML).render()
    boxes = _leader_boxes(document)
    assert len(boxes) == 3
    for box in boxes:
        (text,) = box.children
        assert set(text.text) == {"."} and len(text.text) > 10
        unit = text.width / len(text.text)
        assert text.width > 0 and 0 <= box.width - text.width < 2 * unit  # less than a dot left at each end


def test_the_dots_stand_in_columns_down_the_page(tmp_path):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer
    from weasyprint import HTML as Page

    from compiler.weasyprint_patches import leaders

    leaders.install()
    pdf = tmp_path / "leaders.pdf"
    Page(string=HTML).write_pdf(pdf)
    rows: dict[float, list[float]] = {}
    for page in extract_pages(pdf):
        for element in page:
            if isinstance(element, LTTextContainer):
                for line in element:
                    for char in line:
                        if isinstance(char, LTChar) and char.get_text() == ".":
                            rows.setdefault(round(char.y0, 1), []).append(round(char.x0, 2))
    assert len(rows) == 3
    # Pango's advances are whole 1/1024 pt: over 70 dots the run drifts by 0.02 pt from WeasyPrint's grid
    tolerance = 0.05
    for xs in rows.values():  # each line's dots are evenly spaced
        steps = [b - a for a, b in zip(sorted(xs), sorted(xs)[1:])]
        assert max(steps) - min(steps) < tolerance
    shortest = min(rows.values(), key=len)
    for other in rows.values():  # and the fewest dots of a line all stand in the columns of the others
        assert all(any(abs(x - y) < tolerance for y in other) for x in shortest)

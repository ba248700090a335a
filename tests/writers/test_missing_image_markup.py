"""An image that may not be shown (no `file`: missing, outside the folder, SVG …) keeps its place
in both outputs' markup: alone in its paragraph, one `<figure class="image-missing">` per image
(never a body paragraph), inside a sentence a `<span class="image-missing" role="img">`; each
holds the image's file name and its alt text, the layout's word when it has neither."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from compiler.model import nodes as t
from compiler.model.text import WORD_JOINER
from compiler.writers.html import render_epub_body, render_print_html
from compiler.writers.templates import file_name, load_layout


def _doc() -> t.Document:
    def para(ident: str, *children: t.Inline) -> t.Paragraph:
        return t.Paragraph(list(children), 3, ident=ident)

    return t.Document([t.Text("图片占位")], [
        para("p1", t.Text("正文第一段。")),
        para("p2", t.Image("images/figure-1.png", "1-12")),
        para("p3", t.Image("pics/empty-alt.jpg", "")),
        # two images on adjacent lines: the reader joins the lines, nothing stands between them
        para("p4", t.Image("a/first.png", "第一张图"), t.Image("b/second.png", "第二张图")),
        para("p5", t.Text("正文中有一张图"), t.Image("inline.png", "行内图"), t.Text("在这里。")),
        para("p6", t.Image("data:image/svg+xml;base64,PHN2Zy8+", "")),
        para("p7", t.PageBreak("3"), t.Image("shown.png", "已显示", file="shown.png")),
    ], "images.md", title_line=1)


@pytest.fixture(scope="module", params=["print", "epub"])
def rendered(request):
    layout = load_layout("yearbook")
    doc = _doc()
    markup = render_print_html(doc, layout) if request.param == "print" else render_epub_body(doc, layout)
    return lxml_html.fromstring(f"<div>{markup}</div>" if request.param == "epub" else markup)


def _texts(element) -> list[str]:
    return [span.text_content() for span in element.iterfind("span")]


def test_an_image_alone_in_its_paragraph_is_a_figure_not_a_body_paragraph(rendered):
    group = rendered.get_element_by_id("p2")
    assert group.tag == "div" and "image-missing-group" in group.classes
    [figure] = group.findall("figure")
    assert "image-missing" in figure.classes
    assert _texts(figure) == ["figure-1.png", "1-12"]
    assert not [p for p in rendered.iter("p") if p.find_class("image-missing")
                and p.get("id") != "p5"], "a placeholder alone is never inside a body paragraph"


def test_an_image_with_empty_alt_text_still_shows_its_file_name(rendered):
    [figure] = rendered.get_element_by_id("p3").findall("figure")
    assert _texts(figure) == ["empty-alt.jpg"]


def test_an_image_naming_no_file_and_no_alt_shows_the_layouts_word(rendered):
    [figure] = rendered.get_element_by_id("p6").findall("figure")
    assert _texts(figure) == ["图片缺失"]


def test_two_images_on_adjacent_lines_stay_two(rendered):
    figures = rendered.get_element_by_id("p4").findall("figure")
    assert [_texts(f) for f in figures] == [["first.png", "第一张图"], ["second.png", "第二张图"]]


def test_an_image_inside_a_sentence_is_one_named_element_in_the_line(rendered):
    paragraph = rendered.get_element_by_id("p5")
    assert paragraph.tag == "p"
    [placeholder] = paragraph.find_class("image-missing")
    assert placeholder.tag == "span" and placeholder.get("role") == "img"
    assert placeholder.get("aria-label") == "行内图"
    assert _texts(placeholder) == ["inline.png", "行内图"]
    assert paragraph.text_content().replace(WORD_JOINER, "") == "正文中有一张图inline.png行内图在这里。"


def test_a_shown_image_stays_an_img_in_its_paragraph(rendered):
    paragraph = rendered.get_element_by_id("p7")
    assert paragraph.tag == "p" and paragraph.find("img").get("src") == "shown.png"


def test_the_layout_frames_the_placeholder_in_both_stylesheets():
    layout = load_layout("yearbook")
    for output in ("print", "epub"):
        css = "".join(sheet.read_text(encoding="utf-8") for sheet in layout.stylesheets(output))
        rule = css[css.index("\n.image-missing {"):]
        assert "border:" in rule[:rule.index("}")], output


@pytest.mark.parametrize("src, name", [
    ("images/2-1.png", "2-1.png"),
    ("/image/commercialization/chapter_2/2-1.png", "2-1.png"),
    ("../assets/ELK.png", "ELK.png"),
    ("pics/a%20b.png?size=2#top", "a b.png"),
    ("C:\\pics\\scan.jpg", "scan.jpg"),
    ("file:///etc/hostname", "hostname"),
    ("http://127.0.0.1:9/x.png", "x.png"),
    ("data:image/svg+xml;base64,PHN2Zy8+", ""),
    ("javascript:alert(1)", ""),
    ("", ""),
])
def test_file_name_is_the_last_part_of_the_path(src, name):
    assert file_name(src) == name

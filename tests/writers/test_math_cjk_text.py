"""Chinese in `\\text{…}` in math (issue #12): the print edition's SVG (ziamath) draws the Han
characters its math font lacks from the layout's CJK body face for the document's language,
instead of empty boxes; the drawing is the same from build to build."""

from __future__ import annotations

import base64
import re

import pytest
from lxml import html as lxml_html

from compiler.model import nodes as t
from compiler.model.text import WORD_JOINER
from compiler.writers import math as math_writer
from compiler.writers.html import render_print_html
from compiler.writers.math import math_svg, text_face
from compiler.writers.templates import load_layout

# a glyph symbol of the face's font in ziamath's SVG: `<symbol id="cjk_3" …><path d="…"/>`
CJK_SYMBOL = re.compile(r'<symbol id="cjk_\d+"[^>]*><path d="([^"]+)"')


def _svg_of(markup: str) -> str:
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', str(markup))
    assert found, markup
    return base64.b64decode(found.group(1)).decode("utf-8")


def _width(markup: str) -> float:
    return float(re.search(r"width: ([\d.]+)em", str(markup)).group(1))


def test_the_layouts_face_is_the_body_serif_for_each_language():
    assert text_face("zh-Hans")[0] == "Noto Serif CJK SC"
    assert text_face("zh-Hant-TW")[0] == "Noto Serif CJK TC"
    assert text_face("en")[0] == "Noto Serif CJK SC"


def test_han_in_text_is_drawn_one_glyph_each_a_full_em_wide():
    with_text = math_svg(r"x = \text{增长率} + 1", True)
    without = math_svg(r"x = + 1", True)
    glyphs = CJK_SYMBOL.findall(_svg_of(with_text))
    assert len(glyphs) == 3 and len(set(glyphs)) == 3  # three outlines, none an empty box
    assert all(len(d) > 200 for d in glyphs)
    assert _width(with_text) - _width(without) == pytest.approx(3.0, abs=0.01)
    assert "math-error" not in str(with_text)


def test_math_without_chinese_is_drawn_from_the_math_font_alone():
    assert not CJK_SYMBOL.search(_svg_of(math_svg(r"\frac{a}{b} + \text{max}", True)))


def test_a_traditional_chapter_draws_the_traditional_face():
    # 骨 is drawn differently in the Simplified and the Traditional faces
    simplified = CJK_SYMBOL.findall(_svg_of(math_svg(r"\text{骨}", False, "zh-Hans")))
    traditional = CJK_SYMBOL.findall(_svg_of(math_svg(r"\text{骨}", False, "zh-Hant")))
    assert len(simplified) == len(traditional) == 1 and simplified != traditional


def test_the_drawing_is_the_same_each_time():
    first = _svg_of(math_svg(r"y = \text{同比增长}", True))
    math_writer._text_font.cache_clear()
    drawn = math_writer._drawn_svg(r"y = \text{同比增长}", True, "zh-Hans")
    assert drawn is not None and drawn[0] == first


def test_a_drawing_is_kept_between_builds_and_a_damaged_one_drawn_again(monkeypatch, own_cache_folder):
    tex = r"w = \text{保留的公式}"
    first = str(math_svg(tex, True))
    math_writer._svg.cache_clear()  # as in a new process
    drawn = []
    original = math_writer._drawn_svg
    monkeypatch.setattr(math_writer, "_drawn_svg", lambda *args: drawn.append(args) or original(*args))
    assert str(math_svg(tex, True)) == first and drawn == []
    for kept in (own_cache_folder / "math").glob("*.json"):
        kept.write_text("{", encoding="utf-8")
    math_writer._svg.cache_clear()
    assert str(math_svg(tex, True)) == first and len(drawn) == 1


def test_without_the_face_math_is_still_drawn(monkeypatch):
    monkeypatch.setattr(math_writer, "text_face", lambda language: None)
    drawn = math_svg(r"z = \text{无字体时}", True, "zh-Hans-XX")
    assert "math-error" not in str(drawn) and not CJK_SYMBOL.search(_svg_of(drawn))


def test_the_print_page_of_a_traditional_chapter_draws_its_math_in_the_tc_face():
    layout = load_layout("yearbook")

    def page(language: str) -> list[str]:
        doc = t.Document([t.Text("第一章 測試")], [
            t.Paragraph([t.Text("公式 "), t.Math(r"r = \text{骨幹}")], 3, ident="p1"),
            t.MathBlock(r"s = \text{骨}", 4)], "x.md", title_line=1, language=language)
        tree = lxml_html.fromstring(render_print_html(doc, layout).replace(WORD_JOINER, ""))
        return [CJK_SYMBOL.findall(_svg_of(lxml_html.tostring(img, encoding="unicode")))
                for img in tree.xpath('//img[contains(@class, "math")]')]

    simplified, traditional = page("zh-Hans"), page("zh-Hant")
    assert [len(glyphs) for glyphs in traditional] == [2, 1]
    assert traditional[1] != simplified[1]

"""Labelled equations (issue #12): `$$ … $$ {#eq-name}` (Quarto's syntax) gives the MathBlock its
label; normalised, it has an id and a number in its chapter (only labelled equations are
numbered, apart from figures and tables), and `@eq-name` resolves to it. The layout prints the
number at the right of the equation and the reference as `式 (3-1)`, in both outputs."""

from __future__ import annotations

import pytest
from lxml import etree
from lxml import html as lxml_html

from compiler.model import nodes as t
from compiler.model.text import WORD_JOINER
from compiler.model.traverse import iter_blocks, iter_inlines
from compiler.transforms import pipeline
from compiler.writers.html import render_epub_body, render_print_html
from compiler.writers.templates import load_layout

from helpers import kinds, read, read_apply

CHAPTER = ("# 第三章 增长\n\n增长率按 @eq-growth 计算，弹性见 [@eq-elastic]。\n\n"
           "$$ g = \\frac{y_t}{y_{t-1}} - 1 $$ {#eq-growth}\n\n"
           "$$ a + b $$\n\n"
           "![图](a.png){#fig-a}\n\n"
           "$$\n\\varepsilon = \\frac{\\Delta y}{\\Delta x}\n$$ {#eq-elastic}\n")


def _equations(doc: t.Document) -> list[t.MathBlock]:
    return [b for b in iter_blocks(doc) if isinstance(b, t.MathBlock)]


@pytest.fixture(scope="module")
def normalised():
    return read_apply(CHAPTER, *pipeline())


@pytest.fixture(scope="module")
def layout():
    return load_layout("yearbook")


def test_the_reader_gives_display_math_its_label_on_one_line_and_on_several():
    doc, findings = read(CHAPTER)
    assert [(m.tex, m.label) for m in _equations(doc)] == [
        ("g = \\frac{y_t}{y_{t-1}} - 1", "eq-growth"), ("a + b", ""),
        ("\\varepsilon = \\frac{\\Delta y}{\\Delta x}", "eq-elastic")]
    assert findings.items == []


def test_a_labelled_equation_alone_in_a_quote_is_labelled_too():
    doc, _ = read("# T\n\n> $$x^2$$ {#eq-q}\n")
    assert kinds(doc.children[0].children) == ["MathBlock"]
    assert doc.children[0].children[0].label == "eq-q"


def test_labelled_equations_are_numbered_in_the_chapter_and_given_ids(normalised):
    doc, _ = normalised
    assert [(m.label, m.number, m.chapter, m.ident) for m in _equations(doc)] == [
        ("eq-growth", 1, "3", "eq1"), ("", 0, "", ""), ("eq-elastic", 2, "3", "eq2")]
    figure = next(b for b in iter_blocks(doc) if isinstance(b, t.Figure))
    assert figure.number == 1  # figures are numbered on their own


def test_a_reference_to_an_equation_resolves_to_its_number_and_id(normalised):
    doc, findings = normalised
    refs = [n for n in iter_inlines(doc) if isinstance(n, t.CrossRef)]
    assert [(r.label, r.kind, r.target, r.number, r.chapter) for r in refs] == [
        ("eq-growth", "equation", "eq1", 1, "3"), ("eq-elastic", "equation", "eq2", 2, "3")]
    assert [f.message for f in findings.items if "cross-reference" in f.message or "label" in f.message] == []


def test_a_reference_to_an_equation_nowhere_is_a_warning_shown_as_written():
    doc, findings = read_apply("# T\n\n见 @eq-nowhere。\n", *pipeline())
    assert "@eq-nowhere" in "".join(n.text for n in iter_inlines(doc) if isinstance(n, t.Text))
    assert any("@eq-nowhere names no figure, table, equation or section" in f.message for f in findings.items)


def test_an_equation_label_given_twice_is_a_warning_and_references_go_to_the_first():
    doc, findings = read_apply("# T\n\n见 @eq-a。\n\n$$ x $$ {#eq-a}\n\n$$ y $$ {#eq-a}\n", *pipeline())
    assert [r.target for r in iter_inlines(doc) if isinstance(r, t.CrossRef)] == ["eq1"]
    assert any("label 'eq-a' is given twice" in f.message for f in findings.items)


def test_without_a_chapter_number_an_equation_is_numbered_alone():
    doc, _ = read_apply("# 增长\n\n见 @eq-a。\n\n$$ x $$ {#eq-a}\n", *pipeline())
    assert [(m.number, m.chapter) for m in _equations(doc)] == [(1, "")]


def _print(doc, layout) -> etree._Element:
    return lxml_html.fromstring(render_print_html(doc, layout).replace(WORD_JOINER, ""))


def _epub(doc, layout) -> etree._Element:
    body = render_epub_body(doc, layout)
    root = etree.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml" '
                            f'xmlns:epub="http://www.idpf.org/2007/ops">{body}</div>')
    for element in root.iter():
        element.tag = etree.QName(element).localname
    return root


def _text(element) -> str:
    return "".join(element.itertext()).replace(WORD_JOINER, "")


@pytest.mark.parametrize("output", ["print", "epub"])
def test_the_number_stands_beside_the_equation_and_the_reference_links_to_it(normalised, layout, output):
    doc, _ = normalised
    tree = _print(doc, layout) if output == "print" else _epub(doc, layout)
    numbered = tree.xpath('//div[contains(@class, "math-block") and contains(@class, "numbered")]')
    assert [(d.get("id"), _text(d.xpath('./span[@class="equation-number"]')[0])) for d in numbered] == [
        ("eq1", "(3-1)"), ("eq2", "(3-2)")]
    for d in numbered:  # the equation itself first, drawn (SVG) or MathML, then its number
        equation = d.xpath('./span[@class="equation"]')[0]
        assert equation.xpath('./img[contains(@class, "math")]' if output == "print" else './math')
    plain = tree.xpath('//div[@class="math-block"]')
    assert len(plain) == 1 and not plain[0].xpath('.//*[@class="equation-number"]')
    links = tree.xpath('//a[contains(@class, "xref-equation")]')
    assert [(a.get("href"), _text(a)) for a in links] == [("#eq1", "式 (3-1)"), ("#eq2", "式 (3-2)")]


def test_a_traditional_chapter_uses_the_layouts_traditional_word(layout):
    doc, _ = read_apply("---\nlang: zh-Hant\n---\n# 第三章 增長\n\n見 @eq-a。\n\n$$ x $$ {#eq-a}\n", *pipeline())
    links = _print(doc, layout).xpath('//a[contains(@class, "xref-equation")]')
    assert [_text(a) for a in links] == ["式 (3-1)"]

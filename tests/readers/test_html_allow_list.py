"""Raw HTML on the allow-list (compiler/readers/html.py) becomes ordinary nodes; what is off it
stays escaped text with one warning per block naming its tags; no attribute off the list
reaches an output; comments stay dropped; the corpus's `<center>` captions, `<br>` and `<div>`
wrappers show no code box any more."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from compiler.build import build
from compiler.build.options import BuildOptions
from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, plain_text
from conftest import SHARED
from helpers import read

CORPUS_FILE = SHARED / "corpus" / "zh-Hans_kaiyuanshe-2023-commercialization.md"


def _para(source: str) -> list[t.Inline]:
    doc, _ = read(f"# T\n\n{source}\n")
    assert len(doc.children) == 1 and isinstance(doc.children[0], t.Paragraph), doc.children
    return doc.children[0].children


def _warnings(findings) -> list[str]:
    return [f.message for f in findings.items if f.message.startswith("HTML ")]


@pytest.mark.parametrize(("markup", "kind"), [
    ("<sup>2</sup>", t.Superscript), ("<sub>2</sub>", t.Subscript),
    ("<u>2</u>", t.Underline), ("<ins>2</ins>", t.Underline),
    ("<s>2</s>", t.Strikethrough), ("<del>2</del>", t.Strikethrough), ("<strike>2</strike>", t.Strikethrough),
    ("<b>2</b>", t.Strong), ("<strong>2</strong>", t.Strong), ("<i>2</i>", t.Emphasis), ("<em>2</em>", t.Emphasis),
])
def test_each_inline_span_on_the_list_becomes_its_node_between_chinese_text(markup, kind):
    run = _para(f"面积为{markup}平方米。")
    assert [type(node) for node in run] == [t.Text, kind, t.Text]
    assert plain_text(run) == "面积为2平方米。"
    assert run[1].children == [t.Text("2")]


def test_br_kbd_code_link_image_and_wrappers():
    run = _para('第一行<br>第二行按<kbd>Ctrl</kbd>与<code>x&lt;y</code>，见<a href="https://example.org/" '
                'title="例">网站</a>和<img src="fig.png" alt="图一">，<span style="color:red">红</span>'
                '<font color="red">字</font>。')
    assert run == [
        t.Text("第一行"), t.LineBreak(), t.Text("第二行按"), t.Code("Ctrl"), t.Text("与"), t.Code("x<y"),
        t.Text("，见"), t.Link("https://example.org/", [t.Text("网站")], "例"), t.Text("和"),
        t.Image("fig.png", "图一"), t.Text("，红字。"),
    ]


@pytest.mark.parametrize("href", ["mailto:a@example.org", "#s1", "http://example.org/"])
def test_a_link_to_the_web_mail_or_a_fragment_is_a_link(href):
    assert _para(f'见<a href="{href}">此处</a>。')[1] == t.Link(href, [t.Text("此处")])


@pytest.mark.parametrize("href", ["javascript:alert(1)", "file:///etc/passwd", "/etc/hostname", "data:text/html,x", ""])
def test_a_link_elsewhere_is_its_text_only(href):
    assert _para(f'见<a href="{href}">此处</a>。') == [t.Text("见此处。")]


def test_markdown_inside_inline_html_is_kept():
    run = _para("甲<sup>**乙**</sup>丙")
    assert run == [t.Text("甲"), t.Superscript([t.Strong([t.Text("乙")])]), t.Text("丙")]


def test_center_and_aligned_div_and_p_are_centred_blocks():
    doc, findings = read('# T\n\n<center> 图 2.1 各大应用</center>\n<br>\n\n<div align="center">居中<sup>1</sup></div>\n\n'
                         '<p align="center">段落</p>\n\n<div style="width: 50%">不居中</div>\n')
    assert doc.children == [
        t.Centered([t.Paragraph([t.Text("图 2.1 各大应用")], 3)], 3, 1),
        t.Centered([t.Paragraph([t.Text("居中"), t.Superscript([t.Text("1")])], 6)], 6, 1),
        t.Centered([t.Paragraph([t.Text("段落")], 8)], 8, 1),
        t.Paragraph([t.Text("不居中")], 10, 1),
    ]
    assert _warnings(findings) == []


def test_a_wrapper_tag_standing_alone_wraps_the_blocks_up_to_its_closing_tag():
    doc, findings = read('# T\n\n<div align="center">\n\n| 甲 |\n|---|\n| 乙 |\n\n</div>\n\n'
                         '<div style="margin-left: auto; width: 75%">\n\n正文。\n\n</div>\n\n<br>\n\n后文。\n')
    assert [type(block) for block in doc.children] == [t.Centered, t.Paragraph, t.Paragraph]
    assert isinstance(doc.children[0].children[0], t.Table)
    assert [plain_text(b.children) for b in doc.children[1:]] == ["正文。", "后文。"]
    assert _warnings(findings) == []


def test_an_html_image_is_the_image_node_markdown_makes():
    doc, _ = read('# T\n\n<div align="center"><img src="figures/a.png" alt="图" style="width:50%" onerror="x"></div>\n\n'
                  '![图](figures/a.png)\n')
    html_image = doc.children[0].children[0].children[0]
    markdown_image = doc.children[1].children[0]
    assert html_image == markdown_image == t.Image("figures/a.png", "图")


def test_html_off_the_list_stays_text_with_one_warning_per_block_naming_the_tags():
    doc, findings = read("# T\n\n<script>alert(1)</script><style>p {}</style>\n\n"
                         "正文<script>x</script>与<blink>闪</blink>，<sup>2</sup>。\n\n"
                         '<div align="center"><iframe src="x"></iframe>说明</div>\n')
    raw_blocks = [b.html for b in iter_blocks(doc) if isinstance(b, t.RawBlock)]
    assert raw_blocks == ["<script>alert(1)</script>", "<style>p {}</style>",  # Python-Markdown cuts it in two
                          '<div align="center"><iframe src="x"></iframe>说明</div>']
    paragraph = doc.children[2].children
    assert [n.html for n in paragraph if isinstance(n, t.RawInline)] == ["<script>", "</script>", "<blink>", "</blink>"]
    assert t.Superscript([t.Text("2")]) in paragraph
    assert _warnings(findings) == [
        "HTML <script>, <style> shown as text: not on the allow-list",
        "HTML <script>, <blink> shown as text: not on the allow-list",
        "HTML <iframe> shown as text: not on the allow-list",
    ]
    assert [f.line for f in findings.items if f.message.startswith("HTML ")] == [3, 5, 7]


def test_html_comments_stay_dropped():
    doc, _ = read("# T\n\n甲<!-- 注 --><sup>1</sup>乙\n\n<!-- 块注释 -->\n\n<center><!-- 注 -->丙</center>\n")
    assert doc.children == [
        t.Paragraph([t.Text("甲"), t.Superscript([t.Text("1")]), t.Text("乙")], 3, 1),
        t.Centered([t.Paragraph([t.Text("丙")], 7)], 7, 1),
    ]


# ---------------------------------------------------------------- the outputs

ATTRIBUTES = ("style=", "onclick", "onerror", "onload", "class=\"evil\"", "id=\"evil\"", "javascript:", "color:red",
              "/etc/passwd", "width:50%")


def _outputs(source: str, tmp_path: Path) -> tuple[str, str]:
    chapter = tmp_path / "c.md"
    chapter.write_text(source, encoding="utf-8")
    build(chapter, tmp_path / "out", BuildOptions(formats=("epub", "html")))
    with zipfile.ZipFile(tmp_path / "out" / "c.epub") as archive:
        body = archive.read("EPUB/chapter.xhtml").decode("utf-8")
    return (tmp_path / "out" / "c.html").read_text(encoding="utf-8"), body


def test_no_attribute_off_the_list_reaches_the_print_html_or_the_epub(tmp_path):
    source = ('# 标题\n\n正文<sup class="evil" id="evil" style="color:red" onclick="alert(1)">2</sup>，'
              '<span style="color:red" onload="x">红</span><a href="javascript:alert(1)" onclick="x">坏</a>'
              '<img src="/etc/passwd" alt="图" onerror="alert(1)" style="width:50%">。\n\n'
              '<center style="color:red" onclick="x" class="evil">图 1 说明</center>\n\n'
              '<p align="center" style="color:red" id="evil">居中</p>\n')
    print_html, epub_body = _outputs(source, tmp_path)
    for output in (print_html, epub_body):
        assert "<sup>2</sup>" in output and '<div class="centered">' in output
        assert [attribute for attribute in ATTRIBUTES if attribute in output.split("<body", 1)[1]] == []


def test_the_outputs_draw_each_node_and_escape_what_is_off_the_list(tmp_path):
    print_html, epub_body = _outputs("# 标题\n\nH<sub>2</sub>O、<u>下</u>、<s>删</s>、<kbd>K</kbd>；"
                                     "<script>alert(1)</script>\n", tmp_path)
    for output in (print_html, epub_body):
        for markup in ("<sub>2</sub>", "<u>下</u>", "<s>删</s>", "<code>K</code>", "&lt;script&gt;"):
            assert markup in output
        assert "<script>" not in output.split("<body", 1)[1]


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory):
    if not CORPUS_FILE.is_file():
        pytest.skip(f"{CORPUS_FILE} is absent: the shared corpus is only beside a developer checkout")
    out = tmp_path_factory.mktemp("corpus")
    build(CORPUS_FILE, out, BuildOptions(formats=("epub", "html")))
    return out / f"{CORPUS_FILE.stem}.html"


def test_the_corpus_captions_breaks_and_wrappers_show_no_code_box(corpus_build):
    """(EPUBCheck on this file's EPUB: tests/writers/test_epub_package.py, every corpus file.)"""
    print_html = corpus_build.read_text(encoding="utf-8")
    for tag in ("&lt;center", "&lt;br", "&lt;div", "&lt;/center", "&lt;/div"):
        assert tag not in print_html
    # 54 captions in <center>: each captions its figure (the image in a one-cell table a <div>
    # wraps, its </div> right under the table) or, with no image before it, is a centred line
    assert print_html.count("<figcaption") >= 45
    assert print_html.count("<figcaption") + print_html.count('<div class="centered">') >= 54
    assert '<div class="centered">\n<p id="p' in print_html


"""Chinese typesetting in the PDF (clreq, GB/T 15834), proved from real output: glyph positions
read back from the PDF with pdfminer, and WeasyPrint's laid-out boxes for page-level rules.

The yearbook layout's text column runs from 56.69 pt to 538.58 pt on A4 (20 mm margins), with
10.5 pt (五号) body text; paragraphs indent 2 em."""

from __future__ import annotations

import re
import subprocess

import pytest

from conftest import SAMPLE, build_chapter

MM = 72 / 25.4
LEFT, RIGHT = 20 * MM, (210 - 20) * MM  # the A4 page's 20 mm side margins (layouts/yearbook/print.css)
# Justified lines are flush to 0.004 pt; without the fractional-kerning patch up to 0.41 pt off.
FLUSH = 0.01  # pt
EM = 10.5
CLOSING = set("，。、：；）》」』】〕〉”’")
OPENING = set("（《「『【〔〈“‘")
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z0-9]")


def pdf_lines(pdf):
    """Every text line of the PDF: a list of (character, x0, x1) per line, pages in order."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    lines = []
    for page in extract_pages(str(pdf)):
        for element in page:
            if isinstance(element, LTTextContainer):
                for line in element:
                    if isinstance(line, LTTextLine):
                        chars = [(c.get_text(), c.x0, c.x1, c.size) for c in line if isinstance(c, LTChar)]
                        if chars:
                            lines.append(chars)
    return lines


def body_lines(lines):
    """Lines of body paragraphs (10.5 pt, starting at the column edge or the 2-em indent), with
    whether each is a paragraph's last line (the next line starts a paragraph or another block)."""
    body = [ln for ln in lines if abs(ln[0][3] - EM) < 0.3 and (
        abs(ln[0][1] - LEFT) < 0.6 or abs(ln[0][1] - (LEFT + 2 * EM)) < 0.6)]
    marked = []
    for index, line in enumerate(body):
        following = body[index + 1] if index + 1 < len(body) else None
        last = following is None or abs(following[0][1] - (LEFT + 2 * EM)) < 0.6 or \
            line[-1][2] < RIGHT - 3 * EM
        marked.append((line, last))
    return marked


@pytest.fixture(scope="module")
def sample_lines(sample_build):
    return pdf_lines(sample_build.pdf)


def _ink_right(line) -> float:
    char, _, x1, size = line[-1]
    return x1 - size / 2 if char in CLOSING else x1


def _ink_left(line) -> float:
    return line[0][1]


def test_every_non_final_line_of_the_sample_is_flush_at_both_edges(sample_lines):
    checked = 0
    for line, last in body_lines(sample_lines):
        if last:
            continue
        text = "".join(c for c, *_ in line)
        assert abs(_ink_right(line) - RIGHT) <= FLUSH, text
        assert min(abs(_ink_left(line) - LEFT), abs(_ink_left(line) - LEFT - 2 * EM)) <= FLUSH, text
        checked += 1
    assert checked > 250


def test_no_line_starts_or_ends_with_a_prohibited_mark(sample_lines):
    no_start = tuple("、，。；：？！）》」』】〕〉”’～·") + ("——", "……", "—", "…")
    no_end = tuple("（《「『【〔〈“‘")
    for line in sample_lines:
        text = "".join(c for c, *_ in line).strip()
        if text.isdigit():
            continue  # a page number
        assert not text.startswith(no_start), text
        assert not text.endswith(no_end), text


def _pairs(lines, predicate):
    for line in lines:
        for (a, a0, a1, size), (b, b0, b1, _) in zip(line, line[1:]):
            if predicate(a, b):
                yield a, b, a0, a1, b0, b1, size


def test_adjacent_full_width_marks_take_one_and_a_half_em(sample_lines):
    compressible = lambda a, b: (a in CLOSING and (b in CLOSING or b in OPENING)) or (a in OPENING and b in OPENING)
    pairs = list(_pairs(sample_lines, compressible))
    assert len(pairs) > 50
    for a, b, a0, a1, b0, b1, size in pairs:
        assert abs((b1 - a0) - 1.5 * size) <= 0.02 * size, (a, b, b1 - a0)


def test_han_and_latin_are_a_quarter_em_apart(sample_lines):
    mixed = lambda a, b: bool((HAN.match(a) and LATIN.match(b)) or (LATIN.match(a) and HAN.match(b)))
    pairs = list(_pairs(sample_lines, mixed))
    assert len(pairs) > 100
    for a, b, a0, a1, b0, b1, size in pairs:
        assert abs((b0 - a1) - 0.25 * size) <= 0.05 * size, (a, b, b0 - a1)


def test_no_gap_at_line_edges_from_han_latin_spacing(sample_lines):
    for line, _ in body_lines(sample_lines):
        assert min(abs(_ink_left(line) - LEFT), abs(_ink_left(line) - LEFT - 2 * EM)) <= FLUSH


def _targeted(tmp_path, text: str):
    source = tmp_path / "marks.md"
    source.write_text(f"# 标点\n\n{text}\n", encoding="utf-8")
    return pdf_lines(build_chapter(source, tmp_path / "out").pdf)


def test_dashes_ellipses_and_middle_dots_have_their_clreq_widths(tmp_path):
    lines = _targeted(tmp_path, "他说——这是真的……我们在阿·卡的家中见面。")
    chars = [c for line in lines for c in line if c[3] == EM]
    dash = [c for c in chars if c[0] == "——"] or [c for c in chars if c[0] == "—"]
    if dash[0][0] == "——":
        assert abs((dash[0][2] - dash[0][1]) - 2 * EM) <= 0.01
    else:  # two glyphs, touching
        assert abs((dash[1][2] - dash[0][1]) - 2 * EM) <= 0.01
    dots = [c for c in chars if c[0] == "…"]
    assert len(dots) == 2 and abs((dots[1][2] - dots[0][1]) - 2 * EM) <= 0.01
    index = next(i for i, c in enumerate(chars) if c[0] == "·")
    before, dot, after = chars[index - 1], chars[index], chars[index + 1]
    assert abs((after[1] - before[2]) - EM / 2) <= 0.02  # the dot takes half an em …
    assert abs((dot[1] - before[2]) - (after[1] - dot[2])) <= 0.02  # … centred in it


def test_chinese_quotes_are_one_em_from_the_cjk_font(tmp_path):
    lines = _targeted(tmp_path, "我们称之为“市区联动”机制。")
    for char, x0, x1, size in (c for line in lines for c in line):
        if char in "“”":
            assert abs((x1 - x0) - size) <= 0.01


def test_pdftotext_puts_no_space_between_chinese_characters(sample_build):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(sample_build.pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    spaced = set(re.findall(r"[\u4e00-\u9fff][ \u3000][\u4e00-\u9fff]", SAMPLE.read_text(encoding="utf-8")))
    inserted = [m for m in re.findall(r"[\u4e00-\u9fff][ \u3000\u2060][\u4e00-\u9fff]", text) if m not in spaced]
    assert inserted == []
    # the prose survives extraction intact, joiners and spacing included
    assert "浦东新区围绕“聚焦结构调整、聚焦世博保障、聚焦民生改善、聚焦综合配套改革”" in text.replace("\n", "")


# ------------------------------------------------------------------ page-level rules, from the boxes


@pytest.fixture(scope="module")
def laid_out():
    from compiler.build import compile_source
    from compiler.writers.templates import LAYOUTS_DIR, load_layout
    from compiler.writers.html import render_print_html
    from compiler.writers.print.pdf import render_pages as lay_out

    compiled = compile_source(SAMPLE)
    layout = load_layout("yearbook")
    html = render_print_html(compiled.doc, layout)
    document, root = lay_out(html, base_dir=SAMPLE.parent, allowed_roots=[layout.folder, LAYOUTS_DIR.parent])
    return document, root


def _boxes_by_element(document):
    """element → [(page number, line box text)] for every line box, pages in order."""
    from weasyprint.formatting_structure import boxes

    found: dict = {}

    def walk(box, page, owner):
        element = getattr(box, "element", None)
        if element is not None and element.tag in ("p", "h1", "h2", "h3", "aside", "li"):
            owner = element
        if isinstance(box, boxes.LineBox):
            text = "".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox))
            found.setdefault(owner, []).append((page, text))
            return
        for child in getattr(box, "children", []):
            if not isinstance(child, boxes.MarginBox):
                walk(child, page, owner)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, number, None)
    return found


def test_paragraphs_have_no_orphan_widow_or_one_character_last_line(laid_out):
    document, _ = laid_out
    checked = 0
    for element, lines in _boxes_by_element(document).items():
        if element is None or element.tag != "p" or len(lines) < 2:
            continue
        last_words = re.sub(r"[^\w]", "", lines[-1][1].replace("\u2060", ""))
        assert len(last_words) >= 2, lines[-1][1]
        pages = [page for page, _ in lines]
        for page in set(pages):
            if len(set(pages)) > 1:
                assert pages.count(page) >= 2, (lines[0][1][:12], pages)
        checked += 1
    assert checked > 80


def test_no_heading_ends_a_page_and_no_callout_is_split(laid_out):
    document, _ = laid_out
    by_element = _boxes_by_element(document)
    last_on_page = {}
    for element, lines in by_element.items():
        for page, _ in lines:
            last_on_page[page] = element
    for page, element in last_on_page.items():
        assert element is None or element.tag not in ("h1", "h2", "h3"), page
    callouts = [e for e in by_element if e is not None and e.tag == "p" and "callout-body" in (e.get("class") or "")]
    assert len(callouts) == 18
    for body in callouts:
        assert len({page for page, _ in by_element[body]}) == 1, by_element[body][0][1][:12]


def test_targeted_paragraphs_break_no_rule_wherever_the_line_falls(tmp_path):
    """Each mark is put at every position around a line end: no line may start with a closing
    mark, a dash, an ellipsis, a middle dot or a wave dash, nor end with an opening mark, and
    every justified line stays flush."""
    marks = ["——", "……", "·", "～", "，", "。", "”", "）", "》", "、", "—"]
    opening = ["“", "（", "《"]
    paragraphs = []
    for count in range(40, 47):
        for mark in marks:
            paragraphs.append("汉" * count + mark + "字" * 60 + "。")
        for mark in opening:
            paragraphs.append("汉" * count + mark + "字" * 8 + {"“": "”", "（": "）", "《": "》"}[mark] + "文" * 60 + "。")
    source = tmp_path / "rules.md"
    source.write_text("# 避头尾\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    lines = pdf_lines(build_chapter(source, tmp_path / "out").pdf)
    no_start = tuple("、，。）》”～·") + ("—", "…")
    starts = flush = 0
    for line, last in body_lines(lines):
        text = "".join(c for c, *_ in line)
        assert not text.startswith(no_start), text
        assert not text.endswith(tuple(opening)), text
        starts += 1
        if not last:
            assert abs(_ink_right(line) - RIGHT) <= FLUSH, text
            flush += 1
    assert starts > 250 and flush > 100


def test_dashes_and_ellipses_keep_their_width_on_justified_lines(tmp_path):
    """Justification widens the gaps beside `——` and `……`, never inside them, wherever on a
    justified line they fall (the gap after `——` goes after the whole ligature glyph)."""
    paragraphs = ["汉" * count + mark + "字" * 60 + "。" for count in range(3, 40, 4) for mark in ("——", "……")]
    source = tmp_path / "dashes.md"
    source.write_text("# 破折号\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    lines = pdf_lines(build_chapter(source, tmp_path / "out").pdf)
    checked = 0
    for line, last in body_lines(lines):
        if last:
            continue
        text = "".join(c for c, *_ in line)
        assert abs(_ink_right(line) - RIGHT) <= FLUSH, text
        for mark in ("—", "…"):
            run = [c for c in line if c[0] in (mark, mark * 2)]
            if run:
                assert abs((run[-1][2] - run[0][1]) - 2 * EM) <= 0.01, text
                checked += 1
    assert checked >= 15


def test_gap_rules_are_looked_up_by_kind_of_character():
    """`_adjust_line` looks rules up by a character's kind (the first character seen that
    answers every question the rules ask alike): the rules of the kinds are those of the
    characters themselves."""
    from compiler.weasyprint_patches import cjk_justify as cjk_layout

    chars = (set(SAMPLE.read_text(encoding="utf-8")) | CLOSING | OPENING |
             set("—…·～ \u00a0\u3000aZ09é%‰°.,-+/!?\ufffc\u2060")) - {"\n"}
    kinds = {c: cjk_layout._kinds.get(c) or cjk_layout._kind(c) for c in chars}
    assert len(set(kinds.values())) < 40
    for a in chars:
        for b in chars:
            for compress in (True, False):
                assert cjk_layout.natural_gap(a, b, 10.5, 3.0, compress) == \
                    cjk_layout.natural_gap(kinds[a], kinds[b], 10.5, 3.0, compress), (a, b)
            assert cjk_layout.is_opportunity(a, b) == cjk_layout.is_opportunity(kinds[a], kinds[b]), (a, b)


def test_a_justified_line_with_an_inline_image_is_flush(tmp_path):
    """The gap after an atomic box (an inline image) is placed like any other."""
    from PIL import Image

    Image.new("RGB", (20, 12), "red").save(tmp_path / "x.png")
    lines = _targeted(tmp_path, "汉字" * 10 + "![图](x.png)" + "文字" * 40 + "。")
    first = next(line for line, _ in body_lines(lines))
    assert "".join(c for c, *_ in first).startswith("汉字汉字")
    assert abs(_ink_right(first) - RIGHT) <= 0.05


def _kerning_amounts(pdf) -> list[float]:
    """The numbers between the strings of every TJ array the PDF draws text with."""
    import pikepdf

    amounts = []
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "TJ":
                    amounts += [float(item) for item in operands[0] if not isinstance(item, pikepdf.String)]
    return amounts


def test_justified_lines_are_drawn_with_fractional_kerning(sample_build):
    """The behaviour the kerning patch installs: WeasyPrint writes each glyph's adjustment as a
    whole thousandth of an em (`int(kerning)`), which leaves justified lines up to 0.41 pt short;
    the patch keeps three decimals. Most of the sample's adjustments must be fractional."""
    amounts = _kerning_amounts(sample_build.pdf)
    fractional = [amount for amount in amounts if amount != int(amount)]
    assert len(amounts) > 1000
    assert len(fractional) > len(amounts) / 2, (len(fractional), len(amounts))

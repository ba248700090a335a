"""No letter-spaced lines: a justified line holding an unbreakable Latin word (a URL, a product
name) has few gaps to stretch; they open up to `CJK_STRETCH_CAP` next to Chinese characters and
the line is left short rather than letter-spaced. Measured from glyph positions read back from
the PDF of `tests/fixtures/chapters/long_words.txt` (long URLs and product names in Chinese
paragraphs, and paragraphs without them).

Lines are gathered here by baseline, not by pdfminer's text lines: pdfminer cuts a line where a
gap is wide, which would hide the very gaps measured."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from compiler.weasyprint_patches.cjk_justify import CJK_STRETCH_CAP, FREE_STRETCH_MAX

from conftest import FIXTURES, build_chapter
from test_cjk_justify import CLOSING, EM, HAN, LATIN, LEFT, RIGHT

CHAPTER = FIXTURES / "chapters" / "long_words.txt"
LONG_WORD = re.compile(r"[!-~]{16,}")  # a run of Latin letters, digits and ASCII marks no line can break
TOLERANCE = 0.01  # pt


def baseline_lines(pdf):
    """The body text (10.5 pt) of the PDF as lines: (character, x0, x1) sorted by x, one list per
    baseline, pages and lines in reading order."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer

    def chars(element):
        if isinstance(element, LTChar):
            yield element
        elif isinstance(element, LTContainer):
            for child in element:
                yield from chars(child)

    lines = []
    for page in extract_pages(str(pdf)):
        by_baseline = defaultdict(list)
        for char in chars(page):
            if abs(char.size - EM) < 0.3:
                by_baseline[round(char.matrix[5], 1)].append((char.get_text(), char.x0, char.x1))
        for _, line in sorted(by_baseline.items(), reverse=True):
            lines.append(sorted(line, key=lambda c: c[1]))
    return lines


def paragraph_lines(lines):
    """Lines of body paragraphs (starting at the column edge or the 2-em indent; not the
    contents' dot-leader lines), with whether each is its paragraph's last line."""
    body = [line for line in lines if "..." not in "".join(c for c, *_ in line) and (
        abs(line[0][1] - LEFT) < 0.6 or abs(line[0][1] - (LEFT + 2 * EM)) < 0.6)]
    return [(line, index + 1 == len(body) or abs(body[index + 1][0][1] - (LEFT + 2 * EM)) < 0.6)
            for index, line in enumerate(body)]


def gaps(line, kinds):
    """The gaps between adjacent characters matching `kinds(left, right)`, in pt."""
    return [b0 - a1 for (a, _, a1), (b, b0, _) in zip(line, line[1:]) if kinds(a, b)]


def han_han(a, b):
    return bool(HAN.match(a) and HAN.match(b))


def han_latin(a, b):
    return bool((HAN.match(a) and LATIN.match(b)) or (LATIN.match(a) and HAN.match(b)))


def text(line):
    return "".join(c for c, *_ in line)


def ink_right(line):
    char, _, x1 = line[-1]
    return x1 - EM / 2 if char in CLOSING else x1


@pytest.fixture(scope="module")
def lines(tmp_path_factory):
    return paragraph_lines(baseline_lines(build_chapter(CHAPTER, tmp_path_factory.mktemp("long_words")).pdf))


def test_no_han_han_gap_exceeds_the_cap_on_any_line(lines):
    widest = max(gap for line, _ in lines for gap in gaps(line, han_han))
    assert widest <= CJK_STRETCH_CAP * EM + TOLERANCE, f"{widest:.3f} pt = {widest / EM:.3f} em"
    for line, _ in lines:
        for gap in gaps(line, han_latin):  # a quarter em, grown by at most FREE_STRETCH_MAX
            assert gap <= (0.25 + FREE_STRETCH_MAX) * EM + TOLERANCE, (text(line), gap)


def with_long_word(lines):
    """Is each line one a long word touches: holding one, or ending where one that did not fit
    was pushed to the next line (`…产品采用` above `PostgreSQLCompatible…`)?"""
    return [bool(LONG_WORD.search(text(line))) or (index + 1 < len(lines) and not last and
                                                 bool(LONG_WORD.match(text(lines[index + 1][0]))))
            for index, (line, last) in enumerate(lines)]


def test_lines_without_a_long_word_stay_flush_at_both_edges(lines):
    flush = 0
    for (line, last), long_word in zip(lines, with_long_word(lines)):
        start = min(abs(line[0][1] - LEFT), abs(line[0][1] - LEFT - 2 * EM))
        assert start <= TOLERANCE, text(line)  # every line starts at the column edge or the indent
        assert ink_right(line) <= RIGHT + TOLERANCE, text(line)  # and none runs past its end
        if not last and not long_word:
            assert abs(ink_right(line) - RIGHT) <= TOLERANCE, text(line)
            flush += 1
    assert flush >= 5


def test_lines_a_long_word_would_letter_space_are_left_short(lines):
    """The chapter has lines that only letter-spacing could make flush: they end short, with
    their Chinese gaps at the cap, not wider."""
    short = [line for (line, last), long_word in zip(lines, with_long_word(lines))
             if long_word and not last and ink_right(line) < RIGHT - EM]
    assert len(short) >= 3, [text(line) for line in short]
    for line in short:
        assert max(gaps(line, han_han), default=0.0) <= CJK_STRETCH_CAP * EM + TOLERANCE, text(line)


def test_the_cap_leaves_every_line_of_the_sample_as_it_was(sample_build):
    """Chinese lines without a long word stretch less than the cap: the sample is laid out exactly
    as before the cap (its PDF is byte-identical), every non-final line flush."""
    body = paragraph_lines(baseline_lines(sample_build.pdf))
    widest = max(gap for line, _ in body for gap in gaps(line, han_han))
    assert widest < CJK_STRETCH_CAP * EM - TOLERANCE
    assert all(abs(ink_right(line) - RIGHT) <= TOLERANCE for line, last in body if not last)

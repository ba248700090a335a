"""Measured, not asserted (issue 13): on the hand-marked chapters of tests/fixtures/recovery/
(district, city, county and province reports, a government work report, regulations, a company
report, news, a double-spaced GB18030 export and the sample), recovery invents no structure
(precision 1.0) and finds at least 95% of what is there (recall ≥ 0.95), for sections and
callouts alike. `python tests/transforms/recovery_metrics.py` prints the README's table."""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, plain_text

from recovery_metrics import FIXTURES, Score, chapters, measure, recovered, table  # type: ignore[import-not-found]
from test_headless_sections import sections_of  # type: ignore[import-not-found]


def test_at_least_ten_chapters_of_several_kinds_are_marked():
    found = chapters()
    assert len(found) >= 10
    assert len({truth["kind"] for _, _, truth in found}) >= 6


def test_precision_is_one_and_recall_at_least_095_for_sections_and_callouts():
    rows = measure()
    sections, callouts = Score(), Score()
    for _, _, section_score, callout_score in rows:
        sections.add(section_score)
        callouts.add(callout_score)
    report = table(rows)
    assert sections.precision == 1.0, report
    assert callouts.precision == 1.0, report
    assert sections.recall >= 0.95, report
    assert callouts.recall >= 0.95, report


def test_each_chapter_recovers_nothing_false():
    for name, source, truth in chapters():
        found_sections, found_callouts = recovered(source)
        assert set(found_sections) <= set(truth["sections"]), name
        assert set(found_callouts) <= set(truth["callouts"]), name


def test_nested_series_stays_under_its_subheading_and_later_headings_keep_their_parents():
    text = (FIXTURES / "02_guangzhou_nested.md").read_text(encoding="utf-8")
    assert sections_of(text) == [
        (2, "区域创新", False), (3, "广州市各区", False), (4, "荔湾区", True), (4, "越秀区", True),
        (4, "海珠区", True), (4, "天河区", True), (3, "佛山市", False), (2, "展望", False)]


def test_bold_heading_line_before_a_sidebar_is_not_rejoined_with_the_next_paragraph():
    from compiler.diagnostics import Findings
    from compiler.readers.markdown import read_document
    from compiler.readers.source import read_source
    from compiler.transforms import normalise

    source = read_source(FIXTURES / "03_government_work_report.md")
    findings = Findings(source.name)
    doc = normalise(read_document(source, findings), findings)
    texts = [plain_text(b.children) for b in iter_blocks(doc) if isinstance(b, t.Paragraph)]
    assert "一、主要成效" in texts
    assert "2022年，全市科技投入增长12%。" in texts
    assert findings.count("paragraph-rejoined") == 0

"""Golden-file test of the whole normalisation on the sample, and pipeline-level properties.

`compiler.tree.dump` of the normalised sample must equal tests/golden/sample.tree.txt. To
rebuild the golden file after an intended change, run with REPORTC_UPDATE_GOLDEN=1 (the test
then rewrites the file and passes), and review the diff before committing it.

Also: the pipeline's order, normalise applied twice equals once, and the sample's findings.
"""

from __future__ import annotations

import difflib
import os

from compiler.model import nodes as t
from compiler.model.dump import dump
from compiler.diagnostics import Findings
from compiler.transforms import normalise, pipeline

from helpers import GOLDEN, messages, read_sample


def normalised_sample() -> tuple[t.Document, Findings]:
    doc, findings = read_sample()
    return normalise(doc, findings), findings


def test_normalised_sample_matches_the_golden_file():
    actual = dump(normalised_sample()[0])
    if os.environ.get("REPORTC_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
        return
    assert GOLDEN.exists(), f"{GOLDEN} is missing: run with REPORTC_UPDATE_GOLDEN=1 to create it"
    expected = GOLDEN.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                "golden/sample.tree.txt", "actual", n=2,
            )
        )
        raise AssertionError(f"normalised sample differs from the golden file:\n{diff[:6000]}")


def test_golden_file_has_the_expected_structure():
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Document lang=zh-Hans title='第十一章 区县科技创新' line=3"
    assert lines[1] == "  number '11'"  # the chapter's number, from 第十一章
    assert lines[2] == "  KeyPoints line=5"
    assert sum("recovered=True" in line for line in lines) == 18
    assert sum(line.startswith("    Callout ") for line in lines) == 18
    assert sum(line.startswith("  Section ") for line in lines) == 19
    assert sum(line.startswith("    Section ") for line in lines) == 1


def test_normalise_twice_equals_once():
    once, _ = normalised_sample()
    twice = normalise(once, Findings("again"))
    assert dump(twice) == dump(once)


def test_normalise_gives_the_sample_findings():
    _, findings = normalised_sample()
    shown = sorted(m for m, f in zip(messages(findings), findings.items) if f.code in ("english-word", "paragraph-rejoined"))
    assert shown == [
        (118, "warning", "English word 'and' inside Chinese prose (功能布局 and 空间布局): should it be Chinese?"),
        (234, "warning", "paragraph split by a sidebar rejoined with line 228: '…1家，政策享受有效期内的' + "
                         "'高新技术成果转化项目27…'; put `<!-- reportc: keep -->` before it to keep them apart"),
    ]
    problems = [(f.line, f.level, f.code) for f in findings.items if f.code != "punctuation-widened"]
    recovered = [(line, level, code) for line, level, code in problems if code.endswith("-recovered")]
    assert [line for line, _, code in recovered if code == "section-recovered"] == [
        35, 49, 63, 78, 90, 102, 116, 128, 142, 156, 168, 180, 194, 210, 224, 240, 254, 266]
    assert [line for line, _, code in recovered if code == "callout-recovered"] == [
        47, 61, 71, 86, 100, 114, 124, 136, 154, 166, 176, 186, 208, 222, 232, 250, 262, 274]
    assert {level for _, level, _ in recovered} == {"info"}
    assert sorted(p for p in problems if not p[2].endswith("-recovered")) == [
        (5, "info", "key-points"), (118, "warning", "english-word"), (234, "warning", "paragraph-rejoined")]
    assert findings.recovery_summary() == "recovered 18 sections, 18 callouts, 1 rejoined paragraph"
    widened = [f for f in findings.items if f.code == "punctuation-widened"]
    assert widened and all(f.level == "info" and " ASCII punctuation mark" in f.message for f in widened)


def test_normalise_does_not_mutate_the_reader_output():
    doc, findings = read_sample()
    before = dump(doc)
    normalise(doc, findings)
    assert dump(doc) == before


def test_pipeline_order():
    assert [step.__name__ for step in pipeline()] == [
        "drop_stray_whitespace",
        "replace_look_alikes",
        "detect_script",
        "drop_empty_headings",
        "collect_footnotes",
        "read_data_tables",
        "make_figures",
        "caption_tables",
        "make_callouts",
        "rejoin_split_paragraphs",
        "written_sidebars",
        "make_key_points",
        "mark_run_ins",
        "full_width_punctuation",
        "recover_headless_sections",
        "nest_sections",
        "assign_ids",
        "number_figures_and_tables",
        "resolve_cross_references",
        "check_images",
        "check_prose",
    ]


FEATURES = GOLDEN.parent.parent / "fixtures" / "features" / "features.md"
FEATURES_GOLDEN = GOLDEN.parent / "features.tree.txt"


def test_normalised_features_chapter_matches_its_golden_file():
    """The chapter that uses every syntax of real reports (footnotes, figures, captioned and
    aligned tables, a CSV table, cross-references, written callouts, alerts, math, sub- and
    superscripts): its normalised tree holds every such node type."""
    from compiler.readers.markdown import read_document
    from compiler.readers.source import read_source

    findings = Findings(str(FEATURES))
    doc = normalise(read_document(read_source(FEATURES), findings), findings, FEATURES.parent)
    actual = dump(doc)
    if os.environ.get("REPORTC_UPDATE_GOLDEN") == "1":
        FEATURES_GOLDEN.write_text(actual, encoding="utf-8")
        return
    for kind in ("NoteRef", "Footnote", "Figure", "Table", "CrossRef", "Callout", "Math",
                 "MathBlock", "Subscript", "Superscript"):
        assert f"{kind} " in actual or f"{kind}\n" in actual, f"no {kind} in the features tree"
    expected = FEATURES_GOLDEN.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            "golden/features.tree.txt", "actual", n=2))
        raise AssertionError(f"normalised features chapter differs from the golden file:\n{diff[:6000]}")

"""Findings as an editor and a machine read them: `file:line:column`, the source line with a
caret under the spot, `--json` records, and `--strict`.

Unit tests for compiler.diagnostics (the excerpt's caret under wide characters, long lines cut
to a window, `locate` within a block) and for the columns the passes give; then the command
line: `check` and `build` with `--json` and `--strict`, exit codes and untouched outputs.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from compiler.diagnostics import Finding, Findings, excerpt
from compiler.transforms import normalise

from conftest import SAMPLE, findings_in, one_line, run, snapshot
from helpers import RECOVERY_CODES, read

STEM = SAMPLE.stem


def located(text: str) -> list[tuple[int, int, int, str, str]]:
    """(line, column, length, level, message) of every finding of `text`, normalised, but the
    reports of a recovery or normalisation (their codes: helpers.RECOVERY_CODES)."""
    doc, findings = read(text)
    normalise(doc, findings)
    return [(f.line, f.column, f.length, f.level, f.message) for f in findings.sorted()
            if f.code not in RECOVERY_CODES]


def caret_column(caret_line: str, source_line: str) -> str:
    """The characters of the shown source line above the carets (terminal columns matched)."""
    import unicodedata

    start = caret_line.index("^")
    width = 0
    out = ""
    for char in source_line:
        if width >= start and width < start + caret_line.count("^"):
            out += char
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return out


# ----------------------------------------------------------------------------- the format


def test_finding_prints_file_line_column_level_message():
    finding = Finding("a.txt", 118, "warning", "English word", column=48, length=3)
    assert str(finding) == "a.txt:118:48: warning: English word"
    assert Finding("a.txt", 3, "error", "m").column == 1


def test_excerpt_puts_the_caret_under_the_column_counting_wide_characters():
    source = "结合功能布局 and 空间布局。"
    shown, caret = excerpt(source, 7, source.index("and") + 1, 3)
    assert shown == "    7 | 结合功能布局 and 空间布局。"
    assert caret_column(caret[len("      | "):], shown[len("    7 | "):]) == "and"


def test_excerpt_of_a_long_line_is_a_window_around_the_column():
    source = "甲" * 200 + "and" + "乙" * 200
    shown, caret = excerpt(source, 1, 201, 3)
    assert shown.startswith("    1 | ...甲") and shown.endswith("乙...")
    assert len(shown) < 60
    assert caret_column(caret[len("      | "):], shown[len("    1 | "):]) == "and"


def test_excerpt_of_a_blank_line_is_empty():
    assert excerpt("   ", 4, 1) == []


def test_locate_finds_the_nth_match_in_the_block_and_stops_at_a_blank_line():
    findings = Findings("t", lines=["甲 and 乙", "丙 and 丁", "", "戊 and 己"])
    assert findings.locate(1, "and", 0) == (1, 3, 3)
    assert findings.locate(1, "and", 1) == (2, 3, 3)
    assert findings.locate(1, "and", 2) == (1, None, 1), "the next block is not searched"


def test_a_finding_without_a_column_points_at_the_first_visible_character():
    findings = Findings("t", lines=["\u3000\u3000甲乙"])
    findings.warning(1, "m", code="test")
    assert findings.items[0].column == 3


# ----------------------------------------------------------------------------- columns from the passes


def test_english_word_is_placed_at_its_column_on_its_own_line():
    text = "# T\n\n第一段落\n结合功能布局 and 空间布局发展。\n"
    assert located(text) == [
        (4, 8, 3, "warning", "English word 'and' inside Chinese prose (功能布局 and 空间布局): should it be Chinese?"),
    ]


def test_second_occurrence_of_a_word_is_placed_at_the_second_occurrence():
    text = "# T\n\n甲。 and 乙 and 丙。\n"
    [(line, column, length, _, message)] = located(text)
    assert (line, column, length) == (3, 10, 3) and "乙 and 丙" in message


def test_unbalanced_bracket_is_placed_at_the_mark_even_after_it_turned_full_width():
    text = "# T\n\n甲（乙）丙(丁。\n"
    assert located(text) == [(3, 6, 1, "warning", "unbalanced '（': no matching '）' after it")]


def test_unclosed_fence_is_placed_at_the_fence():
    text = "# T\n\n正文。\n\n  ````\n代码\n"
    [(line, column, length, level, _)] = located(text)
    assert (line, column, length, level) == (5, 3, 4, "error")


def test_sample_and_warning_is_at_line_118_column_48():
    from compiler.build import compile_source

    findings = compile_source(SAMPLE).findings
    [warning] = [f for f in findings.items if f.level == "warning" and f.code == "english-word"]
    assert (warning.line, warning.column, warning.length) == (118, 48, 3)
    assert findings.source_line(118)[47:50] == "and"


# ----------------------------------------------------------------------------- check --json, --strict


def json_records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_check_json_gives_one_record_per_finding_with_the_text_findings(tmp_path):
    text = run(["check", str(SAMPLE)], tmp_path)
    as_json = run(["check", str(SAMPLE), "--json"], tmp_path)
    assert as_json.returncode == text.returncode == 0
    assert as_json.stderr == ""
    records = json_records(as_json.stdout)
    assert [(r["file"], str(r["line"]), str(r["column"]), r["level"], r["message"]) for r in records] == [
        (m["file"], m["line"], m["column"], m["level"], m["message"]) for m in findings_in(text.stdout)
    ]
    assert [r["code"] for r in records] == [m["code"] or "" for m in findings_in(text.stdout)]
    assert sum(r["code"] == "section-recovered" for r in records) == 18
    warning = next(r for r in records if r["level"] == "warning" and r["code"] == "english-word")
    assert warning["type"] == "finding"
    assert warning["end_column"] == warning["column"] + 3
    assert warning["source_line"][warning["column"] - 1:warning["end_column"] - 1] == "and"


def test_check_strict_makes_warnings_errors_and_exits_1(tmp_path):
    result = run(["check", str(SAMPLE), "--strict"], tmp_path)
    assert result.returncode == 1
    levels = {(m["line"], m["level"]) for m in findings_in(result.stdout)}
    assert ("118", "error") in levels
    assert ("234", "error") in levels, "the rejoin is a warning"
    assert ("35", "info") in levels, "info stays info"


def test_check_strict_on_a_chapter_without_warnings_exits_0(tmp_path):
    (tmp_path / "clean.txt").write_text("# 第一章 概况\n\n上海市科技工作取得新进展。\n", encoding="utf-8")
    result = run(["check", "clean.txt", "--strict"], tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_check_json_of_a_missing_file_is_an_error_record_and_one_line(tmp_path):
    result = run(["check", "missing.txt", "--json"], tmp_path)
    assert result.returncode == 2
    assert one_line(result.stderr) == "reportc: missing.txt: no such file"
    assert json_records(result.stdout) == [
        {"type": "error", "message": "missing.txt: no such file", "exit_code": 2}
    ]


# ----------------------------------------------------------------------------- build --json, --strict


def test_build_json_gives_findings_and_outputs_as_records(tmp_path):
    result = run(["build", str(SAMPLE), "--format", "html", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    records = json_records(result.stdout)
    assert {r["type"] for r in records} == {"finding", "output"}
    assert [r for r in records if r["type"] == "output"] == [
        {"type": "output", "format": "html", "path": f"build/{STEM}.html"}
    ]
    assert any(r["type"] == "finding" and (r["line"], r["column"]) == (118, 48) for r in records)


def test_build_strict_stops_on_a_warning_and_leaves_outputs_alone(tmp_path):
    (tmp_path / "src").mkdir()
    shutil.copy(SAMPLE, tmp_path / "src" / SAMPLE.name)
    source = f"src/{SAMPLE.name}"
    assert run(["build", source, "-o", "out", "--format", "html", "-q"], tmp_path).returncode == 0
    before = snapshot(tmp_path / "out")
    result = run(["build", source, "-o", "out", "--format", "html", "--strict", "--json"], tmp_path)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert re.match(rf"reportc: {re.escape(source)}:118:48: error: English word 'and' .* \(build stopped by --strict;",
                    line), line
    records = json_records(result.stdout)
    assert records[-1]["type"] == "error" and records[-1]["exit_code"] == 1
    assert any(r["type"] == "finding" and r["level"] == "error" and r["line"] == 118 for r in records)
    assert snapshot(tmp_path / "out") == before


@pytest.mark.parametrize("command", ["check", "build"])
def test_findings_of_a_gb18030_file_point_at_the_right_column(tmp_path, command):
    (tmp_path / "gb.txt").write_bytes("# 第一章\n\n结合功能布局 and 空间布局。\n".encode("gb18030"))
    result = run([command, "gb.txt", "--format", "html"] if command == "build" else [command, "gb.txt"], tmp_path)
    assert result.returncode == 0, result.stderr
    output = result.stdout if command == "check" else result.stderr
    found = [m for m in findings_in(output) if m["level"] == "warning"]
    assert [(m["line"], m["column"]) for m in found] == [("3", "8")]

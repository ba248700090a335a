"""`check` and `build` report each recovered structure (issue 13): `check` lists every recovery at
its source line with its code (`[section-recovered]`; `--json` records carry `code`), `build`
says them in one line (`recovered 2 sections, 1 callout, 1 rejoined paragraph`) and shows the
rejoin, a warning, with both halves."""

from __future__ import annotations

import json

from conftest import findings_in, run

CHAPTER = """# 第二章 北京区县

## 概述

各区发挥优势。

海淀区围绕中关村建设，政策享受有效期内的



**中关村科学城** 8月17日，科学城揭牌。

高新技术成果转化项目270项。

朝阳区以国际化为特色。
"""


def write(tmp_path):
    (tmp_path / "ch.txt").write_text(CHAPTER, encoding="utf-8")
    return "ch.txt"


def test_check_lists_each_recovery_with_its_code_and_line(tmp_path):
    result = run(["check", write(tmp_path)], tmp_path)
    assert result.returncode == 0, result.stderr
    found = [(m["line"], m["level"], m["code"]) for m in findings_in(result.stdout)]
    assert ("7", "info", "section-recovered") in found
    assert ("15", "info", "section-recovered") in found
    assert ("11", "info", "callout-recovered") in found
    assert ("13", "warning", "paragraph-rejoined") in found


def test_check_json_records_carry_the_code(tmp_path):
    result = run(["check", write(tmp_path), "--json"], tmp_path)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["code"] for r in records if r["code"].endswith(("-recovered", "-rejoined"))] == [
        "section-recovered", "callout-recovered", "paragraph-rejoined", "section-recovered"]
    rejoin = next(r for r in records if r["code"] == "paragraph-rejoined")
    assert rejoin["level"] == "warning" and "'…建设，政策享受有效期内的' + '高新技术成果转化项目27…'" in rejoin["message"]


def test_build_summarises_the_recoveries_in_one_line_and_shows_the_rejoin(tmp_path):
    result = run(["build", write(tmp_path), "--format", "html", "-o", "out"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "recovered 2 sections, 1 callout, 1 rejoined paragraph" in result.stdout.splitlines()
    assert [m["code"] for m in findings_in(result.stderr)] == ["paragraph-rejoined"]


def test_build_of_a_chapter_with_nothing_recovered_prints_no_summary(tmp_path):
    (tmp_path / "plain.txt").write_text("# 第一章 概况\n\n## 一\n\n上海市科技工作取得新进展。\n", encoding="utf-8")
    result = run(["build", "plain.txt", "--format", "html", "-o", "out"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert not any(line.startswith("recovered ") for line in result.stdout.splitlines())

"""`reportc fix` (issue 13, item 6): the structure a build recovers written into the source.

Building a fixed chapter gives the tree building it as written gives (source lines and the
`recovered` marks aside: `shape`), for the sample and every test chapter; the fixed chapter
leaves nothing to recover; a fixed chapter is fixed already; the file keeps its encoding and
line ends, and only the lines an edit touches change; the fix goes to standard output, to `-o
FILE` or over the source (`--in-place`), written atomically; a source that cannot be read is one
line on stderr and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.build.chapter import compile_source, compile_text
from compiler.build.fix import fix_source, shape
from compiler.readers.source import decode_source
from conftest import FIXTURES, REPORTC, SAMPLE, one_line, run

CHAPTERS = [SAMPLE, *sorted((FIXTURES / "chapters").glob("*.txt")),
            *sorted(p for p in (FIXTURES / "recovery").iterdir() if p.suffix in (".md", ".txt"))]
RECOVERIES = ("section-recovered", "callout-recovered", "paragraph-rejoined", "punctuation-widened")

CHAPTER = """# 第二章 北京区县

## 概述

各区发挥优势,成效明显。

海淀区围绕中关村建设,政策享受有效期内的



**中关村科学城** 8月17日，科学城揭牌。

高新技术成果转化项目270项。

朝阳区以国际化为特色。
"""
FIXED = """# 第二章 北京区县

## 概述

各区发挥优势，成效明显。

## 海淀区

海淀区围绕中关村建设，政策享受有效期内的高新技术成果转化项目270项。



::: sidebar 中关村科学城
8月17日，科学城揭牌。
:::

## 朝阳区

朝阳区以国际化为特色。
"""


def fixed_build(path: Path):
    fixed = fix_source(path)
    return fixed, compile_text(decode_source(path, fixed.data))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_a_fixed_chapter_builds_to_the_same_tree_and_leaves_nothing_to_recover(chapter):
    fixed, again = fixed_build(chapter)
    assert shape(again.doc) == shape(compile_source(chapter).doc)
    assert fixed.left == []
    assert [f for f in again.findings.items if f.code in RECOVERIES] == []


@pytest.mark.parametrize("chapter", [SAMPLE, FIXTURES / "recovery" / "09_double_spaced_export.txt"],
                         ids=["sample", "double-spaced GB18030"])
def test_fixing_a_fixed_chapter_changes_nothing(chapter, tmp_path):
    once = tmp_path / chapter.name
    once.write_bytes(fix_source(chapter).data)
    assert fix_source(once).changed is False
    assert fix_source(once).data == once.read_bytes()


def test_the_sample_gets_every_recovery_written_out():
    fixed = fix_source(SAMPLE)
    assert fixed.written == {"section": 18, "sidebar": 18, "rejoined paragraph": 1, "punctuation": 10}
    text = fixed.data.decode("utf-8")
    assert "\n## 浦东新区\n\n浦东新区围绕" in text
    assert text.count("::: sidebar ") == 18


def test_the_fix_is_explicit_markdown_and_touches_only_the_recovered_lines(tmp_path):
    (tmp_path / "ch.txt").write_text(CHAPTER, encoding="utf-8")
    result = run(["fix", "ch.txt"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == FIXED
    assert one_line(result.stderr) == "ch.txt: fixed 2 sections, 1 sidebar, 1 rejoined paragraph, 2 blocks' punctuation"
    assert (tmp_path / "ch.txt").read_text(encoding="utf-8") == CHAPTER  # standard output only


def test_dash_o_writes_the_fixed_chapter_and_in_place_replaces_the_source(tmp_path):
    source = tmp_path / "ch.txt"
    source.write_text(CHAPTER, encoding="utf-8")
    source.chmod(0o640)
    result = run(["fix", "ch.txt", "-o", "fixed.txt"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fixed.txt").read_text(encoding="utf-8") == FIXED
    assert source.read_text(encoding="utf-8") == CHAPTER

    result = run(["fix", "ch.txt", "--in-place"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert source.read_text(encoding="utf-8") == FIXED
    assert source.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ch.txt", "fixed.txt"]  # no temporary file left

    before = source.stat().st_mtime_ns
    result = run(["fix", "ch.txt", "--in-place"], tmp_path)
    assert one_line(result.stderr) == "ch.txt: nothing to fix"
    assert source.stat().st_mtime_ns == before  # not written again: its build stays up to date


def test_in_place_fixes_the_file_a_symbolic_link_points_at(tmp_path):
    (tmp_path / "ch.txt").write_text(CHAPTER, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("ch.txt")
    assert run(["fix", "link.txt", "--in-place"], tmp_path).returncode == 0
    assert (tmp_path / "link.txt").is_symlink()
    assert (tmp_path / "ch.txt").read_text(encoding="utf-8") == FIXED


def test_a_gb18030_crlf_chapter_stays_gb18030_and_crlf_and_only_changed_lines_differ(tmp_path):
    source = tmp_path / "ch.txt"
    source.write_bytes(CHAPTER.replace("\n", "\r\n").encode("gb18030"))
    result = run(["fix", "ch.txt", "--in-place"], tmp_path)
    assert result.returncode == 0, result.stderr
    data = source.read_bytes()
    assert data == FIXED.replace("\n", "\r\n").encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    original = CHAPTER.replace("\n", "\r\n").encode("gb18030").split(b"\r\n")
    kept = set(data.split(b"\r\n"))
    changed = [number for number, line in enumerate(original, start=1) if line not in kept]
    assert changed == [5, 7, 11, 13]  # punctuation twice, the sidebar's title, the paragraph's second half


def test_a_utf8_bom_and_mixed_line_ends_are_kept(tmp_path):
    source = tmp_path / "ch.txt"
    text = CHAPTER.replace("\n", "\r\n", 3)  # the first three lines CRLF, the rest LF
    source.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    fixed = fix_source(source).data
    assert fixed.startswith(b"\xef\xbb\xbf# ")
    assert fixed.decode("utf-8-sig").startswith("# 第二章 北京区县\r\n\r\n## 概述\r\n\n各区发挥优势，")
    assert fixed.count(b"\r\n") == 3


def test_standard_output_keeps_the_source_encoding(tmp_path):
    source = tmp_path / "ch.txt"
    source.write_bytes(CHAPTER.encode("gb18030"))
    command = [str(REPORTC)] if REPORTC.exists() else [sys.executable, "-m", "compiler"]
    result = subprocess.run([*command, "fix", "ch.txt"], cwd=tmp_path, capture_output=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == FIXED.encode("gb18030")


def test_a_written_out_sidebar_the_tree_cannot_match_is_left_and_said(tmp_path):
    # the link target's `)` would take the `（` of `(市)` in a plain alignment: the mark it
    # cannot place is left as written, the others are made full-width
    (tmp_path / "ch.md").write_text("# T\n\n见[上海(市)](http://a.b/c,d)说明,另见。\n", encoding="utf-8")
    fixed, again = fixed_build(tmp_path / "ch.md")
    assert shape(again.doc) == shape(compile_source(tmp_path / "ch.md").doc)
    assert "说明，另见" in fixed.data.decode("utf-8")
    assert fixed.left and fixed.left[0][0] == 3
    result = run(["fix", "ch.md", "-o", "out.md"], tmp_path)
    assert result.returncode == 0
    assert result.stderr.splitlines()[0].startswith("ch.md:3: ")


@pytest.mark.parametrize("make, args, message, code", [
    (lambda tmp: None, ["fix", "missing.txt"], "reportc: missing.txt: no such file", 2),
    (lambda tmp: (tmp / "folder").mkdir(), ["fix", "folder"], "reportc: folder: is a directory, not a chapter file", 2),
    (lambda tmp: (tmp / "bad.txt").write_bytes(b"# T\n\n\x80\x80\xff\n"), ["fix", "bad.txt"],
     "reportc: bad.txt:3: is neither UTF-8 nor GB18030 text (byte 0x80 at offset 5)", 2),
    (lambda tmp: (tmp / "ch.txt").write_text(CHAPTER, encoding="utf-8"), ["fix", "ch.txt", "-o", "none/out.txt"],
     "reportc: none/out.txt: cannot be written (No such file or directory)", 1),
])
def test_an_unreadable_source_or_unwritable_target_is_one_line_and_an_exit_code(tmp_path, make, args, message, code):
    make(tmp_path)
    result = run(args, tmp_path)
    assert result.returncode == code
    assert one_line(result.stderr) == message
    assert result.stdout == ""


def test_in_place_and_dash_o_together_are_a_usage_error(tmp_path):
    (tmp_path / "ch.txt").write_text(CHAPTER, encoding="utf-8")
    result = run(["fix", "ch.txt", "-o", "x.txt", "--in-place"], tmp_path)
    assert result.returncode == 2
    assert "not allowed with" in one_line(result.stderr)
    assert sorted(os.listdir(tmp_path)) == ["ch.txt"]

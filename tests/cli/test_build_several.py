"""`reportc build a/book.toml b/book.toml c.md -o OUT`: each target built into OUT/<name>/ as it
would be alone, one JSON stream whose records name their target, a failing target reported
without stopping the others."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, snapshot

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


def _book(folder: Path, title: str, chapters: int) -> Path:
    folder.mkdir(parents=True)
    names = []
    for number in range(1, chapters + 1):
        (folder / f"{number}.md").write_text(
            f"# 第{number}章 {title}\n\n## 概述\n\n{title}第{number}章的文字，全年完成重点项目一百二十项。\n", encoding="utf-8")
        names.append(f'"{number}.md"')
    (folder / "book.toml").write_text(f'title = "{title}"\nchapters = [{", ".join(names)}]\n', encoding="utf-8")
    return folder / "book.toml"


def _reportc(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compiler", "build", *arguments], capture_output=True, text=True,
                          timeout=600, cwd=cwd, env={**os.environ, **EPOCH, "PYTHONPATH": str(ROOT)})


def test_two_books_and_a_chapter_in_one_command(tmp_path):
    first, second = _book(tmp_path / "a", "甲书", 2), _book(tmp_path / "b", "乙书", 1)
    chapter = tmp_path / "c.md"
    chapter.write_text("# 单篇报告\n\n## 概述\n\n一篇报告的文字。\n", encoding="utf-8")
    done = _reportc("a/book.toml", "b/book.toml", "c.md", "-o", "OUT", "--json", "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert {record["target"] for record in records} == {"a/book.toml", "b/book.toml", "c.md"}
    outputs = {(record["target"], record["path"]) for record in records if record["type"] == "output"}
    assert outputs == {("a/book.toml", "OUT/a/book.pdf"), ("a/book.toml", "OUT/a/book.epub"),
                       ("a/book.toml", "OUT/a/edition.json"), ("b/book.toml", "OUT/b/book.pdf"),
                       ("b/book.toml", "OUT/b/book.epub"), ("b/book.toml", "OUT/b/edition.json"),
                       ("c.md", "OUT/c/c.pdf"), ("c.md", "OUT/c/c.epub")}
    layouts = {record["target"]: record for record in records if record["type"] == "layout"}
    assert layouts["a/book.toml"]["laid_out"] == [1, 2] and layouts["a/book.toml"]["engine"] == "local"
    assert layouts["b/book.toml"]["laid_out"] == [1]
    # each target is what it would be built alone
    for source, name in ((first, "a"), (second, "b"), (chapter, "c")):
        alone = tmp_path / "alone" / name
        jobs = ["--jobs", "1"] if source.suffix == ".toml" else []
        built = _reportc(str(source), "-o", str(alone), "-q", *jobs, cwd=tmp_path)
        assert built.returncode == 0, built.stderr
        together = snapshot(tmp_path / "OUT" / name)
        for output, data in snapshot(alone).items():
            if output != "edition.json":  # names the sources relative to the output folder
                assert together[output] == data, f"{name}/{output}"


def test_a_target_that_fails_is_reported_and_the_others_are_built(tmp_path):
    _book(tmp_path / "a", "甲书", 1)
    broken = _book(tmp_path / "b", "乙书", 1)
    broken.write_text(broken.read_text(encoding="utf-8").replace('"1.md"', '"missing.md"'), encoding="utf-8")
    done = _reportc("b/book.toml", "a/book.toml", "-o", "OUT", "-q", "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "missing.md" in done.stderr, done.stderr
    assert sorted(p.name for p in (tmp_path / "OUT" / "a").iterdir()) == ["book.epub", "book.pdf", "edition.json"]
    assert not (tmp_path / "OUT" / "b" / "book.pdf").exists()


def test_two_targets_of_one_name_are_refused_before_anything_is_built(tmp_path):
    _book(tmp_path / "x" / "a", "甲书", 1)
    _book(tmp_path / "y" / "a", "乙书", 1)
    done = _reportc("x/a/book.toml", "y/a/book.toml", "-o", "OUT", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == ("reportc: x/a/book.toml and y/a/book.toml would both be built into OUT/a: build them "
                           "in separate commands\n")
    assert not (tmp_path / "OUT").exists()

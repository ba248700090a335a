"""book.toml's recovery settings (issue 13, item 5): `recover = { sections = false, … }` switches
a recovery off for every chapter and `section_names = [...]` restricts recovered sections, as a
chapter's front matter does; a chapter's own front matter wins over the book. A wrong setting is
an error naming it (exit 2)."""

from __future__ import annotations

import pytest

from compiler.books.config import load_book
from compiler.build.chapter import compile_source
from compiler.diagnostics import ReportError
from compiler.model.nodes import Section
from compiler.model.traverse import iter_blocks, plain_text
from conftest import one_line, run

CHAPTER = """# 第二章 北京区县

## 概述

各区发挥优势。

海淀区围绕中关村建设,政策享受有效期内的



**中关村科学城** 8月17日，科学城揭牌。

高新技术成果转化项目270项。

朝阳区以国际化为特色。

丰台区以轨道交通为特色。
"""


def book(tmp_path, settings: str, front_matter: str = "") -> list:
    """The book's chapter compiled as the book's build compiles it: (recovered section titles,
    finding codes)."""
    (tmp_path / "ch.md").write_text(front_matter + CHAPTER, encoding="utf-8")
    (tmp_path / "book.toml").write_text(f'title = "书"\nchapters = ["ch.md"]\n{settings}', encoding="utf-8")
    loaded = load_book(tmp_path / "book.toml")
    compiled = compile_source(loaded.chapters[0], defaults=loaded.chapter_defaults())
    sections = [plain_text(b.title) for b in iter_blocks(compiled.doc) if isinstance(b, Section) and b.recovered]
    return [sections, sorted({f.code for f in compiled.findings.items if f.code})]


def test_without_settings_every_recovery_runs(tmp_path):
    assert book(tmp_path, "") == [["海淀区", "朝阳区", "丰台区"], ["callout-recovered", "paragraph-rejoined",
                                                      "punctuation-widened", "section-recovered"]]


@pytest.mark.parametrize("settings, off", [
    ("recover = { sections = false }\n", "section-recovered"),
    ("recover = { callouts = false }\n", "callout-recovered"),
    ("[recover]\nrejoin = false\n", "paragraph-rejoined"),
])
def test_recover_switches_a_recovery_off_for_every_chapter(tmp_path, settings, off):
    codes = book(tmp_path, settings)[1]
    assert off not in codes
    if off == "callout-recovered":  # no sidebar, nothing split either
        assert "paragraph-rejoined" not in codes


def test_section_names_restrict_the_recovered_sections(tmp_path):
    assert book(tmp_path, 'section_names = ["海淀区", "丰台区"]\n')[0] == ["海淀区", "丰台区"]


def test_a_chapters_front_matter_wins_over_the_book(tmp_path):
    assert book(tmp_path, "recover = { sections = false }\n", "---\nrecover_sections: true\n---\n")[0] == [
        "海淀区", "朝阳区", "丰台区"]
    assert book(tmp_path, 'section_names = ["海淀区", "丰台区"]\n',
                "---\nsection_names: [海淀区, 朝阳区]\n---\n")[0] == ["海淀区", "朝阳区"]


def test_a_book_build_uses_the_books_settings(tmp_path):
    book(tmp_path, "recover = { sections = false }\n")
    result = run(["build", "book.toml", "--format", "html", "-o", "out"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "recovered 0 sections, 1 callout, 1 rejoined paragraph" in result.stdout.splitlines()


@pytest.mark.parametrize("settings, message", [
    ("recover = { headings = false }\n", "unknown key 'recover.headings' (known: callouts, rejoin, sections)"),
    ('recover = { sections = "no" }\n', "'recover.sections' must be a bool"),
    ('recover = false\n', "'recover' must be a dict"),
    ('section_names = "海淀区"\n', "'section_names' must be a list"),
    ('section_names = ["海淀区", 3]\n', "'section_names' must list names"),
])
def test_a_wrong_recovery_setting_is_an_error_naming_it(tmp_path, settings, message):
    with pytest.raises(ReportError) as raised:
        book(tmp_path, settings)
    assert raised.value.exit_code == 2 and str(raised.value).endswith(message)
    result = run(["build", "book.toml", "--format", "html", "-o", "out"], tmp_path)
    assert result.returncode == 2 and one_line(result.stderr).endswith(message)

"""A chapter's normalised tree is kept between builds (`compiler.build.trees`, issue #15): a
chapter whose bytes, CSV files, images and tools did not change is not read and normalised again,
comes back as a fresh one would (tree dump and findings), and anything it depends on that changed
— its text, a CSV file, an image appearing — compiles it anew. A damaged entry is a miss;
`--no-cache` compiles every chapter but keeps them for the next build."""

from __future__ import annotations

import io
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from compiler.build import build, build_book
from compiler.build.chapter import compile_chapters, compile_source
from compiler.build.options import BuildOptions
from compiler.build.trees import TreeStore
from compiler.model.dump import dump
from conftest import SAMPLE, epub_content_text

# reuse_outputs off: each build runs (the outputs' up-to-date check would skip it whole)
REBUILD = BuildOptions(formats=("epub",), jobs=1, reuse_outputs=False)
NO_CACHE = BuildOptions(formats=("epub",), jobs=1, reuse_outputs=False, reuse_parts=False)  # what --no-cache gives
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")
CHAPTERS = {
    "one.md": "# 第一章 概述\n\n第一章的正文。\n",
    "two.md": "# 第二章 经济\n\n第二章的正文。\n",
    "three.md": "# 第三章 人口\n\n第三章的正文。\n\n![人口分布图](images/map.png)\n",  # missing: a warning
}
TABLE_CHAPTER = "# 第一章 概述\n\n正文。\n\n```table\nfile: gdp.csv\ncaption: 各区生产总值\n```\n"
LONG_AGO = time.time() - 3600  # an input saved within seconds of its reading is not kept (it may have changed)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the chapters the reader reads, in order (a spy on `read_document`)."""
    import compiler.readers.markdown as markdown

    real, seen = markdown.read_document, []

    def spy(source, *args, **kwargs):
        seen.append(source.path.name)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(markdown, "read_document", spy)
    return seen


def _book(folder: Path, chapters: dict[str, str] = CHAPTERS) -> Path:
    for name, text in chapters.items():
        (folder / name).write_text(text, encoding="utf-8")
    book = folder / "book.toml"
    names = ", ".join(f'"{name}"' for name in chapters)
    book.write_text(f'title = "缓存之书"\nchapters = [{names}]\n', encoding="utf-8")
    return book


def _entries(cache: Path) -> list[Path]:
    folder = cache / "trees"
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def test_a_second_build_of_a_book_reads_and_normalises_no_unchanged_chapter(tmp_path, reads, own_cache):
    book = _book(tmp_path)
    first = build_book(book, tmp_path / "out", REBUILD)
    assert reads == ["one.md", "two.md", "three.md"]
    assert len(_entries(own_cache)) == 3
    reads.clear()
    second = build_book(book, tmp_path / "out", REBUILD)
    assert not second.up_to_date and reads == []
    assert second.inputs == first.inputs and second.pages == first.pages


def test_an_edited_chapter_is_compiled_again_and_its_new_text_is_built(tmp_path, reads):
    book = _book(tmp_path)
    build_book(book, tmp_path / "out", REBUILD)
    reads.clear()
    (tmp_path / "two.md").write_text("# 第二章 经济\n\n第二章改过的正文。\n", encoding="utf-8")
    rebuilt = build_book(book, tmp_path / "out", REBUILD)
    assert reads == ["two.md"]
    text = epub_content_text(rebuilt.outputs["epub"])
    assert "第二章改过的正文" in text and "第一章的正文" in text and "第三章的正文" in text


def test_the_findings_of_a_kept_chapter_are_reported_again_as_they_were(tmp_path, reads):
    from compiler.cli import print_findings

    def printed(findings) -> str:
        stream = io.StringIO()
        print_findings(findings, findings.sorted(), stream)
        return stream.getvalue()

    book = _book(tmp_path)
    first = build_book(book, tmp_path / "out", REBUILD)
    reads.clear()
    second = build_book(book, tmp_path / "out", REBUILD)
    assert reads == []
    assert [f.code for f in first.findings.items if f.level == "warning"] == ["image-not-shown"]
    assert second.findings.items == first.findings.items
    assert printed(second.findings) == printed(first.findings)
    # a single chapter's build reports its findings with their source lines: those come back too
    chapter = tmp_path / "three.md"
    one_chapter = replace(REBUILD, jobs=None)
    fresh = build(chapter, tmp_path / "single", one_chapter)
    reads.clear()
    kept = build(chapter, tmp_path / "single", one_chapter)
    assert reads == [] and kept.findings == fresh.findings
    assert printed(kept.findings) == printed(fresh.findings) and "![人口分布图]" in printed(kept.findings)


def test_no_cache_compiles_every_chapter_but_keeps_them_for_the_next_build(tmp_path, reads, own_cache):
    book = _book(tmp_path)
    build_book(book, tmp_path / "out", NO_CACHE)
    assert reads == ["one.md", "two.md", "three.md"]
    assert len(_entries(own_cache)) == 3, "--no-cache keeps what it compiled"
    reads.clear()
    build_book(book, tmp_path / "out", REBUILD)
    assert reads == [], "the build after --no-cache takes the chapters it kept"
    build_book(book, tmp_path / "out", NO_CACHE)
    assert reads == ["one.md", "two.md", "three.md"], "--no-cache reads no kept chapter"


def test_a_kept_chapter_has_the_tree_and_findings_of_a_fresh_one(reads):
    fresh = compile_source(SAMPLE)
    compile_chapters([SAMPLE])
    reads.clear()
    [kept] = compile_chapters([SAMPLE])
    assert reads == []
    assert dump(kept.doc) == dump(fresh.doc) and kept.doc == fresh.doc
    assert kept.source == fresh.source and kept.findings == fresh.findings


def test_a_changed_csv_file_compiles_the_chapter_again(tmp_path, reads):
    chapter = tmp_path / "chapter.md"
    chapter.write_text(TABLE_CHAPTER, encoding="utf-8")
    csv = tmp_path / "gdp.csv"
    csv.write_text("地区,生产总值\n浦东新区,16013.4\n", encoding="utf-8")
    os.utime(csv, (LONG_AGO, LONG_AGO))
    compile_chapters([chapter])
    [kept] = compile_chapters([chapter])
    assert reads == ["chapter.md"], "the unchanged chapter is kept"
    csv.write_text("地区,生产总值\n浦东新区,17777.7\n", encoding="utf-8")
    os.utime(csv, (LONG_AGO, LONG_AGO))  # the same time: the bytes tell
    [again] = compile_chapters([chapter])
    assert reads == ["chapter.md", "chapter.md"]
    assert "16,013.4" in dump(kept.doc) and "17,777.7" in dump(again.doc)
    assert dump(again.doc) == dump(compile_source(chapter).doc)


def test_a_missing_csv_file_that_appears_compiles_the_chapter_again(tmp_path, reads):
    chapter = tmp_path / "chapter.md"
    chapter.write_text(TABLE_CHAPTER, encoding="utf-8")
    [missing] = compile_chapters([chapter])
    [kept] = compile_chapters([chapter])
    assert reads == ["chapter.md"]
    assert [f.code for f in kept.findings.items] == [f.code for f in missing.findings.items]
    assert "table-data-unreadable" in [f.code for f in kept.findings.items]
    (tmp_path / "gdp.csv").write_text("地区,生产总值\n浦东新区,16013.4\n", encoding="utf-8")
    [found] = compile_chapters([chapter])
    assert reads == ["chapter.md", "chapter.md"]
    assert "table-data-unreadable" not in [f.code for f in found.findings.items] and "16,013.4" in dump(found.doc)


def test_an_image_that_appears_compiles_the_chapter_again(tmp_path, reads):
    chapter = tmp_path / "chapter.md"
    chapter.write_text("# 第一章 概述\n\n正文。\n\n![示意图](images/pic.png)\n", encoding="utf-8")
    [missing] = compile_chapters([chapter])
    compile_chapters([chapter])
    assert reads == ["chapter.md"]
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "pic.png").write_bytes(PNG)
    [shown] = compile_chapters([chapter])
    assert reads == ["chapter.md", "chapter.md"]
    assert "image-not-shown" in [f.code for f in missing.findings.items]
    assert "image-not-shown" not in [f.code for f in shown.findings.items]
    assert "file='images/pic.png'" in dump(shown.doc)


def test_other_defaults_are_another_entry(tmp_path, reads):
    chapter = tmp_path / "chapter.md"
    chapter.write_text(CHAPTERS["one.md"], encoding="utf-8")
    compile_chapters([chapter])
    [other] = compile_chapters([chapter], defaults={"recover_sections": "false"})
    assert reads == ["chapter.md", "chapter.md"] and other.doc.meta["recover_sections"] == "false"
    [same] = compile_chapters([chapter], defaults={"recover_sections": "false"})
    assert reads == ["chapter.md", "chapter.md"] and same.doc.meta["recover_sections"] == "false"


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", "truncated"])
def test_a_damaged_entry_is_a_miss_and_is_written_again(tmp_path, reads, own_cache, damage):
    chapter = tmp_path / "chapter.md"
    chapter.write_text(CHAPTERS["two.md"], encoding="utf-8")
    [fresh] = compile_chapters([chapter])
    [entry] = _entries(own_cache)
    data = entry.read_bytes()
    entry.write_bytes(data[:len(data) // 2] if damage == "truncated" else damage)
    [again] = compile_chapters([chapter])
    assert reads == ["chapter.md", "chapter.md"]
    assert dump(again.doc) == dump(fresh.doc) and again.findings == fresh.findings
    assert entry.read_bytes() == data, "the damaged entry is replaced"
    compile_chapters([chapter])
    assert reads == ["chapter.md", "chapter.md"]


class _Foreign:
    """What a pickle from elsewhere might hold: a call made as it is loaded."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __reduce__(self):
        return os.mkdir, (str(self.folder),)


def test_an_entry_holding_anything_but_a_chapter_is_a_miss_and_nothing_of_it_runs(tmp_path, reads, own_cache):
    import pickle

    chapter = tmp_path / "chapter.md"
    chapter.write_text(CHAPTERS["two.md"], encoding="utf-8")
    compile_chapters([chapter])
    [entry] = _entries(own_cache)
    entry.write_bytes(pickle.dumps({"format": 1, "doc": _Foreign(tmp_path / "ran")}))
    [again] = compile_chapters([chapter])
    assert reads == ["chapter.md", "chapter.md"] and "第二章的正文" in dump(again.doc)
    assert not (tmp_path / "ran").exists()


def test_an_unwritable_cache_costs_only_the_reuse(tmp_path, reads, monkeypatch, own_cache):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(blocker))
    chapter = tmp_path / "chapter.md"
    chapter.write_text(CHAPTERS["one.md"], encoding="utf-8")
    compile_chapters([chapter])
    [again] = compile_chapters([chapter])
    assert reads == ["chapter.md", "chapter.md"] and "第一章的正文" in dump(again.doc)
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(own_cache))  # writable again: the chapter is kept
    compile_chapters([chapter])
    compile_chapters([chapter])
    assert reads == ["chapter.md"] * 3


def test_pruning_keeps_the_most_recently_used_entries(tmp_path):
    store = TreeStore(tmp_path / "trees", tools="tools")
    store.folder.mkdir()
    for age, name in enumerate(["newest", "newer", "older", "oldest"]):
        path = store.file(name)
        path.write_bytes(b"entry")
        os.utime(path, (LONG_AGO - age, LONG_AGO - age))
    left_by_a_killed_build = store.folder / ".oldest.abc.part"
    left_by_a_killed_build.write_bytes(b"half")
    os.utime(left_by_a_killed_build, (LONG_AGO, LONG_AGO))
    being_written = store.folder / ".newest.xyz.part"
    being_written.write_bytes(b"half")
    store.prune(keep=2)
    assert sorted(p.name for p in store.folder.iterdir()) == [".newest.xyz.part", "newer.pickle", "newest.pickle"]

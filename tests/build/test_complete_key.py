"""The up-to-date key is complete: each change that made main report stale outputs "up to date"
(issue #14) rebuilds now — a book's own layout's print.css, an image that was missing and now
exists, a source's modification time (the EPUB's date), reportc's own code, a font file of the
manifest — and a file saved while a build runs is not recorded as built. The record is written
under a name of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from compiler.build import build, build_book
from compiler.build.options import BuildOptions
from compiler.build.progress import Progress
from compiler.resources import LAYOUTS_DIR
from conftest import ROOT, SAMPLE

EPUB_ONLY = BuildOptions(formats=("epub",))
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def _chapter(tmp_path: Path, text: str = "# 第一章 概述\n\n正文。\n") -> Path:
    source = tmp_path / "chapter.md"
    source.write_text(text, encoding="utf-8")
    return source


def test_a_change_to_the_print_css_of_the_layout_a_book_names_rebuilds_its_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(LAYOUTS_DIR / "yearbook", tmp_path / "house")
    (tmp_path / "one.md").write_text("# 第一章 概述\n\n正文。\n", encoding="utf-8")
    (tmp_path / "book.toml").write_text(
        f'title = "书"\nlayout = "{tmp_path / "house"}"\nchapters = ["one.md"]\n', encoding="utf-8")
    options = BuildOptions(formats=("pdf",), jobs=1)
    assert not build_book(tmp_path / "book.toml", tmp_path / "out", options).up_to_date
    assert build_book(tmp_path / "book.toml", tmp_path / "out", options).up_to_date
    css = tmp_path / "house" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\np { color: #222; }\n", encoding="utf-8")
    assert not build_book(tmp_path / "book.toml", tmp_path / "out", options).up_to_date


def test_an_image_missing_at_the_last_build_that_now_exists_rebuilds(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    source = _chapter(tmp_path, "# 第一章 概述\n\n正文。\n\n![示意图](images/pic.png)\n")
    first = build(source, tmp_path / "out", EPUB_ONLY)
    assert not first.up_to_date
    assert build(source, tmp_path / "out", EPUB_ONLY).up_to_date
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "pic.png").write_bytes(PNG)
    rebuilt = build(source, tmp_path / "out", EPUB_ONLY)
    assert not rebuilt.up_to_date
    assert build(source, tmp_path / "out", EPUB_ONLY).up_to_date


def test_a_source_whose_time_changed_rebuilds_unless_source_date_epoch_sets_the_date(tmp_path, monkeypatch):
    """The EPUB carries the newest source's modification time as its date."""
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    source = _chapter(tmp_path)
    os.utime(source, (1_600_000_000, 1_600_000_000))
    build(source, tmp_path / "out", EPUB_ONLY)
    assert build(source, tmp_path / "out", EPUB_ONLY).up_to_date
    os.utime(source, (1_700_000_000, 1_700_000_000))  # the same bytes, another date
    assert not build(source, tmp_path / "out", EPUB_ONLY).up_to_date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1300000000")
    build(source, tmp_path / "out", EPUB_ONLY)
    os.utime(source, (1_650_000_000, 1_650_000_000))
    assert build(source, tmp_path / "out", EPUB_ONLY).up_to_date


def _copy_of_reportc(tmp_path: Path) -> Path:
    """reportc's code, layouts and font manifest copied, to be changed as an upgrade would."""
    repo = tmp_path / "reportc"
    shutil.copytree(ROOT / "compiler", repo / "compiler", ignore=shutil.ignore_patterns("__pycache__", "_data"))
    shutil.copytree(LAYOUTS_DIR, repo / "layouts")
    shutil.copytree(ROOT / "fonts", repo / "fonts")
    return repo


def _run_copy(repo: Path, source: Path, out: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(repo), "REPORTC_CACHE_DIR": str(repo.parent / "cache")}
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run([sys.executable, "-m", "compiler", "build", str(source), "-o", str(out), "--format", "epub"],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_change_to_reportcs_own_code_rebuilds(tmp_path):
    repo = _copy_of_reportc(tmp_path)
    source = _chapter(tmp_path)
    assert "wrote" in _run_copy(repo, source, tmp_path / "out")
    assert "up to date" in _run_copy(repo, source, tmp_path / "out")
    module = repo / "compiler" / "transforms" / "whitespace.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# a fix\n", encoding="utf-8")
    assert "wrote" in _run_copy(repo, source, tmp_path / "out")


def test_a_font_file_of_the_manifest_that_changed_rebuilds(tmp_path):
    """A font package upgraded in place: fonts.toml is the same, a file it names is not."""
    repo = _copy_of_reportc(tmp_path)
    font = tmp_path / "fonts" / "Face-Regular.otf"
    font.parent.mkdir()
    font.write_bytes(b"OTTO version 1")
    manifest = repo / "fonts" / "fonts.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"', f'"{font}"', 1),
                        encoding="utf-8")
    source = _chapter(tmp_path)
    assert "wrote" in _run_copy(repo, source, tmp_path / "out")
    assert "up to date" in _run_copy(repo, source, tmp_path / "out")
    font.write_bytes(b"OTTO version 2 (longer)")
    assert "wrote" in _run_copy(repo, source, tmp_path / "out")


class _SaveDuringLayout(Progress):
    """A progress display that saves a new text of the chapter while the build lays it out,
    as an editor would."""

    def __init__(self, source: Path):
        super().__init__()
        self.source = source

    def started(self, name: str) -> None:
        if name == "paginate":
            self.source.write_text("# 第一章 概述\n\n保存于构建之中的新正文。\n", encoding="utf-8")


def test_a_source_saved_during_the_build_is_not_recorded_as_built(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    source = _chapter(tmp_path)
    build(source, tmp_path / "out", EPUB_ONLY, progress=_SaveDuringLayout(source))
    again = build(source, tmp_path / "out", EPUB_ONLY)
    assert not again.up_to_date, "the text saved during the build was never built"


def test_the_record_is_written_under_a_name_of_its_own(tmp_path, monkeypatch):
    """Another build's temporary file (here: a folder squatting on the name main used for every
    build) does not keep the record from being written."""
    from compiler.build.cache import record_file

    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    source = _chapter(tmp_path)
    target = record_file(tmp_path / "out", source.name)
    target.with_suffix(".json.part").mkdir(parents=True)
    build(source, tmp_path / "out", EPUB_ONLY)
    assert target.is_file()
    assert build(source, tmp_path / "out", EPUB_ONLY).up_to_date
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".part")] == [target.name + ".part"]

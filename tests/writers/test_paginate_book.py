"""A book laid out chapter by chapter in parallel processes, stitched and joined, is the book laid
out as one document: same pages, same text and number on every page, same bookmarks and links,
same EPUB. And a rebuild lays out again only the chapters that changed."""

from __future__ import annotations

import pickle
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, stopped_at_exit

from compiler.build.options import BuildOptions

BOOK = FIXTURES / "book" / "book.toml"


def _page_texts(pdf: Path) -> list[str]:
    """pdftotext's text of each page, laid out as on the page (so positions count too)."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def _outline(pdf: Path) -> list[tuple[int, str, int]]:
    from pypdf import PdfReader

    reader = PdfReader(pdf)

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item)

    return list(walk(reader.outline, 0))


def _links(pdf: Path) -> list[tuple[int, str, int]]:
    """Every internal link: its page, its destination name and the page that name leads to."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        page_of = {page.objgen: number for number, page in enumerate(document.pages)}
        names = pikepdf.NameTree(document.Root.Names.Dests)
        links = []
        for number, page in enumerate(document.pages):
            for annotation in page.get("/Annots", []):
                if "/Dest" in annotation:
                    name = str(annotation.Dest)
                    links.append((number, name, page_of[names[name][0].objgen] if name in names else -1))
        return links


@pytest.fixture(scope="module")
def whole_and_parts(tmp_path_factory):
    from compiler.build import build_book

    whole = tmp_path_factory.mktemp("whole")
    parts = tmp_path_factory.mktemp("parts")
    build_book(BOOK, whole, BuildOptions(paginate_apart=False))
    result = build_book(BOOK, parts, BuildOptions(jobs=2, reuse_parts=False, reuse_outputs=False))
    assert result.paginated == [0, 1, 2]
    return whole / "book.pdf", parts / "book.pdf"


def test_parallel_build_has_the_pages_and_the_text_of_each_page_of_the_whole_document(whole_and_parts):
    whole, parts = whole_and_parts
    whole_pages, parts_pages = _page_texts(whole), _page_texts(parts)
    assert len(whole_pages) == len(parts_pages) == 27
    for number, (expected, got) in enumerate(zip(whole_pages, parts_pages), start=1):
        assert got == expected, f"page {number} differs"


def test_parallel_build_prints_the_stitched_page_numbers(whole_and_parts):
    _, parts = whole_and_parts
    last_lines = [next((line.strip() for line in reversed(page.splitlines()) if line.strip()), "")
                  for page in _page_texts(parts)]
    last_lines = [line if re.fullmatch(r"\d+|[ivx]+", line) else "" for line in last_lines]
    # 4 roman front pages; chapter 1 (15 pages + a blank verso), chapter 2 from 17 (3 + blank), chapter 3 from 21
    assert last_lines[:4] == ["", "", "iii", "iv"]
    assert last_lines[4:19] == [str(n) for n in range(1, 16)]
    assert last_lines[19] == ""  # the blank verso carries no number
    assert last_lines[20] == "17" and last_lines[24] == "21" and last_lines[26] == "23"


def test_parallel_build_has_the_labels_bookmarks_and_links_of_the_whole_document(whole_and_parts):
    from pypdf import PdfReader

    whole, parts = whole_and_parts
    assert PdfReader(parts).page_labels == PdfReader(whole).page_labels
    assert _outline(parts) == _outline(whole)
    links = _links(parts)
    assert links == _links(whole)
    contents = [link for link in links if link[0] in (2, 3)]
    assert len(contents) > 30 and all(target > 3 for _, _, target in contents)  # the contents lead to chapters


def test_parallel_build_looks_the_same_and_shares_one_font_program_per_face(whole_and_parts, tmp_path):
    import pikepdf

    whole, parts = whole_and_parts
    for name, pdf in (("whole", whole), ("parts", parts)):
        (tmp_path / name).mkdir()
        subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(tmp_path / name / "p")], check=True)
    rendered = sorted(p.name for p in (tmp_path / "whole").iterdir())
    assert len(rendered) == 27
    for name in rendered:
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "parts" / name).read_bytes(), name
    with pikepdf.open(parts) as document:
        programs = {}
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                programs.setdefault(str(obj.FontName), set()).add(obj.FontFile3.objgen)
    assert programs and all(len(streams) == 1 for streams in programs.values())
    assert parts.stat().st_size < whole.stat().st_size * 1.1


def test_one_process_and_two_make_the_same_bytes(whole_and_parts, tmp_path):
    from compiler.build import build_book

    _, parts = whole_and_parts
    build_book(BOOK, tmp_path, BuildOptions(jobs=1, reuse_parts=False, reuse_outputs=False))
    assert (tmp_path / "book.pdf").read_bytes() == parts.read_bytes()
    # with two jobs the EPUB is made in another process, while the build joins the PDF
    assert (tmp_path / "book.epub").read_bytes() == parts.with_suffix(".epub").read_bytes()


def test_parallel_build_makes_the_same_epub(whole_and_parts):
    whole, parts = whole_and_parts
    assert parts.with_suffix(".epub").read_bytes() == whole.with_suffix(".epub").read_bytes()


@pytest.fixture
def own_book(tmp_path):
    """The test book with its chapters copied beside it, free to edit."""
    folder = tmp_path / "book"
    (folder / "chapters").mkdir(parents=True)
    names = []
    for number, chapter in enumerate(["000_946237fb39f22908.txt", "chapters/beijing_qu_xian.txt",
                                      "chapters/hunan_shi_zhou.txt"]):
        target = folder / "chapters" / f"{number + 1}.txt"
        shutil.copyfile(FIXTURES / chapter, target)
        names.append(f'"chapters/{number + 1}.txt"')
    text = BOOK.read_text(encoding="utf-8")
    text = text[:text.index("chapters = ")] + f"chapters = [{', '.join(names)}]\n"
    (folder / "book.toml").write_text(text, encoding="utf-8")
    return folder / "book.toml"


def test_a_rebuild_lays_out_only_the_chapter_that_changed(own_book, tmp_path):
    from compiler.build import build_book

    out = tmp_path / "out"
    assert build_book(own_book, out, BuildOptions(jobs=2, reuse_outputs=False)).paginated == [0, 1, 2]
    before = _page_texts(out / "book.pdf")
    assert build_book(own_book, out, BuildOptions(jobs=2, reuse_outputs=False)).paginated == []
    assert _page_texts(out / "book.pdf") == before
    own_book.write_text(own_book.read_text(encoding="utf-8").replace("区县科技年鉴", "区县科技年鉴（修订本）"),
                        encoding="utf-8")
    assert build_book(own_book, out, BuildOptions(jobs=2, reuse_outputs=False)).paginated == []  # the title is the front matter's alone
    assert "区县科技年鉴（修订本）" in _page_texts(out / "book.pdf")[0]

    second = own_book.parent / "chapters" / "2.txt"
    second.write_text(second.read_text(encoding="utf-8").replace("全年发布信息", "全年发布各类信息"), encoding="utf-8")
    assert build_book(own_book, out, BuildOptions(jobs=2, reuse_outputs=False)).paginated == [1]
    after = _page_texts(out / "book.pdf")
    assert len(after) == len(before) and "全年发布各类信息" in "".join(after)
    assert build_book(own_book, out, BuildOptions(jobs=2, reuse_parts=False, reuse_outputs=False)).paginated == [0, 1, 2]
    assert _page_texts(out / "book.pdf") == after


def test_a_build_without_the_cache_still_leaves_its_chapters_for_the_next(own_book, tmp_path):
    """--no-cache lays every chapter out anew, and keeps them: the edit after it is incremental."""
    from compiler.build import build_book

    out = tmp_path / "out"
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    assert build_book(own_book, out, BuildOptions(jobs=1, reuse_parts=False, reuse_outputs=False)).paginated == [0, 1, 2]
    second = own_book.parent / "chapters" / "2.txt"
    second.write_text(second.read_text(encoding="utf-8").replace("全年发布信息", "全年发布各类信息"), encoding="utf-8")
    assert build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False)).paginated == [1]


def test_a_chapter_s_html_is_rendered_again_only_when_what_its_template_is_given_changes(own_book, tmp_path,
                                                                                        monkeypatch):
    from compiler.build import book as book_build
    from compiler.build import build_book

    rendered: list[int] = []
    original = book_build._render_part

    def counting(context, layout, **part):
        if not part.get("front", True):
            rendered.extend(part["chapters"])
        return original(context, layout, **part)

    monkeypatch.setattr(book_build, "_render_part", counting)
    out = tmp_path / "out"
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    assert sorted(rendered) == [0, 1, 2]
    rendered.clear()
    second = own_book.parent / "chapters" / "2.txt"
    second.write_text(second.read_text(encoding="utf-8").replace("全年发布信息", "全年发布各类信息"), encoding="utf-8")
    assert build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False)).paginated == [1]
    assert rendered == [1]
    rendered.clear()
    # a new heading is a new anchor: any chapter might link to it, so each is rendered again
    third = own_book.parent / "chapters" / "3.txt"
    third.write_text(third.read_text(encoding="utf-8") + "\n\n## 新增一节\n\n新增一节的正文。\n", encoding="utf-8")
    assert build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False)).paginated == [2]
    assert sorted(rendered) == [0, 1, 2]
    rendered.clear()
    # the book's settings are given to every chapter's template (a running head may print the title)
    own_book.write_text(own_book.read_text(encoding="utf-8").replace("区县科技年鉴", "区县科技年鉴（修订本）"),
                        encoding="utf-8")
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    assert sorted(rendered) == [0, 1, 2]
    cold = tmp_path / "cold"
    build_book(own_book, cold, BuildOptions(jobs=1, reuse_parts=False))
    assert (out / "book.pdf").read_bytes() == (cold / "book.pdf").read_bytes()


def test_a_chapter_that_grows_by_a_page_moves_the_numbers_of_those_after_it(own_book, tmp_path):
    from compiler.build import build_book

    out = tmp_path / "out"
    build_book(own_book, out, BuildOptions(jobs=2, reuse_outputs=False))
    pages_before = len(_page_texts(out / "book.pdf"))
    second = own_book.parent / "chapters" / "2.txt"
    text = second.read_text(encoding="utf-8")
    paragraph = "各区县围绕年度目标扎实推进各项工作，全年完成重点项目一百二十项，同比增长百分之十二。" * 6
    second.write_text(text + "\n\n" + "\n\n".join([paragraph] * 12) + "\n", encoding="utf-8")
    result = build_book(own_book, out, BuildOptions(jobs=2, reuse_outputs=False))
    # the third chapter is not laid out again: its page numbers are stamped anew
    assert result.paginated == [1]
    pages = _page_texts(out / "book.pdf")
    assert len(pages) > pages_before
    reference = tmp_path / "whole"
    build_book(own_book, reference, BuildOptions(paginate_apart=False))
    assert pages == _page_texts(reference / "book.pdf")
    # the same bytes as a build that laid every chapter out anew: a book's PDF does not depend
    # on which earlier builds it reused
    cold = tmp_path / "cold"
    assert build_book(own_book, cold, BuildOptions(jobs=2, reuse_parts=False)).paginated == [0, 1, 2]
    assert (out / "book.pdf").read_bytes() == (cold / "book.pdf").read_bytes()


def test_a_build_stopped_after_stamping_leaves_no_chapter_numbered_for_its_old_place(own_book, tmp_path,
                                                                                    monkeypatch):
    """Numbers stamped for a chapter's new place, then the build stopped (Ctrl-C during the
    front matter) and the edit undone: the next build does not take those numbers for the old place."""
    from compiler.build import build_book
    from compiler.writers.print import paginate_book

    out = tmp_path / "out"
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    second = own_book.parent / "chapters" / "2.txt"
    text = second.read_text(encoding="utf-8")
    paragraph = "各区县围绕年度目标扎实推进各项工作，全年完成重点项目一百二十项，同比增长百分之十二。" * 6
    second.write_text(text + "\n\n" + "\n\n".join([paragraph] * 12) + "\n", encoding="utf-8")

    def stopped(*args):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(paginate_book, "_lay_out_front", stopped)
        with pytest.raises(KeyboardInterrupt):
            build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    second.write_text(text, encoding="utf-8")
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    cold = tmp_path / "cold"
    build_book(own_book, cold, BuildOptions(jobs=1, reuse_parts=False))
    assert (out / "book.pdf").read_bytes() == (cold / "book.pdf").read_bytes()


def test_the_front_matter_is_laid_out_again_only_when_what_it_prints_changes(own_book, tmp_path, monkeypatch):
    from compiler.build import build_book
    from compiler.writers.print import paginate_book

    laid_out = []
    original = paginate_book._lay_out_front
    monkeypatch.setattr(paginate_book, "_lay_out_front", lambda *args: laid_out.append(1) or original(*args))
    out = tmp_path / "out"
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    assert len(laid_out) == 1
    second = own_book.parent / "chapters" / "2.txt"
    second.write_text(second.read_text(encoding="utf-8").replace("全年发布信息", "全年发布各类信息"), encoding="utf-8")
    assert build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False)).paginated == [1]
    assert len(laid_out) == 1  # a word in a chapter: the contents print the same
    cold = tmp_path / "cold"
    build_book(own_book, cold, BuildOptions(jobs=1, reuse_parts=False))
    assert (out / "book.pdf").read_bytes() == (cold / "book.pdf").read_bytes()
    own_book.write_text(own_book.read_text(encoding="utf-8").replace("区县科技年鉴", "区县科技年鉴（修订本）"),
                        encoding="utf-8")
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    assert len(laid_out) == 3  # the cold build's, then the new title's
    assert "区县科技年鉴（修订本）" in _page_texts(out / "book.pdf")[0]


def test_first_page_numbers_follow_the_counts_with_blank_versos():
    from compiler.writers.print.paginate_book import first_page_of

    counts = [15, 4, 3]
    assert [first_page_of(n, counts) for n in range(3)] == [1, 17, 21]


def test_page_numbers_are_shifted_after_pagination():
    from weasyprint import HTML

    from compiler.weasyprint_patches.page_numbers import numbered_on

    html = ("<style>@page { size: A6; @bottom-center { content: counter(page) } } p { break-after: page }</style>"
            "<p>一</p><p>二</p><p>三</p>")
    told = []
    with numbered_on(lambda count: told.append(count) or 40):
        document = HTML(string=html).render()
    assert told == [3]
    numbers = []
    for page in document.pages:
        margin = [box for box in page._page_box.children if type(box).__name__ == "MarginBox"]
        numbers.append("".join(text.text for box in margin for text in box.descendants() if hasattr(text, "text")))
    assert numbers == ["41", "42", "43"]


def test_a_build_error_raised_in_a_worker_process_keeps_its_exit_code():
    from compiler.diagnostics import EXIT_USAGE, ReportError

    error = pickle.loads(pickle.dumps(ReportError("ch.txt: refused", EXIT_USAGE)))
    assert str(error) == "ch.txt: refused" and error.exit_code == EXIT_USAGE


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return children


def _layout_processes(pid: int) -> list[int]:
    """The layout processes of the build `pid`: forked by the forkserver it started."""
    workers = []
    for child in _children(pid):
        try:
            if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                workers += _children(child)
        except OSError:
            pass
    return workers


def _lengthened(own_book: Path) -> None:
    """Each chapter of the test book three times over: seconds of layout in each process."""
    sample = (own_book.parent / "chapters" / "1.txt").read_text(encoding="utf-8")
    for number in (1, 2, 3):
        (own_book.parent / "chapters" / f"{number}.txt").write_text("\n\n".join([sample] * 3), encoding="utf-8")


def _started_layout_processes(process: subprocess.Popen) -> list[int]:
    """The layout processes of the build `process`, once two of them run (a minute at most)."""
    import time

    workers: list[int] = []
    for _ in range(3000):  # polling
        workers = _layout_processes(process.pid)
        if len(workers) >= 2 or process.poll() is not None:
            break
        time.sleep(0.02)
    assert len(workers) >= 2, "the build never started its layout processes"
    return workers


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_a_parallel_build_stopped_by_sigterm_stops_its_workers_and_changes_nothing(own_book, tmp_path):
    import os
    import signal
    import sys
    import time

    from conftest import snapshot

    out = tmp_path / "out"
    command = [sys.executable, "-m", "compiler", "build", str(own_book), "-o", str(out), "--jobs", "2", "-q"]
    assert subprocess.run(command, capture_output=True).returncode == 0
    before = snapshot(out)
    _lengthened(own_book)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers = _started_layout_processes(process)
    time.sleep(0.5)  # let them start laying out
    os.kill(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    for _ in range(500):
        if not any(_alive(pid) for pid in workers):
            break
        time.sleep(0.02)
    assert not any(_alive(pid) for pid in workers), "layout processes outlived the build"
    assert snapshot(out) == before
    assert not list(out.glob(".*.part"))


KILLED_LINE = re.compile(r"reportc: chapter (\d) \(/.*/chapters/(\d)\.txt\): (the process laying it out|a process laying out the book) died "
                         r"\(killed by SIGKILL: out of memory\?\); earlier outputs are unchanged")


def _build_command(own_book: Path, out: Path) -> list[str]:
    import sys

    return [sys.executable, "-m", "compiler", "build", str(own_book), "-o", str(out), "--jobs", "2", "--no-cache"]


def test_a_layout_process_killed_stops_the_build_naming_its_chapter_and_the_next_build_works(own_book, tmp_path):
    """The process laying out chapter 1 is killed (SIGKILL, as the OOM killer does) while the
    processes of chapters 2 and 3 wait for its page count: the build stops at once with one
    line naming chapter 1, the earlier outputs unchanged; the next build succeeds."""
    import os

    from compiler.writers.print.paginate_book import KILL_CHAPTER_VARIABLE
    from conftest import snapshot

    out = tmp_path / "out"
    command = _build_command(own_book, out)
    assert subprocess.run(command, capture_output=True).returncode == 0
    before = snapshot(out)
    killed = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, KILL_CHAPTER_VARIABLE: "1"})
    assert killed.returncode == 1, killed.stderr
    assert len(killed.stderr.splitlines()) == 1, killed.stderr
    match = KILLED_LINE.fullmatch(killed.stderr.strip())
    assert match and match.group(1, 2, 3) == ("1", "1", "the process laying it out"), killed.stderr
    assert snapshot(out) == before
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert len(_page_texts(out / "book.pdf")) == 27


def test_a_layout_process_killed_from_outside_does_not_hang_the_build(own_book, tmp_path):
    """A layout process killed by another process: the build ends with exit 1 and one line
    naming a chapter (`multiprocessing.Pool` lost the chapter and waited for it for ever)."""
    import os
    import signal
    import time

    from conftest import snapshot

    out = tmp_path / "out"
    command = _build_command(own_book, out)
    assert subprocess.run(command, capture_output=True).returncode == 0
    before = snapshot(out)
    _lengthened(own_book)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with stopped_at_exit(process):
        workers = _started_layout_processes(process)
        time.sleep(0.5)  # let them start laying out
        os.kill(workers[-1], signal.SIGKILL)
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    assert KILLED_LINE.fullmatch(stderr.strip()), stderr
    assert snapshot(out) == before
    assert not any(_alive(pid) for pid in workers), "layout processes outlived the build"


def test_a_program_without_a_main_guard_builds_a_book_in_parallel_once(tmp_path):
    """The layout processes import reportc, not the calling program: one with no
    `if __name__ == "__main__"` guard (or read from stdin) is not run again in each of them."""
    import sys

    from conftest import ROOT

    program = (f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
               "from compiler.build import build_book\nfrom compiler.build.options import BuildOptions\n"
               f"result = build_book({str(BOOK)!r}, {str(tmp_path / 'out')!r}, BuildOptions(jobs=2, reuse_parts=False, reuse_outputs=False))\n"
               "print('built', result.paginated)\n")
    (tmp_path / "program.py").write_text(program, encoding="utf-8")
    for command, stdin in (([sys.executable, str(tmp_path / "program.py")], None), ([sys.executable, "-"], program)):
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == ["built [0, 1, 2]"]


def test_the_command_line_says_which_chapters_it_laid_out_again(own_book, tmp_path):
    import json
    import sys

    out = tmp_path / "out"
    command = [sys.executable, "-m", "compiler", "build", str(own_book), "-o", str(out)]
    first = subprocess.run([*command, "--json"], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    records = [json.loads(line) for line in first.stdout.splitlines()]
    layout = next(record for record in records if record["type"] == "layout")
    assert (layout["chapters"], layout["laid_out"], layout["engine"]) == (3, [1, 2, 3], "local")
    third = own_book.parent / "chapters" / "3.txt"
    third.write_text(third.read_text(encoding="utf-8").replace("株洲市围绕", "株洲市紧紧围绕"), encoding="utf-8")
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "laid out 1 of 3 chapters (2 unchanged, reused)" in again.stdout.splitlines()


def _image_count(pdf: Path) -> int:
    """Image objects the pages draw (pages may share one resource dictionary)."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len({image.objgen for page in document.pages for image in page.get_images().values()})


def test_a_chapter_in_its_own_folder_shows_its_images_and_a_changed_image_is_laid_out_again(tmp_path):
    import sys

    from PIL import Image

    from compiler.build import build_book

    folder = tmp_path / "book"
    (folder / "chapters").mkdir(parents=True)
    Image.new("RGB", (120, 60), (200, 30, 30)).save(folder / "chapters" / "map.png")
    (folder / "chapters" / "a.md").write_text("# 第一章 图片\n\n## 概述\n\n区位如下图。\n\n![区位图](map.png)\n\n图后文字。\n",
                                              encoding="utf-8")
    (folder / "chapters" / "b.md").write_text("# 第二章 文字\n\n## 概述\n\n只有文字。\n", encoding="utf-8")
    book = folder / "book.toml"
    book.write_text('title = "图书"\nchapters = ["chapters/a.md", "chapters/b.md"]\n', encoding="utf-8")
    whole, out = tmp_path / "whole", tmp_path / "out"
    build_book(book, whole, BuildOptions(paginate_apart=False))
    assert _image_count(whole / "book.pdf") == 1
    command = [sys.executable, "-m", "compiler", "build", str(book), "-o", str(out)]
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert _image_count(out / "book.pdf") == 1
    Image.new("RGB", (120, 60), (30, 30, 200)).save(folder / "chapters" / "map.png")
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 0 and "up to date" not in again.stdout
    assert "laid out 1 of 2 chapters (1 unchanged, reused)" in again.stdout


def test_a_layout_whose_chapters_do_not_open_on_the_right_is_refused_by_parts_and_built_whole(tmp_path):
    import sys

    from conftest import ROOT

    layout = tmp_path / "layout"
    shutil.copytree(ROOT / "layouts" / "yearbook", layout)
    css = layout / "book.css"
    css.write_text(css.read_text(encoding="utf-8").replace("section.chapter { page: chapter; break-before: right; }",
                                                           "section.chapter { page: chapter; break-before: page; }"),
                   encoding="utf-8")
    book = tmp_path / "book.toml"
    text = BOOK.read_text(encoding="utf-8").replace('layout = "yearbook"', f'layout = "{layout}"')
    book.write_text(text.replace('"../', f'"{FIXTURES}/'), encoding="utf-8")
    command = [sys.executable, "-m", "compiler", "build", str(book), "-o", str(tmp_path / "out"), "-q"]
    refused = subprocess.run(command, capture_output=True, text=True)
    assert refused.returncode == 2
    assert "chapters_apart = true, but chapter 1 opens with break-before: page" in refused.stderr
    toml = layout / "layout.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("chapters_apart = true", "chapters_apart = false"),
                    encoding="utf-8")
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert "" not in [page.strip() for page in _page_texts(tmp_path / "out" / "book.pdf")]  # no blank versos


def test_chapter_parts_leave_their_font_programs_to_the_join(own_book, tmp_path, own_cache_folder):
    """WeasyPrint would subset every face for every chapter; the parts carry only the kind of
    program, and the joined book one subset per face (see the rendering test above)."""
    import pikepdf

    from compiler.build import build_book

    from compiler.build.parts import PartsFolder

    build_book(own_book, tmp_path / "out", BuildOptions(jobs=1, reuse_outputs=False))
    # Only this book's parts: other tests of the run leave parts (some deliberately damaged)
    # in the shared cache folder.
    store = PartsFolder.for_book(own_book.resolve(), tmp_path / "out", "")
    assert store is not None and store.folder.parent == own_cache_folder / "parts"
    parts = sorted(store.folder.glob("*.pdf"))
    assert len(parts) == 7  # the front matter, and each chapter's body and its page numbers apart
    assert len([part for part in parts if part.name.endswith(".numbers.pdf")]) == 3
    for part in parts:
        with pikepdf.open(part) as document:
            programs = [obj.FontFile3.read_bytes() for obj in document.objects
                        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"]
        assert programs and all(program == b"OTTO" for program in programs)
    assert "Noto" in subprocess.run(["pdffonts", str(tmp_path / "out" / "book.pdf")], capture_output=True,
                                    text=True, check=True).stdout


def test_layout_processes_are_forked_from_a_server_that_has_imported_weasyprint(own_book, tmp_path):
    """A layout process starts with WeasyPrint loaded (its import is 0.7 s of a fresh
    interpreter's start): its parent, the forkserver the build started, has Pango mapped."""
    import sys

    _lengthened(own_book)
    command = [sys.executable, "-m", "compiler", "build", str(own_book), "-o", str(tmp_path / "out"), "--jobs", "2",
               "--no-cache", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with stopped_at_exit(process):
        workers = _started_layout_processes(process)
        server = int(Path(f"/proc/{workers[0]}/stat").read_text().rsplit(")", 1)[1].split()[1])
        assert server != process.pid
        assert "libpango" in Path(f"/proc/{server}/maps").read_text()
        _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr


def test_the_join_reuses_the_font_subsets_of_an_earlier_join_and_not_a_damaged_one(own_book, tmp_path,
                                                                                  own_cache_folder, monkeypatch):
    from compiler.build import build_book
    from compiler.writers.print import join

    shutil.rmtree(own_cache_folder / "subsets", ignore_errors=True)  # only this book's subsets
    out = tmp_path / "out"
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    first = (out / "book.pdf").read_bytes()
    kept = sorted((own_cache_folder / "subsets").glob("*.font"))
    assert kept
    subsets = []
    original = join._subset_original
    monkeypatch.setattr(join, "_subset_original", lambda *args: subsets.append(args[:2]) or original(*args))
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    assert subsets == [] and (out / "book.pdf").read_bytes() == first
    kept[0].write_bytes(kept[0].read_bytes()[:100])  # damaged: subset again
    build_book(own_book, out, BuildOptions(jobs=1, reuse_outputs=False))
    assert len(subsets) == 1 and (out / "book.pdf").read_bytes() == first

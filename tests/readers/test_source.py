"""Real-world input: encodings, line ends, indentation, stray characters, unreadable files.

Editors feed the compiler files exported from Word, old GB-encoded archives and text pasted from
the web. Each input class here is read to the same tree as its clean UTF-8/LF equivalent (or
reported), and each unreadable input ends `build` and `check` with exit 2 and exactly one line
naming the file and the reason.
"""

from __future__ import annotations

import codecs
import os
import socket
import stat

import pytest

from compiler.model import nodes as t
from compiler.model.dump import dump
from compiler.model.traverse import iter_blocks, plain_text
from compiler.build import compile_source
from compiler.readers.source import decode_source, read_source

from conftest import one_line, run

CHAPTER = (
    "# 第一章 概况\n"
    "\n"
    "## 概述\n"
    "\n"
    "2010年，上海市科技工作取得新进展。\n"
    "全年实施科技项目120项。\n"
    "\n"
    "浦东新区围绕创新驱动发展战略，加快建设区域创新体系。\n"
)


def dump_of(path) -> str:
    return dump(compile_source(path).doc)


def levels_and_messages(path) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.level, f.message) for f in compile_source(path).findings.sorted()]


@pytest.fixture
def clean(tmp_path):
    path = tmp_path / "clean.txt"
    path.write_bytes(CHAPTER.encode("utf-8"))
    return path


# ----------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoded, encoding, note", [
    (codecs.BOM_UTF8 + CHAPTER.encode("utf-8"), "utf-8-sig", None),
    (CHAPTER.encode("gb18030"), "gb18030", "file is not UTF-8; read as GB18030"),
    (CHAPTER.encode("gbk"), "gb18030", "file is not UTF-8; read as GB18030"),
    (codecs.BOM_UTF16_LE + CHAPTER.encode("utf-16-le"), "utf-16-le", "file is not UTF-8; read as UTF-16-LE"),
    (codecs.BOM_UTF16_BE + CHAPTER.encode("utf-16-be"), "utf-16-be", "file is not UTF-8; read as UTF-16-BE"),
    (codecs.BOM_UTF32_LE + CHAPTER.encode("utf-32-le"), "utf-32-le", "file is not UTF-8; read as UTF-32-LE"),
], ids=["utf8-bom", "gb18030", "gbk", "utf16le-bom", "utf16be-bom", "utf32le-bom"])
def test_other_encodings_read_to_the_same_tree_and_say_so(tmp_path, clean, encoded, encoding, note):
    path = tmp_path / "clean.txt"  # same name: the dump names the source
    clean.unlink()
    path.write_bytes(encoded)
    assert read_source(path).encoding == encoding
    path_utf8 = tmp_path / "utf8" / "clean.txt"
    path_utf8.parent.mkdir()
    path_utf8.write_bytes(CHAPTER.encode("utf-8"))
    assert dump_of(path) == dump_of(path_utf8)
    expected = [(1, 1, "info", note)] if note else []
    assert levels_and_messages(path) == expected


def test_utf8_is_preferred_to_gb18030_when_both_would_decode(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes("# 标题\n\n正文。\n".encode("utf-8"))
    assert read_source(path).encoding == "utf-8"


TRADITIONAL = ("# 第五章 臺北市科技發展\n\n臺北市政府推動科技創新，建立國際級的研發環境與產業聚落。"
               "各區積極發展資訊服務業，擴大與學術機構的合作。\n")


def test_big5_is_recognised_not_garbled_as_gb18030(tmp_path):
    """Big5 bytes also decode as GB18030 — into rare characters; they are read as Big5."""
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    source = read_source(path)
    assert source.encoding == "big5"
    assert source.text.startswith("# 第五章 臺北市科技發展")
    assert levels_and_messages(path)[0] == (1, 1, "info", "file is not UTF-8; read as Big5")


def test_simplified_text_with_some_rare_characters_stays_gb18030(tmp_path):
    path = tmp_path / "gbk.txt"
    text = CHAPTER + "\n镕、喆、堃、珺等人名用字。\n"  # names outside GB2312, as real chapters have
    path.write_bytes(text.encode("gb18030"))
    assert read_source(path).encoding == "gb18030"


# ----------------------------------------------------------------------------- line ends and spaces


@pytest.mark.parametrize("ends", ["\r\n", "\r", "mixed"])
def test_crlf_cr_and_mixed_line_ends_read_like_lf(tmp_path, clean, ends):
    lines = CHAPTER.split("\n")
    if ends == "mixed":
        text = "".join(line + ("\r\n", "\r", "\n")[i % 3] for i, line in enumerate(lines[:-1]))
    else:
        text = ends.join(lines)
    (tmp_path / "crlf").mkdir()
    path = tmp_path / "crlf" / "clean.txt"
    path.write_bytes(text.encode("utf-8"))
    assert "\r" not in read_source(path).text
    assert dump_of(path) == dump_of(clean)
    assert levels_and_messages(path) == []


@pytest.mark.parametrize("indent", ["\u3000\u3000", "\t", "    ", "\u3000\u3000  ", "  \t"],
                         ids=["two-full-width-spaces", "tab", "four-spaces", "mixed", "spaces-and-tab"])
def test_paragraphs_indented_by_the_author_are_prose_not_code(tmp_path, clean, indent):
    """Word exports and pasted text indent each paragraph: `　　浦东新区…`. Markdown would read a
    tab or four spaces as a code block; the indent is dropped and the paragraph stays prose."""
    text = CHAPTER.replace("2010年", indent + "2010年").replace("全年", indent + "全年") \
        .replace("浦东新区", indent + "浦东新区")
    (tmp_path / "indented").mkdir()
    path = tmp_path / "indented" / "clean.txt"
    path.write_text(text, encoding="utf-8")
    doc = compile_source(path).doc
    assert "CodeBlock" not in dump(doc)
    assert dump_of(path) == dump_of(clean)


def test_indented_chinese_paragraph_after_a_heading_line_is_prose():
    source = decode_source(__import__("pathlib").Path("h.txt"), "# 标题\n\t上海市科技工作取得新进展。\n".encode())
    from compiler.readers.markdown import read_document

    doc = read_document(source)
    assert [type(b).__name__ for b in doc.children] == ["Paragraph"]
    assert plain_text(doc.children[0].children) == "上海市科技工作取得新进展。"


def test_indented_latin_code_stays_code_and_list_continuations_stay_in_the_list(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("# 标题\n\n正文。\n\n    print(1)\n\n- 要点一\n\n    要点一的说明，属于列表。\n", encoding="utf-8")
    doc = compile_source(path).doc
    kinds = [type(b).__name__ for b in doc.children]
    assert "CodeBlock" in kinds
    lists = [b for b in iter_blocks(doc.children) if isinstance(b, t.BulletList)]
    assert len(lists) == 1 and len(lists[0].items[0].children) == 2


def test_tabs_inside_a_line_are_kept_as_spacing_not_lost(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("# 标题\n\n项目\t数量\t金额。\n", encoding="utf-8")
    text = plain_text(compile_source(path).doc.children[0].children)
    assert text.replace(" ", "").replace("\t", "") == "项目数量金额。"


# ----------------------------------------------------------------------------- characters XML forbids


def test_control_characters_are_removed_and_each_line_reported_with_its_column(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("# 标题\n\n第一段\x0c。\n\n第\x01二\x1f段。\n", encoding="utf-8")
    compiled = compile_source(path)
    assert "\x0c" not in dump(compiled.doc) and "\x01" not in dump(compiled.doc)
    assert [plain_text(b.children) for b in compiled.doc.children] == ["第一段。", "第二段。"]
    assert levels_and_messages(path) == [
        (3, 4, "warning", "control character U+000C removed: it cannot appear in the outputs"),
        (5, 2, "warning", "control character U+0001, U+001F removed: it cannot appear in the outputs"),
    ]


def test_a_bom_inside_the_text_does_not_hide_a_heading(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("# 标题\n\n正文。\n\n\ufeff## 第二节\n\n正文。\n", encoding="utf-8")
    sections = [b for b in iter_blocks(compile_source(path).doc) if isinstance(b, t.Section)]
    assert [s.title for s in sections] == [[t.Text("第二节")]]


def test_an_empty_file_is_a_warning_not_a_crash(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert ("warning", "the chapter is empty") in [(f.level, f.message) for f in compile_source(path).findings.items]


# ----------------------------------------------------------------------------- unreadable input: exit 2


def _binary(tmp_path):
    (tmp_path / "chapter.txt").write_bytes("# 第一章\n\n正文".encode() + b"\x00\x01\x02binary")
    return "chapter.txt", "reportc: chapter.txt: is a binary file (holds NUL bytes), not a text chapter"


def _control_bytes(tmp_path):
    (tmp_path / "chapter.txt").write_bytes(bytes(range(1, 9)) * 40)
    return "chapter.txt", "reportc: chapter.txt: is a binary file (holds control bytes), not a text chapter"


def _undecodable(tmp_path):
    (tmp_path / "chapter.txt").write_bytes("# 标题\n\n正文".encode() + b"\n\x80\xff\n")
    return "chapter.txt", "reportc: chapter.txt:4: is neither UTF-8 nor GB18030 text (byte 0x80 at offset 17)"


def _bad_utf16(tmp_path):
    (tmp_path / "chapter.txt").write_bytes(codecs.BOM_UTF16_LE + "标题".encode("utf-16-le") + b"\x00\xd8")
    return "chapter.txt", ("reportc: chapter.txt: starts with a UTF-16 byte-order mark but is not UTF-16 text "
                           "(bad bytes at offset 6)")


def _missing(tmp_path):
    return "no-such-chapter.txt", "reportc: no-such-chapter.txt: no such file"


def _broken_link(tmp_path):
    (tmp_path / "chapter.txt").symlink_to(tmp_path / "gone.txt")
    return "chapter.txt", "reportc: chapter.txt: no such file (a broken symbolic link)"


def _directory(tmp_path):
    (tmp_path / "chapters").mkdir()
    return "chapters", "reportc: chapters: is a directory, not a chapter file"


def _fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    return "pipe.txt", "reportc: pipe.txt: is not a regular file, not a chapter file"


def _socket(tmp_path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock.txt"))
    server.close()
    return "sock.txt", "reportc: sock.txt: is not a regular file, not a chapter file"


# Root reads any file through its capabilities CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, not
# through its user id: without them (setpriv drops them from the bounding set, so the command
# never gets them) a file of mode 000 is denied to its owner root too, as to any user. CI runs
# as root, where a plain chmod would test nothing.
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []


def _unreadable(tmp_path):
    path = tmp_path / "chapter.txt"
    path.write_text("# 标题\n", encoding="utf-8")
    path.chmod(0)
    return "chapter.txt", "reportc: chapter.txt: cannot be read (Permission denied)"


BAD_INPUTS = [_binary, _control_bytes, _undecodable, _bad_utf16, _missing, _broken_link, _directory, _fifo,
              _socket, _unreadable]


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("make", BAD_INPUTS, ids=[f.__name__.strip("_") for f in BAD_INPUTS])
def test_unreadable_input_exits_2_with_exactly_one_line(tmp_path, command, make):
    name, expected = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run([command, name], tmp_path, timeout=60, prefix=UNPRIVILEGED)
    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr) == expected
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing written, no output folder"


def test_fifo_is_refused_without_being_opened(tmp_path):
    """Opening a FIFO for reading blocks until a writer comes: the check must come first."""
    os.mkfifo(tmp_path / "pipe.txt")
    assert stat.S_ISFIFO((tmp_path / "pipe.txt").stat().st_mode)
    with pytest.raises(Exception) as raised:
        read_source(tmp_path / "pipe.txt")
    assert "not a regular file" in str(raised.value)

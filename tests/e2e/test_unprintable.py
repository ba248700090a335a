"""Every character printable (issue 16, item 7), in the real outputs of a minimal chapter.

The defect: Thai letters, which the Noto CJK faces lack, printed as a row of overlapping boxes,
and nothing said so. Now the font stacks name the faces of the fallback chain of
fonts/fonts.toml that the chapter needs (Noto Sans Thai here), so the PDF sets the Thai word in
it (pdfplumber: the letters are extracted from a face named Thai, each base letter on its own
advance); a character no face has (U+10FFFD) is exactly one warning naming it and its line,
from `build` and from `reportc check`. On a machine whose
fontconfig does not see the fallback faces (a fonts.conf listing the CJK faces alone) the PDF
still has no Thai face, as before, but the Thai letters are a warning naming the package to
install, not silence. The sample, which needs no fallback face, names none in its stacks and
embeds the CJK faces only.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from compiler.build.options import BuildOptions
from compiler.checks.coverage import FALLBACK, UNPRINTABLE
from conftest import findings_in, run

pdfplumber = pytest.importorskip("pdfplumber")

THAI_WORD = "สวัสดี"
CHAPTER = f"""# 泰语示例

泰语：{THAI_WORD}，意为你好。

罕见字符：\U0010FFFD在此。
"""
THAI_LINE, UNPRINTABLE_LINE = 3, 5


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from compiler.build import build

    folder = tmp_path_factory.mktemp("unprintable")
    source = folder / "thai.md"
    source.write_text(CHAPTER, encoding="utf-8")
    result = build(source, folder / "out", BuildOptions(formats=("pdf", "html")))
    return {"folder": folder, "source": source, "pdf": folder / "out" / "thai.pdf",
            "html": folder / "out" / "thai.html", "result": result}


def _chars(pdf: Path) -> list[dict]:
    with pdfplumber.open(pdf) as document:
        return [char for page in document.pages for char in page.chars]


def test_the_thai_word_is_set_in_noto_sans_thai_not_boxes(built):
    chars = _chars(built["pdf"])
    thai = [char for char in chars if "\u0e00" <= char["text"] <= "\u0e7f"]
    assert "".join(char["text"] for char in thai) == THAI_WORD  # extracted: real glyphs, not .notdef
    assert all("Thai" in char["fontname"] for char in thai), {char["fontname"] for char in thai}
    bases = [char for char in thai if char["x1"] - char["x0"] > 1]  # the vowel marks take no advance
    assert len(bases) == 4
    assert all(later["x0"] >= earlier["x1"] - 0.01 for earlier, later in zip(bases, bases[1:]))


def test_the_font_stacks_name_the_fallback_face_the_chapter_needs(built):
    html = built["html"].read_text(encoding="utf-8")
    assert '--serif: "Noto Serif CJK SC", "Noto Sans Thai";' in html
    assert '--sans: "Noto Sans CJK SC", "Noto Sans Thai";' in html


def test_a_character_no_face_has_is_exactly_one_warning_naming_it_and_its_line(built):
    findings = built["result"].findings.items
    [warning] = [f for f in findings if f.code == UNPRINTABLE]
    assert (warning.level, warning.line, warning.column) == ("warning", UNPRINTABLE_LINE, 6)
    assert "U+10FFFD" in warning.message
    [info] = [f for f in findings if f.code == FALLBACK]
    assert info.line == THAI_LINE and "Noto Sans Thai" in info.message


def test_reportc_check_shows_the_warning(built):
    result = run(["check", str(built["source"])], built["folder"])
    assert result.returncode == 0, result.stderr
    found = [m for m in findings_in(result.stdout + result.stderr) if m["code"] == UNPRINTABLE]
    assert [(m["line"], m["level"]) for m in found] == [(str(UNPRINTABLE_LINE), "warning")]
    assert "U+10FFFD" in found[0]["message"]


def test_without_the_fallback_faces_the_thai_letters_are_a_warning_not_silence(built, tmp_path):
    """fontconfig sees the CJK faces only, as on a machine without fonts-noto-core: the letters
    still print as boxes, and now the build says so and names the package."""
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                      f"<fontconfig><dir>/usr/share/fonts/opentype/noto</dir><cachedir>{tmp_path / 'fc'}</cachedir>"
                      "</fontconfig>\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(["build", str(built["source"]), "-o", str(out), "--format", "pdf", "--no-cache"], built["folder"],
                 env_extra={"FONTCONFIG_FILE": str(config)})
    assert result.returncode == 0, result.stderr
    found = {int(m["line"]): m["message"] for m in findings_in(result.stderr) if m["code"] == UNPRINTABLE}
    assert sorted(found) == [THAI_LINE, UNPRINTABLE_LINE]
    assert "U+0E2A ส" in found[THAI_LINE] and "apt-get install fonts-noto-core" in found[THAI_LINE]
    assert not any("Thai" in char["fontname"] for char in _chars(out / "thai.pdf"))


def test_the_sample_needs_no_fallback_face(sample_build):
    html = sample_build.html.read_text(encoding="utf-8")
    assert '--serif: "Noto Serif CJK SC";' in html and "Noto Sans Thai" not in html
    listing = subprocess.run(["pdffonts", str(sample_build.pdf)], capture_output=True, text=True, check=True).stdout
    families = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
    assert families == {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}

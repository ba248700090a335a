"""Unit tests for compiler.checks.coverage (the characters no configured face prints) and for the
faces it is checked against (compiler.writers.print.coverage, compiler.writers.fonts).

Issue 16, item 7, "Every character printable": Thai letters, which the CJK faces lack, became
overlapping boxes in the PDF and nothing said so. Covers, with made-up faces: a character no
face has is one warning per line naming it (`U+E000 (private use)`) at its line and column,
only on the first line holding it; characters only a fallback face has are an info finding
naming that face; white space, controls, joiners and variation selectors are never reported;
headings, table cells, footnotes and code count, TeX and a shown image's alt text do not; a
character must be in every role's face. With the real faces of fonts/fonts.toml: the CJK faces
lack Thai, Noto Sans Thai (fonts-noto-core) has it; without the fallback chain the Thai word is
a warning naming the package (the silence of the defect), with it an info; the font stacks name
the chain, or the part of it a document needs, after each role's face; a face's cmap is read
once per process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.checks.coverage import (
    FALLBACK, UNPRINTABLE, FaceCharacters, FontCoverage, describe, first_lines, is_drawn, report_unprintable,
)
from compiler.diagnostics import Findings
from compiler.readers.markdown import read_document
from compiler.readers.source import SourceText
from compiler.transforms import normalise
from compiler.writers import fonts
from compiler.writers.print import coverage as font_files

THAI = range(0x0E01, 0x0E5C)
PRIVATE = "\ue000"


def face(family: str, *ranges: range | str) -> FaceCharacters:
    codes = frozenset(code for part in ranges for code in (part if isinstance(part, range) else map(ord, part)))
    return FaceCharacters(family, lambda: codes)


def cjk_and_ascii(family: str = "CJK") -> FaceCharacters:
    return face(family, range(0x20, 0x7F), range(0x3000, 0x3040), range(0x4E00, 0xA000), range(0xFF00, 0xFFF0))


COVERAGE = FontCoverage((cjk_and_ascii("CJK Serif"), cjk_and_ascii("CJK Sans")), (face("Fake Thai", THAI),))


def compiled(text: str) -> tuple[object, Findings]:
    findings = Findings("t.md", lines=text.split("\n"))
    doc = read_document(SourceText(Path("t.md"), text, "utf-8"), findings)
    return normalise(doc, findings), findings


def check(text: str, coverage: FontCoverage = COVERAGE) -> list[tuple[int, int, str, str, str]]:
    doc, findings = compiled(text)
    findings.items.clear()
    report_unprintable(doc, findings, coverage)  # type: ignore[arg-type]
    return [(f.line, f.column, f.level, f.code, f.message) for f in findings.sorted()]


def test_thai_and_a_private_use_character_in_a_tiny_chapter():
    found = check(f"# 泰语\n\n泰语：สวัสดี，意为你好。\n\n罕见：{PRIVATE}在此。\n")
    assert [(line, column, level, code) for line, column, level, code, _ in found] == [
        (3, 4, "info", FALLBACK), (5, 4, "warning", UNPRINTABLE)]
    assert found[0][4] == "set in a fallback face (Fake Thai: U+0E2A ส, U+0E27 ว, U+0E31 ◌ั, U+0E14 ด, U+0E35 ◌ี)"
    assert found[1][4] == "no configured font has U+E000 (private use): it would print as an empty box"


def test_one_warning_per_line_at_the_first_line_holding_each_character():
    found = check(f"# 标题\n\n甲\ue001乙{PRIVATE}丙\n\n丁{PRIVATE}戊\ue002\n")
    assert [(line, column, level) for line, column, level, _, _ in found] == [(3, 2, "warning"), (5, 4, "warning")]
    assert "U+E001 (private use), U+E000 (private use): they would print" in found[0][4]
    assert "U+E002" in found[1][4] and "U+E000" not in found[1][4]


def test_a_paragraph_over_several_lines_is_reported_at_the_line_holding_the_character():
    found = check(f"# 标题\n\n第一行文字，\n第二行{PRIVATE}文字。\n")
    assert [(line, column) for line, column, _, _, _ in found] == [(4, 4)]


def test_white_space_controls_joiners_and_selectors_are_never_reported():
    blank = "\u00a0\u2009\u200b\u2060\u00ad\ufe0f\U000E0100\t"
    assert not any(is_drawn(char) for char in blank)
    assert check(f"# 标题\n\n甲{blank}乙\n") == []


def test_headings_cells_footnotes_and_code_count_but_tex_and_shown_images_do_not(tmp_path):
    text = ("# 标题\ue010\n\n## 小节\ue011\n\n正文[^1]。\n\n| 列\ue012 | 乙 |\n| --- | --- |\n| 甲 | 丙\ue013 |\n\n"
            "```\ncode\ue014\n```\n\n公式 $x\ue015$ 在此。\n\n[^1]: 注释\ue016。\n")
    doc, _ = compiled(text)
    drawn = set(first_lines(doc))  # type: ignore[arg-type]
    assert {"\ue010", "\ue011", "\ue012", "\ue013", "\ue014", "\ue016"} <= drawn
    assert "\ue015" not in drawn


def test_a_character_must_be_in_every_role_face():
    serif_without = face("Serif", range(0x20, 0x7F), range(0x3000, 0x3040), range(0x4E00, 0x9FEF))
    found = check("# 标题\n\n字\u9fef。\n", FontCoverage((serif_without, cjk_and_ascii("Sans"))))
    assert [(line, level) for line, _, level, _, _ in found] == [(3, "warning")]
    assert "U+9FEF \u9fef:" in found[0][4]
    assert check("# 标题\n\n字\u9fef。\n", FontCoverage((cjk_and_ascii("Serif"), cjk_and_ascii("Sans")))) == []


def test_the_hint_names_the_packages_of_fallback_faces_not_installed():
    missing = FontCoverage((cjk_and_ascii(),), (), ("fonts-noto-core",))
    [(_, _, _, _, message)] = check("# 标题\n\n泰语：ก\n", missing)
    assert message.endswith("(fallback faces are not installed: apt-get install fonts-noto-core)")


def test_describe_names_code_point_and_character():
    assert describe("ก") == "U+0E01 ก"
    assert describe("\u0e31") == "U+0E31 ◌\u0e31"
    assert describe("\U0010fffd") == "U+10FFFD (private use)"
    assert describe("\u0378") == "U+0378 (unassigned)"


# ---------------------------------------------------------------- the real faces of fonts/fonts.toml


def test_the_cjk_faces_lack_thai_and_noto_sans_thai_has_it():
    real = font_files.font_coverage("zh-Hans")
    assert real is not None
    assert sorted(f.family for f in real.faces) == ["Noto Sans CJK SC", "Noto Sans Mono CJK SC", "Noto Serif CJK SC"]
    assert real.in_every_face("中") and not real.in_every_face("ส")
    assert real.fallback_face("ส") == "Noto Sans Thai"
    assert real.fallback_face("\U0010fffd") is None


def test_without_the_fallback_chain_thai_is_a_warning_naming_the_characters(tmp_path):
    """The defect: Thai letters no configured face has. Without a fallback chain they are a
    warning now, not silence; with the manifest's chain an info naming the face."""
    manifest = tmp_path / "fonts.toml"
    manifest.write_text(fonts.MANIFEST.read_text(encoding="utf-8").split("[[fallback]]")[0], encoding="utf-8")
    text = "# 泰语\n\n泰语：สวัสดี，意为你好。\n"
    doc, findings = compiled(text)
    findings.items.clear()
    font_files.check_printable(doc, findings, manifest)  # type: ignore[arg-type]
    [warning] = findings.items
    assert (warning.line, warning.column, warning.level, warning.code) == (3, 4, "warning", UNPRINTABLE)
    assert "U+0E2A ส" in warning.message and "U+0E35 ◌ี" in warning.message
    findings.items.clear()
    font_files.check_printable(doc, findings)  # type: ignore[arg-type]
    [info] = findings.items
    assert info.code == FALLBACK and "Noto Sans Thai" in info.message


def test_the_font_stacks_name_the_fallback_chain_after_each_role_face():
    css = fonts.font_variables_css()
    chain = ", ".join(f'"{f.family}"' for f in fonts.load_fallback())
    assert chain.startswith('"Noto Sans", "Noto Sans Thai"')
    for role in ("serif", "sans", "mono"):
        assert f'--{role}: "Noto {"Serif" if role == "serif" else "Sans Mono" if role == "mono" else "Sans"} CJK SC", {chain};' in css


def test_the_stacks_name_only_the_fallback_faces_a_document_needs():
    """Each character still goes to the first face of the chain that has it; a document that
    needs none (the sample) keeps stacks of its CJK faces alone."""
    thai, _ = compiled("# 泰语\n\n泰语：สวัสดี，表情😀，中文。\n")
    plain, _ = compiled("# 标题\n\n中文，English。\n")
    assert font_files.needed_fallback([thai]) == ["Noto Sans Thai", "Symbola"]  # type: ignore[list-item]
    assert font_files.needed_fallback([plain]) == []  # type: ignore[list-item]
    assert font_files.needed_fallback([plain, thai]) == ["Noto Sans Thai", "Symbola"]  # type: ignore[list-item]
    assert '--serif: "Noto Serif CJK SC";' in fonts.font_variables_css(fallback=[])
    assert '--sans: "Noto Sans CJK SC", "Noto Sans Thai";' in fonts.font_variables_css(fallback=["Noto Sans Thai"])


def test_language_families_follow_the_css_lang_rules():
    assert fonts.language_families("zh-Hant-TW")["serif"] == "Noto Serif CJK TC"
    assert fonts.language_families("zh-Hans")["sans"] == "Noto Sans CJK SC"
    assert fonts.language_families("zh-TW")["serif"] == "Noto Serif CJK SC"  # as :lang(zh-Hant) does not match it


def test_a_face_is_read_once_per_file_version():
    serif = fonts.load_manifest_files()["Noto Serif CJK SC"]
    font_files._mapped.cache_clear()
    first = font_files.face_characters("Noto Serif CJK SC", serif)
    assert first is not None and ord("中") in first
    assert font_files.face_characters("Noto Serif CJK SC", serif) is first
    assert font_files._mapped.cache_info().misses == 1
    assert font_files.face_characters("No Such Family", serif) is None
    assert font_files.face_characters("Noto Serif CJK SC", ["/no/such/file.ttc"]) is None


@pytest.mark.parametrize("family", [f.family for f in fonts.load_fallback()])
def test_every_fallback_face_is_installed_and_named_as_fontconfig_names_it(family):
    """`make build` installs the chain's packages; a misspelt family would never be used."""
    entry = next(f for f in fonts.load_fallback() if f.family == family)
    assert family in fonts.installed_families(), f"{family}: apt-get install {entry.debian_package}"
    assert font_files.face_characters(family, entry.files), entry.files

"""compiler.writers.epub.fonts: the subset faces and the CSS for an EPUB with embedded fonts.

On the sample's normalised tree: each face ≤ 400 KiB; each face's cmap maps exactly the
characters of its role's text (worked out here from the tree, independently of the module), and
no character the chapter lacks; no serif-bold face, since the sample has no bold outside run-ins;
byte-identical output from two calls and from processes with different hash seeds; the CSS names
every file and no other. On a small tree: a Strong in a paragraph brings the serif-bold face.
Subsetting a CJK face takes about a second, so the sample's result is made once per module.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from fontTools.ttLib import TTCollection, TTFont

from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, plain_text
from compiler.build import compile_source
from compiler.diagnostics import ReportError
from compiler.writers.templates import load_layout
from compiler.writers.epub.fonts import (
    SANS_BOLD, SANS_SELECTORS, SERIF_BOLD, SERIF_REGULAR, embedded_fonts, find_face,
)

from conftest import ROOT, SAMPLE

KIB = 1024
LIMIT = 400 * KIB
NOT_IN_ANY_CHAPTER = "龘"


def layout_words() -> str:
    strings = load_layout("yearbook").strings("zh-Hans")
    return strings["key_points"] + strings["contents"] + strings["callout"]


EXTRA = layout_words()


@pytest.fixture(scope="module")
def sample_doc() -> t.Document:
    return compile_source(SAMPLE).doc


@pytest.fixture(scope="module")
def sample_fonts(sample_doc):
    return embedded_fonts(sample_doc, EXTRA)


def small_doc() -> t.Document:
    return t.Document(
        title=[t.Text("第一章 测试")],
        children=[
            t.Section(2, [t.Text("概述")], [
                t.Paragraph([t.RunIn([t.Text("推进发展。")]), t.Text("正文"), t.Strong([t.Text("重点")]),
                             t.Text("2010年😀")], 3),
                t.Callout([t.Text("专栏标题")], [t.Text("专栏正文")], 5),
            ], 1, ident="s1"),
        ],
        source_name="small.md",
    )


@pytest.fixture(scope="module")
def small_fonts():
    return embedded_fonts(small_doc(), EXTRA)


def cmap_chars(data: bytes) -> set[str]:
    return {chr(code) for code in TTFont(io.BytesIO(data)).getBestCmap()}


def by_role(fonts) -> dict[str, bytes]:
    data = dict(fonts.files)
    return {face.role: data[face.file_name] for face in fonts.faces}


# ---------------------------------------------------------------- the text each face must show,
# read from the tree here, not through the module


def inline_nodes(nodes, skip=()):
    """Every inline node under `nodes`, not entering nodes of the types in `skip`."""
    for node in nodes:
        if isinstance(node, skip):
            continue
        yield node
        yield from inline_nodes(getattr(node, "children", []), skip)


def body_runs(doc: t.Document):
    """Inline runs set in the body face: paragraphs, callout bodies, key points, table cells."""
    for block in iter_blocks(doc.children):
        if isinstance(block, t.Paragraph):
            yield block.children
        elif isinstance(block, t.Callout):
            yield block.children
        elif isinstance(block, t.KeyPoints):
            yield from block.items
        elif isinstance(block, t.Table):
            yield from block.header
            yield from (cell for row in block.rows for cell in row)


def title_runs(doc: t.Document):
    yield doc.title
    for block in iter_blocks(doc.children):
        if isinstance(block, (t.Section, t.Callout)):
            yield block.title
        elif isinstance(block, t.Paragraph):
            yield from ([node] for node in block.children if isinstance(node, t.RunIn))


def sans_expected(doc: t.Document) -> set[str]:
    return set("".join(plain_text(run) for run in title_runs(doc)) + EXTRA + " ")


def serif_expected(doc: t.Document, markers: str) -> set[str]:
    text = "".join(plain_text(run) for run in [*title_runs(doc), *body_runs(doc)])
    return set(text + EXTRA + markers + " ") - {"\n"}


# ---------------------------------------------------------------- the sample


def test_sample_has_no_bold_outside_run_ins_and_titles(sample_doc):
    """The premise of the next test, read from the tree: every Strong is a run-in's or a title's."""
    body = [node for run in body_runs(sample_doc) for node in inline_nodes(run, skip=t.RunIn)]
    assert body and not any(isinstance(node, t.Strong) for node in body)
    assert not any(isinstance(b, t.Table) for b in iter_blocks(sample_doc.children))
    run_ins = [n for run in body_runs(sample_doc) for n in run if isinstance(n, t.RunIn)]
    assert len(run_ins) == 71


def test_sample_gets_serif_regular_and_sans_bold_only(sample_fonts):
    assert [face.role for face in sample_fonts.faces] == [SERIF_REGULAR, SANS_BOLD]
    assert [name for name, _ in sample_fonts.files] == [
        "fonts/NotoSerifCJKsc-Regular-subset.otf", "fonts/NotoSansCJKsc-Bold-subset.otf",
    ]
    assert [(f.family, f.weight) for f in sample_fonts.faces] == [("reportc Serif", 400), ("reportc Sans", 700)]


def test_each_sample_face_is_at_most_400_kib(sample_fonts):
    sizes = {name: len(data) for name, data in sample_fonts.files}
    assert all(size <= LIMIT for size in sizes.values()), sizes


def test_serif_cmap_is_exactly_the_chapter_text(sample_doc, sample_fonts):
    # the key points are an unordered list: reading systems draw its bullet in the body face
    expected = serif_expected(sample_doc, markers="•")
    got = cmap_chars(by_role(sample_fonts)[SERIF_REGULAR])
    assert got == expected, (sorted(expected - got), sorted(got - expected))
    assert {"区", "县", "“", "”", "—", "…", "%", "7", "G", "R", " ", "本", "章", "要", "点", "目", "录", "专", "栏"} <= got
    assert NOT_IN_ANY_CHAPTER not in got


def test_sans_cmap_is_exactly_the_titles_and_run_ins(sample_doc, sample_fonts):
    expected = sans_expected(sample_doc)
    got = cmap_chars(by_role(sample_fonts)[SANS_BOLD])
    assert got == expected, (sorted(expected - got), sorted(got - expected))
    assert NOT_IN_ANY_CHAPTER not in got
    # a character of the body text that no title, run-in or layout word has
    body_only = serif_expected(sample_doc, "") - expected
    assert "亩" in body_only and "亩" not in got  # 规划近百亩土地 (闸北区)


def test_no_character_of_the_sample_is_missing_from_the_faces(sample_fonts):
    assert [(face.role, face.missing) for face in sample_fonts.faces] == [(SERIF_REGULAR, ""), (SANS_BOLD, "")]


def test_faces_are_cff_opentype_without_vertical_tables_or_hints(sample_fonts):
    for face in sample_fonts.faces:
        data = dict(sample_fonts.files)[face.file_name]
        assert data[:4] == b"OTTO"
        font = TTFont(io.BytesIO(data))
        assert "CFF " in font and "glyf" not in font
        assert not {"vhea", "vmtx", "VORG"} & set(font.keys())
        top = font["CFF "].cff.topDictIndex[0]
        for fd in top.FDArray:
            assert "BlueValues" not in fd.Private.rawDict and "StdHW" not in fd.Private.rawDict
        features = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
        features |= {r.FeatureTag for r in font["GPOS"].table.FeatureList.FeatureRecord}
        assert {"locl", "halt", "palt"} <= features
        # the face keeps its copyright and licence (SIL OFL) and its own date
        assert "SIL Open Font License" in font["name"].getDebugName(13)
        assert font["name"].getDebugName(0)
        source = TTFont(str(face.source.path), fontNumber=face.source.index, lazy=True)
        assert font["head"].modified == source["head"].modified
        assert font["name"].getDebugName(1) == face.source.family


def test_two_calls_give_byte_identical_files(sample_doc, sample_fonts):
    again = embedded_fonts(sample_doc, EXTRA)
    assert again.files == sample_fonts.files
    assert again.css == sample_fonts.css


def test_processes_with_other_hash_seeds_give_the_same_bytes(small_fonts):
    script = (
        "import hashlib, sys\n"
        "sys.path[:0] = ['tests', 'tests/writers']\n"
        "from test_epub_fonts import EXTRA, small_doc\n"
        "from compiler.writers.epub.fonts import embedded_fonts\n"
        "for name, data in embedded_fonts(small_doc(), EXTRA).files:\n"
        "    print(name, hashlib.sha256(data).hexdigest())\n"
    )
    import hashlib

    expected = "".join(f"{name} {hashlib.sha256(data).hexdigest()}\n" for name, data in small_fonts.files)
    for seed in ("1", "2"):
        run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                             env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}, check=True)
        assert run.stdout == expected


def test_css_references_every_file_and_only_those(sample_fonts, small_fonts):
    for fonts in (sample_fonts, small_fonts):
        urls = re.findall(r'url\("([^"]+)"\)', fonts.css)
        assert sorted(urls) == sorted(f"../{name}" for name, _ in fonts.files)
        assert len(urls) == len(set(urls)) == fonts.css.count("@font-face")


def test_css_declares_the_faces_and_applies_them(sample_fonts):
    css = sample_fonts.css
    faces = re.findall(r"@font-face \{(.*?)\}", css, re.S)
    declared = [(re.search(r'font-family: "([^"]+)"', f)[1], re.search(r"font-weight: (\d+)", f)[1]) for f in faces]
    assert declared == [("reportc Serif", "400"), ("reportc Sans", "700")]
    assert re.search(r'^body \{ font-family: "reportc Serif", ', css, re.M)
    sans_rule = re.search(r"^(.*) \{ font-family: \"reportc Sans\".*font-weight: bold; \}$", css, re.M)
    assert sans_rule and sans_rule[1] == SANS_SELECTORS
    assert [s.strip() for s in SANS_SELECTORS.split(",")] == [
        "h1", "h2", "h3", "h4", "h5", "h6", ".callout-title", ".key-points-title", "strong.run-in",
    ]


# ---------------------------------------------------------------- a small tree with bold in the text


def test_strong_in_a_paragraph_brings_the_serif_bold_face(small_fonts):
    assert [(f.role, f.family, f.weight) for f in small_fonts.faces] == [
        (SERIF_REGULAR, "reportc Serif", 400), (SERIF_BOLD, "reportc Serif", 700), (SANS_BOLD, "reportc Sans", 700),
    ]
    assert [name for name, _ in small_fonts.files][1] == "fonts/NotoSerifCJKsc-Bold-subset.otf"
    faces = by_role(small_fonts)
    assert cmap_chars(faces[SERIF_BOLD]) == {"重", "点", " "}
    assert cmap_chars(faces[SANS_BOLD]) == set("第一章 测试概述推进发展。专栏标题" + EXTRA)
    assert cmap_chars(faces[SERIF_REGULAR]) == set("第一章 测试概述推进发展。正文重点2010年专栏标题正文" + EXTRA)
    assert '"reportc Serif";\n  font-style: normal;\n  font-weight: 700;' in small_fonts.css


def test_a_character_no_face_has_is_reported_not_mapped(small_fonts):
    serif = small_fonts.faces[0]
    assert serif.missing == "😀"
    assert "😀" not in cmap_chars(by_role(small_fonts)[SERIF_REGULAR])


def test_a_document_without_text_gets_no_faces():
    fonts = embedded_fonts(t.Document(title=[], children=[], source_name="empty.md"))
    assert fonts.files == [] and fonts.faces == []
    assert "@font-face" not in fonts.css and "{" not in fonts.css


# ---------------------------------------------------------------- finding the faces


@pytest.mark.parametrize("family, weight", [("Noto Serif CJK SC", 400), ("Noto Sans CJK SC", 700),
                                            ("Noto Serif CJK TC", 700)])
def test_faces_are_picked_from_the_collection_by_name_and_weight(family, weight):
    face = find_face(family, weight)
    collection = TTCollection(str(face.path), lazy=True)
    font = collection.fonts[face.index]
    assert font["name"].getName(1, 3, 1, 0x409).toUnicode() == family
    assert font["OS/2"].usWeightClass == weight
    collection.close()


def test_a_face_the_manifest_files_lack_is_an_error(tmp_path):
    manifest = tmp_path / "fonts.toml"
    manifest.write_text(
        '[[face]]\nfamily = "Noto Serif CJK SC"\nfiles = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"]\n'
        'debian_package = "fonts-noto-cjk"\n', encoding="utf-8")
    with pytest.raises(ReportError, match="Noto Serif CJK SC.*weight 400.*fonts-noto-cjk"):
        find_face("Noto Serif CJK SC", 400, manifest)
    with pytest.raises(ReportError, match="not in fonts.toml"):
        find_face("Noto Serif CJK JP", 400, manifest)


def test_a_traditional_chinese_chapter_gets_the_tc_faces():
    doc = t.Document(title=[t.Text("第一章 區縣")], children=[t.Paragraph([t.Text("這是正文")], 3)],
                     source_name="hant.md", language="zh-Hant")
    fonts = embedded_fonts(doc, "本章要點")
    assert [name for name, _ in fonts.files] == [
        "fonts/NotoSerifCJKtc-Regular-subset.otf", "fonts/NotoSansCJKtc-Bold-subset.otf",
    ]
    assert [face.source.family for face in fonts.faces] == ["Noto Serif CJK TC", "Noto Sans CJK TC"]
    assert cmap_chars(dict(fonts.files)["fonts/NotoSansCJKtc-Bold-subset.otf"]) == set("第一章 區縣本章要點")

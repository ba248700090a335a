"""Fonts embedded in the EPUB: subsets of the layout's Noto CJK faces holding only the glyphs
the chapter needs, and the CSS (`styles/fonts.css`) that declares and applies them.

Three roles, each a face named in `fonts/fonts.toml` and found inside its TTC by family name
(name ID 1) and weight (OS/2 usWeightClass):

- serif regular: every visible character of the chapter (titles too: the navigation document
  shows them in the body face), the list markers reading systems draw (•, 1.), plus
  `extra_text`, the words the layout prints itself;
- sans bold: the chapter title, section and heading titles, run-in lead-ins, callout titles,
  plus `extra_text` (本章要点, 目录 … appear as titles);
- serif bold: bold text set in the body face: `Strong` outside titles and run-ins, and table
  header cells (`th` is bold in every reading system's default style). Left out when empty.

The subsets keep the OpenType features horizontal Chinese needs (fontTools' default list, which
has kern, locl, halt and palt) for the document's language system only: the TTC faces carry
`locl` forms for Japanese, Korean and the other Chinese standards, and keeping those would
nearly double the glyph count for forms a zh-Hans book never shows. Vertical metrics and
hinting are dropped; the output is CFF-flavoured OpenType, byte-identical for the same input.

Link `styles/fonts.css` after the layout's own stylesheets: the rules below have the same
specificity as the layout's `font-family: sans-serif` for titles and must come later to win.
"""

from __future__ import annotations

import io
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Sequence

from ...diagnostics import EXIT_FAILURE, ReportError
from ...model.nodes import Block, BulletList, Document, Inline, KeyPoints, RunIn, Strong
from ...model.traverse import child_blocks, is_span, iter_blocks, iter_runs, shown_fields, shown_text
from ..fonts import MANIFEST, load_fallback
from ..print.coverage import needed_fallback

# The elements set in the sans face, bold. Everything else inherits the serif face from `body`.
SANS_SELECTORS = "h1, h2, h3, h4, h5, h6, .callout-title, .key-points-title, strong.run-in"
SERIF_SELECTORS = "body"

CSS_FILE = "styles/fonts.css"  # where the integration stores `EmbeddedFonts.css`
FONT_DIR = "fonts"  # EPUB-relative folder of the font files
FONT_MEDIA_TYPE = "font/otf"  # an EPUB 3 core media type for OpenType (CFF) fonts
CSS_FAMILY = {"serif": "reportc Serif", "sans": "reportc Sans"}

SERIF_REGULAR = "serif-regular"
SERIF_BOLD = "serif-bold"
SANS_BOLD = "sans-bold"
# role → (kind, weight); the order is the order of `files`, the CSS and `faces`
ROLES = {SERIF_REGULAR: ("serif", 400), SERIF_BOLD: ("serif", 700), SANS_BOLD: ("sans", 700)}

# Added to fontTools' default layout features (which already has them, in 4.68): what
# horizontal Chinese needs. Vertical features stay with the default list (harmless, and
# reading systems that set the book vertically still get rotated punctuation).
CJK_FEATURES = ("kern", "locl", "halt", "palt")
DROP_TABLES = ("vhea", "vmtx", "VORG")
# Family, style, version, PostScript name … plus 0 (copyright), 13 and 14 (licence text and
# URL): the SIL OFL asks that the notice and the licence travel with every modified copy.
NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)


@dataclass(frozen=True)
class Profile:
    """The faces and OpenType language systems for a document language."""

    serif: str
    sans: str
    language_systems: tuple[str, ...]  # kept besides each script's default language system


PROFILES = {
    "zh-Hans": Profile("Noto Serif CJK SC", "Noto Sans CJK SC", ("ZHS ",)),
    "zh-Hant": Profile("Noto Serif CJK TC", "Noto Sans CJK TC", ("ZHT ",)),
    "zh-Hant-HK": Profile("Noto Serif CJK TC", "Noto Sans CJK TC", ("ZHH ",)),
}


def profile(language: str) -> Profile:
    """zh-Hant, zh-TW → Traditional; zh-HK, zh-MO → Traditional with Hong Kong forms; else Simplified."""
    parts = language.lower().replace("_", "-").split("-")
    if "hk" in parts or "mo" in parts:
        return PROFILES["zh-Hant-HK"]
    if "hant" in parts or "tw" in parts:
        return PROFILES["zh-Hant"]
    return PROFILES["zh-Hans"]


@dataclass(frozen=True)
class SourceFace:
    """A face inside a font file: `index` is its number in a TTC, -1 for a single font."""

    family: str
    weight: int
    path: Path
    index: int
    postscript_name: str


@dataclass(frozen=True)
class EmbeddedFace:
    """One subset face in the EPUB: its role, file, CSS family and the characters it maps."""

    role: str  # SERIF_REGULAR, SERIF_BOLD or SANS_BOLD
    file_name: str  # EPUB-relative, e.g. fonts/NotoSerifCJKsc-Regular-subset.otf
    family: str  # the CSS family, e.g. "reportc Serif"
    weight: int
    source: SourceFace
    characters: str  # the characters the subset maps, in code point order
    missing: str  # characters of the role's text that the source face does not have


@dataclass
class EmbeddedFonts:
    """The font files of an EPUB and the CSS that declares and applies them."""

    files: list[tuple[str, bytes]]  # (EPUB-relative name, OTF bytes)
    css: str  # for styles/fonts.css: @font-face rules and the rules applying them
    faces: list[EmbeddedFace]


def embedded_fonts(doc: Document, extra_text: str = "", manifest: Path = MANIFEST) -> EmbeddedFonts:
    """Subset fonts for `doc` and their CSS. `extra_text`: what the layout prints itself."""
    chosen = profile(doc.language)
    texts = role_texts(doc, extra_text)
    faces: list[EmbeddedFace] = []
    files: list[tuple[str, bytes]] = []
    for role, (kind, weight) in ROLES.items():
        characters = glyph_characters(texts[role])
        if not characters:
            continue
        source = find_face(chosen.serif if kind == "serif" else chosen.sans, weight, manifest)
        data, covered, missing = subset_face(source, characters, chosen.language_systems)
        file_name = f"{FONT_DIR}/{_safe_name(source.postscript_name)}-subset.otf"
        faces.append(EmbeddedFace(role, file_name, CSS_FAMILY[kind], weight, source, covered, missing))
        files.append((file_name, data))
    # Reading systems bring fonts of their own for the scripts the subsets lack; the stacks name
    # the fallback faces the print edition uses first, for those that have them (none are
    # embedded: a Thai or Arabic face's shaping rules are not CJK_FEATURES, and a reading system
    # has such faces), and only when needed, so an EPUB whose characters the subsets hold stays
    # as it was.
    fallback: list[str] = []
    if any(face.missing for face in faces):
        needed = needed_fallback([doc], manifest)
        fallback = [face.family for face in load_fallback(manifest)] if needed is None else needed
    return EmbeddedFonts(files, font_css(faces, chosen, fallback), faces)


# ---------------------------------------------------------------- which characters, per role


def role_texts(doc: Document, extra_text: str = "") -> dict[str, str]:
    """The text each role's face must show (characters may repeat; see `glyph_characters`).

    Every run of the tree is read, with its role: a title (set in the sans face) or a table's
    header cell (bold); inside a run, a run-in lead-in is set like a title, bold text in the
    serif bold. Blocks that show text of their own (code, raw HTML) are body text."""
    runs: dict[str, list[str]] = {role: [] for role in ROLES}

    def add(text: str, *, title: bool, bold: bool) -> None:
        runs[SERIF_REGULAR].append(text)
        if title:
            runs[SANS_BOLD].append(text)
        elif bold:
            runs[SERIF_BOLD].append(text)

    def inlines(nodes: list[Inline], *, title: bool, bold: bool) -> None:
        for node in nodes:
            if is_span(type(node)):
                inlines(node.children, title=title or isinstance(node, RunIn),  # type: ignore[union-attr]
                        bold=bold or isinstance(node, (RunIn, Strong)))
            else:
                add(shown_text(node), title=title, bold=bold)

    for found in iter_runs(doc):
        inlines(found.nodes, title=found.role == "title", bold=found.role == "header")
    for block in iter_blocks(doc):
        if shown_fields(type(block)):
            add(shown_text(block), title=False, bold=False)
    runs[SERIF_REGULAR].append(list_markers(doc.children))
    runs[SERIF_REGULAR].append(extra_text)
    runs[SANS_BOLD].append(extra_text)
    return {role: "".join(parts) for role, parts in runs.items()}


# The markers reading systems draw as text in the list's own (body) font: CSS's default
# list-style-type of an unordered list at each nesting depth (disc, circle, square, …).
UNORDERED_MARKERS = ("\u2022", "\u25e6", "\u25aa")


def list_markers(blocks: list[Block], depth: int = 0) -> str:
    """The text of the list markers of `blocks`: the bullets of unordered lists (and of the
    key points), the numbers and full stops of ordered ones."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, KeyPoints):
            out.append(UNORDERED_MARKERS[min(depth, len(UNORDERED_MARKERS) - 1)])
        elif isinstance(block, BulletList):
            if block.ordered:
                out.extend(f"{number}." for number in range(block.start, block.start + len(block.items)))
            else:
                out.append(UNORDERED_MARKERS[min(depth, len(UNORDERED_MARKERS) - 1)])
            for item in block.items:
                out.append(list_markers(item.children, depth + 1))
        else:
            out.append(list_markers(list(child_blocks(block)), depth))
    return "".join(out)


def needs_glyph(char: str) -> bool:
    """False for control characters and variation selectors (cmap format 14 covers those)."""
    code = ord(char)
    if unicodedata.category(char) == "Cc":
        return False
    return not (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180D)


def glyph_characters(text: str) -> str:
    """The characters a face for `text` maps, in code point order: empty when the text has
    nothing but white space, else its characters and always the space."""
    chars = {c for c in text if needs_glyph(c)}
    if not any(not c.isspace() for c in chars):
        return ""
    return "".join(sorted(chars | {" "}))


# ---------------------------------------------------------------- finding the faces


def _english_name(font: Any, name_id: int) -> str:
    table = font["name"]
    record = table.getName(name_id, 3, 1, 0x409) or table.getName(name_id, 1, 0, 0)
    return record.toUnicode() if record else (table.getDebugName(name_id) or "")


def _faces_in(path: Path) -> Iterator[tuple[int, Any]]:
    """(index, TTFont) of each face in a font file; index -1 for a single font."""
    from fontTools.ttLib import TTCollection, TTFont

    with path.open("rb") as handle:
        is_collection = handle.read(4) == b"ttcf"
    if is_collection:
        collection = TTCollection(str(path), lazy=True)
        try:
            yield from enumerate(collection.fonts)
        finally:
            collection.close()
    else:
        font = TTFont(str(path), lazy=True)
        try:
            yield -1, font
        finally:
            font.close()


@lru_cache(maxsize=None)
def find_face(family: str, weight: int, manifest: Path = MANIFEST) -> SourceFace:
    """The face of `family` at `weight` among the files the manifest gives for that family."""
    data = tomllib.loads(Path(manifest).read_text(encoding="utf-8"))
    entries = [face for face in data.get("face", []) if face.get("family") == family]
    if not entries:
        raise ReportError(f"font '{family}' is not in {Path(manifest).name}", EXIT_FAILURE)
    files: list[Path] = []
    for entry in entries:
        for name in entry.get("files", []):
            path = Path(name) if Path(name).is_absolute() else Path(manifest).parent / name
            files.append(path)
            if not path.is_file():
                continue
            for index, font in _faces_in(path):
                if _english_name(font, 1) == family and "OS/2" in font and font["OS/2"].usWeightClass == weight:
                    return SourceFace(family, weight, path, index, _english_name(font, 6) or f"{family}-{weight}")
    package = next((e.get("debian_package") for e in entries if e.get("debian_package")), "")
    hint = f" (apt-get install {package})" if package else ""
    listed = ", ".join(str(p) for p in files) or "no files listed"
    raise ReportError(f"font '{family}' weight {weight}: no such face in {listed}{hint}", EXIT_FAILURE)


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "font"


# ---------------------------------------------------------------- subsetting


def subset_options() -> Any:
    """fontTools' subsetting options for an EPUB face: CJK features kept, hinting dropped, deterministic."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = sorted(set(options.layout_features) | set(CJK_FEATURES))
    options.drop_tables = sorted(set(options.drop_tables) | set(DROP_TABLES))
    options.hinting = False
    # Subroutines shared by 65,000 glyphs mostly serve glyphs the subset drops: charstrings
    # written out in full are smaller here, and deflate (the EPUB's ZIP) better.
    options.desubroutinize = True
    options.name_IDs = list(NAME_IDS)
    options.name_languages = [0x0409]
    options.notdef_outline = False
    options.recalc_timestamp = False
    options.canonical_order = True
    return options


def keep_language_systems(font: Any, keep: tuple[str, ...]) -> None:
    """Drop the language systems of GSUB and GPOS other than `keep` (each script's default
    language system stays); the subsetter then drops the features only they referenced."""
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        scripts = font[tag].table.ScriptList
        for record in scripts.ScriptRecord if scripts else []:
            script = record.Script
            script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag in keep]
            script.LangSysCount = len(script.LangSysRecord)


def subset_face(source: SourceFace, characters: str, language_systems: tuple[str, ...]) -> tuple[bytes, str, str]:
    """(OTF bytes, characters mapped, characters the face lacks) of a subset of `source`."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source.path), fontNumber=source.index, lazy=True, recalcTimestamp=False)
    try:
        cmap = font.getBestCmap()
        covered = "".join(c for c in characters if ord(c) in cmap)
        missing = "".join(c for c in characters if ord(c) not in cmap)
        modified = font["head"].modified
        keep_language_systems(font, language_systems)
        subsetter = subset.Subsetter(subset_options())
        subsetter.populate(unicodes=[ord(c) for c in covered])
        subsetter.subset(font)
        font["head"].modified = modified  # the source face's date, never the clock
        out = io.BytesIO()
        font.save(out, reorderTables=True)
    finally:
        font.close()
    return out.getvalue(), covered, missing


# ---------------------------------------------------------------- CSS


def _quoted(family: str) -> str:
    return '"' + family.replace("\\", "\\\\").replace('"', '\\"') + '"'


def font_css(faces: list[EmbeddedFace], chosen: Profile, fallback: Sequence[str] = ()) -> str:
    """The @font-face rules of `faces` and the rules that apply them to body text and titles,
    each stack with the `fallback` families after the subset and its source face."""
    lines = ["/* Subsets of the Noto CJK faces (SIL Open Font License 1.1) with this chapter's characters only. */"]
    for face in faces:
        lines += [
            "@font-face {",
            f"  font-family: {_quoted(face.family)};",
            "  font-style: normal;",
            f"  font-weight: {face.weight};",
            f'  src: url("../{face.file_name}") format("opentype");',
            "}",
        ]
    kinds = {ROLES[face.role][0] for face in faces}
    chain = "".join(f"{_quoted(family)}, " for family in fallback)
    if "serif" in kinds:
        lines.append(f"{SERIF_SELECTORS} {{ font-family: {_quoted(CSS_FAMILY['serif'])}, {_quoted(chosen.serif)}, "
                     f"{chain}serif; }}")
    if "sans" in kinds:
        lines.append(
            f"{SANS_SELECTORS} {{ font-family: {_quoted(CSS_FAMILY['sans'])}, {_quoted(chosen.sans)}, {chain}sans-serif; "
            "font-weight: bold; }"
        )
    return "\n".join(lines) + "\n"

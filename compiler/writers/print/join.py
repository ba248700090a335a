"""Joining PDFs that WeasyPrint wrote a part at a time into one book PDF (with pikepdf).

The parts are the front matter and the chapters of a book, each paginated on its own. Joined,
they keep what each part had — pages, bookmarks (chapter by chapter, in order), named
destinations for links — and gain what only the whole book has: blank pages where a part must
end on a left-hand page, page labels (roman front matter, then 1, 2 …), the document info of
the first part, and an /ID made from the content.

Fonts: WeasyPrint would embed in each part its own subset of every face (keeping the original
glyph ids); joined, a book would carry one copy per chapter, and subsetting them costs time. A
part written inside `programs_left_to_join` (`compiler.weasyprint_patches.deferred_fonts`) carries no program for a face fonts/fonts.toml
names, and `_share_fonts` gives each face one program for the whole book: the original face
subset, with WeasyPrint's HarfBuzz flags, to the glyphs all parts use.

Page numbers: a part may come with its page numbers apart (`Part.numbers`, see `page_stamps`),
a PDF of as many pages drawn over the part's as form XObjects. The subsets are kept in the cache
folder between joins (`resources.KeptFiles`), keyed on the face file, the glyphs, this module
and HarfBuzz's version.

Links between parts (the contents to the chapters) are named destinations: a part may refer to
a name a later part defines; when two parts define a name, the later part's destination is kept
(a front part's stand-in for a chapter's heading gives way to the heading).
"""

from __future__ import annotations

import hashlib
import warnings
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from ...diagnostics import EXIT_FAILURE, ReportError
from ...weasyprint_patches.deferred_fonts import programs_left_out


@dataclass(frozen=True)
class Part:
    """A part's PDF to join, the page numbers to stamp on its pages, and whether a blank page follows it."""

    pdf: Path
    numbers: Path | None = None  # a PDF of as many pages, drawn over the part's (`page_stamps`)
    blank_after: bool = False  # add an empty page after the part's last


def join_parts(parts: list[Part], target: Path, *, roman_pages: int = 0,
               faces: dict[str, tuple[str, int]] | None = None, dated: datetime | None = None) -> int:
    """Write the parts as one PDF to `target`; returns its page count. With `roman_pages`, that
    many front pages are labelled i, ii … and the rest 1, 2 …; `faces` are those the parts left
    to the join (`programs_left_to_join`); `dated` (UTC) gives the PDF's creation and
    modification dates in place of the first part's."""
    import pikepdf

    joined: Any = pikepdf.new()
    destinations: dict[str, Any] = {}
    outline_items: list[Any] = []
    opened = []
    try:
        for number, part in enumerate(parts):
            source: Any = pikepdf.open(part.pdf)
            opened.append(source)
            if number == 0:
                joined.docinfo = joined.copy_foreign(source.docinfo)
                if dated is not None:  # as WeasyPrint writes a date
                    stamp = pikepdf.String(f"D:{dated.astimezone(timezone.utc):%Y%m%d%H%M%S}+00'00")
                    joined.docinfo.CreationDate = joined.docinfo.ModDate = stamp
                if "/Lang" in source.Root:
                    joined.Root.Lang = source.Root.Lang
            first = len(joined.pages)
            _append_part(joined, source, part.blank_after, destinations, outline_items)
            if part.numbers is not None:
                numbers: Any = pikepdf.open(part.numbers)
                opened.append(numbers)
                if len(numbers.pages) != len(source.pages):
                    raise ReportError(f"{part.numbers}: {len(numbers.pages)} pages of page numbers for "
                                      f"{len(source.pages)} pages", EXIT_FAILURE)
                _stamp(joined, numbers, first)
        if destinations:
            tree = pikepdf.NameTree.new(joined)
            for name in sorted(destinations):
                tree[name] = destinations[name]
            joined.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
        if outline_items:
            with joined.open_outline() as outline:
                outline.root.extend(outline_items)
        _share_fonts(joined, faces or {})
        if roman_pages:
            joined.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([
                0, pikepdf.Dictionary(S=pikepdf.Name.r), roman_pages, pikepdf.Dictionary(S=pikepdf.Name.D)]))
        count = len(joined.pages)
        try:
            joined.save(target, deterministic_id=True, compress_streams=True,
                        object_stream_mode=pikepdf.ObjectStreamMode.generate)
        except OSError as exc:
            raise ReportError(f"{target}: cannot write the PDF ({exc.strerror or exc})", EXIT_FAILURE) from None
        return count
    finally:
        for source in opened:
            source.close()
        joined.close()


def _append_part(joined: Any, source: Any, blank_after: bool, destinations: dict[str, Any],
                 outline_items: list[Any]) -> None:
    """The pages of `source` appended to `joined` (and a blank page if asked), its named
    destinations and bookmarks gathered, pointing at the pages where they now are."""
    import pikepdf

    first = len(joined.pages)
    with warnings.catch_warnings():
        # named destinations are carried over below: a front part's stand-ins must give way
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        joined.pages.extend(source.pages)
    page_of = {page.objgen: joined.pages[first + i].obj for i, page in enumerate(source.pages)}

    def moved(destination: Any) -> Any:
        return pikepdf.Array([page_of[destination[0].objgen], *destination[1:]])

    names = source.Root.get("/Names")
    if names is not None and "/Dests" in names:
        for name, destination in pikepdf.NameTree(names.Dests).items():
            destinations[str(name)] = moved(destination)  # a later part's wins
    with source.open_outline() as outline:
        outline_items.extend(_copy_items(outline.root, moved))
    if blank_after:
        last = joined.pages[-1]
        blank = joined.add_blank_page(page_size=(float(last.MediaBox[2]), float(last.MediaBox[3])))
        for box in ("/TrimBox", "/BleedBox"):
            if box in last.obj:
                blank.obj[box] = last.obj[box]


def _stamp(joined: Any, numbers: Any, first: int) -> None:
    """Draw each page of `numbers` over the joined page `first` + its index, as a form XObject
    (the pages have the same size: the form's space is the page's)."""
    import pikepdf

    for i, page in enumerate(numbers.pages):
        target = joined.pages[first + i]
        form = joined.copy_foreign(page.as_form_xobject())
        form.Matrix = pikepdf.Array([1, 0, 0, 1, 0, 0])
        # a name of its own per page (a part's pages share one resource dictionary), not
        # add_resource's random one: the same book gives the same bytes
        name = f"/ReportcPageNumbers{i}"
        target.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(name))
        target.contents_add(b"q\n", prepend=True)
        target.contents_add(f"\nQ q {name} Do Q\n".encode())


def _copy_items(items: Any, moved: Callable[[Any], Any]) -> list[Any]:
    """The bookmarks `items` of a part as bookmarks of the joined PDF (`moved` maps a destination)."""
    import pikepdf

    copies = []
    for item in items:
        destination = item.destination
        copy = pikepdf.OutlineItem(item.title, destination=moved(destination)
                                   if isinstance(destination, pikepdf.Array) else destination)
        copy.is_closed = item.is_closed
        copy.children.extend(_copy_items(item.children, moved))
        copies.append(copy)
    return copies


def _glyph_ids(widths: Any) -> set[int]:
    """The glyph ids a CID font's /W array gives widths for (all the glyphs the part shows)."""
    import pikepdf

    ids: set[int] = set()
    items = list(widths)
    i = 0
    while i < len(items):
        first = int(items[i])
        if i + 1 < len(items) and isinstance(items[i + 1], pikepdf.Array):
            ids.update(range(first, first + len(items[i + 1])))
            i += 2
        else:
            ids.update(range(first, int(items[i + 1]) + 1))
            i += 3
    return ids


def _share_fonts(pdf: Any, faces: dict[str, tuple[str, int]]) -> None:
    """Point every part's descriptor of a face at one program holding all the glyphs they use.

    `faces` names the original (file, face index) of faces the parts left to the join (see
    `programs_left_to_join`); other faces are found by the PostScript name of their program."""
    import pikepdf

    members_of: dict[str, list] = {}
    for obj in pdf.objects:
        if (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
                and obj.get("/Subtype") in ("/CIDFontType0", "/CIDFontType2") and "/W" in obj):
            descriptor = obj.FontDescriptor
            key = next((k for k in ("/FontFile3", "/FontFile2") if k in descriptor), None)
            if key is not None:
                members_of.setdefault(str(descriptor.FontName), []).append((descriptor, key, _glyph_ids(obj.W)))
    for name, members in members_of.items():
        descriptor, key, _ = members[0]
        program = descriptor[key]
        face = faces.get(name)
        if face is None:
            if len(program.read_raw_bytes()) <= len(b"OTTO"):
                # a part left this program to the join without saying which face it is
                raise ReportError(f"no font program for {name} in the book PDF", EXIT_FAILURE)
            if len(members) < 2:
                continue
            face = _face_of_program(program.read_bytes())
            if face is None:
                continue  # a face fonts/fonts.toml does not name: each part keeps its own
        data = _kept_subset(*face, set().union(*(ids for _, _, ids in members)))
        if data is None:
            raise ReportError(f"{face[0]}: cannot subset the face for the book PDF", EXIT_FAILURE)
        shared = pikepdf.Stream(pdf, data)
        if "/Subtype" in program:
            shared.Subtype = program.Subtype
        if key == "/FontFile2":
            shared.Length1 = len(data)
        for descriptor, key, _ in members:
            descriptor[key] = shared


def programs_left_to_join() -> AbstractContextManager[dict[str, tuple[str, int]]]:
    """While a part is written inside this block, a face fonts/fonts.toml names gets no font
    program, only its kind. Yields the faces so left: PDF font name → (file, face index), which
    `join_parts` must be given. A part written so is for joining only."""
    return programs_left_out(_face_and_kind)


def _face_and_kind(content: bytes, index: int) -> tuple[tuple[str, int], bytes] | None:
    """The original (file, index) of a face WeasyPrint holds, if fonts/fonts.toml names it, and
    the first bytes of its kind of program (b"OTTO" for CFF outlines)."""
    import io

    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(content), fontNumber=index if content[:4] == b"ttcf" else -1, lazy=True)
        name = font["name"].getDebugName(6)
        kind = b"OTTO" if "CFF " in font else b"\x00\x01\x00\x00"
    except Exception:  # noqa: BLE001 - not a font fontTools reads: WeasyPrint subsets it as usual
        return None
    face = _original_face(name or "")
    return (face, kind) if face is not None else None


def _face_of_program(program: bytes) -> tuple[str, int] | None:
    import io

    from fontTools.ttLib import TTFont

    try:
        name = TTFont(io.BytesIO(program), lazy=True)["name"].getDebugName(6)
    except Exception:  # noqa: BLE001 - not a font fontTools reads: the parts keep their own
        return None
    return _original_face(name or "")


_faces_by_name: dict[str, tuple[str, int]] | None = None


def _original_face(postscript_name: str) -> tuple[str, int] | None:
    """The font file and face index of a PostScript name, among the files fonts/fonts.toml lists."""
    global _faces_by_name
    if _faces_by_name is None:
        from fontTools.ttLib import TTCollection, TTFont

        from ..fonts import load_manifest_files

        _faces_by_name = {}
        files = dict.fromkeys(f for face_files in load_manifest_files().values() for f in face_files)
        for file in files:
            try:
                with open(file, "rb") as handle:
                    collection = handle.read(4) == b"ttcf"
                fonts = list(TTCollection(file, lazy=True).fonts) if collection else [TTFont(file, lazy=True)]
                for index, font in enumerate(fonts):
                    _faces_by_name.setdefault(font["name"].getDebugName(6) or "", (file, index))
            except Exception:  # noqa: BLE001 - an unreadable file is just not a candidate
                continue
    return _faces_by_name.get(postscript_name)


# Subsets made by earlier joins, kept under the cache folder: a rebuild after a small edit
# usually shows the same glyphs, and subsetting the five faces of a book took 0.4 s of it.
KEPT_SUBSETS = 64
_THIS_MODULE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()  # how this module subsets


def _kept_subset(file: str, index: int, glyphs: set[int]) -> bytes | None:
    """`_subset_original(file, index, glyphs)`, from the cache folder when an earlier join made
    it: keyed on the face file (path, size, modification time), the glyphs, this module (how it
    subsets) and HarfBuzz's version. A kept subset HarfBuzz cannot read is made again."""
    import os

    import uharfbuzz as hb

    from ...resources import KeptFiles

    try:
        stat = os.stat(file)
    except OSError:
        return _subset_original(file, index, glyphs)
    key = hashlib.sha256(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\0{index}\0{hb.__version__}\0"
                         f"{_THIS_MODULE}\0{sorted(glyphs)}".encode()).hexdigest()[:40]
    kept = KeptFiles("subsets", ".font", KEPT_SUBSETS)
    earlier = kept.read(key)
    if earlier is not None and hb.Face(earlier).glyph_count > max(glyphs, default=0):
        return earlier
    data = _subset_original(file, index, glyphs)
    if data is not None:
        kept.write(key, data)
    return data


def _subset_original(file: str, index: int, glyphs: set[int]) -> bytes | None:
    """Face `index` of `file` subset to `glyphs` the way WeasyPrint subsets (glyph ids kept,
    subroutines expanded, layout tables dropped, no hinting)."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(file), index)
    glyphs = {g for g in glyphs if g < face.glyph_count} | {0}
    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    # first the glyphs used, numbered as in the original; then everything up to the last of them
    # (the glyphs left empty), which drops the original's tail and keeps the numbering
    first = hb.SubsetInput()
    first.glyph_set.update(glyphs)
    first.flags = flags | hb.SubsetFlags.RETAIN_GIDS
    first.drop_table_tag_set.update(_tag(tag) for tag in _DROPPED_TABLES)
    kept = hb.subset(face, first)
    if kept is None:
        return None
    second = hb.SubsetInput()
    second.glyph_set.update(range(max(glyphs) + 1))
    second.flags = flags | hb.SubsetFlags.NO_HINTING
    trimmed = hb.subset(kept, second)
    return trimmed.blob.data if trimmed is not None else None


_DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")

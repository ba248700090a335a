"""Joining PDFs that WeasyPrint wrote a part at a time into one book PDF (with pikepdf).

The parts are the front matter and the chapters of a book, each laid out on its own. Joined,
they keep what each part had — pages, bookmarks (chapter by chapter, in order), named
destinations for links — and gain what only the whole book has: blank pages where a part must
end on a left-hand page, page labels (roman front matter, then 1, 2 …), the document info of
the first part, and an /ID made from the content.

Each part embeds its own subset of every face it uses (WeasyPrint subsets with HarfBuzz, keeping
glyph ids); joined, a book would carry one copy per chapter. `_share_fonts` gives each face one
program for the whole book: the original face, found through fonts/fonts.toml, subset by
WeasyPrint's own HarfBuzz routine to the glyphs all parts use. Links between parts (the contents to the
chapters) are named destinations: a part may refer to a name a later part defines; when two
parts define a name, the later part's destination is kept (a front part's stand-in for a
chapter's heading gives way to the heading).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import EXIT_FAILURE, ReportError


@dataclass(frozen=True)
class Part:
    pdf: Path
    blank_after: bool = False  # add an empty page after the part's last


def join_parts(parts: list[Part], target: Path, *, roman_pages: int = 0) -> int:
    """Write the parts as one PDF to `target`; returns its page count. With `roman_pages`, that
    many front pages are labelled i, ii … and the rest 1, 2 …"""
    import pikepdf

    joined = pikepdf.new()
    destinations: dict[str, object] = {}
    outline_items = []
    opened = []
    try:
        for number, part in enumerate(parts):
            source = pikepdf.open(part.pdf)
            opened.append(source)
            if number == 0:
                joined.docinfo = joined.copy_foreign(source.docinfo)
                if "/Lang" in source.Root:
                    joined.Root.Lang = source.Root.Lang
            first = len(joined.pages)
            with warnings.catch_warnings():
                # named destinations are carried over below: a front part's stand-ins must give way
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                joined.pages.extend(source.pages)
            page_of = {page.objgen: joined.pages[first + i].obj for i, page in enumerate(source.pages)}

            def moved(destination):
                return pikepdf.Array([page_of[destination[0].objgen], *destination[1:]])

            names = source.Root.get("/Names")
            if names is not None and "/Dests" in names:
                for name, destination in pikepdf.NameTree(names.Dests).items():
                    destinations[name] = moved(destination)  # a later part's wins
            with source.open_outline() as outline:
                outline_items.extend(_copy_items(outline.root, moved))
            if part.blank_after:
                last = joined.pages[-1]
                blank = joined.add_blank_page(page_size=(float(last.MediaBox[2]), float(last.MediaBox[3])))
                for box in ("/TrimBox", "/BleedBox"):
                    if box in last.obj:
                        blank.obj[box] = last.obj[box]
        if destinations:
            tree = pikepdf.NameTree.new(joined)
            for name in sorted(destinations):
                tree[name] = destinations[name]
            joined.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
        if outline_items:
            with joined.open_outline() as outline:
                outline.root.extend(outline_items)
        _share_fonts(joined)
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


def _copy_items(items, moved) -> list:
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


def _glyph_ids(widths) -> set[int]:
    """The glyph ids a CID font's /W array gives widths for (all the glyphs the part shows)."""
    ids: set[int] = set()
    items = list(widths)
    i = 0
    while i < len(items):
        first = int(items[i])
        if i + 1 < len(items) and isinstance(items[i + 1], pikepdf_array()):
            ids.update(range(first, first + len(items[i + 1])))
            i += 2
        else:
            ids.update(range(first, int(items[i + 1]) + 1))
            i += 3
    return ids


def pikepdf_array():
    import pikepdf

    return pikepdf.Array


def _share_fonts(pdf) -> None:
    """Point every part's descriptor of a face at one program holding all the glyphs they use."""
    import pikepdf

    faces: dict[str, list] = {}
    for obj in pdf.objects:
        if (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
                and obj.get("/Subtype") in ("/CIDFontType0", "/CIDFontType2") and "/W" in obj):
            descriptor = obj.FontDescriptor
            key = next((k for k in ("/FontFile3", "/FontFile2") if k in descriptor), None)
            if key is not None:
                faces.setdefault(str(descriptor.FontName), []).append((descriptor, key, _glyph_ids(obj.W)))
    for members in faces.values():
        if len(members) < 2:
            continue
        descriptor, key, _ = members[0]
        program = descriptor[key]
        glyphs = set().union(*(ids for _, _, ids in members))
        data = _subset_original(program.read_bytes(), glyphs)
        if data is None:
            continue  # the face is not one fonts/fonts.toml names: each part keeps its own
        shared = pikepdf.Stream(pdf, data)
        if "/Subtype" in program:
            shared.Subtype = program.Subtype
        for descriptor, key, _ in members:
            descriptor[key] = shared


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
                if Path(file).read_bytes()[:4] == b"ttcf":
                    fonts = list(TTCollection(file, lazy=True).fonts)
                else:
                    fonts = [TTFont(file, lazy=True)]
            except (OSError, Exception):  # noqa: BLE001 - an unreadable file is just not a candidate
                continue
            for index, font in enumerate(fonts):
                _faces_by_name.setdefault(font["name"].getDebugName(6) or "", (file, index))
    return _faces_by_name.get(postscript_name)


def _subset_original(program: bytes, glyphs: set[int]) -> bytes | None:
    """The original of the face `program` is a subset of, subset to `glyphs` the way WeasyPrint
    subsets (glyph ids kept, subroutines expanded, layout tables dropped, no hinting)."""
    import io

    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    try:
        name = TTFont(io.BytesIO(program), lazy=True)["name"].getDebugName(6)
    except Exception:  # noqa: BLE001 - not a font fontTools reads: the parts keep their own
        return None
    found = _original_face(name or "")
    if found is None:
        return None
    file, index = found
    face = hb.Face(hb.Blob.from_file_path(file), index)
    glyphs = {g for g in glyphs if g < face.glyph_count}
    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    # first the glyphs used, numbered as in the original; then everything up to the last of them
    # (the glyphs left empty), which drops the original's tail and keeps the numbering
    first = hb.SubsetInput()
    first.glyph_set.update(glyphs | {0})
    first.flags = flags | hb.SubsetFlags.RETAIN_GIDS
    first.drop_table_tag_set.update(_tag(tag) for tag in _DROPPED_TABLES)
    kept = hb.subset(face, first)
    if kept is None:
        return None
    second = hb.SubsetInput()
    second.glyph_set.update(range(max(glyphs | {0}) + 1))
    second.flags = flags | hb.SubsetFlags.NO_HINTING
    trimmed = hb.subset(kept, second)
    return trimmed.blob.data if trimmed is not None else None


_DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")

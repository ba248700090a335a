"""Which characters the faces of `fonts/fonts.toml` map: what `compiler.checks.coverage` checks a
chapter's characters against before layout.

HarfBuzz reads a face's cmap where the file lies (mapped, not parsed whole: a Noto CJK
collection is 20 MB and holds ten faces) in well under a millisecond, where fontTools took
70 ms for a CJK cmap. Each face is read once per process and version of its
file (path, size, modification time), and a fallback face only when a character needs it.
The weights of a family map the same characters (true of Noto), so only a family's first file
(its regular face) is read.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Container, Sequence

from ...checks.coverage import FaceCharacters, FontCoverage, first_lines, report_unprintable
from ...diagnostics import Findings
from ...model.nodes import Document
from ..fonts import MANIFEST, Face, installed_families, language_families, load_fallback, load_manifest

# Faces a collection may hold at most (Noto CJK's hold ten); the loop stops at the first empty one.
MOST_FACES_IN_A_FILE = 64


def _file_version(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


@lru_cache(maxsize=None)
def _mapped(path: str, version: tuple[int, int], family: str) -> Container[int] | None:
    """The code points the face of `family` in the file at `path` maps; None when the file
    holds no such face. `version` is part of the key: a font upgraded in place is read again."""
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(path)
    for index in range(MOST_FACES_IN_A_FILE):
        face = hb.Face(blob, index)
        if face.glyph_count == 0:  # past the last face of a collection
            break
        names = hb.OTNameIdPredefined
        if family in (face.get_name(names.TYPOGRAPHIC_FAMILY), face.get_name(names.FONT_FAMILY)):
            # HarfBuzz's own set, not a Python copy: copying a CJK face's 44,000 code points
            # took longer than everything else the check does
            unicodes: Container[int] = face.unicodes
            return unicodes
    return None


def face_characters(family: str, files: tuple[str, ...] | list[str]) -> Container[int] | None:
    """The code points `family` maps, read from the first of `files`; None when that file is not
    there or holds no face of that family."""
    if not files:
        return None
    path = files[0]
    version = _file_version(path)
    if version is None:
        return None
    try:
        return _mapped(path, version, family)
    except Exception:  # noqa: BLE001 - a file HarfBuzz cannot read is a face that is not there
        return None


def _known(characters: Container[int]) -> Callable[[], Container[int]]:
    return lambda: characters


def _reader(face: Face) -> FaceCharacters:
    return FaceCharacters(face.family, lambda: face_characters(face.family, face.files) or frozenset())


def font_coverage(language: str, manifest: Path = MANIFEST) -> FontCoverage | None:
    """What the faces of `language` and the fallback chain can print; None when a face of the
    language cannot be read (the build stops on that anyway: `check_fonts` names the package)."""
    faces = {face.family: face for face in load_manifest(manifest)}
    primary = []
    for family in dict.fromkeys(language_families(language, manifest).values()):
        face = faces.get(family)
        characters = face_characters(family, face.files) if face else None
        if characters is None:
            return None
        primary.append(FaceCharacters(family, _known(characters)))
    # Pango finds a fallback face through fontconfig, by family: a file that fontconfig does not
    # list prints nothing, so such a face counts as missing whatever lies on the disk
    families = installed_families()
    fallback = load_fallback(manifest)
    not_installed = [face for face in fallback
                     if face.family not in families or not face.files or _file_version(face.files[0]) is None]
    return FontCoverage(
        tuple(primary),
        tuple(_reader(face) for face in fallback if face not in not_installed),
        tuple(dict.fromkeys(face.debian_package or face.family for face in not_installed)),
    )


def check_printable(doc: Document, findings: Findings, manifest: Path = MANIFEST) -> None:
    """Findings for the characters of `doc` that no face of the manifest prints, or that only a
    fallback face does (`compiler.checks.coverage`); none when the language's faces are missing."""
    coverage = font_coverage(doc.language, manifest)
    if coverage is not None:
        report_unprintable(doc, findings, coverage)


def needed_fallback(docs: Sequence[Document], manifest: Path = MANIFEST) -> list[str] | None:
    """The families of the fallback chain that set characters of `docs`, in the chain's order;
    None (the whole chain) when the languages' faces cannot be read. Naming only these in the
    font stacks sets every character in the same face as the whole chain would (each still
    goes to the first face of the chain that has it), and spares Pango a fontconfig sort over
    forty families for the documents, the sample among them, that need none."""
    needed: set[str] = set()
    for doc in docs:
        coverage = font_coverage(doc.language, manifest)
        if coverage is None:
            return None
        for char in first_lines(doc):
            if not coverage.in_every_face(char):
                family = coverage.fallback_face(char)
                if family is not None:
                    needed.add(family)
    return [face.family for face in load_fallback(manifest) if face.family in needed]

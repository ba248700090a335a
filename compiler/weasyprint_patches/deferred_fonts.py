"""A PDF written without the programs of some fonts, for another step to embed them once.

WeasyPrint subsets and embeds every face of every document it writes. A book paginated chapter
by chapter would carry one subset per face and chapter (a tenth of a second each to make, and
thrown away when the chapters are joined). While a part is written inside `programs_left_out`,
a face that `identify` recognises keeps only the first bytes of its kind of program (`OTTO` for
CFF outlines, so that the font dictionaries are the right ones); the join gives each such face
one program for the whole book (`compiler.writers.print.join`).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional

from .internals import require_tested_weasyprint

# (font file content, face index) → ((original file, face index), first bytes of its kind), or None
Identify = Callable[[bytes, int], Optional[tuple[tuple[str, int], bytes]]]


@contextmanager
def programs_left_out(identify: Identify) -> Iterator[dict[str, tuple[str, int]]]:
    """While a document is written inside this block, the faces `identify` recognises get no
    font program. Yields the faces so left: PDF font name → (original file, face index)."""
    from weasyprint.pdf.fonts import Font

    require_tested_weasyprint("Font programs left to the join")
    original = Font.clean
    faces: dict[str, tuple[str, int]] = {}

    def clean(self: Any, to_unicode: Any, hinting: Any) -> Any:
        plain = not (self.png or self.svg or self.colr or self.missing or "fvar" in self.tables)
        found = identify(self.file_content, self.index) if plain else None
        if found is None:
            return original(self, to_unicode, hinting)
        faces[self.name.decode()] = found[0]  # as the PDF names it: /HASH+Family-Style
        self.file_content = found[1]

    Font.clean = clean
    try:
        yield faces
    finally:
        Font.clean = original

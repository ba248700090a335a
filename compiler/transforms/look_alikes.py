"""Transform: look-alike characters become the unified ideographs they stand for.

Text copied out of PDFs often holds Kangxi radicals (`⼏` U+2F0F), CJK radicals supplement and
CJK compatibility ideographs where the author meant the unified ideograph (`几` U+51E0). They
look right, but the fonts draw both with one glyph, so the PDF's text layer can map that glyph
to one character only: every 几 of the chapter would then extract (and be searched) as `⼏`.
Each look-alike that has a unified equivalent (`compiler.model.text.unified_equivalent`: its
NFKC form, on those characters only) is replaced by it, in the text of every run, titles
included, and in images' alt text (shown when the image is not); code and raw HTML are shown
as written. Look-alikes without one (most of the radicals
supplement, the compatibility ideographs that are unified ideographs themselves) stay.

Each source line that had some gets one warning naming how many were replaced and which, at
the column of the first: a warning, not an info, because the outputs now differ from the
source, and the source should be corrected (search in it, diffs and other tools still see the
look-alikes); a build shows warnings, and a corrected source is quiet again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ..model.nodes import Document, Image, Inline, Text
from ..model.text import LOOK_ALIKE, unified_equivalent
from ..model.traverse import iter_inlines, iter_runs, map_leaves, map_runs, shown_text
from .context import PassContext


def replace_look_alikes(doc: Document, ctx: PassContext) -> Document:
    """Every look-alike with a unified equivalent replaced by it; one warning per source line."""
    # source line → (column or None, look-alike) of each replaced character, in source order
    replaced: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
    seen: dict[int, int] = defaultdict(int)  # look-alikes met so far in the runs starting at a line
    for found in iter_runs(doc):
        for node in iter_inlines(found.nodes):
            for match in LOOK_ALIKE.finditer(shown_text(node)):
                occurrence = seen[found.line]
                seen[found.line] += 1
                if isinstance(node, (Text, Image)) and unified_equivalent(match[0]):
                    line, column, _ = ctx.findings.locate(found.line, LOOK_ALIKE, occurrence)
                    replaced[line].append((column, match[0]))
    if not replaced:
        return doc
    for line, chars in sorted(replaced.items()):
        columns = [column for column, _ in chars if column is not None]
        pairs = ", ".join(f"{char}→{unified_equivalent(char)}" for char in dict.fromkeys(char for _, char in chars))
        plural = "s" if len(chars) > 1 else ""
        ctx.findings.warning(line, f"{len(chars)} look-alike character{plural} replaced by the unified "
                                   f"one{plural}: {pairs}", min(columns) if columns else None,
                             code="look-alikes-replaced")
    return map_runs(doc, lambda nodes: map_leaves(nodes, _unify_leaf))


def unify(text: str) -> str:
    """`text` with each look-alike that has a unified equivalent replaced by it."""
    return LOOK_ALIKE.sub(lambda match: unified_equivalent(match[0]) or match[0], text)


def _unify_leaf(node: Inline) -> Inline:
    """A text or an image's alt text unified; any other node (code, raw HTML) as it is."""
    if isinstance(node, Text):
        return Text(unify(node.text))
    if isinstance(node, Image):
        return replace(node, alt=unify(node.alt))
    return node

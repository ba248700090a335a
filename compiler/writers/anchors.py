"""The ids the templates give the elements that hold a run of inline nodes, and where each run is.

The layout's templates (`blocks.j2`) give a paragraph its `ident`, a section's heading
`<ident>-h`, a callout's title and body `<ident>-t` and `<ident>-b`, the key points `kp1`, `kp2`
…, the chapter heading the document's `ident`, a figure's image and caption `<ident>-i` and
`<ident>-c`, a table's caption `<ident>-c` and each body cell `<ident>-<row>-<column>` (from 1;
header cells none: print repeats them on each page a table spans, so a page would seem to begin
in them). In-document links may point at these and at sections, callouts, figures, tables,
footnotes, labelled equations and (in the EPUB) a note's first reference `<ident>-ref`; the
print edition's page map finds where a page begins by the runs' ids, and the EPUB's page list
puts its markers back into the tree at the same place (`PageStart`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Union

from ..model.nodes import (
    Block, Callout, Document, Figure, Footnote, KeyPoints, MathBlock, NoteRef, Paragraph, Section, Table,
)
from ..model.text import WORD_JOINER
from ..model.traverse import PathStep, iter_block_paths, iter_blocks, iter_inlines, own_runs

@dataclass(frozen=True)
class PageStart:
    """Where a page of the print edition begins: in the text of element `element_id`, after
    `offset` counted characters (see `counted`); "" for a page with no text of the trees."""

    label: str  # the printed page number
    element_id: str
    offset: int


def counted(char: str) -> bool:
    """Characters that offsets count: not whitespace (line breaking may drop a space at a line
    end), not the print edition's word joiners."""
    return not char.isspace() and char != WORD_JOINER


# (node type, field holding the run) → the element id of that run, from the node and the run's index
RUN_IDS: dict[tuple[type, str], Callable[[Union[Document, Block], tuple[int, ...]], str]] = {
    (Document, "title"): lambda node, index: node.ident,  # type: ignore[union-attr]
    (Section, "title"): lambda node, index: f"{node.ident}-h",  # type: ignore[union-attr]
    (Paragraph, "children"): lambda node, index: node.ident,  # type: ignore[union-attr]
    (Callout, "title"): lambda node, index: f"{node.ident}-t",  # type: ignore[union-attr]
    # a callout written out with blocks has no body run: its paragraphs have their own ids
    (Callout, "children"): lambda node, index: f"{node.ident}-b" if node.children else "",  # type: ignore[union-attr]
    (KeyPoints, "items"): lambda node, index: f"kp{index[0] + 1}",
    (Figure, "image"): lambda node, index: f"{node.ident}-i" if node.ident else "",  # type: ignore[union-attr]
    (Figure, "caption"): lambda node, index: f"{node.ident}-c" if node.ident and node.caption else "",  # type: ignore[union-attr]
    (Table, "caption"): lambda node, index: f"{node.ident}-c" if node.ident and node.caption else "",  # type: ignore[union-attr]
    (Table, "rows"): lambda node, index: (
        f"{node.ident}-{index[0] + 1}-{index[1] + 1}" if node.ident else ""),  # type: ignore[union-attr]
}
# Runs that show no text of their own before the run they lead into: a page whose first text is
# the start of the second begins at the first (a figure's page begins before its image, not
# between the image and its caption).
LEADING_RUNS: dict[type, tuple[str, str]] = {Figure: ("caption", "image")}  # type → (run, run before it)


def inline_targets(doc: Document) -> dict[str, tuple[PathStep, ...]]:
    """Element id → the path from the document to the run of inline nodes that element holds."""
    targets: dict[str, tuple[PathStep, ...]] = {}
    owners: list[tuple[tuple[PathStep, ...], Union[Document, Block]]] = [((), doc), *iter_block_paths(doc)]
    for path, owner in owners:
        for found in own_runs(owner):
            make_id = RUN_IDS.get((type(owner), found.field))
            if make_id is not None:
                element_id = make_id(owner, found.index)
                if element_id:
                    targets[element_id] = path + found.path
    return targets


def leading_runs(doc: Document) -> dict[str, str]:
    """Element id of a run → the id of the run that stands before it showing no text (see
    `LEADING_RUNS`): a page that begins at the start of the first begins at the second."""
    leads: dict[str, str] = {}
    for block in iter_blocks(doc):
        if type(block) in LEADING_RUNS:
            run, before = LEADING_RUNS[type(block)]
            first, lead = RUN_IDS[(type(block), run)](block, ()), RUN_IDS[(type(block), before)](block, ())
            if first and lead:
                leads[first] = lead
    return leads


def block_ids(doc: Document) -> frozenset[str]:
    """The ids of elements that hold blocks, not a run: sections, callouts, figures, tables,
    footnotes and labelled equations. Text inside one of them but in none of its runs is no
    run's text (a note set in a paragraph's line as a footnote belongs to the note, not to the
    paragraph; an equation's number to no paragraph)."""
    return frozenset(block.ident for block in iter_blocks(doc)
                     if isinstance(block, (Section, Callout, Figure, Table, Footnote, MathBlock)) and block.ident)


def anchors(doc: Document) -> frozenset[str]:
    """Every id the rendered chapter has, so in-document links to anything else are dropped."""
    ids = set(inline_targets(doc)) | block_ids(doc)
    notes = {note.label: note.ident for note in doc.notes if note.ident}
    ids.update(f"{notes[node.label]}-ref" for node in iter_inlines(replace(doc, notes=[]))
               if isinstance(node, NoteRef) and node.first and node.label in notes)
    return frozenset(ids)

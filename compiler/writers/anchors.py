"""The ids the templates give the elements that hold a run of inline nodes, and where each run is.

The layout's templates (`blocks.j2`) give a paragraph its `ident`, a section's heading
`<ident>-h`, a callout's title and body `<ident>-t` and `<ident>-b`, the key points `kp1`, `kp2`
…, and the chapter heading the document's `ident`. In-document links may point at these and at
sections and callouts; the print edition's page map finds where a page begins by them, and the
EPUB's page list puts its markers back into the tree at the same place (`PageStart`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from ..model.nodes import Block, Callout, Document, KeyPoints, Paragraph, Section
from ..model.text import WORD_JOINER
from ..model.traverse import PathStep, iter_block_paths, iter_blocks, own_runs

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
    (Callout, "children"): lambda node, index: f"{node.ident}-b",  # type: ignore[union-attr]
    (KeyPoints, "items"): lambda node, index: f"kp{index[0] + 1}",
}


def inline_targets(doc: Document) -> dict[str, tuple[PathStep, ...]]:
    """Element id → the path from the document to the run of inline nodes that element holds."""
    targets: dict[str, tuple[PathStep, ...]] = {}
    owners: list[tuple[tuple[PathStep, ...], Union[Document, Block]]] = [((), doc), *iter_block_paths(doc)]
    for path, owner in owners:
        for found in own_runs(owner):
            make_id = RUN_IDS.get((type(owner), found.field))
            if make_id is not None:
                targets[make_id(owner, found.index)] = path + found.path
    return targets


def anchors(doc: Document) -> frozenset[str]:
    """Every id the rendered chapter has, so in-document links to anything else are dropped."""
    ids = set(inline_targets(doc))
    ids.update(block.ident for block in iter_blocks(doc) if isinstance(block, (Section, Callout)))
    return frozenset(ids)

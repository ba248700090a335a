"""Rebuilding the tree one list of sibling blocks at a time, for the transforms that look at a
block's neighbours (a figure's caption line after it, a table's caption before it, its notes
after it).

`map_block_lists` applies a function to every list of blocks the tree holds: the document's
children and notes, and every `blocks` field of every block (a section's, a quote's, a list
item's, a callout's, a centred block's …), found through the field metadata of
`compiler.model.nodes` like every other walk (`compiler.model.traverse`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, TypeVar, Union

from ..model.nodes import Block, Document, ListItem
from ..model.traverse import child_fields, map_blocks

ListMap = Callable[[list[Block]], list[Block]]
N = TypeVar("N", bound=Union[Document, Block, ListItem])


def map_block_lists(doc: Document, fn: ListMap) -> Document:
    """A new tree with `fn` applied once to every list of sibling blocks, outer lists first (a
    list's blocks are given to `fn` before the lists inside them). The input is not changed."""
    return map_blocks(_lists_mapped(doc, fn), lambda block: _lists_mapped(block, fn))


def _lists_mapped(node: N, fn: ListMap) -> N:
    changes: dict[str, Any] = {}
    for child in child_fields(type(node)):
        value = getattr(node, child.name)
        if child.shape == "blocks":
            changes[child.name] = fn(list(value))
        elif child.shape == "items":
            changes[child.name] = [_lists_mapped(item, fn) for item in value]
    return replace(node, **changes) if changes else node

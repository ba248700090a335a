"""The one traversal of the document tree: walking it, querying it, and rebuilding it.

Every transform, check and writer walks the tree through these functions instead of an
`isinstance` ladder of its own. They know the node types only through the field metadata in
`compiler.model.nodes` (`run`, `runs`, `rows`, `blocks`, `items`, `shown`), so a node type
added there is entered by every walk, mapped by every rebuild and counted by every text query
without a change here.

Reading: `iter_blocks` (every block in document order, sections, quotes and list items
entered), `iter_runs` (every run of inline nodes, with its owner, role and source line),
`iter_inlines` (every inline node), `plain_text` and `tree_text` (what a reader sees).
Rebuilding (the input is never changed): `map_runs` (a function applied to every inline run),
`map_blocks` (a function applied to every block, top down), `map_leaves` and `map_text`
(inside one run), `replace_at` (one value at a path).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Iterator, Sequence, TypeVar, Union, cast

from .nodes import (
    INLINE_TYPES, Block, Code, Document, Inline, LineBreak, ListItem, Node, Role, Shape, Text,
)

Tree = Union[Document, Block, ListItem]
T = TypeVar("T", bound=Tree)
RunMap = Callable[[list[Inline]], list[Inline]]
# A block function returns the block to keep (itself or a new one), a list of blocks to put in
# its place, or None to drop it.
BlockMap = Callable[[Block], Union[Block, Sequence[Block], None]]
# One step of a path into the tree: a field name or an index into a list.
PathStep = Union[str, int]


@dataclass(frozen=True)
class ChildField:
    """A field of a node type that holds other nodes: its name, shape and role."""

    name: str
    shape: Shape
    role: Role


_child_fields: dict[type, tuple[ChildField, ...]] = {}
_shown_fields: dict[type, tuple[str, ...]] = {}
_spans: dict[type, bool] = {}


def child_fields(kind: type) -> tuple[ChildField, ...]:
    """The fields of a node type that hold other nodes, in declaration order."""
    found = _child_fields.get(kind)
    if found is None:
        found = _child_fields[kind] = tuple(
            ChildField(f.name, f.metadata["shape"], f.metadata.get("role", "body"))
            for f in fields(kind) if "shape" in f.metadata)
    return found


def shown_fields(kind: type) -> tuple[str, ...]:
    """The string fields of a node type whose text the outputs show."""
    found = _shown_fields.get(kind)
    if found is None:
        found = _shown_fields[kind] = tuple(f.name for f in fields(kind) if f.metadata.get("shown"))
    return found


def is_span(kind: type) -> bool:
    """Is this an inline node that holds a run of its own (bold, emphasis, a link …)?"""
    found = _spans.get(kind)
    if found is None:
        found = _spans[kind] = kind in INLINE_TYPES and any(c.shape == "run" for c in child_fields(kind))
    return found


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class RunAt:
    """One run of inline nodes and where it stands: its owner (a block or the document), the
    field holding it, the run's index within that field (cells and items; () for a field
    that is one run), its role and the owner's source line."""

    owner: Union[Document, Block]
    field: str
    index: tuple[int, ...]
    role: Role
    line: int
    nodes: list[Inline]

    @property
    def path(self) -> tuple[PathStep, ...]:
        """The path from the owner to the run (see `replace_at`)."""
        return (self.field, *self.index)


def child_blocks(node: Tree) -> Iterator[Block]:
    """The blocks directly inside `node` (a list's items entered)."""
    for child in child_fields(type(node)):
        if child.shape == "blocks":
            yield from getattr(node, child.name)
        elif child.shape == "items":
            for item in getattr(node, child.name):
                yield from child_blocks(item)


def iter_blocks(tree: Union[Tree, Sequence[Block]]) -> Iterator[Block]:
    """Every block, depth first, in document order (sections, quotes and list items entered)."""
    if isinstance(tree, (list, tuple)):
        for block in tree:
            yield block
            yield from iter_blocks(block)
        return
    for _, block in iter_block_paths(cast(Tree, tree)):
        yield block


def iter_block_paths(tree: Tree) -> Iterator[tuple[tuple[PathStep, ...], Block]]:
    """Every block inside `tree` with its path from `tree` (see `replace_at`), as `iter_blocks`."""
    yield from _block_paths(tree, ())


def _block_paths(node: Tree, path: tuple[PathStep, ...]) -> Iterator[tuple[tuple[PathStep, ...], Block]]:
    for child in child_fields(type(node)):
        if child.shape == "blocks":
            for index, block in enumerate(getattr(node, child.name)):
                here = path + (child.name, index)
                yield here, block
                yield from _block_paths(block, here)
        elif child.shape == "items":
            for index, item in enumerate(getattr(node, child.name)):
                yield from _block_paths(item, path + (child.name, index))


def own_runs(node: Union[Document, Block]) -> Iterator[RunAt]:
    """The runs of inline nodes a block (or the document) holds itself, not its children's."""
    line = node.title_line or 1 if isinstance(node, Document) else node.line
    for child in child_fields(type(node)):
        value = getattr(node, child.name)
        if child.shape == "run":
            yield RunAt(node, child.name, (), child.role, line, value)
        elif child.shape == "runs":
            for index, cell in enumerate(value):
                yield RunAt(node, child.name, (index,), child.role, line, cell)
        elif child.shape == "rows":
            for row_index, row in enumerate(value):
                for index, cell in enumerate(row):
                    yield RunAt(node, child.name, (row_index, index), child.role, line, cell)


def iter_runs(tree: Union[Tree, Sequence[Block]]) -> Iterator[RunAt]:
    """Every run of inline nodes, in document order: the document's title first, then each
    block's own runs before those of the blocks inside it."""
    if isinstance(tree, Document):
        yield from own_runs(tree)
    for block in iter_blocks(tree):
        yield from own_runs(block)


def iter_inlines(nodes: Union[Tree, Sequence[Block], Sequence[Inline]]) -> Iterator[Inline]:
    """Every inline node, spans entered (a span before its children), in document order."""
    if isinstance(nodes, (list, tuple)) and (not nodes or isinstance(nodes[0], INLINE_TYPES)):
        for node in cast(Sequence[Inline], nodes):
            yield node
            for child in child_fields(type(node)):
                yield from iter_inlines(getattr(node, child.name))
        return
    for found in iter_runs(cast(Union[Tree, Sequence[Block]], nodes)):
        yield from iter_inlines(found.nodes)


def shown_text(node: Node) -> str:
    """The text a node shows by itself (a leaf's text, an image's alt text, a code block), not
    that of the nodes inside it."""
    kind = type(node)
    if kind is LineBreak:
        return LineBreak.shows
    return "".join(getattr(node, name) for name in shown_fields(kind))


def plain_text(nodes: Union[Sequence[Inline], Inline]) -> str:
    """The visible text of inline nodes, markup dropped."""
    if not isinstance(nodes, (list, tuple)):
        nodes = [cast(Inline, nodes)]
    return "".join(shown_text(node) for node in iter_inlines(cast(Sequence[Inline], nodes)))


def tree_text(tree: Union[Tree, Sequence[Block]]) -> str:
    """All the text of a tree that the outputs show, one line per run or block text: titles,
    paragraphs, items, cells, code and raw HTML (shown as text), image alt texts; not link
    targets or image sources."""
    parts: list[str] = []
    if isinstance(tree, Document):
        parts.extend(plain_text(found.nodes) for found in own_runs(tree))
    for block in iter_blocks(tree):
        parts.extend(plain_text(found.nodes) for found in own_runs(block))
        if shown_fields(type(block)):
            parts.append(shown_text(block))
    return "\n".join(parts)


# ---------------------------------------------------------------- rebuilding


def map_runs(tree: T, fn: RunMap, *, titles: bool = True) -> T:
    """A new tree with `fn` applied to every run of inline nodes (title runs only if `titles`)."""
    return _rebuild(tree, fn, None, titles=titles, into_lists=True)


def map_blocks(tree: T, fn: BlockMap, *, into_lists: bool = True) -> T:
    """A new tree with `fn` applied to every block, top down: a block is replaced by what `fn`
    returns (one block, several, or none), then the blocks inside the result are visited.
    With `into_lists` False, the blocks inside list items are left as they are."""
    return _rebuild(tree, None, fn, titles=True, into_lists=into_lists)


def _rebuild(node: Any, run_fn: RunMap | None, block_fn: BlockMap | None, *, titles: bool, into_lists: bool) -> Any:
    changes: dict[str, Any] = {}
    for child in child_fields(type(node)):
        value = getattr(node, child.name)
        if child.shape in ("run", "runs", "rows"):
            if run_fn is None or (child.role == "title" and not titles):
                continue
            if child.shape == "run":
                changes[child.name] = run_fn(value)
            elif child.shape == "runs":
                changes[child.name] = [run_fn(cell) for cell in value]
            else:
                changes[child.name] = [[run_fn(cell) for cell in row] for row in value]
        elif child.shape == "blocks":
            changes[child.name] = _rebuild_blocks(value, run_fn, block_fn, titles=titles, into_lists=into_lists)
        elif into_lists or block_fn is None:
            changes[child.name] = [_rebuild(item, run_fn, block_fn, titles=titles, into_lists=into_lists)
                                   for item in value]
    return replace(node, **changes) if changes else node


def _rebuild_blocks(blocks: list[Block], run_fn: RunMap | None, block_fn: BlockMap | None, *, titles: bool,
                    into_lists: bool) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        result = block_fn(block) if block_fn is not None else block
        if result is None:
            continue
        for kept in (result if isinstance(result, (list, tuple)) else [result]):
            out.append(_rebuild(kept, run_fn, block_fn, titles=titles, into_lists=into_lists))
    return out


def map_leaves(nodes: list[Inline], fn: Callable[[Inline], Inline]) -> list[Inline]:
    """The run rebuilt with `fn` applied to every node that is not a span, spans entered."""
    out: list[Inline] = []
    for node in nodes:
        if is_span(type(node)):
            node = replace(cast(Any, node), **{child.name: map_leaves(getattr(node, child.name), fn)
                                               for child in child_fields(type(node))})
        else:
            node = fn(node)
        out.append(node)
    return out


def map_text(nodes: list[Inline], fn: Callable[[str], str]) -> list[Inline]:
    """Apply `fn` to every Text node's string, descending into spans (not code or raw HTML)."""
    return map_leaves(nodes, lambda node: Text(fn(node.text)) if isinstance(node, Text) else node)


def replace_at(node: Any, path: Sequence[PathStep], fn: Callable[[Any], Any]) -> Any:
    """`node` rebuilt with the value at `path` (field names and list indexes) mapped by `fn`."""
    if not path:
        return fn(node)
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        copy = list(node)
        copy[head] = replace_at(node[head], rest, fn)
        return copy
    return replace(node, **{head: replace_at(getattr(node, head), rest, fn)})


def merge_text(nodes: list[Inline]) -> list[Inline]:
    """Join adjacent Text nodes and drop empty ones."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            if not node.text:
                continue
            previous = merged[-1] if merged else None
            if isinstance(previous, Text):
                merged[-1] = Text(previous.text + node.text)
                continue
        merged.append(node)
    return merged


def texts_in_context(nodes: list[Inline]) -> list[tuple[Text, str, str]]:
    """Every Text node of a run (spans entered), with up to 8 characters of the run's text just
    before and after it: a hard line break reads as a newline, code as its text, anything else
    as nothing."""
    flat: list[tuple[Inline, str]] = [(node, shown_text(node)) for node in iter_inlines(nodes)
                                      if isinstance(node, (Text, LineBreak, Code))]
    out = []
    for index, (node, _) in enumerate(flat):
        if isinstance(node, Text):
            before = "".join(piece for _, piece in flat[max(0, index - 3):index])[-8:]
            after = "".join(piece for _, piece in flat[index + 1:index + 4])[:8]
            out.append((node, before, after))
    return out


def replace_texts(nodes: list[Inline], new_text: dict[int, str]) -> list[Inline]:
    """The run rebuilt with Text nodes (keyed by id) given new strings."""
    return map_leaves(nodes, lambda node: Text(new_text[id(node)])
                      if isinstance(node, Text) and id(node) in new_text else node)

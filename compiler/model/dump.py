"""The readable, indented dump of a tree: the format of the golden files.

One line per node: its type, its shown text (quoted) for a leaf, and its other plain fields
(those not at their default).
A `title` run is one `title '…'` line, `items` runs one `item '…'` line each, other runs
(a table's header) one line and each row one line; other runs and blocks are dumped node by node, indented.
Everything is read from the node types' field metadata (`compiler.model.nodes`).
"""

from __future__ import annotations

from dataclasses import MISSING, Field, fields
from typing import Any

from .nodes import Document
from .traverse import child_fields, plain_text, shown_fields


def dump(doc: Document) -> str:
    """A readable, indented dump of the tree: the golden-file format."""
    out: list[str] = [f"Document lang={doc.language} title={plain_text(doc.title)!r} line={doc.title_line}"]
    for key in sorted(doc.meta):
        out.append(f"  meta {key}={doc.meta[key]!r}")
    if doc.number:
        out.append(f"  number {doc.number!r}")
    for block in doc.children:
        _dump_node(block, 1, out)
    if doc.notes:
        out.append("  notes")
        for note in doc.notes:
            _dump_node(note, 2, out)
    return "\n".join(out) + "\n"


def _at_default(node: Any, f: Field[Any]) -> bool:
    """Is a field at the default its type declares (a table with no label, a callout of no
    kind)? Such fields are left out of the dump, so each line says what is particular to it."""
    if f.default is not MISSING:
        return bool(getattr(node, f.name) == f.default)
    if f.default_factory is not MISSING:
        return bool(getattr(node, f.name) == f.default_factory())
    return False


def _dump_node(node: Any, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    kind = type(node)
    children = {child.name: child for child in child_fields(kind)}
    texts = shown_fields(kind)
    positional = [name for name in texts if name in ("text", "html")]
    attrs = " ".join(
        f"{f.name}={getattr(node, f.name)!r}" for f in fields(node)
        if f.name not in children and f.name not in positional and f.metadata.get("dump", True)
        and not _at_default(node, f)
    )
    head = f"{pad}{kind.__name__}" + "".join(f" {getattr(node, name)!r}" for name in positional)
    out.append(head + (f" {attrs}" if attrs else ""))
    for child in children.values():
        value = getattr(node, child.name)
        if child.shape == "run" and child.name == "title":
            out.append(f"{pad}  title {plain_text(value)!r}")
        elif child.shape == "runs" and child.name == "items":
            out.extend(f"{pad}  item {plain_text(item)!r}" for item in value)
        elif child.shape == "runs":
            out.append(f"{pad}  {child.name} {[plain_text(cell) for cell in value]!r}")
        elif child.shape == "rows":
            out.extend(f"{pad}  row {[plain_text(cell) for cell in row]!r}" for row in value)
        else:
            for grandchild in value:
                _dump_node(grandchild, depth + 1, out)

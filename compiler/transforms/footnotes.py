"""Transform: footnote definitions move into the document's notes, numbered by their first reference.

The reader leaves each definition (`[^label]: …`) where it stands and each reference
(`text[^label]`) in its run. This pass takes every Footnote block out of the tree (wherever it
stands: at the chapter's end, inside a callout, a list or a quote) into `Document.notes`,
numbers the notes 1, 2, … in the order their first references stand in the chapter (a note
referred to only from another note comes after the body's), and gives each its id (`fn1`, …).
Every reference gets its note's number; the first reference to each note is marked `first`
(print sets the note's text there, later references repeat the number).

Nothing vanishes: a reference to a note never defined is a warning and shows as written
(`[^label]`); a note nothing refers to is a warning and is kept, numbered after the referenced
ones; a label defined twice is a warning, and the second definition's blocks are appended to the
first's note.
"""

from __future__ import annotations

from dataclasses import replace

from ..model.nodes import Block, Document, Footnote, Inline, NoteRef, Text
from ..model.traverse import iter_inlines, iter_runs, map_blocks, map_leaves, map_runs, merge_text
from .context import PassContext


def collect_footnotes(doc: Document, ctx: PassContext) -> Document:
    """Move every footnote definition into `doc.notes`, numbered and with ids; number the references."""
    definitions: list[Footnote] = list(doc.notes)

    def take(block: Block) -> Block | None:
        if isinstance(block, Footnote):
            definitions.append(block)
            return None
        return block

    body = map_blocks(replace(doc, notes=[]), take)
    notes = _merged(definitions, ctx)
    order = _numbering_order(body, notes, ctx)
    numbered = [replace(notes[label], number=number, ident=f"fn{number}")
                for number, label in enumerate(order, start=1)]
    numbers = {note.label: note.number for note in numbered}
    _report_undefined(replace(body, notes=numbered), numbers, ctx)
    seen: set[str] = set()

    def reference(node: Inline) -> Inline:
        if not isinstance(node, NoteRef):
            return node
        if node.label not in numbers:
            return Text(f"[^{node.label}]")
        first = node.label not in seen
        seen.add(node.label)
        return replace(node, number=numbers[node.label], first=first)

    return map_runs(replace(body, notes=numbered), lambda run: merge_text(map_leaves(run, reference)))


def _merged(definitions: list[Footnote], ctx: PassContext) -> dict[str, Footnote]:
    """One note per label, in the order of definition: a second definition's blocks go to the first."""
    notes: dict[str, Footnote] = {}
    for note in definitions:
        first = notes.get(note.label)
        if first is None:
            notes[note.label] = note
            continue
        ctx.findings.warning(note.line, f"footnote [^{note.label}] is defined twice (first at line {first.line}): "
                                        f"its text is joined to the first definition's", code="footnote-duplicate")
        notes[note.label] = replace(first, children=[*first.children, *note.children])
    return notes


def _labels(blocks_or_doc: Document | list[Block]) -> list[str]:
    return [node.label for node in iter_inlines(blocks_or_doc) if isinstance(node, NoteRef)]


def _numbering_order(body: Document, notes: dict[str, Footnote], ctx: PassContext) -> list[str]:
    """The labels of the defined notes in the order they are numbered: by first reference in the
    body, then by first reference in the notes already numbered, then the unreferenced ones (in
    the order they are defined), each followed by the notes it alone refers to."""
    order: list[str] = []
    queue = [label for label in dict.fromkeys(_labels(body)) if label in notes]
    unreferenced = [label for label in notes]
    while True:
        while queue:
            label = queue.pop(0)
            if label in order:
                continue
            order.append(label)
            queue.extend(found for found in _labels(notes[label].children) if found in notes and found not in order)
        left = [label for label in unreferenced if label not in order]
        if not left:
            return order
        ctx.findings.warning(notes[left[0]].line, f"footnote [^{left[0]}] is never referred to: "
                                                  f"it is printed after the others", code="footnote-unreferenced")
        queue.append(left[0])


def _report_undefined(doc: Document, numbers: dict[str, int], ctx: PassContext) -> None:
    for found in iter_runs(doc):
        for node in iter_inlines(found.nodes):
            if isinstance(node, NoteRef) and node.label not in numbers:
                line, column, length = ctx.findings.locate(found.line, f"[^{node.label}]")
                ctx.findings.warning(line, f"footnote [^{node.label}] is not defined: the reference is shown "
                                           f"as written", column, length=length, code="footnote-undefined")

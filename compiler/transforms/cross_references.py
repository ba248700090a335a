"""Transform: each cross-reference (`@fig-map`, `@tbl-gdp`, `@eq-growth`, `@sec-method`) is resolved to what it names.

Run after ids are given (`sections.assign_ids`) and figures, tables and equations numbered
(`numbering`). A label names a figure (`{#fig-…}` after its image), a table (`{#tbl-…}` in its
caption line or `label:` of a `table` block), an equation (`{#eq-…}` after its closing `$$`) or
a section (`{#sec-…}` after its heading). A reference to a figure, table or equation gets its
`number`, `given` number and `chapter`; one to a section gets a copy of
the section's title (`children`, footnote references left out); each gets `kind` and `target`,
the id it links to. The layout prints them.

A reference to a label nothing carries is a warning naming it, and shows as written
(`@fig-nowhere`). A label carried twice is a warning; references go to the first.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any, Callable, Union, cast

from ..model.nodes import CrossRef, Document, Figure, Inline, MathBlock, NoteRef, Section, Table, Text
from ..model.traverse import (
    child_fields, is_span, iter_blocks, iter_inlines, iter_runs, map_leaves, map_runs, merge_text,
)
from .context import PassContext

Labelled = Union[Figure, Table, MathBlock, Section]
KINDS = {Figure: "figure", Table: "table", MathBlock: "equation", Section: "section"}


def resolve_cross_references(doc: Document, ctx: PassContext) -> Document:
    """Point each cross-reference at the figure, table or section its label names."""
    targets = labelled(doc, ctx)
    _report_unknown(doc, targets, ctx)
    return map_runs(doc, lambda run: merge_text(map_cross_references(run, lambda node: _resolved(node, targets))))


def labelled(doc: Document, ctx: PassContext) -> dict[str, Labelled]:
    """Every label of the document and the figure, table, equation or section carrying it (the
    first, when several do: each later one is a warning)."""
    found: dict[str, Labelled] = {}
    for block in iter_blocks(doc):
        if not isinstance(block, (Figure, Table, MathBlock, Section)) or not block.label:
            continue
        first = found.get(block.label)
        if first is not None:
            ctx.findings.warning(block.line, f"label '{block.label}' is given twice (first at line {first.line}): "
                                             f"references go to the first", code="label-duplicate")
            continue
        found[block.label] = block
    return found


def _resolved(node: Inline, targets: dict[str, Labelled]) -> Inline:
    if not isinstance(node, CrossRef):
        return node
    target = targets.get(node.label)
    if target is None:
        return Text(f"@{node.label}")
    if isinstance(target, Section):
        return replace(node, target=target.ident, kind="section", number=0, given="", chapter="",
                       children=_title_copy(target.title))
    given = "" if isinstance(target, MathBlock) else target.given
    return replace(node, target=target.ident, kind=KINDS[type(target)], number=target.number, given=given,
                   chapter=target.chapter, children=[])


def _title_copy(title: list[Inline]) -> list[Inline]:
    """A copy of a section's title to show in a reference: its footnote references and cross-references left out."""
    copied = map_cross_references(copy.deepcopy(title), lambda node: Text(""))
    return merge_text(map_leaves(copied, lambda node: Text("") if isinstance(node, NoteRef) else node))


def map_cross_references(run: list[Inline], fn: Callable[[CrossRef], Inline]) -> list[Inline]:
    """The run with `fn` applied to each cross-reference, spans entered (a cross-reference is a
    span itself, holding a section's title, so `map_leaves` does not hand it over). `fn`'s result
    is not entered."""
    out: list[Inline] = []
    for node in run:
        if isinstance(node, CrossRef):
            node = fn(node)
        elif is_span(type(node)):
            node = replace(cast(Any, node), **{child.name: map_cross_references(getattr(node, child.name), fn)
                                               for child in child_fields(type(node))})
        out.append(node)
    return out


def _report_unknown(doc: Document, targets: dict[str, Labelled], ctx: PassContext) -> None:
    for found in iter_runs(doc):
        for node in iter_inlines(found.nodes):
            if isinstance(node, CrossRef) and node.label not in targets:
                line, column, length = ctx.findings.locate(found.line, f"@{node.label}")
                ctx.findings.warning(line, f"cross-reference @{node.label} names no figure, table, equation or "
                                           f"section: it is shown as written", column, length=length,
                                     code="cross-reference-unknown")

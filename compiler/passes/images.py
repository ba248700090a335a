"""Pass: decide which images are shown, and tell the editor about the others.

Each Image node is checked by `compiler.images.check_image` against the source's own folder:
one that may be shown gets `file` (where the renderers find it); any other keeps only its
source `src` and alt text, and is reported as a warning at its line and column. Nothing is
fetched. Run again, the pass reaches the same decisions, so the tree does not change.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from .. import tree as t
from ..images import check_image
from . import PassContext
from ._walk import SPANS, map_inlines, map_leaves


def check_images(doc: t.Document, ctx: PassContext) -> t.Document:
    base = ctx.base_dir if ctx.base_dir is not None else Path(doc.source_name).parent
    decided: dict[int, t.Image] = {}
    checked: dict[str, object] = {}
    for line, run in t.inline_runs(doc):
        for image in _images(run):
            outcome = checked.get(image.src)
            if outcome is None:
                outcome = checked[image.src] = check_image(image.src, base)
            decided[id(image)] = replace(image, file=outcome.file)
            if outcome.reason:
                shown = image.src if len(image.src) <= 60 else image.src[:57] + "..."
                where = ctx.findings.locate(line, re.compile(re.escape(image.src[:200])))
                ctx.findings.warning(where[0], f"image '{shown}' is not shown ({outcome.reason}); "
                                               f"its alt text stands in its place", where[1], length=where[2])
    if not decided:
        return doc
    return map_inlines(doc, lambda run: _replace(run, decided))


def shown_images(doc: t.Document) -> list[t.Image]:
    """The images of the document that the pass let through (they have a `file`)."""
    return [image for _, run in t.inline_runs(doc) for image in _images(run) if image.file]



def _images(run: list[t.Inline]):
    for node in run:
        if isinstance(node, t.Image):
            yield node
        elif isinstance(node, SPANS):
            yield from _images(node.children)


def _replace(run: list[t.Inline], decided: dict[int, t.Image]) -> list[t.Inline]:
    return map_leaves(run, lambda node: decided.get(id(node), node) if isinstance(node, t.Image) else node)

"""Transform: decide which images are shown, and tell the editor about the others.

Each Image node is checked by `compiler.checks.images.check_image` against the source's own
folder: one that may be shown gets `file` (where the writers find it); any other keeps only its
source `src` and alt text, and is reported as a warning at its line and column. Nothing is
fetched. Run again, the transform reaches the same decisions, so the tree does not change.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..checks.images import Checked, check_image
from ..model.nodes import Document, Image, Inline
from ..model.traverse import iter_inlines, iter_runs, map_leaves, map_runs
from .context import PassContext


def check_images(doc: Document, ctx: PassContext) -> Document:
    """Give each image that may be shown its `file`; report the others."""
    base = ctx.base_dir if ctx.base_dir is not None else Path(doc.source_name).parent
    decided: dict[int, Image] = {}
    checked: dict[str, Checked] = {}
    for found in iter_runs(doc):
        for image in (node for node in iter_inlines(found.nodes) if isinstance(node, Image)):
            outcome = checked.get(image.src)
            if outcome is None:
                outcome = checked[image.src] = check_image(image.src, base)
            decided[id(image)] = replace(image, file=outcome.file)
            if outcome.reason:
                shown = image.src if len(image.src) <= 60 else image.src[:57] + "..."
                where = ctx.findings.locate(found.line, re.compile(re.escape(image.src[:200])))
                ctx.findings.warning(where[0], f"image '{shown}' is not shown ({outcome.reason}); "
                                               f"its alt text stands in its place", where[1], length=where[2],
                                     code="image-not-shown")
    if not decided:
        return doc
    return map_runs(doc, lambda run: _replace(run, decided))


def shown_images(doc: Document) -> list[Image]:
    """The images of the document that the transform let through (they have a `file`)."""
    return [node for node in iter_inlines(doc) if isinstance(node, Image) and node.file]


def _replace(run: list[Inline], decided: dict[int, Image]) -> list[Inline]:
    return map_leaves(run, lambda node: decided.get(id(node), node) if isinstance(node, Image) else node)

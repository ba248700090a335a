"""Normalisation: an ordered list of small passes, each a function from tree to tree.

Order matters: sidebars are found while the tree is still flat and blank-line gaps are known;
a split paragraph is rejoined before sections are recovered; nesting comes after recovery.
No pass knows about PDF or EPUB.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import tree as t
from ..diagnostics import Findings


@dataclass
class PassContext:
    findings: Findings
    base_dir: Path | None = None  # the source's folder (images are looked for there); None: beside source_name


Pass = Callable[[t.Document, PassContext], t.Document]


def pipeline() -> list[Pass]:
    from .callouts import make_callouts
    from .findings import report_findings
    from .headless_sections import recover_headless_sections
    from .images import check_images
    from .key_points import make_key_points
    from .punctuation import full_width_punctuation
    from .rejoin import rejoin_split_paragraphs
    from .run_ins import mark_run_ins
    from .sections import assign_ids, nest_sections
    from .whitespace import drop_stray_whitespace

    return [
        drop_stray_whitespace,
        make_callouts,
        rejoin_split_paragraphs,
        make_key_points,
        mark_run_ins,
        full_width_punctuation,
        recover_headless_sections,
        nest_sections,
        assign_ids,
        check_images,
        report_findings,
    ]


def normalise(doc: t.Document, findings: Findings, base_dir: Path | None = None) -> t.Document:
    ctx = PassContext(findings, base_dir)
    for step in pipeline():
        doc = step(doc, ctx)
    return doc

"""Normalisation: an ordered list of small transforms, each a function from tree to tree.

Order matters: footnote definitions leave the flow first, so that no definition stands between
the paragraphs the later passes compare; `table` blocks are read, and figures and captioned
tables made, while captions and notes are still the blocks next to them and before a sidebar
test could take an image or a caption line for a sidebar; sidebars are found while the tree is
still flat and blank-line gaps are known; a split paragraph is rejoined before sections are
recovered, and before sidebars written out (`::: sidebar`) are given the recovered ones' node;
nesting comes after recovery; figures and tables are numbered and cross-references resolved once
every block has its id; the prose is checked last, on the tree the outputs will show. No transform
knows about PDF or EPUB, nor how the layout prints a number (`图 3-1`).
"""

from __future__ import annotations

from pathlib import Path

from ..checks.prose import report_findings
from ..diagnostics import Findings
from ..model.nodes import Document
from .callouts import make_callouts, written_sidebars
from .context import PassContext, Transform
from .cross_references import resolve_cross_references
from .data_tables import read_data_tables
from .empty_headings import drop_empty_headings
from .figures import make_figures
from .footnotes import collect_footnotes
from .headless_sections import recover_headless_sections
from .images import check_images
from .key_points import make_key_points
from .look_alikes import replace_look_alikes
from .numbering import number_figures_and_tables
from .punctuation import full_width_punctuation
from .rejoin import rejoin_split_paragraphs
from .run_ins import mark_run_ins
from .script import detect_script
from .sections import assign_ids, nest_sections
from .tables import caption_tables
from .whitespace import drop_stray_whitespace

__all__ = ["PassContext", "Transform", "check_prose", "normalise", "pipeline"]


def check_prose(doc: Document, ctx: PassContext) -> Document:
    """The prose check (`compiler.checks.prose`) as the pipeline's last step: the tree is unchanged."""
    report_findings(doc, ctx.findings)
    return doc


def pipeline() -> list[Transform]:
    """The transforms in the order they run."""
    return [
        drop_stray_whitespace,
        replace_look_alikes,
        detect_script,
        drop_empty_headings,
        collect_footnotes,
        read_data_tables,
        make_figures,
        caption_tables,
        make_callouts,
        rejoin_split_paragraphs,
        written_sidebars,
        make_key_points,
        mark_run_ins,
        full_width_punctuation,
        recover_headless_sections,
        nest_sections,
        assign_ids,
        number_figures_and_tables,
        resolve_cross_references,
        check_images,
        check_prose,
    ]


def normalise(doc: Document, findings: Findings, base_dir: Path | None = None) -> Document:
    """The tree after every transform of the pipeline, findings collected in `findings`."""
    ctx = PassContext(findings, base_dir)
    for step in pipeline():
        doc = step(doc, ctx)
    return doc

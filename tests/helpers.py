"""Small helpers for the reader and pass unit tests: read a Markdown string, apply passes,
and pick nodes out of a tree. Not a conftest: imported explicitly (`from helpers import …`)."""

from __future__ import annotations

from pathlib import Path

from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, plain_text
from compiler.diagnostics import Findings
from compiler.transforms import PassContext, pipeline
from compiler.readers.markdown import read_document
from compiler.readers.source import SourceText, read_source

TESTS = Path(__file__).resolve().parent
SAMPLE = TESTS / "fixtures" / "000_946237fb39f22908.txt"
GOLDEN = TESTS / "golden" / "sample.tree.txt"


def read(text: str, name: str = "t.md") -> tuple[t.Document, Findings]:
    """Read a Markdown string with the real reader; returns the flat tree and its findings."""
    findings = Findings(name)
    doc = read_document(SourceText(Path(name), text, "utf-8"), findings)
    return doc, findings


def apply(doc: t.Document, *passes, findings: Findings | None = None) -> t.Document:
    """Apply the given passes in order, with one shared context."""
    ctx = PassContext(findings if findings is not None else Findings("t.md"))
    for step in passes:
        doc = step(doc, ctx)
    return doc


def read_apply(text: str, *passes) -> tuple[t.Document, Findings]:
    """Read `text`, then apply `passes` in order; returns the tree and all findings."""
    doc, findings = read(text)
    return apply(doc, *passes, findings=findings), findings


def read_sample() -> tuple[t.Document, Findings]:
    source = read_source(SAMPLE)
    findings = Findings(source.name)
    return read_document(source, findings), findings


def brought_to(step, doc: t.Document, findings: Findings) -> t.Document:
    """`doc` as it stands just before `step` runs in the pipeline (earlier passes applied)."""
    ctx = PassContext(findings)
    for earlier in pipeline():
        if earlier is step:
            return doc
        doc = earlier(doc, ctx)
    raise AssertionError(f"{step.__name__} is not in the pipeline")


def sample_before(step) -> t.Document:
    """The sample as it stands just before `step` runs in the pipeline (earlier passes applied)."""
    doc, findings = read_sample()
    return brought_to(step, doc, findings)


def messages(findings: Findings) -> list[tuple[int, str, str]]:
    """(line, level, message) of every finding, in the order they were added."""
    return [(f.line, f.level, f.message) for f in findings.items]


def kinds(blocks: list) -> list[str]:
    """The node type names of a list of nodes."""
    return [type(b).__name__ for b in blocks]


def paragraph_texts(blocks: list[t.Block]) -> list[str]:
    return [plain_text(b.children) for b in blocks if isinstance(b, t.Paragraph)]


def only(blocks: list, cls):
    """The one node of type `cls` in `blocks` (fails if there are none or several)."""
    found = [b for b in blocks if isinstance(b, cls)]
    assert len(found) == 1, f"expected one {cls.__name__}, got {kinds(blocks)}"
    return found[0]


def count_inline(blocks: list[t.Block], cls) -> int:
    """How many inline nodes of type `cls` stand in the blocks (titles, items and cells too)."""

    def inlines(nodes) -> int:
        total = 0
        for node in nodes:
            if isinstance(node, cls):
                total += 1
            children = getattr(node, "children", None)
            if isinstance(children, list):
                total += inlines(children)
        return total

    total = 0
    for block in iter_blocks(blocks):
        if isinstance(block, (t.Paragraph, t.Heading)):
            total += inlines(block.children)
        elif isinstance(block, (t.Callout, t.Section)):
            total += inlines(block.title)
            if isinstance(block, t.Callout):
                total += inlines(block.children)
        elif isinstance(block, t.KeyPoints):
            total += sum(inlines(item) for item in block.items)
        elif isinstance(block, t.Table):
            total += sum(inlines(cell) for cell in block.header)
            total += sum(inlines(cell) for row in block.rows for cell in row)
    return total


# The codes of the findings that report a recovery or a normalisation (info, except a rejoin):
# a test that wants "no problem found" looks at the others.
RECOVERY_CODES = ("section-recovered", "callout-recovered", "paragraph-rejoined", "key-points", "punctuation-widened")


def problems(findings: Findings) -> list:
    """The findings that are not reports of a recovery (see RECOVERY_CODES)."""
    return [f for f in findings.items if f.code not in RECOVERY_CODES]


def codes(findings: Findings) -> list[tuple[int, str]]:
    """(line, code) of every finding that has a code, in the order they were added."""
    return [(f.line, f.code) for f in findings.items if f.code]

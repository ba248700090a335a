"""Precision and recall of recovered sections and callouts on the hand-marked test chapters.

Each chapter in tests/fixtures/recovery/ has a sidecar `NAME.truth.json` that lists, by title,
the sections that should be recovered (`sections`) and the sidebars that should become callouts
(`callouts`); `source` names the chapter when it is not `NAME` beside it (the sample). A chapter
is read with the real reader (encoding and line ends included) and normalised by the whole
pipeline; what it recovered is compared with the truth, titles matched one to one.

Run `python tests/transforms/recovery_metrics.py` for the table (Markdown, as in the README).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "recovery"
sys.path.insert(0, str(HERE.parent.parent))

from compiler.diagnostics import Findings  # noqa: E402
from compiler.model import nodes as t  # noqa: E402
from compiler.model.traverse import iter_blocks, plain_text  # noqa: E402
from compiler.readers.markdown import read_document  # noqa: E402
from compiler.readers.source import read_source  # noqa: E402
from compiler.transforms import normalise  # noqa: E402


@dataclass
class Score:
    """What one chapter (or all) recovered against its truth: true positives, found, expected."""

    hits: int = 0
    found: int = 0
    expected: int = 0

    def add(self, other: "Score") -> None:
        self.hits += other.hits
        self.found += other.found
        self.expected += other.expected

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0


def chapters() -> list[tuple[str, Path, dict]]:
    """(name, source, truth) of every hand-marked chapter."""
    found = []
    for truth_file in sorted(FIXTURES.glob("*.truth.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        name = truth_file.name.removesuffix(".truth.json")
        if "source" in truth:
            source = (FIXTURES / truth["source"]).resolve()
        else:
            source = next(p for p in FIXTURES.iterdir() if p.stem == name and not p.name.endswith(".json"))
        found.append((name, source, truth))
    return found


def recovered(source: Path) -> tuple[list[str], list[str]]:
    """The titles of the sections and callouts the pipeline recovered in `source`."""
    text = read_source(source)
    findings = Findings(text.name, lines=text.text.split("\n"))
    doc = normalise(read_document(text, findings), findings, source.parent)
    sections = [plain_text(b.title) for b in iter_blocks(doc) if isinstance(b, t.Section) and b.recovered]
    callouts = [plain_text(b.title) or plain_text(b.children)[:10] for b in iter_blocks(doc)
                if isinstance(b, t.Callout) and not b.kind]
    return sections, callouts


def score(found: list[str], expected: list[str]) -> Score:
    hits = sum((Counter(found) & Counter(expected)).values())
    return Score(hits, len(found), len(expected))


def measure() -> list[tuple[str, str, Score, Score]]:
    """(name, kind, sections score, callouts score) of every chapter."""
    rows = []
    for name, source, truth in chapters():
        sections, callouts = recovered(source)
        rows.append((name, truth.get("kind", ""), score(sections, truth["sections"]), score(callouts, truth["callouts"])))
    return rows


def table(rows: list[tuple[str, str, Score, Score]]) -> str:
    """The Markdown table of the README."""
    lines = ["| chapter | kind | sections (found/true) | callouts (found/true) |", "| --- | --- | --- | --- |"]
    total_s, total_c = Score(), Score()
    for name, kind, sections, callouts in rows:
        total_s.add(sections)
        total_c.add(callouts)
        lines.append(f"| {name} | {kind} | {sections.hits}/{sections.found} of {sections.expected} | "
                     f"{callouts.hits}/{callouts.found} of {callouts.expected} |")
    lines.append(f"| **all {len(rows)}** | | precision {total_s.precision:.2f}, recall {total_s.recall:.2f} "
                 f"({total_s.hits}/{total_s.found} of {total_s.expected}) | precision {total_c.precision:.2f}, "
                 f"recall {total_c.recall:.2f} ({total_c.hits}/{total_c.found} of {total_c.expected}) |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(measure()))

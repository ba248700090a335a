"""How an author says no to a recovery: a marker before one paragraph, or front-matter keys.

- `<!-- reportc: keep -->` on the line before a paragraph (blank lines between allowed) keeps
  that paragraph's structure as it is: it opens no recovered section, becomes no sidebar and is
  joined to no other paragraph (its punctuation is still made full-width, which changes no
  structure). The reader drops the comment; the marker
  is found in the source lines the findings keep (`Findings.lines`).
- Front matter: `recover_sections: false`, `recover_callouts: false`, `recover_rejoin: false`
  switch one recovery off for the chapter; `section_names: [浦东新区, 徐汇区]` restricts the
  recovered sections to the names listed (and recovers them without the gazetteer's
  sibling test: the author said they are the chapter's sections). A book's `book.toml` gives
  the same settings to every chapter (`recover = { sections = false }`, `section_names = [...]`:
  `compiler.books.config`), as front-matter keys its chapters' own front matter overrides.
Explicit markup needs no override: a real heading is never replaced, and a callout its author
wrote (`::: info 标题`, one with a `kind`) is never touched by the sidebar passes.
"""

from __future__ import annotations

import re

from ..diagnostics import BLANK_LINE, Findings
from ..model.nodes import Document

KEEP = re.compile(r"^\s*<!--\s*reportc:\s*keep\s*-->\s*$")
OFF = ("false", "no", "off", "0")


def kept(line: int, findings: Findings) -> bool:
    """Does a `<!-- reportc: keep -->` line stand right before the block starting at `line`?"""
    lines = findings.lines
    number = line - 1
    while 0 < number <= len(lines) and BLANK_LINE.match(lines[number - 1]):
        number -= 1
    return 0 < number <= len(lines) and bool(KEEP.match(lines[number - 1]))


def switched_on(doc: Document, recovery: str) -> bool:
    """Is the recovery `recovery` ("sections", "callouts", "rejoin") on for this chapter?"""
    return doc.meta.get(f"recover_{recovery}", "true").strip().lower() not in OFF


def section_names(doc: Document) -> list[str] | None:
    """The names the front matter's `section_names` allows as recovered sections, or None."""
    raw = doc.meta.get("section_names")
    if raw is None:
        return None
    names = [name.strip().strip("\"'") for name in re.split(r"[,，、]", raw.strip().strip("[]"))]
    return [name for name in names if name]

"""Findings for editors and the errors that stop a build, each pointing at a source position.

A finding is what the compiler tells an editor instead of silently changing the text. It names
`file:line:column` (both 1-based; columns count characters, so a Han character is one column)
and can show the source line it points at, with a caret under the spot, the way compilers do.
A `ReportError` is a failure with its exit code; the CLI prints it as one line, never a traceback.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

EXIT_OK = 0
EXIT_FAILURE = 1  # a build or check failed
EXIT_USAGE = 2  # bad usage or unreadable input

LEVELS = ("error", "warning", "info")
BLANK_LINE = re.compile(r"^[\s\u3000\u200b\ufeff]*$")
# An excerpt shows about this many terminal columns of the line on each side of the caret:
# chapter paragraphs are single lines of several hundred characters.
EXCERPT_SIDE = 30
TAB_WIDTH = 4


@dataclass(frozen=True)
class Finding:
    """One thing the compiler tells an editor, at a 1-based line and column of a source file."""

    file: str
    line: int
    level: str  # "error", "warning" or "info"
    message: str
    column: int = 1
    length: int = 1  # characters the finding covers, underlined in the excerpt
    # What kind of finding this is, stable across versions for tools to filter on
    # (`section-recovered`, `callout-recovered`, `paragraph-rejoined` …). Every finding the
    # compiler makes has one (`Findings` requires it); "" only for one built by hand.
    code: str = ""

    def __str__(self) -> str:
        tail = f" [{self.code}]" if self.code else ""
        return f"{self.file}:{self.line}:{self.column}: {self.level}: {self.message}{tail}"

    def as_error(self) -> "Finding":
        """The same finding at level error (`--strict` makes warnings errors)."""
        return replace(self, level="error") if self.level == "warning" else self

    def record(self, source_line: str = "") -> dict:
        """The finding as a machine-readable record (`--json`)."""
        return {
            "type": "finding",
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_column": self.column + max(self.length, 1),
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "source_line": source_line,
        }


@dataclass
class Findings:
    """Collects findings while a document is read and normalised.

    With the source's `lines`, a transform that knows only a block's first line can still place a
    finding at its column (`locate`), and each finding can be shown with its source line."""

    file: str
    items: list[Finding] = field(default_factory=list)
    lines: Sequence[str] = ()
    _seen: set = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._seen.update(self._key(f) for f in self.items)

    @staticmethod
    def _key(finding: Finding) -> tuple:
        return finding.line, finding.column, finding.level, finding.message

    def add(self, line: int, level: str, message: str, column: int | None = None, length: int = 1, *,
            code: str) -> None:
        if column is None:
            column = self.first_column(line)
        finding = Finding(self.file, line, level, message, column, max(length, 1), code)
        key = self._key(finding)  # the same finding twice (a transform run again) is noise
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(finding)

    def warning(self, line: int, message: str, column: int | None = None, *, length: int = 1,
                code: str) -> None:
        self.add(line, "warning", message, column, length, code=code)

    def error(self, line: int, message: str, column: int | None = None, *, length: int = 1,
                code: str) -> None:
        self.add(line, "error", message, column, length, code=code)

    def info(self, line: int, message: str, column: int | None = None, *, length: int = 1,
                code: str) -> None:
        self.add(line, "info", message, column, length, code=code)

    @property
    def has_errors(self) -> bool:
        return any(f.level == "error" for f in self.items)

    def count(self, code: str) -> int:
        """How many findings have the code `code`."""
        return sum(f.code == code for f in self.items)

    def recovery_summary(self) -> str:
        """One line saying what structure was recovered (`recovered 18 sections, 18 callouts, 1
        rejoined paragraph`), or "" when nothing was."""
        counts = [(self.count("section-recovered"), "section"), (self.count("callout-recovered"), "callout"),
                  (self.count("paragraph-rejoined"), "rejoined paragraph")]
        if not any(count for count, _ in counts):
            return ""
        return "recovered " + ", ".join(f"{count} {what}{'' if count == 1 else 's'}" for count, what in counts)

    def sorted(self) -> list[Finding]:
        return sorted(self.items, key=lambda f: (f.line, f.column, LEVELS.index(f.level), f.message))

    # ------------------------------------------------------------------ positions in the source

    def source_line(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def first_column(self, line: int) -> int:
        """The column of the line's first visible character (1 for a blank or unknown line)."""
        text = self.source_line(line)
        stripped = text.lstrip(" \t\u3000\ufeff")
        return len(text) - len(stripped) + 1 if stripped else 1

    def locate(self, line: int, pattern: re.Pattern | str, occurrence: int = 0) -> tuple[int, int | None, int]:
        """Where the `occurrence`-th match of `pattern` stands in the block starting at `line`.

        The block runs to the next blank line. Returns (line, column, length); the column is
        None when the pattern is not found there (the finding then points at the line's start)."""
        if isinstance(pattern, str):
            pattern = re.compile(re.escape(pattern))
        seen = 0
        number = line
        while 0 < number <= len(self.lines):
            text = self.lines[number - 1]
            if number > line and BLANK_LINE.match(text):
                break
            for match in pattern.finditer(text):
                if seen == occurrence:
                    return number, match.start() + 1, max(match.end() - match.start(), 1)
                seen += 1
            number += 1
        return line, None, 1

    # ------------------------------------------------------------------ showing a finding

    def excerpt(self, finding: Finding) -> list[str]:
        """The source line the finding points at and a caret line under it, or [] if unknown."""
        return excerpt(self.source_line(finding.line), finding.line, finding.column, finding.length)

    def record(self, finding: Finding) -> dict:
        return finding.record(self.source_line(finding.line))


def _width(char: str) -> int:
    """Terminal columns a character takes: CJK characters are two wide."""
    if char == "\t":
        return TAB_WIDTH
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def excerpt(text: str, line: int, column: int, length: int = 1) -> list[str]:
    """`text` (one source line) shown gcc-style with a caret under `column`, cut to a window
    around it when the line is long; [] when the line is blank."""
    if not text.strip():
        return []
    index = min(max(column - 1, 0), len(text))
    end = min(index + max(length, 1), len(text))
    start = index
    used = 0
    while start > 0 and used < EXCERPT_SIDE:
        start -= 1
        used += _width(text[start])
    stop = end
    used = 0
    while stop < len(text) and used < EXCERPT_SIDE:
        used += _width(text[stop])
        stop += 1
    head = "..." if start > 0 else ""
    tail = "..." if stop < len(text) else ""
    shown = text[start:stop]
    pad = len(head) + sum(_width(c) for c in text[start:index])
    marks = max(sum(_width(c) for c in text[index:end]), 1)
    gutter = f"{line:>5} | "
    return [
        gutter + head + shown.replace("\t", " " * TAB_WIDTH) + tail,
        " " * (len(gutter) - 2) + "| " + " " * pad + "^" * marks,
    ]


T = TypeVar("T")


def read_data_file(path: Path, parse: Callable[[str], T], errors: tuple[type[Exception], ...], *,
                   missing: str, invalid: str) -> T:
    """The parsed text of a settings or record file (book.toml, edition.json). A missing file
    raises ReportError `missing`; one that is not UTF-8 or that `parse` refuses with one of
    `errors`, `path: invalid (why)`; both exit 2."""
    if not path.is_file():
        raise ReportError(missing, EXIT_USAGE)
    caught: tuple[type[Exception], ...] = (*errors, UnicodeDecodeError)
    try:
        return parse(path.read_text(encoding="utf-8"))
    except caught as exc:
        raise ReportError(f"{path}: {invalid} ({exc})", EXIT_USAGE) from None


class ReportError(Exception):
    """A failure that ends the command with `exit_code` and a one-line message.

    `findings`, when set, are what stopped the build: `--json` gives them as records too."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE, findings: "Findings | None" = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.findings = findings

    def __reduce__(self) -> tuple[Any, ...]:  # raised in a process that paginates a chapter, it reaches the build whole
        return type(self), (str(self), self.exit_code, self.findings)

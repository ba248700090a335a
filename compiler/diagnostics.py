"""Findings for editors and the errors that stop a build, each pointing at a source line.

A finding is what the compiler tells an editor instead of silently changing the text. A
`ReportError` is a failure with its exit code; the CLI prints it as one line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_FAILURE = 1  # a build or check failed
EXIT_USAGE = 2  # bad usage or unreadable input


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    level: str  # "error", "warning" or "info"
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.level}: {self.message}"


@dataclass
class Findings:
    """Collects findings while a document is read and normalised."""

    file: str
    items: list[Finding] = field(default_factory=list)

    def add(self, line: int, level: str, message: str) -> None:
        finding = Finding(self.file, line, level, message)
        if finding not in self.items:
            self.items.append(finding)

    def warning(self, line: int, message: str) -> None:
        self.add(line, "warning", message)

    def error(self, line: int, message: str) -> None:
        self.add(line, "error", message)

    def info(self, line: int, message: str) -> None:
        self.add(line, "info", message)

    @property
    def has_errors(self) -> bool:
        return any(f.level == "error" for f in self.items)

    def sorted(self) -> list[Finding]:
        return sorted(self.items, key=lambda f: (f.line, f.level, f.message))


class ReportError(Exception):
    """A failure that ends the command with `exit_code` and a one-line message."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE):
        super().__init__(message)
        self.exit_code = exit_code

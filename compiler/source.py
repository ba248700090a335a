"""Reading a chapter file into text: encoding detection and line-end normalisation.

This is the only module that touches the source bytes; everything after it sees `SourceText`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import EXIT_USAGE, ReportError


@dataclass(frozen=True)
class SourceText:
    path: Path
    text: str  # line ends normalised to "\n", no BOM
    encoding: str

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def stem(self) -> str:
        return self.path.stem


def read_source(path: str | Path) -> SourceText:
    """Read and decode a chapter. Raises ReportError (exit 2) when it cannot be read as text."""
    path = Path(path)
    if not path.exists():
        raise ReportError(f"{path}: no such file", EXIT_USAGE)
    if path.is_dir():
        raise ReportError(f"{path}: is a directory, not a chapter file", EXIT_USAGE)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read ({exc.strerror or exc})", EXIT_USAGE) from None
    if b"\x00" in data:
        raise ReportError(f"{path}: is a binary file (holds NUL bytes), not a text chapter", EXIT_USAGE)
    text, encoding = _decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceText(path=path, text=text, encoding=encoding)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ReportError(
            f"{path}: is neither UTF-8 nor GB18030 text (bad byte at offset {exc.start})", EXIT_USAGE
        ) from None

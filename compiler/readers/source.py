"""Reading a chapter file into text: encoding detection, line ends and characters that must go.

This is the only module that touches the source bytes; everything after it sees `SourceText`.
What it accepts, and why:

- UTF-8 with or without a byte-order mark; UTF-16 and UTF-32 with a BOM (what Windows tools
  call "Unicode" text); otherwise GB18030, the superset of GBK and GB2312 in which old Chinese
  archives are kept. Reading GB18030 is said in a note, so an editor knows.
- CRLF, CR and LF line ends, mixed too: all become LF.
- Control characters (other than tab and line ends) and the non-characters U+FFFE/U+FFFF
  cannot appear in XML, so the EPUB would be invalid: they are removed, each place noted with
  its line and column. A stray U+FEFF (a BOM left inside concatenated files) is dropped too,
  or a heading after it would not be read as one.

What it refuses, with exit code 2 and one line naming the file: a missing file, a directory,
anything that is not a regular file, a file it may not read, a binary file, and bytes that are
neither UTF-8 nor GB18030.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import EXIT_USAGE, ReportError
from ..model.text import is_han

LINE_END = re.compile("(\r\n|\r|\n)")
# C0 controls but tab, LF and CR; DEL; C1 controls; the two non-characters XML forbids.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# More control characters than this share of the text, and it is not text at all.
BINARY_SHARE = 0.01
BINARY_MIN = 8
BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass(frozen=True)
class Note:
    """Something reading the bytes changed or assumed, for the findings (line/column 1-based)."""

    line: int
    column: int
    level: str
    message: str
    code: str


@dataclass(frozen=True)
class SourceText:
    """A chapter's text as the reader gets it, with the encoding it was read in and what reading it noted."""

    path: Path
    text: str  # line ends normalised to "\n", no BOM, no control characters
    encoding: str
    notes: tuple[Note, ...] = ()

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def stem(self) -> str:
        return self.path.stem


def read_source(path: str | Path) -> SourceText:
    """Read and decode a chapter. Raises ReportError (exit 2) when it cannot be read as text."""
    path = Path(path)
    return decode_source(path, read_source_bytes(path))


def read_source_bytes(path: Path) -> bytes:
    """A chapter file's bytes. Raises ReportError (exit 2) when it is no regular file or cannot be read."""
    if not path.exists():
        reason = "no such file (a broken symbolic link)" if path.is_symlink() else "no such file"
        raise ReportError(f"{path}: {reason}", EXIT_USAGE)
    if path.is_dir():
        raise ReportError(f"{path}: is a directory, not a chapter file", EXIT_USAGE)
    if not path.is_file():
        # a FIFO or a device would block or never end
        raise ReportError(f"{path}: is not a regular file, not a chapter file", EXIT_USAGE)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read ({exc.strerror or exc})", EXIT_USAGE) from None


def decode_source(path: Path, data: bytes) -> SourceText:
    """Bytes → SourceText, as `read_source` does after reading the file."""
    notes: list[Note] = []
    text, encoding = _decode(path, data)
    if encoding not in ("utf-8", "utf-8-sig"):
        label = {"gb18030": "GB18030", "big5": "Big5"}.get(encoding, encoding.upper())
        notes.append(Note(1, 1, "info", f"file is not UTF-8; read as {label}", "encoding-guessed"))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = _remove_forbidden(path, text, notes)
    if not text.strip():
        notes.append(Note(1, 1, "warning", "the chapter is empty", "chapter-empty"))
    return SourceText(path=path, text=text, encoding=encoding, notes=tuple(notes))


def decoded_lines(path: Path, data: bytes) -> list[tuple[str, str]]:
    """The lines of a chapter's bytes as decoded, before anything is removed, each with its own
    line end (CRLF, CR or LF; "" for a last line without one): the nth is line n of the
    `SourceText`. What `reportc fix` writes back of the lines it does not change."""
    text, _ = _decode(path, data)
    pieces = LINE_END.split(text)
    return list(zip(pieces[0::2], [*pieces[1::2], ""]))


def encode_source(text: str, encoding: str) -> bytes:
    """`text` as bytes of the `encoding` a source was read in (`SourceText.encoding`), with the
    byte-order mark the source had."""
    marks = {codec: bom for bom, codec, label in BOMS if label != "UTF-8"}
    return marks.get(encoding, b"") + text.encode(encoding)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), codec if label != "UTF-8" else "utf-8-sig"
            except UnicodeDecodeError as exc:
                raise ReportError(
                    f"{path}: starts with a {label} byte-order mark but is not {label} text "
                    f"(bad bytes at offset {exc.start + len(bom)})", EXIT_USAGE) from None
    if b"\x00" in data:
        raise ReportError(f"{path}: is a binary file (holds NUL bytes), not a text chapter", EXIT_USAGE)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReportError(
            f"{path}:{line}: is neither UTF-8 nor GB18030 text "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start})", EXIT_USAGE
        ) from None
    if _looks_like_big5(data, text):
        return data.decode("big5"), "big5"
    return text, "gb18030"


def _rare_share(text: str) -> float:
    """The share of Han characters outside GB2312, the 6,763 common ones of Simplified prose."""
    han = [char for char in text if is_han(char)]
    if not han:
        return 0.0
    rare = 0
    for char in han:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare / len(han)


def _looks_like_big5(data: bytes, as_gb: str) -> bool:
    """Big5 (Traditional Chinese, Taiwan and Hong Kong archives) also decodes as GB18030 without
    an error — into rare characters. Read as GB18030, real prose is almost all GB2312; when more
    than a fifth of it is not, and the bytes are valid Big5, they are Big5."""
    try:
        data.decode("big5")
    except UnicodeDecodeError:
        return False
    return _rare_share(as_gb) > 0.2


def _remove_forbidden(path: Path, text: str, notes: list[Note]) -> str:
    found = FORBIDDEN.findall(text)
    if not found:
        return text
    if len(found) >= BINARY_MIN and len(found) > BINARY_SHARE * len(text):
        raise ReportError(f"{path}: is a binary file (holds control bytes), not a text chapter", EXIT_USAGE)
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        first = FORBIDDEN.search(line)
        if first:
            names = ", ".join(sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(line)}))
            notes.append(Note(number, first.start() + 1, "warning",
                              f"control character {names} removed: it cannot appear in the outputs",
                              "control-character-removed"))
            lines[number - 1] = FORBIDDEN.sub("", line)
    return "\n".join(lines)

"""Transform: a `table` code block reads its table from a CSV file beside the chapter.

Syntax: a fenced code block whose language is `table`, holding one `key: value` per line::

    ```table
    file: gdp.csv
    caption: 各区生产总值与人口
    label: tbl-gdp
    format: ,.1f
    unit 生产总值: 亿元
    format 增长率: .2f
    align 地区: center
    ```

* `file:` (required) the CSV file, relative to the chapter's folder. Read with the standard
  `csv` module as UTF-8 (a byte-order mark allowed), else as GB18030; its first row is the header.
* `caption:` the table's caption; `label:` its label for cross-references (`@tbl-gdp`).
* `format:` a Python format spec (`,.1f`, `.0f`, `,`) applied to every number cell; without it
  a number keeps its decimals and gets thousands separators (`16013.4` → `16,013.4`). Figures
  are rounded half up (四舍五入: `1990.45` with `,.1f` → `1,990.5`).
  `format <column>:` sets one column's spec instead.
* `unit <column>:` is appended to that column's header in full-width brackets (`生产总值（亿元）`).
* `align <column>:` `left`, `right` or `center`; columns of numbers are aligned right otherwise.

A cell is a number as the tables transform reads one (`tables.is_number`); `%` and `‰` stay
after the formatted figure; empty cells and placeholders (`—`, `…`) stay as written. A column
headed 年, 年份, 年度 or Year holds years, not figures: it is left as written.

Blank lines and lines starting with `#` are skipped. A missing or unreadable file, an unknown
key, an unknown column, an unknown alignment or a format spec that fails is an error finding at
the code block's line, and the code block stays as it is (so nothing vanishes).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from pathlib import Path

from ..model.nodes import Block, CodeBlock, Document, Inline, Table, Text
from ..model.traverse import map_blocks
from .context import PassContext
from .tables import is_number, is_placeholder

KEY = re.compile(r"^\s*([^:：]+?)\s*[:：]\s*(.*?)\s*$")
COLUMN_KEYS = ("format", "unit", "align")
ALIGNMENTS = ("left", "right", "center")
YEAR_HEADERS = {"年", "年份", "年度", "year"}
ENCODINGS = ("utf-8-sig", "gb18030")


class DataTableError(Exception):
    """What is wrong with a `table` block: the message of its error finding."""


@dataclass
class Spec:
    """A `table` block's settings."""

    file: str = ""
    caption: str = ""
    label: str = ""
    format: str | None = None
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # column → {format, unit, align}


def read_data_tables(doc: Document, ctx: PassContext) -> Document:
    """Each `table` code block becomes the table its CSV file holds (an error leaves it as it is)."""
    base = ctx.base_dir if ctx.base_dir is not None else Path(doc.source_name).parent

    def visit(block: Block) -> Block:
        if not isinstance(block, CodeBlock) or block.language != "table":
            return block
        try:
            return data_table(block, base)
        except DataTableError as problem:
            ctx.findings.error(block.line, f"table block: {problem}", code="table-data-unreadable")
            return block

    return map_blocks(doc, visit)


def parse_spec(text: str) -> Spec:
    """The settings a `table` block's text gives; raises DataTableError on an unknown key."""
    spec = Spec()
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = KEY.match(line)
        if match is None:
            raise DataTableError(f"'{line.strip()}' is not a 'key: value' line")
        key, value = match.groups()
        word, _, column = key.partition(" ")
        if key in ("file", "caption", "label", "format"):
            setattr(spec, key, value)
        elif word in COLUMN_KEYS and column.strip():
            spec.columns.setdefault(column.strip(), {})[word] = value
        else:
            raise DataTableError(f"unknown key '{key}' (known: file, caption, label, format, "
                                 f"format <column>, unit <column>, align <column>)")
    if not spec.file:
        raise DataTableError("no 'file:' line names the CSV file")
    return spec


def read_rows(path: Path) -> list[list[str]]:
    """The CSV file's rows (UTF-8, else GB18030); raises DataTableError when it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataTableError(f"data file '{path.name}' not found") from None
    except OSError as problem:
        raise DataTableError(f"data file '{path.name}' cannot be read ({problem.strerror})") from None
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]
        except csv.Error as problem:
            raise DataTableError(f"data file '{path.name}' is not valid CSV ({problem})") from None
        if not rows:
            raise DataTableError(f"data file '{path.name}' holds no rows")
        return rows
    raise DataTableError(f"data file '{path.name}' is neither UTF-8 nor GB18030 text")


def data_table(block: CodeBlock, base: Path) -> Table:
    """The table a `table` block describes; raises DataTableError on any problem."""
    spec = parse_spec(block.text)
    rows = read_rows(base / spec.file)
    width = max(len(row) for row in rows)
    header = [cell.strip() for cell in rows[0]] + [""] * (width - len(rows[0]))
    body = [[cell.strip() for cell in row] + [""] * (width - len(row)) for row in rows[1:]]
    unknown = sorted(set(spec.columns) - set(header))
    if unknown:
        raise DataTableError(f"no column named {', '.join(repr(name) for name in unknown)} in '{spec.file}' "
                             f"(its columns: {', '.join(header)})")
    numeric = tuple(header[index].lower() not in YEAR_HEADERS
                    and all(is_number(row[index]) or is_placeholder(row[index]) for row in body)
                    and any(is_number(row[index]) for row in body)
                    for index in range(width))
    align = []
    for index, name in enumerate(header):
        settings = spec.columns.get(name, {})
        given = settings.get("align", "")
        if given and given not in ALIGNMENTS:
            raise DataTableError(f"align {name}: '{given}' is none of {', '.join(ALIGNMENTS)}")
        align.append(given or ("right" if numeric[index] else ""))
        if numeric[index]:
            spec_text = settings.get("format", spec.format)
            for row in body:
                row[index] = format_number(row[index], spec_text, name)
    shown_header = [f"{name}（{spec.columns[name]['unit']}）" if spec.columns.get(name, {}).get("unit") else name
                    for name in header]
    return Table(header=[_run(name) for name in shown_header], rows=[[_run(cell) for cell in row] for row in body],
                 line=block.line, blank_lines_before=block.blank_lines_before, align=tuple(align),
                 numeric=numeric, caption=_run(spec.caption), label=spec.label, data_file=spec.file)


def format_number(cell: str, spec: str | None, column: str) -> str:
    """A number cell formatted with `spec` (None: its decimals kept, thousands separated);
    anything else as it is. Raises DataTableError when the spec fails."""
    if not is_number(cell):
        return cell
    text = cell.strip()
    suffix = text[-1] if text[-1] in "%‰" else ""
    digits = text[:len(text) - len(suffix)].strip().replace(",", "")
    minus = digits[:1] if digits[:1] in "−－" else ""
    try:
        value = Decimal("-" + digits[1:] if minus else digits)
        with localcontext() as context:
            context.rounding = ROUND_HALF_UP  # 四舍五入, as statistics print figures
            shown = format(value, spec if spec is not None else ",")
    except (ValueError, InvalidOperation, TypeError) as problem:
        raise DataTableError(f"format '{spec}' cannot format {cell!r} in column '{column}' ({problem})") from None
    if minus and shown.startswith("-"):
        shown = minus + shown[1:]
    return shown + suffix


def _run(text: str) -> list[Inline]:
    return [Text(text)] if text else []

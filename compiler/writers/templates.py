"""Layouts: a folder of Jinja2 templates, CSS and `layout.toml` under `layouts/<name>/`.

A layout is data. Python only finds the folder, reads its `layout.toml` and gives its templates
the tree; a user makes a new layout by copying a folder, without touching Python. A template
names each node by its `kind` (the type's name in lower case) and ends its markup of the kinds
it knows with `{{ unknown(node) }}`: a node of a kind it does not know stops the build with a
message naming the layout's file and the kind, instead of leaving its text out.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

from ..diagnostics import EXIT_FAILURE, EXIT_USAGE, ReportError
from ..model.nodes import Inline, NoteRef, Section, Table
from ..model.traverse import is_span, plain_text
from .math import math_svg, mathml
from ..resources import LAYOUTS_DIR, cache_dir

if TYPE_CHECKING:
    import jinja2

# The templates a layout names in layout.toml: a chapter for print and for the EPUB, a book
# for print and the book's EPUB title page.
TemplateName = Literal["print", "epub", "book", "book_epub"]


class UnknownNode(Exception):
    """A template met a node of a kind it has no markup for."""


@dataclass
class Layout:
    """A layout folder loaded: its name, folder, layout.toml settings and Jinja2 environment."""

    name: str
    folder: Path
    config: dict[str, Any]
    env: jinja2.Environment

    def strings(self, language: str) -> dict[str, str]:
        table = self.config.get("strings", {})
        parts = language.split("-")
        for size in range(len(parts), 0, -1):  # zh-Hant-TW → zh-Hant → zh
            if "-".join(parts[:size]) in table:
                return table["-".join(parts[:size])]
        return table.get("zh-Hans", {})

    def stylesheets(self, output: str) -> list[Path]:
        return [self.folder / name for name in self.config.get(output, {}).get("stylesheets", [])]

    def render(self, output: TemplateName, context: dict[str, Any]) -> str:
        """Render the `output` template; a template error names the layout file and line."""
        import jinja2

        try:
            return self.env.get_template(self.config[output]["template"]).render(context)
        except jinja2.TemplateSyntaxError as exc:
            where = exc.filename or str(self.folder / (exc.name or self.config[output]["template"]))
            raise ReportError(f"{where}:{exc.lineno}: template error: {exc.message}", EXIT_FAILURE) from None
        except jinja2.TemplateError as exc:
            raise ReportError(f"{self._template_frame(exc)}: template error: {exc}", EXIT_FAILURE) from None
        except UnknownNode as exc:
            raise ReportError(f"{self._template_frame(exc)}: the layout has no markup for a node of kind "
                              f"'{exc}' (add it before the template's unknown(node))", EXIT_FAILURE) from None

    def _template_frame(self, exc: BaseException) -> str:
        """`file:line` of the innermost layout template frame in the traceback."""
        where = str(self.folder)
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.startswith(str(self.folder)):
                where = f"{filename}:{tb.tb_lineno}"
            tb = tb.tb_next
        return where


def layout_folder(name_or_path: str) -> Path:
    """The folder of a layout given by name (a folder in `layouts/`) or by path."""
    folder = Path(name_or_path)
    return folder if (folder / "layout.toml").is_file() else LAYOUTS_DIR / name_or_path


def load_layout(name_or_path: str) -> Layout:
    """A layout by name (a folder in `layouts/`) or by the path of a layout folder."""
    import jinja2

    folder = layout_folder(name_or_path)
    config_file = folder / "layout.toml"
    if not config_file.is_file():
        known = ", ".join(sorted(p.name for p in LAYOUTS_DIR.iterdir() if (p / "layout.toml").is_file()))
        raise ReportError(f"layout '{name_or_path}' not found (known layouts: {known})", EXIT_USAGE)
    try:
        config = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ReportError(f"{config_file}: {exc}", EXIT_USAGE) from None
    for output in ("print", "epub"):
        if "template" not in config.get(output, {}):
            raise ReportError(f"{config_file}: [{output}] needs a 'template'", EXIT_USAGE)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_compiled_templates(),
    )
    env.filters["kind"] = node_kind
    env.filters["safe_href"] = _safe_href
    env.filters["file_name"] = file_name
    env.filters["mathml"] = mathml
    env.filters["math_svg"] = math_svg
    env.filters["without_notes"] = without_notes
    env.filters["table_width"] = table_width
    env.filters["table_rows"] = table_rows
    env.tests["section"] = lambda node: isinstance(node, Section)
    env.globals["unknown"] = _unknown
    return Layout(config.get("name", folder.name), folder, config, env)


def node_kind(node: object) -> str:
    """What templates call a node's type: its class name in lower case (`runin`, `keypoints`)."""
    return type(node).__name__.lower()


def _unknown(node: object) -> str:
    raise UnknownNode(node_kind(node))


def _safe_href(href: str, anchors: frozenset[str] = frozenset()) -> bool:
    """Links that may be followed: the web, mail, and anchors that exist in the document."""
    lowered = href.strip().lower()
    if lowered.startswith("#"):
        return href.strip()[1:] in anchors
    return lowered.startswith(("http://", "https://", "mailto:"))


URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\\)")  # `http:`, not a Windows drive `C:\\`


def file_name(src: str) -> str:
    """The last part of an image's path, as a placeholder for a missing image names it
    (`images/2-1.png` → `2-1.png`, `file:///a/b%20c.png` → `b c.png`); "" when `src` names no
    file (a `data:` or `javascript:` URL, nothing)."""
    src = src.strip()
    if URL_SCHEME.match(src):
        parts = urlsplit(src)
        if not src[len(parts.scheme) + 1:].startswith("/"):
            return ""  # data:, javascript:, mailto: … hold no path
        path = parts.path or parts.netloc
    else:
        path = src.split("#", 1)[0].split("?", 1)[0]
    names = [part for part in re.split(r"[/\\]", path) if part]
    return unquote(names[-1]) if names else ""


def without_notes(nodes: list[Inline]) -> list[Inline]:
    """A run without its footnote references: a heading's title as the contents list or a
    cross-reference repeats it (the note belongs to the heading, shown once)."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, NoteRef):
            continue
        if is_span(type(node)):
            node = replace(cast(Any, node), children=without_notes(cast(Any, node).children))
        out.append(node)
    return out


# Estimated widths of characters, in em of the table's type: a Han character or full-width sign
# fills its em; Latin letters, digits and signs take a little over half of one.
WIDE_CHAR = re.compile(r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                       r"\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
NARROW_EM = 0.55


def text_width(text: str) -> float:
    """The estimated width of `text` in em: 1 for each CJK character, `NARROW_EM` for any other."""
    wide = len(WIDE_CHAR.findall(text))
    return wide + NARROW_EM * (len(text) - wide)


def _compiled_templates() -> jinja2.FileSystemBytecodeCache | None:
    """Templates compiled once, kept in the cache folder: compiling a layout's templates took a
    build 0.2 s, ten times as long as rendering a chapter with them. Jinja checks each entry
    against its template's source and writes entries atomically; without a writable cache
    folder the templates are compiled each time."""
    import jinja2

    folder = cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


class DrawnCell(NamedTuple):
    """A cell as a table draws it: its content, its column, and the rows and columns it spans."""

    content: list[Inline]
    column: int
    rows: int = 1
    columns: int = 1


def table_rows(table: Table) -> list[tuple[bool, list[DrawnCell]]]:
    """Jinja filter: the rows of a table to draw, each (whether it is a heading row, its cells),
    leaving out the cells a merged cell covers."""
    spans = {(row, column): (rows, columns) for row, column, rows, columns in table.merged}
    covered = {(row + down, column + across) for (row, column), (rows, columns) in spans.items()
               for down in range(rows) for across in range(columns)} - set(spans)
    return [(index < table.header_rows,
             [DrawnCell(cell, column, *spans.get((index, column), (1, 1)))
              for column, cell in enumerate(row) if (index, column) not in covered])
            for index, row in enumerate([table.header, *table.rows])]


def table_width(table: Table, padding: float = 1.0, wrap: float = 12.0) -> float:
    """Jinja filter: the width in em a table needs to show without cutting anything, estimated
    from its cells' text: for each column the widest cell (a cell wider than `wrap` em counted as
    `wrap`, since its lines may wrap — but never narrower than its longest unbreakable word), plus
    `padding` em a column. The layout compares it with its thresholds (layout.toml [tables])."""
    columns: dict[int, float] = {}
    for row in [table.header, *table.rows]:
        for index, cell in enumerate(row):
            text = plain_text(cell).strip()
            longest_word = max((text_width(word) for word in re.split(r"\s+|(?<=" + WIDE_CHAR.pattern + ")", text)
                                if word), default=0.0)
            need = max(min(text_width(text), wrap), longest_word)
            columns[index] = max(columns.get(index, 0.0), need)
    return round(sum(width + padding for width in columns.values()), 2)

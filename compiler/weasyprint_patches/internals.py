"""Every private symbol of WeasyPrint this package patches, calls or reads, the version they
were written for, and the one guard that refuses another version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Sequence

from ..diagnostics import EXIT_FAILURE, ReportError

TESTED_WEASYPRINT = "70.0"


@dataclass(frozen=True)
class Internal:
    """A private symbol of WeasyPrint that a module here depends on."""

    module: str  # e.g. "weasyprint.layout.inline"
    name: str  # a module attribute, "Class.attribute", or "Class().attribute" for an instance attribute
    use: Literal["patched", "rewritten", "called", "read"]
    by: str  # the module of this package that depends on it
    fingerprint: str = ""  # sha256 (16 hex digits) of its source in the tested version; "" for a class or attribute
    defined_in: str = ""  # the module that defines it, when `module` only imports it

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


_LINE_BREAK = "weasyprint.text.line_break"
_BOXES = "weasyprint.formatting_structure.boxes"
_BLOCK = "weasyprint.layout.block"
INTERNALS: tuple[Internal, ...] = (
    # the Chinese line layout
    Internal("weasyprint.layout.inline", "text_align", "patched", "cjk_justify", "79372fc12c3602fd"),
    Internal(_LINE_BREAK, "Layout.set_text", "patched", "cjk_justify", "43fa801476cb38cd"),
    Internal("weasyprint.draw.text", "draw_first_line", "rewritten", "cjk_justify", "df38b8753e86c3ba"),
    Internal(_LINE_BREAK, "create_layout", "called", "cjk_justify", "5d4b11726a68d0a4"),
    Internal(_LINE_BREAK, "line_size", "called", "cjk_justify", "186816fcede28485"),
    Internal("weasyprint.text.ffi", "TO_UNITS", "read", "cjk_justify"),
    Internal("weasyprint.text.ffi", "ffi", "read", "cjk_justify"),
    Internal("weasyprint.text.ffi", "pango", "read", "cjk_justify"),
    Internal(_BOXES, "TextBox", "read", "cjk_justify"),
    Internal(_BOXES, "LineBox", "read", "cjk_justify"),
    Internal(_BOXES, "InlineBox", "read", "cjk_justify"),
    Internal(_BOXES, "TextBox().pango_layout", "read", "cjk_justify"),
    Internal(_BOXES, "Box().is_leader", "read", "cjk_justify"),
    # dot leaders
    Internal("weasyprint.layout.inline", "handle_leader", "patched", "leaders", "a7f944a205e41cd0", "weasyprint.layout.leader"),
    Internal("weasyprint.layout.leader", "leader_index", "called", "leaders", "a5db9f270b8b21c3"),
    Internal(_LINE_BREAK, "Layout", "called", "leaders"),
    Internal(_BOXES, "TextBox.copy_with_text", "called", "leaders", "30abd79a9201046b"),
    # page numbers of a chapter paginated apart
    Internal("weasyprint.layout", "make_margin_boxes", "patched", "page_numbers", "ff19320efeb0e696",
             "weasyprint.layout.page"),
    Internal("weasyprint.layout", "LayoutContext().page_maker", "read", "page_numbers"),
    # … and drawn apart from the chapter's body, to be stamped anew (`numbers_apart`)
    Internal(_BOXES, "MarginBox", "read", "page_numbers"),
    Internal(_BOXES, "PageBox().page_type", "read", "page_numbers"),
    Internal(_BOXES, "PageBox().canvas_background", "read", "page_numbers"),
    Internal(_BOXES, "ParentBox.copy_with_children", "called", "page_numbers", "68d90c9903f03cc0"),
    Internal("weasyprint.document", "Page()._page_box", "read", "page_numbers"),
    Internal("weasyprint.document", "Page().forms", "read", "page_numbers"),
    Internal("weasyprint.document", "Document.copy", "called", "page_numbers", "aca932d51ca85045"),
    # artifacts in tagged PDF
    Internal("weasyprint.pdf.stream", "Stream.marked", "patched", "pdf_artifacts", "db0b0ade89909d88"),
    Internal("weasyprint.pdf.tags", "_build_box_tree", "patched", "pdf_artifacts", "e8338d00c41d15e4"),
    Internal(_BOXES, "MarginBox", "read", "pdf_artifacts"),
    # footnotes on their call's page
    Internal(_BLOCK, "_linebox_layout", "rewritten", "footnotes", "2edf8a7e471b161a"),
    Internal("weasyprint.layout", "LayoutContext().reported_footnotes", "read", "footnotes"),
    Internal("weasyprint.layout", "LayoutContext().current_page_footnotes", "read", "footnotes"),
    Internal("weasyprint.layout", "LayoutContext().current_footnote_area", "read", "footnotes"),
    Internal("weasyprint.layout", "LayoutContext().page_bottom", "read", "footnotes"),
    Internal("weasyprint.layout", "LayoutContext().in_column", "read", "footnotes"),
    # figures floating to the next page's top
    Internal(_BLOCK, "_in_flow_layout", "patched", "page_floats", "65c816057d3253a4"),
    Internal(_BLOCK, "find_last_in_flow_child", "called", "page_floats", "73ea8b5aecf7c751"),
    Internal(_BLOCK, "find_last_class_a_break_point_child", "called", "page_floats", "ce55a9d946889192"),
    Internal(_BLOCK, "block_level_page_break", "called", "page_floats", "613aef275d5c8f57"),
    Internal(_BLOCK, "block_level_page_name", "called", "page_floats", "2d7ac12b267a5d5b"),
    Internal(_BLOCK, "remove_placeholders", "called", "page_floats", "c7196fdc1f9c6cc9"),
    Internal(_BLOCK, "collapse_margin", "called", "page_floats", "0ab76181308e38d8"),
    Internal("weasyprint.css", "ComputedStyle", "read", "page_floats"),  # its `cascaded`: what an element declares
    Internal(_BOXES, "BlockBox", "read", "page_floats"),
    Internal(_BOXES, "TableBox", "read", "page_floats"),
    Internal("weasyprint.layout", "LayoutContext().current_footnote_area", "read", "page_floats"),  # its page
    Internal("weasyprint.layout", "LayoutContext().page_bottom", "read", "page_floats"),
    # font programs left to the join
    Internal("weasyprint.pdf.fonts", "Font.clean", "patched", "deferred_fonts", "3db83c9cee49a40f"),
    # reading rendered pages
    Internal("weasyprint.document", "Page()._page_box", "read", "boxes"),
    Internal(_BOXES, "ParentBox", "read", "boxes"),
    Internal(_BOXES, "Box().element", "read", "boxes"),
    Internal(_BOXES, "Box().element_tag", "read", "boxes"),
)


def require_tested_weasyprint(what: str) -> None:
    """Refuse to patch or read a WeasyPrint other than the one this package was written for."""
    import weasyprint

    if weasyprint.__version__ != TESTED_WEASYPRINT:
        raise ReportError(
            f"{what} is written for WeasyPrint {TESTED_WEASYPRINT}, found {weasyprint.__version__}: "
            "install the pinned version (pip install -e .)", EXIT_FAILURE)


def rewrite_function(module: Any, name: str, changes: Sequence[tuple[str, str]], what: str) -> Any:
    """Re-define the function `name` of `module` from its own source with each `old` text of
    `changes` replaced by its `new` one (each must be found exactly once), on its own line
    numbers so that tracebacks point into WeasyPrint's file. Returns the function replaced."""
    import linecache

    function = getattr(module, name)
    code = function.__code__
    lines = linecache.getlines(code.co_filename)
    start = code.co_firstlineno - 1
    # the function's own lines, up to the next top-level statement (inspect.getsource, which
    # tokenizes, takes longer than the rest of a patch)
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1] not in ("", " ", "\t", "\n")), len(lines))
    source = "".join(lines[start:end])
    if not source.startswith(f"def {name}("):
        raise ReportError(f"WeasyPrint's {name} is not the one {what} rewrites", EXIT_FAILURE)
    for old, new in changes:
        if source.count(old) != 1:
            raise ReportError(f"WeasyPrint's {name} no longer holds {old.strip()!r}: {what} cannot be applied",
                              EXIT_FAILURE)
        source = source.replace(old, new)
    exec(compile("\n" * start + source, module.__file__, "exec"), module.__dict__)
    return function


def source_of(internal: Internal) -> str | None:
    """The source of a patched, rewritten or called function or method as the installed
    WeasyPrint has it (read from its file, so a patch installed in this process does not
    hide it), or None when it is not a function of that module."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(internal.defined_in or internal.module)
    if spec is None or spec.origin is None:
        return None
    with open(spec.origin, encoding="utf-8") as handle:
        text = handle.read()
    scope: list[ast.stmt] = ast.parse(text).body
    *owners, name = internal.name.split(".")
    for owner in owners:
        found = next((node for node in scope if isinstance(node, ast.ClassDef) and node.name == owner), None)
        if found is None:
            return None
        scope = found.body
    function = next((node for node in scope
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name), None)
    return ast.get_source_segment(text, function) if function is not None else None


def fingerprint(internal: Internal) -> str:
    """16 hex digits of the SHA-256 of the function's source ("" when it is not a function)."""
    import hashlib

    source = source_of(internal)
    return hashlib.sha256(source.encode()).hexdigest()[:16] if source is not None else ""

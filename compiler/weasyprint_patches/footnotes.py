"""Footnotes on the page that holds their call: WeasyPrint's line layout, compiled again with
three changes.

WeasyPrint 70 lays out a paragraph's lines in `weasyprint.layout.block._linebox_layout`, and
each footnote (`float: footnote`) when the line calling it is placed. It goes wrong in two ways
(the e2e strain chapter of tests/e2e/test_features.py shows both):

- when a line does not fit and breaking before it would leave fewer than `orphans` lines of its
  paragraph on the page, WeasyPrint "reports" footnotes already set on the page — the last
  first — to the next page until the line fits, then keeps the line (added for
  Kozea/WeasyPrint#2432 by PR #2437, 2025). Those notes are called higher on the page, so they land a page late,
  although breaking before the paragraph — what `orphans` asks without footnotes — would keep
  every note with its call;
- the line kept so is appended without its own footnotes being laid out: a note called in it
  is never set, and is missing from the PDF.

And with the default `footnote-policy: auto`, a note whose call is in the page's last line that
fits, but which the page has no room left for, is moved to the next page while its call stays.

Here, compiled from WeasyPrint's own source with three lines changed in place:

- no footnote is reported to make room for a line: the paragraph breaks as `orphans` and
  `widows` say (`_break_line`, the path WeasyPrint takes on a page without footnotes), so no
  line is kept without its notes either;
- under `footnote-policy: auto`, a note that does not fit pushes the line calling it to the next
  page (what `footnote-policy: line` does, orphans and widows kept), unless notes already wait
  for the next page (they keep their order), the line is the first on its page (WeasyPrint's
  own guard: it could not move), or the note and its line would not fit on a page of their
  own: such a note moves on after its call, as CSS GCPM allows, and WeasyPrint already did.

A document without footnotes is laid out as before, and so is every page up to the first that
sets or calls a note: each change is on a path WeasyPrint takes only then. No later WeasyPrint fixes this: 70.0 is the latest
release the registry offers, and upstream's reporting (PR #2437) is still there. Pinned to
70.0: `_linebox_layout`'s fingerprint is in `internals.INTERNALS`, each replaced line must be
found exactly once, and tests/weasyprint_patches/test_footnote_placement.py renders each case.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

from .internals import require_tested_weasyprint, rewrite_function

# (WeasyPrint's line, its replacement): one line each, so that the compiled function keeps the
# line numbers of block.py in tracebacks.
_CHANGES = (
    # never move notes already set on the page to make room for a line: break as orphans say
    ("report = not context.in_column and can_break_now and not could_break_before",
     "report = False"),
    # whether the line may go along with the note: measured as the note is set, before it may be
    # reported (which takes it out of the footnote area again)
    ("                overflow = context.layout_footnote(footnote)\n",
     "                before = _reportc_before_note(context); overflow = context.layout_footnote(footnote); "
     "along = _reportc_takes_line_along(context, before, line)\n"),
    # under `auto`, a note that does not fit takes its line along to the next page
    ("if footnote.style['footnote_policy'] == 'line':",
     "if footnote.style['footnote_policy'] == 'line' or (footnote.style['footnote_policy'] == 'auto' and along):"),
)


# WeasyPrint's own `_linebox_layout`, once `install` has replaced it: the tests lay pages out with
# it too, to show what the patch changes
original_linebox_layout: Callable[..., Any] | None = None


@dataclass(frozen=True)
class _Before:
    """The page just before a footnote is set."""

    queued: bool  # notes already wait for the next page
    page_bottom: float  # where the page's body ends
    # the footnote area's margins, border and padding are taken from the body already: once the
    # area has been laid out on the page, even if its notes have been moved on since
    area_counted: bool


def _before_note(context: Any) -> _Before:
    return _Before(bool(context.reported_footnotes), context.page_bottom,
                   context.current_footnote_area.height != "auto")


def _takes_line_along(context: Any, before: _Before, line: Any) -> bool:
    """Should a note that does not fit push the line calling it to the next page? Not when notes
    already wait there (they keep their order), not in columns (laid out apart, unchanged here),
    and not when the note and its line would not fit on a page of their own either: moving the
    line would leave this page's end empty and the note would move on all the same."""
    if before.queued or context.in_column:
        return False
    area = context.current_footnote_area
    decoration = area.margin_height() - area.height  # the area's margins, border and padding
    alone = before.page_bottom - context.page_bottom + (decoration if before.area_counted else 0)
    return bool(alone + line.height <= area.page.height)


@cache  # patched once per process
def install() -> None:
    """Replace WeasyPrint's `_linebox_layout` with its source changed as above (idempotent)."""
    from weasyprint.layout import block

    require_tested_weasyprint("Footnote placement")
    global original_linebox_layout
    block.__dict__.update(_reportc_before_note=_before_note, _reportc_takes_line_along=_takes_line_along)
    original_linebox_layout = rewrite_function(block, "_linebox_layout", _CHANGES, "the footnote patch")

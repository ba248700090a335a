"""Dot leaders drawn as one run of text per line instead of one text box per dot.

WeasyPrint fills a `leader()` with copies of its text box, each placed on a grid counted from
the line's end (so the dots of all the lines of a contents page stand in columns). Every copy is
drawn on its own: a book's contents of 600 entries held 75,000 text boxes and took 4 s to lay
out and write. After WeasyPrint has placed the copies, `install` joins them into one box
holding the repeated text, starting where the first copy starts: the same glyphs at the same
places (the copies are contiguous, each as wide as the text), drawn at once.

Pinned to WeasyPrint 70.0 like the Chinese line layout; tests/weasyprint_patches/test_leaders.py checks that the
dots stay in their columns and each leader is one box.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .internals import require_tested_weasyprint


@cache  # patched once per process
def install() -> None:
    """Patch WeasyPrint's leader handling to join each leader's copies into one box (idempotent)."""
    from weasyprint.layout import inline
    from weasyprint.layout.leader import leader_index

    require_tested_weasyprint("Joined dot leaders")
    original = inline.handle_leader

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        original(context, line, containing_block)
        _, leader_box = leader_index(line)
        if leader_box is not None and len(leader_box.children) > 1:
            leader_box.children = (_joined(sorted(leader_box.children, key=lambda box: box.position_x)),)

    inline.handle_leader = handle_leader


def _joined(copies: list[Any]) -> Any:
    """One text box holding the copies' text, where the first copy is, as wide as all of them."""
    from weasyprint.text.line_break import Layout

    first, last = copies[0], copies[-1]
    joined = first.copy_with_text(first.text * len(copies))
    layout = Layout(first.style)
    layout.set_text(joined.text)
    layout.deactivate()  # as WeasyPrint leaves its boxes' layouts: drawing sets them up again
    joined.pango_layout = layout
    joined.width = last.position_x + last.width - first.position_x
    return joined

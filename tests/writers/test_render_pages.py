"""Laying out leaves memory as it found it: garbage made before a layout (a book's previous
chapter) does not outlive it, and nothing stays exempt from collection afterwards."""

from __future__ import annotations

import gc
import weakref


class _Cycle:
    def __init__(self):
        self.me = self


def test_garbage_made_before_a_layout_is_collected_and_nothing_stays_frozen(tmp_path):
    from compiler.writers.print.pdf import render_pages as lay_out

    garbage = _Cycle()
    gone = weakref.ref(garbage)
    gc.collect()  # it survives into the oldest generation, as a previous chapter's pages do
    del garbage  # now garbage: only a full collection frees a cycle there
    pages, _ = lay_out("<p>正文。</p>", base_dir=tmp_path, allowed_roots=[tmp_path])
    assert gone() is None
    assert gc.get_freeze_count() == 0
    assert len(pages.pages) == 1

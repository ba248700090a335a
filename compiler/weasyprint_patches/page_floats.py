"""Figures that may float to the top of the next page, where the layout asks for it.

WeasyPrint 70 has no page floats (CSS Page Floats' `float: top`, `float-defer`): a figure kept in
one piece (`break-inside: avoid`) that does not fit in what is left of a page moves to the next
page, and the text after it waits behind it, so the page ends short — by up to a whole figure.
A layout opts in with a custom property on the element that may float, in its print CSS:

    figure.figure { --page-float: top; }

Then, when such a block does not fit and more than a third of the page's height is left empty
under it, the blocks that follow it in the same container are set first, while each fits whole
on the page, and the block goes on at the top of the next page. WeasyPrint resumes a page at one
place in its box tree, so the figure is moved in the tree, after the blocks set before it: they
stay in order, and so do figures and tables (numbered in order: neither is ever set before a
floating figure). A block that would have to be broken across the pages is not moved, nor is
one that is or holds a heading (the figure stays in its section), a figure or a table, or has a
break of its own before or after it, or whose break from the block before it is avoided
(`break-after: avoid`); the first such block ends the page, as it would without the patch. Nor
is a float tried when the figure's own break is avoided: WeasyPrint looks for an earlier break,
as before.

What follows from moving the figure in the tree: a paragraph the page would have to break cannot
be set before the figure, so the page may still end short, by less than that paragraph; the
tagged PDF reads the figure where it is printed, after the blocks set before it; the EPUB's page
list, which marks where each printed page begins, marks the next page at the figure; and when
WeasyPrint lays the pages out again (page-based counters) the figure stays after those blocks,
even if it would fit before them then.

`_in_flow_layout` (WeasyPrint's layout of a block in its container) is wrapped: the wrapper
only acts on an element that declares the property and did not fit, and lays the blocks after
it out with WeasyPrint's own function, undoing one that does not fit whole as WeasyPrint undoes
a page's last blocks (`remove_placeholders`). Pinned to WeasyPrint 70.0 (`internals.INTERNALS`);
tests/weasyprint_patches/test_page_floats.py lays pages out and reads their boxes.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable

from .internals import require_tested_weasyprint

# `--page-float` as WeasyPrint's computed style holds a custom property: its tokens, under the
# name with dashes turned to underscores
PROPERTY = "__page_float"
# a float is tried only when more than this share of the page's height would be left empty
EMPTY_SHARE = 1 / 3
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


def floats(box: Any) -> bool:
    """Does the element of `box` itself declare `--page-float: top` (not inherit it)?"""
    style = box.style
    if PROPERTY not in getattr(style, "cascaded", {}):
        return False
    tokens = style[PROPERTY]
    values = [token.value for token in tokens or () if getattr(token, "type", "") == "ident"]
    return values == ["top"]


@cache  # patched once per process
def install() -> None:
    """Wrap WeasyPrint's `_in_flow_layout` to let an opted-in block float to the next page (idempotent)."""
    from weasyprint.layout import block

    require_tested_weasyprint("Page floats")
    original = block._in_flow_layout

    def in_flow_layout(context: Any, box: Any, index: int, child: Any, new_children: list[Any],
                       page_is_empty: bool, absolute_boxes: list[Any], fixed_boxes: list[Any],
                       adjoining_margins: list[Any], bottom_space: float, position_y: float,
                       skip_stack: Any, first_letter_style: Any, first_line_style: Any, discard: bool,
                       next_page: Any, max_lines: Any) -> tuple[Any, ...]:
        floating = skip_stack is None and floats(child)
        if floating:  # kept before the figure's layout appends to the lists (not for every other block)
            margins, count = list(adjoining_margins), len(new_children)
        result = original(context, box, index, child, new_children, page_is_empty, absolute_boxes, fixed_boxes,
                          adjoining_margins, bottom_space, position_y, skip_stack, first_letter_style,
                          first_line_style, discard, next_page, max_lines)
        if not floating:
            return result
        abort, stop, resume_at, _, _, next_page, children, max_lines = result
        did_not_fit = (not abort and stop and resume_at == {index: None} and children is new_children
                       and len(new_children) == count and block.find_last_in_flow_child(new_children) is not None)
        if not did_not_fit or not _left_empty(context, bottom_space, position_y, margins, block):
            return result
        pulled = _pull(original, block, context, box, index, new_children, page_is_empty, absolute_boxes,
                       fixed_boxes, margins, bottom_space, position_y, discard, next_page, max_lines)
        return pulled if pulled is not None else result

    block._in_flow_layout = in_flow_layout


def _left_empty(context: Any, bottom_space: float, position_y: float, margins: list[Any], block: Any) -> bool:
    """Would more than `EMPTY_SHARE` of the page be left empty where the figure should start?"""
    page = context.current_footnote_area.page  # the page being laid out
    empty = context.page_bottom - bottom_space - position_y - block.collapse_margin(margins)
    return bool(empty > page.height * EMPTY_SHARE)


def _may_pull(candidate: Any, figure: Any) -> bool:
    """May this block be set before the floating one?"""
    from weasyprint.formatting_structure import boxes

    if not isinstance(candidate, boxes.BlockBox) or candidate.is_table_wrapper or not candidate.is_in_normal_flow():
        return False
    if candidate.style["break_before"] != "auto" or candidate.style["break_after"] != "auto":
        return False
    if candidate.style["page"] != figure.style["page"]:
        return False
    for box in (candidate, *candidate.descendants()):
        if box.element_tag in HEADINGS or box.element_tag == "figure" or isinstance(box, boxes.TableBox) or floats(box):
            return False
    return True


def _pull(original: Callable[..., tuple[Any, ...]], block: Any, context: Any, box: Any, index: int,
          new_children: list[Any], page_is_empty: bool, absolute_boxes: list[Any], fixed_boxes: list[Any],
          margins: list[Any], bottom_space: float, position_y: float, discard: bool, next_page: Any,
          max_lines: Any) -> tuple[Any, ...] | None:
    """Set the blocks after the figure at `index` on this page while each fits whole, moving each
    before the figure in `box`'s children. The result `_in_flow_layout` returns for the page's
    end, or None when no block was moved."""
    figure = box.children[index]
    at = index  # where the figure stands now
    while at + 1 < len(box.children):
        candidate = box.children[at + 1]
        last = block.find_last_class_a_break_point_child(new_children)
        if (last is None or not _may_pull(candidate, figure) or block.block_level_page_break(last, candidate) != "auto"
                or block.block_level_page_name(last, candidate)):
            break
        _swap(box, at)  # the candidate first: the indices WeasyPrint records are those of the new order
        candidate.position_x, candidate.position_y = box.content_box_x(), position_y
        count = len(new_children)
        result = original(context, box, at, candidate, new_children, page_is_empty, absolute_boxes, fixed_boxes,
                          list(margins), bottom_space, position_y, None, None, None, discard, next_page, max_lines)
        abort, stop, resume_at, candidate_y, candidate_margins, candidate_next_page, children, candidate_lines = result
        if abort or children is not new_children:
            return result  # not met with the checks above; the tree and the result agree all the same
        if not stop and resume_at is None and len(new_children) == count + 1:
            at, position_y, margins = at + 1, candidate_y, candidate_margins
            next_page, max_lines = candidate_next_page, candidate_lines
            continue
        # the candidate does not fit whole: undone, and back after the figure
        if len(new_children) > count:
            block.remove_placeholders(context, new_children[count:], absolute_boxes, fixed_boxes)
            del new_children[count:]
        _swap(box, at)
        break
    if at == index:
        return None
    return False, True, {at: None}, position_y, margins, next_page, new_children, max_lines


def _swap(box: Any, at: int) -> None:
    """Swap `box`'s children at `at` and `at + 1`, in the box tree WeasyPrint lays every page from."""
    children = list(box.children)
    children[at], children[at + 1] = children[at + 1], children[at]
    box.children = children

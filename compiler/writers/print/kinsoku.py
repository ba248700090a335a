"""Line-break rules for print (避头尾) that Pango's UAX #14 does not already keep.

Pango never breaks before ，。、；！？）》」 or after （《“, but it allows `——`, `……`, `～` and
`·` to start a line, and a paragraph's last line to hold a single character. A WORD JOINER
(U+2060) forbids a break: it draws nothing, takes no width and is not extracted as text. It is
put before those marks, and between the last two characters of every run of text, so a last
line holds at least two characters besides its punctuation. Only the print HTML gets the
joiners, and titles none (they feed bookmarks and running heads); the EPUB's reading systems
break lines themselves.
"""

from __future__ import annotations

import re

from ...model.nodes import Document, Inline, Text
from ...model.text import DASHES, ELLIPSES, MIDDLE_DOTS, WAVE_DASH, WORD_JOINER
from ...model.traverse import map_runs, map_text

# a mark that must not start a line, after any character that is not a space or a joiner
NO_LINE_START = re.compile(f"(?<=[^\\s{WORD_JOINER}])([{DASHES}]+|[{ELLIPSES}]{{2}}|[{WAVE_DASH}{MIDDLE_DOTS}])")


# the last two word characters of a run, what stands between them, and the punctuation after
LAST_TWO = re.compile(r"(\w)([^\w]*)(\w)([^\w]*)$")


def join_prohibited_breaks(doc: Document) -> Document:
    """A copy of the tree with word joiners where clreq forbids a line break."""
    return map_runs(doc, lambda nodes: _keep_last_two(map_text(nodes, _join)), titles=False)


def _join(text: str) -> str:
    return NO_LINE_START.sub(WORD_JOINER + r"\1", text)


def _join_tail(match: re.Match[str]) -> str:
    """`件（套）。` → `件⁠（⁠套）。`: no break anywhere between the last two characters."""
    first, between, second, after = match.groups()
    return WORD_JOINER.join([first, *between, second]) + after


def _keep_last_two(nodes: list[Inline]) -> list[Inline]:
    """Join the run's last two characters (when its last text node holds both)."""
    for index in range(len(nodes) - 1, -1, -1):
        node = nodes[index]
        if isinstance(node, Text) and re.search(r"\w", node.text):
            joined = Text(LAST_TWO.sub(_join_tail, node.text, count=1))
            return [*nodes[:index], joined, *nodes[index + 1:]]
        if not isinstance(node, Text) or node.text.strip():
            return nodes  # the run ends in markup: leave it
    return nodes

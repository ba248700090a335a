"""Han characters outside the basic blocks are text like any other: the reader's guard against
text Python-Markdown drops sees them too (before the character classes had one home, it knew
only the basic block and Extension A, and lost Extension B and later without a word)."""

from __future__ import annotations

import pytest

from compiler.model.traverse import plain_text
from helpers import messages, read


@pytest.mark.parametrize("char", ["\U00020000", "\U0002A700", "\U00030000", "\U00031350", "\U0002F800"])
def test_a_rare_han_character_python_markdown_would_drop_is_kept(char):
    doc, findings = read(f"# T\n\n甲**乙****丙******{char}**\n")
    assert char in plain_text(doc.children[0].children)
    assert messages(findings) == [
        (3, "warning", "bold/italic markers here cannot be read without losing text: they are shown as typed")
    ]

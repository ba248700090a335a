"""Test files have names unique across the tests/ folders.

pytest imports test files by their base name (tests/ has no packages): a second
`test_footnotes.py` in another folder stops the whole run at collection, before any test runs.
"""

from __future__ import annotations

from collections import Counter

from conftest import TESTS


def test_no_two_test_files_share_a_name():
    names = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []

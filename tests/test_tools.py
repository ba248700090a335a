"""The side-by-side comparison script for editors (tools/compare-ctex) runs and writes pages."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, SAMPLE


def test_compare_ctex_writes_side_by_side_pages(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "compare_ctex.py"), str(SAMPLE), "-o",
                             str(tmp_path), "--pages", "2", "--dpi", "30"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pages = sorted(tmp_path.glob("compare-*.png"))
    assert [p.name for p in pages] == ["compare-01.png", "compare-02.png"]
    from PIL import Image

    with Image.open(pages[0]) as picture:
        assert picture.width > 2 * picture.height * 0.6  # two A4 pages side by side
    assert (tmp_path / "ours.pdf").read_bytes().startswith(b"%PDF")

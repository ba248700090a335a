"""An unchanged rebuild does nothing; any change to what the outputs depend on rebuilds them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE


def reportc(*args, cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "compiler", *args], cwd=cwd, capture_output=True, text=True, env=env)


def _build(tmp_path, *extra, env_extra=None):
    result = reportc("build", str(tmp_path / "chapter.txt"), "-o", str(tmp_path / "out"), "--format", "epub", *extra,
                     cwd=tmp_path, env_extra=env_extra)
    assert result.returncode == 0, result.stderr
    return result


def _setup(tmp_path) -> Path:
    shutil.copy(SAMPLE, tmp_path / "chapter.txt")
    return tmp_path / "out" / "chapter.epub"


def test_an_unchanged_rebuild_reuses_the_outputs(tmp_path):
    epub = _setup(tmp_path)
    assert "wrote" in _build(tmp_path).stdout
    before = (epub.stat().st_ino, epub.stat().st_mtime_ns)
    again = _build(tmp_path)
    assert again.stdout.startswith("up to date:") and "wrote" not in again.stdout
    assert (epub.stat().st_ino, epub.stat().st_mtime_ns) == before


def test_a_changed_source_layout_option_or_output_rebuilds(tmp_path):
    epub = _setup(tmp_path)
    _build(tmp_path)
    (tmp_path / "chapter.txt").write_text(SAMPLE.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    assert "wrote" in _build(tmp_path).stdout
    assert "wrote" in _build(tmp_path, "--epub-fonts").stdout  # another option
    assert "wrote" in _build(tmp_path, env_extra={"SOURCE_DATE_EPOCH": "1600000000"}).stdout
    epub.write_bytes(epub.read_bytes() + b"x")  # an output someone changed
    assert "wrote" in _build(tmp_path, env_extra={"SOURCE_DATE_EPOCH": "1600000000"}).stdout
    layout = tmp_path / "layout"
    shutil.copytree(ROOT / "layouts" / "yearbook", layout)
    assert "wrote" in _build(tmp_path, "--layout", str(layout)).stdout
    assert "up to date" in _build(tmp_path, "--layout", str(layout)).stdout
    (layout / "epub.css").write_text((layout / "epub.css").read_text() + "\np { color: #111; }\n")
    assert "wrote" in _build(tmp_path, "--layout", str(layout)).stdout


def test_no_cache_builds_anyway(tmp_path):
    _setup(tmp_path)
    _build(tmp_path)
    assert "wrote" in _build(tmp_path, "--no-cache").stdout

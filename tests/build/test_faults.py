"""Faults a build must survive: killed outright at any point, a full disk, an output folder it
cannot write. Each time the previous outputs stay whole, the message is one line, and the next
build is correct.

The disk tests mount small tmpfs file systems, which needs root (CI runs as root); elsewhere they
skip, saying so.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPORTC, SAMPLE, one_line

# Fixed dates, so that two builds of one source give the same bytes.
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}


def _build(source: Path, outdir: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPORTC), "build", str(source), "-o", str(outdir)], capture_output=True, text=True,
                          env={**ENV, "REPORTC_CACHE_DIR": str(cache)}, timeout=300)


def _outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if not path.name.startswith(".")}


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".part"))


@pytest.fixture
def two_editions(tmp_path):
    """A chapter built once (the previous outputs), then changed: the outputs of the change,
    built without interruption into a folder of their own, and how long that build took."""
    source = tmp_path / "chapter.txt"
    shutil.copy(SAMPLE, source)
    assert _build(source, tmp_path / "before", tmp_path / "cache-before").returncode == 0
    source.write_text(source.read_text(encoding="utf-8") + "\n本段为修订时增补的说明文字。\n", encoding="utf-8")
    started = time.monotonic()
    assert _build(source, tmp_path / "after", tmp_path / "cache-after").returncode == 0
    took = time.monotonic() - started
    before, after = _outputs(tmp_path / "before"), _outputs(tmp_path / "after")
    assert set(before) == set(after) == {"chapter.pdf", "chapter.epub"} and before != after
    return source, tmp_path / "before", before, after, took


def test_a_build_killed_at_ten_points_leaves_whole_outputs_and_the_next_build_is_right(tmp_path, two_editions):
    source, previous, before, after, took = two_editions
    points = sorted(random.Random(1700000000).uniform(0.02, 1.0) * took for _ in range(10))
    for trial, point in enumerate(points):
        outdir = tmp_path / f"trial-{trial}"
        shutil.copytree(previous, outdir)
        cache = tmp_path / f"cache-{trial}"
        process = subprocess.Popen([str(REPORTC), "build", str(source), "-o", str(outdir)],
                                   env={**ENV, "REPORTC_CACHE_DIR": str(cache)}, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(point)
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the build and any worker it started
        except ProcessLookupError:
            pass  # it had already finished
        process.wait(timeout=60)
        found = _outputs(outdir)
        # each output is the previous one or the new one, whole: never a cut-off file
        assert set(found) == set(before), f"trial {trial} (killed at {point:.2f} s): {sorted(found)}"
        for name, data in found.items():
            assert data in (before[name], after[name]), f"trial {trial} (killed at {point:.2f} s): {name} is neither"
        again = _build(source, outdir, cache)
        assert again.returncode == 0, f"trial {trial}: {again.stderr}"
        assert _outputs(outdir) == after, f"trial {trial} (killed at {point:.2f} s): the next build differs"
        assert _leftovers(outdir) == [], f"trial {trial}: staged files left behind"


def _mount_tmpfs(folder: Path, options: str) -> None:
    folder.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")


def test_a_full_disk_is_a_one_line_error_and_the_previous_outputs_stay(tmp_path, two_editions):
    source, previous, before, _, _ = two_editions
    disk = tmp_path / "disk"
    # room for the previous outputs and a little more, not for a second copy being staged
    size_kb = sum(len(data) for data in before.values()) // 1024 + 64
    _mount_tmpfs(disk, f"size={size_kb}k")
    try:
        for name in before:
            shutil.copy2(previous / name, disk / name)
        done = _build(source, disk, tmp_path / "cache-full")
        assert done.returncode == 1
        message = one_line(done.stderr)
        assert "No space left on device" in message and "chapter." in message
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        assert _outputs(disk) == before and _leftovers(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_an_output_folder_linked_to_a_read_only_place_is_a_one_line_error(tmp_path, two_editions):
    source, previous, before, _, _ = two_editions
    place = tmp_path / "read-only"
    _mount_tmpfs(place, "size=4m")
    try:
        for name in before:
            shutil.copy2(previous / name, place / name)
        subprocess.run(["mount", "-o", "remount,ro", str(place)], check=True)
        link = tmp_path / "out"
        link.symlink_to(place)
        done = _build(source, link, tmp_path / "cache-ro")
        assert done.returncode == 1
        message = one_line(done.stderr)
        assert "Read-only file system" in message and ("cannot be written" in message or "cannot lock" in message)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        assert _outputs(place) == before
    finally:
        subprocess.run(["umount", str(place)], check=False)

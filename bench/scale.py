"""Benchmark: build a chapter of about 5 MB (the sample repeated) and report time and memory.

    .venv/bin/python bench/scale.py [--size-mb 5] [--format pdf,epub] [--keep DIR]

Writes the chapter into a temporary folder, runs `reportc build -v` under `/usr/bin/time -v`
(GNU time: Debian's `time` package) and prints the wall time, the peak resident memory, each
phase's time, the page count and the output sizes. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "000_946237fb39f22908.txt"
REPORTC = ROOT / ".venv" / "bin" / "reportc"


def make_chapter(folder: Path, size_mb: float) -> Path:
    """The sample repeated until the file holds at least `size_mb` MiB."""
    sample = SAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    copies = int(size_mb * 1024 * 1024 // len(sample.encode("utf-8"))) + 1
    chapter = folder / "big.txt"
    chapter.write_text(sample * copies, encoding="utf-8")
    return chapter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--format", default="pdf,epub")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    gnu_time = shutil.which("time", path="/usr/bin")
    if gnu_time is None:
        print("bench: /usr/bin/time is missing (apt-get install time)", file=sys.stderr)
        return 2
    folder = args.keep or Path(tempfile.mkdtemp(prefix="reportc-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        chapter = make_chapter(folder, args.size_mb)
        run = subprocess.run([gnu_time, "-v", str(REPORTC), "build", str(chapter), "-o", str(folder / "out"),
                              "--format", args.format, "-v"], capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            return run.returncode
        wall = re.search(r"Elapsed \(wall clock\) time.*: (.+)", run.stderr).group(1)
        rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
        print(f"chapter: {chapter.stat().st_size / 1024 / 1024:.2f} MiB, {len(chapter.read_text().splitlines())} lines")
        print(f"wall time: {wall}   peak RSS: {rss_kb / 1024:.0f} MiB")
        for name, seconds in re.findall(r"^reportc: (\w+) (\d+\.\d+) s$", run.stderr, re.M):
            print(f"  {name:<10} {seconds:>8} s")
        print(run.stdout.strip())
        for output in sorted((folder / "out").iterdir()):
            print(f"  {output.name}: {output.stat().st_size / 1024 / 1024:.1f} MiB")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

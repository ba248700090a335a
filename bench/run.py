"""`make bench`: how long each phase of a build takes, and how that compares with WeasyPrint alone.

Runs each measurement in a fresh process (so imports and peak memory are its own) and prints a
table; the same figures go to build/bench.json. Measures, on this machine:
- the sample chapter: time per phase (import, read, passes, HTML, layout, PDF, EPUB), pages,
  peak memory, and WeasyPrint alone rendering the very HTML we emit (the floor);
- `reportc build` of the sample from the command line, and `reportc --version`;
- a book of N chapters made from the sample (default 30).
No timing is asserted anywhere: these are figures for people.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "000_946237fb39f22908.txt"
PYTHON = sys.executable


def run_json(*args: str) -> dict:
    out = subprocess.run([PYTHON, *args], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def timed_command(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def book_of(chapters: int, folder: Path) -> Path:
    names = []
    for number in range(1, chapters + 1):
        name = f"ch{number:02d}.txt"
        shutil.copyfile(SAMPLE, folder / name)
        names.append(name)
    book = folder / "book.toml"
    book.write_text(f'title = "基准测试年鉴"\nchapters = {json.dumps(names, ensure_ascii=False)}\n', encoding="utf-8")
    return book


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=30, help="chapters in the book benchmark (0: skip)")
    args = parser.parse_args()
    reportc = [PYTHON, "-m", "compiler"]
    results: dict = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                                 "processor": platform.processor() or platform.machine()}}

    phases = run_json("bench/phases.py", "chapter", str(SAMPLE))
    floor = run_json("bench/phases.py", "weasyprint", phases.pop("html"))
    ours = sum(phases["phases"][k] for k in ("read", "passes", "html", "layout", "pdf"))
    theirs = floor["layout"] + floor["pdf"]
    results["sample"] = {**phases, "weasyprint_alone": floor, "pdf_ratio_to_weasyprint": round(ours / theirs, 2)}

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        wall, peak = timed_command([*reportc, "build", str(SAMPLE), "-o", str(scratch / "out"), "-q"], ROOT)
        version = min(timed_command([*reportc, "--version"], ROOT)[0] for _ in range(5))
        results["cli"] = {"build_sample_s": round(wall, 2), "build_sample_peak_mb": round(peak, 1),
                          "version_s": round(version, 3)}
        if args.chapters:
            folder = scratch / "book"
            folder.mkdir()
            book = book_of(args.chapters, folder)
            wall, peak = timed_command([*reportc, "build", str(book), "-o", str(scratch / "book-out"), "-q"], ROOT)
            pages = subprocess.run(["pdfinfo", str(scratch / "book-out" / "book.pdf")], capture_output=True,
                                   text=True).stdout
            count = next((int(line.split()[-1]) for line in pages.splitlines() if line.startswith("Pages:")), 0)
            results["book"] = {"chapters": args.chapters, "pages": count, "build_s": round(wall, 1),
                               "peak_mb": round(peak, 1)}

    rows = [("sample: " + name, f"{value:.3f} s") for name, value in results["sample"]["phases"].items()]
    rows += [
        ("sample: pages", str(results["sample"]["pages"])),
        ("sample: peak memory (phases run)", f"{results['sample']['peak_rss_mb']} MB"),
        ("WeasyPrint alone, same HTML: layout + PDF", f"{theirs:.3f} s"),
        ("our PDF path / WeasyPrint alone", f"{results['sample']['pdf_ratio_to_weasyprint']}×"),
        ("reportc build sample (CLI, PDF + EPUB)", f"{results['cli']['build_sample_s']} s"),
        ("reportc build sample: peak memory", f"{results['cli']['build_sample_peak_mb']} MB"),
        ("reportc --version", f"{results['cli']['version_s']} s"),
    ]
    if "book" in results:
        book = results["book"]
        rows += [(f"book of {book['chapters']} chapters ({book['pages']} pages)", f"{book['build_s']} s"),
                 ("book: peak memory", f"{book['peak_mb']} MB")]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>12}")
    target = ROOT / "build" / "bench.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"(also written to {target.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

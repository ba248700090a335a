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


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (from /proc), in KB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def timed_command(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall time and peak memory (MB) of one command: the most its processes held at once,
    summed over the command and the processes it starts (sampled every 50 ms)."""
    import threading

    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0

    def sample():
        nonlocal peak
        while child.poll() is None:
            peak = max(peak, _tree_rss_kb(child.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = child.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command, stderr=stderr)
    return wall, peak / 1024


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
    html = phases.pop("html")
    plain = run_json("bench/phases.py", "weasyprint", html)
    with_leaders = run_json("bench/phases.py", "weasyprint-leaders", html)
    ours = sum(phases["phases"][k] for k in ("read", "passes", "html", "layout", "pdf"))
    theirs = plain["layout"] + plain["pdf"]
    theirs_with_leaders = with_leaders["layout"] + with_leaders["pdf"]
    # The goal's baseline is WeasyPrint with our leader patch: both then draw the contents' dot
    # leaders the same way, and the ratio is the cost of what we add (the Chinese line layout,
    # reading, the passes, the HTML), not a speed-up we also give WeasyPrint.
    results["sample"] = {**phases, "weasyprint_alone": plain, "weasyprint_with_leaders_patch": with_leaders,
                         "pdf_ratio_to_weasyprint": round(ours / theirs, 2),
                         "pdf_ratio_to_weasyprint_with_leaders_patch": round(ours / theirs_with_leaders, 2)}

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        sample_env = {**__import__("os").environ, "REPORTC_CACHE_DIR": str(scratch / "sample-cache")}
        build_sample = [*reportc, "build", str(SAMPLE), "-o", str(scratch / "out"), "-q"]
        wall, peak = timed_command(build_sample, ROOT, sample_env)
        unchanged = min(timed_command(build_sample, ROOT, sample_env)[0] for _ in range(5))
        version = min(timed_command([*reportc, "--version"], ROOT)[0] for _ in range(5))
        results["cli"] = {"build_sample_s": round(wall, 2), "build_sample_peak_mb": round(peak, 1),
                          "unchanged_rebuild_s": round(unchanged, 3), "version_s": round(version, 3)}
        if args.chapters:
            folder = scratch / "book"
            folder.mkdir()
            book = book_of(args.chapters, folder)
            # the laid-out chapters a book build keeps go to a cache folder of the benchmark's own
            env = {**__import__("os").environ, "REPORTC_CACHE_DIR": str(scratch / "cache")}
            out = str(scratch / "book-out")
            build = [*reportc, "build", str(book), "-o", out, "-q"]
            whole_code = (f"from compiler.build import build_book; from compiler.build.options import BuildOptions; "
                          f"build_book({str(book)!r}, {str(scratch / 'whole-out')!r}, BuildOptions(paginate_apart=False))")
            whole, whole_peak = timed_command([PYTHON, "-c", whole_code], ROOT, env)
            sequential, sequential_peak = timed_command([*build, "--no-cache", "--jobs", "1"], ROOT, env)
            shutil.rmtree(scratch / "cache", ignore_errors=True)  # no laid-out chapter, no record of the last build: a cold build
            parallel, parallel_peak = timed_command([*build, "--jobs", "2"], ROOT, env)
            book.write_text(book.read_text(encoding="utf-8").replace("基准测试年鉴", "基准测试年鉴（修订）"),
                            encoding="utf-8")
            reused, _ = timed_command(build, ROOT, env)  # a new title: only the front matter is laid out
            chapter = folder / "ch07.txt"
            chapter.write_text(chapter.read_text(encoding="utf-8").replace("全年", "全年度", 1), encoding="utf-8")
            one_changed, _ = timed_command(build, ROOT, env)
            pages = subprocess.run(["pdfinfo", str(scratch / "book-out" / "book.pdf")], capture_output=True,
                                   text=True).stdout
            count = next((int(line.split()[-1]) for line in pages.splitlines() if line.startswith("Pages:")), 0)
            size = (scratch / "book-out" / "book.pdf").stat().st_size
            results["book"] = {"chapters": args.chapters, "pages": count, "pdf_mb": round(size / 2**20, 1),
                               "one_document_s": round(whole, 1), "one_document_peak_mb": round(whole_peak),
                               "sequential_s": round(sequential, 1), "sequential_peak_mb": round(sequential_peak),
                               "parallel_s": round(parallel, 1), "parallel_peak_mb": round(parallel_peak),
                               "speed_up": round(sequential / parallel, 2),
                               "new_title_s": round(reused, 1), "one_chapter_changed_s": round(one_changed, 1)}

    rows = [("sample: " + name, f"{value:.3f} s") for name, value in results["sample"]["phases"].items()]
    rows += [
        ("sample: pages", str(results["sample"]["pages"])),
        ("sample: peak memory (phases run)", f"{results['sample']['peak_rss_mb']} MB"),
        ("WeasyPrint alone, same HTML: layout + PDF", f"{theirs:.3f} s"),
        ("WeasyPrint with only our leader patch, same HTML", f"{theirs_with_leaders:.3f} s"),
        ("our PDF path / WeasyPrint alone", f"{results['sample']['pdf_ratio_to_weasyprint']}×"),
        ("our PDF path / WeasyPrint with our leader patch (the goal's)",
         f"{results['sample']['pdf_ratio_to_weasyprint_with_leaders_patch']}×"),
        ("reportc build sample (CLI, PDF + EPUB)", f"{results['cli']['build_sample_s']} s"),
        ("reportc build sample: peak memory", f"{results['cli']['build_sample_peak_mb']} MB"),
        ("the same build again, nothing changed (best of 5)", f"{results['cli']['unchanged_rebuild_s']} s"),
        ("reportc --version", f"{results['cli']['version_s']} s"),
    ]
    if "book" in results:
        book = results["book"]
        rows += [
            (f"book of {book['chapters']} chapters ({book['pages']} pages, {book['pdf_mb']} MB PDF): 1 process",
             f"{book['sequential_s']} s"),
            ("book: 2 processes", f"{book['parallel_s']} s"),
            ("book: speed-up", f"{book['speed_up']}×"),
            ("book laid out as one document (as PDF/A and PDF/UA books)",
             f"{book['one_document_s']} s, {book['one_document_peak_mb']} MB"),
            ("book: peak memory, 1 / 2 processes (all processes)",
             f"{book['sequential_peak_mb']} / {book['parallel_peak_mb']} MB"),
            ("book: rebuild after a new title (no chapter laid out)", f"{book['new_title_s']} s"),
            ("book: rebuild after one chapter changed", f"{book['one_chapter_changed_s']} s"),
        ]
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

"""`make bench`: how long each phase of a build takes, how that compares with WeasyPrint alone,
and how a book's build scales, against two peers.

Runs each measurement in a fresh process (so imports, CPU time and peak memory are its own) and
prints a table; the same figures go to build/bench.json. Measures, on this machine:
- the sample chapter: time per phase (import, read, passes, HTML, layout, PDF, EPUB), pages,
  peak memory, and WeasyPrint alone rendering the very HTML we emit (the floor);
- `reportc build` of the sample from the command line, and `reportc --version`;
- a book of N varied chapters (default 30; bench/book.py): cold builds with 1 and 2 processes
  and on a local Dask cluster of 2 workers (wall, CPU, peak memory of every process), the book
  laid out as one document, incremental rebuilds (one word, a paragraph, enough paragraphs to
  move later chapters' pages, a new title, nothing), and the same book made by Typst and by
  Pandoc + WeasyPrint (bench/peers.py);
- a model of the book's build, wall = serial + work / workers, fitted to the local cold builds,
  and what it predicts for more workers.
No timing is asserted anywhere: these are figures for people.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import book as bookmaker  # bench/book.py (this script's folder is first on sys.path)
import peers
from timing import LocalCluster, Run, measure

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "000_946237fb39f22908.txt"
PYTHON = sys.executable
REPORTC = [PYTHON, "-m", "compiler"]
# how many copies of bookmaker.PARAGRAPH (~300 characters each) the second paragraph edit adds
# to chapter 2 after the first edit's one: chapters open on a right-hand page, so a chapter must
# grow by two pages for the next ones to move, and chapter 2's last page was a third full when
# this was set (eight in all were just enough; nine leave a margin)
PARAGRAPHS_TO_MOVE_PAGES = 8


def run_json(*args: str) -> dict:
    out = subprocess.run([PYTHON, *args], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0)


def fit_model(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares fit of wall = serial + work / workers to (workers, wall) points: a straight
    line in 1/workers. Returns (serial, work) in seconds."""
    xs, ys = [1 / workers for workers, _ in points], [wall for _, wall in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    work = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread
    return mean_y - work * mean_x, work


def workers_to_match(serial: float, work: float, target: float) -> int | None:
    """The fewest workers for which the model's wall time is at most `target` (None: never)."""
    if serial >= target:
        return None
    return max(1, math.ceil(work / (target - serial)))


def book_benchmark(chapters: int, scratch: Path) -> dict:
    """Build the varied book every way the module docstring lists; returns the figures."""
    folder = scratch / "book"
    folder.mkdir()
    book, taken = bookmaker.make_book(chapters, folder)
    cache, out = scratch / "cache", scratch / "book-out"
    # the records and laid-out chapters of these builds go to a cache folder of the benchmark's own
    env = {**os.environ, "REPORTC_CACHE_DIR": str(cache)}
    build = [*REPORTC, "build", str(book), "-o", str(out), "-q"]

    def cold(*options: str, also: Sequence[int] = ()) -> Run:
        """A build that reuses nothing: no cache folder, and --no-cache."""
        shutil.rmtree(cache, ignore_errors=True)
        return measure([*build, "--no-cache", *options], ROOT, env, also=also)

    result: dict = {"chapters": chapters, "sources": [source.name for source in taken]}
    jobs1, jobs2 = cold("--jobs", "1"), cold("--jobs", "2")
    result["cold_jobs1"], result["cold_jobs2"] = jobs1.as_dict(), jobs2.as_dict()
    result["pages"], result["pdf_mb"] = pdf_pages(out / "book.pdf"), round((out / "book.pdf").stat().st_size / 2**20, 1)
    try:
        (scratch / "cluster").mkdir()
        with LocalCluster(scratch / "cluster", workers=2) as cluster:
            result["cold_dask2"] = cold("--scheduler", cluster.address, also=cluster.pids).as_dict()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        # the rest of the benchmark is still worth having: say what failed, in the table too
        result["cold_dask2"] = {"error": str(getattr(error, "stderr", None) or error)[-500:]}
    whole_code = (f"from compiler.build import build_book; from compiler.build.options import BuildOptions; "
                  f"build_book({str(book)!r}, {str(scratch / 'whole-out')!r}, BuildOptions(paginate_apart=False))")
    result["one_document"] = measure([PYTHON, "-c", whole_code], ROOT, env).as_dict()

    # the peers read the chapters before any edit below
    result["typst"] = peers.typst_book(bookmaker.chapter_files(book), scratch / "typst", bookmaker.TITLE)
    result["pandoc_weasyprint"] = peers.pandoc_weasyprint_book(bookmaker.chapter_files(book), scratch / "pandoc",
                                                               bookmaker.TITLE, measure)

    # incremental rebuilds: a build that fills the cache, then each edit on top of the last
    shutil.rmtree(cache, ignore_errors=True)
    result["cold_filling_cache"] = measure(build, ROOT, env).as_dict()
    starts = bookmaker.chapter_starts(out / "book.pdf")
    rebuilds = result["rebuilds"] = {}
    rebuilds["nothing_changed"] = measure(build, ROOT, env).as_dict()
    bookmaker.edit_one_word(folder / "ch01.txt")  # the sample: make_book takes it first
    rebuilds["one_word"] = measure(build, ROOT, env).as_dict()
    if chapters >= 3:
        chapter2, added = bookmaker.chapter_files(book)[1], 0
        for name, count in (("one_paragraph", 1), ("paragraphs_moving_pages", PARAGRAPHS_TO_MOVE_PAGES)):
            bookmaker.add_paragraphs(chapter2, count)
            added += len(bookmaker.PARAGRAPH) * count
            rebuilds[name] = measure(build, ROOT, env).as_dict()
            now = bookmaker.chapter_starts(out / "book.pdf")
            # how far chapter 3 moved from where the unedited book had it
            rebuilds[name]["chapter3_moved_pages"] = now[2] - starts[2] if min(len(now), len(starts)) > 2 else None
            rebuilds[name]["characters_added"] = added  # to chapter 2 since the cache was filled
    bookmaker.retitle(book)
    rebuilds["new_title"] = measure(build, ROOT, env).as_dict()

    # the model: the two local cold builds (the Dask build has a cluster's costs besides, and is
    # set against the model's prediction for 2 workers instead)
    serial, work = fit_model([(1, jobs1.wall_s), (2, jobs2.wall_s)])
    typst_wall = result["typst"]["compile"]["wall_s"]
    match = workers_to_match(serial, work, typst_wall)
    result["model"] = {"fitted_to": "cold builds, --jobs 1 and --jobs 2", "serial_s": round(serial, 2),
                       "work_s": round(work, 2), "predicted_8_workers_s": round(serial + work / 8, 2),
                       "predicted_32_workers_s": round(serial + work / 32, 2),
                       "workers_to_match_typst": match if match is not None else "never"}
    return result


def _run(figures: dict) -> str:
    if "error" in figures:
        return "failed (see bench.json)"
    return f"{figures['wall_s']} s, CPU {figures['cpu_s']} s, {figures['peak_mb']} MB"


def book_rows(book: dict) -> list[tuple[str, str]]:
    """The book's lines of the printed table, ratios and model included."""
    jobs1, jobs2, dask = book["cold_jobs1"], book["cold_jobs2"], book["cold_dask2"]
    typst, pandoc = book["typst"], book["pandoc_weasyprint"]
    pandoc_wall = pandoc["convert"]["wall_s"] + pandoc["weasyprint"]["wall_s"]
    pandoc_cpu = pandoc["convert"]["cpu_s"] + pandoc["weasyprint"]["cpu_s"]
    model = book["model"]
    rows = [
        (f"book of {book['chapters']} varied chapters ({book['pages']} pages, {book['pdf_mb']} MB PDF): "
         "cold, --jobs 1", _run(jobs1)),
        ("book: cold, --jobs 2 (peak memory goal < 1 GB)", _run(jobs2)),
        ("book: speed-up jobs 1 / jobs 2 (goal ≥ 1.8×)", f"{jobs1['wall_s'] / jobs2['wall_s']:.2f}×"),
        ("book: CPU jobs 2 / jobs 1 (goal ≤ 1.1×)", f"{jobs2['cpu_s'] / jobs1['cpu_s']:.2f}×"),
        ("book: cold, local Dask cluster of 2 workers (its CPU, memory included)", _run(dask)),
        ("book laid out as one document (as PDF/A and PDF/UA books)", _run(book["one_document"])),
        ("book: cold build filling the cache (--jobs 2), for the rebuilds", _run(book["cold_filling_cache"])),
    ]
    rebuilds = book["rebuilds"]
    labels = {"nothing_changed": "rebuild, nothing changed",
              "one_word": "rebuild, one word changed in chapter 1 (goal ≤ 1.0 s)",
              "one_paragraph": "rebuild, a paragraph added to chapter 2 (goal ≤ 1.5 s)",
              "paragraphs_moving_pages": "rebuild, more paragraphs added to chapter 2",
              "new_title": "rebuild, a new title (front matter only)"}
    for key, label in labels.items():
        if key in rebuilds:
            figures = rebuilds[key]
            rows.append((f"book: {label}", f"{figures['wall_s']} s, CPU {figures['cpu_s']} s"))
            if figures.get("chapter3_moved_pages") is not None:
                rows.append((f"      … {figures['characters_added']} characters added in all: chapter 3 moved",
                             f"{figures['chapter3_moved_pages']} pages"))
    rows += [
        (f"Typst: pandoc → Typst, {typst['chapters']} of {book['chapters']} chapters ({typst['pages']} pages)",
         f"{typst['convert']['wall_s']} s, CPU {typst['convert']['cpu_s']} s"),
        ("Typst: typst.compile of the book", f"{typst['compile']['wall_s']} s, CPU {typst['compile']['cpu_s']} s, "
                                             f"{typst['compile']['peak_mb']:.0f} MB"),
        (f"Pandoc + WeasyPrint: pandoc → one HTML, {pandoc['chapters']} of {book['chapters']} chapters",
         f"{pandoc['convert']['wall_s']} s, CPU {pandoc['convert']['cpu_s']} s"),
        (f"Pandoc + WeasyPrint: WeasyPrint alone on it ({pandoc['pages']} pages)", _run(pandoc["weasyprint"])),
        ("ours (cold, --jobs 2) / Typst's compile: wall, CPU",
         f"{jobs2['wall_s'] / typst['compile']['wall_s']:.1f}×, {jobs2['cpu_s'] / typst['compile']['cpu_s']:.1f}×"),
        ("ours (cold, --jobs 2) / Pandoc + WeasyPrint (convert + layout): wall, CPU",
         f"{jobs2['wall_s'] / pandoc_wall:.2f}×, {jobs2['cpu_s'] / pandoc_cpu:.2f}×"),
        (f"model wall = serial + work / workers ({model['fitted_to']}): serial, work",
         f"{model['serial_s']} s, {model['work_s']} s"),
        *([("model: NOT MEANINGFUL, jobs 2 was no faster than jobs 1 (a busy machine?)", "")]
          if model["work_s"] <= 0 else []),
        ("model: predicted wall time, 8 / 32 workers",
         f"{model['predicted_8_workers_s']} / {model['predicted_32_workers_s']} s"),
    ]
    if "wall_s" in dask:
        rows.append(("model: predicted for 2 workers / the Dask build measured",
                     f"{model['serial_s'] + model['work_s'] / 2:.2f} / {dask['wall_s']} s"))
    rows.append((f"model: workers to match Typst's compile ({typst['compile']['wall_s']} s)",
                 str(model["workers_to_match_typst"])))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=30, help="chapters in the book benchmark (0: skip)")
    args = parser.parse_args()
    reportc = REPORTC
    results: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                 "processor": platform.processor() or platform.machine()},
                     # other work on the machine lengthens wall times (a one-process build whose CPU
                     # time is well below its wall time was kept waiting): the load says how much
                     "load_average_1min": {"start": os.getloadavg()[0]}}

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

    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        sample_env = {**os.environ, "REPORTC_CACHE_DIR": str(scratch / "sample-cache")}
        build_sample = [*reportc, "build", str(SAMPLE), "-o", str(scratch / "out"), "-q"]
        first = measure(build_sample, ROOT, sample_env)
        wall, peak = first.wall_s, first.peak_mb
        unchanged = min(measure(build_sample, ROOT, sample_env).wall_s for _ in range(5))
        version = min(measure([*reportc, "--version"], ROOT).wall_s for _ in range(5))
        results["cli"] = {"build_sample_s": round(wall, 2), "build_sample_cpu_s": round(first.cpu_s, 2),
                          "build_sample_peak_mb": round(peak, 1),
                          "unchanged_rebuild_s": round(unchanged, 3), "version_s": round(version, 3)}
        if args.chapters:
            results["book"] = book_benchmark(args.chapters, scratch)

    results["load_average_1min"]["end"] = os.getloadavg()[0]
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
        rows += book_rows(results["book"])
    load = results["load_average_1min"]
    rows.append(("load average (1 min) of the machine, start / end of the run", f"{load['start']:.2f} / {load['end']:.2f}"))
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

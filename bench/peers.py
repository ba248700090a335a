"""The same book made by two peers, timed in the same run as ours: Typst (its Python bindings,
`typst.compile`) on the chapters converted by Pandoc, and Pandoc's standalone HTML laid out by
WeasyPrint with none of our patches. Both need the `bench` extra (`pip install -e '.[bench]'`;
the locked venv has it).

Neither peer does what reportc does (structure recovery, the Chinese line layout, page
floats, the EPUB): the figures say what a plain book of the same text costs them. Each peer gets
a UTF-8 copy of the chapters (Pandoc reads UTF-8 only; one fixture is GB18030), read as Pandoc
Markdown without citations (our `@fig-map` is a cross-reference, which Typst would take for a
citation and fail on, having no bibliography). An image whose file is missing, or that is a URL,
becomes its description (a Lua filter): Typst stops at such an image, where reportc shows a
placeholder. A chapter that still fails is left out, and the result says how many chapters each
peer got.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CJK_FONTS = Path("/usr/share/fonts/opentype/noto")  # Debian's fonts-noto-cjk: Noto Serif CJK SC
FONT = "Noto Serif CJK SC"
READER = "markdown-citations"
MISSING_IMAGES = """\
-- An image Typst could not load (a missing file, a URL) becomes its description.
function Image(image)
  if not image.src:match("^%a+://") then
    local file = io.open(image.src, "rb")
    if file then file:close() return nil end
  end
  return image.caption
end
"""


def _children_cpu_s() -> float:
    """User + system time of this process and its reaped children (pypandoc runs pandoc as one)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Timer:
    """Wall and CPU time of a `with` block run in this process (pandoc's processes included)."""

    def __enter__(self) -> "Timer":
        self.wall, self.cpu = time.perf_counter(), _children_cpu_s()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _children_cpu_s() - self.cpu

    def as_dict(self) -> dict:
        return {"wall_s": round(self.wall, 2), "cpu_s": round(self.cpu, 2)}


def _utf8_copies(chapters: list[Path], folder: Path) -> list[Path]:
    """The chapters as UTF-8 files with LF line ends in `folder`, with the other files of their
    folder (images, CSV tables) beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for chapter in chapters:
        data = chapter.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")  # what reportc reads a non-UTF-8 chapter as
        copy = folder / (chapter.stem + ".md")
        copy.write_text(text.replace("\r\n", "\n").replace("\r", "\n"), encoding="utf-8")
        copies.append(copy)
    for companion in chapters[0].parent.iterdir():
        if companion.suffix.lower() in {".png", ".jpg", ".jpeg", ".svg", ".gif", ".csv"}:
            shutil.copyfile(companion, folder / companion.name)
    return copies


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0)


def typst_book(chapters: list[Path], folder: Path, title: str) -> dict:
    """Pandoc converts each chapter to Typst (timed as `convert`); main.typ sets the CJK face and
    includes the chapters, a page break between them; `typst.compile` of main.typ is timed in a
    fresh process (bench/phases.py typst), so its CPU time and memory are its own."""
    import pypandoc
    import typst

    copies = _utf8_copies(chapters, folder)
    lua = folder / "missing-images.lua"
    lua.write_text(MISSING_IMAGES, encoding="utf-8")
    # pandoc's Typst template defines horizontalrule for a standalone document; an included
    # chapter has its own scope, so each imports it. Pandoc 3.9 still writes ∩ as `sect`, a name
    # Typst 0.15 no longer has (it is `inter` now)
    (folder / "pandoc.typ").write_text("#let horizontalrule = line(start: (25%,0%), end: (75%,0%))\n"
                                       "#let sect = sym.inter\n", encoding="utf-8")
    converted, failed = [], []
    with Timer() as convert:
        for copy in copies:
            try:
                body = pypandoc.convert_file(str(copy), "typst", format=READER, filters=[str(lua)],
                                             cworkdir=str(folder))
            except RuntimeError:
                failed.append(copy.name)
                continue
            copy.with_suffix(".typ").write_text('#import "pandoc.typ": *\n' + body, encoding="utf-8")
            converted.append(copy.with_suffix(".typ"))

    def write_main(parts: list[Path], main: Path) -> None:
        includes = "\n#pagebreak()\n".join(f'#include "{part.name}"' for part in parts)
        main.write_text(f'#set document(title: "{title}")\n#set page(paper: "a4")\n'
                        f'#set text(font: "{FONT}", lang: "zh", region: "cn")\n#set par(justify: true)\n'
                        f"{includes}\n", encoding="utf-8")

    # a chapter Typst rejects is found by compiling each alone (not timed) and left out
    check = folder / "check.typ"
    for part in list(converted):
        write_main([part], check)
        try:
            typst.compile(str(check), font_paths=[str(CJK_FONTS)])
        except Exception:  # typst raises its own error type, which it does not export
            converted.remove(part)
            failed.append(part.name)
    main = folder / "main.typ"
    write_main(converted, main)
    run = subprocess.run([PYTHON, "bench/phases.py", "typst", str(main), str(CJK_FONTS)], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    compiled = json.loads(run.stdout.strip().splitlines()[-1])
    return {"chapters": len(converted), "failed": failed, "convert": convert.as_dict(),
            "compile": {"wall_s": compiled["compile_s"], "cpu_s": compiled["compile_cpu_s"],
                        "peak_mb": compiled["peak_rss_mb"]},
            "pages": _pages(main.with_suffix(".pdf"))}


def pandoc_weasyprint_book(chapters: list[Path], folder: Path, title: str, measure) -> dict:
    """Pandoc converts all chapters to one standalone HTML (timed as `convert`), whose only style
    beside Pandoc's own is the CJK face and a page break before each chapter; plain WeasyPrint
    (`python -m weasyprint`, none of our patches) lays it out and writes the PDF, timed with
    `measure` (bench/timing.py) in its own process."""
    import pypandoc

    copies = _utf8_copies(chapters, folder)
    lua = folder / "missing-images.lua"
    lua.write_text(MISSING_IMAGES, encoding="utf-8")
    header = folder / "style.html"
    header.write_text(f"<style>body {{ font-family: '{FONT}'; max-width: none; }} "
                      f"h1 {{ break-before: page; }}</style>\n", encoding="utf-8")
    # a chapter pandoc rejects is left out (found by reading each alone, not timed)
    usable, failed = [], []
    for copy in copies:
        try:
            pypandoc.convert_file(str(copy), "html", format=READER, filters=[str(lua)], cworkdir=str(folder))
            usable.append(copy)
        except RuntimeError:
            failed.append(copy.name)
    html = folder / "book.html"
    with Timer() as convert:
        pypandoc.convert_file([str(copy) for copy in usable], "html", format=READER, outputfile=str(html),
                              filters=[str(lua)], cworkdir=str(folder), sort_files=False,
                              extra_args=["--standalone", "--metadata", f"title={title}", "--include-in-header",
                                          str(header)])
    pdf = folder / "book.pdf"
    layout = measure([PYTHON, "-m", "weasyprint", str(html), str(pdf)], folder)
    return {"chapters": len(usable), "failed": failed, "convert": convert.as_dict(), "weasyprint": layout.as_dict(),
            "pages": _pages(pdf)}

"""Side-by-side pages for people: our PDF of a chapter next to XeLaTeX + ctex's (via pandoc).

    tools/compare-ctex SOURCE [-o OUTDIR] [--pages N] [--dpi DPI]

writes OUTDIR/ours.pdf, OUTDIR/ctex.pdf (when pandoc and xelatex are installed) and
OUTDIR/compare-NN.png, one picture per page with ours on the left, so an editor can compare
justification, punctuation and spacing. Without XeLaTeX the right half says how to install it
(Debian: apt-get install pandoc texlive-xetex texlive-lang-chinese, about 1 GB).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from compiler.build.options import BuildOptions

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_ours(source: Path, outdir: Path) -> Path:
    from compiler.build import build

    with tempfile.TemporaryDirectory() as scratch:
        result = build(source, scratch, BuildOptions(formats=("pdf",)))
        target = outdir / "ours.pdf"
        shutil.copyfile(result.outputs["pdf"], target)
    return target


def build_ctex(source: Path, outdir: Path) -> Path | None:
    if not (shutil.which("pandoc") and shutil.which("xelatex")):
        return None
    target = outdir / "ctex.pdf"
    run = subprocess.run(
        ["pandoc", str(source), "-f", "markdown", "-o", str(target), "--pdf-engine=xelatex",
         "-V", "documentclass=ctexart", "-V", "geometry:a4paper,margin=20mm",
         "-V", "CJKmainfont=Noto Serif CJK SC", "-V", "CJKsansfont=Noto Sans CJK SC"],
        capture_output=True, text=True)
    if run.returncode != 0:
        reason = next((line for line in run.stderr.splitlines() if line.startswith("!")), run.stderr.strip()[-200:])
        print(f"compare-ctex: XeLaTeX + ctex failed ({reason}); showing reportc's pages only", file=sys.stderr)
        return None
    return target


def page_images(pdf: Path, prefix: Path, pages: int, dpi: int) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", str(pages), str(pdf), str(prefix)],
                   check=True)
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))


def side_by_side(left: Path, right: Path | None, target: Path) -> None:
    from PIL import Image, ImageDraw

    ours = Image.open(left).convert("RGB")
    other = Image.open(right).convert("RGB") if right else Image.new("RGB", ours.size, "white")
    if right is None:
        ImageDraw.Draw(other).text((40, 40), "XeLaTeX + ctex not installed:\napt-get install pandoc "
                                             "texlive-xetex texlive-lang-chinese", fill="black")
    canvas = Image.new("RGB", (ours.width + other.width + 20, max(ours.height, other.height)), "#888888")
    canvas.paste(ours, (0, 0))
    canvas.paste(other, (ours.width + 20, 0))
    canvas.save(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="compare-ctex", description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("-o", "--outdir", type=Path, default=Path("build/compare"))
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    ours = build_ours(args.source, args.outdir)
    ctex = build_ctex(args.source, args.outdir)
    with tempfile.TemporaryDirectory() as scratch:
        left = page_images(ours, Path(scratch) / "ours", args.pages, args.dpi)
        right = page_images(ctex, Path(scratch) / "ctex", args.pages, args.dpi) if ctex else []
        for number, page in enumerate(left, start=1):
            other = right[number - 1] if number <= len(right) else None
            side_by_side(page, other, args.outdir / f"compare-{number:02d}.png")
    print(f"wrote {len(left)} side-by-side pages to {args.outdir}" + ("" if ctex else " (XeLaTeX + ctex not installed)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

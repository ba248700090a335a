"""The command line: `reportc build` and `reportc check`.

Exit codes: 0 success, 1 build or check failure, 2 bad usage or unreadable input. Every
failure is one line on stderr, never a traceback (set REPORTC_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .diagnostics import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, ReportError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reportc", description="Compile Chinese report chapters into PDF and EPUB.")
    parser.add_argument("--version", action="version", version=f"reportc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build", help="build the PDF and EPUB of a chapter, or of a book (book.toml)")
    build.add_argument("source", help="the chapter's Markdown-style text file, or a book.toml")
    build.add_argument("-o", "--outdir", default="build", help="output folder (default: build/)")
    build.add_argument("--format", default="pdf,epub", help="comma-separated: pdf, epub, html (default: pdf,epub)")
    build.add_argument("--layout", default="yearbook", help="layout name in layouts/ or a layout folder (default: yearbook)")
    build.add_argument("--epub-fonts", action="store_true",
                       help="embed subsets of the CJK faces in the EPUB (by default the reader's fonts are used)")
    build.add_argument("--pdf-variant", choices=["pdf/a-3b", "pdf/ua-1"],
                       help="books: an archival PDF (PDF/A-3b with the sources embedded, or tagged PDF/UA-1)")
    build.add_argument("--script", choices=["hans", "hant"], help="books: hant makes a Traditional-Chinese edition")
    build.add_argument("--opencc", choices=["s2t", "s2tw", "s2twp", "s2hk"],
                       help="books: the OpenCC conversion for --script hant (default: the book's, else s2t)")
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    new = commands.add_parser("new", help="create a book folder (book.toml and two chapters) that builds as it is")
    new.add_argument("name", help="the folder (and the book's title)")

    verify = commands.add_parser("verify", help="check a book's outputs and sources against its edition.json")
    verify.add_argument("folder", help="the output folder holding edition.json")

    check = commands.add_parser("check", help="print the normaliser's findings for a chapter")
    check.add_argument("source", help="the chapter's Markdown-style text file")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "new":
            return _new(args)
        if args.command == "verify":
            return _verify(args)
        return _check(args)
    except ReportError as exc:
        print(f"reportc: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("reportc: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # an answer, not a traceback
        if os.environ.get("REPORTC_DEBUG"):
            raise
        print(f"reportc: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


def _build(args) -> int:
    from .build import build, build_book, parse_formats

    formats = parse_formats(args.format)
    if args.source.endswith(".toml"):
        result = build_book(args.source, args.outdir, formats, pdf_variant=args.pdf_variant, script=args.script,
                            opencc=args.opencc, embed_fonts=args.epub_fonts)
    else:
        for option in ("pdf_variant", "script", "opencc"):
            if getattr(args, option):
                raise ReportError(f"--{option.replace('_', '-')} applies to books (a book.toml), not to one chapter",
                                  EXIT_USAGE)
        result = build(args.source, args.outdir, formats, args.layout, embed_fonts=args.epub_fonts)
    if not args.quiet:
        for finding in result.findings.sorted():
            if finding.level != "info":
                print(finding, file=sys.stderr)
        for fmt, path in result.outputs.items():
            extra = f" ({result.pages} pages)" if fmt == "pdf" else ""
            print(f"wrote {path}{extra}")
    return EXIT_OK


def _new(args) -> int:
    from pathlib import Path

    from .book import new_book

    book = new_book(args.name, Path("."))
    print(f"created {book}: build it with 'reportc build {book}'")
    return EXIT_OK


def _verify(args) -> int:
    from pathlib import Path

    from .edition import verify

    problems = verify(Path(args.folder))
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{args.folder}: every source and output matches edition.json")
    return EXIT_FAILURE if problems else EXIT_OK


def _check(args) -> int:
    from .build import compile_source

    compiled = compile_source(args.source)
    for finding in compiled.findings.sorted():
        print(finding)
    return EXIT_FAILURE if compiled.findings.has_errors else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

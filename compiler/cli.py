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

    build = commands.add_parser("build", help="build the PDF and EPUB of a chapter")
    build.add_argument("source", help="the chapter's Markdown-style text file")
    build.add_argument("-o", "--outdir", default="build", help="output folder (default: build/)")
    build.add_argument("--format", default="pdf,epub", help="comma-separated: pdf, epub, html (default: pdf,epub)")
    build.add_argument("--layout", default="yearbook", help="layout name in layouts/ or a layout folder (default: yearbook)")
    build.add_argument("--epub-fonts", action="store_true",
                       help="embed subsets of the CJK faces in the EPUB (by default the reader's fonts are used)")
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    check = commands.add_parser("check", help="print the normaliser's findings for a chapter")
    check.add_argument("source", help="the chapter's Markdown-style text file")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
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
    from .build import build, parse_formats

    formats = parse_formats(args.format)
    result = build(args.source, args.outdir, formats, args.layout, embed_fonts=args.epub_fonts)
    if not args.quiet:
        for finding in result.findings.sorted():
            if finding.level != "info":
                print(finding, file=sys.stderr)
        for fmt, path in result.outputs.items():
            extra = f" ({result.pages} pages)" if fmt == "pdf" else ""
            print(f"wrote {path}{extra}")
    return EXIT_OK


def _check(args) -> int:
    from .build import compile_source

    compiled = compile_source(args.source)
    for finding in compiled.findings.sorted():
        print(finding)
    return EXIT_FAILURE if compiled.findings.has_errors else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""The command line: `reportc build`, `reportc check`, `reportc watch` and `reportc fix`.

Exit codes: 0 success, 1 build or check failure, 2 bad usage or unreadable input, 128 + the
signal's number when SIGINT or SIGTERM stops a build, 141 (128 + SIGPIPE) when output goes to a
pipe its reader has closed (`reportc check … | head -1`: quietly, as `grep` ends). Every
failure is one line on stderr, never a traceback (set REPORTC_DEBUG=1 to see one). Findings
are `file:line:column: level: message`, each followed by its source line and a caret; `--json`
gives one JSON record per line on stdout instead (findings, outputs written, the error that
ended the command).

Importing this module stays cheap (`reportc --version` must be quick): the build, WeasyPrint,
ebooklib, rich and watchfiles are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .. import __version__
from ..build.interrupts import Interrupted
from ..diagnostics import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Finding, Findings, ReportError

if TYPE_CHECKING:
    from ..build.options import BuildOptions, BuildResult
    from ..build.progress import Progress

# Output to a pipe its reader closed: 128 + SIGPIPE (13), the status a shell reports for a command
# that SIGPIPE ended (`grep … | head`). Not 0: not everything was written; not 1: nothing failed.
EXIT_CLOSED_PIPE = 141


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _add_build_options(command: argparse.ArgumentParser, *, several: bool = False) -> None:
    if several:
        command.add_argument("source", nargs="+",
                             help="the chapter's Markdown-style text file, or a book's book.toml; several are each "
                                  "built into OUTDIR/<name>/ (a book's folder name, a chapter's file name)")
    else:
        command.add_argument("source", help="the chapter's Markdown-style text file, or a book's book.toml")
    command.add_argument("-o", "--outdir", default="build", help="output folder (default: build/)")
    command.add_argument("--format", default="pdf,epub", help="comma-separated: pdf, epub, html (default: pdf,epub)")
    command.add_argument("--layout", default="yearbook", help="layout name in layouts/ or a layout folder (default: yearbook)")
    command.add_argument("--epub-fonts", action="store_true",
                         help="embed subsets of the CJK faces in the EPUB (by default the reader's fonts are used)")
    command.add_argument("--pdf-variant", choices=["pdf/a-3b", "pdf/ua-1"],
                         help="books: an archival PDF (PDF/A-3b with the sources embedded, or tagged PDF/UA-1)")
    command.add_argument("--script", choices=["hans", "hant"], help="books: hant makes a Traditional-Chinese edition")
    command.add_argument("--opencc", choices=["s2t", "s2tw", "s2twp", "s2hk"],
                         help="books: the OpenCC conversion for --script hant (default: the book's, else s2t)")
    command.add_argument("--jobs", "-j", type=_positive, metavar="N",
                         help="books: lay chapters out in N processes (default: one per CPU)")
    command.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                         help="books: lay chapters out on the Dask cluster of this scheduler (default: "
                              "$REPORTC_SCHEDULER, else this machine's processes)")
    command.add_argument("--strict", action="store_true", help="warnings are errors: they stop the build")
    command.add_argument("--no-cache", action="store_true",
                         help="build everything again: neither the last build's outputs nor a book's paginated "
                              "chapters are reused")
    command.add_argument("--lock-timeout", type=float, metavar="SECONDS",
                         help="give up, saying the folder is busy, after waiting SECONDS for another build into "
                              "the output folder (default: wait until it ends)")
    command.add_argument("--json", action="store_true",
                         help="print findings, outputs and errors as JSON records, one per line, on stdout")
    loudness = command.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors (and --json records)")
    loudness.add_argument("-v", "--verbose", action="store_true", help="print each phase's time")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reportc", description="Compile Chinese report chapters into PDF and EPUB.")
    parser.add_argument("--version", action="version", version=f"reportc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    _add_build_options(commands.add_parser("build", help="build the PDF and EPUB of a chapter, or of a book (book.toml)"),
                       several=True)

    new = commands.add_parser("new", help="create a book folder (book.toml and two chapters) that builds as it is")
    new.add_argument("name", help="the folder (and the book's title)")

    verify = commands.add_parser("verify", help="check a book's outputs and sources against its edition.json")
    verify.add_argument("folder", help="the output folder holding edition.json")

    check = commands.add_parser("check", help="print the normaliser's findings for a chapter")
    check.add_argument("source", help="the chapter's Markdown-style text file")
    check.add_argument("--strict", action="store_true", help="warnings are errors: exit 1 when there is one")
    check.add_argument("--json", action="store_true", help="print the findings as JSON records, one per line")

    _add_build_options(commands.add_parser("watch", help="build, then build again whenever the chapter is saved"))

    fix = commands.add_parser("fix", help="write the structure a build recovers into the chapter as explicit Markdown")
    fix.add_argument("source", help="the chapter's Markdown-style text file")
    target = fix.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", metavar="FILE", help="write the fixed chapter to FILE (default: standard output)")
    target.add_argument("--in-place", action="store_true", help="replace the chapter with the fixed one")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line with `argv` (default: the process's arguments); returns the exit code."""
    try:
        code = _run(argv)
        sys.stdout.flush()  # a reader gone away is found here, not by Python's last flush at exit
        return code
    except BrokenPipeError:
        return _closed_pipe()


def _closed_pipe() -> int:
    """Output went to a pipe whose reader has closed it (`reportc check … | head -1`): end quietly
    with the status a shell gives a command that SIGPIPE ended, as `grep … | head` does. Standard
    output and error are pointed at /dev/null first, so that Python's flush at exit finds no pipe
    to complain about."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):  # a stream with no file descriptor (replaced, or closed)
            pass
    os.close(devnull)
    return EXIT_CLOSED_PIPE


def _run(argv: list[str] | None) -> int:
    """The command `argv` names, run; every failure but a closed pipe answered here."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "watch":
            return _watch(args)
        if args.command == "new":
            return _new(args)
        if args.command == "verify":
            return _verify(args)
        if args.command == "fix":
            return _fix(args)
        return _check(args)
    except ReportError as exc:
        report_error(exc, args)
        return exc.exit_code
    except Interrupted as exc:
        if exc.after_commit:
            print(f"reportc: interrupted by {exc.name} after the outputs were written", file=sys.stderr)
        else:
            print(f"reportc: interrupted by {exc.name}; earlier outputs are unchanged", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("reportc: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise  # not an internal error: main ends quietly
    except Exception as exc:  # an answer, not a traceback
        if os.environ.get("REPORTC_DEBUG"):
            raise
        print(f"reportc: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


# ----------------------------------------------------------------------------- reporting


def emit(record: dict[str, Any]) -> None:
    """One JSON record on its own line of stdout, written at once (watch mode streams them)."""
    print(json.dumps(record, ensure_ascii=False), flush=True)


def print_findings(findings: Findings, items: list[Finding], stream: TextIO) -> None:
    """Each finding as `file:line:column: level: message`, its source line and a caret."""
    for finding in items:
        print(finding, file=stream)
        for line in findings.excerpt(finding):
            print(line, file=stream)


def _shown(findings: Findings, *, strict: bool, include_info: bool = True) -> list[Finding]:
    """The findings to report, warnings given as errors under --strict."""
    items = [f for f in findings.sorted() if include_info or f.level != "info"]
    return [f.as_error() for f in items] if strict else items


def report_error(exc: ReportError, args: argparse.Namespace, target: str | None = None) -> None:
    """The one line on stderr; with --json also the findings that caused it and an error record.
    When the command builds several targets, each record names its `target`, and so does the
    line when the message does not."""
    named = {"target": target} if target is not None else {}
    if getattr(args, "json", False):
        if exc.findings is not None:
            for finding in _shown(exc.findings, strict=getattr(args, "strict", False)):
                emit({**exc.findings.record(finding), **named})
        emit({"type": "error", "message": str(exc), "exit_code": exc.exit_code, **named})
    line = str(exc) if target is None or target in str(exc) else f"{target}: {exc}"
    print(f"reportc: {line}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- commands


def _build(args: argparse.Namespace) -> int:
    sources: list[str] = args.source
    if len(sources) == 1:
        _build_once(argparse.Namespace(**{**vars(args), "source": sources[0]}), _options(args))
        return EXIT_OK
    return _build_several(args, sources)


def _build_several(args: argparse.Namespace, sources: list[str]) -> int:
    """Each target built into OUTDIR/<name>/, one after the other, under one progress display;
    a target that fails is reported (its outputs untouched) and the others are built all the
    same. The exit code is the worst of the targets'."""
    from contextlib import AbstractContextManager, nullcontext
    from dataclasses import replace

    from .progress import PhaseProgress, progress_for

    names = [_target_name(source) for source in sources]
    for name in names:
        if names.count(name) > 1:
            clash = [source for source, other in zip(sources, names) if other == name]
            raise ReportError(f"{' and '.join(clash)} would both be built into {Path(args.outdir) / name}: build them "
                              "in separate commands", EXIT_USAGE)
    options = _options(args)
    progress = progress_for(quiet=args.quiet, verbose=args.verbose)
    worst = EXIT_OK
    connection: AbstractContextManager[None] = nullcontext()
    if options.scheduler:
        from ..build.dask_engine import one_connection  # Dask only for a command that uses it

        connection = one_connection()  # the books share one connection to the scheduler
    try:
        with connection:
            for number, (source, name) in enumerate(zip(sources, names), start=1):
                if isinstance(progress, PhaseProgress):
                    progress.prefix = f"{number}/{len(sources)} {name}: "
                one = argparse.Namespace(**{**vars(args), "source": source, "outdir": str(Path(args.outdir) / name)})
                # the books' options are for the books among the targets, not for a chapter
                own = options if source.endswith(".toml") else replace(options, pdf_variant=None, script=None,
                                                                        opencc=None, jobs=None, scheduler=None)
                try:
                    _build_once(one, own, progress=progress, target=source)
                except ReportError as exc:
                    progress.close_status()
                    report_error(exc, args, target=source)
                    worst = max(worst, exc.exit_code)
    finally:
        progress.close()
    return worst


def _target_name(source: str) -> str:
    """The folder a target of several is built into: a book's folder name (`a/book.toml` → `a`;
    the file's own name when it is not `book.toml`), a chapter's file name without suffix."""
    path = Path(source)
    if path.suffix == ".toml" and path.stem == "book":
        return path.resolve().parent.name or "book"
    return path.stem


def _options(args: argparse.Namespace, **changes: Any) -> BuildOptions:
    """The build options the command line gives."""
    from dataclasses import replace

    from ..build.options import SCHEDULER_VARIABLE, BuildOptions, parse_formats

    options = BuildOptions(
        formats=parse_formats(args.format), layout=args.layout, embed_fonts=args.epub_fonts, strict=args.strict,
        pdf_variant=args.pdf_variant, script=args.script, opencc=args.opencc, jobs=args.jobs,
        reuse_outputs=not args.no_cache, reuse_parts=not args.no_cache, lock_timeout=args.lock_timeout,
        scheduler=args.scheduler or os.environ.get(SCHEDULER_VARIABLE) or None)
    return replace(options, **changes)


def _build_once(args: argparse.Namespace, options: BuildOptions, *, progress: Progress | None = None,
                target: str | None = None) -> BuildResult:
    """Build as the options say and report it; returns the BuildResult. A build that is one of
    several is given the command's `progress` and names its `target` in its JSON records."""
    from ..build import build, build_book
    from .progress import progress_for

    own_progress = progress is None
    shown = progress if progress is not None else progress_for(quiet=args.quiet, verbose=args.verbose)
    try:
        if args.source.endswith(".toml"):
            result = build_book(args.source, args.outdir, options, progress=shown)
        else:
            result = build(args.source, args.outdir, options, progress=shown)
    finally:
        if own_progress:
            shown.close()
        else:
            shown.close_status()  # the lines below are printed under it, not into it
    named = {"target": target} if target is not None else {}
    if result.up_to_date:
        _report_up_to_date(args, result, named)
        return result
    assert result.findings is not None
    if args.json:
        for finding in _shown(result.findings, strict=args.strict):
            emit({**result.findings.record(finding), **named})
        if result.paginated is not None:
            emit({"type": "layout", "chapters": result.chapters, "laid_out": [n + 1 for n in result.paginated],
                  "engine": result.engine, "workers": result.workers, **named})
        for fmt, path in result.outputs.items():
            record: dict[str, Any] = {"type": "output", "format": fmt, "path": str(path), **named}
            if fmt == "pdf":
                record["pages"] = result.pages
            emit(record)
    elif not args.quiet:
        print_findings(result.findings, _shown(result.findings, strict=args.strict, include_info=False), sys.stderr)
        summary = result.findings.recovery_summary()
        if summary:  # the recoveries themselves are info findings, which `check` shows one by one
            print(summary, flush=True)
        if result.paginated is not None and len(result.paginated) < result.chapters:
            reused = result.chapters - len(result.paginated)
            print(f"laid out {len(result.paginated)} of {result.chapters} chapters ({reused} unchanged, reused)",
                  flush=True)
        for fmt, path in result.outputs.items():
            extra = f" ({result.pages} pages)" if fmt == "pdf" else ""
            print(f"wrote {path}{extra}", flush=True)
    if args.verbose and own_progress:
        print(f"reportc: total {sum(shown.times.values()):.2f} s", file=sys.stderr)
    return result


def _report_up_to_date(args: argparse.Namespace, result: BuildResult, named: dict[str, str]) -> None:
    if args.json:
        for fmt, path in result.outputs.items():
            emit({"type": "output", "format": fmt, "path": str(path), "unchanged": True, **named})
    elif not args.quiet:
        print(f"up to date: {', '.join(str(p) for p in result.outputs.values())} (nothing changed since the last build)")


def _new(args: argparse.Namespace) -> int:
    from ..books.scaffold import new_book

    book = new_book(args.name, Path("."))
    print(f"created {book}: build it with 'reportc build {book}'")
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from ..build.edition import verify

    problems = verify(Path(args.folder))
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{args.folder}: every source and output matches edition.json")
    return EXIT_FAILURE if problems else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from ..build.chapter import compile_source, stopping_findings

    compiled = compile_source(args.source)
    findings = compiled.findings
    items = _shown(findings, strict=args.strict)
    if args.json:
        for finding in items:
            emit(findings.record(finding))
    else:
        print_findings(findings, items, sys.stdout)
    return EXIT_FAILURE if stopping_findings(findings, strict=args.strict) else EXIT_OK


def _fix(args: argparse.Namespace) -> int:
    """The chapter with its recovered structure written out: to standard output, to `-o FILE` or
    over itself (`--in-place`), in its own encoding and line ends; what was written, and what
    was left as it is, said on stderr."""
    from ..build.fix import fix_source, write_atomically

    fixed = fix_source(args.source)
    if args.in_place:
        if fixed.changed:  # an unchanged chapter keeps its time: its build stays up to date
            source = Path(args.source).resolve()  # a symbolic link stays one: its target is fixed
            write_atomically(source, fixed.data, mode_of=source)
    elif args.output:
        write_atomically(Path(args.output), fixed.data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(fixed.data)
        sys.stdout.buffer.flush()
    for line, why in fixed.left:
        print(f"{args.source}:{line}: {why}", file=sys.stderr)
    print(fixed.summary(), file=sys.stderr, flush=True)
    return EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    from ..writers.templates import load_layout
    from .watch import watch

    # watch builds because something changed: an "up to date" check is only delay
    options = _options(args, reuse_outputs=False)  # a usage error ends watch mode before it starts
    layout = load_layout(args.layout)

    def rebuild() -> list[Path] | None:
        """One build, reported; a failure is reported too, and watching goes on."""
        try:
            return _build_once(args, options).inputs
        except ReportError as exc:
            report_error(exc, args)
            return None

    return watch(args.source, rebuild, layout_folder=layout.folder, quiet=args.quiet)


if __name__ == "__main__":
    sys.exit(main())

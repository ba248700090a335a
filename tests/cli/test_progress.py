"""Feedback while a build runs: the phase on a terminal, silence otherwise, times with --verbose;
and a command line that starts quickly because it imports the heavy libraries only when needed.

The terminal is a real pseudo-terminal (`pty`) given to the build as its stderr: rich draws its
status there, and the test reads back what was drawn.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

from conftest import REPORTC, ROOT, SAMPLE, run

PHASES = ["read", "normalise", "paginate", "PDF", "EPUB"]


def build_on_a_terminal(tmp_path, *options: str) -> tuple[int, str, str]:
    """Run a build with a pseudo-terminal as stderr; (exit code, what the terminal got, stdout)."""
    controller, terminal = pty.openpty()
    env = {**{k: v for k, v in os.environ.items() if k != "REPORTC_DEBUG"}, "TERM": "xterm", "COLUMNS": "100"}
    command = [str(REPORTC)] if REPORTC.exists() else [sys.executable, "-m", "compiler"]
    process = subprocess.Popen([*command, "build", str(SAMPLE), "-o", "out", *options], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=terminal, env=env)
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the build ended and closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    stdout = process.stdout.read().decode()
    returncode = process.wait(timeout=300)
    os.close(controller)
    return returncode, drawn.decode("utf-8", "replace"), stdout


def test_a_build_on_a_terminal_shows_each_phase(tmp_path):
    returncode, drawn, stdout = build_on_a_terminal(tmp_path)
    assert returncode == 0, drawn
    shown = re.findall(r"reportc: (\w+)…", drawn)
    assert [phase for phase in PHASES if phase in shown] == PHASES
    assert shown.index("read") < shown.index("paginate") < shown.index("PDF") < shown.index("EPUB")
    assert "wrote out/" in stdout


def test_quiet_build_on_a_terminal_shows_no_progress(tmp_path):
    returncode, drawn, stdout = build_on_a_terminal(tmp_path, "-q")
    assert returncode == 0
    assert "reportc:" not in drawn and "…" not in drawn
    assert stdout == ""


def test_build_not_on_a_terminal_shows_no_progress(tmp_path):
    result = run(["build", str(SAMPLE), "--format", "html"], tmp_path)
    assert result.returncode == 0
    # no progress line (they start with `reportc:`); findings may quote `<!-- reportc: keep -->`
    assert not any(line.startswith("reportc:") for line in result.stderr.splitlines())
    assert "\x1b" not in result.stderr, "no terminal control codes in a pipe"


def test_verbose_prints_each_phase_time_even_in_a_pipe(tmp_path):
    result = run(["build", str(SAMPLE), "-v"], tmp_path)
    assert result.returncode == 0, result.stderr
    times = re.findall(r"^reportc: (\w+) (\d+\.\d\d) s$", result.stderr, re.M)
    assert [name for name, _ in times] == [*PHASES, "total"]
    assert "\x1b" not in result.stderr


def test_quiet_and_verbose_together_is_a_usage_error(tmp_path):
    result = run(["build", str(SAMPLE), "-q", "-v"], tmp_path)
    assert result.returncode == 2


def test_importing_the_command_line_loads_no_heavy_library():
    """`reportc --version` must stay quick: the CLI module may not import the renderers, rich,
    watchfiles or the Markdown reader at import time."""
    code = ("import sys, compiler.cli; "
            "print(sorted(m for m in ('weasyprint', 'ebooklib', 'rich', 'watchfiles', 'markdown', 'jinja2', "
            "'lxml', 'fontTools', 'compiler.build.chapter', 'compiler.readers.markdown') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"

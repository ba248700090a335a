"""Output to a pipe whose reader has gone away (issue 16, item 11), with real pipes and processes.

`reportc check FILE | head -1` and `reportc build --json … | head -1` end quietly — nothing on
stderr, never `internal error: BrokenPipeError` — with status 141 (128 + SIGPIPE), the status
a shell reports for `grep … | head` (before: exit 1 and an internal error). Run in bash with
`PIPESTATUS`, on a chapter whose findings overflow the pipe's buffer so that the write really
fails; and with standard output (and error) a pipe whose reading end is already closed, so the
very first write fails, for `check`, `check --json`, `build --json`, plain `build` and
`python -m compiler`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPORTC, ROOT

# 1,000 findings: about 270 KB of output, far more than a pipe holds (64 KiB)
MANY_FINDINGS = "# 标题\n\n" + "".join(f"第{n}段功能布局 and 空间布局。\n\n" for n in range(1000))
FINDING = "warning: English word 'and' inside Chinese prose"


@pytest.fixture(scope="module")
def chapter(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pipes") / "many.md"
    path.write_text(MANY_FINDINGS, encoding="utf-8")
    return path


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REPORTC_DEBUG", "SOURCE_DATE_EPOCH")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def piped_into_head(command: str, cwd: Path) -> tuple[int, str, str]:
    """`command | head -1` in bash: (the command's exit status, what head printed, the command's stderr)."""
    script = f"{command} 2>reportc.err | head -1; echo \"status=${{PIPESTATUS[0]}}\""
    result = subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True, env=environment(),
                            timeout=300)
    *printed, status = result.stdout.splitlines()
    return int(status.removeprefix("status=")), "\n".join(printed), (cwd / "reportc.err").read_text(encoding="utf-8")


def into_closed_pipe(args: list[str], cwd: Path, *, stderr_too: bool = False) -> subprocess.CompletedProcess:
    """Run with standard output (and, with `stderr_too`, error) a pipe nobody reads any more."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(args, cwd=cwd, stdout=write_end, stderr=write_end if stderr_too else subprocess.PIPE,
                              text=True, env=environment(), timeout=300)
    finally:
        os.close(write_end)


def test_check_into_head_ends_quietly_with_the_sigpipe_status(chapter):
    status, printed, stderr = piped_into_head(f"{REPORTC} check many.md", chapter.parent)
    assert stderr == ""  # before: "reportc: internal error: BrokenPipeError: [Errno 32] Broken pipe"
    assert status == 141  # before: 1
    assert printed.startswith("many.md:3:") and FINDING in printed


def test_check_json_into_head_ends_quietly_with_the_sigpipe_status(chapter):
    status, printed, stderr = piped_into_head(f"{REPORTC} check --json many.md", chapter.parent)
    assert (status, stderr) == (141, "")
    assert printed.startswith('{"type": "finding"')


def test_build_json_into_head_ends_quietly_and_leaves_its_outputs(chapter):
    status, printed, stderr = piped_into_head(f"{REPORTC} build --json many.md -o out --format epub --no-cache",
                                              chapter.parent)
    assert (status, stderr) == (141, "")
    assert printed.startswith('{"type": "finding"')
    assert (chapter.parent / "out" / "many.epub").is_file()  # the records come after the outputs are in place


@pytest.mark.parametrize("args", [
    ["check", "many.md"],
    ["check", "--json", "many.md"],
    ["build", "--json", "many.md", "-o", "out-closed", "--format", "epub", "--no-cache"],
], ids=["check", "check --json", "build --json"])
def test_output_into_a_pipe_already_closed_ends_quietly(chapter, args):
    result = into_closed_pipe([str(REPORTC), *args], chapter.parent)
    assert (result.returncode, result.stderr) == (141, "")


def test_python_m_compiler_ends_the_same(chapter):
    result = into_closed_pipe([sys.executable, "-m", "compiler", "check", "many.md"], chapter.parent)
    assert (result.returncode, result.stderr) == (141, "")


def test_a_build_whose_stdout_and_stderr_are_a_closed_pipe_ends_with_the_sigpipe_status(chapter):
    """`reportc build … 2>&1 | head`: the findings go to stderr, the closed pipe too."""
    result = into_closed_pipe([str(REPORTC), "build", "many.md", "-o", "out-both", "--format", "epub", "--no-cache"],
                              chapter.parent, stderr_too=True)
    assert result.returncode == 141


def test_a_pipe_read_to_its_end_changes_nothing(chapter):
    result = subprocess.run(f"{REPORTC} check many.md | wc -l", shell=True, cwd=chapter.parent, capture_output=True,
                            text=True, env=environment(), timeout=300)
    assert result.stderr == ""
    assert int(result.stdout) == 3 * 1000

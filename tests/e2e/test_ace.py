"""DAISY Ace, the EPUB accessibility checker (axe-core in Debian's Chromium plus Ace's own EPUB and
metadata rules), on the sample's EPUB: no violation of any impact, best-practice ones included.

Ace is installed by `make test-setup` (tools/ace/, see the Makefile) and run by tools/ace/run-ace. Ace
exits 0 whatever its verdict, so the verdict is read from its report.json."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

ACE_DIR = ROOT / "tools" / "ace"
RUN_ACE = ACE_DIR / "run-ace"
ACE_CLI = ACE_DIR / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = Path(os.environ.get("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium"))
ACE_TIMEOUT = 600  # seconds for one whole run; a run of the sample takes a few seconds


def ace_missing() -> str | None:
    """Why Ace can't run here, or None."""
    if not ACE_CLI.exists():
        return f"DAISY Ace is not installed ({ACE_CLI.relative_to(ROOT)} is missing): run `make test-setup`"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not installed ({CHROMIUM} is missing, Debian package chromium): run `make test-setup`"
    return None


def test_ace_is_installed():
    """Never skipped: CI installs Ace with `make test-setup`, so a missing Ace is a failure."""
    missing = ace_missing()
    if missing:
        pytest.fail(missing)


@pytest.fixture(scope="module")
def ace_report(sample_build, tmp_path_factory) -> dict:
    """Ace's report.json on the sample's EPUB. Raises pytest's Failed, never AssertionError, when
    Ace can't run, so that an xfail(raises=AssertionError, strict=True) on a test does not hide it."""
    missing = ace_missing()
    if missing:
        pytest.fail(missing)
    outdir = tmp_path_factory.mktemp("ace")
    try:
        run = subprocess.run([str(RUN_ACE), str(sample_build.epub), str(outdir)], capture_output=True,
                             text=True, timeout=ACE_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Ace did not finish within {ACE_TIMEOUT} s on {sample_build.epub}")
    report = outdir / "report.json"
    if run.returncode != 0 or not report.exists():
        log = outdir / "ace-cli.log"
        pytest.fail(f"Ace failed to run (exit {run.returncode}):\n{run.stdout}\n{run.stderr}\n"
                    + (log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.exists() else ""))
    return json.loads(report.read_text(encoding="utf-8"))


def ace_violations(report: dict) -> list[dict]:
    """Each failed assertion of the report, with where it is: Ace groups them by document."""
    found = []
    for subject in report.get("assertions", []):
        url = subject.get("earl:testSubject", {}).get("url", "?")
        for assertion in subject.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            pointer = result.get("earl:pointer", {})
            found.append({
                "rule": test.get("dct:title", "?"),
                "impact": test.get("earl:impact", "?"),
                "file": url,
                "css": ", ".join(pointer.get("css", [])),
                "cfi": ", ".join(pointer.get("cfi", [])),
                "html": result.get("html", ""),
                "test": test.get("dct:description", ""),
                "result": result.get("dct:description", ""),
                "fix": test.get("help", {}).get("dct:description", ""),
                "help": test.get("help", {}).get("url", ""),
                "tags": ", ".join(test.get("rulesetTags", [])),
                "by": assertion.get("earl:assertedBy", "?"),
            })
    return found


def describe(violations: list[dict], report: dict) -> str:
    lines = [f"DAISY Ace found {len(violations)} violation(s) in the sample's EPUB:"]
    for v in violations:
        where = v["file"] + (f" at {v['css']}" if v["css"] else "") + (f" (cfi {v['cfi']})" if v["cfi"] else "")
        lines.append(f"- [{v['impact']}] {v['rule']} ({v['by']}; {v['tags']}) in {where}")
        lines.append(f"    {v['test']}")
        for detail in v["result"].splitlines():
            lines.append(f"    > {detail}")
        if v["html"]:
            lines.append(f"    element: {v['html'][:300]}")
        lines.append(f"    fix: {v['fix']} ({v['help']})")
    missing = report.get("a11y-metadata", {}).get("missing", [])
    if missing:
        lines.append(f"(accessibility metadata not present, for information: {', '.join(missing)})")
    return "\n".join(lines)


# Ace 1.4.6 finds one violation in today's EPUB (see the reason); drop this mark once it's fixed:
# strict, so the suite goes red when the EPUB passes and the mark is stale. raises=AssertionError
# keeps a failure to run Ace (pytest.fail, not an AssertionError) a real failure.
def test_ace_finds_no_violations(ace_report):
    violations = ace_violations(ace_report)
    assert not violations, describe(violations, ace_report)
    outcome = ace_report.get("earl:result", {}).get("earl:outcome")
    if outcome is not None:
        assert outcome == "pass", f"Ace's verdict is {outcome!r}, with no violation listed"

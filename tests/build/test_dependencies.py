"""What reportc depends on is declared as ranges and locked as the exact tested set.

Byte-identical outputs depend on every library in the layout path (WeasyPrint and its pydyf,
tinycss2, Pillow …), so pinning WeasyPrint alone was not enough; pinning everything in
pyproject.toml would stop users installing reportc beside other tools. pyproject.toml says what
reportc works with, requirements.lock (installed by `make build`) what it was tested with, and
the environment these tests run in must be that locked set.
"""

from __future__ import annotations

import importlib.metadata as package_metadata
import re
import tomllib

from conftest import ROOT

# Installed with the lock but not by it: the installer, and reportc itself (editable).
NOT_LOCKED = {"pip", "setuptools", "uv", "reportc"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]  # test, and bench (make bench's peers): both locked
    return [*project["dependencies"], *(requirement for group in extras.values() for requirement in group)]


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {_canonical(match[1]): match[2] for match in map(PIN.match, text.splitlines()) if match}


def test_direct_dependencies_are_compatible_ranges():
    for requirement in _declared():
        assert "==" not in requirement and ">=" in requirement and "<" in requirement, requirement


def test_every_pin_of_the_lock_carries_hashes():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=\S)", text)  # a pin and its indented continuation lines
    pinned = [entry for entry in entries if PIN.match(entry)]
    assert len(pinned) == len(_locked()) > 40
    assert all("--hash=sha256:" in entry for entry in pinned)


def test_the_lock_holds_every_direct_dependency():
    locked = _locked()
    for requirement in _declared():
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        assert name and _canonical(name[0]) in locked, requirement


def test_the_tests_run_on_exactly_the_locked_set():
    installed = {_canonical(str(d.metadata["Name"])): d.version for d in package_metadata.distributions()}
    locked = _locked()
    assert {name: version for name, version in installed.items() if name not in NOT_LOCKED} == locked

"""reportc as a package: a wheel built from the project's files, installed into a fresh virtual
environment outside the checkout (the locked dependencies, then the wheel), builds the sample.

The layouts and the font manifest are top-level folders of the repository; a wheel that lacked
them would install a `reportc` that fails on its first build. Building from a copy of the
project's files keeps the checkout's own `build/` folder (the outputs') free of setuptools' work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT, SAMPLE

PROJECT_FILES = ("compiler", "layouts", "fonts", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md",
                 "requirements.lock")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # PYTHONPATH would put a checkout before the installed wheel: the wheel alone is under test
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=900, env=environment)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def _project_copy(folder: Path) -> Path:
    folder.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_data"))
        else:
            shutil.copy2(source, folder / name)
    return folder


def test_the_wheel_installed_outside_the_checkout_builds_the_sample(tmp_path):
    project = _project_copy(tmp_path / "project")
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(project)], tmp_path)
    wheel = next((tmp_path / "dist").glob("reportc-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "compiler/_data/fonts/fonts.toml" in names
    assert "compiler/_data/layouts/yearbook/layout.toml" in names
    assert "compiler/_data/layouts/yearbook/blocks.j2" in names

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    _run([*pip, "--require-hashes", "-r", str(ROOT / "requirements.lock")], tmp_path)
    _run([*pip, "--no-deps", str(wheel)], tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(SAMPLE, elsewhere / "chapter.txt")
    _run([str(venv / "bin" / "reportc"), "build", "chapter.txt", "-o", "out"], elsewhere)
    assert (elsewhere / "out" / "chapter.pdf").stat().st_size > 10_000
    assert (elsewhere / "out" / "chapter.epub").stat().st_size > 10_000
    # the installed package reads its own copies, not the checkout's folders
    located = _run([str(venv / "bin" / "python"), "-c",
                    "from compiler.resources import LAYOUTS_DIR, FONTS_DIR; print(LAYOUTS_DIR); print(FONTS_DIR)"], elsewhere)
    layouts, fonts = located.stdout.split()
    assert Path(layouts).is_relative_to(venv) and Path(fonts).is_relative_to(venv)

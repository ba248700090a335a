"""Packaging hook: a wheel carries the layouts and the font manifest inside the package.

pyproject.toml declares everything else. In the repository `layouts/` and `fonts/` stay at the
top level, where users find and copy them; a built wheel has no repository around it, so this
copies both into `compiler/_data/`, where `compiler.resources` looks first. An editable install
reads them where they are.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithData(build_py):
    """build_py, then the layouts and the font manifest copied into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in ("layouts", "fonts"):
            target = Path(self.build_lib) / "compiler" / "_data" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithData})

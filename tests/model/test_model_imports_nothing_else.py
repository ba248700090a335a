"""The model is the bottom of the pipeline: importing it loads no other stage."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_model_loads_no_other_stage():
    code = ("import sys, compiler.model.nodes, compiler.model.traverse, compiler.model.dump, compiler.model.text; "
            "print(sorted(m for m in sys.modules if m.startswith('compiler.') and not m.startswith('compiler.model')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"

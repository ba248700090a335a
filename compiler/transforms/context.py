"""What every transform is given besides the tree: where findings go, and the source's folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..diagnostics import Findings
from ..model.nodes import Document


@dataclass
class PassContext:
    """Where a transform reports findings, and the folder the source's images are looked for in."""

    findings: Findings
    base_dir: Path | None = None  # the source's folder (images are looked for there); None: beside source_name


Transform = Callable[[Document, PassContext], Document]

"""Not redoing what need not be redone: an unchanged rebuild keeps the outputs it made, and a
book keeps the chapters it paginated.

After a successful build, `record` writes a small record under `$XDG_CACHE_HOME/reportc/` (or
`~/.cache/reportc/`; `REPORTC_CACHE_DIR` overrides), named after the output folder and the
source, so the output folder holds nothing but outputs. The record holds a key over all
the outputs depend on — the bytes of every input the build read (chapter or book file and its
chapters, images), of the layout folder (a book's own, named in book.toml) and of
fonts/fonts.toml, the versions of reportc and its libraries, the options, SOURCE_DATE_EPOCH —
and the SHA-256 of each output. `fresh` recomputes the key from the recorded inputs; when it
matches and every output is still there unchanged, the build has nothing to do. This module
imports nothing heavy, so that answer comes in a blink.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

from .. import __version__
from ..writers.fonts import MANIFEST as FONTS_MANIFEST

PACKAGES = ("weasyprint", "ebooklib", "markdown", "jinja2", "lxml", "fonttools", "opencc", "pydyf", "pikepdf",
            "uharfbuzz")


def hash_file(digest: Any, path: Path, *, name: bool = True) -> None:
    """Feed a file's name (unless not `name`) and bytes, or that it is missing, to `digest`."""
    if name:
        digest.update(str(path).encode() + b"\0")
    try:
        digest.update(path.read_bytes())
    except OSError:
        digest.update(b"\0missing\0")


def tools_key(layout_dir: Path) -> str:
    """A key over the tools a build uses: the versions of reportc and its libraries, the layout
    folder's files and fonts/fonts.toml."""
    digest = hashlib.sha256()
    versions = [__version__]
    for package in PACKAGES:
        try:
            versions.append(package_metadata.version(package))
        except package_metadata.PackageNotFoundError:
            versions.append("-")
    digest.update(json.dumps(versions).encode())
    for path in sorted(p for p in layout_dir.rglob("*") if p.is_file()):
        hash_file(digest, path)
    hash_file(digest, FONTS_MANIFEST)
    return digest.hexdigest()


def build_key(inputs: list[Path], layout_dir: Path, options: dict[str, Any]) -> str:
    """The key of a build: the tools, the options, SOURCE_DATE_EPOCH and the bytes of every input."""
    digest = hashlib.sha256(tools_key(layout_dir).encode())
    digest.update(json.dumps({"options": options, "epoch": os.environ.get("SOURCE_DATE_EPOCH", "")},
                             sort_keys=True).encode())
    for path in sorted(inputs):
        hash_file(digest, path)
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where records and paginated chapters are kept: $REPORTC_CACHE_DIR, else the XDG cache folder."""
    if os.environ.get("REPORTC_CACHE_DIR"):
        return Path(os.environ["REPORTC_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportc"


def record_file(outdir: Path, name: str) -> Path:
    """Where the record of building `name` into `outdir` lives."""
    where = hashlib.sha256(f"{outdir.resolve()}\0{name}".encode()).hexdigest()[:32]
    return cache_dir() / f"{where}.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    hash_file(digest, path, name=False)
    return digest.hexdigest()


def fresh(outdir: Path, name: str, layout_dir: Path, options: dict[str, Any]) -> tuple[dict[str, Path], list[Path]] | None:
    """The outputs and inputs of the last build of `name` into `outdir`, if nothing they depend on changed."""
    try:
        record = json.loads(record_file(outdir, name).read_text(encoding="utf-8"))
        inputs = [Path(p) for p in record["inputs"]]
        if record["key"] != build_key(inputs, layout_dir, options):
            return None
        outputs = {key: Path(entry["path"]) for key, entry in record["outputs"].items()}
        for key, entry in record["outputs"].items():
            if _sha256(outputs[key]) != entry["sha256"]:
                return None
        return outputs, inputs
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(outdir: Path, name: str, inputs: list[Path], layout_dir: Path, options: dict[str, Any],
           outputs: dict[str, Path]) -> None:
    """Remember this build's key and outputs (a failure to write the record costs only a rebuild)."""
    inputs = [Path(p).resolve() for p in inputs]
    data = {
        "key": build_key(inputs, layout_dir, options),
        "inputs": [str(p) for p in inputs],
        "outputs": {key: {"path": str(Path(p).resolve()), "sha256": _sha256(Path(p))} for key, p in outputs.items()},
    }
    target = record_file(outdir, name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(".json.part")
        temp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(temp, target)
    except OSError:
        pass


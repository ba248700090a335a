"""Not redoing what need not be redone: an unchanged rebuild keeps the outputs it made, and a
book keeps the chapters it paginated.

After a successful build, `record` writes a small record under `$XDG_CACHE_HOME/reportc/` (or
`~/.cache/reportc/`; `REPORTC_CACHE_DIR` overrides), named after the output folder and the
source, so the output folder holds nothing but outputs. The record holds a key over all
the outputs depend on — the bytes of every input the build read (chapter or book file and its
chapters, every image a source names, found or not: a missing image that appears changes the
output), of the layout folder (a book's own, named in book.toml), of fonts/fonts.toml and the
identities of the font files it names, reportc's own code, the version of every installed
distribution, the options, and the date the outputs carry (SOURCE_DATE_EPOCH, else the sources'
newest modification time) — and the SHA-256 of each output. The key is taken as the build reads
its inputs (`Inputs`), not after it, so a file saved during a build is not recorded as built.
`fresh` recomputes the key from the recorded inputs; when it matches and every output is still
there unchanged, the build has nothing to do. This module imports nothing heavy, so that answer
comes in a blink.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from functools import lru_cache
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any, Iterable

from .. import __version__
from ..writers.fonts import MANIFEST as FONTS_MANIFEST
from ..writers.fonts import all_font_files
from ..resources import LAYOUTS_DIR, cache_dir


def hash_file(digest: Any, path: Path, *, name: bool = True) -> None:
    """Feed a file's name (unless not `name`) and bytes, or that it is missing, to `digest`.

    Only a regular file is read: a named pipe or a device (an image path may name one) would
    block or never end."""
    if name:
        digest.update(str(path).encode() + b"\0")
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            digest.update(b"\0not a file\0")
            return
        digest.update(path.read_bytes())
    except OSError:
        digest.update(b"\0missing\0")


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (or of its absence)."""
    digest = hashlib.sha256()
    hash_file(digest, path, name=False)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_key() -> str:
    """A hash of reportc's own code: the package's .py files, the layouts and the fonts
    manifest as installed. Once per process: the code does not change under a running build."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent.parent
    files = sorted(package.rglob("*.py")) + sorted(p for p in LAYOUTS_DIR.rglob("*") if p.is_file())
    for path in [*files, FONTS_MANIFEST]:
        hash_file(digest, path)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def distributions_key() -> str:
    """The name and version of every distribution installed beside reportc (WeasyPrint, and
    pydyf, tinycss2, Pillow … that it draws with), once per process."""
    versions = sorted({(str(d.metadata["Name"]).lower(), d.version) for d in package_metadata.distributions()})
    return hashlib.sha256(json.dumps(versions).encode()).hexdigest()


def font_files_key() -> str:
    """The identities (path, size, modification time) of the font files fonts/fonts.toml names, the
    fallback chain's too: a font package upgraded in place changes the glyphs a laid-out part
    refers to, and one installed gives a character a face it had not."""
    try:
        files = sorted(all_font_files())
    except (OSError, ValueError):
        files = []
    identities = []
    for file in files:
        try:
            info = os.stat(file)
            identities.append([file, info.st_size, info.st_mtime_ns])
        except OSError:
            identities.append([file, "missing"])
    return hashlib.sha256(json.dumps(identities).encode()).hexdigest()


def tools_key(layout_dir: Path) -> str:
    """A key over the tools a build uses: reportc's own code, every installed distribution's
    version, the layout folder's files, fonts/fonts.toml and the font files it names."""
    digest = hashlib.sha256(f"{code_key()}\0{distributions_key()}\0{font_files_key()}\0".encode())
    for path in sorted(p for p in layout_dir.rglob("*") if p.is_file()):
        hash_file(digest, path)
    hash_file(digest, FONTS_MANIFEST)
    return digest.hexdigest()


def newest_mtime(sources: list[Path]) -> int:
    """The newest modification time of `sources`, in whole seconds: the date the outputs carry
    when SOURCE_DATE_EPOCH is not set."""
    return int(max(path.stat().st_mtime for path in sources))


class Inputs:
    """What a build's outputs depend on, hashed as the build reads it: the tools and options
    when the build starts, each file when the build is about to read it (`add`), the date when
    the build takes it (`dated`). The key is complete before any output is written, and a file
    saved while the build runs is recorded as it was read, so the next build sees the change."""

    def __init__(self, layout_dir: Path, options: dict[str, Any]):
        self.layout_dir, self.options = layout_dir, options
        self.tools = tools_key(layout_dir)
        self.files: dict[str, str] = {}  # path → the SHA-256 of its bytes when the build read it
        self.dated_by: list[str] = []  # the sources whose newest time is the outputs' date
        self.date: int | None = None

    def add(self, paths: Iterable[Path]) -> None:
        """Hash the files the build reads (or names: a missing image is an input too); a file
        already hashed keeps the hash it had when the build first read it."""
        for path in paths:
            name = str(Path(path).resolve())
            if name not in self.files:
                self.files[name] = file_digest(Path(name))

    def dated(self, sources: list[Path], seconds: int) -> None:
        """The outputs carry `seconds`, the newest time of `sources` (SOURCE_DATE_EPOCH unset)."""
        self.dated_by, self.date = [str(Path(p).resolve()) for p in sources], seconds

    def key(self) -> str:
        return build_key(self.tools, self.options, self.files, self.date)


def build_key(tools: str, options: dict[str, Any], files: dict[str, str], date: int | None) -> str:
    """The key of a build: the tools, the options, SOURCE_DATE_EPOCH or the sources' date, and
    the hash of every input."""
    digest = hashlib.sha256(tools.encode())
    digest.update(json.dumps({"options": options, "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
                              "date": date, "files": sorted(files.items())}, sort_keys=True).encode())
    return digest.hexdigest()


def record_file(outdir: Path, name: str) -> Path:
    """Where the record of building `name` into `outdir` lives."""
    where = hashlib.sha256(f"{outdir.resolve()}\0{name}".encode()).hexdigest()[:32]
    return cache_dir() / f"{where}.json"


def fresh(outdir: Path, name: str, layout_dir: Path, options: dict[str, Any]) -> tuple[dict[str, Path], list[Path]] | None:
    """The outputs and inputs of the last build of `name` into `outdir`, if nothing they depend on changed."""
    try:
        record = json.loads(record_file(outdir, name).read_text(encoding="utf-8"))
        inputs = [Path(p) for p in record["inputs"]]
        dated_by = [Path(p) for p in record["dated_by"]]
        date = newest_mtime(dated_by) if dated_by and not os.environ.get("SOURCE_DATE_EPOCH") else None
        files = {str(path): file_digest(path) for path in inputs}
        if record["key"] != build_key(tools_key(layout_dir), options, files, date):
            return None
        outputs = {key: Path(entry["path"]) for key, entry in record["outputs"].items()}
        for key, entry in record["outputs"].items():
            if file_digest(outputs[key]) != entry["sha256"]:
                return None
        return outputs, inputs
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(outdir: Path, name: str, inputs: Inputs, outputs: dict[str, Path]) -> None:
    """Remember this build's key, taken from the inputs as it read them, and its outputs (a
    failure to write the record costs only a rebuild). The record is written under a name of its
    own and renamed into place: two builds never write one file, nor leave half of one."""
    data = {
        "key": inputs.key(),
        "inputs": sorted(inputs.files),
        "dated_by": inputs.dated_by if inputs.date is not None else [],
        "outputs": {key: {"path": str(Path(p).resolve()), "sha256": file_digest(Path(p))} for key, p in outputs.items()},
    }
    target = record_file(outdir, name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".part", dir=target.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(data, indent=1, sort_keys=True) + "\n")
        os.replace(temp, target)
    except OSError:
        pass
    finally:
        Path(temp).unlink(missing_ok=True)

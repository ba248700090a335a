"""Chapters read and normalised by an earlier build, kept so that an unchanged chapter is not read
and normalised again.

A chapter's tree, its source text and its findings (`compile_chapters` in `.chapter`) are kept
under `cache_dir()/trees/`, one pickle per key. The key holds everything reading and normalising
the chapter depends on but the files its images and tables name: the source's bytes, its path
as given (the findings name it) and its folder resolved, the book's front-matter defaults, and the
tools — reportc's code (`cache.code_key`), the version of every installed distribution, the
package's data files (the gazetteer's), fonts/fonts.toml, the identities of the font files it
names and which of its fallback faces fontconfig knows (the check of printable characters reports
on them). The layout is no part of it: reading and normalising never look at one.

The other files a chapter's normalising reads are checked when an entry is loaded, not keyed: each
CSV file of a `table` block (found or not) must have the bytes it had, and each image the chapter
names must get the same decision from `checks.images.check_image` (shown from the same file, or
refused for the same reason) — which is all the tree and the findings take from an image.

An entry is written under a name of its own and renamed into place; one that cannot be read,
unpickled or checked is a miss, and one that cannot be written is not kept: the cache costs a
build nothing but the time it saves. An entry is not kept when an input was saved while the
chapter was normalised (its tree may be the older text's). At most `MAX_ENTRIES` are kept: a
hit touches its entry, and `prune` removes the least recently used beyond that.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import pickle
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from ..diagnostics import Findings
from ..model.nodes import CodeBlock, Document, Image, Table
from ..model.traverse import iter_blocks, iter_inlines
from ..readers.source import SourceText
from ..resources import cache_dir
from . import cache

FORMAT = 1  # the layout of an entry: a change makes every earlier entry a miss
MAX_ENTRIES = 512  # entries kept; the least recently used beyond these are removed
STALE_PART_SECONDS = 3600  # a temporary file this old was left by a build that was killed
# An input modified this close to (or after) the start of the chapter's normalising may have been
# saved while it was read: file times can be coarser than the clock, so the margin is generous.
RACY_SECONDS = 2.0
SUFFIX = ".pickle"
# What an entry may hold: a tree, a source text, findings and paths. An entry naming anything
# else (a function to call, say) is no entry of reportc's: a miss, and nothing of it is run.
ALLOWED_MODULES = ("compiler.model.nodes", "compiler.readers.source", "compiler.diagnostics")
ALLOWED_PATHS = ("PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath")


class Kept(NamedTuple):
    """A chapter as an earlier build read and normalised it."""

    source: SourceText
    doc: Document
    findings: Findings


@lru_cache(maxsize=1)
def package_data_key() -> str:
    """A hash of the files of reportc's package that are not code — the gazetteer's place names
    (`transforms/data/`) — which `cache.code_key` leaves out. Once per process, as the code's;
    found without importing the transforms, which a build of kept chapters may not need."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts:
            cache.hash_file(digest, path)
    return digest.hexdigest()


def fonts_key() -> str:
    """fonts/fonts.toml, the identities of the font files it names, and which fallback faces
    fontconfig knows: what the check of printable characters reads."""
    from ..writers.fonts import MANIFEST, installed_families, load_fallback

    digest = hashlib.sha256(cache.font_files_key().encode() + b"\0")
    cache.hash_file(digest, MANIFEST)
    try:
        installed = installed_families()
        known = sorted(face.family for face in load_fallback() if face.family in installed)
    except (OSError, ValueError):
        known = ["unreadable"]
    digest.update(json.dumps(known).encode())
    return digest.hexdigest()


def tools_key() -> str:
    """What of the tools a chapter's tree depends on (not the layout: reading and normalising
    never look at one)."""
    parts = [f"trees {FORMAT}", cache.code_key(), cache.distributions_key(), package_data_key(), fonts_key()]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class _EntryUnpickler(pickle.Unpickler):
    """Unpickles the classes an entry holds (`ALLOWED_MODULES`), and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if module in ALLOWED_MODULES or (module == "pathlib" and name in ALLOWED_PATHS):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is no part of a kept chapter")


class TreeStore:
    """The kept chapters in `folder` (`cache_dir()/trees/` by default), for tools of one key."""

    def __init__(self, folder: Path | None = None, tools: str | None = None):
        self.folder = folder if folder is not None else cache_dir() / "trees"
        self.tools = tools if tools is not None else tools_key()

    def key(self, path: Path, data: bytes, defaults: Mapping[str, str] | None) -> str:
        """The key of the chapter at `path` whose bytes are `data`, read with `defaults`."""
        digest = hashlib.sha256(self.tools.encode() + b"\0")
        digest.update(os.fsencode(path) + b"\0")
        digest.update(os.fsencode(path.parent.resolve()) + b"\0")
        digest.update(json.dumps(sorted((defaults or {}).items())).encode() + b"\0")
        digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()[:48]

    def file(self, key: str) -> Path:
        """Where the entry of `key` lies."""
        return self.folder / f"{key}{SUFFIX}"

    def load(self, key: str) -> Kept | None:
        """The chapter kept under `key`, if its other inputs are as they were; None otherwise
        (and for an entry that cannot be read: a miss, never an error)."""
        target = self.file(key)
        try:
            entry = _EntryUnpickler(io.BytesIO(target.read_bytes())).load()
            if not (isinstance(entry, dict) and entry.get("format") == FORMAT and entry.get("key") == key):
                return None
            source, doc, findings = entry["source"], entry["doc"], entry["findings"]
            if not (isinstance(source, SourceText) and isinstance(doc, Document) and isinstance(findings, Findings)):
                return None
            if not _inputs_unchanged(entry["tables"], entry["images"], source.path.parent):
                return None
        except Exception:  # noqa: BLE001 - a truncated or foreign pickle fails in many ways: a miss
            return None
        findings.lines = source.text.split("\n")  # not kept: the source text holds them
        try:
            os.utime(target)  # used now: the last to be pruned
        except OSError:
            pass
        return Kept(source, doc, findings)

    def store(self, key: str, kept: Kept, *, started: float) -> bool:
        """Keep the chapter under `key`, with what its other inputs are now; False when it is not
        kept (an input saved since `started`, when normalising began; or the folder unwritable)."""
        base = kept.source.path.parent
        try:
            tables = _table_files(kept.doc, base)
            if any(_modified_since(Path(path), started) for path, _ in tables):
                return False
            images = _image_decisions(kept.doc, base)
        except OSError:  # a file that could be read a moment ago cannot now: not kept
            return False
        if not _decisions_shown(images, kept.doc, kept.findings):
            return False  # an image changed while the chapter was normalised
        findings = copy.copy(kept.findings)
        findings.lines = ()
        try:
            data = pickle.dumps({"format": FORMAT, "key": key, "tables": tables, "images": images,
                                 "source": kept.source, "doc": kept.doc, "findings": findings},
                                protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a tree too deep to pickle is not kept
            return False
        return _write(self.file(key), data)

    def prune(self, keep: int = MAX_ENTRIES) -> None:
        """Remove all but the `keep` most recently used entries, and temporary files builds that
        were killed left behind."""
        entries: list[tuple[float, Path]] = []
        now = time.time()
        try:
            for path in self.folder.iterdir():
                try:
                    used = path.stat().st_mtime
                except OSError:
                    continue
                if path.name.startswith("."):
                    if now - used > STALE_PART_SECONDS:
                        path.unlink(missing_ok=True)
                elif path.name.endswith(SUFFIX):
                    entries.append((used, path))
            entries.sort(reverse=True)
            for _, path in entries[keep:]:
                path.unlink(missing_ok=True)
        except OSError:
            pass


def _table_files(doc: Document, base: Path) -> list[tuple[str, str]]:
    """(path, SHA-256) of each CSV file the chapter's `table` blocks read, found or not: the
    tables made, and the blocks left as they were because reading failed."""
    from ..transforms.data_tables import DataTableError, parse_spec

    names: set[str] = set()
    for block in iter_blocks(doc):
        if isinstance(block, Table) and block.data_file:
            names.add(block.data_file)
        elif isinstance(block, CodeBlock) and block.language == "table":
            try:
                names.add(parse_spec(block.text).file)
            except DataTableError:
                pass  # no file read: the settings were refused first
    paths = sorted({str((base / name).absolute()) for name in names})
    return [(path, cache.file_digest(Path(path))) for path in paths]


def _modified_since(path: Path, started: float) -> bool:
    try:
        return path.stat().st_mtime > started - RACY_SECONDS
    except OSError:
        return False  # missing: its absence is hashed


def _image_decisions(doc: Document, base: Path) -> list[tuple[str, str, str]]:
    """(src, file, reason): what `check_image` decides for each image the chapter names (a
    `data:` URL's decision is the source's own)."""
    from ..checks.images import check_image

    sources = sorted({node.src for node in iter_inlines(doc)
                      if isinstance(node, Image) and not node.src.strip().lower().startswith("data:")})
    decisions = []
    for src in sources:
        checked = check_image(src, base)
        decisions.append((src, checked.file, checked.reason))
    return decisions


def _decisions_shown(decisions: list[tuple[str, str, str]], doc: Document, findings: Findings) -> bool:
    """Do the tree and the findings show these decisions (the files did not change between the
    transform's check and this one)?"""
    files = {src: file for src, file, _ in decisions}
    if any(files.get(node.src, node.file) != node.file for node in iter_inlines(doc) if isinstance(node, Image)):
        return False
    told = [f.message for f in findings.items if f.code == "image-not-shown"]
    return all(any(f"({reason})" in message for message in told) for _, _, reason in decisions if reason)


def _inputs_unchanged(tables: Any, images: Any, base: Path) -> bool:
    from ..checks.images import check_image

    for path, digest in tables:
        if cache.file_digest(Path(path)) != digest:
            return False
    for src, file, reason in images:
        checked = check_image(src, base)
        if (checked.file, checked.reason) != (file, reason):
            return False
    return True


def _write(target: Path, data: bytes) -> bool:
    """Write `data` to `target` through a temporary file renamed into place; False on failure."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".part", dir=target.parent)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
        return True
    except OSError:
        return False
    finally:
        Path(temp).unlink(missing_ok=True)

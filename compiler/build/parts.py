"""A book's paginated chapters kept between builds, so that an unchanged chapter is not paginated again.

One folder per book and output folder under the cache folder (`cache.cache_dir()/parts/`); each
chapter is kept as `<key>.pdf` and `<key>.json` (its page count, first page number, page starts,
anchors, the faces it left to the join and its page types), and its page numbers apart as
`<key>.numbers.pdf` when they can be stamped anew, keyed on the chapter's HTML, its images and
the tools (`cache.tools_key`: versions, the layout folder, the fonts manifest). A chapter's HTML
is kept there too (`<key>.html`), under a key of what its template is given (see
`compiler.build.book`): rendering 30 chapters' HTML took 0.5 s of every rebuild, only to learn
which of them changed. A build keeps only what it used. Without a writable cache folder, the
build gives the paginator a scratch folder of the same kind.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from ..writers.anchors import PageStart
from ..writers.print.page_stamps import numbers_path
from ..writers.print.paginate_book import PaginatedChapter
from ..resources import write_atomically
from .cache import cache_dir, hash_file
from .interrupts import process_running


class PartsFolder:
    """A book's paginated chapters: `<key>.pdf` and `<key>.json` (pages, numbers, starts) in `folder`."""

    def __init__(self, folder: Path, environment: str):
        self.folder, self.environment = folder, environment
        self.html_used: set[str] = set()  # the keys of the chapters' HTML this build read or wrote

    @classmethod
    def for_book(cls, book_file: Path, outdir: Path, environment: str) -> "PartsFolder | None":
        """The folder kept for the book at `book_file` built into `outdir`, or None when it cannot
        be made (an unwritable cache costs only the reuse). Editions built side by side
        (Simplified into one folder, Traditional into another) do not push each other's out."""
        where = f"{book_file}\0{outdir.resolve()}"
        folder = cache_dir() / "parts" / hashlib.sha256(where.encode()).hexdigest()[:32]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return cls(folder, environment)

    def key(self, html: str, images: list[Path]) -> str:
        digest = hashlib.sha256(self.environment.encode() + b"\0" + html.encode())
        for image in images:
            hash_file(digest, image)
        return digest.hexdigest()[:40]

    def pdf(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def load(self, key: str) -> PaginatedChapter | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            if not self.pdf(key).is_file():
                return None
            if data.get("page_types") is not None and not numbers_path(self.pdf(key)).is_file():
                return None
            return PaginatedChapter(data["pages"], data["first_page"], [PageStart(**s) for s in data["starts"]],
                                    data["anchor_pages"], data["opening_break"],
                                    {name: (face[0], face[1]) for name, face in data["faces"].items()},
                                    data.get("page_types"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def forget(self, key: str) -> None:
        (self.folder / f"{key}.json").unlink(missing_ok=True)

    def save(self, key: str, chapter: PaginatedChapter) -> None:
        try:
            write_atomically(self.folder / f"{key}.json",
                             json.dumps(asdict(chapter), ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except OSError:
            pass

    def html_key(self, *inputs: bytes) -> str:
        """The key of a chapter's HTML rendered from `inputs` (with these tools)."""
        digest = hashlib.sha256(self.environment.encode())
        for data in inputs:
            digest.update(b"\0" + hashlib.sha256(data).digest())
        return "html-" + digest.hexdigest()[:40]

    def html(self, key: str) -> str | None:
        """A chapter's HTML kept under `key` (see `html_key`), or None."""
        self.html_used.add(key)
        try:
            return (self.folder / f"{key}.html").read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None

    def save_html(self, key: str, html: str) -> None:
        self.html_used.add(key)
        try:
            write_atomically(self.folder / f"{key}.html", html.encode("utf-8"))
        except OSError:
            pass  # an unwritable cache costs only the time

    def keep_only(self, keys: set[str]) -> None:
        """Remove the parts of other keys (and the HTML this build did not use), and the `.part`
        files of killed builds."""
        keys = keys | self.html_used
        for path in self.folder.iterdir():
            if path.name.startswith("."):
                pid = path.name.split(".")[-2]
                if path.suffix == ".part" and not (pid.isdigit() and process_running(int(pid))):
                    path.unlink(missing_ok=True)
            elif path.name.split(".")[0] not in keys:
                path.unlink(missing_ok=True)

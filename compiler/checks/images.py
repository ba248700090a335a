"""Which images a chapter may show, and their bytes: the one place that decides.

A chapter is often built on a server from an upload, so an image reference is untrusted. An
image is shown only when it is

- a file inside the source's own folder (symbolic links resolved first, so a link pointing
  out of the folder is outside), given as a relative path, an absolute path or a `file:` URL;
- or a `data:` URL;

and its bytes are a PNG, JPEG, GIF or WebP image (looked at, not guessed from the name).
Everything else is refused with a reason: the network (never fetched), `javascript:` and other
schemes, paths outside the folder, SVG (it can hold scripts and references of its own), files
that are missing, unreadable, too large or not images. Nothing here fetches or follows a URL.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, unquote_to_bytes, urlparse

MAX_BYTES = 32 * 1024 * 1024
MEDIA_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def sniff(data: bytes) -> str | None:
    """The media type of image bytes, from their signature; None when not an accepted image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower())


@dataclass(frozen=True)
class Checked:
    """The outcome of checking one image reference: `file` when shown, else `reason`."""

    file: str = ""  # a URL path relative to the source's folder, or the data: URL itself
    reason: str = ""


def check_image(src: str, base: Path) -> Checked:
    """May the image `src`, written in a chapter whose folder is `base`, be shown?"""
    src = src.strip()
    if not src:
        return Checked(reason="it names no file")
    scheme = SCHEME.match(src)
    if WINDOWS_DRIVE.match(src):
        return Checked(reason="it lies outside the source's folder")
    if scheme:
        name = scheme.group(1).lower()
        if name == "data":
            return _check_data(src)
        if name in ("http", "https", "ftp", "ftps"):
            return Checked(reason="images are never fetched from the network")
        if name != "file":
            return Checked(reason=f"a '{name}:' URL is not an image")
        parsed = urlparse(src)
        if parsed.netloc not in ("", "localhost"):
            return Checked(reason="it lies on another machine")
        path = unquote(parsed.path)
    else:
        path = src.split("#", 1)[0].split("?", 1)[0]
    return _check_file(path, base)


def _check_file(path: str, base: Path) -> Checked:
    folder = base.resolve()
    candidates = [path] + ([unquote(path)] if unquote(path) != path else [])
    for candidate in candidates:
        resolved = (folder / candidate).resolve()  # an absolute candidate replaces the folder
        if not resolved.is_relative_to(folder):
            return Checked(reason="it lies outside the source's folder")
        if resolved.is_file():
            break
    else:
        return Checked(reason="no such file")
    try:
        size = resolved.stat().st_size
        with resolved.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        return Checked(reason=f"it cannot be read ({exc.strerror or exc})")
    if size > MAX_BYTES:
        return Checked(reason=f"it is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if sniff(head) is None:
        return Checked(reason=_not_an_image(head, "the file"))
    return Checked(file=quote(resolved.relative_to(folder).as_posix(), safe="/"))


def _check_data(src: str) -> Checked:
    data = data_url_bytes(src)
    if data is None:
        return Checked(reason="a data: URL that cannot be decoded")
    if len(data) > MAX_BYTES:
        return Checked(reason=f"it is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if sniff(data) is None:
        return Checked(reason=_not_an_image(data, "a data: URL"))
    return Checked(file=src)


def _not_an_image(head: bytes, what: str = "it") -> str:
    if _looks_like_svg(head):
        return f"{what} holds SVG, which can carry scripts and references of its own"
    return f"{what} holds no PNG, JPEG, GIF or WebP image"


def data_url_bytes(src: str) -> bytes | None:
    """The bytes a `data:` URL holds, or None when it is malformed."""
    header, comma, payload = src.partition(",")
    if not comma:
        return None
    try:
        if header.lower().endswith(";base64"):
            return base64.b64decode(unquote(payload), validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None


def load(file: str, base: Path) -> tuple[bytes, str] | None:
    """The bytes and media type of an image the check let through (`Checked.file`), checked
    again as it is read; None if it is no longer there or no longer an image."""
    if file.startswith("data:"):
        data = data_url_bytes(file)
    else:
        folder = base.resolve()
        path = (folder / unquote(file)).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
    if data is None or len(data) > MAX_BYTES:
        return None
    media_type = sniff(data)
    return (data, media_type) if media_type else None

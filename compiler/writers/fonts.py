"""Fonts: the manifest in `fonts/fonts.toml` and a check that its families are installed.

WeasyPrint finds faces through fontconfig; a missing CJK face would silently fall back to
another font (or to tofu), so the build checks first and names the package to install. The
manifest's fallback chain (`[[fallback]]`) follows each role's CJK face in the font stacks, for
the characters the CJK faces lack; its faces may be missing (`compiler.checks.coverage` warns
about the characters that then have no face).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from ..diagnostics import EXIT_FAILURE, ReportError
from ..resources import FONTS_DIR

MANIFEST = FONTS_DIR / "fonts.toml"


@dataclass(frozen=True)
class Face:
    """A face the manifest names: its family, role, licence, where it comes from and its Debian package."""

    family: str
    role: str
    licence: str
    source: str
    debian_package: str
    files: tuple[str, ...] = ()


def read_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    """The manifest's tables, parsed once per version of the file (a build asks for them a
    dozen times: the check of the characters, the font stacks, the up-to-date key). Not to be
    changed: the same dictionary is handed to every caller."""
    info = os.stat(path)
    return _parsed(str(path), info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=4)
def _parsed(path: str, size: int, modified: int) -> dict[str, Any]:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def _faces(path: Path, kind: str) -> list[Face]:
    data = read_manifest(path)
    return [
        Face(f["family"], f["role"], f["licence"], f["source"], f.get("debian_package", ""), tuple(f.get("files", [])))
        for f in data.get(kind, [])
    ]


def load_manifest(path: Path = MANIFEST) -> list[Face]:
    """The faces fonts/fonts.toml lists (the CJK faces the layouts name; each must be installed)."""
    return _faces(path, "face")


def load_fallback(path: Path = MANIFEST) -> list[Face]:
    """The fallback chain of fonts/fonts.toml, in order: faces for the characters the CJK faces
    lack, each optional."""
    return _faces(path, "fallback")


def language_families(language: str, path: Path = MANIFEST) -> dict[str, str]:
    """Role → family for a document language, as `font_variables_css` selects them: the longest
    manifest language tag that is the language or a prefix of it (CSS `:lang()`), else zh-Hans."""
    languages = read_manifest(path).get("languages", {})
    wanted = language.lower()
    matching = [tag for tag in languages if wanted == tag.lower() or wanted.startswith(tag.lower() + "-")]
    chosen = max(matching, key=lambda tag: tag.count("-"), default="zh-Hans")
    return dict(languages.get(chosen, {}))


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """The font families fontconfig knows on this machine (empty when fc-list is missing)."""
    if not shutil.which("fc-list"):
        return frozenset()
    listing = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(","))


def check_fonts(faces: list[Face] | None = None) -> None:
    """Raise ReportError naming the first face that fontconfig cannot find."""
    families = installed_families()
    for face in faces if faces is not None else load_manifest():
        if face.family not in families:
            hint = f" (apt-get install {face.debian_package})" if face.debian_package else ""
            raise ReportError(f"font '{face.family}' is not installed{hint}", EXIT_FAILURE)


def font_variables_css(path: Path = MANIFEST, fallback: Sequence[str] | None = None) -> str:
    """CSS custom properties naming each role's face, per language, from the manifest:
    `:root { --serif: "…SC" } :root:lang(zh-Hant) { --serif: "…TC" }`. Page margin boxes
    inherit them from the root, so running heads follow the document's script too. Each role's
    face is followed by the fallback chain, or by `fallback`, the families of it a document
    needs: Pango sets a character in the first face of the stack that has it, so a character
    the CJK face has never reaches the fallback faces."""
    languages = read_manifest(path).get("languages", {})
    families = [face.family for face in load_fallback(path)] if fallback is None else fallback
    chain = "".join(f', "{family}"' for family in families)
    rules = []
    for language in sorted(languages, key=lambda tag: tag.count("-")):  # longer tags later, so they win
        roles = "; ".join(f'--{role}: "{family}"{chain}' for role, family in sorted(languages[language].items()))
        selector = ":root" if language == "zh-Hans" else f":root:lang({language})"
        rules.append(f"{selector} {{ {roles}; }}")
    return "\n".join(rules) + "\n"


def load_manifest_files(path: Path = MANIFEST) -> dict[str, list[str]]:
    """Family → its font files, as the manifest lists them (the CJK faces, not the fallback chain)."""
    data = read_manifest(path)
    return {face["family"]: face.get("files", []) for face in data.get("face", [])}


def all_font_files(path: Path = MANIFEST) -> list[str]:
    """Every font file the manifest names, the fallback chain's too, each once: what a laid-out
    page may have taken glyphs from."""
    return list(dict.fromkeys(file for face in [*load_manifest(path), *load_fallback(path)] for file in face.files))

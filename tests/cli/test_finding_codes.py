"""Every finding carries a stable code, so tools can filter on it (`check --json`'s `code`).

`Findings.warning/info/error` require one (mypy holds every call to it); this test reads the
findings of real chapters and of inputs made to trip most checks, and finds none without.
"""

from __future__ import annotations

import json

from conftest import FIXTURES, run

TRIPS = """---
title: 测试
---

# 第一章 测试

## 

正文[^a]与[^b]，见 @fig-none 与 **未闭合*粗体。<blink>闪</blink>

[^a]: 注一。
[^a]: 注一又。
[^c]: 从未引用。

::: info 未闭合

![缺图](missing.png)

```table
file: none.csv
```

This sentence has the word and in 中文 prose.

## 一级
# 又一个标题
"""


def _codes(path, cwd) -> list[dict]:
    result = run(["check", "--json", str(path)], cwd)
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_every_finding_of_the_fixtures_and_of_a_chapter_full_of_problems_has_a_code(tmp_path):
    tripping = tmp_path / "trips.md"
    tripping.write_text(TRIPS + "\x07\n", encoding="utf-8")
    chapters = [FIXTURES / "000_946237fb39f22908.txt", *sorted((FIXTURES / "chapters").glob("*.txt")),
                *sorted((FIXTURES / "recovery").glob("*.md")), FIXTURES / "features" / "features.md", tripping]
    records = [record for chapter in chapters for record in _codes(chapter, tmp_path)
               if record.get("type") == "finding"]
    tripped = {record["code"] for record in records if record["file"].endswith("trips.md")}
    assert len(tripped) >= 8, tripped
    assert [record for record in records if not record.get("code")] == []

"""Unit tests for compiler.transforms.script.detect_script: a chapter without `lang` is tagged
zh-Hans or zh-Hant from its Han text (OpenCC round trips); front matter `lang` always wins."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from compiler.model import nodes as t
from compiler.transforms import normalise, pipeline
from compiler.transforms.script import MIN_DISTINGUISHING, Evidence, detect_script, script_evidence

from helpers import SAMPLE, messages, read, read_apply

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
CHAPTERS = Path(__file__).resolve().parent.parent / "fixtures" / "chapters"
# Written in Taiwan's usage, not converted by OpenCC: it holds characters Traditional text shares
# with Simplified but that s2t changes (干擾, 公里, 皇后), so its evidence is not all Traditional.
TAIWAN = (
    "# 臺灣地區科技發展概況\n\n"
    "臺灣的科技產業在過去十年裡持續成長，新竹科學園區與南部科學園區帶動了半導體、光電與生物技術的發展。"
    "政府推動「前瞻基礎建設計畫」，加強數位建設與人才培育，並著重於減少電磁干擾、提升網路覆蓋率。"
    "全島高速鐵路約三百五十公里，連接主要城市，皇后鎮的故事則是另一回事。\n"
)


def to_traditional(text: str) -> str:
    return opencc.OpenCC("s2t").convert(text)


def detected(source: str) -> tuple[t.Document, list[tuple[int, str, str]]]:
    doc, findings = read_apply(source, detect_script)
    return doc, messages(findings)


def test_the_sample_is_simplified_by_its_numbers():
    evidence = script_evidence(SAMPLE_TEXT)
    assert evidence == Evidence(simplified=5600, traditional=0)
    assert evidence.language == "zh-Hans"


def test_the_sample_converted_to_traditional_is_traditional_by_its_numbers():
    evidence = script_evidence(to_traditional(SAMPLE_TEXT))
    # 准, 里 and 干 are written in Traditional text too (批准, 公里, 干擾): s2t keeps them in those words
    assert evidence == Evidence(simplified=11, traditional=5607)
    assert evidence.language == "zh-Hant"


def test_a_simplified_chapter_without_lang_stays_zh_hans_and_quiet():
    doc, found = detected(SAMPLE_TEXT)
    assert doc.language == "zh-Hans" and found == []


@pytest.mark.parametrize("name", ["beijing_qu_xian.txt", "hunan_shi_zhou.txt", "jiangsu_xian_shi.txt",
                                  "zhejiang_xian_yu.txt"])
def test_the_test_chapters_are_simplified_and_their_conversions_traditional(name):
    text = (CHAPTERS / name).read_text(encoding="utf-8")
    assert detected(text)[0].language == "zh-Hans"
    doc, found = detected(to_traditional(text))
    assert doc.language == "zh-Hant"
    assert [level for _, level, _ in found] == ["info"]


def test_a_traditional_chapter_without_lang_is_zh_hant_with_an_info_saying_from_how_many_characters():
    doc, found = detected(TAIWAN)
    assert doc.language == "zh-Hant"
    assert found == [(1, "info", "no 'lang' in the front matter: the text is Traditional Chinese (50 of the 53 "
                                 "characters that tell the scripts apart are Traditional); taken as zh-Hant "
                                 "(a front matter 'lang:' decides)")]


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-CN", "zh-Hant"])
def test_front_matter_lang_always_wins(lang):
    doc, found = detected(f"---\nlang: {lang}\n---\n" + TAIWAN)
    assert doc.language == lang and found == []
    doc, found = detected(f"---\nlang: {lang}\n---\n" + SAMPLE_TEXT)
    assert doc.language == lang and found == []


def test_too_few_distinguishing_characters_stay_zh_hans():
    doc, found = detected("# 說明\n\n這是書。\n")  # 說, 這, 書: three Traditional characters
    assert doc.language == "zh-Hans"
    assert found == [(1, "info", "no 'lang' in the front matter: too few characters tell Simplified from "
                                 f"Traditional Chinese (3 Traditional, 0 Simplified; at least {MIN_DISTINGUISHING} "
                                 "needed); taken as zh-Hans (a front matter 'lang:' decides)")]


def test_no_distinguishing_character_at_all_stays_zh_hans_quietly():
    for source in ("# 中文\n\n中文大学。\n", "# T\n\nNo Han at all.\n", "# T\n"):
        doc, found = detected(source)
        assert doc.language == "zh-Hans" and found == []


def test_a_chapter_that_mixes_the_scripts_stays_zh_hans_and_says_so():
    doc, found = detected("# 标题\n\n这是简体的发展报告。這是繁體的發展報告。\n")
    assert doc.language == "zh-Hans"
    assert found == [(1, "info", "no 'lang' in the front matter: the text mixes Simplified and Traditional "
                                 "Chinese (7 Simplified and 4 Traditional characters); taken as zh-Hans "
                                 "(a front matter 'lang:' decides)")]


def test_code_titles_and_tables_count_as_text():
    body = "| 項目 | 說明 |\n|---|---|\n| 發展 | 國際 |\n\n```\n這個書\n```\n"
    doc, _ = detected("# 臺灣產業\n\n" + body)
    assert doc.language == "zh-Hant"


def test_the_pipeline_detects_at_its_start_and_twice_is_once():
    steps = [step.__name__ for step in pipeline()]
    assert steps.index("detect_script") < steps.index("make_callouts")
    doc, findings = read(TAIWAN)
    once = normalise(doc, findings)
    assert once.language == "zh-Hant"
    twice = normalise(once, findings)
    assert twice.language == "zh-Hant"

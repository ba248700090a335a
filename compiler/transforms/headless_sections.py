"""Transform: recover sections the source gives no heading.

After the overview, each district's report opens with a plain paragraph whose first words name
the district (`浦东新区围绕…`, `崇明县以…`). No list of place names is used: a candidate is a
plain paragraph (no bold lead-in) that starts with a two-to-four-character name ending in an
administrative suffix (新区, 区, 县, 市, 州, 盟; up to eight characters before 自治县/州/旗),
not followed by another name (`、`, `和`) or by an institution (`北京市科委…` is about the
commission, not the city), and not a common word that merely ends in such a character
(社区, 园区, 城市, 上市, 联盟 …).
Candidates count only as a series: at least two of them between the same two top-level
headings (a heading between every pair means the author structured that part already). Each
gets a recovered heading at the level of the chapter's top sections, so that nesting turns it
into a section that closes the overview.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model.nodes import Block, Document, Heading, Paragraph, Section, Text
from ..model.text import HAN_CLASS
from ..model.traverse import plain_text
from .context import PassContext

PLACE = re.compile(
    f"^(?:([{HAN_CLASS}]{{2,8}}?)(自治县|自治州|自治旗)|([{HAN_CLASS}]{{2,4}}?)(新区|区|县|市|州|盟))"
    f"(?=[{HAN_CLASS}“（《])"
)
NOT_A_NAME_START = set("各全该我此每其两几多这那某")
NOT_IN_NAME = set("的与在对为是了等及或将把被从向以于年月")
NOT_AFTER_NAME = set("、和与及或等区县市州")
# A place name followed by one of these names an institution of that place, not its report.
INSTITUTIONS = ("科委", "科技局", "科技委", "政府", "人民政府", "人大", "政协", "党委", "委员会", "发改委", "经信委")
MIN_SERIES = 2
# Development zones are not administrative districts: `示范区建设…` opens no district's report.
ZONES = ("示范区", "开发区", "高新区", "实验区", "试验区", "保税区", "功能区", "集聚区", "产业区", "工业区",
         "商务区", "核心区", "先行区", "合作区", "老城区", "自贸区")
# Words ending in 区 or 市 that name no place: `开源社区…` does not open a district's report.
COMMON_WORDS = set(
    "社区 园区 市区 小区 街区 景区 片区 辖区 校区 厂区 军区 灾区 牧区 营区 展区 赛区 分区 专区 禁区 误区 盲区 "
    "都市 城市 超市 股市 楼市 车市 上市 开市 闹市 门市 夜市 集市 菜市 县市 闭市 "
    "联盟 同盟 加盟 结盟 神州 九州".split()
)


def place_name(paragraph: Paragraph) -> str | None:
    """The place name a paragraph opens with, if it reads as the start of a place's report."""
    nodes = paragraph.children
    if not nodes or not isinstance(nodes[0], Text):
        return None
    text = nodes[0].text
    match = PLACE.match(text)
    if not match:
        return None
    stem, suffix, name = match.group(1) or match.group(3), match.group(2) or match.group(4), match.group(0)
    if stem[0] in NOT_A_NAME_START or set(stem) & NOT_IN_NAME:
        return None
    if stem[-1] + suffix[-1] in COMMON_WORDS and suffix != "新区":
        return None
    if text[len(name):].startswith(INSTITUTIONS):
        return None
    if name.endswith(ZONES):
        return None
    if text[len(name):len(name) + 1] in NOT_AFTER_NAME:
        return None
    return name


def recover_headless_sections(doc: Document, ctx: PassContext) -> Document:
    """Give a recovered heading to each member of a series of paragraphs that open with a place name."""
    if any(isinstance(block, Section) for block in doc.children):
        return doc  # already nested: recovery ran before nesting
    levels = [b.level for b in doc.children if isinstance(b, Heading) and b.level >= 2]
    level = min(levels) if levels else 2
    candidates: dict[int, str] = {}
    series: dict[int, list[int]] = {}  # top-level heading index → candidate indexes after it
    top = -1
    current = None
    for index, block in enumerate(doc.children):
        if isinstance(block, Heading):
            current = block.recovered and plain_text(block.children)
            if block.level <= level and not block.recovered:
                top = index
            continue
        if isinstance(block, Paragraph):
            name = place_name(block)
            if name and name != current:
                previous = doc.children[index - 1] if index else None
                if not isinstance(previous, Heading):  # a heading already opens this report
                    candidates[index] = name
                    series.setdefault(top, []).append(index)
                current = name
    for members in series.values():
        if len(members) < MIN_SERIES:
            for index in members:
                del candidates[index]
    if not candidates:
        return doc
    children: list[Block] = []
    for index, block in enumerate(doc.children):
        if index in candidates:
            heading = Heading(level, [Text(candidates[index])], block.line, block.blank_lines_before, recovered=True)
            children.append(heading)
        children.append(block)
    return replace(doc, children=children)

"""Transform: recover sections the source gives no heading.

After the overview, each district's report opens with a plain paragraph whose first words name
the district (`浦东新区围绕…`, `崇明县以…`). A candidate is a plain paragraph (no bold lead-in)
that opens with the name of a division in the gazetteer (`compiler.transforms.gazetteer`: the
national code list of provinces, prefectures, counties and townships, with former names), the
most specific one when names nest (`北京市海淀区…` opens with 海淀区), not followed by another
name (`、`, `和`) nor naming an institution of the place (`北京市统计局…`, `杭州市委…`, `深圳市长…`).
Words that are no division (东部地区, 重点区域, 城市) are never candidates.

Candidates count only as a series: the candidates between the same two real headings whose
divisions are siblings in the gazetteer (the districts of one city, the counties of one
province), at least two different ones. A place named in the chapter's title (or in the heading
the series stands under) limits candidates to the divisions inside it. A place that already
opened a member of the series continues its section (`长沙市… 望城区… 长沙市还…` is one place and
a district inside it: no series at all).

Where the recovered sections go: a series right under a heading, or one that the next heading
of that heading's level closes, is that heading's content: its sections are one level below it
(`### 国内城市` → `####`). A series after a heading's own paragraphs, running to the end of the
chapter or to a higher heading, closes that heading: its sections take the level of the
chapter's top headings, as the district reports after a chapter's overview do. A series that
could only be placed by moving a later heading under one of its sections is not recovered.

Every recovered section is a finding (`section-recovered`, info). The front matter can switch
recovery off (`recover_sections: false`) or name the sections (`section_names: [...]`), and
`<!-- reportc: keep -->` before a paragraph keeps it (see `compiler.transforms.overrides`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model.nodes import Block, Document, Heading, Paragraph, Section, Text
from ..model.traverse import plain_text
from .context import PassContext
from .gazetteer import Division, gazetteer
from .overrides import kept, section_names, switched_on

NOT_AFTER_NAME = set("、和与及或等同跟至到")
# A place name followed by one of these names an institution or people of that place, not its report.
INSTITUTIONS = (
    "委", "局", "厅", "政府", "人民政府", "人大", "政协", "党", "纪委", "统计", "科技局", "科技委", "发改",
    "经信", "财政", "教育", "公安", "法院", "人民法院", "检察", "人民检察", "代表", "领导", "民", "长", "场",
    "区", "县", "级", "籍", "辖", "属", "内外", "分行", "支行", "分公司", "办",
)
MIN_SERIES = 2


@dataclass(frozen=True)
class Candidate:
    """A paragraph that opens with a place name: its index, name and the divisions of that name."""

    index: int
    name: str
    divisions: tuple[Division, ...]


def place_name(paragraph: Paragraph) -> str | None:
    """The place name a paragraph opens with, if it reads as the start of a place's report."""
    found = _opening_place(paragraph)
    return found[0] if found else None


def _opening_place(paragraph: Paragraph) -> tuple[str, tuple[Division, ...]] | None:
    nodes = paragraph.children
    if not nodes or not isinstance(nodes[0], Text):
        return None
    places = gazetteer()
    text = nodes[0].text
    hit = places.opening(text)
    if hit is None:
        return None
    name, divisions = hit[0], tuple(hit[1])
    rest = text[len(name):]
    while True:  # 北京市海淀区…: the district, inside the city
        inner = places.opening(rest)
        if inner is None:
            break
        codes = {d.code for d in divisions}
        nested = tuple(d for d in inner[1] if places.within(d, codes))
        if not nested:
            break
        name, divisions, rest = inner[0], nested, rest[len(inner[0]):]
    if not _opens(rest):
        return None
    return name, divisions


def _opens(rest: str) -> bool:
    """Does the text after a place name go on as that place's report?"""
    if not rest or rest[0] in NOT_AFTER_NAME or rest.startswith(INSTITUTIONS):
        return False
    first = rest[0]
    return first in "“（《「" or "\u3400" <= first <= "\u9fff" or "\U00020000" <= first <= "\U0003134f"


def recover_headless_sections(doc: Document, ctx: PassContext) -> Document:
    """Give a recovered heading to each member of a series of paragraphs that open with sibling place names."""
    if any(isinstance(block, Section) for block in doc.children):
        return doc  # already nested: recovery ran before nesting
    if not switched_on(doc, "sections"):
        return doc
    blocks = doc.children
    levels = [b.level for b in blocks if isinstance(b, Heading) and b.level >= 2 and not b.recovered]
    top = min(levels) if levels else 2
    title_places = gazetteer().places_in(plain_text(doc.title))
    names = section_names(doc)
    headings: dict[int, Heading] = {}
    bounds = [i for i, b in enumerate(blocks) if isinstance(b, Heading)]
    starts = [0, *[i + 1 for i in bounds]]
    ends = [*bounds, len(blocks)]
    for start, end in zip(starts, ends):
        before = blocks[start - 1] if start else None
        after = blocks[end] if end < len(blocks) else None
        if isinstance(before, Heading) and before.recovered:
            continue  # recovery ran already
        heading = before if isinstance(before, Heading) else None
        limit = gazetteer().places_in(plain_text(heading.children)) if heading else []
        members = _series(blocks, start, end, heading, limit or title_places, names, ctx)
        if not members:
            continue
        level = _level(heading, after if isinstance(after, Heading) else None, members[0].index == start, top)
        if level is None:
            continue
        parent = _parent_name(members, names)
        for member in members:
            block = blocks[member.index]
            headings[member.index] = Heading(level, [Text(member.name)], block.line, block.blank_lines_before,
                                             recovered=True)
            ctx.findings.info(block.line, f"section '{member.name}' recovered: the paragraph opens with a place name, "
                              f"one of {len(members)} {parent} in a row", length=len(member.name),
                              code="section-recovered")
    if not headings:
        return doc
    children: list[Block] = []
    for index, block in enumerate(blocks):
        if index in headings:
            children.append(headings[index])
        children.append(block)
    return replace(doc, children=children)


def _series(blocks: list[Block], start: int, end: int, heading: Heading | None, limit: list[Division],
            names: list[str] | None, ctx: PassContext) -> list[Candidate]:
    """The members of the series between two headings: candidates whose places are siblings."""
    candidates: list[Candidate] = []
    for index in range(start, end):
        block = blocks[index]
        if not isinstance(block, Paragraph) or kept(block.line, ctx.findings):
            continue
        if names is not None:
            listed = _listed_name(block, names)
            if listed:
                candidates.append(Candidate(index, listed, ()))
            continue
        found = _opening_place(block)
        if found is None:
            continue
        divisions = found[1]
        if limit:
            inside = {d.code for d in limit}
            divisions = tuple(d for d in divisions if gazetteer().within(d, inside))
        if divisions:
            candidates.append(Candidate(index, found[0], divisions))
    if names is None:
        candidates = _siblings(candidates)
    members: list[Candidate] = []
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.name in seen:
            continue  # the place's report goes on
        seen.add(candidate.name)
        if candidate.index == start and heading is not None and candidate.name in plain_text(heading.children):
            continue  # its own heading opens it already
        members.append(candidate)
    return members if len(members) >= MIN_SERIES else []


def _listed_name(paragraph: Paragraph, names: list[str]) -> str | None:
    first = paragraph.children[0] if paragraph.children else None
    if not isinstance(first, Text):
        return None
    for name in sorted(names, key=len, reverse=True):
        if first.text.startswith(name) and _opens(first.text[len(name):]):
            return name
    return None


def _siblings(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates whose places share the parent most of them share (one division each). The
    county-level places of one province are siblings too (a chapter on 江苏's 县级市: 江阴市 of
    无锡, 昆山市 of 苏州), as the issue's "counties of one province" asks."""
    votes: dict[str, set[str]] = {}
    first: dict[str, int] = {}
    for candidate in candidates:
        for division in candidate.divisions:
            for group in _groups_of(division):
                votes.setdefault(group, set()).add(candidate.name)
                first.setdefault(group, candidate.index)
    if not votes:
        return []
    parent = max(votes, key=lambda code: (len(votes[code]), code.startswith("province:"), -first[code]))
    if len(votes[parent]) < MIN_SERIES:
        return []
    return [replace(c, divisions=tuple(d for d in c.divisions if parent in _groups_of(d)))
            for c in candidates if any(parent in _groups_of(d) for d in c.divisions)]


def _groups_of(division: Division) -> tuple[str, ...]:
    """The groups a place may make a series in: its parent's children, and for a county-level
    place also the county-level places of its province."""
    if division.level < 3:
        return (division.parent,)
    chain = gazetteer().ancestors(division)
    return (division.parent, f"province:{chain[-1]}") if len(chain) > 1 else (division.parent,)


def _level(heading: Heading | None, following: Heading | None, right_under: bool, top: int) -> int | None:
    """The level of the series' sections, or None when no level keeps every later heading's parent."""
    if heading is not None and (right_under or (following is not None and following.level == heading.level)):
        level = heading.level + 1  # the heading's content
    else:
        level = top  # closes the heading: a top section of the chapter
        if heading is not None and following is not None and following.level > level:
            level = following.level
        if heading is not None and level > heading.level + 1:
            return None
    if following is not None and following.level > level:
        return None  # the next heading would move under the last recovered section
    return level


def _parent_name(members: list[Candidate], names: list[str] | None) -> str:
    """How the findings call the series: `divisions of 上海市`, or `names in section_names`."""
    if names is not None:
        return "names in section_names"
    parent = members[0].divisions[0].parent
    if not all(d.parent == parent for m in members for d in m.divisions):
        parent = _groups_of(members[0].divisions[0])[-1].removeprefix("province:")
    division = gazetteer().by_code.get(parent)
    return f"divisions of {division.name}" if division else "provinces"

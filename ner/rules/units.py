"""What a unit's name means in its document: the fullest name, the place it sits in.

News shortens units it has named before or that belong to its own city: 我市/市委 stand for the home
city, 县委 for the county last named, 该院/本局 for the unit last named with that head, a bare 公安局
or 街道 for the one named before. A unit sits in the most specific county or city its name starts
with, else in the article's home city; national bodies and province-level units sit in no city.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

import jieba

from zhkg.ner.places.homecity import CITY_OFFICES
from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import unit_ending_at
from zhkg.ner.vocabulary import MAX_PLACE_CHARS, Division, Gazetteer, Lexicons, load_gazetteer, load_org_kinds

MAX_SUFFIX = 8
MAX_FORMER_WORD = 4  # a dictionary word this long opening a unit with 原 (原住民) is the name's, no status
# An institution named with its own party committee (中共哈尔滨工程大学委员会) or in the headline is the
# article's own more surely than one it mentions (习近平总书记在清华大学考察).
INSTITUTION_WEIGHT = 3
# A short name defined in brackets after a unit: （以下简称“公司”）, (下称「市局」或「本局」).
_QUOTED = r"[“\"「『]\s*([^”\"」』]{1,12}?)\s*[”\"」』]"
_ALIAS = re.compile(r"[（(]\s*(?:" + "|".join(map(re.escape, grammar.ALIAS_MARKERS)) + r")[：:]?\s*"
                    r"((?:" + _QUOTED + r"\s*[或、，," + "".join(grammar.CONJUNCTIONS) + r"]?\s*)+)[）)]")


@dataclass
class DocContext:
    """What the rules need to know about the whole document to resolve a unit."""

    text: str
    home: Division | None
    places: list[tuple[int, int, Division]]   # (start, end, division), sorted
    gaz: Gazetteer
    issuer: str | None = None   # the unit that issued the document, when the user named it (--issuer)
    units: list[tuple[int, str]] = field(default_factory=list)   # (offset, resolved unit) seen so far
    _most_named_cache: dict[str, str | None] = field(default_factory=dict)
    _aliases: list[tuple[int, str, str]] | None = None

    def place_before(self, pos: int, suffixes: tuple[str, ...]) -> Division | None:
        i = bisect_left(self.places, (pos,))
        for start, end, div in reversed(self.places[:i]):
            if div.name.endswith(suffixes) and div.level in ("county", "prefecture") \
                    and (self.text[start:end].endswith(suffixes) or div == self.home):
                return div  # 区委 is the 区 written as one (卫滨区), not a short name read as one (新华|院区)
        return None

    def town_before(self, pos: int, level: str) -> str | None:
        """The last town (镇, 乡) named before `pos`, as written in full."""
        i = bisect_left(self.places, (pos,))
        for _, _, div in reversed(self.places[:i]):
            if div.level == "town" and div.name.endswith(level):
                return div.name
        return None

    def place_headed_by(self, role: str, pos: int) -> str | None:
        """县长 or 副市长 with no unit written: the place written right before it (嘉义市长), the home city
        (or the city of the home county), else the county last named."""
        level = grammar.head_of(grammar.without_head_prefixes(role))
        if level and level in grammar.PROVINCE_CHAR:
            return self._province_before(pos)
        if not level or level not in grammar.CITY_COUNTY_CHARS:
            return None
        i = bisect_left(self.places, (pos,))
        if i > 0 and self.places[i - 1][1] in (pos, pos + 1) and self.places[i - 1][2].name.endswith(level):
            return self.places[i - 1][2].name  # 嘉义市长: the place written right before (or into) the title
        city_char = grammar.CITY_CHAR
        if level == city_char and self.home is not None:
            city = self.home if self.home.name.endswith(city_char) else self.gaz.city_of(self.home)
            if city is not None and city.name.endswith(city_char):
                return city.name  # an article about 将军区 of 台南市: 市长 is 台南市's
        place = self.place_before(pos, (level,))
        return place.name if place else None

    def _province_before(self, pos: int) -> str | None:
        """副省长 with no province written: the province last named before it, as written in full (辽宁省),
        else the home city's province; a Taiwanese or Malaysian article names no 省 of the mainland."""
        i = bisect_left(self.places, (pos,))
        for _, _, div in reversed(self.places[:i]):
            if div.level == "province" and div.name.endswith(grammar.PROVINCE_CHAR):
                return div.name
        home = self.gaz.province_of(self.home) if self.home is not None else None
        return home.name if home is not None and home.name.endswith(grammar.PROVINCE_CHAR) else None

    def institution(self, head: str, lex: Lexicons) -> str | None:
        """The university, school, hospital or court the article is from, for 校党委, 我校, 院纪委: the
        institution of that kind named most often (its own organs and the headline weigh more), inside
        longer names too (中共哈尔滨工程大学委员会); None on a tie or when none is named."""
        kinds = grammar.INSTITUTION_KINDS.get(head)
        if not kinds:
            return None
        return self._most_named(head, kinds, lex, head)

    def own_unit(self, head: str, lex: Lexicons) -> str | None:
        """本局, 我院, 本府: the speaker's own unit with that head. The issuer a user named (`--issuer`)
        when it has that head; for 府 the government of the home city; else the unit of that head the
        article names most (the headline weighs more), never merely the last named (a police release
        names other bureaus its officers come from)."""
        if self.issuer and self.issuer.endswith(head):
            return self.issuer
        if head == grammar.GOVERNMENT[-1:]:
            return self.home.name + grammar.GOVERNMENT if self.home is not None else None
        return self._most_named(f"own {head}", (re.escape(head),), lex, head)

    def main_unit(self) -> str | None:
        """The unit the article names most (at least twice, its party organs counted as it), None on a
        tie: whose 党组 a bare 党组 is."""
        counts = Counter(_strip_party_organ(u) for _, u in self.units if u not in grammar.PARTY_ORGANS)
        ranked = counts.most_common(2)
        if not ranked or ranked[0][1] < 2 or len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    def society(self, lex: Lexicons) -> str | None:
        """The association the article is about (商会, 同乡会, 体育总会): the one named most often, the
        headline weighing more, and named at least twice or in the headline; None on a tie."""
        return self._most_named("", grammar.SOCIETY_ENDINGS, lex, "", least=INSTITUTION_WEIGHT - 1)

    def society_for(self, role: str, pos: int, lex: Lexicons) -> str | None:
        """会长李某, 理事长王某 with no unit written: the association the article is about (a society's
        titles are held in a society, and an article listing its officers is that society's)."""
        if role in grammar.SHARED_SOCIETY_TITLES and any(w in self.text for w in CITY_OFFICES):
            return None  # 副秘书长王某 in a release where 市府 speaks: the city's, not a guests' association's
        return self.society(lex) if role in grammar.SOCIETY_TITLES else None

    def _most_named(self, key: str, kinds: tuple[str, ...], lex: Lexicons, head: str, least: int = 1) -> str | None:
        """The unit ending with one of `kinds` the article names most (its own organs and the headline
        weigh more), named at least `least` times; None on a tie. Cached under `key`: the institution,
        the association and the speaker's own unit are each counted once per document."""
        if key not in self._most_named_cache:
            counts: Counter[str] = Counter()
            for m in re.finditer("|".join(kinds), self.text):
                span = unit_ending_at(self.text, m.end(), lex)
                if span and span[1] - span[0] > len(m.group()) + 1:
                    name = self.text[span[0]:span[1]]
                    for prefix in grammar.STATE_PREFIXES:
                        name = name.removeprefix(prefix)
                    if len(name) > len(m.group()) + 1 and not (head and name.startswith(head)) \
                            and not grammar.ANAPHOR.match(name) and not name[:-len(m.group())].endswith(grammar.BRANCH):
                        own = self.text.startswith(grammar.INSTITUTION_ORGANS + (grammar.OWN_COMMITTEE,), m.end())
                        headline = "\n" not in self.text[:m.start()].strip()
                        counts[name] += INSTITUTION_WEIGHT if own or headline else 1
            ranked = counts.most_common(2)
            tie = len(ranked) == 2 and ranked[0][1] == ranked[1][1]
            self._most_named_cache[key] = ranked[0][0] if ranked and not tie and ranked[0][1] >= least else None
        return self._most_named_cache[key]

    def aliases(self, lex: Lexicons) -> list[tuple[int, str, str]]:
        """(offset, short name, unit) for each short name the document defines for a unit it names
        (渤海轮渡集团股份有限公司（以下简称“公司”）): from `offset` on, the short name is that unit."""
        if self._aliases is None:
            found = []
            for m in _ALIAS.finditer(self.text):
                span = unit_ending_at(self.text, m.start(), lex)
                if not span:
                    continue
                unit = self.text[span[0]:span[1]]
                for q in re.finditer(_QUOTED, m.group(1)):
                    if 1 < len(q.group(1)) < len(unit):
                        found.append((m.end(), q.group(1), unit))
            self._aliases = sorted(found, key=lambda a: (-len(a[1]), a[0]))
        return self._aliases

    def expand_alias(self, unit: str, pos: int, lex: Lexicons) -> str | None:
        """`unit` with a short name defined before `pos` written out (公司董事会 → 渤海轮渡集团股份有限公司
        董事会); only a short name that is a whole word of `unit`, so 中心 never expands 中心医院."""
        for offset, alias, full in self.aliases(lex):
            if offset <= pos and unit.startswith(alias) and _starts_with_word(unit, alias):
                return full + unit[len(alias):]
        return None

    def company_for(self, role: str, pos: int, lex: Lexicons) -> str | None:
        """董事长李某 with no unit written, in an announcement that defined a short name for one company
        before: that company (a board title is held in a company, and the company defined is the issuer)."""
        if role not in grammar.BOARD_TITLES:
            return None
        companies = {full for offset, _, full in self.aliases(lex) if offset <= pos and _is_company(full)}
        return companies.pop() if len(companies) == 1 else None

    def unit_headed_by(self, role: str, pos: int, lex: Lexicons) -> str | None:
        """卸任局长廖宗山 with no unit written: the head of the one unit with that head (局) the article
        named before; for the head (局长, 院长) and its deputies (副院长), not other titles."""
        head = grammar.head_of(grammar.without_head_prefixes(role))
        if head not in lex.org_suffix_set or head in grammar.DIVISION_CHARS:
            return None
        named = {unit[:unit.rindex(head) + 1] for offset, unit in self.units
                 if offset < pos and head in unit and not unit.startswith(head)}
        return named.pop() if len(named) == 1 else None  # with two bureaus named, which one is unsaid

    def unit_before(self, pos: int, head: str) -> str | None:
        """The nearest earlier unit name, cut just after its last `head` (街道 → 振兴区临江街道)."""
        earlier = [(offset, unit) for offset, unit in self.units
                   if offset < pos and head in unit and not unit.startswith(head)
                   and not any(j in unit for j in grammar.CONJUNCTIONS)]  # 工学院暨管理学院 is two units, not one
        if not earlier:
            return None
        unit = max(earlier, key=lambda ou: ou[0])[1]
        return unit[:unit.rindex(head) + len(head)]


def is_state(name: str) -> bool:
    """A state, as Malaysia's Chinese press writes it between a party and its title (行动党|柔州|主席) or into
    a title (柔佛州|务大臣): a province-level division outside the mainland, Taiwan, Hong Kong and Macau."""
    return any(d.level == "province" and d.key[:2] not in ("TW", "HK", "MO") and not d.key[:1].isdigit()
               for d in load_gazetteer().lookup(name))


def leading_words(unit: str) -> int:
    """How many characters before a unit's name are words no name starts with, which a span read into it
    (随后|学校, 经|教育局, 并在|市委): the words of `unit_lead_word`, as jieba cuts them; 0 when what would
    remain is under two characters, and for a name that starts with a place (向塘镇, 对江镇)."""
    if any(unit[:n] in load_gazetteer() for n in range(2, min(len(unit), MAX_PLACE_CHARS) + 1)):
        return 0
    cut = 0
    for w in jieba.lcut(unit, HMM=False):
        if (w in grammar.UNIT_LEAD_WORDS or w in grammar.OCCASION_WORDS) and len(unit) - cut - len(w) >= 2:
            cut += len(w)
        else:
            break
    return cut


def _starts_with_word(unit: str, alias: str) -> bool:
    """jieba cuts `unit` right after `alias` (公司|董事会, not 中心医|院)."""
    end = 0
    for word in jieba.lcut(unit, HMM=False):
        end += len(word)
        if end >= len(alias):
            return end == len(alias)
    return False


def _is_company(unit: str) -> bool:
    return unit.endswith(_company_suffixes())


@lru_cache(maxsize=1)
def _company_suffixes() -> tuple[str, ...]:
    """The unit endings that name a company (`org_kinds.tsv`)."""
    return tuple(suffix for suffix, kind in load_org_kinds().items() if kind == "company")


def resolve_unit(unit: str, pos: int, ctx: DocContext, lex: Lexicons) -> str:
    """`unit` as its document means it (see the module's docstring); "" for 本市 where the article's city
    is unknown."""
    unit = unit[leading_words(unit):]  # 经|教育局 as the model tagged it: the units named before stay clean
    aliased = ctx.expand_alias(unit, pos, lex)
    if aliased:
        return aliased
    home = ctx.home.name if ctx.home else None
    if unit in grammar.HOME_PREFIXES and home is None:
        return ""  # 本市 in an article whose city is unknown: no unit anyone could read
    city_char = grammar.CITY_CHAR
    for prefix in grammar.HOME_PREFIXES:
        if unit.startswith(prefix) and home:
            level = prefix[-1]
            if level == city_char or not home.endswith(city_char):
                return home + unit[len(prefix):]
    inst = _institution_unit(unit, ctx, lex) or _society_organ(unit, ctx, lex)
    if inst:
        return inst
    if len(unit) == 3 and unit.endswith(grammar.HEADQUARTERS) and unit[0] in lex.org_suffix_set:
        own = ctx.own_unit(unit[0], lex)
        if own:
            return own  # 局本部 in a bureau's release: the bureau's own headquarters, i.e. the bureau
    m = grammar.ANAPHOR.match(unit)
    own = ctx.own_unit(m.group(2), lex) if m and m.group(1) in grammar.SELF_DETERMINERS else None
    if own:
        return own + unit[m.end():]
    if m:
        earlier = ctx.unit_before(pos, m.group(2))
        return earlier + unit[m.end():] if earlier else unit[m.end() - len(m.group(2)):]
    if unit[0] == city_char and home and home.endswith(city_char):
        return home + unit[1:]
    if unit[0] == city_char and home is None and len(unit) > 1:
        city = ctx.place_before(pos, (city_char,))
        if city is not None:
            return city.name + unit[1:]  # 担任萍乡市市长、市委书记: with no home city, the city just named
    if unit[0] in grammar.COUNTY_CHARS:
        county = ctx.place_before(pos, (unit[0],))
        if county:
            return county.name + unit[1:]
    if unit[0] in grammar.PREFECTURE_ABBREVIATIONS and len(unit) > 2:
        prefecture = ctx.place_before(pos, (grammar.PREFECTURE_ABBREVIATIONS[unit[0]],))
        if prefecture:
            return prefecture.name + unit[1:]  # 州应急管理局 after 海南藏族自治州: that prefecture's
    if unit[0] in grammar.TOWN_CHARS:
        town = ctx.town_before(pos, unit[0])
        if town:
            return town + unit[1:]  # 镇党委 in a town's news: the town last named
    if unit in grammar.ANY_DIVISION_CHARS:
        return ""  # 、镇|主任科员 with no town named before: no unit anyone could read
    head = next((unit[:n] for n in range(min(len(unit), MAX_SUFFIX), 1, -1) if unit[:n] in lex.org_suffix_set), None)
    if head:
        earlier = ctx.unit_before(pos, head)
        if earlier:
            return earlier + unit[len(head):]
    return _own_organ(unit, ctx) or unit  # 党组 of no unit named before: the article's main unit's


def _institution_unit(unit: str, ctx: DocContext, lex: Lexicons) -> str | None:
    """校党委副书记 in a university's news: 校 stands for the university (哈尔滨工程大学党委), as 院 does
    for a hospital or court; 我校/本校/学校 too."""
    m = grammar.INSTITUTION_ANAPHOR.match(unit)
    if not m:
        return None
    rest = unit[m.end():]
    if rest and not rest.startswith(grammar.INSTITUTION_ORGANS):
        return None
    inst = ctx.institution(m.group(2)[-1], lex)
    return inst + rest if inst else None


def _local_branch_city(unit: str, ctx: DocContext) -> Division | None:
    """A national body's local branch sits where its name says (中国农业发展银行辽宁省营口市分行 → 营口市;
    国家税务总局某市税务局): the first full division name inside the name starts the chain of places;
    a province's branch, or none named, sits in no city."""
    for i in range(2, len(unit) - 2):
        if any(ctx.gaz.is_full_name(unit[i:i + n]) for n in range(min(MAX_PLACE_CHARS, len(unit) - i), 2, -1)
               if unit[i:i + n] in ctx.gaz):
            return city_of_unit(unit[i:], replace(ctx, home=None))
    return None


def _own_organ(unit: str, ctx: DocContext) -> str | None:
    """党组, 党委 written alone (党组书记、院长某某): the organ of the unit the article is about."""
    if unit not in grammar.OWN_ORGANS:
        return None
    main = ctx.main_unit()
    return main + unit if main else None


def _society_organ(unit: str, ctx: DocContext, lex: Lexicons) -> str | None:
    """理事会, 第四届理事会, 秘书处 written alone in an association's news: that association's organ."""
    organ = grammar.ORDINAL_TERM.sub("", unit)
    if organ not in grammar.SOCIETY_ORGANS:
        return None
    society = ctx.society(lex)
    return society + unit if society else None


def city_of_unit(unit: str | None, ctx: DocContext) -> Division | None:
    """The city or county where a unit sits: the most specific county or city in the chain of places
    its name starts with (长治市潞州区… → 潞州区), else the article's home city.

    National bodies (中央纪委, 国家监委, 全国总工会, 国务院) sit in no city."""
    if unit and unit.startswith(grammar.NATIONAL_PREFIXES):
        return _local_branch_city(unit, ctx)
    if unit and unit.startswith(grammar.COUNTRIES):
        return None  # 南非, 法国欧洲和外交部: a foreign state's body sits in no city of the gazetteer
    if unit and unit.startswith(grammar.NATIONAL_SOCIETY_PREFIXES) and unit.endswith(grammar.SOCIETY_ENDINGS):
        return None  # 中华民国保护动物协会: a national association
    public = next((p for p in grammar.PUBLIC_PREFIXES if unit and unit.startswith(p) and len(unit) > len(p) + 1), "")
    if public:
        rest = unit[len(public):]
        city = city_of_unit(rest, ctx)  # 国立|高雄师范大学: the place after the prefix
        return None if city is not None and city == ctx.home and _opens_elsewhere(rest, ctx) else city
    best, anchor, unpinned = None, None, False
    i = 0
    bounds = set()
    for word in jieba.lcut(unit or ""):
        bounds.add(i)
        i += len(word)
    bounds.add(i)
    i = 0
    while unit and i < len(unit):
        name = next((unit[i:i + n] for n in range(min(MAX_PLACE_CHARS, len(unit) - i), 1, -1) if unit[i:i + n] in ctx.gaz
                     and (ctx.gaz.is_full_name(unit[i:i + n]) or i + n in bounds)), None)
        if name is None:
            break
        i += len(name)
        if anchor is not None:
            inside = [d for d in ctx.gaz.lookup(name) if anchor.key in d.path and d.key != anchor.key]
            if not inside or inside[0].level == "town" and anchor.level != "county" and not ctx.gaz.is_full_name(name):
                break  # 江苏省淮海剧团: a town's short form names the town only right after its county
            div = inside[0]
        else:
            div = ctx.gaz.resolve(name, [d for _, _, d in ctx.places])
            if div is not None and _unanchored_town(name, div, ctx):
                break  # 朱湖农场社区: a town's short name means that town only where its county is named
            if div is not None and ctx.home is not None and _region(div) != _region(ctx.home) \
                    and not ctx.gaz.is_full_name(name):
                break  # 吉安医疗社团法人 in Taiwanese news: a short name across the strait is not that county
        if div is not None and _brand(name, div, unit, ctx):
            break  # 陕西省长安银行, 中原信托: a district's short name in a firm's name is a brand, not where it sits
        if div is None:
            unpinned = anchor is None and _elsewhere(name, ctx)
            continue
        anchor = div
        if div.level == "town":
            div = ctx.gaz.county_of(div) or ctx.gaz.city_of(div)
        elif div.level == "province":
            div = ctx.gaz.city_of(div)
        if div is not None and (best is None or div.rank >= best.rank):
            best = div
    if best is None and (anchor is not None or unpinned):
        return None  # a province-level unit (湖北省政府) sits in no city; 国立|嘉义|大学 in Tainan's news: not Tainan
    return best or _city_inside(unit or "", bounds, ctx) or ctx.home


def _city_inside(unit: str, bounds: set[int], ctx: DocContext) -> Division | None:
    """实践大学|高雄|校区, 万达集团|大连|分公司: a unit that opens with no place but names a city inside, as a
    word of its own, sits in that city (of the home city's region, where the article has one)."""
    for i in range(1, len(unit) - 1):
        for n in range(min(MAX_PLACE_CHARS, len(unit) - i), 1, -1):
            name = unit[i:i + n]
            if name not in ctx.gaz or not (ctx.gaz.is_full_name(name) or i in bounds and i + n in bounds):
                continue
            cities = [d for d in ctx.gaz.lookup(name) if d.level == "prefecture"
                      and (ctx.home is None or _region(d) == _region(ctx.home))]
            if len(cities) == 1:
                return cities[0]
    return None


def _opens_elsewhere(rest: str, ctx: DocContext) -> bool:
    """国立|中山|大学, 国立|台湾|艺术大学 in Tainan's news: what follows the prefix opens with a province's,
    city's or county's name none of which lies in the home city, so the home city is no answer
    (国立|成功|大学 names no place, and stays)."""
    home = ctx.home
    for n in range(min(MAX_PLACE_CHARS, len(rest) - 1), 1, -1):
        divs = [d for d in ctx.gaz.lookup(rest[:n]) if d.level in ("province", "prefecture", "county")]
        if divs:
            return home is not None and not any(home.key in d.path and d.key != d.path[0] for d in divs)
    return False


def _elsewhere(name: str, ctx: DocContext) -> bool:
    """A place name the unit carries that could be a city or county of the home city's own region other
    than the home (嘉义 of 国立嘉义大学 in Tainan's news: 嘉义市 or 嘉义县, neither Tainan): the unit is not
    placed at home (龙山国小 names no county of Taiwan, and stays Tainan's)."""
    home = ctx.home
    return home is not None and any(
        d.level in ("prefecture", "county") and _region(d) == _region(home) and home.key not in d.path
        for d in ctx.gaz.lookup(name))


def _brand(name: str, div: Division, unit: str, ctx: DocContext) -> bool:
    """A city district's short name (长安 of 长安区) in a bank's or a financial firm's name: these take old
    names and regions as brands (长安银行 sits in 西安), where a county-level city's name (昆山农商银行)
    or a hotel's district (归仁饭店) is where the firm is."""
    return div.level == "county" and div.name.endswith(grammar.DISTRICT_CHAR) and not ctx.gaz.is_full_name(name) \
        and any(w in unit for w in grammar.FINANCE_WORDS)


def _region(div: Division) -> str:
    """Mainland, Taiwan, Hong Kong or Macau: short place names are read within one of them."""
    return div.key[:2] if div.key[:2] in ("TW", "HK", "MO") else "CN"


def _unanchored_town(name: str, div: Division, ctx: DocContext) -> bool:
    if div.level != "town" or ctx.gaz.is_full_name(name):
        return False
    named = {d.key for _, _, d in ctx.places} | ({ctx.home.key} if ctx.home else set())
    return not named.intersection(div.path[:-1])


def strip_status(unit: str, lex: Lexicons) -> tuple[str, bool]:
    """贵州省政协原党组 → 贵州省政协党组, former: the marker stands inside the unit's name or at its end."""
    gaz = load_gazetteer()
    former, markers = grammar.FORMER_IN_NAME, grammar.STATUS_MARKERS
    if unit.startswith(former) and len(unit) > 3 and unit[1:3] not in gaz and not unit.startswith(grammar.FORMER_LOOKALIKES) \
            and not any(jieba.dt.FREQ.get(unit[:n]) for n in range(2, MAX_FORMER_WORD + 1)):
        return unit[1:], True  # 原中国银行业监督管理委员会: the body itself is former (原住民族… is a name)
    if unit.startswith(grammar.BEFORE_MARKER) and any(unit[1:1 + n] in gaz for n in range(2, 5)) \
            and not any(gaz.is_full_name(unit[:n]) for n in range(2, 6)):
        return unit[1:], True  # 县市合并|前|西港乡: a division as it was before (前郭县 is a name: 郭尔… is no place)
    if unit[-1:] in markers and len(unit) > 3 and lex.ends_like_unit(unit[:-1]):
        return unit[:-1], True  # 吉水县委|原|书记: the marker written between the unit and its title
    for i in range(2, len(unit) - 1):
        before_organ = unit[i + 1:].startswith(grammar.PARTY_ORGANS)  # 评估督导司原党支部
        if unit[i] == former and (lex.ends_like_unit(unit[:i]) or before_organ) \
                and not jieba.dt.FREQ.get(unit[i - 1:i + 1]) and not any(unit[i:i + n] in gaz for n in (2, 3, 4)):
            return unit[:i] + unit[i + 1:], True
    return unit, False


def head_title(core: str, lex: Lexicons) -> bool:
    """局长, 处长, 乡长: the head of the unit the character names, which the unit must end with."""
    head = grammar.head_of(core)
    return head != "" and (head in lex.org_suffix_set or head in grammar.DIVISION_CHARS + grammar.BANNER_CHARS)


def department_of(committee: str, unit: str) -> bool:
    """市委常委、宣传部部长 (政法委书记): a bare department after a party committee is that committee's."""
    return committee.endswith(grammar.COMMITTEE_ENDING) \
        and unit.endswith((grammar.DEPARTMENT_ENDING, *grammar.COMMITTEE_DEPARTMENTS)) \
        and unit[0] not in grammar.COMMITTEE_LEVEL_CHARS and load_gazetteer().lookup(unit[:2]) == []


def unit_for_title(unit: str, role: str, lex: Lexicons) -> str:
    """The unit a coordinated title shares: 县委书记、县长 → 县长 of the county, not of 县委;
    党支部书记、主任 → 主任 of the community, not of its party branch."""
    head = grammar.without_head_prefixes(role)
    if head_title(head, lex) and head[0] in unit[:-1]:
        # 金凤区区委书记、区长 → 金凤区: the 区 of the district, not of its 区委 (县委常委、副县长 too)
        cut = max((i for i, ch in enumerate(unit[:-1])
                   if ch == head[0] and not (unit[i + 1] == grammar.COMMITTEE_ENDING and i > 0 and unit[i - 1] == ch)),
                  default=-1)
        if cut >= 0:
            return unit[:cut + 1]
    return unit if role in grammar.PARTY_ROLES else _strip_party_organ(unit)


def _strip_party_organ(unit: str) -> str:
    for organ in grammar.PARTY_ORGANS:
        if unit.endswith(organ) and len(unit) > len(organ) + 1:
            return unit[: -len(organ)]
    return unit

"""The grammar of Chinese news prose that the relation rules lean on, in the shapes the rules use.

Only closed grammar is written here: punctuation, separators, jieba's tags and the shapes of the
patterns. The words (the verbs that introduce a post, the markers of time, the anaphors that point
back to a unit, honorifics, ranks, bylines …) are data in `ner/data/words/*.tsv`, whose headers say
what each class is for; `zhkg.ner.words` reads them once. Each constant keeps the name, type and
order the rules have always used. What the graph reads too (national titles, not-posts) comes from
`zhkg.ner.vocabulary`, the module both stages share.
"""

from __future__ import annotations

import re

from zhkg.ner import vocabulary, words

_HAN = r"\u4e00-\u9fff"


def _either(alternatives: tuple[str, ...]) -> str:
    return "|".join(alternatives)


# --- punctuation, separators, tags
# Punctuation that ends a clause; `、` is kept apart because it joins coordinated titles and names.
CLAUSE_PUNCT = set("，,。．.；;：:！!？?\n\r\t“”\"‘’'「」『』《》〈〉【】[]（）()—…·|/\\")
LIST_SEP = "、"
PAUSES = frozenset("、，,；;：:")  # what parts a clause into items
SENTENCE_END = re.compile(r"[。！？!?\n]+")
# Joins two posts of one person (局长兼书记).
CONCURRENT = "兼"
# Quotation marks that set off a name inside a post (基金会「杜某某」执行长).
NAME_QUOTES = {"「": "」", "“": "”", "『": "』"}
# jieba part-of-speech flags that never occur inside an organization name.
# Verbs of speech that follow a name directly (某某|表示): what stands before them is the whole name.
SPEECH = ("说", "表示", "介绍", "告诉", "坦言", "感慨", "回忆")
STOP_FLAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "r", "y", "e", "o", "x",
                        "t", "zg", "f", "i", "k"})

# --- divisions: the characters that end a division's name, by the levels the rules tell apart
DIVISION_CHARS = words.division_endings("province", "city", "county", "district", "town", "village")
ANY_DIVISION_CHARS = DIVISION_CHARS + words.division_endings("ward", "banner")
CITY_COUNTY_CHARS = words.division_endings("city", "county", "district")
COUNTY_CHARS = words.division_endings("county", "district")
TOWN_CHARS = words.division_endings("town")
COMMITTEE_LEVEL_CHARS = words.division_endings("province", "city", "county", "district")
BANNER_CHARS = words.division_endings("banner")
CITY_CHAR = words.division_endings("city")
PROVINCE_CHAR = words.division_endings("province")
DISTRICT_CHAR = words.division_endings("district")
FINANCE_WORDS = words.words("finance_word")
VILLAGE_WARD = tuple(words.division_endings("ward"))

# --- posts (posts.tsv)
POST_VERBS = words.words("post_verb")
POST_ENDING_VERBS = words.words("post_ending_verb")
STATUS_MARKERS = "".join(words.words("status_marker"))
FORMER_IN_NAME = words.word("former_in_name")
BEFORE_MARKER = "前"  # 前西港乡: the division before a merger, a former post
POST_ELECT = words.values("post_elect")
STATUS_OF = {w: status for cls in ("post_verb", "status_marker", "post_ending_verb")
             for w, status in words.values(cls).items() if status}
POST_ENDED = words.words("post_ended")
POSTS_CLOSING = words.words("posts_closing")
POST_WORDS = words.words("post_word")
POST_PERIOD = words.words("post_period")
ACTING_VERBS = words.words("acting_verb")
ACTING_DUTIES = words.words("acting_duty")
ACTING_PREFIXES = words.words("acting_prefix")
ROSTER_OPENERS = words.words("roster_opener")
NOTICE_VERBS = words.words("notice_verb")
REMOVAL_VERBS = words.words("removal_verb")
POSSESSIVE = words.word("possessive")
OBJECT_PRONOUN = words.word("object_pronoun")
SOCIETY_TITLES = frozenset(words.words("society_title"))
SHARED_SOCIETY_TITLES = frozenset(words.with_value("society_title", "shared"))
SOCIETY_ENDINGS = words.words("society_ending")
NATIONAL_SOCIETY_PREFIXES = words.words("national_society_prefix")
SOCIETY_ORGANS = frozenset(words.words("society_organ"))
POST_COPULA = words.word("post_copula")
COMRADE = words.word("comrade")
SUBJECT_COUNT = words.word("subject_count")
# Measure words that count people (5位|专业评选委员, 三名|副会长): what follows a count is no unit.
PEOPLE_MEASURES = frozenset("名位个")
# A unit's own headquarters (局本部): the unit itself, as 本局 is.
HEADQUARTERS = "本部"
TITLE_MODIFIERS = frozenset(words.words("title_modifier"))
KEPT_MODIFIERS = frozenset(words.with_value("title_modifier", "kept"))
RANK_PREFIXES = frozenset(words.words("rank_prefix"))
HEAD_TITLE_ENDING = words.word("head_title_ending")
_HEAD_TITLE_PREFIXES = words.values("head_title_prefix")
OCCASION_WORDS = frozenset(words.words("occasion_word"))
PREFECTURE_ABBREVIATIONS = words.values("prefecture_abbreviation")
FORMER_LOOKALIKES = words.words("former_lookalike")
DEPUTY_PREFIXES = tuple(p for p, kind in _HEAD_TITLE_PREFIXES.items() if kind == "deputy")
MEMBER_TITLE = words.word("member_title")
UNIT_HEAD_TITLES = frozenset(words.words("unit_head_title"))
NOT_POSTS = vocabulary.NOT_POSTS
LIST_INTRODUCERS = words.words("list_introducer")
UNIT_BOUND_ROLES = frozenset(words.words("unit_bound_role"))
UNIT_FREE_TITLES = words.words("unit_free_title")
NATIONAL_TITLES = vocabulary.NATIONAL_TITLES
SINGULAR_HEADS = words.words("singular_head")
PARTY_ROLES = frozenset(words.words("party_role"))
HONORIFICS = words.words("honorific")
HONORIFIC_AFTER = words.words("honorific_after")
LINE_ROSTER_HONORIFICS = (*words.words("roster_honorific"), *HONORIFIC_AFTER)
RANKS = words.words("rank")
KEPT_OCCUPATIONS = words.with_value("occupation_ending", "kept")
OCCUPATION_ENDINGS = tuple(w for w in words.words("occupation_ending") if w not in KEPT_OCCUPATIONS)

# What a title's first characters are when they are no unit's short name (副|局长, 常务|副局长, 原|局长,
# 代理|局长, 新任|局长): the abbreviated-title reading (`facts.abbreviated_unit`) never starts with them.
NOT_ABBREVIATION_STARTS = (*RANK_PREFIXES, *words.words("head_title_prefix"), *STATUS_MARKERS, *ACTING_PREFIXES,
                           *POST_VERBS, *POST_ENDING_VERBS, *TITLE_MODIFIERS)
# The head of a team, not of a unit (值班组长, 专案组长): what is written before it is part of the title.
TEAM_TITLES = frozenset(words.words("team_title"))
# Ranks and honours written between titles and a name (二级大法官, 拿督): no post, no part of the name;
# longest first. Those of `honour_before_name` stand only before a name.
HONOUR_RANKS = tuple(sorted(words.words("honour_rank"), key=len, reverse=True))
RANKS_BEFORE_NAME = tuple(sorted(set(HONOUR_RANKS) | set(RANKS), key=len, reverse=True))  # 队长|上校|某某
HONOUR_BEFORE_NAME = re.compile("|".join(sorted(words.words("honour_before_name"), key=len, reverse=True)))
# A title only one national body has, and the names that body goes by: implied_unit.
IMPLIED_UNITS = words.values("implied_unit")

# --- units (units.tsv)
NATIONAL_PREFIXES = words.words("national_prefix")
COUNTRIES = tuple(sorted(words.words("country"), key=len, reverse=True))
STATE_PREFIXES = NATIONAL_PREFIXES + words.words("party_prefix")
HOME_PREFIXES = words.words("home_prefix")
COMMITTEES = frozenset(words.words("committee"))
COMMITTEE_ENDING = words.word("committee_ending")
DEPARTMENT_ENDING = words.word("department_ending")
COMMITTEE_DEPARTMENTS = words.words("committee_department")
PARTY_ORGANS = words.words("party_organ")
DEPARTMENT_HEADS = frozenset(words.chars("department_head_chars"))
SCHOOL_ENDINGS = words.words("school_ending")
ALIAS_MARKERS = words.words("alias_marker")
BOARD_TITLES = frozenset(words.words("board_title"))
SELF_DETERMINERS = words.with_value("anaphor_determiner", "self")
GOVERNMENT = words.word("government_of_place")
BRANCH = words.word("branch_prefix")
ANAPHOR = re.compile(f"({_either(words.words('anaphor_determiner'))})({_either(words.words('anaphor_head'))})")
INSTITUTION_ANAPHOR = re.compile(f"^({_either(words.words('institution_determiner'))})?"
                                 f"({_either(words.words('institution_head'))})")
INSTITUTION_KINDS = {head: words.words(f"{kind}_kind") for head, kind in words.values("institution_head").items()
                     if kind}
INSTITUTION_ORGANS = words.words("institution_organ")
OWN_COMMITTEE = words.word("own_committee")
LIGHT_VERBS = frozenset(words.chars("light_verb_chars"))
# Words that a unit name never runs across: the post verbs and the verbs of reporting.
CHAIN_BREAK = frozenset({CONCURRENT, *(v for v in POST_VERBS if len(v) == 2), *words.words("chain_break"),
                         *POST_ENDING_VERBS})
_AGE_UNITS = words.with_value("age_word", "unit")
_AGE_WORDS = tuple(w for w, kind in words.values("age_word").items() if kind != "unit")
# Age and generation modifiers between a unit and a title: "派出所59岁的民警".
MODIFIER = re.compile(rf"(\d{{1,3}}|[{words.chars('numeral_chars')}]{{1,3}})({_either(_AGE_UNITS)})的?$"
                      rf"|({_either(_AGE_WORDS)})的?$")

UNIT_LEAD_WORDS = frozenset(words.words("unit_lead_word"))
# The member's title of a party organ written after it: …党组|成员 is 党组成员, …党委|委员 is 党委委员.
ORGAN_MEMBER_TITLES = words.values("organ_member_title")
# A party organ that, written alone, is the organ of the unit the article is about (党组书记、院长某某).
OWN_ORGANS = frozenset(words.words("own_organ"))
PUBLIC_PREFIXES = words.words("public_prefix")
# An ordinal (第六, 第1): before a branch's head (第六分局长) it names the branch; with a term's counter
# before an organ (第四届理事会, 第61届董事会) it names the term.
ORDINAL = re.compile(rf"第(?:\d+|[{words.chars('numeral_chars')}]+)")
ORDINAL_TERM = re.compile(rf"^{ORDINAL.pattern}{words.word('term_counter')}")

# --- names and lists (names.tsv)
CONJUNCTIONS = words.chars("conjunction_chars")
# What may stand right before a name written before its title (方一峰议员): punctuation, and the
# conjunctions and verbs that open a list item.
NAME_LEFT = frozenset("、，,。；;：:（(「『“”\" \u3000\t\n")
NAME_LEFT_WORDS = frozenset(CONJUNCTIONS + words.chars("name_opener_chars"))
# What may follow a list item's title: punctuation and the words that close or extend a list.
ITEM_END = frozenset("、，,。；;：:！!？?）)」』”\" \u3000\t\n" + words.chars("item_closer_chars") + CONJUNCTIONS)
# Names that stand for a person without naming one (张某某, 王女士), or that name an award or an event.
ANONYMOUS_NAME = re.compile(rf"{_either(words.words('anonymous_mark'))}|^(?:{_either(words.words('weekday'))})$|^[{_HAN}]"
                            rf"(?:{_either(words.words('address_form'))})$|[{words.chars('award_ending_chars')}]$")
# The opening of a personnel profile (任前公示, 干部简历): `杨某某，男，汉族，…`; the posts of the paragraph
# are this person's.
PROFILE = re.compile(rf"^[ \u3000\t]*([{_HAN}](?:[ \u3000]{{0,2}}[{_HAN}]){{1,3}})[ \u3000]*[，,][ \u3000]*"
                     rf"[{words.chars('sex_chars')}][，,（(]", re.MULTILINE)
# A notice's line that opens with a name and its post (`李某，某集团原党组成员、副总经理，曾任…`).
COMMA_PROFILE = re.compile(r"^[ \u3000\t]*([\u4e00-\u9fff]{2,4})[，,]([^，,。；;：:\n]{3,60})(?=[，,。；;])", re.MULTILINE)

NAME_RUN_STOPS = words.words("name_run_stop")
# The first letters of jieba's tags for function words (pronoun, locative, conjunction, preposition, particle;
# not adverbs or numerals, which given names can be: 赵真真, 沙万里): no given name is one (段|之一).
FUNCTION_FLAGS = frozenset("rfcpu")

# --- credits (credits.tsv)
BYLINE_ROLES = words.words("byline_role")
PHOTO_CREDIT = words.word("photo_credit")
MEDIA_SUFFIXES = words.words("media_suffix")
CONTACT_ROLES = frozenset(words.words("contact_role"))
RELEASE_AUTHORS = frozenset(words.with_value("contact_role", "author"))
RELEASE_AUTHOR = words.with_value("contact_role", "author")[0]  # 发稿人
ISSUER_LABELS = words.words("issuer_label")
HANDLING_LABELS = words.words("handling_label")
CONTACT_PREFIXES = words.words("contact_prefix")
HEADER_LABELS = words.words("header_label")
PAGE_TOOLS = words.words("page_tool")


def head_of(title: str) -> str:
    """局长 → 局, 市长 → 市: the character naming the unit or division whose head the title is; "" for
    any other title. The one spelling of the head-title test; callers say which heads they accept."""
    return title[0] if len(title) == 2 and title[1] == HEAD_TITLE_ENDING else ""


def without_head_prefixes(role: str, deputy: bool = True) -> str:
    """常务副市长 → 市长: the title the head-title test reads; without `deputy` a deputy stays one
    (副局长 heads nothing)."""
    for prefix, kind in _HEAD_TITLE_PREFIXES.items():
        if deputy or kind != "deputy":
            role = role.removeprefix(prefix)
    return role


def without_deputy(role: str) -> str:
    """副主任 → 主任, 常务副市长 → 市长: the principal's title of a deputy's; the title itself otherwise."""
    for prefix, kind in _HEAD_TITLE_PREFIXES.items():
        if kind == "deputy" and prefix in role:
            return role[role.index(prefix) + len(prefix):]
    return role

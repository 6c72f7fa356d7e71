"""Bylines, editor and photo credits, site bylines and release contacts: names written outside sentences.

News pages name their staff in a fixed layout rather than in prose, and each layout is one rule here:
- byline        `记者 郭文治 孟 航`, `本报记者  姜  赟  徐驭尧《人民日报》`, `（责编：李思玥、谢龙）`,
                `（记者 付坤 摄影\n宗琪琪）`; names padded to the width of three (`孟 航`) are joined
- correspondents `郭华平 黄晓平 本报记者 鄢朝晖`: names written before the reporter's credit are 通讯员
- site byline   `中央纪委国家监委网站 陆丽环`: a news site's name and a name alone on a line near the top
- photo         `李明媚 摄` after a caption
- closing       `（张杨）` ending an article: its author
- contact       `发稿人：蓝惠娟`, `承办人：民政局兵役后勤科林玲珉  电话：…`, `业务连络人：政风室主任陈莹`: the
                contact lines of government releases, with the unit written before the name (or, for
                the release's author, the issuing body of its `发稿单位` line)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhkg.ner.places.gazetteer import load_gazetteer
from zhkg.ner.rules import grammar
from zhkg.ner.rules.chains import (
    Lexicons,
    dictionary_non_name,
    function_word_given,
    role_ending_at,
    roles_ending_at,
    surname_length,
)
from zhkg.ner.rules.facts import Mention, Proposal, Proposals
from zhkg.ner.rules.registry import rule

_ROLES = "|".join(sorted(grammar.BYLINE_ROLES, key=len, reverse=True))
BYLINE = re.compile(rf"(?:^|(?<=[\s（(【\[■●▲◆★:：/|｜。！？]))({_ROLES})[ \u3000\t]*(?:[:：][ \u3000\t]*)?")
PHOTO = re.compile(r"(?:^|(?<=[。！？\s）)]))([\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){1,2})[ \u3000]+摄(?=$|[\s）)。])", re.MULTILINE)
CLOSING = re.compile(r"[（(][ \u3000]*([\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){1,2})[ \u3000]*[）)][ \u3000]*$", re.MULTILINE)
# The last line of an article: its author's unit, spaces and name (王村镇  某某), or names in brackets.
SIGNATURE = re.compile(r"[ \u3000]*([\u4e00-\u9fff]{2,20})[ \u3000]{2,}([\u4e00-\u9fff]{2,3})[ \u3000]*")
BRACKETED_NAMES = re.compile(r"[ \u3000]*[（(][ \u3000]*([\u4e00-\u9fff][\u4e00-\u9fff \u3000]{3,30}?)[ \u3000]*[）)][ \u3000]*")
SITE_BYLINE = re.compile(rf"^[ \u3000]*([\u4e00-\u9fff]{{2,20}}(?:{'|'.join(grammar.MEDIA_SUFFIXES)}))[ \u3000]+"
                         r"([\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){1,2})[ \u3000]*"
                         rf"(?:$|(?=(?:{'|'.join(sorted(grammar.BYLINE_ROLES, key=len, reverse=True))})[ \u3000:：]))",
                         re.MULTILINE)  # …网站 某某 (通讯员 某某): the site's reporter, other credits may follow
_CONTACTS = "|".join(sorted(grammar.CONTACT_ROLES, key=len, reverse=True))
_PREFIXES = "|".join(grammar.CONTACT_PREFIXES)
_SPACED = r"[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff][ \u3000]*[:：]"  # 科 长：, a label spaced to a width
# A contact line: at a line start or after the phone number of the one before it on the same line, or
# run on after a section's name (发稿单位：稽查检验科|承办科长：…, 土壤污染管理科|科 长：…).
CONTACT = re.compile(rf"(?:^|(?<=[\d\s)）])|(?<=[科课股室组处])(?={_PREFIXES}|{_SPACED}))"
                     rf"((?:{_CONTACTS})|[\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){{1,5}})"
                     rf"[ \u3000]*[:：][ \u3000]*((?:(?!(?<=[科课股室组处])(?:{_PREFIXES}|{_SPACED}))[\u4e00-\u9fff]){{2,30}})",
                     re.MULTILINE)
# Where a contact's text ends: the line, a phone, or (in a page header run together) the next labelled
# field or a page tool (作者:某某  发布时间:…, 作者:某某 分享).
CONTACT_END = re.compile(r"[ \u3000\t]*(?:$|\n|电话|分机|传真|手机|TEL|Tel|tel|\d|[（(])"
                         rf"|[ \u3000\t]+(?:[\u4e00-\u9fff]{{2,6}}[:：]|{'|'.join(grammar.PAGE_TOOLS)})", re.MULTILINE)
CAPTION_END = re.compile(r"[ \u3000]*(?:摄|$|\n)", re.MULTILINE)
FIELD_CONTACT = re.compile(r"[\[【](?:联络人|连络人|联系人)[\]】][ \u3000]*([\u4e00-\u9fff]{2,4})(?=[\[【\s(（]|$)")
FIELD_UNIT = re.compile(r"[\[【](单位名称|机关名称)[\]】][ \u3000]*([\u4e00-\u9fff]{2,40})")
FIELD_WINDOW = 1500
# The issuer's field at a line's start, its colon sometimes typed as a semicolon (发稿单位；新闻处).
ISSUER = re.compile(rf"^[ \u3000]*(?:{'|'.join(grammar.ISSUER_LABELS)})[ \u3000]*[:：；][ \u3000]*([\u4e00-\u9fff]{{2,30}})",
                    re.MULTILINE)
_SPACED_LABEL = re.compile(r"[ \u3000]+[\u4e00-\u9fff][ \u3000]*[:：]")
HANDLING = re.compile(rf"(?:^|(?<=\s))(?:{'|'.join(grammar.HANDLING_LABELS)})[ \u3000]*[:：][ \u3000]*([\u4e00-\u9fff]{{2,30}})",
                      re.MULTILINE)
NAME_SEP = re.compile(r"[ \u3000\t、，,]+")
NAME_SEP_ACROSS_LINES = re.compile(r"[\s、，,]+")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# 孟 航: the second character (陈  雷摄: the photo credit may follow it)
PADDED_CHAR = re.compile(rf"[ \u3000]{{1,3}}([\u4e00-\u9fff])(?=(?:{grammar.PHOTO_CREDIT})?(?![\u4e00-\u9fff]))")
LAYOUT_LINE = 80
SITE_BYLINE_LINES = 8
CLOSING_LINES = 3  # the last lines an author's line may close an article on (an editor's line may follow)
CORRESPONDENT = "通讯员"
PHOTOGRAPHER = "摄影"
AUTHOR = "作者"


@dataclass(frozen=True)
class Credit:
    name: str
    start: int
    end: int
    role: str | None
    evidence_start: int
    evidence_end: int
    unit: str | None = None          # a unit written in the credit (a site, a contact's department)
    rule: str = "byline"             # the registered rule that reads it


@rule("contact", reads="the contact lines of a release", scope="document", confidence=0.9)
@rule("byline", reads="credits outside sentences", scope="document", confidence=0.95, needs_unit=False,
      locates_city=False)
def credit_post(c: Credit) -> Proposals:
    """A credit's role is its post; a unit written in the credit (a site, a contact's section) is its unit.
    A byline's role needs no unit and places nobody in a city (a paper's reporter works anywhere)."""
    yield Proposal(Mention(c.start, c.end, c.name), c.role, None, c.evidence_start, c.evidence_end, -1,
                   unit_text=c.unit)


HEADER_LABEL = re.compile("|".join(map(re.escape, sorted({*grammar.ISSUER_LABELS, *grammar.CONTACT_ROLES, *grammar.CONTACT_PREFIXES,
                                                           *grammar.HEADER_LABELS}, key=len, reverse=True))))


def issuing_body(text: str) -> str | None:
    """The organization a release names as its issuer (`发稿单位：社会局`, `来源：中央纪委国家监委网站`), cut
    before the next label where a page ran its header fields together (社会局|发稿时间：…)."""
    return _field_value(ISSUER.search(text))


def handling_unit(text: str, lex: Lexicons) -> str | None:
    """The section a release names as in charge of it (`承办单位：清淨家园管理科`), or else its issuing body
    where that is a unit (`发稿单位：稽查检验科`): where its contacts who write no unit of their own work."""
    unit = _field_value(HANDLING.search(text)) or issuing_body(text)
    return unit if unit and lex.ends_like_unit(unit) else None


def _field_value(m: re.Match | None) -> str | None:
    """A header field's value, cut before the next label where a page ran the fields together."""
    if not m:
        return None
    label = HEADER_LABEL.search(m.group(1))
    body = m.group(1)[:label.start()] if label else m.group(1)
    if not label and _SPACED_LABEL.match(m.string, m.end(1)):
        body = body[:-1]  # 土壤污染管理科|科 长：: the value's last character begins a label written with spaces
    return body if len(body) >= 2 else None


def _name_like(word: str, lex: Lexicons) -> bool:
    """Two or three characters (a byline's layout vouches for rare surnames), or four with a compound surname."""
    return 2 <= len(word) <= 3 or (len(word) == 4 and surname_length(word, 0, lex) == 2)


def _names(text: str, pos: int, lex: Lexicons, newlines: bool = False) -> tuple[list[tuple[str, int, int]], int]:
    """The names written from `pos` on, separated by spaces or 、; single characters separated by
    spaces are joined in pairs (`孟 航`). Returns the names and where the run of names ends."""
    names: list[tuple[str, int, int]] = []
    sep = NAME_SEP_ACROSS_LINES if newlines else NAME_SEP
    end = pos
    lead = sep.match(text, pos) if newlines else None
    pos = lead.end() if lead else pos
    while True:
        m = HAN_RUN.match(text, pos)
        if not m:
            break
        word, start = m.group(), m.start()
        stop = pos = m.end()
        if len(word) == 1:
            pair = PADDED_CHAR.match(text, pos)
            if pair is None:
                break
            word, stop = word + pair.group(1), pair.end()
            pos = stop
        if any(word.startswith(r) for r in grammar.BYLINE_ROLES) or word == grammar.PHOTO_CREDIT:
            break
        if not _name_like(word, lex) and len(word) in (4, 6) and stop == start + len(word):
            half = len(word) // 2  # 编辑:毛某某杜某某: two names of one length written together
            if all(surname_length(word, k, lex) == 1 and not dictionary_non_name(word[k:k + half]) for k in (0, half)):
                names.append((word[:half], start, start + half))
                word, start = word[half:], start + half
        if not _name_like(word, lex) or names and dictionary_non_name(word) and not surname_length(word, 0, lex):
            break  # 记者王明 报道: a word after the names is no name
        names.append((word, start, stop))
        end = stop
        s = sep.match(text, pos)
        if s is None:
            break
        pos = s.end()
    return names, end


def _in_layout(text: str, start: int) -> bool:
    """Credits stand on short lines, at a line start, or after a bullet or bracket."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:start].strip(" \u3000\t■●▲◆★（(【[|｜")  # | 编辑: 某某 | 时间: … (a page's header)
    return line_end - line_start <= LAYOUT_LINE or not before


def _bracketed(text: str, m: re.Match, lex: Lexicons) -> bool:
    """…电（通讯员 某某）, …。（记者 甲、乙）: a bracket holding nothing but a credit's role and names is a
    credit wherever it stands."""
    if m.start() == 0 or text[m.start() - 1] not in "（(":
        return False
    names, end = _names(text, m.end(), lex)
    return bool(names) and text[end:end + 1] in "）)"


def _bracket_open(text: str, pos: int) -> bool:
    """Inside a bracket opened on this line and not yet closed: `（记者 付坤 摄影` goes on after a break."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    return before.count("（") + before.count("(") > before.count("）") + before.count(")")


def _bylines(text: str, lex: Lexicons) -> list[Credit]:
    credits: list[Credit] = []
    for m in BYLINE.finditer(text):
        if not _in_layout(text, m.start()) and not _bracketed(text, m, lex):
            continue
        role = m.group(1)
        role = "记者" if role.endswith("记者") else CORRESPONDENT if role.endswith(CORRESPONDENT) else role
        names, end = _names(text, m.end(), lex, newlines=_bracket_open(text, m.start()))
        if m.start() > 0 and text[m.start() - 1] in "。！？" and not CAPTION_END.match(text, end):
            continue  # 。记者问姜旺: prose; a caption's credit (。本报记者 乔利峰 摄) ends its line
        if names and names[0][1] == m.end(1) and not surname_length(names[0][0], 0, lex):
            continue  # 记者注意到: run on to the role with no space or colon, a credit opens with a surname
        for name, s, e in names:
            credits.append(Credit(name, s, e, role, m.start(), e))
        if role == "记者" and names:
            credits.extend(_correspondents_before(text, m.start(), lex))
    return credits


def _correspondents_before(text: str, role_start: int, lex: Lexicons) -> list[Credit]:
    """`郭华平 黄晓平 本报记者 鄢朝晖`: a line that opens with names before the reporter's credit."""
    line_start = text.rfind("\n", 0, role_start) + 1
    head = text[line_start:role_start]
    if not head.strip() or NAME_SEP.sub("", head).strip() == "":
        return []
    names, end = _names(text, line_start + len(head) - len(head.lstrip(" \u3000\t")), lex)
    if not names or text[end:role_start].strip(" \u3000\t、，,"):
        return []
    return [Credit(n, s, e, CORRESPONDENT, line_start, role_start) for n, s, e in names]


def _site_bylines(text: str, lex: Lexicons) -> list[Credit]:
    """`中央纪委国家监委网站 陆丽环` on a line of its own near the top: the site's reporter."""
    top = text.find("\n", 0)
    for _ in range(SITE_BYLINE_LINES - 1):
        nxt = text.find("\n", top + 1)
        if nxt < 0:
            top = len(text)
            break
        top = nxt
    out = []
    for m in SITE_BYLINE.finditer(text, 0, top if top > 0 else len(text)):
        name = re.sub(r"\s", "", m.group(2))
        if _name_like(name, lex):
            out.append(Credit(name, m.start(2), m.end(2), "记者", m.start(1), m.end(2), unit=m.group(1)))
    return out


def _contacts(text: str, lex: Lexicons) -> list[Credit]:
    """The contact lines of a release: `ROLE：[unit][title]NAME`."""
    issuer, handling = issuing_body(text), handling_unit(text, lex)
    out = []
    for m in CONTACT.finditer(text):
        role = re.sub(r"\s", "", m.group(1))
        issuer_line = role in grammar.ISSUER_LABELS
        if issuer_line:
            role = grammar.RELEASE_AUTHOR  # 发稿单位：综合规划科 某某 电话…: the issuer's line names its author
        prefix = next((p for p in grammar.CONTACT_PREFIXES if role.startswith(p)), "")
        if prefix and role not in grammar.CONTACT_ROLES:
            role = role[len(prefix):]  # 承办|科长
        if role not in grammar.CONTACT_ROLES and role not in lex.roles:
            continue
        listed = _listed_authors(text, m, role, issuer, lex)
        if listed:
            out += listed  # 作者:某某 某某 编辑:…: several authors on one field
            continue
        if not CONTACT_END.match(text, m.end(2)):
            out += _titled_contact(text, m, role, issuer, lex)
            continue  # 主任：我觉得… is a speaker in an interview, not a contact line
        if issuer_line:
            continue  # 来源：某某常委会: the issuer alone, no author
        run, run_start = m.group(2), m.start(2)
        split = _name_at_end(run, lex)
        if split is None:
            out += _titled_contact(text, m, role, issuer, lex)  # 业务联络人：某某主任 2991111: the title after the name
            continue
        prefix = run[:split]
        name = run[split:]
        unit = _without_title(prefix, lex) if prefix else None
        if not unit:
            unit = issuer if role in grammar.RELEASE_AUTHORS else handling
        out.append(Credit(name, run_start + split, run_start + len(run), role, m.start(1), m.end(2),
                          unit=unit or None, rule="contact"))
    return out


def _listed_authors(text: str, m: re.Match, role: str, issuer: str | None, lex: Lexicons) -> list[Credit]:
    """`作者:某甲 某乙 编辑:…`: an author field holding names parted by spaces, up to the next field or the
    line's end; each is an author, as one name alone would be."""
    if role != AUTHOR:
        return []
    names, end = _names(text, m.start(2), lex)
    if len(names) < 2 or not CONTACT_END.match(text, end) \
            or not all(surname_length(n, 0, lex) and not dictionary_non_name(n) for n, _, _ in names):
        return []
    unit = issuer if role in grammar.RELEASE_AUTHORS else None
    return [Credit(n, s, e, role, m.start(1), e, unit=unit, rule="contact") for n, s, e in names]


_PHONE_WORD = re.compile(r"电话|分机|传真|手机")
_LINE_RUN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff \u3000]{1,40}")


def _titled_contact(text: str, m: re.Match, role: str, issuer: str | None, lex: Lexicons) -> list[Credit]:
    """`发稿人：心理健康科 吴秀琴股长 电话…`, `新闻联络人：黄琼瑱秘书 2991111`: a contact written with spaces
    or with the title after the name. The contact's role is held in the unit written before the name
    (else, for the release's author, in the issuing body), and so is the title after the name."""
    run = _LINE_RUN.match(text, m.start(2))
    if not run:
        return []
    line = _PHONE_WORD.split(run.group(), maxsplit=1)[0].rstrip(" \u3000")  # 永续校园科 简文达 |电话：
    if not line or not CONTACT_END.match(text, run.start() + len(line)):
        return []
    words = line.split()
    last = words[-1]
    title_start = role_ending_at(last, len(last), lex)
    title = last[title_start:] if title_start else ""
    name = last[:title_start] if title_start else last
    if not 2 <= len(name) <= 3 or not surname_length(name, 0, lex) or name in lex.roles:
        return []
    unit = "".join(words[:-1]) or (issuer if role in grammar.RELEASE_AUTHORS or title else None)
    if unit and not lex.ends_like_unit(unit):
        return []
    start = run.start() + line.rindex(last)
    end = run.start() + len(line)
    out = [Credit(name, start, start + len(name), role, m.start(1), end, unit=unit, rule="contact")]
    if title:
        out.append(Credit(name, start, start + len(name), title, m.start(1), end, unit=unit, rule="contact"))
    return out


def _without_title(prefix: str, lex: Lexicons) -> str:
    """政风室主任 → 政风室: the unit before the title that ends the contact's text."""
    for rs in roles_ending_at(prefix, len(prefix), lex):
        if lex.ends_like_unit(prefix[:rs]):
            return prefix[:rs]
    return prefix


def _name_at_end(run: str, lex: Lexicons) -> int | None:
    """Where the name at the end of `局本部吴幸桦` or `政风室主任陈莹` starts: the split that leaves
    nothing, a title or a unit before the name."""
    for n in (3, 2):
        if len(run) < n or not surname_length(run, len(run) - n, lex):
            continue
        prefix = run[:-n]
        if not prefix or lex.ends_like_unit(prefix) or role_ending_at(prefix, len(prefix), lex) is not None:
            return len(run) - n
    return None


def _field_contacts(text: str, lex: Lexicons) -> list[Credit]:
    """`[机关名称]…[单位名称]…[联络人]张某某[联络电话]`: the contact of a procurement notice, written in
    bracketed fields, belongs to the section (单位名称) of the agency (机关名称) named before it."""
    out = []
    for m in FIELD_CONTACT.finditer(text):
        name = m.group(1)
        if not 2 <= len(name) <= 4 or not surname_length(name, 0, lex) or name[1:] in lex.roles:
            continue  # 叶技士: a surname and a title name nobody
        fields = {u.group(1): u.group(2) for u in FIELD_UNIT.finditer(text, max(0, m.start() - FIELD_WINDOW), m.start())}
        agency, section = fields.get("机关名称"), fields.get("单位名称")
        unit = section or agency
        if agency and section and agency not in section:
            unit = agency + section  # 台南市公共运输处 + 运输设施课
        out.append(Credit(name, m.start(1), m.end(1), "联络人", m.start(), m.end(1), unit=unit, rule="contact"))
    return out


def find_credits(text: str, lex: Lexicons) -> list[Credit]:
    """Every credit of the text, each person once; anonymous ones (陈先生) name nobody."""
    return [c for c in _credits(text, lex) if not grammar.ANONYMOUS_NAME.search(c.name)]


def _credits(text: str, lex: Lexicons) -> list[Credit]:
    credits = _bylines(text, lex)
    credits += [c for c in _site_bylines(text, lex) if not _covered(c, credits)]
    credits += [c for c in _contacts(text, lex) if not _covered(c, credits)]
    credits += [c for c in _field_contacts(text, lex) if not _covered(c, credits)]
    for m in PHOTO.finditer(text):
        name = re.sub(r"\s", "", m.group(1))
        c = Credit(name, m.start(1), m.end(1), PHOTOGRAPHER, m.start(), m.end())
        if surname_length(name, 0, lex) and not _covered(c, credits):
            credits.append(c)
    credits += [c for c in _closing_lines(text, lex) if not _covered(c, credits)]
    for m in CLOSING.finditer(text):
        name = re.sub(r"\s", "", m.group(1))
        at_end = not text[m.end():].strip()
        c = Credit(name, m.start(1), m.end(1), AUTHOR if at_end else None, m.start(), m.end())
        if 2 <= len(name) <= 3 and (at_end or surname_length(name, 0, lex)) and not function_word_given(name, lex) \
                and not _covered(c, credits):
            credits.append(c)
    return credits


def _closing_lines(text: str, lex: Lexicons) -> list[Credit]:
    """The author lines that close an article: `王村镇  魏华` (the unit, spaces, the name) and `（甲 乙）`
    (two names or more in brackets), each after the last sentence of one of the last lines."""
    out: list[Credit] = []
    lines = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip()][-CLOSING_LINES:]
    for k, line in enumerate(lines):
        cut = max(line.group().rfind(p) for p in "。！？") + 1
        seg_start, seg = line.start() + cut, line.group()[cut:]
        m = SIGNATURE.fullmatch(seg)
        if m and k == len(lines) - 1 and (lex.ends_like_unit(m.group(1)) or load_gazetteer().is_full_name(m.group(1))):
            name, start = m.group(2), seg_start + m.start(2)
            if surname_length(name, 0, lex) and not dictionary_non_name(name):
                out.append(Credit(name, start, start + len(name), AUTHOR, seg_start + m.start(1), start + len(name),
                                  unit=m.group(1), rule="contact"))
        m = BRACKETED_NAMES.fullmatch(seg)
        if m:
            names, end = _names(text, seg_start + m.start(1), lex)
            if len(names) >= 2 and end == seg_start + m.end(1) and all(surname_length(n, 0, lex) for n, _, _ in names):
                out += [Credit(n, s, e, AUTHOR, seg_start, line.end()) for n, s, e in names]
    return out


def _covered(c: Credit, credits: list[Credit]) -> bool:
    return any(o.start <= c.start < o.end or c.start <= o.start < c.end for o in credits)

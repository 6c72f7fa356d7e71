"""The byline and contact rules: credits written outside sentences, one test per layout (rules only, texts
written for the tests)."""

from __future__ import annotations

from tests.helpers import facts
from zhkg.ner.rules.chains import lexicons
from zhkg.ner.rules.credits import find_credits
from zhkg.ner.text.normalize import normalize


def credits(text: str) -> set[tuple]:
    return {(c.name, c.role, c.unit) for c in find_credits(text, lexicons())}


def test_byline_with_padded_names_followed_by_the_paper():
    got = credits("本报记者  孙  磊  刘晓彤《光明日报》（2024年03月02日第 05 版）\n正文。")
    assert {("孙磊", "记者", None), ("刘晓彤", "记者", None)} <= got


def test_names_before_the_reporter_are_correspondents():
    got = credits("陈立群 周海 本报记者 杜文涛\n正文。")
    assert {("陈立群", "通讯员", None), ("周海", "通讯员", None), ("杜文涛", "记者", None)} <= got


def test_a_credit_inside_brackets_goes_on_after_a_line_break():
    got = credits("校园网讯 （记者 王立 摄影\n\n黄小燕）3月2日，学校召开会议。")
    assert {("王立", "记者", None), ("黄小燕", "摄影", None)} <= got


def test_site_byline_and_photo_credit_and_closing_author():
    text = "来源：某某日报\n某某省纪委监委网站 郭志成\n图为检查组在商场了解情况。罗晓梅 摄\n正文。（何平）"
    got = credits(text)
    assert ("郭志成", "记者", "某某省纪委监委网站") in got
    assert ("罗晓梅", "摄影", None) in got
    assert ("何平", "作者", None) in got


def test_bylines_join_padded_two_character_names(nlp):
    got = facts(nlp, "■记者 张晓东 李 强 通讯员 王敏\n\n正文从这里开始。")
    assert ("李强", "记者", None, None) in got
    assert ("张晓东", "记者", None, None) in got
    assert ("王敏", "通讯员", None, None) in got


def test_editor_credit(nlp):
    got = facts(nlp, "全文完。\n（责编：赵一鸣、钱小芳）")
    assert {("赵一鸣", "责编", None, None), ("钱小芳", "责编", None, None)} <= got


def test_a_reporter_in_prose_is_no_byline():
    assert not credits("问题解决了，记者问张大勇，有什么变化？")
    assert not any(c[0] == "问张大" for c in credits("会后。记者问张大勇有什么变化。"))


def test_release_contacts_carry_their_unit_and_the_author_the_issuer(nlp):
    text = ("市府举办活动\n發稿單位：新聞及國際關係處\n\n正文。\n發稿人：陳美玲\n"
            "承辦人：社會局婦女福利科林佳蓉  電話：06-1234567科 長：社會局婦女福利科王志明  電話：06-1234567\n"
            "業務連絡人：政風室主任許文雄 2991111分機1234")
    assert ("陈美玲", "发稿人", "新闻及国际关系处") in credits("发稿单位：新闻及国际关系处\n正文。\n发稿人：陈美玲")
    got = facts(nlp, text)
    assert ("陈美玲", "发稿人", "新闻及国际关系处", None) in {f[:3] + (None,) for f in got}
    by_person = {f[0]: f for f in facts(nlp, text)}
    assert by_person["林佳蓉"][1:3] == ("承办人", "社会局妇女福利科")
    assert by_person["王志明"][1:3] == ("科长", "社会局妇女福利科")


def test_a_speaker_in_an_interview_is_no_contact():
    assert not credits("主任：我觉得这件事很重要，大家都要参加。")


def test_the_contact_of_a_procurement_notice_belongs_to_its_section():
    text = ("無法決標公告[機關名稱]臺南市公共運輸處[標案案號]P1\n[機關名稱]臺南市公共運輸處[單位名稱]運輸設施課"
            "[機關地址]700臺南市中西區[聯絡人]王志明[聯絡電話]06-2230237")
    got = credits(normalize(text).text)
    assert ("王志明", "联络人", "台南市公共运输处运输设施课") in got


def test_an_anonymous_contact_names_nobody():
    assert not credits(normalize("[機關名稱]臺南市政府勞工局[聯絡人]陳先生[聯絡電話]06-1234567").text)


def test_a_surname_and_a_title_in_a_contact_field_names_nobody():
    assert not credits(normalize("[機關名稱]臺南市佳里區公所[聯絡人]葉技士[聯絡電話]06-1234567").text)

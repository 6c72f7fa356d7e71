"""The credits the byline and contact rules read, one test per layout (texts written for the tests); the
facts they give are the rules' examples (`ner/data/rules/byline.tsv`, `contact.tsv`)."""

from __future__ import annotations

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


def test_a_reporter_in_prose_is_no_byline():
    assert not credits("问题解决了，记者问张大勇，有什么变化？")
    assert not any(c[0] == "问张大" for c in credits("会后。记者问张大勇有什么变化。"))


def test_the_author_of_a_release_takes_the_issuer():
    assert ("陈美玲", "发稿人", "新闻及国际关系处") in credits("发稿单位：新闻及国际关系处\n正文。\n发稿人：陈美玲")


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

"""The apposition rule: `[place][unit…][title]、[title][name]`, titles written before the name.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

import pytest

from tests.helpers import build, facts, facts_with_status


def test_apposition_place_unit_title_name(nlp):
    got = facts(nlp, "昨天，长治市潞州区英雄南路街道党工委书记赵建国深入社区检查防疫工作。")
    assert ("赵建国", "书记", "长治市潞州区英雄南路街道党工委", "潞州区") in got


def test_coordinated_titles_split_party_organ_from_unit(nlp):
    got = facts(nlp, "晋中市榆次区郭家堡乡党委书记、乡长王海涛带队走访困难群众。")
    assert ("王海涛", "书记", "晋中市榆次区郭家堡乡党委", "榆次区") in got
    assert ("王海涛", "乡长", "晋中市榆次区郭家堡乡", "榆次区") in got


def test_former_marker_between_unit_and_title(nlp):
    result = build(nlp, "通报指出，吕梁市政府原副市长张卫东严重违纪违法。")
    (fact,) = [f for f in result.facts if f["person"] == "张卫东"]
    assert (fact["role"], fact["unit"], fact["status"]) == ("副市长", "吕梁市政府", "former")


def test_place_name_starting_with_yuan_is_not_a_former_post(nlp):
    result = build(nlp, "原平市第一人民医院护士长李娜主动请战。")
    (fact,) = [f for f in result.facts if f["person"] == "李娜"]
    assert fact["unit"] == "原平市第一人民医院"
    assert fact["status"] == "current"


def test_anaphor_points_to_the_last_unit_with_that_head(nlp):
    text = "大同市第三人民医院副院长周涛介绍了救治情况。该院感染科主任吴刚说，病人正在好转。"
    got = facts(nlp, text)
    assert ("吴刚", "主任", "大同市第三人民医院感染科", "大同市") in got


def test_home_city_resolves_city_abbreviations(nlp):
    text = "运城：全力做好疫情防控\n运城市各级党组织行动起来。市公安局副局长黄伟带队检查卡点。"
    got = facts(nlp, text)
    assert ("黄伟", "副局长", "运城市公安局", "运城市") in got


def test_title_sharing_its_first_character_with_the_unit(nlp):
    result = build(nlp, "臺南市召開記者會。經發局長陳凱凌表示，各項防疫作為不能鬆懈。")
    (fact,) = [f for f in result.facts if f["person"] == "陈凯凌"]
    assert (fact["role"], fact["unit"]) == ("局长", "经发局")


def test_county_head_after_county_party_secretary(nlp):
    got = facts(nlp, "会上，静乐县委书记、县长李建军作了讲话。")
    assert ("李建军", "书记", "静乐县委", "静乐县") in got
    assert ("李建军", "县长", "静乐县", "静乐县") in got


def test_department_after_a_party_committee_belongs_to_it(nlp):
    got = facts(nlp, "长治市召开会议。\n长治市委常委、宣传部部长王晓东出席。")
    assert ("王晓东", "部长", "长治市委宣传部", "长治市") in got


def test_a_county_head_without_a_unit_heads_the_county_last_named(nlp):
    got = facts(nlp, "泽州县委书记李四海、县长赵五一陪同调研。")
    assert ("赵五一", "县长", "泽州县", "泽州县") in got


def test_a_whole_unit_anaphor_before_a_title(nlp):
    got = facts(nlp, "孝感市孝南区卫健局局长陈立军介绍了情况。该局副局长刘芳芳负责物资调度。")
    assert ("刘芳芳", "副局长", "孝感市孝南区卫健局", "孝南区") in got


def test_people_listed_after_one_unit_share_it(nlp):
    got = facts(nlp, "孝感市中心医院护士长王丽、护士赵晓燕主动请缨。")
    assert ("赵晓燕", "护士", "孝感市中心医院", "孝感市") in got


def test_a_town_short_name_inside_a_unit_needs_its_county_named(nlp):
    got = facts(nlp, "孝感市召开会议。\n朱湖农场社区书记李红霞每天排查。")
    assert ("李红霞", "书记", "朱湖农场社区", "孝感市") in got


def test_rank_prefix_and_bound_prefix_inside_a_chain(nlp):
    text = "宜昌市召开会议。\n宜昌市委组织部副部长、市委非公工委书记胡军出席。宜昌市第一人民医院呼吸内科副主任医师周志强发言。"
    got = facts(nlp, text)
    assert ("胡军", "副部长", "宜昌市委组织部", "宜昌市") in got
    assert ("胡军", "书记", "宜昌市委非公工委", "宜昌市") in got
    assert ("周志强", "副主任医师", "宜昌市第一人民医院呼吸内科", "宜昌市") in got


def test_words_before_a_full_division_are_not_part_of_the_unit(nlp):
    got = facts(nlp, "9月5日，厦门市中级人民法院公开开庭审理福建省厦门市人大常委会原主任陈家东受贿一案。")
    assert ("陈家东", "主任", "福建省厦门市人大常委会", "厦门市") in got
    got = facts(nlp, "中国人民银行福建省分行行长张建华出席会议。")
    assert any(unit == "中国人民银行福建省分行" for _, _, unit, _ in got)


def test_former_marker_before_a_party_organ_leaves_the_unit(nlp):
    got = facts(nlp, "评估督导司原党支部书记、司长王青云违规收受礼金。")
    assert ("王青云", "司长", "评估督导司", None) in got
    assert ("王青云", "书记", "评估督导司党支部", None) in got


def test_place_before_a_head_title_is_no_name(nlp):
    got = facts(nlp, "台南市召开会议。现场遇到高龄长者，柳营区长翁振祥温馨关怀。")
    assert {f[0] for f in got} == {"翁振祥"}


def test_coordinated_titles_stop_at_another_persons_title(nlp):
    got = facts(nlp, "台南市召开会议。到场的有蔡育辉议员服务处洪敏博秘书、盐水区长姜家彬。")
    assert ("姜家彬", "区长", "盐水区", "盐水区") in got
    assert not any(f[0] == "姜家彬" and f[1] == "秘书" for f in got)
    assert ("洪敏博", "秘书", "蔡育辉议员服务处", "台南市") in got


def test_former_marker_before_the_whole_unit(nlp):
    got = facts_with_status(nlp, "原中国银行业监督管理委员会党委委员、副主席蔡鄂生接受审查。")
    assert ("蔡鄂生", "副主席", "中国银行业监督管理委员会", "former") in got
    assert ("王明", "院长", "原平市第一人民医院", "current") in facts_with_status(nlp, "原平市第一人民医院院长王明出席。")


def test_a_military_unit_sits_in_no_city_and_on_behalf_of_is_no_post(nlp):
    got = facts(nlp, "臺南市舉辦活動。由陸軍第十軍團指揮官周志遠中將接待，王大明副市長代表黃志宏市長致詞。")
    assert ("周志远", "指挥官", "陆军第十军团", None) in got
    assert not any(f[1] == "代表" for f in got)


@pytest.mark.parametrize("text, fact", [
    pytest.param("原江苏省淮海剧团党支部书记、团长陈万宏违规公款吃喝。",
                 ("陈万宏", "团长", "江苏省淮海剧团", None), id="town_short_name_after_a_province_is_no_town"),
    pytest.param("宁夏回族自治区银川市金凤区原区委副书记、区长张涛严重违纪违法。",
                 ("张涛", "区长", "宁夏回族自治区银川市金凤区", "金凤区"), id="head_of_a_district_is_not_of_its_party_committee"),
    pytest.param("台南市召开会议。台南市各界参与。嘉义市长黄敏惠于分享会致词。",
                 ("黄敏惠", "市长", "嘉义市", "嘉义市"), id="mayor_of_the_place_written_into_the_title"),
    pytest.param("2022年，中储粮集团公司广西分公司原副总经理张东升违规收受礼金。",
                 ("张东升", "副总经理", "中储粮集团公司广西分公司", None), id="china_abbreviation_starts_a_unit"),
    pytest.param("台南市召开会议。实作推动中心执行秘书何兴中说明计划。",
                 ("何兴中", "执行秘书", "实作推动中心", "台南市"), id="a_common_verb_before_a_title_belongs_to_the_title"),
    pytest.param("安徽省阜阳市委编办原主任顾中伟违规收受礼金。",
                 ("顾中伟", "主任", "安徽省阜阳市委编办", "阜阳市"), id="a_rare_verb_guess_stays_in_the_unit"),
    pytest.param("台南市召开会议。这些物品全是环保局局长谢世杰捐赠的。",
                 ("谢世杰", "局长", "环保局", "台南市"), id="light_verbs_end_a_unit_chain"),
    pytest.param("台南市召开会议。六信高中校长黄振忠致词。",
                 ("黄振忠", "校长", "六信高中", "台南市"), id="school_head_after_a_whole_school_name"),
])
def test_unit_and_title_of_one_sentence(nlp, text, fact):
    """Unit boundaries and heads seen in unannotated news (ccdi notices, Tainan releases)."""
    assert fact in facts(nlp, text)


@pytest.mark.parametrize("text, fact", [
    pytest.param("校园新闻\n学校召开会议，校党委书记刘建国出席。刘建国宣读了《中共江北理工大学委员会关于工作的通知》。",
                 ("刘建国", "书记", "江北理工大学党委"), id="school_party_committee_is_the_articles_university"),
    pytest.param("臺南市舉辦活動。主計處長王美華出席。", ("王美华", "处长", "主计处"), id="title_sharing_the_units_last_character"),
    pytest.param("臺南市警察局舉辦交接。警政署保安組科長李文忠調任分局長。", ("李文忠", "科长", "警政署保安组"),
                 id="a_department_before_its_head_title_is_whole"),
    pytest.param("臺南市警察局舉辦交接典禮，市長感謝卸任局長陳國華。", ("陈国华", "局长", "台南市警察局"),
                 id="a_bare_head_title_heads_the_one_unit_of_that_head_named_before"),
])
def test_units_the_article_implies(nlp, text, fact):
    assert fact in {f[:3] for f in facts(nlp, text)}


@pytest.mark.parametrize("text, fact", [
    pytest.param("澳門舉辦活動。經濟財政司司長李偉明出席。", ("李伟明", "司长", "经济财政司"), id="a_secretariat_and_its_secretary"),
    pytest.param("澳門舉辦活動。經濟財政司司長辦公室主任黃麗華出席。", ("黄丽华", "主任", "经济财政司司长办公室"),
                 id="an_office_written_into_the_title_ends_the_unit"),
    pytest.param("会议由县环保局党组副书记、分管副局长程立新主持。", ("程立新", "副局长", "环保局"),
                 id="a_modifier_before_a_title_keeps_the_chain_going"),
    pytest.param("活动当天，民政局局长赵宏远、港务局副局长林志杰出席。", ("林志杰", "副局长", "港务局"),
                 id="a_deputy_head_title_is_no_shared_head"),
    pytest.param("澳門舉辦活動。海關關長何嘉文、警察總局局長出席。", ("何嘉文", "关长", "海关"),
                 id="a_whole_list_item_after_a_title_is_a_name"),
])
def test_titles_with_units_inside(nlp, text, fact):
    got = {f[:3] for f in facts(nlp, text)}
    assert fact in got or any(f[0] == fact[0] and f[1] == fact[1] and f[2] and f[2].endswith(fact[2]) for f in got)


@pytest.mark.parametrize("text, fact", [
    pytest.param("臺南市舉辦活動。總統蔡明德出席致詞。",
                 ("蔡明德", "总统", None, None), id="a_national_title_sits_in_no_city"),
])
def test_a_national_title(nlp, text, fact):
    """A national title before a name."""
    got = facts(nlp, text)
    assert fact in got or fact[3] is None and fact[:3] in {f[:3] for f in got}


@pytest.mark.parametrize("text, fact", [
    pytest.param("由陸軍第十軍團指揮官周志遠中將、政戰主任孫立群少將接待。", ("孙立群", "政战主任", "陆军第十军团"),
                 id="a_rank_after_a_name_and_a_coordinated_title_sharing_the_unit"),
])
def test_names_set_off_in_posts(nlp, text, fact):
    assert fact in {f[:3] for f in facts(nlp, text)}


def test_no_unit_runs_across_another_persons_name(nlp):
    got = facts(nlp, "臺南市舉辦活動。市長黃志宏肯定教育局長陳明德的努力。")
    assert ("陈明德", "局长", "教育局") in {f[:3] for f in got}


def test_a_unit_written_into_the_title_of_a_secretary(nlp):
    got = facts(nlp, "澳門舉辦活動\n澳門特區政府經濟財政司司長李偉明出席。澳門各界參與。")
    assert ("李伟明", "司长", "澳门特区政府经济财政司", "澳门特别行政区") in got

"""Each relation pattern on sentences written for these tests (rules only, no statistical model)."""

from __future__ import annotations

import pytest

from zhkg.ner.extract import records
from zhkg.ner.normalize import normalize
from zhkg.ner.pipeline import load_pipeline
from zhkg.ner.reading import Source


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("rules")


@pytest.fixture(scope="module")
def with_model():
    return load_pipeline()


def build(nlp, text: str):
    norm = normalize(text)
    return records(nlp(norm.text), Source("t.txt", "t.txt", text, "utf-8"), norm)


def facts(nlp, text: str) -> set[tuple]:
    return {(f["person"], f["role"], f["unit"], f["city"]) for f in build(nlp, text).facts}


def test_apposition_place_unit_title_name(nlp):
    got = facts(nlp, "昨天，长治市潞州区英雄南路街道党工委书记赵建国深入社区检查防疫工作。")
    assert ("赵建国", "书记", "长治市潞州区英雄南路街道党工委", "潞州区") in got


def test_coordinated_titles_split_party_organ_from_unit(nlp):
    got = facts(nlp, "晋中市榆次区郭家堡乡党委书记、乡长王海涛带队走访困难群众。")
    assert ("王海涛", "书记", "晋中市榆次区郭家堡乡党委", "榆次区") in got
    assert ("王海涛", "乡长", "晋中市榆次区郭家堡乡", "榆次区") in got


def test_several_people_share_one_post(nlp):
    text = "运城市召开会议。\n运城市交通运输局选派李向阳、周海峰、陈立新等3名党员干部进驻社区。"
    got = facts(nlp, text)
    for name in ("李向阳", "周海峰", "陈立新"):
        assert (name, "党员干部", "运城市交通运输局", "运城市") in got


def test_copula_unit_of_one_title(nlp):
    got = facts(nlp, "孙丽是太原市杏花岭区中心医院的一名护士，已连续工作十天。")
    assert ("孙丽", "护士", "太原市杏花岭区中心医院", "杏花岭区") in got


def test_post_verbs_and_their_status(nlp):
    result = build(nlp, "去年，刘建华调任汾阳市公安局局长。时任孝义市副市长的郭志强也参加了会议。")
    by_person = {f["person"]: f for f in result.facts}
    assert by_person["刘建华"]["unit"] == "汾阳市公安局"
    assert by_person["刘建华"]["role"] == "局长"
    assert by_person["刘建华"]["status"] == "new"


def test_former_marker_between_unit_and_title(nlp):
    result = build(nlp, "通报指出，吕梁市政府原副市长张卫东严重违纪违法。")
    (fact,) = [f for f in result.facts if f["person"] == "张卫东"]
    assert (fact["role"], fact["unit"], fact["status"]) == ("副市长", "吕梁市政府", "former")


def test_place_name_starting_with_yuan_is_not_a_former_post(nlp):
    result = build(nlp, "原平市第一人民医院护士长李娜主动请战。")
    (fact,) = [f for f in result.facts if f["person"] == "李娜"]
    assert fact["unit"] == "原平市第一人民医院"
    assert fact["status"] == "current"


def test_bylines_join_padded_two_character_names(nlp):
    got = facts(nlp, "■记者 张晓东 李 强 通讯员 王敏\n\n正文从这里开始。")
    assert ("李强", "记者", None, None) in got
    assert ("张晓东", "记者", None, None) in got
    assert ("王敏", "通讯员", None, None) in got


def test_editor_credit(nlp):
    got = facts(nlp, "全文完。\n（责编：赵一鸣、钱小芳）")
    assert {("赵一鸣", "责编", None, None), ("钱小芳", "责编", None, None)} <= got


def test_anaphor_points_to_the_last_unit_with_that_head(nlp):
    text = "大同市第三人民医院副院长周涛介绍了救治情况。该院感染科主任吴刚说，病人正在好转。"
    got = facts(nlp, text)
    assert ("吴刚", "主任", "大同市第三人民医院感染科", "大同市") in got


def test_home_city_resolves_city_abbreviations(nlp):
    text = "运城：全力做好疫情防控\n运城市各级党组织行动起来。市公安局副局长黄伟带队检查卡点。"
    got = facts(nlp, text)
    assert ("黄伟", "副局长", "运城市公安局", "运城市") in got


def test_unit_and_comrade(nlp):
    got = facts(nlp, "朔州市召开会议。\n朔州市财政局王建国同志坚守岗位。")
    assert ("王建国", None, "朔州市财政局", "朔州市") in got


def test_pinyin_annotations_do_not_break_facts_and_evidence_quotes_the_original(nlp):
    text = "忻州市人民醫(yī)院院長郭(guō)明帶隊。"
    result = build(nlp, text)
    (fact,) = [f for f in result.facts if f["person"] == "郭明"]
    assert fact["unit"] == "忻州市人民医院"
    assert text[fact["start"]:fact["end"]] == fact["evidence"]
    assert fact["evidence"].startswith("忻州市人民醫(yī)院")
    assert text[fact["person_start"]:fact["person_end"]] == "郭(guō)明"


def test_no_fact_is_built_from_a_garbled_run(nlp):
    # GBK bytes read one byte out of step, with two bytes lost: only flagged, never repaired into facts.
    result = build(nlp, "大家好?!毙酶畢^?\n临汾市尧都区卫健局局长马骏检查工作。")
    assert any(d["kind"] in ("garbled", "repaired") for d in result.damage)
    assert ("马骏", "局长") in {(f["person"], f["role"]) for f in result.facts}


def test_a_common_word_after_a_title_is_not_a_name(nlp):
    result = build(nlp, "工作人员严守卡点，人民警察加足马力。")
    assert not result.facts


def test_title_sharing_its_first_character_with_the_unit(nlp):
    result = build(nlp, "臺南市召開記者會。經發局長陳凱凌表示，各項防疫作為不能鬆懈。")
    (fact,) = [f for f in result.facts if f["person"] == "陈凯凌"]
    assert (fact["role"], fact["unit"]) == ("局长", "经发局")


def test_no_name_is_read_inside_a_word_or_after_a_preposition(nlp):
    result = build(nlp, "本案由土木工程施工廠商於招標後進場。")
    assert not result.facts


def test_load_pipeline_is_the_build_pipeline_and_tags_all_kinds():
    from zhkg.ner import load_pipeline

    nlp = load_pipeline()
    doc = nlp("原平市第一人民医院主管护师弓晓宇在武汉工作。")
    labels = {e.label_ for e in doc.ents}
    assert {"PERSON", "ORG", "PLACE"} <= labels
    assert "护师" in [s.text for s in doc.spans["roles"]]
    assert nlp.pipe_names[-1] == "zhkg_entities"


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


def test_rules_work_on_any_tokenizer_and_other_pipelines_load_by_path(tmp_path):
    import spacy

    from zhkg.ner import load_pipeline

    other = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    other.to_disk(tmp_path / "jieba_pipeline")
    nlp = load_pipeline(str(tmp_path / "jieba_pipeline"))
    norm = normalize("晋中市榆次区郭家堡乡党委书记、乡长王海涛带队走访困难群众。")
    result = records(nlp(norm.text), Source("t.txt", "t.txt", norm.original, "utf-8"), norm)
    got = {(f["person"], f["role"], f["unit"]) for f in result.facts}
    assert ("王海涛", "乡长", "晋中市榆次区郭家堡乡") in got
    assert any(e["type"] == "PLACE" and e["name"] == "晋中市" for e in result.entities)


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


def test_model_settles_the_last_character_of_a_name(with_model):
    assert ("李俊明", "书记", "中共忻州市委", "忻州市") in facts(with_model, "中共忻州市委书记李俊明主持会议。")
    assert {f[0] for f in facts(with_model, "中央纪委书记李希作重要讲话。")} == {"李希"}


def test_place_before_a_head_title_is_no_name(nlp):
    got = facts(nlp, "台南市召开会议。现场遇到高龄长者，柳营区长翁振祥温馨关怀。")
    assert {f[0] for f in got} == {"翁振祥"}


def test_model_vetoes_a_dictionary_word_read_as_a_name_but_not_a_list_of_names(with_model):
    assert facts(with_model, "台南市消防局大队长及中正分队同仁与市长温馨围炉飨宴。") == set()
    result = build(with_model, "丹东市民政局下沉元宝区天泽社区的高歌、许治、周多等3名党员干部报到。")
    assert "高歌" in {e["name"] for e in result.entities if e["type"] == "PERSON"}


def test_unit_words_and_short_county_names_are_no_names(nlp):
    got = facts(nlp, "台南市召开会议。将军区公所今天发放物资。奇美医疗财团法人柳营奇美医院派员协助。")
    assert {f[0] for f in got} == set()


def test_mayor_without_a_unit_is_the_mayor_of_the_home_countys_city(nlp):
    text = ("将军区长洪聪发指出，将军区的长者很多。将军区公所与将军区卫生所合作。"
            "将军区各里都设了据点。高雄市惠急慈善会捐赠棉被，黄伟哲市长颁发感谢状。")
    got = facts(nlp, text)
    assert ("黄伟哲", "市长", "台南市", "台南市") in got


def test_coordinated_titles_stop_at_another_persons_title(nlp):
    got = facts(nlp, "台南市召开会议。到场的有蔡育辉议员服务处洪敏博秘书、盐水区长姜家彬。")
    assert ("姜家彬", "区长", "盐水区", "盐水区") in got
    assert not any(f[0] == "姜家彬" and f[1] == "秘书" for f in got)
    assert ("洪敏博", "秘书", "蔡育辉议员服务处", "台南市") in got


def test_former_marker_before_the_whole_unit(nlp):
    result = build(nlp, "原中国银行业监督管理委员会党委委员、副主席蔡鄂生接受审查。")
    got = {(f["person"], f["role"], f["unit"], f["status"]) for f in result.facts}
    assert ("蔡鄂生", "副主席", "中国银行业监督管理委员会", "former") in got
    assert ("王明", "院长", "原平市第一人民医院", "current") in {
        (f["person"], f["role"], f["unit"], f["status"]) for f in build(nlp, "原平市第一人民医院院长王明出席。").facts}


def test_titles_coordinated_after_a_post_verb_share_the_unit(nlp):
    got = facts(nlp, "2019年，赵贵军担任国家统计局内蒙古调查总队党组书记、总队长。")
    assert ("赵贵军", "总队长", "国家统计局内蒙古调查总队", None) in got
    assert not any("、" in (f[1] or "") for f in got)


def test_model_vetoes_a_name_that_opens_with_a_common_verb(with_model):
    got = facts(with_model, "台南市召开会议。台南市各界参与。黄伟哲市长上任后推动多项建设。")
    assert {f[0] for f in got} == {"黄伟哲"}


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
    pytest.param("臺南市舉辦活動。感謝水利署第五河川局陳志明局長、林美玲議員等嘉賓到場。",
                 ("林美玲", "议员", None, "台南市"), id="name_before_its_title_in_a_list"),
    pytest.param("臺南市舉辦活動。出席者包括安平區王大同區長。",
                 ("王大同", "区长", "安平区", "安平区"), id="name_between_its_unit_and_its_title"),
    pytest.param("臺南市舉辦活動。市議員張一帆、李建宏、吳佩珊等人出席。",
                 ("吴佩珊", "市议员", None, "台南市"), id="bare_names_after_a_titled_one_share_a_members_post"),
    pytest.param("臺南市舉辦活動。周文彬、鄭雅婷等多位議員到場關心。",
                 ("郑雅婷", "议员", None, "台南市"), id="names_before_an_uncounted_plural_title"),
    pytest.param("臺南市舉辦活動。總統蔡明德出席致詞。",
                 ("蔡明德", "总统", None, None), id="a_national_title_sits_in_no_city"),
    pytest.param("任前公示\n郑小雨，女，汉族，1990年3月出生，浙江杭州人，研究生学历。现任教务处干事，拟任教务处副主任。",
                 ("郑小雨", "副主任", "教务处", None), id="a_profile_paragraph_gives_its_posts_to_its_subject"),
    pytest.param("任前公示\n郑小雨，女，汉族，1990年3月出生。现任化学二支部书记。",
                 ("郑小雨", "书记", "化学二支部", None), id="a_party_branch_read_into_the_title_goes_back_to_the_unit"),
])
def test_regional_and_list_patterns(nlp, text, fact):
    """Taiwanese word order, lists of names sharing one title, personnel profiles."""
    got = facts(nlp, text)
    assert fact in got or fact[3] is None and fact[:3] in {f[:3] for f in got}


def test_a_head_title_is_not_shared_by_the_names_listed_after_it(nlp):
    got = facts(nlp, "臺南市舉辦活動。市長黃志宏、陳美君出席。")
    assert not any(f[0] == "陈美君" for f in got)


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


def test_a_chain_of_former_posts_after_one_verb(nlp):
    text = ("臺南市警察局舉辦交接。新任局長陳建民畢業於警察大學，歷任警察局督察室主任、刑事警察大隊大隊長、"
            "警政署防治組組長、警政署警政委員等重要職務。")
    got = {f[:3] for f in facts(nlp, text)}
    assert ("陈建民", "主任", "台南市警察局督察室") in got
    assert ("陈建民", "组长", "警政署防治组") in got
    assert ("陈建民", "警政委员", "警政署") in got


@pytest.mark.parametrize("text, fact", [
    pytest.param("臺南市舉辦活動。邀請兒童福利聯盟「林佳慧」執行長短講。", ("林佳慧", "执行长", "儿童福利联盟"),
                 id="a_quoted_name_between_unit_and_title"),
    pytest.param("由陸軍第十軍團指揮官周志遠中將、政戰主任孫立群少將接待。", ("孙立群", "政战主任", "陆军第十军团"),
                 id="a_rank_after_a_name_and_a_coordinated_title_sharing_the_unit"),
    pytest.param("臺南市舉辦活動。市議員張一帆、李建宏、谷慕達利、吳佩珊出席。", ("谷慕达利", "市议员", None),
                 id="a_four_character_name_inside_a_list_of_names"),
])
def test_names_set_off_in_posts(nlp, text, fact):
    assert fact in {f[:3] for f in facts(nlp, text)}


def test_a_military_unit_sits_in_no_city_and_on_behalf_of_is_no_post(nlp):
    got = facts(nlp, "臺南市舉辦活動。由陸軍第十軍團指揮官周志遠中將接待，王大明副市長代表黃志宏市長致詞。")
    assert ("周志远", "指挥官", "陆军第十军团", None) in got
    assert not any(f[1] == "代表" for f in got)


@pytest.mark.parametrize("text, fact", [
    pytest.param("吉水县召开会议。\n何立新（时任江西省永丰县县委常委）：大家都提出了意见。",
                 ("何立新", "常委", "江西省永丰县县委", "former"), id="a_former_post_in_brackets_after_a_name"),
    pytest.param("吉水县召开会议。\n钟晓梅（江西省永丰县实验小学教师）：班级太大了。",
                 ("钟晓梅", "教师", "江西省永丰县实验小学", "current"), id="a_unit_read_into_the_title_goes_back"),
    pytest.param("大会选举孙立平、郑海同志为省人大常委会副主任，刘东同志为省高级人民法院院长。",
                 ("郑海", "副主任", "省人大常委会", "new"), id="names_elected_to_one_post"),
    pytest.param("大会选举孙立平、郑海同志为省人大常委会副主任，刘东同志为省高级人民法院院长。",
                 ("刘东", "院长", "省高级人民法院", "new"), id="a_second_clause_of_an_election"),
    pytest.param("会议宣布，孙立平同志不再担任省高级人民法院党组书记职务。",
                 ("孙立平", "书记", "省高级人民法院党组", "former"), id="a_post_no_longer_held"),
])
def test_posts_in_brackets_and_appointments(nlp, text, fact):
    got = {(f["person"], f["role"], f["unit"], f["status"]) for f in build(nlp, text).facts}
    assert fact in got


def test_anonymised_people_are_no_persons(nlp):
    got = facts(nlp, "通报指出，乡镇学校原校长张某某违规收受礼金，家长王女士反映了情况。")
    assert not any("某" in f[0] or f[0].endswith("女士") for f in got)


def test_a_short_place_name_across_the_strait_is_not_that_county(nlp):
    got = facts(nlp, "臺南市舉辦活動。吉安醫療社團法人執行長陳志明出席。")
    assert ("陈志明", "执行长", "吉安医疗社团法人") in {f[:3] for f in got}
    assert not any(f[3] == "吉安县" for f in got)

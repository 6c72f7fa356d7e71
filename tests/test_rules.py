"""The rules as a whole: names, normalized text, damaged text and the pipelines they run in.

Sentences written for these tests (rules only unless a test asks for the model)."""

from __future__ import annotations

from tests.helpers import build, facts, facts_with_status
from zhkg.ner.extract import records
from zhkg.ner.rules.persons import bare_name
from zhkg.ner.text.normalize import normalize
from zhkg.ner.text.reading import Source
from zhkg.ner.vocabulary import lexicons


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


def test_no_name_is_read_inside_a_word_or_after_a_preposition(nlp):
    result = build(nlp, "本案由土木工程施工廠商於招標後進場。")
    assert not result.facts


def test_unit_words_and_short_county_names_are_no_names(nlp):
    got = facts(nlp, "台南市召开会议。将军区公所今天发放物资。奇美医疗财团法人柳营奇美医院派员协助。")
    assert {f[0] for f in got} == set()


def test_load_pipeline_is_the_build_pipeline_and_tags_all_kinds():
    from zhkg.ner import load_pipeline

    nlp = load_pipeline()
    doc = nlp("原平市第一人民医院主管护师弓晓宇在武汉工作。")
    labels = {e.label_ for e in doc.ents}
    assert {"PERSON", "ORG", "PLACE"} <= labels
    assert "护师" in [s.text for s in doc.spans["roles"]]
    assert nlp.pipe_names[-1] == "zhkg_entities"


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


def test_model_settles_the_last_character_of_a_name(with_model):
    assert ("李俊明", "书记", "中共忻州市委", "忻州市") in facts(with_model, "中共忻州市委书记李俊明主持会议。")
    assert {f[0] for f in facts(with_model, "中央纪委书记李希作重要讲话。")} == {"李希"}


def test_model_vetoes_a_dictionary_word_read_as_a_name_but_not_a_list_of_names(with_model):
    assert facts(with_model, "台南市消防局大队长及中正分队同仁与市长温馨围炉飨宴。") == set()
    result = build(with_model, "丹东市民政局下沉元宝区天泽社区的高歌、许治、周多等3名党员干部报到。")
    assert "高歌" in {e["name"] for e in result.entities if e["type"] == "PERSON"}


def test_model_vetoes_a_name_that_opens_with_a_common_verb(with_model):
    got = facts(with_model, "台南市召开会议。台南市各界参与。黄伟哲市长上任后推动多项建设。")
    assert {f[0] for f in got} == {"黄伟哲"}


def test_anonymised_people_are_no_persons(nlp):
    got = facts(nlp, "通报指出，乡镇学校原校长张某某违规收受礼金，家长王女士反映了情况。")
    assert not any("某" in f[0] or f[0].endswith("女士") for f in got)


def test_a_short_place_name_across_the_strait_is_not_that_county(nlp):
    got = facts(nlp, "臺南市舉辦活動。吉安醫療社團法人執行長陳志明出席。")
    assert ("陈志明", "执行长", "吉安医疗社团法人") in {f[:3] for f in got}
    assert not any(f[3] == "吉安县" for f in got)



def test_an_honorific_is_no_post(nlp):
    got = facts(nlp, "臺南市舉辦展覽。傳統木雕大師陳志忠、剪黏工藝大師林國輝到場。")
    assert not any(f[1] and f[1].endswith("大师") for f in got)


def test_names_end_before_their_predicate(nlp):
    got = {f[0] for f in facts(nlp, "香港特區行政長官李家輝今日出席活動。會上科技局局長劉洋則表示支持。")}
    assert {"李家辉", "刘洋"} <= got


def test_a_hong_kong_body_sits_in_its_region(nlp):
    got = facts(nlp, "香港特區政府舉行會議。政務司司長陳國強出席。香港各界參與。")
    assert ("陈国强", "司长", "政务司", "香港特别行政区") in got


def test_a_head_title_with_no_unit_named_or_implied_is_no_fact(nlp):
    got = facts(nlp, "臺南市舉辦活動。局長王大同表示，將持續推動。")
    assert not any(f[0] == "王大同" for f in got)


def test_traditional_script_with_converter_pinyin_gives_the_same_facts(nlp):
    import opencc

    simplified = ("阳泉市召开会议。阳泉市城区人民法院党组书记、院长刘建明出席，区委常委、宣传部部长王晓红主持。"
                  "市议员陈国栋、李佳慧到场。")
    traditional = opencc.OpenCC("s2t").convert(simplified).replace("區", "區(qū)").replace("長", "長(zhǎng)")
    assert facts(nlp, simplified) == facts(nlp, traditional) and len(facts(nlp, simplified)) >= 3


def test_kinds_of_people_occupations_and_deities_are_no_posts(nlp):
    got = facts(nlp, "臺南市舉辦活動。雇主應依規定辦理，歌手林小雨演唱，濟公禪師遶境。")
    assert not got


def test_status_markers_and_modifiers_are_no_part_of_names_or_titles(with_model):
    got = facts_with_status(with_model, "会上通报，中国农业银行湖南省分行原副巡视员蒋建国被查。开发区管理委员会原专职副主任王建被查。")
    assert ("蒋建国", "副巡视员", "中国农业银行湖南省分行", "former") in got
    assert not any(f[0].startswith("原") for f in got)


def test_a_committee_after_a_citys_post_is_that_citys(with_model):
    got = {f[:3] for f in facts(with_model, "李建华在担任萍乡市市长、市委书记期间违规收受礼金。")}
    assert ("李建华", "书记", "萍乡市委") in got


def test_a_name_found_once_is_a_name_wherever_it_stands(nlp):
    text = "会上，教授王立新介绍经验。王立新历任江北大学工学院院长。总统科学奖今天颁发。"
    got = {f[:3] for f in facts(nlp, text)}
    assert ("王立新", "院长", "江北大学工学院") in got
    assert not any(f[0].endswith("奖") for f in got)


def test_title_modifiers_and_verbs_read_as_titles_are_no_names_or_posts(nlp):
    got = facts(nlp, "臺南市舉辦活動。國立成功大學特聘教授王大明演講，漁民申領補助，陳彥嘉主持。")
    assert {f[0] for f in got} == {"王大明"}


def test_words_before_a_unit_are_cut_but_names_starting_like_them_are_kept():
    from zhkg.ner.rules.units import leading_words

    assert leading_words("随后学校") == 2 and leading_words("经教育局") == 1
    # a place or a name that starts with such a character is whole
    assert leading_words("向塘镇人民政府") == 0 and leading_words("都发局") == 0 and leading_words("同善堂") == 0


def test_a_title_carrying_its_units_short_name():
    from zhkg.ner.rules.facts import abbreviated_unit
    from zhkg.ner.vocabulary import lexicons

    lex = lexicons()
    assert abbreviated_unit("麻豆分局长", "本局", lex) == ("分局长", "本局麻豆分局")
    assert abbreviated_unit("农业局局长", None, lex) == ("局长", "农业局")  # the unit is whole before the title
    assert abbreviated_unit("组织部副部长", None, lex) == ("副部长", "组织部")
    assert abbreviated_unit("值班组长", None, lex) == ("值班组长", None)  # a team's head keeps its title
    assert abbreviated_unit("副局长", "民政局", lex) == ("副局长", "民政局")


def test_a_name_written_always_with_the_same_final_word_keeps_it(nlp):
    got = {f[0] for f in facts(nlp, "江城市公安局民警宋振和承担起巡逻任务。宋振和几年来坚守岗位。宋振和长期走访群众。")}
    assert "宋振和" in got and "宋振" not in got
    got = {f[0] for f in facts(nlp, "江城市公安局民警宋振和李华出席。宋振和张伟讨论。")}
    assert "宋振和" not in got  # 和 before another name is a conjunction


def test_an_honour_the_model_read_into_a_name_is_dropped(with_model):
    got = facts(with_model, "希盟柔州主席丹斯里慕尤丁指出，大会将于4月举办。")
    assert any(f[0] == "慕尤丁" and f[1] == "主席" for f in got)


def test_the_post_verb_after_a_name_is_no_part_of_it(with_model):
    got = facts(with_model, "经研究决定：聂雪舟任江城交通投资集团有限公司副总经理。")
    assert ("聂雪舟", "副总经理", "江城交通投资集团有限公司") in {f[:3] for f in got}


def test_a_post_without_its_unit_is_left_out_but_one_that_stands_alone_is_kept(nlp):
    got = facts(nlp, "活动邀请知名导演钱立群、教授孙志明出席。市议员王家贞也到场。")
    assert not any(f[0] in ("钱立群", "孙志明") for f in got)  # 导演, 教授 of no unit: half a fact
    assert any(f[0] == "王家贞" and f[1] == "市议员" for f in got)


def test_a_surname_and_the_deputys_mark_before_a_title_is_no_name(with_model):
    got = facts(with_model, "台南市举办活动。赵卿惠副市长代表市长致词，赵副市长表示将持续推动。")
    assert not any(f[0] == "赵副" for f in got)


def test_a_name_cut_short_where_the_model_reads_it_whole_elsewhere_is_whole(with_model):
    text = "江城粮食集团有限公司原董事长周新开“以粮养粮”违规出借钱款、受贿案。周新开在收储粮食过程中违规操作。"
    assert {f[0] for f in facts(with_model, text)} == {"周新开"}


def test_a_frequent_function_word_opens_no_name(with_model):
    result = build(with_model, "江城医院第一时间组建紧急医学救援队专家组，许多人主动请缨，护士长钱立群带队出发。")
    names = {e["name"] for e in result.entities if e["type"] == "PERSON"}
    assert "钱立群" in names and "许多人" not in names
    lex = lexicons()
    assert not bare_name("许多人", lex) and bare_name("高明华", lex)  # 高明 is a word, and a name's start


def test_a_status_another_mention_states_is_kept(nlp):
    text = "台南市政府今日公布新首长人选，包括研考会主委钱立群。钱立群将出任研考会主委新职，由前主计处长孙志明接手。"
    got = {(f[0], f[1]): f[3] for f in facts_with_status(nlp, text)}
    assert got.get(("钱立群", "主委")) == "new"


def test_a_unit_of_one_character_is_none(nlp):
    got = facts(nlp, "活动由本部新闻秘书钱立群主持，时任院党组书记、院长孙志明出席。")
    assert not any(f[2] is not None and len(f[2]) < 2 for f in got)


def test_a_municipalitys_press_short_form_in_the_headline_makes_it_home(nlp):
    text = ("南市西瓜雨害现金救助申请开始\n发稿单位：农业局\n发稿时间：111年4月19日\n\n"
            "3月霪雨影响，导致西瓜授粉不良及部分裂果腐烂，农损严重，农业委员会19日公告为农业天然灾害现金救助地区。"
            "凡符合此项灾害救助资格的农户，请尽速向土地所在地公所提出申请，低利贷款则向各地农渔会申贷。"
            "此次受灾的是臺南市西瓜产区。农业局长钱立群表示，农户请尽速申请。")
    got = facts(nlp, text)
    assert ("钱立群", "局长", "农业局", "台南市") in got


def test_a_citys_two_character_form_opens_no_name(with_model):
    assert facts(with_model, "台南市舉辦座談，高市新市長支持推動城市合作。") == set()


def test_a_brand_the_model_reads_as_a_name_opens_the_firms_name(with_model):
    result = build(with_model, "台南市舉辦園遊會。感謝金華府名譽主任委員、大旭貿易行股份有限公司董事長林志明大力贊助。")
    assert "大旭" not in {e["name"] for e in result.entities if e["type"] == "PERSON"}
    assert ("林志明", "董事长", "大旭贸易行股份有限公司") in {(f["person"], f["role"], f["unit"]) for f in result.facts}


def test_a_title_and_the_same_title_with_its_level_are_one_post(nlp):
    got = facts(nlp, "臺南市舉辦座談。有關市議員曾信明建議改善路燈，曾信明議員表示將持續關心。")
    assert {f[:3] for f in got if f[0] == "曾信明"} == {("曾信明", "市议员", None)}


def test_a_conjunction_the_model_reads_into_a_name_ends_it(with_model):
    got = facts(with_model, "台南市舉辦座談，與立法委員陳美員及地方議員進行交流。")
    assert {f[0] for f in got} == {"陈美员"}

"""Examples of the harvested lexicons the rule components load."""

from zhkg.ner.lexicons import (
    _spans_from_tags,
    harvest_org_suffixes,
    load_org_kinds,
    load_org_suffixes,
    load_role_heads,
    load_roles,
    load_surnames,
)


def test_roles_cover_party_posts_and_news_roles():
    roles = load_roles()
    assert {"书记", "党支部书记", "局长", "院长", "民警", "记者", "志愿者"} <= roles
    assert not any(r.endswith(("公司", "委员会", "医院")) for r in roles)
    assert not any(r.startswith("第") and "届" in r[:4] for r in roles)


def test_role_heads_recognise_unseen_compounds():
    heads = load_role_heads()
    assert {"书记", "主任", "局长"} <= heads.keys()
    assert "程师" not in heads  # truncation of 工程师, not a title
    title = "网格管理中心主任"
    assert any(title.endswith(h) for h in heads if len(h) >= 2)


def test_surnames():
    surnames = load_surnames()
    top = sorted(surnames, key=surnames.get, reverse=True)[:10]
    assert "王" in top and "李" in top
    assert "欧阳" in surnames
    assert "约翰" not in surnames and "麦克" not in surnames


def test_org_suffixes_longest_first():
    suffixes = load_org_suffixes()
    assert {"派出所", "有限公司", "委员会", "医院"} <= set(suffixes)
    assert len(suffixes[0]) >= len(suffixes[-1])
    assert "限公司" not in suffixes  # only a truncation of 有限公司
    assert next(s for s in suffixes if "城关镇派出所".endswith(s)).endswith("派出所")
    assert load_org_kinds().get("公司") == "company"


def test_org_suffix_harvest_drops_truncations():
    names = [f"{c}有限公司" for c in "甲乙丙丁戊己庚辛壬癸子丑"]
    assert set(harvest_org_suffixes(names)) == {"有限公司"}


def test_bio_and_bmes_spans():
    assert _spans_from_tags(["B-PER", "I-PER", "O", "B-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC")]
    assert _spans_from_tags(["B-TITLE", "M-TITLE", "E-TITLE", "S-NAME"]) == [(0, 3, "TITLE"), (3, 4, "NAME")]


def test_place_stoplist_harvest_runs_on_written_sentences():
    # The harvest behind `python -m zhkg.ner.lexicons` (it once imported a moved module and crashed):
    # a short place name met often outside any place span is listed, one met inside place spans is not.
    from zhkg.ner.lexicons import PLACE_MIN_OCC, harvest_place_stoplist

    word = "和平"
    n = max(PLACE_MIN_OCC, 3)
    as_word = [(f"我们热爱{word}与发展。", []) for _ in range(n)]
    listed = harvest_place_stoplist(as_word)
    assert word in listed and listed[word][1] >= n
    as_place = [(f"{word}区的人口增长。", [(0, 3, "LOC")]) for _ in range(n)]
    assert word not in harvest_place_stoplist(as_place)

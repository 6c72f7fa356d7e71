"""The entity layer: `doc.ents` adds to the model's entities, and no verb phrase or fragment is listed
as an organization (ner/components.py: entity_layers, listed_orgs)."""

from __future__ import annotations

from zhkg.ner.components import _name_tail, entity_layers, listed_orgs


def _tail(nlp, text: str, chain: str) -> str | None:
    doc = nlp(text)
    start = text.index(chain)
    span = doc.char_span(start, start + len(chain), label="ORG")
    tail = _name_tail(span, doc)
    return tail.text if tail is not None else None


def test_a_chain_that_reads_as_a_name_is_kept_whole(nlp):
    assert _tail(nlp, "县委巡察组近日进驻该村。", "县委巡察组") == "县委巡察组"
    assert _tail(nlp, "他是县委巡察组组长。", "县委巡察组") is None  # 组|组长: it ends inside a word
    assert _tail(nlp, "他到市人民医院看望病人。", "市人民医院") == "市人民医院"


def test_a_verb_phrase_before_the_unit_is_cut_off(nlp):
    assert _tail(nlp, "该地卓越成为保护区管理局的样板。", "卓越成为保护区管理局") == "保护区管理局"


def test_a_verb_phrase_alone_is_no_organization(nlp):
    assert _tail(nlp, "要不断健全机构，完善制度。", "健全机构") is None
    assert _tail(nlp, "他们居家隔离中，情绪稳定。", "居家隔离中") is None


def test_the_units_of_posts_are_listed(nlp):
    doc = nlp("忻府区秀容税务所党支部书记王诚主持会议。")
    units = {f.unit for f in doc._.facts}
    assert units and {s.text for s in listed_orgs(doc)} & units


def test_model_entities_come_first_and_rules_fill_the_gaps(with_model):
    doc = with_model("台南市长黄伟哲今天到永康区视察，并与市府团队座谈。")
    ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    model = [e for layer in entity_layers(doc)[:3] for e in layer]
    assert model, "the shipped model finds entities here"
    for e in model:  # each kept as the model set it, unless an entity before it took those characters
        assert (e.start_char, e.end_char) in {(a, b) for a, b, _ in ents} or any(
            a < e.end_char and e.start_char < b for a, b, _ in ents)
    assert ("黄伟哲" , "PERSON") in {(doc.text[a:b], label) for a, b, label in ents}
    for i, (a, b, _) in enumerate(ents):  # one layer: no two entities overlap
        assert all(not (a < d and c < b) for c, d, _ in ents[i + 1:])

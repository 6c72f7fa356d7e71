from pathlib import Path

import pytest

from zhkg.ner.text.normalize import GETA, normalize, to_simplified

SEED_000 = Path(__file__).resolve().parents[1] / "seeds" / "000_26b93d58d52eceed.txt"


def garble(text: str, at: int) -> str:
    """What the converters did: the GBK stream is cut inside character ``at``; its orphaned lead byte
    shows as ``?`` and the rest decodes one byte out of step until an ASCII-range trail byte."""
    data = text.encode("gbk")
    cut = len(text[:at].encode("gbk")) + 1
    return text[:at] + "?" + data[cut:].decode("gbk")


def assert_maps_back(n, fragment: str, expected: str) -> None:
    start = n.text.index(fragment)
    a, b = n.to_original(start, start + len(fragment))
    assert n.original[a:b] == expected


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("新建的醫(yī)院下月啟用", "新建的医院下月启用"),
        ("兩岸聯(lián)繫更加密切", "两岸联系更加密切"),
        ("全面進入戰(zhan)時狀態", "全面进入战时状态"),
        ("村民聯(lián xì)了鎮政府", "村民联了镇政府"),
        ("女(nǚ)足隊員", "女足队员"),
    ],
)
def test_pinyin_annotations_are_removed(raw, clean):
    assert normalize(raw).text == clean


@pytest.mark.parametrize(
    "raw",
    ["市委常委会(扩大)会议召开", "该项目(2020)已完工", "联合国教科文组织(UNESCO)发布报告", "附件(a)为名单"],
)
def test_ordinary_parentheses_stay(raw):
    n = normalize(raw)
    assert n.text == raw
    assert n.damage == []


def test_offsets_map_back_across_removed_pinyin():
    n = normalize("湖北醫(yī)療隊抵達武漢,與當地醫(yī)院聯(lián)繫")
    assert n.text == "湖北医疗队抵达武汉,与当地医院联系"
    assert_maps_back(n, "医疗队", "醫(yī)療隊")
    assert_maps_back(n, "武汉", "武漢")
    assert_maps_back(n, "联系", "聯(lián)繫")


def test_t2s_fold_keeps_length_and_offsets():
    raw = "臺南市政府衛生局發佈新聞稿"
    n = normalize(raw)
    assert n.text == "台南市政府卫生局发布新闻稿"
    assert len(n.text) == len(raw)
    assert_maps_back(n, "卫生局", "衛生局")
    assert to_simplified("鄉鎮幹部") == "乡镇干部"


def test_shifted_gbk_run_is_repaired():
    sentence = "委員會表示。“這項調查將於下週公佈結果，請民眾留意。"
    raw = "據報導," + garble(sentence, 5)
    assert "?！斑@" in raw
    n = normalize(raw)
    assert n.text == "据报导," + to_simplified(sentence)
    [d] = n.damage
    assert (d.kind, d.replacement) == ("repaired", "。“这")
    assert not n.is_damaged(0, len(n.text))
    assert_maps_back(n, "委员会表示", "委員會表示")


def test_repair_then_pinyin_removal():
    raw = garble("委員會表示。“這項調查", 5).replace("@", "@(zhè)")
    assert raw.endswith("斑@(zhè)項調查")
    n = normalize(raw)
    assert n.text == "委员会表示。“这项调查"
    assert n.damage[0].kind == "repaired"


def test_unguessable_first_character_is_flagged():
    sentence = "委員會表示,這項調查將於下週公佈結果"
    raw = garble(sentence, 10)
    n = normalize(raw)
    assert n.text == "委员会表示,这项调查" + GETA + "于下周公布结果"
    geta = n.text.index(GETA)
    assert n.is_damaged(geta, geta + 1)
    assert not n.is_damaged(geta + 1, len(n.text))
    kinds = sorted(d.kind for d in n.damage)
    assert kinds == ["garbled", "repaired"]


def test_lossy_run_is_flagged_not_rewritten():
    raw = "今年工作成效明顯?!?/p>"
    n = normalize(raw)
    assert n.text == to_simplified(raw)
    [d] = n.damage
    assert d.kind == "garbled" and d.replacement is None
    assert n.is_damaged(d.start, d.end)
    assert n.original[slice(*n.to_original(d.start, d.end))] == d.original


def test_run_that_lost_its_end_is_repaired_up_to_the_loss():
    n = normalize("請相信黨和政府?!毙酶畢?/p>")
    assert n.text.startswith("请相信党和政府。”忻府" + GETA)
    lost = n.text.index(GETA)
    assert n.is_damaged(lost, lost + 1)
    assert not n.is_damaged(0, lost)


def test_real_question_mark_is_left_alone():
    raw = "你們準備好了嗎?我們明天出發。"
    n = normalize(raw)
    assert n.damage == []
    assert n.text == "你们准备好了吗?我们明天出发。"


def test_seed_000_run_is_repaired_with_offsets():
    raw = SEED_000.read_text(encoding="utf-8")
    n = normalize(raw)
    run = raw.index("?!毙酶畢^")
    [d] = [d for d in n.damage if d.original == "?!毙酶畢^"]
    assert d.kind == "repaired" and "忻府" in d.replacement
    start = n.text.index("忻府区", d.start)
    a, b = n.to_original(start, start + 2)
    assert run < a < b <= run + len("?!毙酶畢^")
    assert n.text[d.end : d.end + 4] == "秀容税务"
    assert "(qū)" not in n.text and "(zhàn)" not in n.text


def test_megabyte_is_fast():
    import time

    raw = ("湖北醫(yī)療隊抵達武漢。" + garble("委員會表示。“這項調查", 5) + "\n") * 40_000
    started = time.perf_counter()
    n = normalize(raw)
    assert time.perf_counter() - started < 5
    assert len(n.damage) == 40_000
    assert_maps_back(n, "武汉", "武漢")

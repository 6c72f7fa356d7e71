"""The date every fact of a document carries, in the ways news states it (texts written for the tests)."""

from __future__ import annotations

import pytest

from zhkg.ner.text.dates import document_date


@pytest.mark.parametrize("text, name, date", [
    pytest.param("干部任前公示\n发布时间：2024年11月02日\n正文", "a.txt", "2024-11-02", id="labelled_gregorian"),
    pytest.param("市府活動\n發稿單位：社會局\n发稿时间：112年3月8日14:20\n", "a.txt", "2023-03-08", id="labelled_roc"),
    pytest.param("招標公告\n公告日：110/05/21該顯示", "a.txt", "2021-05-21", id="labelled_roc_numeric"),
    pytest.param("本报讯（2025年01月14日第 04 版）", "a.txt", "2025-01-14", id="dateline"),
    pytest.param("民国109年12月1日起施行", "a.txt", "2020-12-01", id="roc_year"),
    pytest.param("没有日期的正文。", "2021-05-20_7768293.txt", "2021-05-20", id="file_name_last"),
    pytest.param("没有日期的正文。", "t20220507_190989.txt", "2022-05-07", id="compact_file_name"),
    pytest.param("会上通报了110起案件。", "a.txt", None, id="a_count_is_no_year"),
])
def test_document_date(text, name, date):
    assert document_date(text, name) == date

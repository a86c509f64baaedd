import pytest

from jobs.forms import rule_violations


@pytest.mark.parametrize(
    "text",
    [
        "限男性",
        "女性优先",
        "仅限本地户籍",
        "不招外地人",
        "本地户口优先",
        "限汉族",
        "入职需交押金200元",
        "收取培训费",
        "高薪诚聘",
        "保录取",
    ],
)
def test_machine_checkable_violations_are_caught(text):
    assert rule_violations(text)


@pytest.mark.parametrize(
    "text",
    [
        "男女不限，不限户籍",
        "无需押金，不收取任何费用",
        "工作认真负责，包食宿",
        "欢迎应届毕业生",
    ],
)
def test_ordinary_and_reassuring_texts_pass(text):
    assert rule_violations(text) == []

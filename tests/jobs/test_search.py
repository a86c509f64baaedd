"""A labelled test set for Chinese keyword search (jobs/search.py).

Each query lists the postings it must find and those it must not: substrings
inside longer words, mixed Chinese and Latin, single characters, Latin words,
several terms, and texts that merely share characters.
"""

import pytest

from jobs.models import JobPosting
from jobs.search import to_tsquery
from tests import factories

CORPUS = {
    "accountant": ("财务会计师", "负责公司财务会计核算，编制报表。"),
    "cashier": ("出纳", "办理现金收付，协助会计做账。"),
    "electrician": ("维修电工", "负责厂区高压电工作业与设备维修。"),
    "plumber": ("水电工", "小区水电安装维修。"),
    "welder": ("氩弧焊工", "不锈钢焊接，持焊工证。"),
    "python": ("Python开发工程师", "使用Django开发后端服务，熟悉PostgreSQL。"),
    "java": ("Java开发工程师", "Spring Boot微服务开发。"),
    "frontend": ("前端开发工程师", "Vue/React页面开发，熟悉JavaScript。"),
    "warehouse": ("仓库管理员", "负责仓库管理，收发货与盘点。"),
    "forklift": ("叉车司机", "持叉车证，负责仓库货物装卸。"),
    "truck": ("货车司机", "持B2驾照，珠三角配送。"),
    "cook": ("粤菜厨师", "负责粤菜烹饪，熟悉早茶点心。"),
    "waiter": ("餐厅服务员", "点菜传菜，热情服务。"),
    "cnc": ("数控车床操作工", "操作数控车床加工五金零件。"),
    "engineer": ("施工员", "负责建筑工程现场施工管理。"),
    "sales": ("销售代表", "开拓珠三角客户，完成销售目标。"),
    "nurse": ("护理员", "照护长者日常起居。"),
    "c2": ("C语言嵌入式工程师", "单片机C语言开发。"),
}

CASES = [
    # A two-character term inside longer words.
    ("会计", {"accountant", "cashier"}, {"sales"}),
    ("电工", {"electrician", "plumber"}, {"welder"}),
    ("焊工", {"welder"}, {"electrician"}),
    ("工程", {"python", "java", "frontend", "engineer", "c2"}, {"cook"}),
    ("司机", {"forklift", "truck"}, {"warehouse"}),
    ("车床", {"cnc"}, {"forklift"}),
    ("厨师", {"cook"}, {"waiter"}),
    # Longer phrases must appear exactly.
    ("财务会计", {"accountant"}, {"cashier"}),
    ("仓库管理", {"warehouse"}, {"forklift"}),
    ("叉车司机", {"forklift"}, {"truck"}),
    ("数控车床", {"cnc"}, set()),
    ("开发工程师", {"python", "java", "frontend"}, {"engineer", "c2"}),
    ("高压电工", {"electrician"}, {"plumber"}),
    ("粤菜厨师", {"cook"}, set()),
    # Mixed Chinese and Latin, Latin words, case and full-width letters.
    ("Python开发", {"python"}, {"java", "frontend"}),
    ("python", {"python"}, {"java"}),
    ("PYTHON", {"python"}, set()),
    ("ｐｙｔｈｏｎ", {"python"}, set()),
    ("Java", {"java", "frontend"}, {"python"}),  # JavaScript starts with java
    ("django", {"python"}, set()),
    ("postgres", {"python"}, set()),
    ("C语言", {"c2"}, {"python"}),
    ("B2", {"truck"}, set()),
    # Single characters.
    ("焊", {"welder"}, {"electrician"}),
    ("厨", {"cook"}, set()),
    ("叉", {"forklift"}, set()),
    ("师", {"accountant", "python", "java", "frontend", "cook", "c2"}, {"waiter"}),
    # Several terms: all must match.
    ("仓库 盘点", {"warehouse"}, {"forklift"}),
    ("司机 珠三角", {"truck"}, {"forklift"}),
    ("开发 Django", {"python"}, {"java"}),
    # Sharing characters is not enough; absent words find nothing.
    ("会师", set(), {"accountant"}),
    ("区块链", set(), set(CORPUS)),
    ("管理员 厨师", set(), set(CORPUS)),
    # Punctuation and symbols are ignored, not errors.
    ("电工！", {"electrician", "plumber"}, set()),
    ("'; DROP TABLE", set(), set(CORPUS)),
]


@pytest.fixture
def corpus(foshan):
    employer = factories.make_employer(org_unit=foshan["chancheng_street"])
    return {
        key: factories.make_posting(
            employer, title=title, occupation_name=title, description=text
        ).pk
        for key, (title, text) in CORPUS.items()
    }


@pytest.mark.parametrize(("query", "hits", "misses"), CASES, ids=[c[0] for c in CASES])
def test_search_finds_what_it_should(corpus, query, hits, misses):
    found = set(
        JobPosting.objects.published().search(query).values_list("pk", flat=True)
    )
    ids = {key for key, pk in corpus.items() if pk in found}
    assert hits <= ids, f"{query!r} missed {hits - ids}"
    assert not (misses & ids), f"{query!r} wrongly found {misses & ids}"


def test_the_labelled_set_is_large_enough():
    assert len(CASES) >= 30


def test_query_text_is_never_passed_raw():
    assert to_tsquery("a' | b") == "('a':*) & ('b':*)"
    assert to_tsquery("！？") is None

"""求职人员类别 as the Ministry's supply-and-demand table prints them: every seeker
in exactly one category, by the documented order of precedence, so that the
categories add up to the total; the table prints every official row in order,
zeros included, with its "of which" row and the note on laid-off workers."""

import datetime
from decimal import Decimal

from django.utils import timezone

from graduates.models import Graduate
from portal.models import Person
from registration.models import UnemploymentRegistration
from stats import queries, services
from stats.categories import CATEGORIES
from stats.models import Fact, Report
from stats.periods import MONTH, Period
from stats.supply_demand import supply_and_demand
from tests import factories
from tests.stats.test_reports import pdf_text, sheet_rows

Cause, Status = UnemploymentRegistration.Cause, UnemploymentRegistration.Status
OFFICIAL_ROWS = ["新成长失业青年", "其中：应届高校毕业生", "就业转失业人员",
                 "其他失业人员", "在业人员", "下岗职工", "退休人员", "在学人员",
                 "本市农村人员", "外埠人员"]  # fmt: skip


def seeker(foshan, *, area="440604", birth="19950101", hukou=("", "")):
    user = factories.make_seeker(
        residence=foshan["chancheng_community"],
        id_number=factories.id_number(area=area, birth=birth),
    )
    place, kind = hukou
    Person.objects.filter(pk=user.person.pk).update(hukou_place=place, hukou_type=kind)
    user.person.refresh_from_db()
    return user


def test_every_seeker_falls_in_exactly_one_category(foshan, caseworker, employer):
    year = timezone.localdate().year
    expected = {}

    def registered(category, cause, **options):
        user = seeker(foshan, **options)
        factories.make_unemployment(user.person, by=caseworker, cause=cause)
        expected[category] = expected.get(category, 0) + 1
        return user

    def with_resume(category, **options):
        user = seeker(foshan, **options)
        factories.make_resume(user)
        expected[category] = expected.get(category, 0) + 1
        return user

    graduate = registered("graduate", Cause.LEFT_SCHOOL)
    factories.make_graduate(graduate.person, year=year)
    registered("youth", Cause.LEFT_SCHOOL)
    # Registered unemployment comes before the hukou.
    registered("lost_job", Cause.LOST_JOB, hukou=("湖南省郴州市", "rural"))
    registered("other_unemployed", Cause.BUSINESS_CLOSED)
    hired = with_resume("employed")
    factories.file_hire(employer, hired.person, timezone.localdate())
    with_resume("retired", birth="19550101")
    student = with_resume("student")
    factories.make_graduate(student.person, year=year + 1)
    with_resume("non_local", hukou=("湖南省郴州市", "rural"))
    with_resume("non_local", area="430102")  # no hukou recorded: the ID number
    with_resume("rural", hukou=("广东省佛山市南海区", "rural"))
    with_resume("other_unemployed", hukou=("广东省佛山市", "urban"))
    local_graduate = with_resume("graduate", hukou=("佛山市", "urban"))
    factories.make_graduate(local_graduate.person, year=year)
    assert Graduate.objects.count() == 3

    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    stored = {
        fact.category: fact.value
        for fact in Fact.objects.for_period(period).filter(
            org_unit=foshan["city"], indicator="seekers", dimension="seeker_category"
        )
    }
    total = Fact.objects.for_period(period).get(
        org_unit=foshan["city"], indicator="seekers", dimension=""
    )
    categories = [key for key, _label in CATEGORIES["seeker_category"]]
    assert stored == {key: expected.get(key, 0) for key in categories}
    assert sum(stored.values()) == total.value == 12

    table = queries.seeker_category_table(foshan["city"], period)
    rows = {row.key: row for row in table}
    assert rows["new_entrant"].seekers == 3 and rows["graduate"].seekers == 2
    assert rows["graduate"].seekers_share == Decimal("66.67")  # of the new entrants
    counted = [row for key, row in rows.items() if key not in ("", "graduate")]
    assert sum(row.seekers for row in counted) == rows[""].seekers == 12


def test_the_report_prints_every_official_seeker_row_in_order(foshan, market, leader):
    period = Period.containing("month", timezone.localdate())
    report = services.build_report(
        Report.objects.create(period_kind=period.kind, period_start=period.start,
                              org_unit=foshan["city"], requested_by=leader)
    )  # fmt: skip
    text = pdf_text(report)
    table = text[text.index("按求职人员类别分组") : text.index("按性别分组")]
    lines = [line.split() for line in table.splitlines() if line.strip()]
    printed = [line for line in lines if line[0] in OFFICIAL_ROWS]
    assert [line[0] for line in printed] == OFFICIAL_ROWS
    # Two seekers with resumes, local and not registered: other unemployed.
    seekers = {line[0]: line[5] for line in printed}
    assert seekers == {
        row: "2" if row == "其他失业人员" else "0" for row in OFFICIAL_ROWS
    }
    assert "注：本系统无下岗职工登记来源，按0填报" in table
    [_header, total, *rows] = sheet_rows(report, "按求职人员类别分组")
    assert [row[0] for row in rows[: len(OFFICIAL_ROWS)]] == OFFICIAL_ROWS
    assert total[5] == 2


def test_a_new_entrant_who_graduated_last_year_is_not_this_years_graduate(
    foshan, caseworker
):
    user = seeker(foshan)
    factories.make_unemployment(user.person, by=caseworker, cause=Cause.LEFT_SCHOOL)
    factories.make_graduate(user.person, year=timezone.localdate().year - 1)
    period = Period.containing("month", timezone.localdate())
    services.refresh_facts(period)
    table = queries.seeker_category_table(foshan["city"], period)
    rows = {row.key: row.seekers for row in table}
    assert rows["new_entrant"] == 1 and rows["graduate"] == 0


def test_the_cause_is_that_of_the_latest_registration_in_the_period(foshan, caseworker):
    """Registered on a later day wins, whatever order the rows were made in; on
    the same day the later row; a registration cancelled before the period does
    not count."""
    first = datetime.date(2026, 11, 1)

    def registered(user, cause, on, cancelled=None):
        row = factories.make_unemployment(user.person, by=caseworker, cause=cause)
        UnemploymentRegistration.objects.filter(pk=row.pk).update(
            registered_on=on,
            cancelled_on=cancelled,
            status=Status.CANCELLED if cancelled else Status.REGISTERED,
        )

    later_day = seeker(foshan)
    registered(later_day, Cause.LOST_JOB, first + datetime.timedelta(5),
               first + datetime.timedelta(6))  # fmt: skip
    registered(later_day, Cause.LEFT_SCHOOL, first + datetime.timedelta(2))
    later_day_made_first = seeker(foshan)
    registered(later_day_made_first, Cause.LOST_JOB, first, first)
    registered(later_day_made_first, Cause.LEFT_SCHOOL, first - datetime.timedelta(9))
    same_day = seeker(foshan)
    registered(same_day, Cause.LEFT_SCHOOL, first, first)
    registered(same_day, Cause.BUSINESS_CLOSED, first)
    cancelled_before = seeker(foshan)
    registered(cancelled_before, Cause.LEFT_SCHOOL, first - datetime.timedelta(60),
               first - datetime.timedelta(1))  # fmt: skip
    registered(cancelled_before, Cause.LOST_JOB, first + datetime.timedelta(3))
    period = Period(MONTH, first)
    seekers = supply_and_demand(period)["seekers"]
    city = foshan["city"].descendant_prefix
    found = {key[2]: value for key, value in seekers.items()
             if key[0] == city and key[1] == "seeker_category" and value}  # fmt: skip
    assert found == {"lost_job": 3, "other_unemployed": 1}

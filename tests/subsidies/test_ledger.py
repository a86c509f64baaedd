"""No month paid twice: the ledger of months per person and benefit item, the
months checked against the records, the limits across applications and the
bank's payment date (docs/subsidies.md, "Double claims" and "Months and
records")."""

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from portal.models import DifficultyCategory
from registration import services as registration
from registration.models import DifficultyRecognition, EmploymentRegistration
from subsidies import services
from subsidies.models import (
    Application,
    ClaimedPeriod,
    Payment,
    PolicyVersion,
    SubsidyType,
)
from subsidies.queries import fund_use
from subsidies.services import chain, payments
from tests import factories

JANUARY = datetime.date(2026, 1, 1)


def flexible(seeker, start=datetime.date(2025, 12, 1)):
    registration.register_self_employment(
        EmploymentRegistration(
            person=seeker.person, kind="flexible", source="self",
            business_name="外卖骑手", start_date=start,
        ),
        by=seeker,
    )  # fmt: skip


def recognised(seeker, unit):
    DifficultyRecognition.objects.create(
        person=seeker.person,
        category=DifficultyCategory.objects.get(code="disabled"),
        org_unit=unit,
        status="approved",
        statement="持残疾证",
        submitted_by=seeker,
        approved_on=datetime.date(2025, 11, 1),
    )


def insurance(seeker, code, start=JANUARY, months=6):
    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code=code),
            person=seeker.person,
            months=months,
            monthly_base=Decimal("900"),
            period_start=start,
        ),
        by=seeker,
    )


@pytest.fixture
def in_both_groups(seeker, foshan):
    """A 2025 graduate in flexible work, also recognised as having employment
    difficulty: both social-insurance subsidies are open to her."""
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    recognised(seeker, foshan["chancheng"])
    return seeker


def twin_of(application, code):
    """The same months under another type, written past the services (as the
    double payment of the issue got in)."""
    twin = Application.objects.get(pk=application.pk)
    twin.pk, twin.code = None, uuid.uuid4()
    twin.subsidy_type = SubsidyType.objects.get(code=code)
    twin.version = twin.subsidy_type.version_on()
    twin.save()
    return twin


def test_the_two_social_insurance_types_never_pay_the_same_months(in_both_groups):
    first = insurance(in_both_groups, "social-insurance-graduate")
    assert first.amount == Decimal("3600.18")
    with pytest.raises(services.SubsidyError, match="2026|社会保险补贴|already"):
        insurance(in_both_groups, "social-insurance-difficulty")
    assert insurance(in_both_groups, "social-insurance-difficulty", months=6,
                     start=datetime.date(2026, 7, 1))  # fmt: skip


def test_the_rule_before_payment_holds_the_second_type_for_the_same_months(
    in_both_groups, staff
):
    first = factories.approve_subsidy(
        insurance(in_both_groups, "social-insurance-graduate"), staff
    )
    payments.create_batch([first], by=staff["payer"])
    twin = twin_of(first, "social-insurance-difficulty")
    assert payments.payment_refusals(twin)


def test_the_ledger_refuses_the_same_months_of_one_item_under_another_type(
    in_both_groups, staff
):
    first = factories.approve_subsidy(
        insurance(in_both_groups, "social-insurance-graduate"), staff
    )
    assert ClaimedPeriod.objects.get(application=first).item == "social-insurance"
    twin = twin_of(first, "social-insurance-difficulty")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimedPeriod.objects.create(
            application=twin,
            person=twin.person,
            item="social-insurance",
            period_start=datetime.date(2026, 6, 1),
            period_end=datetime.date(2026, 6, 30),
        )
    # Approving the twin goes through the same ledger and is refused.
    Application.objects.filter(pk=twin.pk).update(
        status="on_notice", notice_ends=datetime.date(2026, 1, 1)
    )
    approver = factories.make_staff("caseworker", org_unit=staff["city"].org_unit)
    with pytest.raises(services.SubsidyError, match="already granted|已"):
        chain.approve_application(twin, by=approver)
    # Other months of the item, or the same months of another item, are free.
    ClaimedPeriod.objects.create(
        application=twin, person=twin.person, item="social-insurance",
        period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 7, 31),
    )  # fmt: skip


def test_months_without_a_period_are_refused(in_both_groups):
    with pytest.raises(services.SubsidyError, match="month|月"):
        insurance(in_both_groups, "social-insurance-graduate", start=None)
    assert not Application.objects.exists()
    with pytest.raises(services.SubsidyError, match="once|一次"):
        services.submit_application(
            Application(
                subsidy_type=SubsidyType.objects.get(code="start-up"),
                person=in_both_groups.person,
                months=3,
                period_start=JANUARY,
            ),
            by=in_both_groups,
        )


def test_the_database_refuses_months_without_a_period(in_both_groups):
    application = insurance(in_both_groups, "social-insurance-graduate")
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(period_start=None)


def test_months_the_records_do_not_support_are_refused_and_named(seeker):
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker, start=datetime.date.today())
    with pytest.raises(services.SubsidyError) as refused:
        insurance(seeker, "social-insurance-graduate", datetime.date(2019, 1, 1))
    reason = str(refused.value)
    assert "2019-01" in reason and "2019-06" in reason
    assert "2024" in reason  # before the policy took effect
    with pytest.raises(services.SubsidyError) as refused:
        insurance(seeker, "social-insurance-graduate", datetime.date(2027, 5, 1), 3)
    # Two years after leaving school in July 2025 end with June 2027.
    assert "2027-07" in str(refused.value) and "2027-06" not in str(refused.value)


def test_the_type_limit_holds_across_applications(in_both_groups):
    """A city's version allowing 12 months: well under the shared 36."""
    version = SubsidyType.objects.get(code="social-insurance-difficulty").version_on()
    PolicyVersion.objects.filter(pk=version.pk).update(max_months=12)
    first = insurance(in_both_groups, "social-insurance-difficulty", months=10)
    Application.objects.filter(pk=first.pk).update(status="paid")
    later = datetime.date(2026, 11, 1)
    with pytest.raises(services.SubsidyError, match="12"):
        insurance(in_both_groups, "social-insurance-difficulty", later, 3)
    assert insurance(in_both_groups, "social-insurance-difficulty", later, 2)


def test_the_bank_date_is_the_month_a_payment_counts_in(in_both_groups, staff, foshan):
    application = factories.approve_subsidy(
        insurance(in_both_groups, "social-insurance-graduate"), staff
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    bank_day = datetime.date.today() - datetime.timedelta(days=40)
    payment = payments.settle_payment(
        batch.payments.get(), paid=True, by=staff["payer"], paid_on=bank_day
    )
    assert payment.paid_on == bank_day
    today = datetime.date.today()
    [row] = fund_use(foshan["city"], today, today)
    assert row["paid_amount"] == 0
    [row] = fund_use(foshan["city"], bank_day, bank_day)
    assert row["paid_amount"] == application.amount


def test_the_back_office_asks_the_bank_date_today_by_default(
    in_both_groups, staff, client
):
    application = factories.approve_subsidy(
        insurance(in_both_groups, "social-insurance-graduate"), staff
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    payment = batch.payments.get()
    client.force_login(staff["payer"])
    url = reverse("admin:subsidies_payment_changelist")
    selection = {"action": "mark_paid", "_selected_action": [payment.pk]}
    page = client.post(url, selection)  # first the form asking for the date
    assert page.context["form"]["paid_on"].value() == datetime.date.today()
    payment.refresh_from_db()
    assert payment.status == "pending"
    client.post(url, {**selection, "paid_on": "2026-11-30"})
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == ("paid", datetime.date(2026, 11, 30))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_types_claimed_at_once_for_the_same_months_end_with_one_paid():
    foshan = factories.make_org_tree()
    seeker = factories.make_seeker(residence=foshan["chancheng_community"])
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    recognised(seeker, foshan["chancheng"])
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(code):
        try:
            barrier.wait()
            insurance(seeker, code)
            outcomes.append("ok")
        except services.SubsidyError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=[code])
        for code in ("social-insurance-graduate", "social-insurance-difficulty")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    [survivor] = Application.objects.all()
    staff = {
        "street": factories.make_staff(
            "caseworker", org_unit=foshan["chancheng_street"]
        ),
        "district": factories.make_staff("caseworker", org_unit=foshan["chancheng"]),
        "city": factories.make_staff("caseworker", org_unit=foshan["city"]),
    }
    survivor = factories.approve_subsidy(survivor, staff)
    payer = factories.make_staff("caseworker", org_unit=foshan["city"])
    batch, _held = payments.create_batch([survivor], by=payer)
    payments.settle_payment(batch.payments.get(), paid=True, by=payer)
    assert Payment.objects.filter(status="paid").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_at_once_for_the_same_months_of_one_item_end_with_one():
    foshan = factories.make_org_tree()
    seeker = factories.make_seeker(residence=foshan["chancheng_community"])
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    recognised(seeker, foshan["chancheng"])
    first = insurance(seeker, "social-insurance-graduate")
    twin = twin_of(first, "social-insurance-difficulty")
    Application.objects.update(status="on_notice", notice_ends=JANUARY)
    approvers = [
        factories.make_staff("caseworker", org_unit=foshan["city"]) for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(application, approver):
        try:
            barrier.wait()
            chain.approve_application(application, by=approver)
            outcomes.append("ok")
        except services.SubsidyError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=pair)
        for pair in zip([first, twin], approvers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Application.objects.filter(status="approved").count() == 1
    assert ClaimedPeriod.objects.count() == 1

"""The cross-type rules of docs/subsidies.md, "Double claims", each with a
passing and a failing case."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from subsidies import services
from subsidies.models import Application, PolicyVersion, SubsidyType
from subsidies.services import chain, payments
from tests import factories
from tests.subsidies.test_applications import flexible


def certificate(seeker, code, level, occupation="电工", number="S2026-001"):
    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code=code),
            person=seeker.person,
            level=level,
            occupation=occupation,
            certificate_number=number,
        ),
        by=seeker,
    )


def paid(application, staff):
    application = factories.approve_subsidy(application, staff)
    batch, _held = payments.create_batch([application], by=staff["payer"])
    payments.settle_payment(batch.payments.get(), paid=True, by=staff["payer"])
    return application


@pytest.fixture
def unemployed_seeker(seeker, caseworker):
    factories.make_unemployment(seeker.person, by=caseworker)
    return seeker


def test_one_certificate_is_paid_once_whichever_fund_pays(unemployed_seeker):
    first = certificate(unemployed_seeker, "training", "四级")
    with pytest.raises(services.SubsidyError, match="电工"):
        certificate(unemployed_seeker, "skill-upgrade", "四级")
    # Another occupation is another certificate: the other fund may pay it.
    other = certificate(unemployed_seeker, "skill-upgrade", "四级", occupation="焊工")
    assert other.status == first.status == "submitted"


def test_the_database_refuses_a_second_claim_for_one_certificate(unemployed_seeker):
    first = certificate(unemployed_seeker, "training", "三级")
    twin = Application.objects.get(pk=first.pk)
    twin.pk, twin.code = None, uuid.uuid4()
    twin.subsidy_type = SubsidyType.objects.get(code="skill-upgrade")
    twin.version = twin.subsidy_type.version_on()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_no_lower_level_after_a_higher_one(seeker, staff):
    paid(certificate(seeker, "skill-upgrade", "三级"), staff)
    with pytest.raises(services.SubsidyError, match="higher level|更高"):
        certificate(seeker, "skill-upgrade", "五级", number="S2")
    assert certificate(seeker, "skill-upgrade", "五级", occupation="焊工")


def test_skill_upgrading_at_most_three_times_a_year(seeker, staff):
    for occupation in ("电工", "焊工", "钳工"):
        paid(certificate(seeker, "skill-upgrade", "五级", occupation=occupation), staff)
    with pytest.raises(services.SubsidyError, match="3"):
        certificate(seeker, "skill-upgrade", "五级", occupation="车工")
    with time_machine.travel(datetime.datetime(datetime.date.today().year + 1, 3, 1)):
        assert certificate(seeker, "skill-upgrade", "五级", occupation="车工")


def test_training_once_a_year(unemployed_seeker, staff):
    paid(certificate(unemployed_seeker, "training", "五级"), staff)
    with pytest.raises(services.SubsidyError, match="1"):
        certificate(unemployed_seeker, "training", "四级", occupation="焊工")


def test_a_refused_application_does_not_count(unemployed_seeker, staff):
    first = certificate(unemployed_seeker, "training", "五级")
    chain.accept_application(first, by=staff["district"])
    chain.refuse_application(first, "证书系伪造", by=staff["district"])
    assert certificate(unemployed_seeker, "training", "五级", number="S2")


@pytest.fixture
def ui_insurance_subsidy():
    """A subsidy paying the same item as the graduates' social-insurance subsidy
    from the unemployment-insurance fund (a local example)."""
    graduate = SubsidyType.objects.get(code="social-insurance-graduate")
    twin = SubsidyType.objects.create(
        code="ui-insurance", name="失业保险缴费补贴", applicant="person", fund="ui",
        summary="示例",
    )  # fmt: skip
    PolicyVersion.objects.create(
        subsidy_type=twin, label="示例", effective_from=datetime.date(2024, 1, 1),
        who_qualifies="示例", amount_rule="contribution_share", amount=50,
        max_months=12, steps=["city"],
    )  # fmt: skip
    twin.same_item.add(graduate)
    return twin


def months_of(seeker, code, start, months=3):
    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code=code),
            person=seeker.person,
            months=months,
            monthly_base=Decimal("800"),
            period_start=start,
        ),
        by=seeker,
    )


def test_the_same_item_from_two_funds_never_for_the_same_months(
    seeker, ui_insurance_subsidy
):
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    months_of(seeker, "social-insurance-graduate", datetime.date(2026, 1, 1))
    with pytest.raises(services.SubsidyError, match="another fund|其他资金|另一"):
        months_of(seeker, "ui-insurance", datetime.date(2026, 3, 1))
    assert months_of(seeker, "ui-insurance", datetime.date(2026, 4, 1))


def test_rules_are_checked_again_before_payment(unemployed_seeker, staff):
    """Once a certificate is in a batch, a claim for it by the other fund (or a
    lower level) is held before payment, whatever happened on submission."""
    first = factories.approve_subsidy(
        certificate(unemployed_seeker, "training", "四级"), staff
    )
    payments.create_batch([first], by=staff["payer"])
    assert payments.payment_refusals(first) == []  # itself does not count
    other = Application(
        subsidy_type=SubsidyType.objects.get(code="skill-upgrade"),
        person=unemployed_seeker.person,
        level="五级",
        occupation="电工",
    )
    other.version = other.subsidy_type.version_on()
    [reason] = payments.payment_refusals(other)
    assert "电工" in reason


def test_the_same_months_are_never_claimed_twice(seeker, staff):
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    first = months_of(seeker, "social-insurance-graduate", datetime.date(2026, 1, 1))
    paid(first, staff)
    with pytest.raises(services.SubsidyError, match="already claimed|已"):
        months_of(seeker, "social-insurance-graduate", datetime.date(2026, 3, 1))
    assert months_of(seeker, "social-insurance-graduate", datetime.date(2026, 4, 1))

"""Employers apply for the people they host or employ; job-stabilisation refunds
are computed from insurance data and go through the chain without an application."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.models import Employer, Notification
from subsidies.models import Application, InsuranceYear
from subsidies.services import payments, refunds
from tests import factories


def take_on(employer_user, person):
    """The trainee applied to the employer's internship posting and was taken on."""
    from jobs import services as jobs

    posting = factories.make_posting(employer_user.employer, job_type="internship")
    if not hasattr(person, "resume"):
        factories.make_resume(person.user)
    application = jobs.apply_to_posting(posting, person=person)
    for status in ("interview", "hired"):
        application = jobs.move_application(application, to=status, by=employer_user)
    return application


@pytest.fixture
def graduate(foshan, employer):
    person = factories.make_seeker(residence=foshan["chancheng_community"]).person
    factories.make_graduate(person, year=datetime.date.today().year - 1)
    take_on(employer, person)
    return person


def internship_form(person, **overrides):
    return {
        "person_name": person.name,
        "person_id_number": person.id_number,
        "months": 6,
        "period_start": "2026-09-01",
        **factories.account_fields(kind="basic", number="44050166880100001234"),
        **overrides,
    }


def test_an_employer_applies_for_its_trainee(client, employer, graduate, settings):
    settings.MINIMUM_WAGE = 2300
    client.force_login(employer)
    url = reverse("subsidies:application_new", args=["internship"])
    assert "见习" in client.get(url).text
    response = client.post(url, internship_form(graduate))
    application = Application.objects.get()
    assert response.url == application.get_absolute_url()
    assert application.employer == employer.employer
    assert application.person == graduate
    assert application.org_unit == employer.employer.org_unit
    assert application.amount == Decimal("9660.00")  # 70 % of 2300, 6 months
    account = application.payee_account  # the employer's basic account
    assert (account.employer, account.person, account.kind, account.number) == (
        employer.employer,
        None,
        "basic",
        "44050166880100001234",
    )
    listing = client.get(reverse("subsidies:application_list"))
    assert graduate.name in listing.text


def test_the_trainee_must_be_in_the_registry_under_that_name(
    client, employer, graduate
):
    client.force_login(employer)
    url = reverse("subsidies:application_new", args=["internship"])
    response = client.post(url, internship_form(graduate, person_name="王五"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Application.objects.exists()


def test_a_trainee_who_is_neither_a_recent_graduate_nor_young_is_refused(
    client, employer, seeker
):
    take_on(employer, seeker.person)
    client.force_login(employer)
    url = reverse("subsidies:application_new", args=["internship"])
    response = client.post(url, internship_form(seeker.person))
    assert not Application.objects.exists()
    assert "16" in response.text  # the unmet condition, in words


def test_public_welfare_posts_are_for_the_employers_own_staff(employer, foshan):
    from portal.models import DifficultyCategory
    from registration.models import DifficultyRecognition
    from subsidies import services
    from subsidies.models import SubsidyType

    person = factories.make_person(
        residence=foshan["chancheng_community"], id_number=factories.id_number(
            birth="19700301", sequence=11)  # a man: a woman born 1970 has retired
    )  # fmt: skip
    DifficultyRecognition.objects.create(
        person=person, category=DifficultyCategory.objects.get(code="disabled"),
        org_unit=foshan["chancheng"], status="approved", statement="持残疾证",
        submitted_by=employer, approved_on=datetime.date(2026, 1, 1),
    )  # fmt: skip

    def apply():
        return services.submit_application(
            Application(
                subsidy_type=SubsidyType.objects.get(code="public-welfare-post"),
                employer=employer.employer,
                person=person,
                months=12,
                period_start=datetime.date(2026, 1, 1),
            ),
            by=employer,
        )

    with pytest.raises(services.SubsidyError, match="employment registration|就业登记"):
        apply()
    factories.file_hire(employer, person, datetime.date(2026, 1, 1))
    assert apply().amount == Decimal(2300 * 12)


def test_another_employer_and_the_trainee_do_not_see_it(
    client, employer, other_employer, graduate
):
    client.force_login(employer)
    client.post(
        reverse("subsidies:application_new", args=["internship"]),
        internship_form(graduate),
    )
    application = Application.objects.get()
    for user in (other_employer, graduate.user):
        client.force_login(user)
        assert client.get(application.get_absolute_url()).status_code == 404
        listing = client.get(reverse("subsidies:application_list"))
        assert application.get_absolute_url() not in listing.text


def insurance_year(employer, **overrides):
    fields = {
        "year": datetime.date.today().year - 1,
        "contributions": Decimal("12345.67"),
        "months_paid": 12,
        "insured_at_start": 40,
        "insured_at_end": 39,
        **overrides,
    }
    return InsuranceYear.objects.create(employer=employer, **fields)


def test_refunds_are_computed_for_qualifying_employers_only(foshan, employer):
    small = employer.employer
    large = factories.make_employer(org_unit=foshan["chancheng_street"])
    Employer.objects.filter(pk=large.pk).update(size="large")
    large.refresh_from_db()
    tiny = factories.make_employer(org_unit=foshan["nanhai_street"])
    dishonest = factories.make_employer(org_unit=foshan["nanhai_street"])
    short = factories.make_employer(org_unit=foshan["nanhai_street"])
    insurance_year(small)
    insurance_year(large, insured_at_start=1000, insured_at_end=950)  # 5 %
    insurance_year(tiny, insured_at_start=10, insured_at_end=8)  # 20 %: small
    insurance_year(dishonest, is_seriously_dishonest=True)
    insurance_year(short, months_paid=11)
    layoffs = factories.make_employer(org_unit=foshan["nanhai_street"])
    insurance_year(layoffs, insured_at_start=100, insured_at_end=90)  # 10 %

    assert refunds.compute_refunds() == 3
    amounts = dict(Application.objects.values_list("employer", "amount"))
    assert amounts == {
        small.pk: Decimal("7407.40"),  # 60 % for small and medium employers
        large.pk: Decimal("3703.70"),  # 30 % for large ones
        tiny.pk: Decimal("7407.40"),
    }
    refund = Application.objects.get(employer=small)
    assert refund.status == "submitted" and refund.submitted_by is None
    assert refund.person is None
    assert Notification.objects.filter(recipient=employer).exists()
    assert refunds.compute_refunds() == 0  # once per insurance year


def test_a_refund_whose_message_died_with_its_worker_is_made_again_by_the_retry(
    employer, monkeypatch
):
    insurance_year(employer.employer)

    def worker_killed(*args, **kwargs):
        raise SystemExit

    monkeypatch.setattr(
        "subsidies.services.refunds.notify_employer_staff", worker_killed
    )
    with pytest.raises(SystemExit):
        refunds.compute_refunds()
    monkeypatch.undo()
    assert refunds.compute_refunds() == 1
    assert Notification.objects.filter(recipient=employer).exists()


def test_a_refund_goes_through_the_chain_and_is_paid_to_the_employer(employer, staff):
    insurance_year(employer.employer)
    refunds.compute_refunds()
    refund = factories.approve_subsidy(Application.objects.get(), staff)
    batch, held = payments.create_batch([refund], by=staff["payer"])
    assert held == {}
    [header, row] = payments.batch_csv(batch).decode("gb18030").splitlines()
    assert employer.employer.uscc in row and employer.employer.name in row
    assert "单位基本存款账户" in row and "统一社会信用代码" in row
    payments.settle_payment(batch.payments.get(), paid=True, by=staff["payer"])
    refund.refresh_from_db()
    assert refund.status == "paid"
    assert refund.subsidy_type.code == "job-stabilisation"


def test_only_a_trainee_the_employer_took_on_can_be_named(
    client, employer, other_employer, graduate, foshan
):
    """Another employer cannot claim for the trainee, nor learn whether a name and
    ID number are in the registry: one message for both."""
    client.force_login(other_employer)
    url = reverse("subsidies:application_new", args=["internship"])
    unknown = client.post(url, internship_form(graduate))
    stranger = client.post(url, internship_form(graduate, person_name="王五"))
    assert unknown.context["form"].non_field_errors() == (
        stranger.context["form"].non_field_errors()
    )
    assert not Application.objects.exists()
    # Applied to a posting but not taken on as a trainee: the condition says so.
    from jobs import services as jobs

    posting = factories.make_posting(other_employer.employer, job_type="internship")
    jobs.apply_to_posting(posting, person=graduate)
    response = client.post(url, internship_form(graduate))
    assert not Application.objects.exists()
    assert "未通过本单位的见习岗位录用" in response.text

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from registration import services as registration
from registration.models import EmploymentRegistration
from subsidies import services
from subsidies.models import Application, PolicyVersion, SubsidyType
from tests import factories


def subsidy(code):
    return SubsidyType.objects.get(code=code)


def flexible(seeker):
    registration.register_self_employment(
        EmploymentRegistration(
            person=seeker.person, kind="flexible", source="self",
            business_name="外卖骑手", start_date=datetime.date(2025, 12, 1),
        ),
        by=seeker,
    )  # fmt: skip


def apply(seeker, code, **fields):
    return services.submit_application(
        Application(subsidy_type=subsidy(code), person=seeker.person, **fields),
        by=seeker,
    )


def test_amounts_follow_the_rule_of_the_version(db, settings):
    versions = {v.subsidy_type.code: v for v in PolicyVersion.objects.in_force()}
    assert services.compute_amount(versions["job-search"]) == Decimal("1000")
    assert services.compute_amount(versions["training"], level="四级") == Decimal(
        "1600"
    )
    assert services.compute_amount(
        versions["social-insurance-graduate"], months=12, monthly_base=Decimal("900")
    ) == Decimal("7200.36")  # 2/3 of 900 a month, 12 months
    settings.MINIMUM_WAGE = 2300
    assert services.compute_amount(versions["internship"], months=6) == Decimal(
        "9660.00"
    )  # 70 % of 2300 for 6 months
    with pytest.raises(services.SubsidyError):
        services.compute_amount(versions["social-insurance-graduate"], months=30,
                                monthly_base=Decimal("900"))  # fmt: skip


def test_a_graduate_in_flexible_work_applies_and_is_pinned_to_the_version(seeker):
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    application = apply(
        seeker,
        "social-insurance-graduate",
        months=6,
        monthly_base=Decimal("900"),
        period_start=datetime.date(2026, 1, 1),
    )
    assert application.amount == Decimal("3600.18")
    assert application.version == subsidy("social-insurance-graduate").version_on()
    assert application.org_unit == seeker.person.residence


def test_unmet_conditions_are_refused_with_their_reasons(seeker):
    with pytest.raises(services.SubsidyError) as refused:
        apply(
            seeker, "social-insurance-difficulty", months=6, monthly_base=Decimal(900)
        )
    assert "就业困难" in str(refused.value)


def test_one_open_application_per_type_and_exclusions(seeker, caseworker):
    factories.make_unemployment(seeker.person, by=caseworker)
    factories.make_graduate(seeker.person)
    apply(seeker, "training", level="五级", occupation="电工", certificate_number="1")
    with pytest.raises(services.SubsidyError):
        apply(seeker, "training", level="四级", occupation="焊工")
    # Exclusions are data, and hold both ways.
    subsidy("job-search").excludes.add(subsidy("start-up"))
    apply(seeker, "start-up")
    with pytest.raises(services.SubsidyError, match="一次性创业补贴"):
        apply(seeker, "job-search")


def test_once_only_subsidies_are_refused_the_second_time(seeker):
    factories.make_graduate(seeker.person)
    first = apply(seeker, "job-search")
    services.withdraw_application(first, by=seeker)
    apply(seeker, "job-search")  # a withdrawn one does not count
    with pytest.raises(services.SubsidyError, match="1"):
        apply(seeker, "job-search")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_leave_one_application():
    foshan = factories.make_org_tree()
    seeker = factories.make_seeker(residence=foshan["chancheng_community"])
    factories.make_graduate(seeker.person)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            apply(seeker, "job-search")
            outcomes.append("ok")
        except services.SubsidyError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Application.objects.count() == 1


def test_applying_online_with_a_scan_kept_private(
    client, seeker, other_seeker, caseworker, outsider_caseworker
):
    factories.make_graduate(seeker.person)
    client.force_login(seeker)
    url = reverse("subsidies:application_new", args=["job-search"])
    scan = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 scan", "application/pdf")
    response = client.post(
        url, {"statement": "低保家庭", "document1": scan, **factories.account_fields()}
    )
    application = Application.objects.get()
    assert response.url == application.get_absolute_url()
    document = application.documents.get()
    download = reverse("subsidies:document_download", args=[document.pk])
    assert client.get(download).status_code == 200
    for user in (other_seeker, outsider_caseworker):
        client.force_login(user)
        assert client.get(download).status_code == 404
        assert client.get(application.get_absolute_url()).status_code in (403, 404)
    client.force_login(caseworker)
    assert client.get(download).status_code == 200


def test_a_fake_scan_is_refused(client, seeker):
    factories.make_graduate(seeker.person)
    client.force_login(seeker)
    url = reverse("subsidies:application_new", args=["job-search"])
    fake = SimpleUploadedFile("证明.pdf", b"MZ not a pdf", "application/pdf")
    response = client.post(url, {"document1": fake})
    assert response.status_code == 200 and not Application.objects.exists()


def social_insurance(seeker, code, months, start):
    return services.submit_application(
        Application(
            subsidy_type=subsidy(code),
            person=seeker.person,
            months=months,
            monthly_base=Decimal("900"),
            period_start=start,
        ),
        by=seeker,
    )


def test_social_insurance_subsidies_share_a_36_month_cap(seeker, foshan):
    """Difficulty and graduate social-insurance subsidies count together."""
    from portal.models import DifficultyCategory
    from registration.models import DifficultyRecognition

    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    first = social_insurance(
        seeker, "social-insurance-graduate", 18, datetime.date(2026, 1, 1)
    )
    Application.objects.filter(pk=first.pk).update(status="paid")
    DifficultyRecognition.objects.create(
        person=seeker.person,
        category=DifficultyCategory.objects.get(code="disabled"),
        org_unit=foshan["chancheng"],
        status="approved",
        statement="持残疾证",
        submitted_by=seeker,
        approved_on=datetime.date(2026, 1, 1),
    )
    with pytest.raises(services.SubsidyError, match="36"):
        social_insurance(
            seeker, "social-insurance-difficulty", 19, datetime.date(2027, 7, 1)
        )
    social_insurance(
        seeker, "social-insurance-difficulty", 18, datetime.date(2027, 7, 1)
    )


def test_an_open_application_is_shown_instead_of_a_second_form(client, seeker):
    factories.make_graduate(seeker.person)
    application = apply(seeker, "job-search")
    client.force_login(seeker)
    page = client.get(reverse("subsidies:subsidy_detail", args=["job-search"]))
    assert application.get_absolute_url() in page.text
    form = client.get(reverse("subsidies:application_new", args=["job-search"]))
    assert form.url == application.get_absolute_url()


def test_the_amount_and_refusals_are_shown_before_submitting(client, seeker):
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    client.force_login(seeker)
    url = reverse("subsidies:application_new", args=["social-insurance-graduate"])
    form = {"months": 6, "period_start": "2026-01-01", "monthly_base": "900",
            "preview": "1"}  # fmt: skip
    response = client.post(url, form)
    assert response.context["preview"] == (Decimal("3600.18"), [])
    assert "3600.18" in response.text
    assert not Application.objects.exists()
    other = reverse("subsidies:application_new", args=["social-insurance-difficulty"])
    response = client.post(other, form)
    amount, refusals = response.context["preview"]
    assert refusals  # not recognised as having employment difficulty
    assert not Application.objects.exists()


def test_working_out_the_amount_leaves_the_attached_scans_on_the_page(
    client, english, seeker
):
    factories.make_graduate(seeker.person, year=2025)
    flexible(seeker)
    client.force_login(seeker)
    url = reverse("subsidies:application_new", args=["social-insurance-graduate"])
    page = client.get(url).text
    # The page's script asks for the amount alone; a full post empties the
    # browser's file inputs.
    assert "js/subsidy_preview.js" in page and 'id="amount-preview"' in page
    form = {"months": 6, "period_start": "2026-01-01", "monthly_base": "900",
            "preview": "1"}  # fmt: skip
    answer = client.post(url, form, HTTP_X_PREVIEW="1")
    assert "3600.18" in answer.text and "<form" not in answer.text
    assert "The scans you attached are still attached" in answer.text
    assert not Application.objects.exists()
    errors = client.post(url, {"preview": "1"}, HTTP_X_PREVIEW="1")
    assert "Correct the form first" in errors.text


def test_a_first_month_after_next_year_is_a_form_error(client, seeker):
    factories.make_graduate(seeker.person)
    flexible(seeker)
    client.force_login(seeker)
    url = reverse("subsidies:application_new", args=["social-insurance-graduate"])
    form = {"months": 6, "monthly_base": "900", "preview": "1"}
    latest = datetime.date(timezone.localdate().year + 1, 12, 31)
    for late in ("9999-12-31", (latest + datetime.timedelta(days=1)).isoformat()):
        response = client.post(url, {**form, "period_start": late})
        assert response.status_code == 200
        assert "period_start" in response.context["form"].errors
    response = client.post(url, {**form, "period_start": latest.isoformat()})
    assert response.context["preview"] is not None
    assert not Application.objects.exists()


def test_a_returned_application_is_fixed_and_sent_again(client, seeker, caseworker):
    from subsidies.services import chain

    factories.make_graduate(seeker.person)
    application = apply(seeker, "job-search")
    reviewer = factories.make_staff("caseworker", org_unit=caseworker.org_unit)
    chain.return_application(application, "请补充困难身份证明", by=reviewer)
    client.force_login(seeker)
    scan = SimpleUploadedFile("低保证.pdf", b"%PDF-1.4 scan", "application/pdf")
    url = reverse("subsidies:application_resubmit", args=[application.code])
    client.post(url, {"statement": "已补充低保证", "document1": scan})
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.statement == "已补充低保证"
    assert application.documents.get().name == "低保证.pdf"
    fake = SimpleUploadedFile("x.pdf", b"MZ", "application/pdf")
    chain.return_application(application, "扫描件不清晰", by=reviewer)
    response = client.post(url, {"document1": fake})
    assert response.status_code == 200  # the form again, with the error
    application.refresh_from_db()
    assert application.status == "returned"

import io

from django.core.management import call_command

from portal.models import Employer, OrgUnit, Person, User
from portal.validators import validate_id_number, validate_uscc


def test_seed_demo_loads_foshan_and_is_idempotent(db):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        OrgUnit.objects.count(),
        Person.objects.count(),
        Employer.objects.count(),
        User.objects.count(),
    )
    assert OrgUnit.objects.filter(level="district").count() == 5
    # 200 seekers and 40 graduates from an education department's list.
    assert counts[1] == 240 and counts[2] == 50
    assert Employer.objects.verified().count() == 40
    # One caseworker per district and per street, three at the city.
    assert User.objects.filter(role="caseworker").count() == 5 + 20 + 3
    person = Person.objects.first()
    assert validate_id_number(person.id_number) == person.id_number
    employer = Employer.objects.first()
    assert validate_uscc(employer.uscc) == employer.uscc
    assert employer.licence.read(5) == b"%PDF-"
    from jobs.models import Application, JobPosting, Resume

    assert JobPosting.objects.published().count() > 100
    assert Resume.objects.public().exists() and Application.objects.exists()
    from registration.models import (
        DifficultyRecognition,
        EmploymentCertificate,
        EmploymentRegistration,
        UnemploymentRegistration,
    )

    statuses = set(UnemploymentRegistration.objects.values_list("status", flat=True))
    assert {"submitted", "returned", "registered", "cancelled"} <= statuses
    assert EmploymentRegistration.objects.filter(kind="flexible").exists()
    assert EmploymentCertificate.objects.exists()
    assert DifficultyRecognition.objects.filter(status="on_notice").exists()
    registrations = UnemploymentRegistration.objects.count()
    from graduates.models import Graduate, Leaver

    assert Graduate.objects.filter(source="report").exists()
    assert Leaver.objects.filter(contacts__isnull=False).exists()
    from fairs.models import BoothBooking, JobFair

    assert JobFair.objects.published().upcoming().exists()
    assert BoothBooking.objects.active().count() >= 10
    from subsidies.models import Application as SubsidyApplication

    statuses = set(SubsidyApplication.objects.values_list("status", flat=True))
    assert {"submitted", "returned", "on_notice", "paid"} <= statuses
    assert SubsidyApplication.objects.filter(
        subsidy_type__code="internship", employer__isnull=False
    ).exists()
    assert SubsidyApplication.objects.filter(insurance_year__isnull=False).exists()
    from stats.models import Fact, Report

    assert Fact.objects.filter(indicator="demand", org_unit__level="city").exists()
    assert Report.objects.filter(status="done").exists()

    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        OrgUnit.objects.count(),
        Person.objects.count(),
        Employer.objects.count(),
        User.objects.count(),
    )
    assert UnemploymentRegistration.objects.count() == registrations

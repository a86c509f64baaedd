"""Every page of the URL conf that answers a visitor who is not logged in, opened
with demo-like data present: none shows a person's full ID number, the full name of
someone on a public notice or paid a subsidy, or a sensitive difficulty category
(docs/registration.md, "Sensitive categories")."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.conf import settings
from django.db.models import Q
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone

from fairs import services as fairs
from fairs.models import Hall, HallCheckIn
from jobs import services as jobs
from portal.models import DifficultyCategory, Person
from registration import services as registration
from registration.models import DifficultyRecognition, EmploymentCertificate
from subsidies import services as subsidies
from subsidies.models import Application, SubsidyType
from subsidies.services import chain, payments
from tests import factories

# Pages known to be public: they must answer a stranger below, so that the test
# cannot pass without reading them.
PUBLIC = {
    "home",
    "services_hall",
    "employer_list",
    "employer_detail",
    "login",
    "signup_seeker",
    "jobs:job_list",
    "jobs:job_detail",
    "jobs:job_map_geojson",
    "jobs:resume_shared",
    "registration:recognition_notices",
    "registration:certificate_verify",
    "fairs:fair_list",
    "fairs:fair_detail",
    "fairs:booth_page",
    "fairs:hall_screen",
    "fairs:hall_screen_data",
    "subsidies:subsidy_list",
    "subsidies:subsidy_detail",
    "subsidies:notice_list",
    "subsidies:paid_list",
    "subsidies:objection_new",
}
# The query a page needs to show something (around the postings of the data below).
QUERIES = {"jobs:job_map_geojson": {"lat": "23.02", "lng": "113.12", "km": "10"}}
# Private pages that answer a stranger "not found" rather than "log in".
NOT_FOUND_FOR_STRANGERS = {"subsidies:document_download"}


def named_routes(patterns=None, namespace=""):
    """(name, pattern) of every route outside the back office, by its full name."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # staff only: Django's admin asks every visitor to log in
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry.url_patterns, inner)
        else:
            assert entry.name, f"{entry.pattern} has no name"
            yield f"{namespace}{entry.name}", entry


def placeholder(converter):
    if isinstance(converter, UUIDConverter):
        return uuid.uuid4()
    if isinstance(converter, IntConverter):
        return 999999
    return "x"


def page_text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    text = response.content.decode()
    if "json" in response.get("Content-Type", ""):
        # Chinese in JSON may be escaped (\u5218): compare the decoded text.
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def on_notice(person, code, caseworker):
    recognition = registration.apply_for_recognition(
        DifficultyRecognition(
            person=person,
            category=DifficultyCategory.objects.get(code=code),
            statement="可提供相关证明材料。",
        ),
        by=person.user,
    )
    return registration.start_recognition_notice(recognition, by=caseworker)


@pytest.fixture
def demo(foshan, employer, caseworker, city_caseworker):
    """A small city as the demo shows it; returns the arguments of the public
    pages that need some, by route name."""
    street = factories.make_staff("caseworker", org_unit=foshan["chancheng_street"])
    payer = factories.make_staff("caseworker", org_unit=foshan["city"])
    steps = {"street": street, "district": caseworker, "city": city_caseworker}

    phones = iter(range(13900000001, 13900000100))

    def seeker(name, residence="chancheng_community"):
        # Each their own phone: shared ones hold a payment back as a look-alike.
        return factories.make_seeker(
            residence=foshan[residence], name=name, phone=str(next(phones))
        )

    # Jobs, a public resume shared with a QR code, and an application.
    posting = factories.make_posting(employer.employer, title="仓库管理员")
    applicant = seeker("王建国")
    resume = factories.make_resume(applicant, is_public=True)
    jobs.apply_to_posting(posting, person=applicant.person)
    factories.make_employer(org_unit=foshan["nanhai_street"], verified=False)
    # Recognitions on public notice in sensitive and other categories, and one
    # decided after its notice (which issues an employment certificate).
    for name, code in [
        ("张晓明", "disabled"),
        ("刘芳", "released-prisoner"),
        ("陈静", "drug-rehabilitated"),
        ("赵磊", "minimum-living"),
        ("孙丽", "landless-farmer"),
    ]:
        on_notice(seeker(name, "nanhai_street").person, code, caseworker)
    recognised = seeker("周文")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        recognition = on_notice(recognised.person, "mental-rehabilitated", street)
    registration.approve_recognition(recognition, by=caseworker)
    # Graduates' start-up subsidies: one on public notice, one paid.
    start_up = SubsidyType.objects.get(code="start-up")
    applications = []
    for name in ("吴婷", "郑强"):
        graduate = seeker(name)
        factories.make_graduate(graduate.person)
        applications.append(
            subsidies.submit_application(
                Application(subsidy_type=start_up, person=graduate.person),
                by=graduate,
            )
        )
    # An employer's internship subsidy for its trainee, on notice too.
    trainee = seeker("冯雪")
    factories.make_graduate(trainee.person, year=timezone.localdate().year - 1)
    factories.make_resume(trainee)
    internship = factories.make_posting(employer.employer, job_type="internship")
    taken_on = jobs.apply_to_posting(internship, person=trainee.person)
    for status in ("interview", "hired"):
        taken_on = jobs.move_application(taken_on, to=status, by=employer)
    applications.append(
        subsidies.submit_application(
            Application(
                subsidy_type=SubsidyType.objects.get(code="internship"),
                employer=employer.employer,
                person=trainee.person,
                months=6,
                period_start=timezone.localdate().replace(day=1),
            ),
            by=employer,
        )
    )
    noticed, paid, hosted = applications
    for application in (noticed, hosted):
        chain.accept_application(application, by=steps[application.current_level])
        while application.current_level:
            chain.pass_step(application, by=steps[application.current_level])
            application.refresh_from_db()
    paid = factories.approve_subsidy(paid, steps)
    batch, _ = payments.create_batch([paid], by=payer)
    payments.settle_payment(batch.payments.get(), paid=True, by=payer)
    # A fair with a booked booth.
    fair = factories.make_fair(foshan["chancheng"])
    booking = fairs.book_booth(
        fair,
        fair.booths.first(),
        employer=employer.employer,
        postings=[posting],
        by=employer,
    )
    certificate = EmploymentCertificate.objects.get(person=recognised.person)
    # A recruiting hall where everyone has checked in: its screen shows counts only.
    hall = Hall.objects.create(
        name="禅城区智慧招聘大厅",
        org_unit=foshan["chancheng"],
        address="岭南大道北1号",
        opening_hours="9:00–17:00",
    )
    for person in Person.objects.all():
        HallCheckIn.objects.create(hall=hall, person=person, day=timezone.localdate())
    fairs.refresh_all_hall_figures()
    return {
        "employer_detail": {"pk": employer.employer.pk},
        "jobs:job_detail": {"pk": posting.pk},
        "jobs:resume_detail": {"code": resume.code},
        "jobs:resume_shared": {"token": resume.share_url().split("/")[-2]},
        "registration:certificate_verify": {"code": certificate.code},
        "fairs:fair_detail": {"pk": fair.pk},
        "fairs:booth_page": {"code": booking.code},
        "fairs:hall_screen": {"pk": hall.pk},
        "fairs:hall_screen_data": {"pk": hall.pk},
        "subsidies:subsidy_detail": {"code": "start-up"},
        "subsidies:objection_new": {"code": noticed.code},
        "password_reset_confirm": {"uidb64": "MQ", "token": "no-such-token"},
    }


def test_no_public_page_shows_a_full_id_number_a_noticed_name_or_a_sensitive_category(
    client, demo
):
    people = Person.objects.all()
    named_in_public = people.filter(
        Q(difficulty_recognitions__isnull=False) | Q(subsidy_applications__isnull=False)
    )
    sensitive = DifficultyCategory.objects.sensitive()
    secrets = {
        **{n: "ID number" for n in people.values_list("id_number", flat=True)},
        **{n: "full name" for n in named_in_public.values_list("name", flat=True)},
        **{n: "sensitive category" for n in sensitive.values_list("name", flat=True)},
    }
    assert len(secrets) > 20
    public, problems = set(), []
    for name, pattern in dict(named_routes()).items():
        kwargs = demo.get(name) or {
            key: placeholder(converter)
            for key, converter in pattern.pattern.converters.items()
        }
        response = client.get(reverse(name, kwargs=kwargs), QUERIES.get(name))
        if response.status_code == 200:
            public.add(name)
            text = page_text(response)
            problems += [
                f"{name}: {kind} {secret}"
                for secret, kind in secrets.items()
                if secret in text
            ]
        elif response.status_code == 302:
            assert response.url.startswith(reverse(settings.LOGIN_URL)), name
        elif response.status_code == 404:
            assert name in NOT_FOUND_FOR_STRANGERS, f"{name}: give it real arguments"
        else:
            assert response.status_code in (403, 405), name
    assert problems == []
    assert public >= PUBLIC, PUBLIC - public

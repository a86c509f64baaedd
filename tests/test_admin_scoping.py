"""Every model of the back office, walked as the staff of one district (禅城) while
rows of another district (南海) are on file: no list, page, history, delete page,
action or autocomplete answer gives them a 南海 row. A model registered later fails
here until it has a 南海 row in `nanhai` below (and is scoped), or is declared
city-wide or closed to district staff, with the reason."""

import datetime
import functools
import re
import uuid
from decimal import Decimal

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry, Employer, OrgUnit, Person
from tests import factories

# Rules and catalogues of the whole city: no row belongs to a district, and every
# member of staff may read them.
CITY_WIDE = {
    "portal.DifficultyCategory": "the province's list of categories",
    "registration.CancellationReason": "reasons for cancelling, the same everywhere",
    "stats.ClosedPeriod": "a period is closed for the whole city at once",
}

# Rules every member of staff may read, kept per city: the row without a city
# holds those of every city without its own (tests/registration/test_rules.py).
PER_CITY = {
    "registration.LocalRules": "filing deadlines, one row per city",
    "stats.WarningRule": "thresholds, of every city or replaced by a city's own",
    "graduates.CohortTarget": "targets per graduation year, of a city or of all",
    "fairs.PointsRules": "how employers earn fair points, one row per city",
    "subsidies.SubsidyType": "the catalogue: types of every city or of one city",
}

# District staff open no page of these (403); `nanhai` has a row of each to try.
CLOSED_TO_DISTRICTS = {
    "auth.Group": "the staff roles: administrators only",
    "django_q.Schedule": "the task queue: administrators only",
    "django_q.Success": "the task queue: administrators only",
    "django_q.Failure": "the task queue: administrators only",
    "django_q.OrmQ": "the task queue: administrators only",
    "portal.User": "accounts of every area: administrators only",
    "portal.AuditEntry": "the audit trail of every area: administrators only",
    "portal.AccountClaim": "sign-up codes of every area: administrators only",
    "axes.AccessAttempt": "failed logins of every area: administrators only",
    "portal.SmsMessage": "text messages to every area: administrators only",
    "registration.InsuranceImport": "the agency's files cover the city: city staff",
    "subsidies.DisbursementBatch": "made by city staff, paying every district",
    "subsidies.Payment": "the ledger city staff send to the bank and settle",
}

# Names that appear only in 南海's rows: no page district staff open may show them.
NANHAI_NAMES = [
    "何南燕",
    "冼南芳",
    "梁南生",
    "区南华",
    "陆南希",
    "佛山市南海区桂城五金厂",
    "南海区秋季招聘会",
    "南海区仓储主管",
    "南海区智慧招聘大厅",
]


def at(fair, hour):
    moment = datetime.datetime.combine(fair.date, datetime.time(hour))
    return time_machine.travel(timezone.make_aware(moment), tick=False)


def graduate_seeker(unit, name):
    seeker = factories.make_seeker(residence=unit, name=name)
    factories.make_graduate(seeker.person)
    return seeker


def start_up(seeker):
    from subsidies import services
    from subsidies.models import Application, SubsidyType

    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="start-up"), person=seeker.person
        ),
        by=seeker,
    )


def job_fair_rows(foshan, employer_user):
    from fairs import services
    from fairs.models import Hall, PointsEntry, Scan, Terminal
    from portal.models import User

    fair = factories.make_fair(foshan["nanhai"], name="南海区秋季招聘会")
    # A fair of 禅城 too: lists offer a filter by fair only when there is a choice.
    factories.make_fair(foshan["chancheng"], name="禅城区秋季招聘会")
    booking = services.book_booth(
        fair,
        fair.booths.get(number="A01"),
        employer=employer_user.employer,
        postings=[],
        by=employer_user,
    )
    steward = User.objects.create_user(
        username="gate-nanhai", password="x", role="steward", org_unit=foshan["nanhai"]
    )
    with at(fair, 9):
        services.gate.scan(fair, booking.pass_token, by=steward)
    hall = Hall.objects.create(
        name="南海区智慧招聘大厅",
        org_unit=foshan["nanhai"],
        address="南海区桂城",
        opening_hours="9:00–17:00",
    )
    return {
        "fairs.JobFair": fair,
        "fairs.BoothBooking": booking,
        "fairs.Scan": Scan.objects.get(booking=booking),
        "fairs.PointsEntry": PointsEntry.objects.get(booking=booking),
        "fairs.Hall": hall,
        "fairs.Terminal": Terminal.objects.create(
            hall=hall, kind="kiosk", name="南海区智慧招聘大厅1号自助机"
        ),
    }


def subsidy_rows(foshan, district_caseworker, city_caseworker):
    from subsidies import services
    from subsidies.models import DuplicateSuspect, InsuranceYear
    from subsidies.services import chain, payments

    staff = {
        "street": factories.make_staff("caseworker", org_unit=foshan["nanhai_street"]),
        "district": district_caseworker,
        "city": city_caseworker,
    }
    paid = factories.approve_subsidy(
        start_up(graduate_seeker(foshan["nanhai_street"], "何南燕")), staff
    )
    payer = factories.make_staff("caseworker", org_unit=foshan["city"])
    batch, _held = payments.create_batch([paid], by=payer)
    # The same phone as 何南燕: a look-alike, on public notice with an objection.
    look_alike = start_up(graduate_seeker(foshan["nanhai_street"], "冼南芳"))
    chain.accept_application(look_alike, by=staff["street"])
    for level in ("street", "district", "city"):
        chain.pass_step(look_alike, by=staff[level])
    objection = chain.raise_objection(look_alike, text="该人员并未实际经营")
    insurance_year = services.save_catalogue_entry(
        InsuranceYear(
            employer=Employer.objects.get(name="佛山市南海区桂城五金厂"),
            year=2025,
            contributions=Decimal("12000.00"),
            months_paid=12,
            insured_at_start=20,
            insured_at_end=20,
        ),
        by=city_caseworker,
        changed_fields=[],
    )
    return {
        "subsidies.Application": paid,
        "subsidies.Objection": objection,
        "subsidies.DuplicateSuspect": DuplicateSuspect.objects.get(
            application=look_alike
        ),
        "subsidies.DisbursementBatch": batch,
        "subsidies.Payment": batch.payments.get(),
        "subsidies.InsuranceYear": insurance_year,
    }


def registration_rows(foshan, district_caseworker, employer_user):
    from portal.models import DifficultyCategory
    from registration import services
    from registration.models import DifficultyRecognition, InsuranceImport

    registered = factories.make_seeker(residence=foshan["nanhai_street"], name="梁南生")
    unemployment = factories.make_unemployment(
        registered.person, by=district_caseworker
    )
    recognition = services.apply_for_recognition(
        DifficultyRecognition(
            person=registered.person,
            category=DifficultyCategory.objects.get(code="disabled"),
            statement="持残疾证",
        ),
        by=registered,
    )
    hired = factories.make_person(residence=foshan["nanhai_community"], name="区南华")
    employment = factories.file_hire(employer_user, hired, timezone.localdate())
    insurance_import = services.queue_insurance_import(
        InsuranceImport(
            file=SimpleUploadedFile("enrolment.csv", "身份证号码\n".encode())
        ),
        by=factories.make_staff("caseworker", org_unit=foshan["city"]),
    )
    return {
        "portal.Person": hired,
        "registration.UnemploymentRegistration": unemployment,
        "registration.EmploymentRegistration": employment,
        "registration.EmploymentCertificate": registered.person.employment_certificate,
        "registration.DifficultyRecognition": recognition,
        "registration.InsuranceImport": insurance_import,
    }


def graduate_rows(foshan, employer_user):
    from graduates import services

    seeker = graduate_seeker(foshan["nanhai_community"], "陆南希")
    graduate = seeker.person.graduations.get()
    leaver = services.register_leaver(
        graduate, by=seeker, job_wishes="仓库管理", service_needs=[]
    )
    receiving = services.apply_to_receive(
        employer=employer_user.employer,
        by=employer_user,
        name=seeker.person.name,
        id_number=seeker.person.id_number,
        graduation_year=graduate.graduation_year,
        kind="archive",
        reason="已签劳动合同",
    )
    return {
        "graduates.Graduate": graduate,
        "graduates.Leaver": leaver,
        "graduates.ReceivingApplication": receiving,
    }


def task_queue_rows():
    from django_q.models import Failure, OrmQ, Schedule, Success

    now = timezone.now()
    ran = {"func": "math.floor", "started": now, "stopped": now}
    return {
        "django_q.Schedule": Schedule.objects.create(name="南海", func="math.floor"),
        "django_q.Success": Success.objects.create(
            id=uuid.uuid4().hex, name="ok", success=True, **ran
        ),
        "django_q.Failure": Failure.objects.create(
            id=uuid.uuid4().hex, name="failed", success=False, **ran
        ),
        "django_q.OrmQ": OrmQ.objects.create(key="default", payload="x", lock=now),
    }


@pytest.fixture
def nanhai(foshan, outsider_caseworker, city_caseworker):
    """A row of each scoped or closed model that belongs to 南海区, by model label."""
    from portal import services
    from stats import services as stats_services
    from stats.models import EmployedPopulation

    employer_user = factories.make_employer_user(
        org_unit=foshan["nanhai_street"], name="佛山市南海区桂城五金厂"
    )
    rows = {
        "portal.OrgUnit": foshan["nanhai"],
        "portal.Employer": employer_user.employer,
        "portal.User": outsider_caseworker,
        "auth.Group": Group.objects.get(name="caseworker"),
        "jobs.JobPosting": factories.make_posting(
            employer_user.employer, title="南海区仓储主管"
        ),
        **job_fair_rows(foshan, employer_user),
        **registration_rows(foshan, outsider_caseworker, employer_user),
        **graduate_rows(foshan, employer_user),
        **subsidy_rows(foshan, outsider_caseworker, city_caseworker),
        **task_queue_rows(),
        "stats.EmployedPopulation": stats_services.save_employed_population(
            EmployedPopulation(
                org_unit=foshan["nanhai"],
                year=2025,
                employed=812_000,
                source="南海区2025年国民经济和社会发展统计公报",
            ),
            by=city_caseworker,
            changed_fields=[],
        ),
    }
    rows["portal.Recusal"] = services.declare_relative(
        by=outsider_caseworker,
        id_number=rows["portal.Person"].id_number,
        relation="表弟",
    )
    rows["portal.AuditEntry"] = AuditEntry.objects.for_object(
        rows["portal.Person"]
    ).first()
    rows["portal.AccountClaim"] = services.issue_activation_code(
        rows["portal.Person"], by=outsider_caseworker
    )[0]
    rows["axes.AccessAttempt"] = AccessAttempt.objects.create(
        username=rows["portal.Employer"].uscc,
        ip_address="203.0.113.9",
        user_agent="test",
        path_info="/accounts/login/",
        failures_since_start=1,
    )
    rows["portal.SmsMessage"] = services.send_sms(
        rows["portal.Person"].phone, "notification", {"subject": "南海区通知"}
    )
    return rows


@pytest.fixture(
    params=["caseworker", "leader", "other city's caseworker", "other city's leader"]
)
def district_staff(request, foshan):
    """A caseworker, and a leader, of 禅城区; and of 肇庆市, another city of the
    province Foshan is placed in once its rows are on file."""
    if request.param == "caseworker":
        return request.getfixturevalue("caseworker")
    if request.param == "leader":
        return factories.make_staff("leader", org_unit=foshan["chancheng"])
    request.getfixturevalue("nanhai")
    zhaoqing = request.getfixturevalue("province")["zhaoqing"]
    return factories.make_staff(request.param.split()[-1], org_unit=zhaoqing)


def label(model) -> str:
    return model._meta.label


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def admin_pages(model, model_admin, pk) -> list[tuple[str, bool]]:
    """Every page of a model in the back office as (url, is a page of row pk)."""
    base = changelist(model)
    pages = []
    for pattern in model_admin.get_urls():
        route = str(pattern.pattern)
        pages.append((base + re.sub(r"<[^>]+>", str(pk), route), "<" in route))
    return pages


def refused(response) -> bool:
    """403, 404, or the admin's redirect for a row it cannot find (or to log in)."""
    if response.status_code in (403, 404):
        return True
    final = response.request["PATH_INFO"]
    return bool(response.redirect_chain) and final in (
        reverse("admin:index"),
        reverse("admin:login"),
    )


def names_shown(response) -> list[str]:
    if response.status_code != 200 or not response.get("Content-Type", "").startswith(
        "text/html"
    ):
        return []
    return [name for name in NANHAI_NAMES if name in response.text]


def test_every_admin_model_is_scoped_or_declared_city_wide_or_closed(nanhai):
    registered = {label(model) for model in admin.site._registry}
    declared = nanhai.keys() | CITY_WIDE.keys() | PER_CITY.keys()
    assert sorted(registered - declared) == []  # scope it, or declare it above
    assert sorted((declared | CLOSED_TO_DISTRICTS.keys()) - registered) == []
    assert sorted(CLOSED_TO_DISTRICTS.keys() - nanhai.keys()) == []


def test_city_wide_models_have_no_link_to_an_area():
    area = {OrgUnit, Person, Employer}
    linked = [
        f"{label(model)}.{field.name}"
        for model in admin.site._registry
        if label(model) in CITY_WIDE
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model in area
    ]
    assert linked == []


def test_administrators_list_every_row_built_for_this_walk(
    client, administrator, nanhai
):
    client.force_login(administrator)
    missing = []
    for model in admin.site._registry:
        row = nanhai.get(label(model))
        if row is None:
            continue
        response = client.get(changelist(model))
        if row.pk not in {obj.pk for obj in response.context["cl"].result_list}:
            missing.append(label(model))
    assert missing == []


def test_district_staff_open_no_page_of_another_districts_row(
    client, district_staff, nanhai
):
    client.force_login(district_staff)
    leaks = []
    for model, model_admin in admin.site._registry.items():
        row = nanhai.get(label(model))
        if row is None:
            continue
        for url, of_the_row in admin_pages(model, model_admin, row.pk):
            response = client.get(url, follow=True)
            if of_the_row and not refused(response):
                leaks.append(f"{url} answers {response.status_code}")
            elif label(model) in CLOSED_TO_DISTRICTS and url == changelist(model):
                if response.status_code != 403:
                    leaks.append(f"{url} answers {response.status_code}, not 403")
            elif response.status_code == 200 and url == changelist(model):
                listed = {obj.pk for obj in response.context["cl"].result_list}
                if row.pk in listed:
                    leaks.append(f"{url} lists the 南海 row")
            leaks += [f"{url} shows {name}" for name in names_shown(response)]
    assert leaks == []


def test_district_staff_run_no_action_on_another_districts_row(
    client, district_staff, nanhai, monkeypatch
):
    """Exports and every other action receive only rows of the staff's own area,
    whether the 南海 row is ticked or "select all" is used."""
    received = []

    def recording(model, name, action):
        @functools.wraps(action)
        def recorder(model_admin, request, queryset):
            received.append((label(model), name, {obj.pk for obj in queryset}))

        return recorder

    def recording_actions(model, get_actions):
        def actions(request):
            return {
                name: (recording(model, name, action), name, description)
                for name, (action, _name, description) in get_actions(request).items()
            }

        return actions

    client.force_login(district_staff)
    tried = 0
    for model, model_admin in admin.site._registry.items():
        row = nanhai.get(label(model))
        if row is None:
            continue
        monkeypatch.setattr(
            model_admin,
            "get_actions",
            recording_actions(model, model_admin.get_actions),
        )
        request = RequestFactory().get(changelist(model))
        request.user = district_staff
        for name in model_admin.get_actions(request):
            for across in ("0", "1"):
                client.post(
                    changelist(model),
                    {
                        "action": name,
                        "index": "0",
                        "select_across": across,
                        "_selected_action": [row.pk],
                    },
                )
                tried += 1
    leaks = [
        f"{model} {name}" for model, name, pks in received if nanhai[model].pk in pks
    ]
    assert tried and received  # the walk reached the actions
    assert leaks == []


def test_district_staff_get_no_other_districts_row_from_autocomplete(
    client, district_staff, nanhai
):
    client.force_login(district_staff)
    leaks = []
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete):
                continue
            row = nanhai.get(label(field.related_model))
            if row is None:
                continue
            to_field = getattr(field.remote_field, "field_name", None) or "pk"
            query = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field.name,
                "term": "",
            }
            ids, page = set(), 1
            while True:
                response = client.get(
                    reverse("admin:autocomplete"), {**query, "page": page}
                )
                if response.status_code != 200:
                    break
                answer = response.json()
                ids |= {str(result["id"]) for result in answer["results"]}
                if not answer["pagination"]["more"]:
                    break
                page += 1
            if str(getattr(row, to_field)) in ids:
                leaks.append(f"{label(model)}.{field.name}")
    assert leaks == []


def listed(client, model, row) -> int | bool:
    """The change list's status when it is not 200, else whether it lists the row."""
    response = client.get(changelist(model))
    if response.status_code != 200:
        return response.status_code
    return row.pk in {obj.pk for obj in response.context["cl"].result_list}


def answers(client, user, rows) -> dict:
    client.force_login(user)
    return {
        label(model): listed(client, model, row)
        for model in admin.site._registry
        if (row := rows.get(label(model))) is not None
    }


@pytest.mark.parametrize("role", ["caseworker", "leader"])
def test_once_a_province_is_above_the_city_its_staff_have_what_the_citys_had(
    client, nanhai, request, role
):
    """Before: the city's staff list every row of their city and have the pages
    of the whole area (imports, payments). A province is put above the city: its
    staff list the same, and another city's rows too; the city's staff keep their
    city's rows and lose the whole area's pages (403)."""
    foshan = nanhai["portal.OrgUnit"].parent
    before = answers(client, factories.make_staff(role, org_unit=foshan), nanhai)
    whole_area = {
        name for name, reason in CLOSED_TO_DISTRICTS.items() if "city staff" in reason
    }
    assert len(whole_area) == 3
    if role == "caseworker":  # leaders only read figures
        assert {before[name] for name in whole_area} == {True}
    units = request.getfixturevalue("province")
    zhaoqing_employer = factories.make_employer_user(
        org_unit=units["duanzhou_street"], name="肇庆市测试建材有限公司"
    ).employer
    province_staff = factories.make_staff(role, org_unit=units["province"])
    assert answers(client, province_staff, nanhai) == before
    assert listed(client, Employer, zhaoqing_employer) is True
    after = answers(client, factories.make_staff(role, org_unit=foshan), nanhai)
    lost = {name for name in before if before[name] is True and after[name] is not True}
    assert lost == {name for name in whole_area if before[name] is True}
    assert {after[name] for name in lost} <= {403}
    assert listed(client, Employer, zhaoqing_employer) is False

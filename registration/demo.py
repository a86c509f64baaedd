"""Demo registrations for seed_demo: people registered as unemployed at every
step, employers' hires and separations, flexible workers, certificates and
employment-difficulty recognitions, spread over the past two years."""

import datetime
import random

from django.utils import timezone

from portal.demo import (
    FOSHAN,
    DemoCity,
    add_months,
    at,
    history_start,
    keeping_dates,
    seasonal_weight,
    seed_people,
)
from portal.models import DifficultyCategory, User
from portal.validators import add_years, birth_date_from_id
from registration import services
from registration.models import (
    CancellationReason,
    DifficultyRecognition,
    EmploymentCertificate,
    EmploymentRegistration,
    UnemploymentRegistration,
)

WISHES = ["仓库管理员，禅城区", "普工，能倒班", "收银员，离家近", "电工", "保洁，白班"]
BUSINESSES = ["外卖骑手", "网约车司机", "家政服务", "个体早餐店", "网店店主"]


def _district_caseworker(person) -> User:
    code = person.residence.code[:6]
    return User.objects.get(role=User.Role.CASEWORKER, org_unit__code=f"{code}000000")


def seed_registrations(persons, employers, demo: DemoCity = FOSHAN) -> None:
    """Idempotent: does nothing once the city has demo registrations."""
    if UnemploymentRegistration.objects.filter(
        person__residence__code__startswith=demo.prefix
    ).exists():
        return
    today = timezone.localdate()
    city_caseworker = User.objects.get(username=demo.login("cw"))
    # Categories whose conditions only documents show (disabled, 低保, …).
    categories = list(
        DifficultyCategory.objects.filter(
            is_active=True,
            min_age_women__isnull=True,
            min_age_men__isnull=True,
            min_unemployed_months__isnull=True,
        )[:6]
    )
    for index, person in enumerate(persons):
        if person.age(today) < 16 or today >= person.statutory_retirement_date():
            continue
        _seed_person(person, index, employers, categories, city_caseworker)
    services.flag_lost_contact()


def _seed_person(person, index, employers, categories, city_caseworker) -> None:
    today = timezone.localdate()
    rng = random.Random(f"registration-{person.id_number}")
    caseworker = _district_caseworker(person)
    step = index % 10
    if step in (0, 3, 4):
        registration = services.apply_for_unemployment(
            UnemploymentRegistration(
                person=person,
                cause=rng.choice(["lost_job", "lost_job", "left_school"]),
                unemployed_since=today - datetime.timedelta(days=rng.randint(20, 300)),
                last_employer=rng.choice(employers).name if step != 4 else "",
                job_wishes=rng.choice(WISHES),
                wants_training=rng.random() < 0.4,
            ),
            by=person.user,
        )
        if step == 0:
            services.accept_unemployment(registration, by=caseworker)
            _back_date_registration(registration, today, rng, index)
            if index % 30 == 0 and index:
                _hire(person, employers[index % len(employers)], today, rng)
        elif step == 4:
            services.return_unemployment(
                registration,
                "请补充：1. 与原单位解除劳动关系的证明；2. 身份证正反面照片。",
                by=caseworker,
            )
    elif step in (1, 2, 7):
        employer = employers[index % len(employers)]
        staff = employer.staff.first()
        start = today - datetime.timedelta(days=rng.randint(10, 700))
        hire = _hire(person, employer, start, rng)
        if step == 7 and (today - start).days > 60:
            services.end_employment(
                hire,
                by=staff,
                end_date=start + datetime.timedelta(days=rng.randint(30, 60)),
                reason=rng.choice(["resigned", "expired", "mutual"]),
            )
    elif step == 5:
        services.register_self_employment(
            EmploymentRegistration(
                person=person,
                kind="flexible",
                source="self",
                business_name=rng.choice(BUSINESSES),
                start_date=today - datetime.timedelta(days=rng.randint(0, 25)),
            ),
            by=person.user,
        )
    if index % 20 in (6, 16) and categories:
        recognition = services.apply_for_recognition(
            DifficultyRecognition(
                person=person,
                category=categories[index % len(categories)],
                statement="本人失业一年以上，家庭经济困难，可提供相关证明材料。",
            ),
            by=person.user,
        )
        services.start_recognition_notice(recognition, by=city_caseworker)
        if index % 20 == 16:
            _end_notice(recognition)
            services.approve_recognition(recognition, by=caseworker)


def _hire(person, employer, start, rng) -> EmploymentRegistration:
    [hire] = services.register_hires(
        employer,
        [
            services.Hire(
                name=person.name,
                id_number=person.id_number,
                start_date=start,
                job_title=rng.choice(["普工", "仓管员", "电工", "收银员"]),
                contract_term="fixed",
            )
        ],
        by=employer.staff.first(),
    )
    if rng.random() < 0.8:
        # Demo only: most of these hires were filed on time, back then.
        EmploymentRegistration.objects.filter(pk=hire.pk).update(is_late=False)
    return hire


def _back_date_registration(registration, today, rng, index) -> None:
    # Demo only: spread registration dates over past months so lists and monthly
    # counts have history; every tenth is out of contact for seven months.
    days = 215 if index % 100 == 10 else rng.randint(0, 400)
    registered_on = today - datetime.timedelta(days=days)
    last_contact = (
        registered_on
        if days == 215
        else max(registered_on, today - datetime.timedelta(days=rng.randint(0, 120)))
    )
    applied = registered_on - datetime.timedelta(days=rng.randint(1, 5))
    UnemploymentRegistration.objects.filter(pk=registration.pk).update(
        registered_on=registered_on,
        last_contact_on=last_contact,
        created_at=timezone.make_aware(
            datetime.datetime.combine(applied, datetime.time(9, 30))
        ),
        reviewed_at=timezone.make_aware(
            datetime.datetime.combine(registered_on, datetime.time(15, 0))
        ),
        unemployed_since=applied - datetime.timedelta(days=rng.randint(5, 60)),
    )
    EmploymentCertificate.objects.filter(person_id=registration.person_id).update(
        issued_on=registered_on
    )


def _end_notice(recognition) -> None:
    # Demo only: the five-day notice ran last month.
    recognition.refresh_from_db()
    start = timezone.localdate() - datetime.timedelta(days=40)
    DifficultyRecognition.objects.filter(pk=recognition.pk).update(
        notice_starts=start, notice_ends=start + datetime.timedelta(days=4)
    )


# Demo-scale workforce: the staff an employer of each size has filed, relative.
STAFF_BY_SIZE = {"micro": 1, "small": 4, "medium": 10, "large": 20}
WORKERS = 2200
JOBS = ["普工", "操作工", "仓管员", "电工", "焊工", "质检员", "销售员", "文员", "厨师"]
HIRED_SHARE = 0.55  # history seekers who found work through an employer
# Registered unemployed per person in work the demo keeps each district near:
# an official registered unemployment rate of about 3 %.
UNEMPLOYED_PER_EMPLOYED = 0.031


def seed_registration_history(spans, employers, demo: DemoCity = FOSHAN) -> None:
    """Two years of registrations, in bulk: the employers' workforce filed before
    the history began, a third of it leaving since; half of the history seekers
    (jobs/demo.py, (person, first day, last update)) hired, and enough of them
    registered as unemployed to keep each district's registered unemployed near
    3 % of its people in work, a registration cancelled on the day its hire
    starts. Idempotent: nothing once the workforce is filed."""
    today = timezone.localdate()
    first = history_start(today)
    if EmploymentRegistration.objects.filter(
        start_date__lt=add_months(first, -12),
        org_unit__code__startswith=demo.prefix,
    ).exists():
        return
    staff = {employer.pk: employer.staff.first() for employer in employers}
    by_district = {}
    for employer in employers:
        by_district.setdefault(employer.org_unit.code[:6], []).append(employer)
    hires = _seed_workforce(by_district, staff, today, demo)
    searches = []  # (registration day, person, last update, hire day, rng)
    for person, first_day, last_update in spans:
        rng = random.Random(f"history-registration-{person.id_number}")
        hired_on = last_update + datetime.timedelta(rng.randint(3, 40))
        if rng.random() < HIRED_SHARE and hired_on <= today:
            employer = _employer_in(rng, by_district, person.residence.code[:6])
            hires.append(
                _employment(rng, person, employer, staff[employer.pk], hired_on, today)
            )
        else:
            hired_on = None
        registered_on = first_day + datetime.timedelta(rng.randint(0, 10))
        if registered_on <= today and (hired_on is None or hired_on > registered_on):
            searches.append((registered_on, person, last_update, hired_on, rng))
    registrations = _register_unemployed(searches, _employed(hires, today), today)
    recognitions = _recognise(registrations, today)
    with keeping_dates(
        EmploymentRegistration, UnemploymentRegistration, DifficultyRecognition
    ):
        EmploymentRegistration.objects.bulk_create(hires, batch_size=1000)
        UnemploymentRegistration.objects.bulk_create(registrations, batch_size=1000)
        DifficultyRecognition.objects.bulk_create(recognitions)


def _employed(hires, today) -> dict[tuple[str, int], int]:
    """{(district code, year): people in work at the year's end (or today)}."""
    counts = {}
    for year in range(today.year - 3, today.year + 1):
        day = min(datetime.date(year, 12, 31), today)
        for hire in hires:
            if hire.start_date <= day and (
                hire.end_date is None or hire.end_date >= day
            ):
                key = (hire.org_unit.code[:6], year)
                counts[key] = counts.get(key, 0) + 1
    return counts


def _register_unemployed(searches, employed, today) -> list[UnemploymentRegistration]:
    """Registrations for the searches, in order of their day, while the district
    has fewer registered unemployed that day than it aims at (more in the busy
    weeks after the Spring Festival and at graduation)."""
    reasons = CancellationReason.objects.in_bulk(field_name="code")
    caseworkers = {
        user.org_unit.code[:6]: user
        for user in User.objects.filter(
            role=User.Role.CASEWORKER, org_unit__level="district"
        ).select_related("org_unit")
    }
    registered = {}  # district code: [(registered on, cancelled on)]
    for code, start, end in UnemploymentRegistration.objects.filter(
        registered_on__isnull=False, person__residence__isnull=False
    ).values_list("person__residence__code", "registered_on", "cancelled_on"):
        registered.setdefault(code[:6], []).append((start, end))
    registrations = []
    for day, person, last_update, hired_on, rng in sorted(
        searches, key=lambda search: (search[0], search[1].id_number)
    ):
        district = person.residence.code[:6]
        aim = UNEMPLOYED_PER_EMPLOYED * employed.get((district, day.year), 0)
        aim *= 1.1 if seasonal_weight(day) > 1.5 else 1
        now = sum(
            1
            for start, end in registered.get(district, [])
            if start <= day and (end is None or end > day)
        )
        if now >= aim:
            continue
        registration = _unemployment(
            rng, person, day, last_update, hired_on, today, reasons
        )
        registration.reviewed_by = caseworkers[district]
        registrations.append(registration)
        registered.setdefault(district, []).append((day, registration.cancelled_on))
    return registrations


def _recognise(registrations, today) -> list[DifficultyRecognition]:
    """One in four of the people registered for two months or more recognised as
    having employment difficulty a month after registering; those hired since
    left the register a week after starting work."""
    categories = list(
        DifficultyCategory.objects.filter(
            is_active=True,
            min_age_women__isnull=True,
            min_age_men__isnull=True,
            min_unemployed_months__isnull=True,
        ).order_by("pk")[:6]
    )
    recognitions = []
    for registration in registrations:
        person, start = registration.person, registration.registered_on
        end = registration.cancelled_on or today
        rng = random.Random(f"recognition-{person.id_number}")
        if (end - start).days < 60 or rng.random() >= 0.25 or not categories:
            continue
        approved = start + datetime.timedelta(rng.randint(25, 40))
        recognition = DifficultyRecognition(
            person=person,
            category=rng.choice(categories),
            org_unit=person.residence,
            status=DifficultyRecognition.Status.APPROVED,
            statement="本人失业后家庭经济困难，可提供相关证明材料。",
            submitted_by=person.user,
            reviewed_by=registration.reviewed_by,
            decided_by=registration.reviewed_by,
            notice_starts=approved - datetime.timedelta(9),
            notice_ends=approved - datetime.timedelta(5),
            approved_on=approved,
            created_at=at(approved - datetime.timedelta(15), 10),
            updated_at=at(approved, 16),
        )
        hired = registration.cancellation_reason_id and (
            registration.cancellation_reason.code == "employment_registered"
        )
        left = end + datetime.timedelta(7)
        if hired and left < today:
            recognition.status = DifficultyRecognition.Status.EXITED
            recognition.exited_on = left
            recognition.exit_reason = DifficultyRecognition.ExitReason.EMPLOYED
            recognition.updated_at = at(left, 16)
        recognitions.append(recognition)
    return recognitions


def _employer_in(rng, by_district, district):
    local = by_district.get(district) or [e for es in by_district.values() for e in es]
    weights = [STAFF_BY_SIZE.get(employer.size, 1) for employer in local]
    return rng.choices(local, weights)[0]


def _employment(
    rng, person, employer, filer, start, today, turnover=0.2
) -> EmploymentRegistration:
    """A hire filed by the employer within three weeks, ended now and then."""
    filed = min(start + datetime.timedelta(rng.randint(0, 20)), today)
    hire = EmploymentRegistration(
        person=person,
        kind=EmploymentRegistration.Kind.EMPLOYEE,
        source=EmploymentRegistration.Source.EMPLOYER,
        employer=employer,
        org_unit=employer.org_unit,
        job_title=rng.choice(JOBS),
        contract_term=rng.choice(["fixed", "fixed", "fixed", "open_ended"]),
        start_date=start,
        filed_by=filer,
        created_at=at(filed, 10),
        updated_at=at(filed, 10),
    )
    end = start + datetime.timedelta(rng.randint(90, 540))
    if rng.random() < turnover and end < today:
        hire.end_date = end
        hire.end_reason = rng.choice(["resigned", "resigned", "expired", "mutual"])
        hire.ended_at = hire.updated_at = at(min(end + datetime.timedelta(3), today))
        hire.ended_by = filer
    return hire


def _seed_workforce(by_district, staff, today, demo) -> list[EmploymentRegistration]:
    """The people the employers employed before the history began, living in
    the district they work in; a third of them leave during the two years."""
    first = history_start(today)
    rng = random.Random(f"{demo.key}workforce")
    starts = sorted(
        first - datetime.timedelta(rng.randint(1, 8 * 365))
        for _ in range(demo.count(WORKERS))
    )
    people = seed_people(
        "worker",
        demo.count(WORKERS),
        demo=demo,
        birth_years=(today.year - 50, today.year - 22),
        joined=starts,
        accounts=False,
    )
    hires = []
    for person, start in zip(people, starts, strict=True):
        rng = random.Random(f"worker-{person.id_number}")
        adult = add_years(birth_date_from_id(person.id_number), 18)
        start = max(start, adult + datetime.timedelta(rng.randint(0, 200)))
        employer = _employer_in(rng, by_district, person.residence.code[:6])
        hire = _employment(
            rng, person, employer, staff[employer.pk], start, today, turnover=0
        )
        if rng.random() < 0.35:
            end = first + datetime.timedelta(rng.randint(0, (today - first).days - 1))
            hire.end_date = end
            hire.end_reason = rng.choice(["resigned", "expired", "mutual", "dismissed"])
            hire.ended_at = hire.updated_at = at(end + datetime.timedelta(2))
            hire.ended_by = hire.filed_by
        hires.append(hire)
    return hires


def _unemployment(
    rng, person, registered_on, last_update, hired_on, today, reasons
) -> UnemploymentRegistration:
    """Registered a few days after starting to look; cancelled when hired, when
    working otherwise, or after six months without contact."""
    young = person.id_number[6:10] >= str(registered_on.year - 24)
    applied = registered_on - datetime.timedelta(rng.randint(1, 5))
    registration = UnemploymentRegistration(
        person=person,
        org_unit=person.residence,
        status=UnemploymentRegistration.Status.REGISTERED,
        channel=rng.choice(["online", "online", "counter"]),
        cause="left_school" if young else rng.choice(["lost_job"] * 8 + ["other"]),
        unemployed_since=applied - datetime.timedelta(rng.randint(5, 60)),
        job_wishes=rng.choice(WISHES),
        wants_training=rng.random() < 0.4,
        submitted_by=person.user,
        reviewed_at=at(registered_on, 15),
        registered_on=registered_on,
        last_contact_on=max(registered_on, last_update),
        created_at=at(applied, 9, 30),
        updated_at=at(registered_on, 15),
    )
    if hired_on is not None:
        cancelled_on, reason = hired_on, "employment_registered"
    elif rng.random() < 0.55:
        cancelled_on = last_update + datetime.timedelta(rng.randint(30, 120))
        reason = rng.choice(["stable_income", "business_licence", "withdrew"])
    else:
        cancelled_on, reason = last_update + datetime.timedelta(183), "no_contact"
    if cancelled_on <= today:
        registration.status = UnemploymentRegistration.Status.CANCELLED
        registration.cancelled_on = cancelled_on
        registration.cancellation_reason = reasons[reason]
        registration.updated_at = at(cancelled_on, 16)
    return registration

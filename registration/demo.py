"""Demo registrations for seed_demo: people registered as unemployed at every
step, employers' hires and separations, flexible workers, certificates and
employment-difficulty recognitions, spread over the past two years."""

import datetime
import random

from django.utils import timezone

from portal.models import DifficultyCategory, User
from registration import services
from registration.models import (
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


def seed_registrations(persons, employers) -> None:
    """Idempotent: does nothing once demo registrations exist."""
    if UnemploymentRegistration.objects.exists():
        return
    today = timezone.localdate()
    city_caseworker = User.objects.get(username="cw_city")
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

"""Demo graduates for seed_demo: own reports at every step, an education
department's list for this year, unemployed graduates with follow-up contacts, a
receiving application, the city's targets, and the two latest cohorts of young
people who came to the portal at graduation (portal.demo.graduating_people),
followed up since."""

import datetime
import random

from django.utils import timezone

from graduates import services
from graduates.models import CohortTarget, Graduate, Leaver
from graduates.services import GraduateRow
from jobs.models import JobPosting
from portal.demo import (
    GIVEN,
    SURNAMES,
    at,
    cohorts,
    graduating_people,
    make_id_number,
    spread_days,
)
from portal.models import User
from registration.models import EmploymentRegistration

SCHOOLS = [
    (
        "佛山大学",
        ["机械设计制造及其自动化", "会计学", "计算机科学与技术", "电子信息工程"],
    ),
    ("广东工业大学", ["自动化", "材料成型及控制工程", "软件工程"]),
    ("顺德职业技术学院", ["机电一体化技术", "家具设计与制造", "烹饪工艺与营养"]),
    ("华南师范大学", ["汉语言文学", "英语", "心理学"]),
]
DESTINATIONS = [
    "contract",
    "contract",
    "agreement",
    "further_study",
    "seeking",
    "seeking",
    "freelance",
    "entrepreneur",
    "not_seeking",
]
ORIGINS = [
    "440604",
    "440605",
    "440606",
    "440607",
    "440608",
    "430102",
    "450902",
    "360702",
    "511302",
]


def seed_graduates(persons, employers) -> None:
    """Idempotent: does nothing once demo graduates exist."""
    if Graduate.objects.exists():
        return
    year = timezone.localdate().year
    CohortTarget.objects.get_or_create(city=None, graduation_year=year)
    caseworker = User.objects.get(username="cw_city")
    young = [p for p in persons if p.age() <= 30]
    for index, person in enumerate(young[:12]):
        _report(person, index, year, caseworker, employers)
    services.import_graduates(_education_list(year), by=caseworker)
    today = timezone.localdate()
    for cohort in cohorts(today):
        CohortTarget.objects.get_or_create(city=None, graduation_year=cohort)
        _seed_cohort(cohort, caseworker, today)


def seed_city_targets(today: datetime.date, demo) -> None:
    """A further demo city's own targets for this year's and the two latest
    cohorts (lower than the common 98 % and 90 %, as a city may set them)."""
    city = demo.units("city").get()
    for year in {today.year, *cohorts(today)}:
        CohortTarget.objects.get_or_create(
            city=city,
            graduation_year=year,
            defaults={"contact_rate": 95, "employment_rate": 85},
        )


def _report(person, index, year, caseworker, employers) -> None:
    rng = random.Random(f"graduate-{person.id_number}")
    school, majors = rng.choice(SCHOOLS)
    destination = DESTINATIONS[index % len(DESTINATIONS)]
    employer = employers[index % len(employers)]
    graduate = services.submit_report(
        Graduate(
            person=person,
            graduation_year=year,
            graduation_date=datetime.date(year, 6, 30),
            school=school,
            major=rng.choice(majors),
            degree=rng.choice(["bachelor", "bachelor", "college", "master"]),
            origin_code=person.id_number[:6],
            destination=destination,
            employer_name=employer.name
            if destination in ("contract", "agreement")
            else "",
            archive_transfer=rng.choice(["none", "talent_centre", "employer"]),
            hukou_transfer=rng.random() < 0.3,
        ),
        by=person.user,
    )
    if index % 3 == 1:
        services.receive_report(graduate, by=caseworker)
    elif index % 3 == 2:
        services.return_report(
            graduate, "请补充毕业日期，并填写就业单位全称。", by=caseworker
        )
    if destination == "contract" and index < 4:
        services.apply_to_receive(
            employer=employer,
            by=employer.staff.first(),
            name=person.name,
            id_number=person.id_number,
            graduation_year=year,
            kind="archive",
            reason="已签订三年劳动合同，申请接收人事档案。",
        )
    if destination == "seeking":
        leaver = services.register_leaver(
            graduate,
            by=person.user,
            job_wishes="机械设计或技术支持，禅城区、南海区",
            service_needs=["guidance", "referral", "internship"],
        )
        postings = list(JobPosting.objects.published().order_by("pk")[:2])
        services.log_contact(
            leaver,
            by=caseworker,
            contacted_on=timezone.localdate() - datetime.timedelta(days=7),
            channel="phone",
            services=["guidance", "referral"],
            note="电话联系，介绍了见习政策，推荐两个岗位。",
            postings=postings,
        )


def _education_list(year) -> list[GraduateRow]:
    rows = []
    for index in range(40):
        rng = random.Random(f"graduate-list-{index}")
        school, majors = rng.choice(SCHOOLS)
        origin = rng.choice(ORIGINS)
        rows.append(
            GraduateRow(
                line=index + 2,
                name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2)),
                id_number=make_id_number(rng, origin, birth_year=year - 22),
                graduation_year=year,
                school=school,
                major=rng.choice(majors),
                degree=rng.choice(["bachelor", "bachelor", "college", "master"]),
                origin_code=origin,
                destination=rng.choice(DESTINATIONS),
            )
        )
    return rows


def _seed_cohort(year, caseworker, today) -> None:
    """The education department's list of the young people graduating in `year`
    who came to the portal: in work by the end of June if they were hired by
    then, otherwise mostly still looking, registered for follow-up services and
    contacted over the following months."""
    people = graduating_people(year, today)
    graduation = datetime.date(year, 6, 30)
    hired = dict(
        EmploymentRegistration.objects.filter(
            person__in=people, start_date__lte=graduation
        ).values_list("person_id", "employer__name")
    )
    rows = []
    for index, person in enumerate(people):
        rng = random.Random(f"cohort-{person.id_number}")
        school, majors = rng.choice(SCHOOLS)
        destination = rng.choice(["seeking"] * 6 + ["further_study", "not_seeking"])
        rows.append(
            GraduateRow(
                line=index + 2,
                name=person.name,
                id_number=person.id_number,
                graduation_year=year,
                school=school,
                major=rng.choice(majors),
                degree={"college": "college", "master": "master"}.get(
                    person.education, "bachelor"
                ),
                origin_code=person.id_number[:6],
                destination="contract" if person.pk in hired else destination,
            )
        )
    services.import_graduates(rows, by=caseworker)
    listed = at(datetime.date(year, 6, 20), 10)
    graduates = Graduate.objects.filter(person__in=people, graduation_year=year)
    graduates.update(graduation_date=graduation, created_at=listed, updated_at=listed)
    for graduate in graduates.filter(person_id__in=hired):
        graduate.employer_name = hired[graduate.person_id]
        graduate.save(update_fields=["employer_name"])
    leavers = Leaver.objects.filter(graduate__in=graduates).select_related(
        "graduate__person"
    )
    leavers.update(created_at=listed, updated_at=listed, status_changed_on=graduation)
    for leaver in leavers.order_by("graduate__person__id_number"):
        rng = random.Random(f"contacts-{leaver.graduate.person.id_number}")
        if rng.random() < 0.15:
            continue  # not reached yet
        last = min(datetime.date(year, 12, 20), today)
        for day in spread_days(rng, graduation, last, rng.randint(1, 3)):
            services.log_contact(
                leaver,
                by=caseworker,
                contacted_on=day,
                channel=rng.choice(["phone", "phone", "visit", "online"]),
                services=rng.sample(["policy", "guidance", "referral"], k=2),
                note="电话回访，介绍了就业政策和见习岗位，推荐了合适的岗位。",
                postings=list(
                    JobPosting.objects.filter(
                        published_at__date__lte=day, valid_until__gte=day
                    ).order_by("pk")[: rng.randint(0, 2)]
                ),
            )

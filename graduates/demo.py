"""Demo graduates for seed_demo: own reports at every step, an education
department's list for 2026, unemployed graduates with follow-up contacts, a
receiving application, and the city's targets."""

import datetime
import random

from django.utils import timezone

from graduates import services
from graduates.models import CohortTarget, Graduate
from graduates.services import GraduateRow
from jobs.models import JobPosting
from portal.demo import GIVEN, SURNAMES, make_id_number
from portal.models import User

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
    CohortTarget.objects.get_or_create(graduation_year=year)
    caseworker = User.objects.get(username="cw_city")
    young = [p for p in persons if p.age() <= 30]
    for index, person in enumerate(young[:12]):
        _report(person, index, year, caseworker, employers)
    services.import_graduates(_education_list(year), by=caseworker)


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

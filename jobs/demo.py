"""Demo jobs data for seed_demo: realistic Foshan jobs for the verified employers
and resumes of the demo seekers, over two years, each with the days it counted
(PostingInterval, ResumeInterval), and the applications between them."""

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from jobs.models import (
    Application,
    JobPosting,
    PostingInterval,
    Resume,
    ResumeInterval,
)
from jobs.services.listings import rebuild_listings
from portal.demo import (
    FOSHAN,
    DemoCity,
    add_months,
    at,
    cohorts,
    graduating_people,
    history_start,
    keeping_dates,
    seasonal_weight,
    seed_people,
    spread_days,
)

# (title, occupation group, occupation name, salary band, education)
JOBS_BY_INDUSTRY = {
    "C": [
        ("普工（长白班）", "6", "普通操作工", (4500, 6500), ""),
        ("数控车床操作工", "6", "车工", (6000, 9000), "junior"),
        ("氩弧焊工", "6", "焊工", (7000, 10000), "junior"),
        ("质检员", "6", "质检员", (4800, 6500), "senior"),
        ("维修电工", "6", "电工", (6500, 9000), "vocational"),
        ("注塑技术员", "6", "注塑工", (6000, 8500), "vocational"),
        ("财务会计", "2", "会计", (6000, 9000), "college"),
    ],
    "F": [
        ("销售代表", "4", "销售员", (5000, 12000), "senior"),
        ("客服专员", "4", "客服", (4500, 6000), "senior"),
        ("电商运营专员", "4", "电子商务", (6000, 9000), "college"),
        ("出纳", "3", "出纳", (4500, 6000), "college"),
    ],
    "G": [
        ("叉车司机", "6", "叉车司机", (6000, 8000), "junior"),
        ("仓库管理员", "3", "仓库管理", (5000, 6500), "senior"),
        ("货车司机（C1/B2）", "4", "货车司机", (7000, 10000), "junior"),
        ("快递分拣员（可兼职）", "4", "分拣员", (4500, 6500), ""),
    ],
    "H": [
        ("粤菜厨师", "4", "厨师", (6500, 9500), ""),
        ("餐厅服务员", "4", "服务员", (4200, 5500), ""),
        ("门店店长", "1", "店长", (7000, 10000), "college"),
    ],
    "I": [
        ("Python开发工程师", "2", "软件工程师", (12000, 20000), "bachelor"),
        ("Java开发工程师", "2", "软件工程师", (12000, 22000), "bachelor"),
        ("前端开发工程师", "2", "软件工程师", (10000, 18000), "bachelor"),
        ("软件测试工程师", "2", "测试工程师", (8000, 13000), "college"),
        ("网络管理员", "2", "网络管理员", (6500, 9000), "college"),
    ],
    "Q": [
        ("医疗器械销售代表", "4", "销售员", (6000, 15000), "college"),
        ("质量体系专员", "2", "质量工程师", (7000, 10000), "bachelor"),
    ],
    "E": [
        ("施工员", "2", "施工员", (7000, 10000), "college"),
        ("安全员", "2", "安全员", (6500, 9000), "college"),
        ("水电工", "6", "电工", (7000, 11000), "junior"),
        ("造价员", "2", "造价工程师", (7000, 11000), "college"),
    ],
    "L": [
        ("招聘专员", "3", "人事专员", (5000, 7500), "college"),
        ("人事行政专员", "3", "行政专员", (5000, 7000), "college"),
        ("财务会计师", "2", "会计", (7000, 10000), "bachelor"),
    ],
}
DUTIES = [
    "负责岗位日常工作，服从主管安排，按标准完成工作任务。",
    "按照操作规程完成生产任务，做好设备日常点检与保养。",
    "做好客户接待与沟通，及时记录并反馈客户需求。",
    "配合团队完成月度目标，整理相关资料与报表。",
]
REQUIREMENTS = [
    "身体健康，工作认真负责，有团队合作精神。",
    "有相关工作经验者优先考虑，应届毕业生亦可。",
    "能适应倒班，吃苦耐劳，服从管理。",
    "具备良好的沟通能力和学习能力。",
]
HOURS = [
    "上班时间：8:00-12:00，13:30-17:30，每周休息一天。",
    "做六休一，每天8小时，加班另计加班费。",
    "朝九晚六，双休，法定节假日正常休息。",
]
BENEFITS = [
    "依法缴纳五险一金，包食宿，年底双薪。",
    "缴纳社会保险，提供员工宿舍，节日福利。",
    "入职即买社保，带薪年假，定期体检，不收取任何费用。",
]


# Vacancies per posting: mostly a few, now and then a factory's batch of 10–30.
HEADCOUNTS = ([1, 2, 3, 4, 5], [30, 25, 20, 10, 15])
OPEN_DAYS = [30, 45, 60, 60, 90, 90, 90]  # how long a posting stays open


def _headcount(rng, gap: int, batch_hiring: bool) -> int:
    if batch_hiring and gap >= 15 and rng.random() < 0.3:
        return rng.randint(10, min(30, gap + 5))
    return rng.choices(*HEADCOUNTS)[0]


def _posting(rng, employer, job, start: datetime.date, headcount: int) -> JobPosting:
    title, group, occupation, (low, high), education = job
    negotiable = rng.random() < 0.1
    published = at(start, rng.randint(9, 17), rng.randrange(60))
    return JobPosting(
        employer=employer,
        title=title,
        occupation_group=group,
        occupation_name=occupation,
        industry=employer.industry,
        job_type="part_time" if "兼职" in title else "full_time",
        org_unit=employer.org_unit,
        address=employer.address,
        latitude=float(employer.latitude) + rng.uniform(-0.004, 0.004),
        longitude=float(employer.longitude) + rng.uniform(-0.004, 0.004),
        salary_min=None if negotiable else low,
        salary_max=None if negotiable else high,
        education=education,
        experience_years=rng.choice([0, 0, 1, 2, 3]),
        headcount=headcount,
        description="\n".join(
            [
                f"岗位职责：{rng.choice(DUTIES)}",
                f"任职要求：{rng.choice(REQUIREMENTS)}",
                rng.choice(HOURS),
                f"福利待遇：{rng.choice(BENEFITS)}",
            ]
        ),
        contact_name=employer.contact_name,
        contact_phone=employer.contact_phone,
        status=JobPosting.Status.PUBLISHED,
        created_at=published - datetime.timedelta(hours=2),
        updated_at=published,
        submitted_at=published - datetime.timedelta(hours=2),
        published_at=published,
    )


def _open(rng, posting: JobPosting, start: datetime.date, today) -> datetime.date:
    """Set how the posting ended (or runs on); returns its last day open."""
    days = rng.choice(OPEN_DAYS)
    posting.valid_until = start + datetime.timedelta(days)
    closed_on = start + datetime.timedelta(rng.randint(7, days - 1))
    if rng.random() < 0.15 and closed_on < today:  # filled early and closed
        posting.status = JobPosting.Status.CLOSED
        posting.updated_at = at(closed_on, 17)
        return closed_on
    if posting.valid_until < today:
        posting.status = JobPosting.Status.EXPIRED
        posting.updated_at = at(posting.valid_until + datetime.timedelta(1), 1)
    return posting.valid_until


def _interval(posting: JobPosting, start, ends_on, today) -> PostingInterval:
    employer = posting.employer
    return PostingInterval(
        posting=posting,
        starts_on=start,
        ends_on=ends_on,
        is_current=posting.status == JobPosting.Status.PUBLISHED and ends_on >= today,
        employer=employer,
        org_unit=posting.org_unit,
        headcount=posting.headcount,
        occupation_group=posting.occupation_group,
        occupation_name=posting.occupation_name,
        industry=posting.industry or employer.industry,
        ownership=employer.ownership,
        education=posting.education,
        salary_min=posting.salary_min,
    )


def seed_postings(employers, targets: dict) -> list[JobPosting]:
    """Two years of postings of the verified employers, with the days each was
    open (PostingInterval); idempotent: nothing is added once they have postings.
    In each month the vacancies open in a district reach at least
    `targets[(district code, first day)]`, those still open from earlier
    months included (stats/demo.py sets the targets from the seekers). Every
    employer has a posting open today, and a few wait for a caseworker's review."""
    if JobPosting.objects.filter(employer__in=employers).exists():
        return []
    today = timezone.localdate()
    by_district = {}
    for employer in employers:
        by_district.setdefault(employer.org_unit.code[:6], []).append(employer)
    planned = []  # (posting, first day, last day)
    for month in sorted({month for _district, month in targets}):
        last = min(add_months(month, 1) - datetime.timedelta(1), today)
        for district, local in sorted(by_district.items()):
            rng = random.Random(f"postings-{district}-{month}")
            target = targets.get((district, month), 0)
            vacancies = sum(
                posting.headcount
                for posting, _start, ends_on in planned
                if ends_on >= month and posting.org_unit.code.startswith(district)
            )
            while vacancies < target:
                [start] = spread_days(rng, month, last, 1)
                employer = rng.choice(local)
                job = rng.choice(
                    JOBS_BY_INDUSTRY.get(employer.industry, JOBS_BY_INDUSTRY["C"])
                )
                headcount = _headcount(rng, target - vacancies, job[1] == "6")
                posting = _posting(rng, employer, job, start, headcount)
                planned.append((posting, start, _open(rng, posting, start, today)))
                vacancies += headcount
    running = {p.employer_id for p, _s, _e in planned if p.status == "published"}
    pending = []
    for employer in employers:
        rng = random.Random(f"postings-{employer.uscc}")
        choices = JOBS_BY_INDUSTRY.get(employer.industry, JOBS_BY_INDUSTRY["C"])
        if employer.pk not in running:
            start = today - datetime.timedelta(rng.randint(0, 20))
            posting = _posting(
                rng, employer, rng.choice(choices), start, rng.randint(1, 3)
            )
            posting.valid_until = today + datetime.timedelta(rng.randint(10, 40))
            planned.append((posting, start, posting.valid_until))
        if rng.random() < 0.25:  # waits for a caseworker's review
            posting = _posting(rng, employer, rng.choice(choices), today, 1)
            posting.valid_until = today + datetime.timedelta(30)
            posting.status, posting.published_at = JobPosting.Status.PENDING, None
            pending.append(posting)
    with keeping_dates(JobPosting):
        postings = JobPosting.objects.bulk_create(
            [posting for posting, _start, _end in planned] + pending, batch_size=500
        )
    PostingInterval.objects.bulk_create(
        [_interval(posting, start, end, today) for posting, start, end in planned],
        batch_size=1000,
    )
    _seed_history_applications(planned, today)
    rebuild_listings()
    return postings


def _seed_history_applications(planned, today) -> None:
    """The history seekers applied to one or two postings open in the group they
    wanted when they started looking; most heard back."""
    by_group_month = {}
    for posting, start, end in planned:
        month = start.replace(day=1)
        while month <= end:
            by_group_month.setdefault((posting.occupation_group, month), []).append(
                (posting, start, end)
            )
            month = add_months(month, 1)
    applications = []
    resumes = Resume.objects.filter(created_at__date__lt=today - datetime.timedelta(30))
    if planned:  # the seekers of these postings' city (or of none)
        city = planned[0][0].employer.org_unit.code[:4]
        resumes = resumes.filter(
            Q(person__residence__isnull=True)
            | Q(person__residence__code__startswith=city)
        )
    for resume in resumes.order_by("created_at", "pk"):
        rng = random.Random(f"history-applications-{resume.person_id}")
        day = timezone.localtime(resume.created_at).date()
        group = (resume.intended_occupation_groups or ["6"])[0]
        open_then = [
            posting
            for posting, start, end in by_group_month.get(
                (group, day.replace(day=1)), []
            )
            if start <= day <= end
        ]
        for posting in rng.sample(open_then, k=min(len(open_then), rng.randint(0, 2))):
            status = rng.choice(
                ["viewed", "not_suitable", "not_suitable", "interview", "hired"]
            )
            applications.append(
                Application(
                    posting=posting,
                    person_id=resume.person_id,
                    resume=resume,
                    status=status,
                    created_at=at(day, 20),
                    updated_at=at(day + datetime.timedelta(rng.randint(1, 10)), 10),
                    status_changed_at=at(
                        day + datetime.timedelta(rng.randint(1, 10)), 10
                    ),
                )
            )
    with keeping_dates(Application):
        Application.objects.bulk_create(applications, batch_size=1000)


# What seekers write they want, in the occupation names employers use, so that the
# dashboard's largest gaps compare like with like.
WANTED = [
    (["2"], "会计 出纳", "熟练使用用友、金蝶财务软件，持初级会计职称。"),
    (["6"], "电工 维修电工", "持低压电工证，熟悉PLC与设备维修。"),
    (["6"], "焊工 车工", "持焊工证，氩弧焊、二保焊均可。"),
    (["4"], "销售员 客服", "沟通能力强，有门店销售经验。"),
    (["2"], "软件工程师 测试工程师", "熟悉Python、Django与PostgreSQL。"),
    (["6", "3"], "叉车司机 仓库管理", "持叉车证，熟悉仓库收发货。"),
    (["4"], "厨师 服务员", "粤菜厨房经验三年。"),
    (["6"], "普通操作工 注塑工", "吃苦耐劳，能适应倒班。"),
    (["6"], "普通操作工 质检员", "做过电子厂流水线，视力良好。"),
    (["4"], "货车司机 分拣员", "持B2驾照，熟悉珠三角路线。"),
    (["3"], "人事专员 行政专员", "熟悉招聘流程和社保办理。"),
    (["2"], "施工员 安全员", "持施工员证，三年工地经验。"),
]


SEEKERS_PER_DAY = 2.0  # new resumes on an ordinary day, across the city


def resume_valid_until(day: datetime.date) -> datetime.date:
    """A resume changed on `day` counts until the end of the month after next
    (docs/statistics.md, "Supply and demand")."""
    return add_months(day, 3) - datetime.timedelta(1)


def _intervals(resume, person, days, salaries, today) -> list[ResumeInterval]:
    """From the resume's creation and each update to the day before the next, the
    last one to the end of the month after next."""
    rows = []
    for index, day in enumerate(days):
        last = index == len(days) - 1
        ends_on = (
            resume_valid_until(day) if last else days[index + 1] - datetime.timedelta(1)
        )
        rows.append(
            ResumeInterval(
                resume=resume,
                person=person,
                starts_on=day,
                ends_on=ends_on,
                is_current=last and ends_on >= today,
                org_unit_id=person.residence_id,
                occupation_group=(resume.intended_occupation_groups or [""])[0],
                occupations=resume.intended_occupations[:100],
                expected_salary_min=salaries[index],
            )
        )
    return rows


def _resume(rng, person, wanted, days, salaries, is_public) -> Resume:
    groups, occupations, skills = wanted
    return Resume(
        person=person,
        intended_occupation_groups=groups,
        intended_occupations=occupations,
        job_types=["full_time"],
        expected_salary_min=salaries[-1],
        expected_salary_max=salaries[-1] + rng.choice([2000, 3000, 5000]),
        experience_years=rng.randint(0, 12),
        skills=skills,
        self_introduction="工作认真负责，期待在佛山长期发展。",
        is_public=is_public,
        created_at=at(days[0], 20, rng.randrange(60)),
        updated_at=at(days[-1], 21, rng.randrange(60)),
    )


def _save_resumes(made, today) -> list[Resume]:
    """made: (resume, update days, salary per interval)."""
    with keeping_dates(Resume):
        resumes = Resume.objects.bulk_create([resume for resume, _d, _s in made])
    ResumeInterval.objects.bulk_create(
        [
            interval
            for resume, days, salaries in made
            for interval in _intervals(resume, resume.person, days, salaries, today)
        ],
        batch_size=1000,
    )
    return resumes


def seed_resumes(persons) -> list[Resume]:
    """Resumes for most demo seekers (idempotent), two in three of them public,
    kept up to date over the last months and valid today."""
    today = timezone.localdate()
    made = []
    for index, person in enumerate(persons):
        if index % 5 == 4 or Resume.objects.filter(person=person).exists():
            continue
        rng = random.Random(f"resume-{person.id_number}")
        wanted = rng.choice(WANTED)
        low = rng.choice([4000, 5000, 6000, 8000, 10000])
        updated = today - datetime.timedelta(rng.randint(0, 40))
        days = [updated - datetime.timedelta(rng.randint(0, 150))]
        while (updated - days[-1]).days > 45:
            days.append(days[-1] + datetime.timedelta(rng.randint(25, 40)))
        if updated > days[-1]:
            days.append(updated)
        resume = _resume(rng, person, wanted, days, [low] * len(days), index % 3 != 0)
        made.append((resume, days, [low] * len(days)))
    return _save_resumes(made, today)


GRADUATE_WANTED = [
    (["2"], "质量工程师 质检员", "熟练使用CAD、SolidWorks，做过质量管理课程设计。"),
    (["2"], "会计 出纳", "持初级会计职称，实习于会计师事务所。"),
    (["2"], "软件工程师 测试工程师", "熟悉Java、Python，做过课程项目。"),
    (["3"], "行政专员 人事专员", "熟练使用办公软件，沟通能力强。"),
    (["4"], "电子商务 销售员", "做过校园电商与新媒体运营。"),
    (["2"], "施工员 造价工程师", "土木工程专业，熟悉广联达。"),
]


def _search(rng, today, first: datetime.date) -> tuple[list, list]:
    """The days a seeker created and updated the resume, about monthly for a while
    (the updates form consecutive intervals), and the salary wanted each time,
    lowered now and then."""
    days, salaries = [first], [rng.choice([4000, 4500, 5000, 5000, 6000, 8000])]
    while rng.random() < 0.5:
        day = days[-1] + datetime.timedelta(rng.randint(20, 45))
        if day > today:
            break
        days.append(day)
        lower = rng.random() < 0.3 and salaries[-1] > 3500
        salaries.append(salaries[-1] - 500 if lower else salaries[-1])
    return days, salaries


def seed_resume_history(today: datetime.date, demo: DemoCity = FOSHAN) -> list[tuple]:
    """Two years of job seekers, new residents with resumes started on busy days
    more often, and each recent cohort of graduates from late May; idempotent
    (nothing once resumes older than the history exist). Returns (person, first
    day, last update) for each, for registration/demo.py."""
    first = add_months(history_start(today), -6)
    if Resume.objects.filter(
        created_at__date__lt=history_start(today),
        person__residence__code__startswith=demo.prefix,
    ).exists():
        return []
    rng = random.Random(f"{demo.key}resume-history")
    span = [first + datetime.timedelta(n) for n in range((today - first).days + 1)]
    count = round(
        demo.size * SEEKERS_PER_DAY * sum(seasonal_weight(day) for day in span)
    )
    days = spread_days(rng, first, today, count)
    people = seed_people(
        "seeker",
        count,
        birth_years=(today.year - 54, today.year - 18),
        joined=days,
        demo=demo,
    )
    groups = [(people, days, WANTED)]
    for year in cohorts(today):
        graduates = graduating_people(year, today, demo)
        joined = [timezone.localtime(p.created_at).date() for p in graduates]
        groups.append((graduates, joined, GRADUATE_WANTED))
    made, spans = [], []
    for people, joined, wanted in groups:
        for person, day in zip(people, joined, strict=True):
            rng = random.Random(f"resume-{person.id_number}")
            updates, salaries = _search(rng, today, day)
            resume = _resume(
                rng, person, rng.choice(wanted), updates, salaries, rng.random() < 0.6
            )
            made.append((resume, updates, salaries))
            spans.append((person, updates[0], updates[-1]))
    _save_resumes(made, today)
    return spans


def seed_missing_intervals() -> None:
    """The intervals of postings and resumes the demo made through the services
    (the internship posting, …) when those did not write them."""
    today = timezone.localdate()
    postings = (
        JobPosting.objects.exclude(
            status__in=[JobPosting.Status.PENDING, JobPosting.Status.REJECTED]
        )
        .filter(
            published_at__isnull=False,
            intervals__isnull=True,
        )
        .select_related("employer")
    )
    intervals = []
    for posting in postings:
        start = timezone.localtime(posting.published_at).date()
        end = posting.valid_until
        if posting.status == JobPosting.Status.CLOSED:
            end = min(end, timezone.localtime(posting.updated_at).date())
        intervals.append(_interval(posting, start, max(start, end), today))
    PostingInterval.objects.bulk_create(intervals)
    resumes = []
    for resume in Resume.objects.filter(intervals__isnull=True).select_related(
        "person"
    ):
        days = sorted(
            {
                timezone.localtime(resume.created_at).date(),
                timezone.localtime(resume.updated_at).date(),
            }
        )
        salaries = [resume.expected_salary_min] * len(days)
        resumes += _intervals(resume, resume.person, days, salaries, today)
    ResumeInterval.objects.bulk_create(resumes)


def seed_applications(resumes) -> list[Application]:
    """A few applications per resume to published postings that fit its wishes."""
    applications = []
    for resume in resumes:
        rng = random.Random(f"applications-{resume.person_id}")
        postings = list(
            JobPosting.objects.published()
            .filter(occupation_group__in=resume.intended_occupation_groups)
            .order_by("?")[:2]
        )
        for posting in postings:
            applications.append(
                Application(
                    posting=posting,
                    person_id=resume.person_id,
                    resume=resume,
                    status=rng.choice(["received", "received", "viewed", "interview"]),
                )
            )
    return Application.objects.bulk_create(applications, ignore_conflicts=True)


def seed_video_interviews(employer, seeker_person) -> list:
    """Video interviews in the portal: one for the demo employer and seeker opening
    now (so `make run` shows the room), one tomorrow, and some held in the last
    two months with outcomes as interviews go (about a third hired)."""
    from jobs.models import InterviewInvitation, InvitationEvent, VideoRoom
    from jobs.services.video import window

    if VideoRoom.objects.exists():
        return []
    now = timezone.now()
    rng = random.Random("video-interviews")
    planned = []
    staff = employer.staff.filter(is_active=True).first()
    posting = JobPosting.objects.published().filter(employer=employer).first()
    resume = Resume.objects.filter(person=seeker_person).first()
    if staff and posting and resume:
        planned.append((posting, resume, staff, now + datetime.timedelta(minutes=5)))
        other = (
            Resume.objects.exclude(person=seeker_person)
            .filter(person__user__isnull=False)
            .order_by("pk")
            .first()
        )
        if other:
            planned.append((posting, other, staff, now + datetime.timedelta(days=1)))
    interviews = (
        Application.objects.filter(
            status="interview", posting__employer__staff__is_active=True
        )
        .exclude(posting__employer=employer)
        .select_related("posting__employer", "resume")
        .order_by("pk")[:12]
    )
    for application in interviews:
        days_ago = rng.randint(1, 60)
        moment = (now - datetime.timedelta(days=days_ago)).replace(
            hour=rng.choice([9, 10, 14, 15, 16]), minute=0, second=0, microsecond=0
        )
        planned.append(
            (
                application.posting,
                application.resume,
                application.posting.employer.staff.filter(is_active=True).first(),
                moment,
            )
        )
    rooms = []
    for posting, resume, interviewer, moment in planned:
        invitation = InterviewInvitation.objects.create(
            posting=posting,
            person_id=resume.person_id,
            resume=resume,
            application=posting.applications.filter(person_id=resume.person_id).first(),
            scheduled_at=moment,
            portal_video=True,
            place="" if rng.random() < 0.5 else (posting.address or "")[:200],
            message="请提前五分钟进入视频面试间，测试摄像头和麦克风。",
            status=InterviewInvitation.Status.ACCEPTED,
            invited_by=interviewer,
        )
        InvitationEvent.objects.bulk_create(
            [
                InvitationEvent(invitation=invitation, action="sent", by_employer=True),
                InvitationEvent(invitation=invitation, action="accepted"),
            ]
        )
        opens_at, closes_at = window(moment)
        room = VideoRoom(
            invitation=invitation,
            employer=posting.employer,
            seeker=resume.person.user,
            opens_at=opens_at,
            closes_at=closes_at,
        )
        if moment < now - datetime.timedelta(hours=2) and rng.random() < 0.85:
            room.held_at = moment + datetime.timedelta(minutes=rng.randint(0, 4))
            room.outcome = rng.choices(
                ["hire", "pending", "not_suitable"], weights=[3, 2, 5]
            )[0]
            room.outcome_at = room.held_at + datetime.timedelta(minutes=25)
            room.employer_rating = rng.choice([4, 5, 5, 3])
            room.seeker_rating = rng.choice([5, 4, 4, 3, None])
        room.save()
        room.interviewers.set([interviewer])
        moves = {"hire": "hired", "not_suitable": "not_suitable"}
        if invitation.application and room.outcome in moves:
            Application.objects.filter(pk=invitation.application.pk).update(
                status=moves[room.outcome], status_changed_at=room.outcome_at
            )
        rooms.append(room)
    return rooms

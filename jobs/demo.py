"""Demo job postings for seed_demo: realistic Foshan jobs for the verified employers."""

import datetime
import random

from django.utils import timezone

from jobs.models import Application, JobPosting, Resume

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


def seed_postings(employers) -> list[JobPosting]:
    """Three to six postings per employer; idempotent by (employer, title)."""
    today = timezone.localdate()
    postings = []
    for employer in employers:
        rng = random.Random(f"postings-{employer.uscc}")
        choices = JOBS_BY_INDUSTRY.get(employer.industry, JOBS_BY_INDUSTRY["C"])
        existing = set(employer.postings.values_list("title", flat=True))
        for title, group, occupation, (low, high), education in rng.sample(
            choices, k=min(len(choices), rng.randint(3, 6))
        ):
            if title in existing:
                continue
            published = timezone.now() - datetime.timedelta(hours=rng.randint(1, 600))
            negotiable = rng.random() < 0.1
            posting = JobPosting(
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
                headcount=rng.choice([1, 2, 3, 5, 10, 20]),
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
                valid_until=today + datetime.timedelta(days=rng.randint(5, 40)),
                status=JobPosting.Status.PUBLISHED,
                submitted_at=published,
                published_at=published,
            )
            if rng.random() < 0.08:  # a few wait for a caseworker's review
                posting.status = JobPosting.Status.PENDING
                posting.published_at = None
            postings.append(posting)
    return JobPosting.objects.bulk_create(postings)


WANTED = [
    (["2"], "会计 出纳", "熟练使用用友、金蝶财务软件，持初级会计职称。"),
    (["6"], "电工 维修电工", "持低压电工证，熟悉PLC与设备维修。"),
    (["6"], "焊工 氩弧焊", "持焊工证，氩弧焊、二保焊均可。"),
    (["4"], "销售 客服", "沟通能力强，有门店销售经验。"),
    (["2"], "Python 软件开发", "熟悉Python、Django与PostgreSQL。"),
    (["4", "6"], "叉车司机 仓库管理", "持叉车证，熟悉仓库收发货。"),
    (["4"], "厨师 服务员", "粤菜厨房经验三年。"),
    (["6"], "普工 操作工", "吃苦耐劳，能适应倒班。"),
]


def seed_resumes(persons) -> list[Resume]:
    """Resumes for most demo seekers (idempotent), two in three of them public."""
    resumes = []
    for index, person in enumerate(persons):
        if index % 5 == 4 or Resume.objects.filter(person=person).exists():
            continue
        rng = random.Random(f"resume-{person.id_number}")
        groups, wanted, skills = rng.choice(WANTED)
        low = rng.choice([4000, 5000, 6000, 8000, 10000])
        resumes.append(
            Resume(
                person=person,
                intended_occupation_groups=groups,
                intended_occupations=wanted,
                job_types=["full_time"],
                expected_salary_min=low,
                expected_salary_max=low + rng.choice([2000, 3000, 5000]),
                experience_years=rng.randint(0, 12),
                skills=skills,
                self_introduction="工作认真负责，期待在佛山长期发展。",
                is_public=index % 3 != 0,
            )
        )
    return Resume.objects.bulk_create(resumes)


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

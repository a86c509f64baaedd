"""Demo fairs for seed_demo: one open for booking with booths taken, one past."""

import datetime

from django.utils import timezone

from fairs import services
from fairs.models import JobFair
from fairs.services.gate import register_to_attend
from jobs.models import JobPosting
from portal.demo import demo_password_hash
from portal.models import OrgUnit, Person, User

HALL = "AAAA.BBBB\nAAAA.BBBB\n.........\nCCCC.DDDD\nCCCC.DDDD"
ZONES = "A=智能制造\nB=家电家居\nC=现代服务\nD=高校毕业生专区"


def seed_fairs(employers) -> None:
    """Idempotent: fairs are made once; the steward and the demo seeker's pass are
    checked every time."""
    _ensure_steward()
    if JobFair.objects.exists():
        return
    admin = User.objects.get(username="admin")
    city = OrgUnit.objects.get(level=OrgUnit.Level.CITY)
    now = timezone.now()
    today = timezone.localdate()
    upcoming = _fair(
        "2026年冬季佛山市综合招聘会",
        city,
        today + datetime.timedelta(days=12),
        now - datetime.timedelta(days=3),
        admin,
    )
    # Employers other than the demo login's have taken some booths already.
    for employer, booth in zip(employers[1:12], upcoming.booths.all(), strict=False):
        services.book_booth(
            upcoming,
            booth,
            employer=employer,
            postings=list(JobPosting.objects.published().filter(employer=employer)[:3]),
            by=employer.staff.first(),
        )
    # The demo seeker has registered to attend; a steward works the gate.
    demo_seeker = Person.objects.filter(user__isnull=False).order_by("pk").first()
    if demo_seeker is not None:
        register_to_attend(upcoming, person=demo_seeker)
    _fair(
        "2026年高校毕业生秋季专场招聘会",
        city,
        today - datetime.timedelta(days=30),
        now - datetime.timedelta(days=60),
        admin,
        kind="graduates",
    )


def _ensure_steward() -> None:
    city = OrgUnit.objects.get(level=OrgUnit.Level.CITY)
    User.objects.get_or_create(
        username="gate",
        defaults={
            "role": User.Role.STEWARD,
            "org_unit": city,
            "first_name": "入口检票员",
            "password": demo_password_hash(),
        },
    )


def _fair(name, unit, day, opens, admin, kind="general") -> JobFair:
    fair = services.save_fair(
        JobFair(
            name=name,
            kind=kind,
            description="现场设有政策咨询、职业指导和简历诊断服务，求职者免费入场。",
            date=day,
            starts_at=datetime.time(9, 0),
            ends_at=datetime.time(12, 0),
            venue="佛山市人力资源市场",
            address="禅城区岭南大道北1号",
            latitude=23.0215,
            longitude=113.1214,
            org_unit=unit,
            booking_opens=opens,
            booking_closes=timezone.make_aware(
                datetime.datetime.combine(
                    day - datetime.timedelta(days=2), datetime.time(17)
                )
            ),
            cancel_deadline=timezone.make_aware(
                datetime.datetime.combine(
                    day - datetime.timedelta(days=3), datetime.time(17)
                )
            ),
            checkin_starts=datetime.time(8, 30),
            checkin_ends=datetime.time(9, 30),
            layout=HALL,
            zone_labels=ZONES,
        ),
        by=admin,
    )
    return services.publish_fair(fair, by=admin)

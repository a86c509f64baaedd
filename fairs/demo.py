"""Demo fairs for seed_demo: two coming (one open for booking with booths
taken), and two years of past ones — monthly fairs, the 春风行动 fair after each
Spring Festival and the graduates' fairs in spring and autumn — with the employers
that came, the jobs they showed, the seekers who entered and their interest."""

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from fairs import services
from fairs.models import BoothBooking, BoothVisit, JobFair, SeekerPass
from fairs.services.bookings import SHORT_CODE_ALPHABET
from fairs.services.gate import register_to_attend
from jobs.models import JobPosting, PostingInterval, ResumeInterval
from portal.demo import (
    FOSHAN,
    SPRING_FESTIVALS,
    DemoCity,
    add_months,
    at,
    demo_password_hash,
    history_start,
    keeping_dates,
)
from portal.models import OrgUnit, Person, User

HALL = "AAAA.BBBB\nAAAA.BBBB\n.........\nCCCC.DDDD\nCCCC.DDDD"
ZONES = "A=智能制造\nB=家电家居\nC=现代服务\nD=高校毕业生专区"


def seed_fairs(employers, demo: DemoCity = FOSHAN) -> None:
    """Idempotent: the city's fairs are made once; the steward and the demo
    seeker's pass are checked every time."""
    _ensure_steward(demo)
    city = OrgUnit.objects.get(code=demo.code)
    if JobFair.objects.filter(org_unit__code__startswith=demo.prefix).exists():
        return
    admin = User.objects.get(username="admin")
    now = timezone.now()
    today = timezone.localdate()
    day = today + datetime.timedelta(days=12)
    upcoming = _fair(
        f"{day.year}年{_season(day)}{demo.name}综合招聘会",
        city,
        day,
        now - datetime.timedelta(days=3),
        admin,
        demo=demo,
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
    demo_seeker = (
        Person.objects.filter(
            user__isnull=False, residence__code__startswith=demo.prefix
        )
        .order_by("pk")
        .first()
    )
    if demo_seeker is not None:
        register_to_attend(upcoming, person=demo_seeker)
    day = today - datetime.timedelta(days=30)
    staff = {employer.pk: employer.staff.first() for employer in employers}
    last = _fair(
        f"{day.year}年高校毕业生{_season(day)}专场招聘会",
        city,
        day,
        now - datetime.timedelta(days=60),
        admin,
        kind="graduates",
        demo=demo,
    )
    _seed_past_fair(last, employers, staff, demo)
    day = today + datetime.timedelta(days=40)
    _fair(
        f"{day.year}年{day.month}月{demo.name}综合招聘会",
        city,
        day,
        now,
        admin,
        demo=demo,
    )
    for day, name, kind in _past_fairs(today, demo):
        fair = _fair(
            name, city, day, at(day - datetime.timedelta(days=30)), admin, kind, demo
        )
        _seed_past_fair(fair, employers, staff, demo)


def _season(day: datetime.date) -> str:
    return ["冬季", "春季", "夏季", "秋季"][day.month % 12 // 3]


def _past_fairs(today, demo: DemoCity = FOSHAN) -> list[tuple]:
    """(day, name, kind): a general fair on the third Saturday of every month
    but the Spring Festival's, the 春风行动 fair ten days after the festival and
    the graduates' fairs in May and November; none in the last five weeks."""
    first, until = history_start(today), today - datetime.timedelta(days=35)
    fairs = []
    month = first
    while month <= until:
        saturday = month + datetime.timedelta((5 - month.weekday()) % 7 + 14)
        near_festival = any(
            -21 <= (saturday - festival).days < 14 for festival in SPRING_FESTIVALS
        )
        if not near_festival:
            name = f"{saturday.year}年{saturday.month}月{demo.name}综合招聘会"
            fairs.append((saturday, name, "general"))
        if month.month in (5, 11):
            day = month + datetime.timedelta((5 - month.weekday()) % 7 + 7)
            season = "春季" if month.month == 5 else "秋季"
            name = f"{day.year}年高校毕业生{season}专场招聘会"
            fairs.append((day, name, "graduates"))
        month = add_months(month, 1)
    for festival in SPRING_FESTIVALS:
        day = festival + datetime.timedelta(days=10)
        if first <= day <= until:
            fairs.append((day, f"{day.year}年春风行动大型招聘会", "general"))
    return [fair for fair in sorted(fairs) if fair[0] <= until]


def _codes(rng, count: int) -> list[str]:
    codes = set()
    while len(codes) < count:
        codes.add("".join(rng.choices(SHORT_CODE_ALPHABET, k=8)))
    return sorted(codes)


def _seed_past_fair(fair: JobFair, employers, staff, demo: DemoCity) -> None:
    """Bookings (a few no-shows) showing postings open that day, passes of seekers
    looking for work then (most entered), and the booths they registered
    interest at, some with a hiring intention; in bulk, dated that day."""
    day = fair.date
    rng = random.Random(f"{demo.key}fair-{day}-{fair.kind}")
    JobFair.objects.filter(pk=fair.pk).update(
        created_at=at(day - datetime.timedelta(days=35)),
        updated_at=at(day - datetime.timedelta(days=30)),
    )
    booths = list(fair.booths.order_by("number"))
    coming = rng.sample(
        employers, k=min(len(booths), len(employers), rng.randint(12, 24))
    )
    open_then = {}
    for posting, employer in PostingInterval.objects.filter(
        starts_on__lte=day, ends_on__gte=day, employer__in=coming
    ).values_list("posting_id", "employer_id"):
        open_then.setdefault(employer, []).append(posting)
    bookings = []
    for employer, booth, code in zip(
        coming, booths, _codes(rng, len(coming)), strict=False
    ):
        came = rng.random() < 0.92
        bookings.append(
            BoothBooking(
                fair=fair,
                booth=booth,
                employer=employer,
                status="active" if came else "released",
                short_code=code,
                booked_by=staff[employer.pk],
                signed_in_at=at(day, 8, rng.randint(30, 59)) if came else None,
                signed_out_at=at(day, 12, rng.randint(0, 30)) if came else None,
                created_at=at(day - datetime.timedelta(days=rng.randint(3, 25)), 10),
                updated_at=at(day, 12),
            )
        )
    residents = Q(person__residence__code__startswith=demo.prefix)
    if demo.is_first:  # as before the second city: people with no residence too
        residents |= Q(person__residence__isnull=True)
    people = sorted(
        set(
            ResumeInterval.objects.filter(
                residents, starts_on__lte=day, ends_on__gte=day
            ).values_list("person_id", flat=True)
        )
    )
    people = rng.sample(people, k=len(people) // 6)
    passes = [
        SeekerPass(
            fair=fair,
            person_id=person,
            short_code=code,
            entered_at=at(day, 9, rng.randint(0, 59)) if rng.random() < 0.7 else None,
            created_at=at(day - datetime.timedelta(days=rng.randint(1, 14)), 20),
            updated_at=at(day, 9),
        )
        for person, code in zip(people, _codes(rng, len(people)), strict=True)
    ]
    with keeping_dates(BoothBooking, SeekerPass, BoothVisit):
        BoothBooking.objects.bulk_create(bookings)
        SeekerPass.objects.bulk_create(passes)
        present = [booking for booking in bookings if booking.status == "active"]
        BoothBooking.postings.through.objects.bulk_create(
            BoothBooking.postings.through(
                boothbooking_id=booking.pk, jobposting_id=posting
            )
            for booking in present
            for posting in open_then.get(booking.employer_id, [])[:3]
        )
        visits = []
        for seeker_pass in passes:
            if seeker_pass.entered_at is None or not present:
                continue
            for booking in rng.sample(present, k=min(len(present), rng.randint(0, 3))):
                intention = rng.random() < 0.2
                visits.append(
                    BoothVisit(
                        booking=booking,
                        person_id=seeker_pass.person_id,
                        has_intention=intention,
                        intention_at=at(day, 11) if intention else None,
                        created_at=at(day, 10, rng.randint(0, 59)),
                        updated_at=at(day, 11),
                    )
                )
        BoothVisit.objects.bulk_create(visits)


def _ensure_steward(demo: DemoCity = FOSHAN) -> None:
    city = OrgUnit.objects.get(code=demo.code)
    User.objects.get_or_create(
        username=demo.login("gate"),
        defaults={
            "role": User.Role.STEWARD,
            "org_unit": city,
            "first_name": "入口检票员",
            "password": demo_password_hash(),
        },
    )


def _fair(name, unit, day, opens, admin, kind="general", demo=FOSHAN) -> JobFair:
    fair = services.save_fair(
        JobFair(
            name=name,
            kind=kind,
            description="现场设有政策咨询、职业指导和简历诊断服务，求职者免费入场。",
            date=day,
            starts_at=datetime.time(9, 0),
            ends_at=datetime.time(12, 0),
            venue=f"{demo.name}人力资源市场",
            address=demo.market[0],
            latitude=demo.market[1],
            longitude=demo.market[2],
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


# The recruiting hall -------------------------------------------------------------

HALL_NAME = "禅城区智慧招聘大厅"


def seed_hall(employers) -> None:
    """One hall with a kiosk, two employer desks and a screen (enrolled from the
    back office's Hall terminals list, on each device); four weeks of check-ins
    with what came of them, and this morning's: two employers at the desks."""
    from fairs.models import DeskContact, Hall, HallCheckIn, KioskSession, Terminal
    from fairs.services.halls import refresh_all_hall_figures

    if Hall.objects.exists():
        return
    district = OrgUnit.objects.get(code="440604000000")
    hall = Hall.objects.create(
        name=HALL_NAME,
        org_unit=district,
        address="禅城区汾江中路128号 人力资源市场一楼",
        opening_hours="周一至周六 9:00–12:00，14:00–17:00",
        closes_at=datetime.time(17, 0),
    )
    kiosk = Terminal.objects.create(hall=hall, kind="kiosk", name="1号自助简历一体机")
    desks = [
        Terminal.objects.create(
            hall=hall, kind="desk", name=f"{n}号展位桌面机", booth=n
        )
        for n in ("64", "65")
    ]
    Terminal.objects.create(hall=hall, kind="screen", name="大厅实时供求大屏")
    rng = random.Random(19)
    people = list(
        Person.objects.filter(resume__isnull=False, phone__gt="").order_by("pk")[:400]
    )
    today = timezone.localdate()
    seated = [e for e in employers[1:] if e.postings.exists()][:2]
    for desk, employer in zip(desks, seated, strict=False):
        desk.employer, desk.employer_day = employer, today
        desk.save(update_fields=["employer", "employer_day"])
    days = [today - datetime.timedelta(days=n) for n in range(28, -1, -1)]
    for day in days:
        if day.weekday() == 6:  # closed on Sundays
            continue
        count = rng.randint(8, 14) if day == today else rng.randint(18, 40)
        for person in rng.sample(people, min(count, len(people))):
            moment = at(day) + datetime.timedelta(minutes=rng.randint(0, 420))
            moment = min(moment, timezone.now())
            check_in = HallCheckIn.objects.create(
                hall=hall, person=person, day=day, shares_resume=rng.random() < 0.6
            )
            HallCheckIn.objects.filter(pk=check_in.pk).update(checked_in_at=moment)
            KioskSession.objects.create(
                terminal=kiosk,
                person=person,
                factor=rng.choice(["sms", "sms", "name"]),
                verified_at=moment,
                resume_made_at=moment if rng.random() < 0.55 else None,
                last_activity_at=moment,
                ended_at=moment + datetime.timedelta(minutes=3),
            )
            if seated and rng.random() < 0.3:
                outcome = rng.choices(
                    ["", "intention", "hired", "unsuitable"], [5, 3, 1, 3]
                )[0]
                DeskContact.objects.create(
                    check_in=check_in,
                    employer=rng.choice(seated),
                    desk=rng.choice(desks),
                    is_favourite=rng.random() < 0.4,
                    outcome=outcome,
                    outcome_at=moment + datetime.timedelta(minutes=20)
                    if outcome
                    else None,
                )
    refresh_all_hall_figures()


def seed_hall_invitations() -> None:
    """The demo hall's interview invitations from the desks, which seed_hall does
    not make: every person the employer recorded a result for was invited first
    (an interview at the booth), and some of the others were invited too."""
    from fairs.models import DeskContact
    from fairs.services.halls import refresh_all_hall_figures
    from jobs.models import InterviewInvitation, InvitationEvent

    contacts = DeskContact.objects.filter(check_in__hall__name=HALL_NAME)
    if not contacts.exists() or contacts.filter(invitation__isnull=False).exists():
        return
    rng = random.Random("hall-invitations")
    now = timezone.now()
    used = set()
    for contact in contacts.select_related(
        "check_in__hall", "check_in__person__resume", "desk", "employer"
    ).order_by("pk"):
        if not contact.outcome and rng.random() >= 0.4:
            continue
        person = contact.check_in.person
        posting = contact.employer.postings.filter(published_at__isnull=False).first()
        staff = contact.employer.staff.filter(is_active=True).first()
        resume = getattr(person, "resume", None)
        if None in (posting, staff, resume) or (posting.pk, person.pk) in used:
            continue
        used.add((posting.pk, person.pk))
        moment = contact.check_in.checked_in_at + datetime.timedelta(minutes=10)
        invitation = InterviewInvitation.objects.create(
            posting=posting,
            person=person,
            resume=resume,
            scheduled_at=moment,
            place=f"{contact.check_in.hall.name} {contact.desk.booth}号展位",
            status=InterviewInvitation.Status.ACCEPTED
            if moment < now
            else InterviewInvitation.Status.SENT,
            reminded_at=moment if moment < now else None,
            invited_by=staff,
        )
        InvitationEvent.objects.create(
            invitation=invitation, action="sent", by_employer=True
        )
        contact.invitation = invitation
        contact.save(update_fields=["invitation"])
    refresh_all_hall_figures()

"""Fair figures per fair and per period (read-only; the statistics read these)."""

import datetime

from django.db.models import Count, Q, Sum

from fairs.models import (
    BoothBooking,
    BoothVisit,
    DeskContact,
    Hall,
    HallCheckIn,
    JobFair,
    KioskSession,
    SeekerPass,
    Terminal,
)
from jobs import matching
from jobs.models import JobPosting, OccupationGroup, Resume
from portal.models import OrgUnit


def fair_figures(fair: JobFair) -> dict[str, int]:
    bookings = fair.bookings.aggregate(
        booked=Count("pk", filter=Q(status="active")),
        present=Count("pk", filter=Q(status="active", signed_in_at__isnull=False)),
        no_shows=Count("pk", filter=Q(status="released")),
    )
    passes = fair.passes.aggregate(
        registered=Count("pk", filter=Q(status="active")),
        entered=Count("pk", filter=Q(entered_at__isnull=False)),
    )
    positions = fair.bookings.filter(status="active").aggregate(
        total=Sum("postings__headcount")
    )["total"]
    visits = BoothVisit.objects.filter(booking__fair=fair).aggregate(
        interests=Count("pk"), intentions=Count("pk", filter=Q(has_intention=True))
    )
    return {**bookings, **passes, **visits, "positions": positions or 0}


def period_figures(unit: OrgUnit, first: datetime.date, last: datetime.date) -> dict:
    """Fairs held by `unit` or below between two days, inclusive."""
    fairs = JobFair.objects.published().filter(
        date__gte=first,
        date__lte=last,
        org_unit__code__startswith=unit.descendant_prefix,
    )
    bookings = BoothBooking.objects.filter(fair__in=fairs)
    visits = BoothVisit.objects.filter(booking__fair__in=fairs)
    return {
        "interests": visits.count(),
        "intentions": visits.filter(has_intention=True).count(),
        "fairs": fairs.count(),
        "employers_present": bookings.filter(signed_in_at__isnull=False).count(),
        "no_shows": bookings.filter(status="released").count(),
        "seekers_entered": SeekerPass.objects.filter(
            fair__in=fairs, entered_at__isnull=False
        ).count(),
        "positions": bookings.filter(status="active").aggregate(
            total=Sum("postings__headcount")
        )["total"]
        or 0,
    }


def matching_exhibitors(fair: JobFair, person) -> list[dict]:
    """The fair's employers whose shown postings match the seeker's resume best,
    with their booth numbers."""
    resume = Resume.objects.filter(person=person).first()
    if resume is None:
        return []
    bookings = {
        booking.pk: booking
        for booking in fair.bookings.active().select_related("booth", "employer")
    }
    pairs = BoothBooking.postings.through.objects.filter(
        boothbooking_id__in=bookings
    ).values_list("jobposting_id", "boothbooking_id")
    shown = {posting_id: bookings[booking_id] for posting_id, booking_id in pairs}
    matches = []
    for posting in matching.postings_for(resume, limit=200):
        booking = shown.get(posting.pk)
        if booking is not None and booking not in [m["booking"] for m in matches]:
            matches.append({"booking": booking, "posting": posting})
    return matches[:5]


# The recruiting hall (docs/recruiting-hall.md) ---------------------------------

# Where people's ID numbers were first issued (GB/T 2260, digits 1–2; 3–4 for the
# cities of the hall's own province, Guangdong here).
PROVINCES = dict(
    pair.split("=")
    for pair in (
        "11=北京 12=天津 13=河北 14=山西 15=内蒙古 21=辽宁 22=吉林 23=黑龙江 "
        "31=上海 32=江苏 33=浙江 34=安徽 35=福建 36=江西 37=山东 41=河南 "
        "42=湖北 43=湖南 44=广东 45=广西 46=海南 50=重庆 51=四川 52=贵州 "
        "53=云南 54=西藏 61=陕西 62=甘肃 63=青海 64=宁夏 65=新疆 71=台湾 "
        "81=香港 82=澳门"
    ).split()
)
GUANGDONG_CITIES = dict(
    pair.split("=")
    for pair in (
        "4401=广州 4402=韶关 4403=深圳 4404=珠海 4405=汕头 4406=佛山 4407=江门 "
        "4408=湛江 4409=茂名 4412=肇庆 4413=惠州 4414=梅州 4415=汕尾 4416=河源 "
        "4417=阳江 4418=清远 4419=东莞 4420=中山 4451=潮州 4452=揭阳 4453=云浮"
    ).split()
)
# Monthly salary bands (yuan, the posting's lower bound); None is negotiable.
SALARY_BANDS = [(0, 3000), (3000, 5000), (5000, 8000), (8000, 12000), (12000, None)]
TOP = 8


def origin_of(id_number: str) -> str:
    """The place an ID number was first issued: a Guangdong city, else a province."""
    return GUANGDONG_CITIES.get(id_number[:4]) or PROVINCES.get(id_number[:2], "其他")


def _ratio(demand, supply) -> str | None:
    return f"{demand / supply:.2f}" if supply else None


def _top(rows, limit=TOP) -> list[list]:
    return [[key, value] for key, value in rows if key][:limit]


def desks_today(hall, day: datetime.date):
    """The hall's desks with an employer signed in on `day`."""
    return Terminal.objects.filter(
        hall=hall, kind=Terminal.Kind.DESK, employer_day=day, employer__isnull=False
    )


def hall_figures(hall, day: datetime.date) -> dict:
    """The hall's part of its screen: who is there today and what came of it, and
    where the people present come from and their education (counts only)."""
    employer_ids = set(desks_today(hall, day).values_list("employer_id", flat=True))
    positions = (
        JobPosting.objects.published()
        .filter(employer_id__in=employer_ids)
        .aggregate(total=Sum("headcount"))["total"]
        or 0
    )
    check_ins = HallCheckIn.objects.filter(hall=hall, day=day)
    present = check_ins.count()
    contacts = DeskContact.objects.filter(check_in__in=check_ins).aggregate(
        invitations=Count("pk", filter=Q(invitation__isnull=False)),
        intentions=Count("pk", filter=Q(outcome__in=["intention", "hired"])),
        hires=Count("pk", filter=Q(outcome="hired")),
    )
    origins: dict[str, int] = {}
    for number in check_ins.values_list("person__id_number", flat=True):
        origins[origin_of(number)] = origins.get(origin_of(number), 0) + 1
    education = (
        check_ins.values("person__education")
        .annotate(total=Count("pk"))
        .order_by("-total", "person__education")
        .values_list("person__education", "total")
    )
    return {
        "hall": {
            "employers": len(employer_ids),
            "positions": positions,
            "seekers": present,
            "resumes": KioskSession.objects.filter(
                terminal__hall=hall, resume_made_at__date=day
            ).count(),
            **contacts,
            "ratio": _ratio(positions, present),
        },
        "origins": _top(sorted(origins.items(), key=lambda kv: (-kv[1], kv[0]))),
        "education": [[key or "unknown", value] for key, value in education],
    }


def market_figures() -> dict:
    """The city's part of every screen: open postings and their make-up."""
    published = JobPosting.objects.published()
    city = published.aggregate(
        postings=Count("pk"),
        positions=Sum("headcount"),
        employers=Count("employer", distinct=True),
    )
    seekers = Resume.objects.public().count()
    industries = (
        published.values("employer__industry")
        .annotate(total=Sum("headcount"))
        .order_by("-total", "employer__industry")
        .values_list("employer__industry", "total")
    )
    occupations = (
        published.exclude(occupation_name="")
        .values("occupation_name")
        .annotate(total=Sum("headcount"))
        .order_by("-total", "occupation_name")
        .values_list("occupation_name", "total")
    )
    bands = {"negotiable": published.filter(salary_min__isnull=True).count()}
    for low, high in SALARY_BANDS:
        band = published.filter(salary_min__gte=low)
        if high is not None:
            band = band.filter(salary_min__lt=high)
        bands[f"{low}-{high or ''}"] = band.count()
    return {
        "city": {
            "employers": city["employers"],
            "postings": city["postings"],
            "positions": city["positions"] or 0,
            "seekers": seekers,
            "ratio": _ratio(city["positions"] or 0, seekers),
        },
        "industries": _top(industries, 6),
        "occupations": _top(occupations),
        "salary_bands": [[key, value] for key, value in bands.items()],
    }


def hall_jobs_for(hall, person, day: datetime.date, limit: int = 8) -> list[dict]:
    """Jobs of the employers at the hall's desks today that match the person's
    resume best, with the booth to go to: only their postings are ranked."""
    resume = (
        Resume.objects.filter(person=person).select_related("person__residence").first()
    )
    booths = {
        desk.employer_id: desk.booth for desk in desks_today(hall, day).order_by("pk")
    }
    if resume is None or not booths:
        return []
    postings = matching.ranked_postings(resume).filter(employer_id__in=booths)
    return [
        {"posting": posting, "booth": booths[posting.employer_id]}
        for posting in postings.select_related("employer")[:limit]
    ]


def desk_matches(desk, day: datetime.date) -> list[dict]:
    """The people checked in at the desk's hall today whom one of the desk's
    employer's open postings suits (jobs.matching.resumes_for, among the people
    present), each with the best of them, best first, with the reasons. Each of
    the employer's postings ranks the people present: one query per posting, not
    one per person (docs/recruiting-hall.md)."""
    employer_id = desk.employer_today()
    if employer_id is None:
        return []
    check_ins = (
        HallCheckIn.objects.filter(hall=desk.hall_id, day=day)
        .select_related("person__resume", "person__residence")
        .order_by("checked_in_at")
    )
    present = Resume.objects.filter(
        person__in=HallCheckIn.objects.filter(hall=desk.hall_id, day=day).values(
            "person_id"
        )
    )
    count = present.count()
    best = {}  # resume id: (the resume scored, the posting)
    postings = JobPosting.objects.published().filter(employer_id=employer_id)
    # Newest first: of two postings that suit a person equally, the newer is named.
    postings = postings.select_related("org_unit").order_by("-published_at", "-id")
    for posting in postings if count else []:
        for match in matching.resumes_for(posting, limit=count, among=present):
            if match.pk not in best or match.score > best[match.pk][0].score:
                best[match.pk] = (match, posting)
    contacts = {
        contact.check_in_id: contact
        for contact in DeskContact.objects.filter(
            check_in__in=check_ins, employer_id=employer_id
        ).select_related("invitation")
    }
    rows = []
    for check_in in check_ins:
        resume = getattr(check_in.person, "resume", None)
        if resume is None or resume.pk not in best:
            continue
        match, posting = best[resume.pk]
        rows.append(
            {
                "check_in": check_in,
                "resume": resume,
                "posting": posting,
                "reasons": matching.reasons(match),
                "contact": contacts.get(check_in.pk),
            }
        )
    rows.sort(key=lambda row: -row["reasons"].score)
    return rows


HALL_FIGURES = ["check_ins", "resumes", "invitations", "intentions", "hires"]


def hall_period_figures(unit: OrgUnit, first: datetime.date, last: datetime.date):
    """Per hall run by `unit` or below, between two days inclusive: check-ins,
    resumes made at kiosks, invitations sent from desks, intentions and hires
    (a hire counts as an intention reached too)."""
    halls = Hall.objects.filter(org_unit__code__startswith=unit.descendant_prefix)
    figures = {}
    for hall in halls:
        contacts = DeskContact.objects.filter(
            check_in__hall=hall, check_in__day__gte=first, check_in__day__lte=last
        ).aggregate(
            invitations=Count("pk", filter=Q(invitation__isnull=False)),
            intentions=Count("pk", filter=Q(outcome__in=["intention", "hired"])),
            hires=Count("pk", filter=Q(outcome="hired")),
        )
        figures[hall.pk] = {
            "check_ins": HallCheckIn.objects.filter(
                hall=hall, day__gte=first, day__lte=last
            ).count(),
            "resumes": KioskSession.objects.filter(
                terminal__hall=hall,
                resume_made_at__date__gte=first,
                resume_made_at__date__lte=last,
            ).count(),
            **contacts,
        }
    return figures


def popular_occupations(groups=None, limit=12) -> list[str]:
    """The occupations with the most open positions (the most common first)."""
    postings = JobPosting.objects.published().exclude(occupation_name="")
    if groups:
        postings = postings.filter(occupation_group__in=groups)
    rows = (
        postings.values("occupation_name")
        .annotate(total=Sum("headcount"))
        .order_by("-total", "occupation_name")
        .values_list("occupation_name", flat=True)[:limit]
    )
    return list(rows)


def popular_groups() -> list[tuple[str, str]]:
    counts = dict(
        JobPosting.objects.published()
        .values("occupation_group")
        .annotate(total=Sum("headcount"))
        .values_list("occupation_group", "total")
    )
    return sorted(
        OccupationGroup.choices, key=lambda choice: -(counts.get(choice[0]) or 0)
    )


def home_hall() -> dict:
    """For the home page: the hall whose screen figures were counted last."""
    hall = (
        Hall.objects.filter(is_open=True, figures__isnull=False)
        .order_by("-figures__computed_at")
        .first()
    )
    return {"hall_screen": hall}

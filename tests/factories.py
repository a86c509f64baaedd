"""make_<thing>(**overrides): plain functions that build test data through services."""

import datetime
import itertools

import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum import luhn
from stdnum.cn import ric, uscc

from portal import services
from portal.models import Employer, OrgUnit, Person, User

_sequence = itertools.count(1)
PASSWORD = "Zhao-Qian-Sun-2026"


def id_number(area="440604", birth="19900101", sequence=None):
    body = f"{area}{birth}{sequence or next(_sequence) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(area="440604"):
    body = f"91{area}MA{next(_sequence):07d}"
    return body + uscc.calc_check_digit(body)


def make_org_tree():
    city = OrgUnit.objects.create(code="440600000000", name="佛山市", level="city")
    units = {"city": city}
    for key, code, name in [
        ("chancheng", "440604", "禅城区"),
        ("nanhai", "440605", "南海区"),
    ]:
        district = OrgUnit.objects.create(
            code=f"{code}000000", name=name, level="district", parent=city
        )
        street = OrgUnit.objects.create(
            code=f"{code}001000",
            name=f"{name}第一街道",
            level="street",
            parent=district,
        )
        community = OrgUnit.objects.create(
            code=f"{code}001001",
            name=f"{name}第一社区",
            level="community",
            parent=street,
        )
        units.update(
            {key: district, f"{key}_street": street, f"{key}_community": community}
        )
    return units


def make_person(*, residence, **overrides) -> Person:
    number = overrides.pop("id_number", None) or id_number(area=residence.code[:6])
    fields = {
        "name": "陈晓明",
        "id_number": number,
        "phone": "13800138000",
        "residence": residence,
        "retirement_track": services.default_retirement_track(number),
        **overrides,
    }
    return Person.objects.create(**fields)


def make_seeker(*, residence, **overrides) -> User:
    """A seeker with an account, as if they had claimed it with an SMS code."""
    number = overrides.get("id_number") or id_number(area=residence.code[:6])
    user = User(
        username=number,
        role=User.Role.SEEKER,
        language=overrides.get("language", "zh-hans"),
    )
    user.set_password(PASSWORD)
    user.save()
    Person.objects.create(
        user=user,
        name=overrides.get("name", "李小红"),
        id_number=number,
        phone=overrides.get("phone", "13912345678"),
        residence=residence,
        retirement_track=services.default_retirement_track(number),
    )
    return user


def licence_file():
    return SimpleUploadedFile(
        "licence.pdf", b"%PDF-1.4 test licence", "application/pdf"
    )


def make_employer_user(*, org_unit, verified=True, **overrides) -> User:
    user = services.register_employer(
        name=overrides.get("name", "佛山市测试五金制品有限公司"),
        uscc=overrides.get("uscc") or credit_code(org_unit.code[:6]),
        org_unit=org_unit,
        address="季华路1号",
        contact_name="黄经理",
        contact_phone="13700137000",
        contact_email=overrides.get("email", "hr@example.cn"),
        password=PASSWORD,
        licence=licence_file(),
        language="zh-hans",
    )
    if verified:
        admin = User.objects.filter(is_superuser=True).first() or make_staff("admin")
        services.verify_employer(user.employer, by=admin)
        user.employer.refresh_from_db()
    return user


def make_employer(*, org_unit, **overrides) -> Employer:
    return make_employer_user(org_unit=org_unit, **overrides).employer


def make_staff(role, *, org_unit=None, username=None) -> User:
    user = User.objects.create_user(
        username=username or f"{role}{next(_sequence)}",
        password=PASSWORD,
        role=role,
        org_unit=org_unit,
        is_staff=True,
        is_superuser=role == "admin",
        email=f"{role}@hrss.example.cn",
    )
    if role in ("caseworker", "leader"):
        user.groups.add(Group.objects.get(name=role))
    return user


def make_posting(employer, *, publish=True, **overrides):
    """A job posting saved and (by default) approved through the services."""
    import datetime

    from django.utils import timezone

    from jobs import services as job_services
    from jobs.models import JobPosting

    fields = {
        "employer": employer,
        "title": "仓库管理员",
        "occupation_group": "3",
        "occupation_name": "仓库管理",
        "org_unit": employer.org_unit,
        "address": "季华路1号",
        "latitude": 23.02,
        "longitude": 113.12,
        "salary_min": 5000,
        "salary_max": 6500,
        "description": "负责仓库收发货与盘点。",
        "contact_name": "黄经理",
        "contact_phone": "13700137000",
        "valid_until": timezone.localdate() + datetime.timedelta(days=30),
        **overrides,
    }
    staff = employer.staff.first()
    posting = job_services.save_posting(JobPosting(**fields), by=staff)
    if publish:
        reviewer = User.objects.filter(is_superuser=True).first() or make_staff("admin")
        posting = job_services.approve_posting(posting, by=reviewer)
    return posting


def backdate_postings(days):
    """Every posting as if approved `days` ago: its publication and the first day
    of its intervals (what the figures read) move back."""
    from jobs import services as job_services
    from jobs.models import JobPosting, PostingInterval

    then = timezone.now() - datetime.timedelta(days=days)
    JobPosting.objects.update(published_at=then)
    job_services.rebuild_listings()
    PostingInterval.objects.update(starts_on=timezone.localdate(then))


def make_resume(seeker_user, **overrides):
    from jobs import services as job_services
    from jobs.models import Resume

    fields = {
        "person": seeker_user.person,
        "intended_occupations": "会计 出纳",
        "intended_occupation_groups": ["2"],
        "expected_salary_min": 5000,
        "expected_salary_max": 8000,
        "skills": "熟练使用用友、金蝶财务软件",
        **overrides,
    }
    return job_services.save_resume(Resume(**fields), by=seeker_user)


def make_unemployment(person, *, by, register=True, **overrides):
    """An online application (registered by `by` unless register=False)."""
    import datetime

    from registration import services as registration
    from registration.models import UnemploymentRegistration

    fields = {
        "cause": UnemploymentRegistration.Cause.LOST_JOB,
        "unemployed_since": datetime.date(2026, 9, 1),
        "last_employer": "佛山市旧厂有限公司",
        "job_wishes": "仓库管理员，禅城区",
        **overrides,
    }
    applicant = person.user or by
    registration_row = registration.apply_for_unemployment(
        UnemploymentRegistration(person=person, **fields), by=applicant
    )
    if register and registration_row.status == "submitted":
        registration.accept_unemployment(registration_row, by=by)
    registration_row.refresh_from_db()
    return registration_row


def file_hire(employer_user, person, start_date, **overrides):
    from registration import services as registration

    hire = registration.Hire(
        name=person.name,
        id_number=person.id_number,
        start_date=start_date,
        job_title=overrides.get("job_title", "仓管员"),
    )
    [row] = registration.register_hires(
        employer_user.employer, [hire], by=employer_user
    )
    return row


def make_graduate(person, *, by=None, year=2026, **overrides):
    """A graduate's own report, through the service."""
    from graduates import services as graduates
    from graduates.models import Graduate

    fields = {
        "graduation_year": year,
        "school": "佛山大学",
        "major": "机械设计制造及其自动化",
        "degree": "bachelor",
        "origin_code": person.id_number[:6],
        "destination": "seeking",
        **overrides,
    }
    return graduates.submit_report(
        Graduate(person=person, **fields), by=by or person.user
    )


def make_fair(org_unit, *, layout="AA.BB\nAA.BB", publish=True, **overrides):
    """A fair a week ahead with booking open now, saved through the services."""
    import datetime

    from django.utils import timezone

    from fairs import services as fairs
    from fairs.models import JobFair

    now = timezone.now()
    day = timezone.localdate() + datetime.timedelta(days=7)
    fields = {
        "name": "佛山市春风行动综合招聘会",
        "kind": "general",
        "date": day,
        "starts_at": datetime.time(9, 0),
        "ends_at": datetime.time(12, 0),
        "venue": "佛山市人力资源市场",
        "address": "禅城区岭南大道北1号",
        "org_unit": org_unit,
        "booking_opens": now - datetime.timedelta(days=1),
        "booking_closes": now + datetime.timedelta(days=5),
        "cancel_deadline": now + datetime.timedelta(days=4),
        "checkin_starts": datetime.time(8, 30),
        "checkin_ends": datetime.time(9, 30),
        "layout": layout,
        "zone_labels": "A=智能制造\nB=现代服务",
        **overrides,
    }
    staff = User.objects.filter(is_superuser=True).first() or make_staff("admin")
    fair = fairs.save_fair(JobFair(**fields), by=staff)
    if publish:
        fair = fairs.publish_fair(fair, by=staff)
    return fair


def card_number(seed=None) -> str:
    """A 19-digit bank card number with a valid check digit (Luhn)."""
    body = f"622202{seed or next(_sequence):012d}"
    return body + luhn.calc_check_digit(body)


def account_fields(kind="ss_card", bank="icbc", number=None) -> dict:
    """The account part of an application form."""
    number = number or card_number()
    return {"account_choice": kind, "bank": bank, "account_number": number}


def give_account(application):
    """The payee's account on file, as the form asks for one: a person's
    social-security card, an employer's basic account."""
    from subsidies.models import PayeeAccount
    from subsidies.services import save_payee_account

    if application.payee_account_id or PayeeAccount.objects.on_file(application):
        return
    kind = "basic" if application.employer_id else "ss_card"
    account = PayeeAccount(kind=kind, bank="icbc", number=card_number())
    save_payee_account(application, account, by=None)


def approve_subsidy(application, staff):
    """Through the subsidy chain: the version's steps, the notice, approval; the
    payee has an account on file, as applying through the form gives."""
    from subsidies.services import chain

    give_account(application)
    chain.accept_application(application, by=staff[application.current_level])
    while application.current_level:
        chain.pass_step(application, by=staff[application.current_level])
        application.refresh_from_db()
    after = timezone.make_aware(
        datetime.datetime.combine(application.notice_ends, datetime.time(12))
    ) + datetime.timedelta(days=1)
    with time_machine.travel(after):
        approver = make_staff("caseworker", org_unit=staff["city"].org_unit)
        chain.approve_application(application, by=approver)
    application.refresh_from_db()
    return application


def make_video_room(employer, seeker_user, *, held_at=None, outcome=""):
    """A video room of `employer` with the seeker, held at `held_at` (None: the
    two never met) with the outcome recorded."""
    from jobs.models import VideoRoom

    moment = held_at or timezone.now()
    return VideoRoom.objects.create(
        employer=employer,
        seeker=seeker_user,
        opens_at=moment - datetime.timedelta(minutes=15),
        closes_at=moment + datetime.timedelta(minutes=60),
        held_at=held_at,
        outcome=outcome,
        outcome_at=held_at if outcome else None,
    )


def make_hall(org_unit, name):
    """A recruiting hall with a kiosk and one employer desk (booth 1)."""
    from fairs.models import Hall, Terminal

    hall = Hall.objects.create(
        name=name, org_unit=org_unit, address="大厅地址", opening_hours="9:00–17:00"
    )
    Terminal.objects.create(hall=hall, kind="kiosk", name="1号自助机")
    Terminal.objects.create(hall=hall, kind="desk", name="1号桌面机", booth="1")
    return hall


def make_hall_visit(hall, seeker_user, day, *, resume=False, employer_user=None,
                    invite=False, outcome=""):  # fmt: skip
    """The seeker checks in at the hall's kiosk on `day`, with a resume made there;
    an employer at the desk invites them and records an outcome."""
    from fairs.models import DeskContact, HallCheckIn, KioskSession, Terminal
    from jobs.models import InterviewInvitation

    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    person = seeker_user.person
    check_in = HallCheckIn.objects.create(hall=hall, person=person, day=day)
    KioskSession.objects.create(
        terminal=Terminal.objects.get(hall=hall, kind="kiosk"),
        person=person,
        resume_made_at=moment if resume else None,
        ended_at=moment,
    )
    if employer_user is None:
        return check_in
    invitation = None
    if invite:
        invitation = InterviewInvitation.objects.create(
            posting=make_posting(employer_user.employer),
            person=person,
            resume=person.resume,
            scheduled_at=moment,
            place=f"{hall.name} 1号展位",
            invited_by=employer_user,
        )
    DeskContact.objects.create(
        check_in=check_in,
        employer=employer_user.employer,
        desk=Terminal.objects.get(hall=hall, kind="desk"),
        invitation=invitation,
        outcome=outcome,
        outcome_at=moment if outcome else None,
    )
    return check_in

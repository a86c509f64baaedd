"""The pages `make check-browser` opens: every page the portal renders, public and
signed in, for each persona, found in the seeded demo database.

A page is opened as its persona's demo user (or anonymously). `then` is a script
run on the loaded page that leads to the page actually checked: a form sent with
mistakes, an admin action that asks for a reason, a refused action that leaves a
message. Records the demo lacks (an interview invitation) are made through the
app's own service first; this database is the check's own.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

ANONYMOUS = "anonymous"
SEEKER = "job seeker"
EMPLOYER = "employer"
CITY_CASEWORKER = "city caseworker"
DISTRICT_CASEWORKER = "district caseworker"
LEADER = "leader"
STEWARD = "gate steward"
ADMINISTRATOR = "administrator"

# Our apps: their admin pages are checked (Django's own and the packages' are not
# ours to change).
APPS = ["portal", "jobs", "registration", "graduates", "fairs", "subsidies", "stats"]

# URL names that render no HTML page of their own, with the reason; every other
# URL name of the portal must be opened by some page below.
NOT_PAGES = {
    "healthz": "JSON for load balancers",
    "set_language": "POST only, redirects",
    "logout": "POST only, redirects",
    "notification_open": "POST only, redirects",
    "employer_licence": "the uploaded file",
    "jobs:job_map_geojson": "GeoJSON for the map's script",
    "map_outlines": "GeoJSON for the map's script",
    "fairs:hall_screen_data": "JSON for the hall screen's script",
    "fairs:kiosk_card": "POST only, redirects",
    "fairs:kiosk_send_code": "POST only, redirects",
    "fairs:kiosk_verify": "POST only, redirects",
    "fairs:kiosk_send_resume": "POST only, redirects",
    "fairs:kiosk_check_in": "POST only, redirects",
    "fairs:kiosk_done": "POST only, redirects",
    "fairs:desk_take": "POST only, redirects",
    "fairs:desk_favourite": "POST only, redirects",
    "fairs:desk_invite": "POST only, redirects",
    "fairs:desk_outcome": "POST only, redirects",
    "jobs:job_apply": "POST only, redirects",
    "jobs:job_favourite": "POST only, redirects",
    "jobs:resume_favourite": "POST only, redirects",
    "jobs:resume_pdf": "PDF",
    "jobs:application_move": "POST only, redirects",
    "jobs:invitation_respond": "POST only, redirects",
    "registration:unemployment_withdraw": "POST only, redirects",
    "registration:unemployment_still_looking": "POST only, redirects",
    "registration:certificate_pdf": "PDF",
    "graduates:leaver_found_work": "POST only, redirects",
    "fairs:pass_register": "POST only, redirects",
    "fairs:booking_pdf": "PDF",
    "fairs:visit_intention": "POST only, redirects",
    "subsidies:application_withdraw": "POST only, redirects",
    "subsidies:application_account": "POST only; its mistakes show on the application",
    "subsidies:application_rate": "POST only, redirects",
    "subsidies:application_resubmit": "POST only; its mistakes show on the application",
    "subsidies:document_download": "the uploaded scan",
    "stats:period_close": "POST only, redirects",
    "stats:report_download": "PDF and xlsx",
    "jobs:video_join": "JSON for the video room's script",
    "jobs:video_poll": "JSON for the video room's script",
    "jobs:video_signal": "JSON for the video room's script",
    "jobs:video_leave": "JSON for the video room's script",
    "jobs:video_outcome": "POST only, redirects",
    "jobs:video_rate": "POST only, redirects",
}


@dataclass
class Page:
    persona: str
    user: str | None
    title: str
    path: str
    status: int = 200
    then: str | None = None
    repeat: int = 1  # times `then` is run, each on the page the last one led to
    # A hall terminal's device token, sent as its cookie (the kiosk and the desk).
    terminal: str = ""
    # Run in the check's process just before the page is opened: what the page
    # shows then (a kiosk session started a moment ago, a desk taken today).
    prepare: Callable[[], object] | None = None


def submit(form_selector: str, fill: str = "") -> str:
    """A script that fills in a form (JavaScript statements in `fill`) and sends it."""
    return (
        f"(function () {{ var form = document.querySelector({form_selector!r}); "
        f"{fill} HTMLFormElement.prototype.submit.call(form); }})()"
    )


def post_to(path: str) -> str:
    """A script that POSTs nothing but the page's CSRF token to `path`."""
    return (
        "(function () { var form = document.createElement('form'); "
        f"form.method = 'post'; form.action = {path!r}; "
        "form.appendChild(document.querySelector("
        "'input[name=csrfmiddlewaretoken]').cloneNode()); "
        "document.body.appendChild(form); form.submit(); })()"
    )


def admin_action(action: str) -> str:
    """A script that ticks the first row of a change list and runs an action."""
    return submit(
        "#changelist-form",
        "form.querySelector('input.action-select').checked = true; "
        f"form.querySelector('select[name=action]').value = {action!r};",
    )


def public_pages() -> list[Page]:
    from fairs.models import BoothBooking, JobFair
    from jobs.models import JobPosting
    from portal.models import Employer
    from registration.models import EmploymentCertificate
    from subsidies.models import Application, SubsidyType

    posting = JobPosting.objects.published().order_by("pk").first()
    pending = JobPosting.objects.filter(status="pending").order_by("pk").first()
    # The latest published fair with a booth booked (the demo's furthest fair may
    # have none yet).
    booking = (
        BoothBooking.objects.active()
        .filter(fair__in=JobFair.objects.published())
        .select_related("fair")
        .order_by("-fair__date", "pk")
        .first()
    )
    fair = booking.fair
    on_notice = Application.objects.filter(status="on_notice").order_by("pk").first()
    certificate = EmploymentCertificate.objects.order_by("pk").first()
    a = ANONYMOUS
    return [
        Page(a, None, "home", "/"),
        Page(a, None, "online services", "/services/"),
        Page(a, None, "employers", "/employers/"),
        Page(
            a, None, "employer", Employer.objects.verified().first().get_absolute_url()
        ),
        Page(a, None, "sign up", "/signup/"),
        Page(a, None, "sign up as a seeker", "/signup/seeker/"),
        Page(
            a,
            None,
            "sign up as a seeker, with mistakes",
            "/signup/seeker/",
            then=submit("main form"),
        ),
        Page(a, None, "sign up: the SMS code", f"/signup/seeker/{uuid.uuid4()}/"),
        Page(a, None, "activation code", "/signup/activate/"),
        Page(a, None, "sign up as an employer", "/signup/employer/"),
        Page(a, None, "log in", "/accounts/login/"),
        Page(
            a,
            None,
            "log in, wrong password",
            "/accounts/login/",
            then=submit(
                "main form",
                f"form.username.value = 'check-{uuid.uuid4().hex[:8]}'; "
                "form.password.value = 'wrong';",
            ),
        ),
        Page(
            a,
            None,
            "log in, paused after too many tries",
            "/accounts/login/",
            status=429,
            # A name of its own per run, language and screen width: the fifth
            # try is paused.
            then=submit(
                "main form",
                f"form.username.value = 'locked-{uuid.uuid4().hex[:8]}-' + "
                "document.documentElement.lang + '-' + window.innerWidth; "
                "form.password.value = 'wrong';",
            ),
            repeat=5,
        ),
        Page(a, None, "password reset", "/accounts/password_reset/"),
        Page(a, None, "password reset sent", "/accounts/password_reset/done/"),
        Page(a, None, "password reset link", "/accounts/reset/MQ/set-password/"),
        Page(a, None, "password reset done", "/accounts/reset/done/"),
        Page(a, None, "jobs", "/jobs/"),
        Page(a, None, "jobs, a search", "/jobs/?q=%E5%8A%A9%E7%90%86&sort=relevance"),
        Page(a, None, "job map", "/jobs/map/?lat=23.0215&lng=113.1214&km=10"),
        Page(a, None, "job posting", posting.get_absolute_url()),
        Page(a, None, "job posting gone", pending.get_absolute_url(), status=404),
        Page(a, None, "resume link expired", "/jobs/r/expired/", status=404),
        Page(a, None, "job fairs", "/fairs/"),
        Page(a, None, "job fair (venue map)", fair.get_absolute_url()),
        Page(
            a,
            None,
            "booth poster page",
            reverse("fairs:booth_page", args=[booking.code]),
        ),
        Page(a, None, "policies", "/policies/"),
        Page(
            a,
            None,
            "policy",
            SubsidyType.objects.filter(is_active=True).first().get_absolute_url(),
        ),
        Page(a, None, "public notice", "/policies/notice/"),
        Page(a, None, "objection", f"/policies/notice/{on_notice.code}/objection/"),
        Page(a, None, "payments published", "/policies/paid/"),
        Page(a, None, "difficulty notices", "/registration/notices/"),
        Page(a, None, "certificate check", f"/registration/verify/{certificate.code}/"),
        Page(a, None, "page not found", "/no-such-page/", status=404),
        Page(a, None, "bad request", "/jobs/?q=%00", status=400),
    ]


def username(person) -> str:
    return person.user.username


def seeker_pages() -> list[Page]:
    from fairs.models import JobFair, SeekerPass
    from graduates.models import Graduate
    from jobs.models import Application, Resume
    from registration.models import (
        DifficultyRecognition,
        EmploymentCertificate,
        EmploymentRegistration,
        UnemploymentRegistration,
    )
    from subsidies.models import Application as SubsidyApplication
    from subsidies.models import SubsidyType

    with_users = {"person__user__isnull": False}
    seeker_pass = SeekerPass.objects.filter(status="active", **with_users).first()
    main = username(seeker_pass.person)
    resume = Resume.objects.get(person=seeker_pass.person)
    application = Application.objects.active().filter(**with_users).first()
    applicant = username(application.person)
    returned = UnemploymentRegistration.objects.filter(status="returned", **with_users)
    returned = returned.first()
    self_employed = EmploymentRegistration.objects.filter(
        source="self", end_date__isnull=True, **with_users
    ).first()
    recognition = DifficultyRecognition.objects.filter(**with_users).first()
    certificate = EmploymentCertificate.objects.filter(**with_users).first()
    graduates = Graduate.objects.filter(**with_users)
    graduate = graduates.filter(report_status="returned").first() or graduates.first()
    leaver = graduates.filter(leaver__isnull=False).first()
    fair = JobFair.objects.get(pk=seeker_pass.fair_id)
    subsidy_application = SubsidyApplication.objects.filter(
        employer__isnull=True, **with_users
    ).first()
    # A subsidy the seeker may apply for and has no application for yet.
    person_subsidy = next(
        subsidy
        for subsidy in SubsidyType.objects.filter(is_active=True, applicant="person")
        if (version := subsidy.version_on()) is not None
        and version.amount_rule != "insurance_refund"
        and not SubsidyApplication.objects.filter(
            person=seeker_pass.person, subsidy_type=subsidy
        ).exists()
    )
    s = SEEKER
    pages = [
        Page(s, main, "workspace", "/workspace/"),
        Page(s, main, "my details", "/workspace/profile/"),
        Page(s, main, "messages", "/notifications/"),
        Page(s, main, "password change", "/accounts/password_change/"),
        Page(s, main, "password changed", "/accounts/password_change/done/"),
        Page(s, main, "resume form", "/jobs/resume/"),
        Page(s, main, "my resume", resume.get_absolute_url()),
        Page(s, None, "resume by its QR link", resume.share_url()),
        Page(s, main, "jobs for me", "/jobs/for-me/"),
        Page(s, main, "favourite jobs", "/jobs/favourites/"),
        Page(s, main, "interviews", "/jobs/interviews/"),
        Page(s, main, "job fair with my pass", fair.get_absolute_url()),
        Page(s, main, "fair pass", seeker_pass.get_absolute_url()),
        Page(s, applicant, "my applications", "/jobs/applications/"),
        Page(
            s,
            applicant,
            "job I applied for",
            application.posting.get_absolute_url(),
        ),
        Page(
            s,
            applicant,
            "withdraw an application",
            reverse("jobs:application_withdraw", args=[application.code]),
        ),
        Page(s, main, "registrations", "/registration/"),
        Page(s, main, "register as unemployed", "/registration/unemployment/apply/"),
        Page(s, main, "register self-employment", "/registration/self-employment/"),
        Page(s, main, "apply for recognition", "/registration/recognitions/apply/"),
        Page(
            s,
            username(returned.person),
            "unemployment registration",
            returned.get_absolute_url(),
        ),
        Page(
            s,
            username(returned.person),
            "unemployment registration, corrected",
            reverse("registration:unemployment_edit", args=[returned.code]),
        ),
        Page(
            s,
            username(self_employed.person),
            "end self-employment",
            reverse("registration:employment_end", args=[self_employed.code]),
        ),
        Page(
            s,
            username(recognition.person),
            "difficulty recognition",
            recognition.get_absolute_url(),
        ),
        Page(
            s,
            username(certificate.person),
            "employment certificate",
            "/registration/certificate/",
        ),
        Page(s, username(graduate.person), "graduate reports", "/graduates/"),
        Page(s, username(graduate.person), "graduate report", "/graduates/report/"),
        Page(
            s, username(graduate.person), "graduate record", graduate.get_absolute_url()
        ),
        Page(
            s,
            username(graduate.person),
            "graduate report, corrected",
            reverse("graduates:graduate_edit", args=[graduate.code]),
        ),
        Page(
            s,
            username(leaver.person),
            "unemployed graduate's services",
            leaver.get_absolute_url(),
        ),
        Page(
            s,
            username(leaver.person),
            "graduate follow-up form",
            reverse("graduates:leaver_register", args=[leaver.code]),
        ),
        Page(s, main, "policy with my checks", person_subsidy.get_absolute_url()),
        Page(
            s,
            main,
            "subsidy application form",
            reverse("subsidies:application_new", args=[person_subsidy.code]),
        ),
        Page(
            s,
            username(subsidy_application.person),
            "my subsidy applications",
            "/policies/applications/",
        ),
        Page(
            s,
            username(subsidy_application.person),
            "subsidy application",
            subsidy_application.get_absolute_url(),
        ),
    ]
    return pages


def employer_pages() -> list[Page]:
    from fairs.models import BoothBooking, JobFair
    from jobs.models import Application, InterviewInvitation, Resume
    from portal.models import Employer
    from subsidies.models import Application as SubsidyApplication
    from subsidies.models import SubsidyType

    hired = Application.objects.filter(status="hired").first()
    employer = hired.posting.employer
    staff = employer.staff.first().username
    posting = hired.posting
    # Opening one marks it viewed: each pass takes another, then a viewed one.
    received = (
        Application.objects.filter(posting__employer=employer, status="received")
        .order_by("pk")
        .first()
        or Application.objects.filter(posting__employer=employer, status="viewed")
        .order_by("pk")
        .first()
    )
    public_resume = Resume.objects.public().first()
    invitation = InterviewInvitation.objects.filter(
        posting__employer=employer
    ).first() or invite(employer, public_resume)
    booking = BoothBooking.objects.active().filter(employer=employer).first() or (
        BoothBooking.objects.active().first()
    )
    booker = booking.employer.staff.first().username
    open_fair = next(f for f in JobFair.objects.published() if f.is_booking_open())
    not_booked = (
        Employer.objects.verified()
        .exclude(booth_bookings__fair=open_fair)
        .exclude(pk=employer.pk)
        .first()
    )
    free_booth = open_fair.booths.exclude(bookings__status="active").first()
    unverified = Employer.objects.exclude(verification_status="verified").first()
    subsidy = SubsidyType.objects.filter(
        is_active=True, applicant="employer", code="internship"
    ).first()
    employer_application = SubsidyApplication.objects.filter(
        employer__isnull=False
    ).first()
    e = EMPLOYER
    return [
        Page(e, staff, "workspace", "/workspace/"),
        Page(e, staff, "our postings", "/jobs/mine/"),
        Page(e, staff, "new posting", "/jobs/mine/new/"),
        Page(
            e,
            staff,
            "new posting, with mistakes",
            "/jobs/mine/new/",
            then=submit("main form", "form.title.value = '';"),
        ),
        Page(e, staff, "edit posting", reverse("jobs:job_edit", args=[posting.pk])),
        Page(
            e,
            staff,
            "close posting",
            reverse("jobs:job_change_status", args=[posting.pk, "close"]),
        ),
        Page(
            e,
            staff,
            "a refused action, with its message",
            "/jobs/mine/",
            then=post_to(
                reverse("jobs:job_change_status", args=[posting.pk, "resume"])
            ),
        ),
        Page(
            e,
            staff,
            "applicants",
            reverse("jobs:posting_applicants", args=[posting.pk]),
        ),
        Page(
            e,
            staff,
            "candidates",
            reverse("jobs:posting_candidates", args=[posting.pk]),
        ),
        Page(
            e,
            staff,
            "application (hired)",
            reverse("jobs:application_detail", args=[hired.code]),
        ),
        Page(
            e,
            staff,
            "application",
            reverse("jobs:application_detail", args=[received.code]),
        ),
        Page(e, staff, "our posting", posting.get_absolute_url()),
        Page(e, staff, "resume search", "/jobs/resumes/"),
        Page(e, staff, "resume", public_resume.get_absolute_url()),
        Page(e, staff, "favourite resumes", "/jobs/resumes/favourites/"),
        Page(
            e,
            staff,
            "invite to an interview",
            reverse("jobs:invitation_create", args=[public_resume.code]),
        ),
        Page(e, staff, "interviews", "/jobs/interviews/?show=all"),
        Page(e, staff, "interview", invitation.get_absolute_url()),
        Page(
            e,
            username(invitation.person),
            "interview, for the seeker",
            invitation.get_absolute_url(),
        ),
        Page(e, staff, "employment filings", "/registration/employees/"),
        Page(e, staff, "file hires", "/registration/employees/hire/"),
        Page(
            e,
            staff,
            "file hires, with mistakes",
            "/registration/employees/hire/",
            then=submit(
                "main form", "form.querySelector('input[type=text]').value = '1';"
            ),
        ),  # fmt: skip
        Page(e, staff, "upload hires", "/registration/employees/upload/"),
        Page(e, staff, "file a separation", "/registration/employees/separation/"),
        Page(e, staff, "receiving graduates", "/graduates/receiving/"),
        Page(e, staff, "policy for employers", subsidy.get_absolute_url()),
        Page(
            e,
            staff,
            "employer's subsidy application form",
            reverse("subsidies:application_new", args=[subsidy.code]),
        ),
        Page(
            e,
            employer_application.employer.staff.first().username,
            "employer's subsidy application",
            employer_application.get_absolute_url(),
        ),
        Page(e, booker, "booth bookings", "/fairs/bookings/"),
        Page(e, booker, "booth booking", booking.get_absolute_url()),
        Page(
            e,
            booker,
            "booth visitors",
            reverse("fairs:booking_visitors", args=[booking.code]),
        ),
        Page(
            e,
            booker,
            "cancel a booking",
            reverse("fairs:booking_cancel", args=[booking.code]),
        ),
        Page(e, booker, "points", "/fairs/points/"),
        Page(
            e,
            booker,
            "someone else's booking",
            BoothBooking.objects.active()
            .exclude(employer=booking.employer)
            .first()
            .get_absolute_url(),
            status=403,
        ),  # fmt: skip
        Page(
            e,
            not_booked.staff.first().username,
            "job fair, booking open",
            open_fair.get_absolute_url(),
        ),
        Page(
            e,
            not_booked.staff.first().username,
            "book a booth",
            reverse("fairs:booking_new", args=[open_fair.pk, free_booth.pk]),
        ),
        Page(
            e, unverified.staff.first().username, "workspace, unverified", "/workspace/"
        ),
        Page(
            e,
            unverified.staff.first().username,
            "new posting, unverified",
            "/jobs/mine/new/",
        ),
    ]


def invite(employer, resume):
    """An interview invitation from the employer (the demo has none)."""
    from jobs import services
    from jobs.models import JobPosting

    posting = JobPosting.objects.published().filter(employer=employer).first()
    return services.invite_to_interview(
        resume,
        posting=posting,
        by=employer.staff.first(),
        scheduled_at=timezone.now() + datetime.timedelta(days=7),
        place="佛山市禅城区人力资源市场 3 楼",
    )


def staff_pages() -> list[Page]:
    from fairs.models import JobFair
    from stats.models import Report

    fair = JobFair.objects.published().order_by("-date").first()
    report = Report.objects.first()
    pages = []
    for persona, user in [
        (CITY_CASEWORKER, "cw_city"),
        (DISTRICT_CASEWORKER, "cw_chancheng"),
        (LEADER, "leader"),
    ]:
        pages += [
            Page(persona, user, "workspace", "/workspace/"),
            Page(persona, user, "graduate flows", "/graduates/flows/"),
            Page(persona, user, "back office", "/admin/"),
        ]
    for persona, user in [(CITY_CASEWORKER, "cw_city"), (LEADER, "leader")]:
        pages += [
            Page(persona, user, "statistics", "/stats/"),
            Page(persona, user, "reports", "/stats/reports/"),
            Page(persona, user, "report", report.get_absolute_url()),
        ]
    pages += [
        Page(CITY_CASEWORKER, "cw_city", "fair figures", f"/fairs/{fair.pk}/figures/"),
        Page(STEWARD, "gate", "workspace", "/workspace/"),
        Page(STEWARD, "gate", "gate", "/fairs/gate/"),
        Page(STEWARD, "gate", "gate scanner", f"/fairs/{fair.pk}/gate/"),
        Page(ADMINISTRATOR, "admin", "workspace", "/workspace/"),
    ]
    return pages


def admin_pages() -> list[Page]:
    """The back office of our apps: for the administrator every app index, change
    list, add form and the change form of a first row, and the pages our admins
    add; for the district caseworker the change lists and change forms they may
    see, within their area."""
    from django.contrib import admin
    from django.test import RequestFactory

    from graduates.models import Leaver
    from portal.models import Person, User

    pages = []
    for persona, name in [
        (ADMINISTRATOR, "admin"),
        (DISTRICT_CASEWORKER, "cw_chancheng"),
    ]:
        request = RequestFactory().get("/admin/")
        request.user = User.objects.get(username=name)
        for model, model_admin in admin.site._registry.items():
            meta = model._meta
            if meta.app_label not in APPS or not model_admin.has_view_permission(
                request
            ):
                continue
            prefix = f"admin:{meta.app_label}_{meta.model_name}"
            title = str(meta.verbose_name_plural)
            pages.append(
                Page(persona, name, f"{title}: list", reverse(f"{prefix}_changelist"))
            )
            if model_admin.has_add_permission(request):
                pages.append(
                    Page(persona, name, f"{title}: add", reverse(f"{prefix}_add"))
                )
            first = model_admin.get_queryset(request).order_by("pk").first()
            if first is not None:
                path = reverse(f"{prefix}_change", args=[first.pk])
                pages.append(Page(persona, name, f"{title}: change", path))
    for app in APPS:
        pages.append(
            Page(
                ADMINISTRATOR,
                "admin",
                f"app {app}",
                reverse("admin:app_list", args=[app]),
            )
        )
    person = Person.objects.filter(user__isnull=True).first()
    a = ADMINISTRATOR
    pages += [
        Page(a, "admin", "back office", "/admin/"),
        Page(
            a,
            "admin",
            "person in full",
            reverse("admin:portal_person_reveal", args=[person.pk]),
        ),
        Page(
            a,
            "admin",
            "activation code",
            reverse("admin:portal_person_activation_code", args=[person.pk]),
        ),
        Page(a, "admin", "graduate import", reverse("admin:graduates_graduate_import")),
        Page(
            a,
            "admin",
            "talent centre receiving",
            reverse("admin:graduates_receiving_talent_centre"),
        ),
        Page(
            a,
            "admin",
            "graduate contact",
            reverse("admin:graduates_leaver_contact", args=[Leaver.objects.first().pk]),
        ),
        Page(
            a,
            "admin",
            "return postings, with a reason",
            reverse("admin:jobs_jobposting_changelist") + "?status__exact=pending",
            then=admin_action("reject_selected"),
        ),
    ]
    return pages


def all_pages() -> list[Page]:
    return [
        *public_pages(),
        *seeker_pages(),
        *employer_pages(),
        *staff_pages(),
        *admin_pages(),
        *video_pages(),
        *hall_pages(),
    ]


def hall_pages() -> list[Page]:
    """The demo hall's screen (public), a terminal's enrolment page, a kiosk page
    refused to a browser that is no terminal, and the kiosk and desk pages on
    enrolled devices: the demo's kiosk and first desk are enrolled anew here (the
    check's own database), with a kiosk session started for a person of the
    registry just before each page that needs one (it would end after 60 s idle)."""
    from django.contrib.auth import get_user_model
    from stdnum.cn import ric

    from fairs import services
    from fairs.models import Hall, KioskSession
    from portal.models import Employer, Person

    hall = Hall.objects.order_by("pk").first()
    terminal = hall.terminals.order_by("pk").first()
    caseworker = get_user_model().objects.get(username="cw_city")
    kiosk = hall.terminals.filter(kind="kiosk").order_by("pk").first()
    desk = hall.terminals.filter(kind="desk").order_by("booth").first()
    kiosk_token = services.enrol_terminal(kiosk, by=caseworker)
    desk_token = services.enrol_terminal(desk, by=caseworker)
    person = (
        Person.objects.filter(resume__isnull=False, phone__gt="").order_by("pk").first()
    )
    unknown = next(
        number
        for serial in range(100, 1000)
        for number in [f"44060419800101{serial}"]
        for number in [number + ric.calc_check_digit(number)]
        if not Person.objects.filter(id_number=number).exists()
    )
    # Staff of two verified employers with open jobs: the one seated at the desk
    # just before its page (the hall's closing signs desks out), and another.
    seated, other = [
        get_user_model()
        .objects.filter(employer=employer, is_active=True)
        .order_by("pk")
        .first()
        for employer in Employer.objects.verified()
        .filter(postings__status="published")
        .distinct()
        .order_by("pk")[:2]
    ]

    def no_session():
        for session in KioskSession.objects.filter(
            terminal=kiosk, ended_at__isnull=True
        ):
            services.end_session(session)

    def card_read():
        return services.start_session(kiosk, person.id_number)

    def identified():
        return services.confirm_name(card_read(), person.name)

    def checked_in():
        services.check_in(identified(), shares_resume=False)

    def seat():
        services.take_desk(desk, by=seated)

    def at_kiosk(title, name, prepare, then=None):
        return Page(
            ANONYMOUS,
            None,
            f"kiosk: {title}",
            reverse(f"fairs:{name}"),
            then=then,
            terminal=kiosk_token,
            prepare=prepare,
        )

    def at_desk(user, title):
        return Page(
            EMPLOYER,
            user.username,
            f"desk: {title}",
            reverse("fairs:desk_home"),
            terminal=desk_token,
            prepare=seat,
        )

    type_unknown = submit(
        "form.kiosk-card", f"form.elements.id_number.value = {unknown!r};"
    )
    return [
        Page(
            ANONYMOUS, None, "hall screen", reverse("fairs:hall_screen", args=[hall.pk])
        ),
        Page(
            CITY_CASEWORKER,
            "cw_city",
            "enrol a hall terminal",
            reverse("fairs:terminal_enrol", args=[terminal.pk]),
        ),
        Page(
            ANONYMOUS,
            None,
            "kiosk page in a browser that is no terminal",
            reverse("fairs:kiosk_home"),
            status=403,
        ),
        at_kiosk("put the ID card on the reader", "kiosk_home", no_session),
        at_kiosk("no record: register", "kiosk_home", no_session, type_unknown),
        at_kiosk("second factor", "kiosk_home", card_read),
        at_kiosk("menu", "kiosk_home", identified),
        at_kiosk("work wanted", "kiosk_resume", identified),
        at_kiosk("resume", "kiosk_review", identified),
        at_kiosk("jobs in the hall", "kiosk_jobs", checked_in),
        at_desk(seated, "the people in the hall today"),
        at_desk(other, "start at this desk"),
    ]


def video_pages() -> list[Page]:
    """The video room open now (the demo's, for its employer and seeker) and a
    booth's remote queue, for the booth's employer and a seeker."""
    from fairs.models import BoothBooking
    from jobs.models import VideoRoom

    room = next(room for room in VideoRoom.objects.all() if room.is_open())
    interviewer = room.interviewers.first().username
    booking = BoothBooking.objects.active().first()
    queue = reverse("fairs:remote_queue", args=[booking.code])
    return [
        Page(EMPLOYER, interviewer, "video room", room.get_absolute_url()),
        Page(SEEKER, room.seeker.username, "video room", room.get_absolute_url()),
        Page(EMPLOYER, booking.employer.staff.first().username, "remote queue", queue),
        Page(SEEKER, room.seeker.username, "remote queue", queue),
    ]

import datetime
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count
from django.db.models.functions import Substr
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST
from django_q.models import OrmQ

from portal import maps, replicas, services
from portal.decorators import seeker_required
from portal.forms import (
    ClaimCodeForm,
    CounterActivationForm,
    EmployerSignupForm,
    ProfileForm,
    SeekerSignupForm,
)
from portal.models import (
    Employer,
    Notification,
    OrgUnit,
    Person,
    User,
    current_districts,
)


def home(request):
    districts = current_districts()
    per_district = dict(
        Employer.objects.verified()
        .values_list(Substr("org_unit__code", 1, 6))
        .annotate(count=Count("id"))
    )
    for district in districts:
        district.employer_count = per_district.get(district.code[:6], 0)
    context = {
        "employer_count": Employer.objects.verified().count(),
        "seeker_count": User.objects.filter(
            role=User.Role.SEEKER, is_active=True
        ).count(),
        "person_count": Person.objects.count(),
        "districts": districts,
    }
    # The apps' own figures (open jobs …), named in settings: the core imports no app.
    for figures in settings.HOME_FIGURES:
        context.update(import_string(figures)())
    return render(request, "portal/home.html", context)


@require_GET
@cache_control(public=True, max_age=3600)
def map_outlines(request):
    """The districts' approximate outlines, for maps without tiles."""
    return JsonResponse(maps.district_outlines())


def services_hall(request):
    return render(request, "portal/services_hall.html")


def employer_list(request):
    employers = Employer.objects.verified().select_related("org_unit__parent")
    query = request.GET.get("q", "").strip()[:50]
    if query:
        employers = employers.filter(name__icontains=query)
    district = OrgUnit.objects.filter(
        level=OrgUnit.Level.DISTRICT, code=request.GET.get("district", "")
    ).first()
    if district:
        employers = employers.filter(
            org_unit__code__startswith=district.descendant_prefix
        )
    page = Paginator(employers, 20).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "district": district,
        "districts": OrgUnit.objects.current().filter(level=OrgUnit.Level.DISTRICT),
    }
    return render(request, "portal/employer_list.html", context)


def employer_detail(request, pk):
    employer = get_object_or_404(
        Employer.objects.verified().select_related("org_unit__parent"), pk=pk
    )
    return render(request, "portal/employer_detail.html", {"employer": employer})


@login_required
def employer_licence(request, pk):
    """The uploaded licence, for the employer's own staff and caseworkers in scope."""
    employer = get_object_or_404(Employer.objects.for_user(request.user), pk=pk)
    if not employer.licence:
        raise Http404
    return FileResponse(employer.licence.open("rb"))


def signup(request):
    if request.user.is_authenticated:
        return redirect("workspace")
    return render(request, "portal/signup.html")


def signup_seeker(request):
    """Step one: the details, answered the same way for every ID number."""
    if request.user.is_authenticated:
        return redirect("workspace")
    form = SeekerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.request_claim(
                name=form.cleaned_data["name"],
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password1"],
                residence=form.cleaned_data["residence"],
                language=translation.get_language(),
                address=request.META.get("REMOTE_ADDR"),
            )
        except services.PortalError as error:
            form.add_error(None, str(error))
        else:
            return redirect("signup_confirm", code=claim.code)
    return render(request, "portal/signup_seeker.html", {"form": form})


def signup_confirm(request, code):
    """Step two: the code from the SMS opens the account."""
    if request.user.is_authenticated:
        return redirect("workspace")
    form = ClaimCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.confirm_claim(code, form.cleaned_data["code"])
        except services.PortalError as error:
            form.add_error("code", str(error))
        else:
            login(request, user, backend="portal.backends.PortalBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("workspace")
    return render(request, "portal/signup_confirm.html", {"form": form})


def signup_activate(request):
    """Opening an account with an activation code from a service counter."""
    if request.user.is_authenticated:
        return redirect("workspace")
    form = CounterActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.activate_with_code(
                id_number=form.cleaned_data["id_number"],
                secret=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
                phone=form.cleaned_data["phone"],
                language=translation.get_language(),
            )
        except services.PortalError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="portal.backends.PortalBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("workspace")
    return render(request, "portal/signup_activate.html", {"form": form})


def signup_employer(request):
    if request.user.is_authenticated:
        return redirect("workspace")
    form = EmployerSignupForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_employer(
                name=data["name"],
                uscc=data["uscc"],
                org_unit=data["org_unit"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                password=data["password1"],
                licence=data["licence"],
                language=translation.get_language(),
            )
        except services.PortalError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="portal.backends.PortalBackend")
            messages.success(
                request,
                _(
                    "Registered. A caseworker will review your licence; "
                    "you will be notified."
                ),
            )
            return redirect("workspace")
    return render(request, "portal/signup_employer.html", {"form": form})


@login_required
def workspace(request):
    user = request.user
    context = {"notifications": user.notifications.all()[:5]}
    if user.is_seeker:
        context["person"] = getattr(user, "person", None)
    elif user.is_employer_staff:
        context["employer"] = user.employer
    elif not user.is_steward:
        employers = Employer.objects.for_user(user)
        context["pending_employers"] = employers.filter(
            verification_status=Employer.Verification.PENDING
        ).count()
        context["employer_total"] = employers.count()
        context["person_total"] = Person.objects.for_user(user).count()
        context["units"] = _units_with_counts(user)
    return render(request, "portal/workspace.html", context)


def _units_with_counts(user):
    """The units one level below the staff member's own unit, with registry counts."""
    if user.is_administrator:
        units = OrgUnit.objects.filter(level=OrgUnit.Level.DISTRICT)
    elif user.org_unit is not None:
        units = OrgUnit.objects.filter(parent=user.org_unit)
    else:
        return []
    rows = []
    for unit in units.current():
        prefix = unit.descendant_prefix
        rows.append(
            {
                "unit": unit,
                "persons": Person.objects.filter(
                    residence__code__startswith=prefix
                ).count(),
                "employers": Employer.objects.filter(
                    org_unit__code__startswith=prefix
                ).count(),
            }
        )
    return rows


@seeker_required
def profile_edit(request):
    person = request.user.person
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.save_person(
            form.instance, by=request.user, changed_fields=form.changed_data
        )
        services.set_sms_opt_in(request.user, form.cleaned_data["sms_opt_in"])
        messages.success(request, _("Your details are saved."))
        return redirect("workspace")
    return render(request, "portal/profile_edit.html", {"form": form, "person": person})


@login_required
def notification_list(request):
    notifications = request.user.notifications.all()
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    return render(request, "portal/notification_list.html", {"page": page})


@require_POST
@login_required
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_notification_read(notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect("notification_list")


@require_POST
def set_language(request):
    """The language switcher; for a logged-in user it also sets the e-mail language."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_user_language(request.user, language)
    return response


@require_GET
@never_cache
def healthz(request):
    """Database and queue status for load balancers and the container healthcheck."""
    result = {"database": "ok", "queue": "ok"}
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        result["database_ms"] = round((time.monotonic() - started) * 1000, 1)
    except DatabaseError:
        result["database"] = "error"
        result["queue"] = "unknown"
        return JsonResponse(result, status=503)
    try:
        # The ORM broker stamps `lock` at enqueue and pushes it into the future while
        # a worker holds the task, so a past `lock` means "waiting since".
        waiting_tasks = OrmQ.objects.filter(lock__lte=timezone.now())
        oldest = waiting_tasks.order_by("lock").values_list("lock", flat=True).first()
        result["queued"] = waiting_tasks.count()
    except DatabaseError:
        result["queue"] = "error"
        return JsonResponse(result, status=503)
    if oldest is not None:
        waiting = (timezone.now() - oldest).total_seconds()
        result["oldest_task_seconds"] = round(max(waiting, 0))
        if waiting > settings.QUEUE_STALL_SECONDS:
            result["queue"] = "stalled"
    # Long work (imports, reports) whose worker died again and again, or whose
    # task was lost, while the queue itself looks fine. The apps find it.
    now = timezone.now()
    before = now - datetime.timedelta(seconds=settings.STUCK_WORK_SECONDS)
    result["stuck"] = {}
    try:
        for find_stuck in settings.STUCK_WORK:
            for name, stuck in import_string(find_stuck)(before).items():
                result["stuck"][name] = {
                    "count": stuck["count"],
                    "oldest_seconds": round((now - stuck["since"]).total_seconds()),
                }
    except DatabaseError:
        result["stuck"] = "error"
        return JsonResponse(result, status=503)
    # Replicas are checked now; one down or behind is skipped, not an unhealthy host.
    for alias in replicas.replica_aliases():
        health = replicas.measure(alias)
        replicas.record(alias, health)
        lag = health.lag_seconds
        result.setdefault("replicas", {})[alias] = {
            "status": health.status,
            "lag_seconds": None if lag is None else round(lag, 3),
            "behind_bytes": health.behind_bytes,
        }
    healthy = result["queue"] == "ok" and not result["stuck"]
    return JsonResponse(result, status=200 if healthy else 503)

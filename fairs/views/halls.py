"""The recruiting hall's terminals: enrolment by a caseworker, and the public market
screen with its JSON figures."""

from functools import wraps

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from fairs import services
from fairs.errors import FairError
from fairs.models import Hall, HallFigures, Terminal
from portal.decorators import staff_required
from portal.models import Employer, Person


def terminal_required(kind: str):
    """Only a browser holding a valid device token of this kind passes (set as
    `request.terminal`); any other gets a page saying so, with status 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            secret = request.COOKIES.get(settings.HALL_TERMINAL_COOKIE, "")
            terminal = services.terminal_for_token(secret, kind)
            if terminal is None:
                response = render(
                    request, "fairs/hall_not_terminal.html", {"kind": kind}, status=403
                )
                response["Cache-Control"] = "no-store"
                return response
            request.terminal = terminal
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@never_cache
@staff_required
def terminal_enrol(request, pk):
    """A caseworker, on the device itself, makes this browser the terminal. The
    caseworker is logged out at once: nothing of them stays on a public device."""
    terminal = get_object_or_404(
        Terminal.objects.for_user(request.user).select_related("hall"), pk=pk
    )
    error = ""
    if request.method == "POST":
        try:
            secret = services.enrol_terminal(terminal, by=request.user)
        except FairError as refusal:
            error = str(refusal)
        else:
            logout(request)
            response = render(
                request, "fairs/hall_enrolled.html", {"terminal": terminal}
            )
            response.set_cookie(
                settings.HALL_TERMINAL_COOKIE,
                secret,
                max_age=settings.HALL_TERMINAL_COOKIE_DAYS * 86400,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
            return response
    return render(
        request, "fairs/hall_enrol.html", {"terminal": terminal, "error": error}
    )


def hall_screen(request, pk):
    """The hall's big screen (1920 × 1080 or 4K), public: it polls the figures."""
    hall = get_object_or_404(Hall.objects.filter(is_open=True), pk=pk)
    return render(request, "fairs/hall_screen.html", {"hall": hall})


def _labelled(pairs, labels: dict) -> list[dict]:
    return [
        {"label": str(labels.get(key, key)), "value": value} for key, value in pairs
    ]


def salary_labels() -> dict:
    return {
        "negotiable": _("Negotiable"),
        "0-3000": _("Under ¥3,000"),
        "3000-5000": _("¥3,000–5,000"),
        "5000-8000": _("¥5,000–8,000"),
        "8000-12000": _("¥8,000–12,000"),
        "12000-": _("¥12,000 and more"),
    }


def screen_payload(figures: HallFigures) -> dict:
    """The stored figures with their labels in the reader's language."""
    data = figures.data
    education = dict(Person.Education.choices) | {"unknown": _("Not recorded")}
    return {
        "computed_at": figures.computed_at.isoformat(),
        "hall": data.get("hall", {}),
        "city": data.get("city", {}),
        "industries": _labelled(
            data.get("industries", []), dict(Employer.Industry.choices)
        ),
        "occupations": _labelled(data.get("occupations", []), {}),
        "salary_bands": _labelled(data.get("salary_bands", []), salary_labels()),
        "origins": _labelled(data.get("origins", []), {}),
        "education": _labelled(data.get("education", []), education),
    }


@require_GET
@cache_control(public=True, max_age=2)
def hall_screen_data(request, pk):
    """The screen's figures as stored: one row by primary key, no personal data."""
    figures = HallFigures.objects.filter(hall_id=pk, hall__is_open=True).first()
    if figures is None:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse(screen_payload(figures))

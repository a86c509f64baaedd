"""The portal's URLs plus the reference view the search page is compared with."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.http import require_POST

from jobs.models import JobPosting
from portal.models import AuditEntry


def bare(request):
    """One indexed query and a small template: the framework's ceiling
    (docs/technical-choices.md, "Framework ceiling")."""
    postings = JobPosting.objects.filter(status="published").order_by("-published_at")
    return render(request, "bench/bare.html", {"postings": postings[:20]})


@require_POST
def bare_write(request):
    """A POST that writes one row and redirects: the ceiling the booking storm and
    the gate scanner are compared with, served with no middleware (the framework)
    and with the portal's (CSRF, the session, the user, the language …)."""
    AuditEntry.objects.create(
        action="bench.write", data={"raw": request.POST.get("raw")}
    )
    return HttpResponseRedirect("/bench/bare/")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/write/", bare_write),
    path("", include("config.urls")),
]

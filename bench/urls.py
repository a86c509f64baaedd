"""The portal's URLs plus the reference view the search page is compared with."""

from django.shortcuts import render
from django.urls import include, path

from jobs.models import JobPosting


def bare(request):
    """One indexed query and a small template: the framework's ceiling (tech.md §6)."""
    postings = JobPosting.objects.filter(status="published").order_by("-published_at")
    return render(request, "bench/bare.html", {"postings": postings[:20]})


urlpatterns = [path("bench/bare/", bare), path("", include("portal.urls"))]

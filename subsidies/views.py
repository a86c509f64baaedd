from django.shortcuts import get_object_or_404, render

from subsidies.eligibility import person_checks
from subsidies.models import SubsidyType


def subsidy_list(request):
    """政策: every subsidy in force, in plain words (public)."""
    subsidies = SubsidyType.objects.filter(is_active=True).prefetch_related("versions")
    return render(request, "subsidies/subsidy_list.html", {"subsidies": subsidies})


def subsidy_detail(request, code):
    subsidy = get_object_or_404(SubsidyType.objects.filter(is_active=True), code=code)
    version = subsidy.version_on()
    person = (
        getattr(request.user, "person", None) if request.user.is_authenticated else None
    )
    context = {
        "subsidy": subsidy,
        "version": version,
        "excludes": subsidy.excludes.all(),
        # A seeker sees at once which conditions their records meet, and why.
        "checks": person_checks(version, person)
        if version and person and subsidy.applicant == SubsidyType.Applicant.PERSON
        else None,
    }
    return render(request, "subsidies/subsidy_detail.html", context)

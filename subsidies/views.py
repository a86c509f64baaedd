from django.shortcuts import get_object_or_404, render

from subsidies.models import SubsidyType


def subsidy_list(request):
    """政策: every subsidy in force, in plain words (public)."""
    subsidies = SubsidyType.objects.filter(is_active=True).prefetch_related("versions")
    return render(request, "subsidies/subsidy_list.html", {"subsidies": subsidies})


def subsidy_detail(request, code):
    subsidy = get_object_or_404(SubsidyType.objects.filter(is_active=True), code=code)
    context = {
        "subsidy": subsidy,
        "version": subsidy.version_on(),
        "excludes": subsidy.excludes.all(),
    }
    return render(request, "subsidies/subsidy_detail.html", context)

"""The booth's poster page (opened by scanning its QR) and the employer's list of
visitors with their intentions."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fairs.errors import FairError
from fairs.models import BoothBooking, BoothVisit
from fairs.services import visits
from jobs.models import Application, Resume, people_known_to
from portal.decorators import employer_required
from portal.qr import qr_svg


class InterestForm(forms.Form):
    postings = forms.ModelMultipleChoiceField(
        label=gettext_lazy("jobs I am interested in"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postings"].queryset = booking.postings.all()


def booth_page(request, code):
    booking = get_object_or_404(
        BoothBooking.objects.select_related("fair", "booth", "employer"),
        code=code,
        status=BoothBooking.Status.ACTIVE,
    )
    is_seeker = request.user.is_authenticated and request.user.is_seeker
    has_resume = (
        is_seeker and Resume.objects.filter(person=request.user.person).exists()
    )
    data = request.POST if request.method == "POST" else None
    form = InterestForm(data, booking=booking)
    if data is not None:
        if not is_seeker:
            raise PermissionDenied
        if form.is_valid():
            try:
                visits.register_interest(
                    booking,
                    person=request.user.person,
                    postings=list(form.cleaned_data["postings"]),
                )
            except FairError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Your resume is sent to %(employer)s.")
                    % {"employer": booking.employer.name},
                )
            return redirect("fairs:booth_page", code=code)
    context = {
        "booking": booking,
        "fair": booking.fair,
        "form": form,
        "is_seeker": is_seeker,
        "has_resume": has_resume,
    }
    return render(request, "fairs/booth_page.html", context)


@employer_required
def booking_visitors(request, code):
    booking = get_object_or_404(
        BoothBooking.objects.select_related("fair", "booth"), code=code
    )
    if booking.employer_id != request.user.employer_id:
        raise PermissionDenied
    booth_visits = list(booking.visits.select_related("person__resume"))
    people = [visit.person_id for visit in booth_visits]
    known = set(
        people_known_to(booking.employer_id)
        .filter(pk__in=people)
        .values_list("pk", flat=True)
    )
    # Each visitor's live application to a job of this booth, where the employer
    # reads the resume and moves the application on.
    applications = {
        application.person_id: application
        for application in Application.objects.for_employer(booking.employer_id)
        .filter(posting__in=booking.postings.all(), person_id__in=people)
        .select_related("posting")
        .order_by("created_at")  # the newest wins
    }
    # The rule of Resume.can_be_read_by, for the whole list at once.
    verified = request.user.employer.is_verified
    for visit in booth_visits:
        resume = getattr(visit.person, "resume", None)
        visit.readable_resume = (
            resume
            if verified and resume and (resume.is_public or visit.person_id in known)
            else None
        )
        visit.application = applications.get(visit.person_id)
    context = {
        "booking": booking,
        "fair": booking.fair,
        "visits": booth_visits,
        "known": known,
        "poster_qr": qr_svg(booking.get_booth_url()),
    }
    return render(request, "fairs/booking_visitors.html", context)


@require_POST
@employer_required
def visit_intention(request, pk):
    visit = get_object_or_404(BoothVisit.objects.select_related("booking"), pk=pk)
    try:
        visits.record_intention(
            visit, by=request.user, note=request.POST.get("note", "")[:200]
        )
    except FairError as error:
        raise PermissionDenied(str(error)) from error
    messages.success(request, _("Intention recorded."))
    return redirect("fairs:booking_visitors", code=visit.booking.code)

"""The employment certificate for its holder, its public verification page, and
the public notice of employment-difficulty recognitions."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from portal.decorators import seeker_required
from portal.pdf import render_pdf
from portal.qr import qr_svg
from registration.models import (
    DifficultyRecognition,
    EmploymentCertificate,
    EmploymentRegistration,
    UnemploymentRegistration,
)


def _certificate_context(certificate: EmploymentCertificate) -> dict:
    person = certificate.person
    return {
        "certificate": certificate,
        "person": person,
        "employment": EmploymentRegistration.objects.filter(person=person)
        .select_related("employer")
        .order_by("start_date"),
        "unemployment": UnemploymentRegistration.objects.filter(
            person=person, registered_on__isnull=False
        )
        .select_related("org_unit", "cancellation_reason")
        .order_by("registered_on"),
        "recognitions": DifficultyRecognition.objects.filter(
            person=person, approved_on__isnull=False
        )
        .select_related("category")
        .order_by("approved_on"),
        "qr": qr_svg(certificate.get_verification_url()),
        "today": timezone.localdate(),
    }


def _own_certificate(request) -> EmploymentCertificate:
    return get_object_or_404(
        EmploymentCertificate.objects.select_related("person", "issued_by__parent"),
        person=request.user.person,
    )


@seeker_required
def certificate_detail(request):
    context = _certificate_context(_own_certificate(request))
    return render(request, "registration/certificate_detail.html", context)


@seeker_required
def certificate_pdf(request):
    certificate = _own_certificate(request)
    pdf = render_pdf(
        "pdf/employment_certificate.html", _certificate_context(certificate)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="employment-certificate-{certificate.number}.pdf"'
    )
    return response


def certificate_verify(request, code):
    """Public: confirms a certificate is genuine and current, showing only the
    masked name and ID number, the number and the issuing office."""
    certificate = (
        EmploymentCertificate.objects.select_related("person", "issued_by")
        .filter(code=code)
        .first()
    )
    return render(
        request,
        "registration/certificate_verify.html",
        {"certificate": certificate},
        status=200 if certificate else 404,
    )


def recognition_notices(request):
    """Public notice (公示) of employment-difficulty recognitions: masked names and
    ID numbers, the street, the proposed decision (naming the category only when it
    is not sensitive) and until when objections can be raised."""
    notices = (
        DifficultyRecognition.objects.on_notice(timezone.localdate())
        .select_related("person", "category", "org_unit__parent__parent__parent")
        .order_by("notice_ends", "pk")
    )
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(request, "registration/recognition_notices.html", {"page": page})

"""A person's own registrations: unemployment, self-employment, difficulty
recognition, and the overview of them all."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.decorators import seeker_required
from registration import services
from registration.forms import (
    EndEmploymentForm,
    RecognitionForm,
    SelfEmploymentForm,
    UnemploymentForm,
)
from registration.models import (
    DifficultyRecognition,
    EmploymentCertificate,
    EmploymentRegistration,
    UnemploymentRegistration,
)


@seeker_required
def registration_home(request):
    person = request.user.person
    context = {
        "person": person,
        "unemployment": UnemploymentRegistration.objects.filter(person=person)
        .select_related("org_unit", "cancellation_reason")
        .first(),
        "refusals": services.unemployment_refusals(person),
        "history": EmploymentRegistration.objects.filter(person=person).select_related(
            "employer"
        ),
        "recognitions": DifficultyRecognition.objects.filter(
            person=person
        ).select_related("category"),
        "certificate": EmploymentCertificate.objects.filter(person=person).first(),
    }
    return render(request, "registration/registration_home.html", context)


def _own_unemployment(request, code) -> UnemploymentRegistration:
    return get_object_or_404(
        UnemploymentRegistration.objects.select_related(
            "org_unit__parent", "cancellation_reason"
        ),
        code=code,
        person=request.user.person,
    )


@seeker_required
def unemployment_apply(request):
    person = request.user.person
    refusals = services.unemployment_refusals(person)
    last_job = EmploymentRegistration.objects.filter(person=person).first()
    initial = {"last_employer": last_job.where if last_job else ""}
    if last_job and last_job.end_date and last_job.end_date < timezone.localdate():
        initial["unemployed_since"] = last_job.end_date + datetime.timedelta(days=1)
    form = UnemploymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and not refusals and form.is_valid():
        form.instance.person = person
        try:
            registration = services.apply_for_unemployment(
                form.instance, by=request.user
            )
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Your application is sent to %(unit)s for review.")
                % {"unit": registration.org_unit.name},
            )
            return redirect(registration)
    context = {"form": form, "person": person, "refusals": refusals}
    return render(request, "registration/unemployment_form.html", context)


@seeker_required
def unemployment_detail(request, code):
    registration = _own_unemployment(request, code)
    context = {"registration": registration}
    return render(request, "registration/unemployment_detail.html", context)


@seeker_required
def unemployment_edit(request, code):
    registration = _own_unemployment(request, code)
    if not registration.can_be_changed_by_applicant:
        messages.error(request, _("This application can no longer be changed."))
        return redirect(registration)
    form = UnemploymentForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.resubmit_unemployment(form.instance, by=request.user)
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your application is sent for review again."))
        return redirect(registration)
    context = {
        "form": form,
        "person": registration.person,
        "registration": registration,
    }
    return render(request, "registration/unemployment_form.html", context)


@require_POST
@seeker_required
def unemployment_withdraw(request, code):
    registration = _own_unemployment(request, code)
    try:
        services.withdraw_unemployment(registration, by=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect(registration)


@require_POST
@seeker_required
def unemployment_still_looking(request, code):
    registration = _own_unemployment(request, code)
    try:
        services.record_contact(registration, by=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Thank you. Your service centre knows you are still looking.")
        )
    return redirect(registration)


@seeker_required
def self_employment_new(request):
    form = SelfEmploymentForm(request.POST or None)
    unemployed = (
        UnemploymentRegistration.objects.filter(person=request.user.person)
        .open()
        .exists()
    )
    if request.method == "POST" and form.is_valid():
        form.instance.person = request.user.person
        form.instance.source = EmploymentRegistration.Source.SELF
        try:
            services.register_self_employment(form.instance, by=request.user)
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your employment is registered."))
            return redirect("registration:registration_home")
    context = {"form": form, "unemployed": unemployed}
    return render(request, "registration/self_employment_form.html", context)


@seeker_required
def employment_end(request, code):
    registration = get_object_or_404(
        EmploymentRegistration.objects.select_related("person"),
        code=code,
        person=request.user.person,
    )
    if not registration.can_be_ended_by(request.user):
        messages.error(request, _("Your employer files the end of this employment."))
        return redirect("registration:registration_home")
    form = EndEmploymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_employment(
                registration,
                by=request.user,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["end_reason"],
            )
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The end of your employment is registered."))
            return redirect("registration:registration_home")
    context = {"form": form, "registration": registration}
    return render(request, "registration/employment_end.html", context)


def _own_recognition(request, code) -> DifficultyRecognition:
    return get_object_or_404(
        DifficultyRecognition.objects.select_related("category", "org_unit"),
        code=code,
        person=request.user.person,
    )


@seeker_required
def recognition_apply(request):
    form = RecognitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.person = request.user.person
        try:
            recognition = services.apply_for_recognition(form.instance, by=request.user)
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your application is sent for review."))
            return redirect(recognition)
    return render(request, "registration/recognition_form.html", {"form": form})


@seeker_required
def recognition_detail(request, code):
    recognition = _own_recognition(request, code)
    form = None
    if recognition.status == DifficultyRecognition.Status.RETURNED:
        form = RecognitionForm(request.POST or None, instance=recognition)
        form.fields.pop("category")
        if request.method == "POST" and form.is_valid():
            try:
                services.resubmit_recognition(form.instance, by=request.user)
            except services.RegistrationError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("Your application is sent for review again.")
                )
            return redirect(recognition)
    context = {"recognition": recognition, "form": form}
    return render(request, "registration/recognition_detail.html", context)

"""The applicant's pages: a person for themselves, employer staff for their
employer. Each sees only their own applications."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.decorators import applicant_required
from subsidies import services
from subsidies.eligibility import eligibility_checks
from subsidies.forms import (
    ApplicationForm,
    PayeeAccountForm,
    RatingForm,
    ResubmitForm,
)
from subsidies.models import (
    Application,
    ApplicationDocument,
    PayeeAccount,
    Payment,
    PolicyVersion,
    SubsidyType,
)
from subsidies.views.public import applicant_unit


@applicant_required
def application_new(request, code):
    user = request.user
    applicant = "employer" if user.is_employer_staff else "person"
    offered = SubsidyType.objects.offered_in(applicant_unit(user))
    subsidy = get_object_or_404(
        offered.filter(is_active=True, applicant=applicant), code=code
    )
    version = subsidy.version_on()
    if version is None or (
        version.amount_rule == PolicyVersion.AmountRule.INSURANCE_REFUND
    ):
        raise Http404
    if applicant == "person":
        existing = (
            Application.objects.open()
            .filter(person=user.person, subsidy_type=subsidy)
            .first()
        )
        if existing is not None:
            messages.info(
                request, _("You have an application for this subsidy in progress.")
            )
            return redirect(existing)
    data = request.POST if request.method == "POST" else None
    payee = Application(
        person=user.person if applicant == "person" else None,
        employer=user.employer if applicant == "employer" else None,
    )
    form = ApplicationForm(
        data,
        request.FILES or None,
        version=version,
        employer=user.employer if applicant == "employer" else None,
        account_on_file=PayeeAccount.objects.on_file(payee),
        preview=data is not None and "preview" in data,
    )
    preview = None
    if data is not None and form.is_valid():
        application = form.instance
        application.subsidy_type = subsidy
        if applicant == "person":
            application.person = user.person
        else:
            application.employer = user.employer
        if "preview" in data:
            preview = services.preview_application(application)
        else:
            try:
                application = services.submit_application(
                    application,
                    by=user,
                    documents=form.uploads(),
                    account=form.account,
                )
            except services.SubsidyError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The application is submitted."))
                return redirect(application)
    if request.headers.get("X-Preview") == "1":
        # The page's script asks for the amount alone, without the scans: the
        # files stay attached in the browser (static/js/subsidy_preview.js).
        context = {"form": form, "preview": preview, "kept": True}
        return render(request, "subsidies/_preview.html", context)
    person = user.person if applicant == "person" else None
    context = {
        "subsidy": subsidy,
        "version": version,
        "form": form,
        "checks": eligibility_checks(version, person, employer=user.employer),
        "preview": preview,
    }
    return render(request, "subsidies/application_form.html", context)


@applicant_required
def application_list(request):
    applications = Application.objects.for_user(request.user).select_related(
        "subsidy_type", "person"
    )
    return render(
        request, "subsidies/application_list.html", {"applications": applications}
    )


def _own_application(request, code) -> Application:
    return get_object_or_404(
        Application.objects.for_user(request.user).select_related(
            "subsidy_type", "version", "org_unit", "person", "employer"
        ),
        code=code,
    )


def _detail_context(application: Application, **forms) -> dict:
    """The page of one application; the account shown is the one paid into, else
    the one given with it, else the payee's on file."""
    latest = application.payments.select_related("account").order_by("-pk").first()
    with_bank = latest is not None and latest.status == Payment.Status.PENDING
    if latest is not None and latest.status != Payment.Status.FAILED:
        account = latest.account
    else:
        account = application.payee_account or PayeeAccount.objects.on_file(application)
    changeable = application.is_open and not with_bank
    return {
        "application": application,
        "documents": application.documents.all(),
        "account": account,
        "last_payment": latest,
        "rating_form": RatingForm() if application.can_be_rated else None,
        "resubmit_form": ResubmitForm(initial={"statement": application.statement}),
        "account_form": (
            PayeeAccountForm(employer=application.employer_id is not None)
            if changeable
            else None
        ),
        **forms,
    }


@applicant_required
def application_detail(request, code):
    application = _own_application(request, code)
    return render(
        request, "subsidies/application_detail.html", _detail_context(application)
    )


@require_POST
@applicant_required
def application_account(request, code):
    application = _own_application(request, code)
    form = PayeeAccountForm(request.POST, employer=application.employer_id is not None)
    if not form.is_valid():
        context = _detail_context(application, account_form=form)
        return render(request, "subsidies/application_detail.html", context)
    try:
        services.change_payee_account(application, form.account, by=request.user)
    except services.SubsidyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The subsidy will be paid into this account."))
    return redirect(application)


@require_POST
@applicant_required
def application_resubmit(request, code):
    application = _own_application(request, code)
    form = ResubmitForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _detail_context(application, resubmit_form=form)
        return render(request, "subsidies/application_detail.html", context)
    try:
        services.resubmit_application(
            application,
            by=request.user,
            statement=form.cleaned_data["statement"],
            documents=form.uploads(),
        )
    except services.SubsidyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application is sent again."))
    return redirect(application)


@require_POST
@applicant_required
def application_withdraw(request, code):
    application = _own_application(request, code)
    try:
        services.withdraw_application(application, by=request.user)
    except services.SubsidyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect(application)


@require_POST
@applicant_required
def application_rate(request, code):
    application = _own_application(request, code)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from one to five stars."))
        return redirect(application)
    try:
        services.rate_application(
            application,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["rating_comment"],
            by=request.user,
        )
    except services.SubsidyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect(application)


def document_download(request, pk):
    """Scans are private: their applicant, and caseworkers of the application's
    area with the permission, may open them."""
    document = get_object_or_404(
        ApplicationDocument.objects.select_related("application"), pk=pk
    )
    visible = Application.objects.for_user(request.user).filter(
        pk=document.application_id
    )
    if request.user.is_staff and not request.user.has_perm(
        "subsidies.view_applicationdocument"
    ):
        visible = visible.none()
    if not visible.exists():
        raise Http404
    return FileResponse(document.file.open("rb"), filename=document.name)

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs import services
from jobs.forms import InvitationForm, NoteForm, ProposeTimeForm, RescheduleForm
from jobs.models import InterviewInvitation, Resume, people_known_to
from jobs.views.resumes import verified_employer_required


@verified_employer_required
def invitation_create(request, code):
    resume = get_object_or_404(Resume.objects.select_related("person"), code=code)
    if not resume.can_be_read_by(request.user):
        raise PermissionDenied
    form = InvitationForm(
        request.POST or None,
        employer=request.user.employer,
        initial={"posting": request.GET.get("posting")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_to_interview(
                resume, by=request.user, **form.cleaned_data
            )
        except services.JobError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The invitation is sent."))
            return redirect(invitation)
    name = resume.name_for(request.user.employer_id)
    context = {"form": form, "resume": resume, "name": name}
    return render(request, "jobs/invitation_form.html", context)


def _invitations_for(user):
    if user.is_employer_staff:
        return InterviewInvitation.objects.filter(posting__employer_id=user.employer_id)
    if user.is_seeker and hasattr(user, "person"):
        return InterviewInvitation.objects.filter(person=user.person)
    return InterviewInvitation.objects.none()


@login_required
def invitation_list(request):
    invitations = _invitations_for(request.user).select_related(
        "posting__employer", "person", "resume__person"
    )
    show = request.GET.get("show")
    if show != "all":
        invitations = invitations.filter(Q(status__in=["sent", "proposed", "accepted"]))
    invitations = list(invitations.order_by("scheduled_at"))
    known = set()
    if request.user.is_employer_staff:
        known = set(
            people_known_to(request.user.employer_id)
            .filter(pk__in=[invitation.person_id for invitation in invitations])
            .values_list("pk", flat=True)
        )
    context = {"invitations": invitations, "show": show, "known": known}
    return render(request, "jobs/invitation_list.html", context)


def _get_invitation(request, code):
    invitation = (
        _invitations_for(request.user)
        .select_related("posting__employer", "person", "resume")
        .filter(code=code)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


@login_required
def invitation_detail(request, code):
    invitation = _get_invitation(request, code)
    is_employer = request.user.is_employer_staff
    seeker_name = invitation.person.name
    if is_employer:
        seeker_name = invitation.resume.name_for(request.user.employer_id)
    context = {
        "invitation": invitation,
        "seeker_name": seeker_name,
        "events": invitation.events.all(),
        "is_employer": is_employer,
        "propose_form": ProposeTimeForm(prefix="propose"),
        "reschedule_form": RescheduleForm(prefix="reschedule"),
        "decline_form": NoteForm(prefix="decline"),
        "cancel_form": NoteForm(prefix="cancel"),
    }
    return render(request, "jobs/invitation_detail.html", context)


SEEKER_ACTIONS = {"accept", "decline", "propose"}
EMPLOYER_ACTIONS = {"accept_proposal", "reschedule", "cancel"}


@require_POST
@login_required
def invitation_respond(request, code, action):
    invitation = _get_invitation(request, code)
    allowed = EMPLOYER_ACTIONS if request.user.is_employer_staff else SEEKER_ACTIONS
    if action not in allowed:
        raise PermissionDenied
    forms = {"propose": ProposeTimeForm, "reschedule": RescheduleForm}
    form = forms.get(action, NoteForm)(request.POST, prefix=action)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(invitation)
    data, user = form.cleaned_data, request.user
    note = data.get("note", "")
    try:
        if action == "accept":
            services.accept_invitation(invitation, by=user)
        elif action == "decline":
            services.decline_invitation(invitation, by=user, note=note)
        elif action == "propose":
            services.propose_interview_time(
                invitation, by=user, proposed_at=data["proposed_at"], note=note
            )
        elif action == "accept_proposal":
            services.accept_proposed_time(invitation, by=user)
        elif action == "reschedule":
            services.reschedule_invitation(
                invitation, by=user, scheduled_at=data["scheduled_at"], note=note
            )
        else:
            services.cancel_invitation(invitation, by=user, note=note)
    except services.JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done. The other side has been told."))
    return redirect(invitation)

"""The caseworker's workbench: the review page of a case and the to-do home.

A case admin (a subsidy application, a registration, a posting to moderate …)
mixes in CaseworkMixin. Its change page then opens with a case panel: the
person's or employer's record, the app's automatic checks, the documents, the
history, and the decisions this user may take at the current step, each a POST
to an admin URL that calls the app's service and goes on to the next case of
the same queue. Each admin declares its queues (`case_queues`); install_todo()
makes the admin index list them as the user's to-do.

The core imports no app: whatever is particular to a case comes from the
admin's case_* methods and its Decision and Queue declarations.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.expressions import BaseExpression
from django.db.models.fields import DateField
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal import services
from portal.errors import PortalError
from portal.forms import ReasonForm
from portal.models import AuditEntry, Employer, Person
from portal.privacy import mask_phone
from portal.validators import validate_uscc

IMAGE_ENDINGS = (".jpg", ".jpeg", ".png")
# Permission to read full ID numbers and phones (roles in setup_roles).
FULL_IDENTITY = "portal.view_full_identity"


@dataclass(frozen=True)
class Fact:
    """One line of the person's or employer's record."""

    label: str
    value: str
    url: str = ""
    link_text: str = ""


@dataclass(frozen=True)
class Section:
    """A further block of facts on the case page, e.g. the other application a
    look-alike is compared with."""

    title: str
    facts: list[Fact]


@dataclass(frozen=True)
class Check:
    """An automatic check the app computed: passed, failed, or (None) a fact for
    the caseworker to weigh."""

    label: str
    passed: bool | None
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class Document:
    """An uploaded file, served by the app's permission-checked view."""

    name: str
    url: str

    @property
    def is_image(self) -> bool:
        return self.name.lower().endswith(IMAGE_ENDINGS)


@dataclass(frozen=True)
class Event:
    when: datetime.datetime
    who: str
    what: str
    detail: str = ""


@dataclass(frozen=True)
class NextStep:
    """What happens next, and why this user cannot do it (empty when they can)."""

    text: str
    refusal: str = ""


@dataclass(frozen=True)
class Decision:
    """A decision on one case: `service(case, by=user, **form fields)`.

    `permission` names the admin's has_<permission>_permission, as for
    service_action; `form_class` is asked first (a reason); `allowed(case,
    user)` says whether the decision is open at the case's current step."""

    name: str
    label: str
    service: Callable
    permission: str
    done: str
    form_class: type[forms.Form] | None = None
    allowed: Callable = lambda case, user: True
    danger: bool = False


@dataclass(frozen=True)
class Queue:
    """Cases that wait for a decision.

    `pending` narrows the admin's (scoped) queryset to the cases of the queue in
    the user's area; `at_level` narrows those to the cases waiting at the user's
    own level (all of them by default); `due` is the date expression by which a
    case is to be decided (None: the law sets no time limit), `since` the field
    it waits since. `permission` names the admin's permission to work the
    queue; other staff see its totals only. A queue worked many cases at once
    (by an action on the list) gives `list_query`: the to-do home then opens the
    admin's list with this query string instead of the first case."""

    name: str
    label: str
    pending: Callable[[QuerySet], QuerySet]
    permission: str
    at_level: Callable = lambda queryset, user: queryset
    due: BaseExpression | None = None
    since: str = "created_at"
    list_query: str = ""


@dataclass
class QueueSummary:
    model_admin: object
    queue: Queue
    mine: int = 0
    mine_overdue: int = 0
    area: int = 0
    area_overdue: int = 0
    first_url: str = ""
    first_due: datetime.date | None = None
    first_since: datetime.date | None = None
    read_only: bool = True
    opens_list: bool = False

    @property
    def label(self) -> str:
        return str(self.queue.label)

    @property
    def overdue(self) -> int:
        return self.area_overdue if self.read_only else self.mine_overdue

    @property
    def count(self) -> int:
        return self.area if self.read_only else self.mine

    @property
    def when(self) -> str:
        """The most urgent case's due date in days, or how long it has waited."""
        today = timezone.localdate()
        if self.first_due is not None:
            days = (self.first_due - today).days
            if days < 0:
                return ngettext(
                    "%(days)d day overdue", "%(days)d days overdue", -days
                ) % {"days": -days}
            if days == 0:
                return _("due today")
            return ngettext("due in %(days)d day", "due in %(days)d days", days) % {
                "days": days
            }
        if self.first_since is not None:
            days = (today - self.first_since).days
            if days == 0:
                return _("arrived today")
            return ngettext("waiting %(days)d day", "waiting %(days)d days", days) % {
                "days": days
            }
        return ""


def _local_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def actor_name(user) -> str:
    """Who did something, as the history shows it: never a seeker's user name,
    which is their ID number."""
    if user is None:
        return _("the system")
    if user.is_seeker:
        return _("the applicant")
    if user.is_employer_staff:
        return user.employer.name
    return user.get_full_name() or user.username


def audit_history(obj) -> list[Event]:
    """The case's audit entries, oldest first, with the reason given."""
    entries = (
        AuditEntry.objects.for_object(obj)
        .select_related("actor__employer")
        .order_by("created_at", "id")
    )
    return [
        Event(
            when=entry.created_at,
            who=actor_name(entry.actor),
            what=entry.action_label,
            detail=str(entry.data.get("reason") or entry.data.get("note") or ""),
        )
        for entry in entries
    ]


def person_record(person: Person, user) -> list[Fact]:
    """The person's record with ID number and phone masked; staff allowed to see
    them in full get the link to the audited reveal page."""
    record = [
        Fact(_("real name"), person.name),
        Fact(_("ID number"), person.masked_id_number),
        Fact(_("sex"), person.get_sex_display()),
        Fact(
            _("age"),
            _("%(age)d (born %(date)s)")
            % {"age": person.age(), "date": person.birth_date.isoformat()},
        ),
        Fact(_("mobile phone"), person.masked_phone or "—"),
        Fact(_("place of residence"), str(person.residence or "—")),
        Fact(_("education"), person.get_education_display() or "—"),
    ]
    categories = ", ".join(str(c) for c in person.difficulty_categories.all())
    if categories:
        record.append(Fact(_("employment difficulty"), categories))
    if user.has_perm(FULL_IDENTITY):
        record.append(
            Fact(
                _("full identity"),
                _("Each view is recorded in the audit trail."),
                url=reverse("admin:portal_person_reveal", args=[person.pk]),
                link_text=_("Show full ID number and phone"),
            )
        )
    return record


def employer_record(employer: Employer, user) -> list[Fact]:
    """The employer's record; the contact's phone masked unless the user may see
    it in full (as on the employer's own page)."""
    phone = employer.contact_phone
    return [
        Fact(_("employer name"), employer.name),
        Fact(_("unified social credit code"), employer.uscc),
        Fact(_("industry"), employer.get_industry_display() or "—"),
        Fact(_("located in"), str(employer.org_unit)),
        Fact(_("verification"), employer.get_verification_status_display()),
        Fact(_("contact person"), employer.contact_name),
        Fact(
            _("contact phone"),
            phone if user.has_perm(FULL_IDENTITY) else mask_phone(phone),
        ),
    ]


def licence_documents(employer: Employer) -> list[Document]:
    """The employer's business licence, through its permission-checked view."""
    if not employer.licence:
        return []
    return [
        Document(
            name=_("business licence") + "." + employer.licence.name.rsplit(".")[-1],
            url=reverse("employer_licence", args=[employer.pk]),
        )
    ]


def iso_date(value) -> str:
    """A date as narrow as a list column can show it (2026-12-07)."""
    value = _local_date(value)
    return value.isoformat() if value else "—"


class CaseworkMixin:
    """Gives a ModelAdmin the case panel on its change page, a decision URL
    per case and its queues for the to-do home. Put it before ScopedAdmin.

    The admin declares `case_decisions` (Decision), `case_queues` (Queue) and
    `case_error` (the app's exception), and may override the case_* methods."""

    change_form_template = "admin/casework/change_form.html"
    case_decisions: list[Decision] = []
    case_queues: list[Queue] = []
    case_error: type[Exception] = Exception

    @admin.display(description=gettext_lazy("area"), ordering="org_unit__code")
    def case_area(self, obj):
        """The case's org unit, under a label short enough for a list column."""
        return obj.org_unit.name

    # What the panel shows, filled in by each admin.

    def case_record(self, request, obj) -> list[Fact]:
        return []

    def case_sections(self, request, obj) -> list[Section]:
        return []

    def case_checks(self, request, obj) -> list[Check]:
        return []

    def case_documents(self, request, obj) -> list[Document] | None:
        """None when this kind of case has no uploads."""
        return None

    def case_history(self, request, obj) -> list[Event]:
        return audit_history(obj)

    def case_next_step(self, request, obj) -> NextStep:
        return NextStep("")

    def case_version(self, obj) -> str:
        """Changes with every decision: a decision posted from a page showing an
        older state (a second click, another tab) is refused."""
        return obj.updated_at.isoformat()

    # Decisions.

    def _url_name(self, what: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_{what}"

    def get_urls(self):
        decide = path(
            "<path:object_id>/decide/<slug:decision>/",
            self.admin_site.admin_view(self.decide_view),
            name=self._url_name("decide"),
        )
        return [decide, *super().get_urls()]

    def _may(self, request, decision: Decision) -> bool:
        return getattr(self, f"has_{decision.permission}_permission")(request)

    def open_decisions(self, request, obj) -> list[Decision]:
        """The decisions this user may take on the case at its current step."""
        return [
            decision
            for decision in self.case_decisions
            if self._may(request, decision) and decision.allowed(obj, request.user)
        ]

    def case_panel(self, request, obj) -> dict:
        url = f"admin:{self._url_name('decide')}"
        decisions = [
            {
                "decision": decision,
                "url": reverse(url, args=[obj.pk, decision.name]),
                "form": decision.form_class(prefix=decision.name)
                if decision.form_class
                else None,
            }
            for decision in self.open_decisions(request, obj)
        ]
        return {
            "next_step": self.case_next_step(request, obj),
            "decisions": decisions,
            "seen": self.case_version(obj),
            "record": self.case_record(request, obj),
            "sections": self.case_sections(request, obj),
            "checks": self.case_checks(request, obj),
            "documents": self.case_documents(request, obj),
            "history": self.case_history(request, obj),
        }

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = kwargs.get("obj")
        if change and obj is not None:
            context["case"] = self.case_panel(request, obj)
        return super().render_change_form(request, context, add, change, **kwargs)

    def decide_view(self, request, object_id, decision):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        chosen = next((d for d in self.case_decisions if d.name == decision), None)
        if chosen is None:
            raise Http404
        if not (self.has_view_permission(request, obj) and self._may(request, chosen)):
            raise PermissionDenied
        here = reverse(f"admin:{self._url_name('change')}", args=[obj.pk])
        if request.POST.get("seen") != self.case_version(obj):
            self.message_user(
                request,
                _("This case changed since the page was opened: nothing was decided."),
                messages.WARNING,
            )
            return redirect(here)
        if not chosen.allowed(obj, request.user):
            self.message_user(
                request,
                _("This decision is not open to you at this step."),
                messages.WARNING,
            )
            return redirect(here)
        fields = {}
        if chosen.form_class is not None:
            form = chosen.form_class(request.POST, prefix=chosen.name)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        self.message_user(request, error, messages.ERROR)
                return redirect(here)
            fields = form.cleaned_data
        queue = self.queue_of(request, obj)
        try:
            chosen.service(obj, by=request.user, **fields)
        except self.case_error as refusal:
            self.message_user(request, str(refusal), messages.WARNING)
            return redirect(here)
        self.message_user(request, chosen.done % {"case": obj}, messages.SUCCESS)
        return redirect(self.next_url(request, queue, obj))

    # Queues.

    def queue_cases(self, request, queue: Queue, *, mine: bool = True) -> QuerySet:
        """The queue's cases, the most urgent first: overdue, then by due date,
        then the longest waiting."""
        cases = queue.pending(self.get_queryset(request))
        if mine:
            cases = queue.at_level(cases, request.user)
        due = queue.due if queue.due is not None else Value(None, DateField())
        return cases.annotate(case_due=due).order_by(
            F("case_due").asc(nulls_last=True), queue.since, "pk"
        )

    def queue_of(self, request, obj) -> Queue | None:
        """The first of this admin's queues in which the case waits for the user."""
        for queue in self.case_queues:
            if self.queue_cases(request, queue).filter(pk=obj.pk).exists():
                return queue
        return None

    def next_url(self, request, queue: Queue | None, obj) -> str:
        """The next case of the queue at the user's level; the same case when it
        still waits for them and no other does; else the to-do home."""
        if queue is not None:
            cases = self.queue_cases(request, queue)
            following = cases.exclude(pk=obj.pk).first() or cases.first()
            if following is not None:
                return reverse(f"admin:{self._url_name('change')}", args=[following.pk])
        return reverse("admin:index")

    def queue_summary(self, request, queue: Queue) -> QueueSummary:
        today = timezone.localdate()
        overdue = Count("pk", filter=Q(case_due__lt=today))
        summary = QueueSummary(model_admin=self, queue=queue)
        area = self.queue_cases(request, queue, mine=False).order_by()
        totals = area.aggregate(total=Count("pk"), overdue=overdue)
        summary.area, summary.area_overdue = totals["total"], totals["overdue"]
        user = request.user
        summary.read_only = user.is_leader or not getattr(
            self, f"has_{queue.permission}_permission"
        )(request)
        if summary.read_only:
            # The area's most urgent case: shown, not linked.
            first = self.queue_cases(request, queue, mine=False).first()
        else:
            mine = self.queue_cases(request, queue)
            totals = mine.order_by().aggregate(total=Count("pk"), overdue=overdue)
            summary.mine, summary.mine_overdue = totals["total"], totals["overdue"]
            first = mine.first()
            if first is not None and queue.list_query:
                changelist = reverse(f"admin:{self._url_name('changelist')}")
                summary.first_url = f"{changelist}?{queue.list_query}"
                summary.opens_list = True
            elif first is not None:
                summary.first_url = reverse(
                    f"admin:{self._url_name('change')}", args=[first.pk]
                )
        if first is not None:
            summary.first_due = first.case_due
            summary.first_since = _local_date(getattr(first, queue.since))
        return summary


def todo(site, request) -> list[QueueSummary]:
    """Every queue the user may see: overdue first, then by the nearest due
    date, then by the longest wait, then the fullest."""
    summaries = [
        model_admin.queue_summary(request, queue)
        for model_admin in site._registry.values()
        if isinstance(model_admin, CaseworkMixin)
        and model_admin.has_view_permission(request)
        for queue in model_admin.case_queues
    ]

    def urgency(summary):
        last = datetime.date.max
        since = summary.first_since or last
        return (-summary.overdue, summary.first_due or last, since, -summary.count)

    return sorted(summaries, key=urgency)


def install_todo(site) -> None:
    """The admin index becomes the to-do home: the user's queues above the list
    of models."""
    index = site.index

    def todo_index(request, extra_context=None):
        context = {
            **(extra_context or {}),
            "todo": todo(site, request),
            "todo_leader": request.user.is_leader,
        }
        return index(request, context)

    site.index_template = "admin/casework/index.html"
    site.index = todo_index


def _unverified(employer, user) -> bool:
    return employer.verification_status == Employer.Verification.PENDING


def _verifiable(employer, user) -> bool:
    return _unverified(employer, user) and bool(employer.licence)


class EmployerCasework(CaseworkMixin):
    """Employer verification as a case: the licence beside the record, the
    checks verify_employer makes, verify or reject with a reason."""

    case_error = PortalError
    case_queues = [
        Queue(
            name="verify",
            label=gettext_lazy("Employers to verify"),
            pending=lambda queryset: queryset.filter(
                verification_status=Employer.Verification.PENDING
            ),
            permission="verify",
        )
    ]
    case_decisions = [
        Decision(
            name="verify",
            label=gettext_lazy("Verify the employer"),
            service=services.verify_employer,
            permission="verify",
            done=gettext_lazy("%(case)s: verified."),
            allowed=_verifiable,
        ),
        Decision(
            name="reject",
            label=gettext_lazy("Reject with a reason"),
            service=services.reject_employer,
            permission="verify",
            done=gettext_lazy("%(case)s: rejected."),
            form_class=ReasonForm,
            allowed=_unverified,
            danger=True,
        ),
    ]

    def case_record(self, request, obj):
        return employer_record(obj, request.user)

    def case_checks(self, request, obj):
        try:
            validate_uscc(obj.uscc)
        except ValidationError as error:
            code = Check(_("Credit code"), False, " ".join(error.messages))
        else:
            code = Check(_("Credit code"), True, obj.uscc)
        licence = Check(_("Business licence on file"), bool(obj.licence))
        return [code, licence]

    def case_documents(self, request, obj):
        return licence_documents(obj)

    def case_next_step(self, request, obj):
        if obj.verification_status != Employer.Verification.PENDING:
            return NextStep(
                _("None: %(status)s.")
                % {"status": obj.get_verification_status_display()}
            )
        refusal = (
            ""
            if self.has_verify_permission(request)
            else _("You may not verify employers.")
        )
        text = _("Verify against the licence, or reject with a reason.")
        return NextStep(text, refusal)

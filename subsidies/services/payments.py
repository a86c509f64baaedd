"""Disbursement (拨付): approved applications are paid in batches; each payment is a
ledger row whose period can never be paid twice. Cross-type rules are checked
again here, just before the money moves."""

import csv
import datetime
import io
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.exports import safe_row
from portal.models import Person, User
from subsidies.eligibility import month_refusals
from subsidies.errors import SubsidyError
from subsidies.models import Application, DisbursementBatch, Payment
from subsidies.rules import double_claim_refusals
from subsidies.services.chain import claim_months, tell_applicant
from subsidies.services.duplicates import is_held

CENT = Decimal("0.01")
CSV_COLUMNS = ["序号", "收款人", "证件号码", "补贴项目", "金额", "申请编号"]


def payment_refusals(application: Application) -> list[str]:
    """Rules across types, checked again before paying (docs/subsidies.md,
    "Double claims"), against the person's applications with a pending or made
    payment."""
    if application.person_id is None:
        return []
    paying = Application.objects.filter(
        person=application.person,
        payments__status__in=[Payment.Status.PENDING, Payment.Status.PAID],
    ).distinct()
    return month_refusals(application) + double_claim_refusals(application, paying)


@transaction.atomic
def create_batch(applications, *, by: User) -> tuple[DisbursementBatch, dict]:
    """A batch of the approved applications given that pass the checks; the others
    are left for a caseworker to review, with the reason. Returns the batch and
    {application: reason} for those left out."""
    if not by.has_perm("portal.view_full_identity"):
        raise SubsidyError(_("Only staff allowed to see full ID numbers pay."))
    batch = DisbursementBatch.objects.create(total=0, created_by=by)
    held = {}
    total = 0
    queue = (
        Application.objects.filter(
            pk__in=[a.pk for a in applications], status=Application.Status.APPROVED
        )
        .select_for_update(of=("self",))
        .select_related("person", "employer", "subsidy_type", "version")
        .prefetch_related("subsidy_type__excludes", "subsidy_type__same_item")
        .order_by("pk")
    )
    queue = list(queue)
    # Two batches at once must not pay one person twice across types: lock the
    # people first, in a fixed order (no deadlocks), as submission does.
    people = sorted({a.person_id for a in queue if a.person_id is not None})
    list(Person.objects.select_for_update().filter(pk__in=people).order_by("pk"))
    for application in queue:
        reasons = payment_refusals(application)
        if is_held(application):
            reasons.append(_("A suspected duplicate waits for review."))
        if reasons:
            held[application] = " ".join(reasons)
            continue
        start, end = application.period()
        try:
            with transaction.atomic():
                # Approved before the ledger existed: claimed now, or held.
                claim_months(application)
                Payment.objects.create(
                    batch=batch,
                    application=application,
                    person=application.person,
                    employer=application.employer,
                    subsidy_type=application.subsidy_type,
                    amount=application.amount,
                    period_start=start,
                    period_end=end,
                )
        except IntegrityError:
            held[application] = _("This period or application is already paid.")
            continue
        except SubsidyError as error:
            held[application] = str(error)
            continue
        total += application.amount
    if total == 0 and not batch.payments.exists():
        raise SubsidyError(
            _("Nothing to pay: %(held)s") % {"held": "；".join(held.values())}
        )
    batch.total = total
    batch.save(update_fields=["total", "updated_at"])
    audit(by, "subsidies.batch.created", batch, {"total": str(total)})
    return batch, held


def batch_csv(batch: DisbursementBatch) -> str:
    """The file for the bank or the social-security card system (UTF-8 with BOM)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(safe_row(CSV_COLUMNS))
    payments = batch.payments.select_related(
        "person", "employer", "subsidy_type", "application"
    )
    for number, payment in enumerate(payments, start=1):
        writer.writerow(
            safe_row(
                [
                    number,
                    payment.payee_name,
                    payment.payee_number,
                    payment.subsidy_type.name,
                    payment.amount.quantize(CENT),
                    payment.application.code,
                ]
            )
        )
    return out.getvalue()


@transaction.atomic
def settle_payment(
    payment: Payment,
    *,
    paid: bool,
    by: User,
    reason: str = "",
    paid_on: datetime.date | None = None,
):
    """The bank's answer for one payment: paid on the bank's date (today unless
    given), or failed and back in the queue (the application stays approved for
    the next batch)."""
    payment = (
        Payment.objects.select_for_update()
        .select_related("application")
        .get(pk=payment.pk)
    )
    if payment.status != Payment.Status.PENDING:
        raise SubsidyError(_("This payment is already settled."))
    payment.status = Payment.Status.PAID if paid else Payment.Status.FAILED
    payment.failure_reason = "" if paid else reason
    payment.paid_on = (paid_on or timezone.localdate()) if paid else None
    payment.save(update_fields=["status", "failure_reason", "paid_on", "updated_at"])
    if paid:
        application = payment.application
        application.status = Application.Status.PAID
        application.save(update_fields=["status", "updated_at"])
        tell_applicant(application)
    audit(
        by,
        "subsidies.payment.settled",
        payment,
        {"paid": paid, "reason": reason, "paid_on": str(payment.paid_on or "")},
    )
    batch = DisbursementBatch.objects.select_for_update().get(pk=payment.batch_id)
    if not batch.payments.filter(status=Payment.Status.PENDING).exists():
        batch.status = DisbursementBatch.Status.SETTLED
        batch.save(update_fields=["status", "updated_at"])
    return payment

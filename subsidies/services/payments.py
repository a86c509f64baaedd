"""Disbursement (拨付): approved applications are paid in batches; each payment is a
ledger row whose period can never be paid twice. Cross-type rules are checked
again here, just before the money moves."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.models import Person, User
from subsidies import bank_files
from subsidies.eligibility import month_refusals
from subsidies.errors import SubsidyError
from subsidies.models import Application, DisbursementBatch, PayeeAccount, Payment
from subsidies.rules import double_claim_refusals
from subsidies.services.chain import claim_months, tell_applicant
from subsidies.services.duplicates import is_held


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
        .select_related(
            "person", "employer", "subsidy_type", "version", "payee_account"
        )
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
        account = application.payee_account or PayeeAccount.objects.on_file(application)
        if account is None:
            reasons.append(
                _(
                    "No account to pay into: the applicant gives one on the "
                    "application's page."
                )
            )
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
                    account=account,
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


def batch_csv(batch: DisbursementBatch) -> bytes:
    """The batch file for the bank, without recording a download: for
    benchmarks and tests (docs/subsidy-disbursement.md, "The bank file")."""
    return bank_files.batch_file(batch)


def download_bank_file(batch: DisbursementBatch, *, by: User) -> tuple[str, bytes]:
    """The batch file's name and content for a caseworker to send to the bank;
    every download is in the audit trail (who and when)."""
    if not by.has_perm("portal.view_full_identity"):
        raise SubsidyError(_("Only staff allowed to see full ID numbers pay."))
    content = bank_files.batch_file(batch)
    audit(
        by,
        "subsidies.batch.file_downloaded",
        batch,
        {"file": batch.file_name, "bytes": len(content)},
    )
    return batch.file_name, content


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


def bank_result_problems(
    batch: DisbursementBatch, lines: list[bank_files.ResultLine]
) -> list[tuple[int, str]]:
    """Why lines of a result file do not fit the batch, as (line, problem): a
    reference that is no payment of the batch, another amount, a payment the
    bank has answered for already, a payment date before the batch."""
    wanted = [Payment.pk_from_reference(line.reference) for line in lines]
    payments = {
        payment.reference: payment
        for payment in batch.payments.filter(pk__in=[pk for pk in wanted if pk])
    }
    made_on = timezone.localdate(batch.created_at)
    problems = []
    for line in lines:
        payment = payments.get(line.reference)
        params = {"line": line.line, "reference": line.reference}
        if payment is None:
            message = _("Line %(line)d: %(reference)s is no payment of this batch.")
        elif payment.amount != line.amount:
            message = _(
                "Line %(line)d: %(reference)s pays %(amount)s yuan, not %(given)s."
            )
            params |= {"amount": payment.amount, "given": line.amount}
        elif payment.status != Payment.Status.PENDING:
            message = _("Line %(line)d: %(reference)s is already settled (%(status)s).")
            params["status"] = payment.get_status_display()
        elif line.paid and line.paid_on < made_on:
            message = _(
                "Line %(line)d: the bank cannot have paid on %(date)s, before the "
                "batch was made."
            )
            params["date"] = line.paid_on.isoformat()
        else:
            continue
        problems.append((line.line, message % params))
    return problems


@transaction.atomic
def settle_from_bank_file(
    batch: DisbursementBatch,
    result: bank_files.ResultFile,
    *,
    by: User,
    file_name: str = "",
) -> dict:
    """The bank's result file for a batch (回盘), all or nothing: when any line
    is malformed or does not fit the batch (bank_result_problems), nothing is
    recorded and SubsidyError lists every problem by line; else each payment is
    settled as settle_payment does (a failed one's application goes back to the
    queue). The batch stays locked throughout, so the same file imported twice
    at once settles once. Returns the counts paid and failed."""
    batch = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
    problems = sorted(result.problems + bank_result_problems(batch, result.lines))
    if problems:
        raise SubsidyError(
            _("Nothing was recorded: correct these lines and import the file again."),
            problems=[problem for _line, problem in problems],
        )
    payments = {
        payment.reference: payment
        for payment in batch.payments.filter(status=Payment.Status.PENDING)
    }
    for line in result.lines:
        settle_payment(
            payments[line.reference],
            paid=line.paid,
            by=by,
            reason=line.reason,
            paid_on=line.paid_on,
        )
    counts = {
        "paid": sum(line.paid for line in result.lines),
        "failed": sum(not line.paid for line in result.lines),
    }
    audit(by, "subsidies.batch.result_imported", batch, {"file": file_name, **counts})
    return counts

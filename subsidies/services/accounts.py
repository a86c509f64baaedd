"""The accounts subsidies are paid into: given with an application, kept per
payee, changed on an application until it is paid
(docs/subsidy-disbursement.md, "The payee's account")."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit
from portal.models import Employer, Person, User
from subsidies.errors import SubsidyError
from subsidies.models import Application, PayeeAccount, Payment


def save_payee_account(
    application: Application, account: PayeeAccount, *, by: User | None
) -> PayeeAccount:
    """The account given for an application's payee, checked and kept; the same
    account given again is the row already on file. The holder's name (户名) is
    the payee's name now."""
    if application.employer_id:
        account.person, account.employer = None, application.employer
        payee = Employer.objects.filter(pk=application.employer_id)
    else:
        account.person, account.employer = application.person, None
        payee = Person.objects.filter(pk=application.person_id)
    account.holder = payee.values_list("name", flat=True).get()
    try:
        account.full_clean(exclude=["created_by"])
    except ValidationError as error:
        raise SubsidyError(" ".join(error.messages)) from error
    on_file = PayeeAccount.objects.on_file(application)
    if on_file is not None and on_file.same_as(account):
        return on_file
    account.pk = None
    account.created_by = by
    account.save()
    audit(
        by,
        "subsidies.account.given",
        account,
        {"kind": account.kind, "bank": account.bank, "number": account.masked_number},
    )
    return account


@transaction.atomic
def change_payee_account(
    application: Application, account: PayeeAccount, *, by: User
) -> Application:
    """The applicant gives another account for an application not yet paid, for
    instance after the bank could not pay into the first (closed, frozen). Not
    while a payment is with the bank: its answer comes first."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("person", "employer", "payee_account")
        .get(pk=application.pk)
    )
    if not application.is_open:
        raise SubsidyError(
            _("The account can be changed only until the subsidy is paid.")
        )
    if application.payments.filter(status=Payment.Status.PENDING).exists():
        raise SubsidyError(
            _(
                "A payment of this subsidy is with the bank: the account can be "
                "changed once the bank has answered."
            )
        )
    before = application.payee_account
    application.payee_account = save_payee_account(application, account, by=by)
    application.save(update_fields=["payee_account", "updated_at"])
    audit(
        by,
        "subsidies.application.account_changed",
        application,
        {"from": str(before or ""), "to": str(application.payee_account)},
    )
    return application

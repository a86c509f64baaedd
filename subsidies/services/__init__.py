"""Every write in the subsidies app, with audit and notifications. Callers use
`from subsidies import services` and `services.<name>`."""

from subsidies.errors import SubsidyError
from subsidies.services.accounts import change_payee_account, save_payee_account
from subsidies.services.applications import (
    compute_amount,
    preview_application,
    rate_application,
    resubmit_application,
    submission_refusals,
    submit_application,
    withdraw_application,
)
from subsidies.services.catalogue import save_catalogue_entry, save_versions
from subsidies.services.chain import (
    accept_application,
    approve_application,
    check_decider,
    pass_step,
    raise_objection,
    refuse_application,
    resolve_objection,
    return_application,
    tell_applicant,
    working_days_after,
)
from subsidies.services.duplicates import flag_duplicates, is_held, resolve_suspect
from subsidies.services.outreach import (
    eligible_employers,
    eligible_people,
    find_eligible_employers,
    find_eligible_people,
)
from subsidies.services.payments import (
    batch_csv,
    create_batch,
    download_bank_file,
    payment_refusals,
    settle_from_bank_file,
    settle_payment,
)
from subsidies.services.refunds import (
    compute_refunds,
    refund_refusals,
    refund_types,
    size_class,
)

__all__ = [
    "SubsidyError",
    "accept_application",
    "approve_application",
    "batch_csv",
    "change_payee_account",
    "check_decider",
    "compute_amount",
    "compute_refunds",
    "create_batch",
    "download_bank_file",
    "eligible_employers",
    "eligible_people",
    "find_eligible_employers",
    "find_eligible_people",
    "flag_duplicates",
    "is_held",
    "pass_step",
    "payment_refusals",
    "preview_application",
    "raise_objection",
    "rate_application",
    "refund_refusals",
    "refund_types",
    "refuse_application",
    "resolve_objection",
    "resolve_suspect",
    "resubmit_application",
    "return_application",
    "save_catalogue_entry",
    "save_versions",
    "save_payee_account",
    "settle_from_bank_file",
    "settle_payment",
    "size_class",
    "submission_refusals",
    "submit_application",
    "tell_applicant",
    "withdraw_application",
    "working_days_after",
]

from subsidies.models.accounts import (
    BANK_NAMES,
    Bank,
    PayeeAccount,
    PayeeAccountQuerySet,
    clean_account_number,
    mask_account,
)
from subsidies.models.applications import (
    Application,
    ApplicationDocument,
    ApplicationQuerySet,
    Decision,
    DuplicateSuspect,
    Objection,
    Outreach,
    document_upload_to,
)
from subsidies.models.catalogue import (
    SKILL_LEVELS,
    Eligibility,
    PolicyVersion,
    PolicyVersionQuerySet,
    SubsidyType,
    version_box,
)
from subsidies.models.disbursement import (
    ClaimedPeriod,
    DisbursementBatch,
    Payment,
    paid_period_box,
)
from subsidies.models.insurance import InsuranceYear

__all__ = [
    "BANK_NAMES",
    "Bank",
    "PayeeAccount",
    "PayeeAccountQuerySet",
    "clean_account_number",
    "mask_account",
    "Application",
    "ApplicationDocument",
    "ApplicationQuerySet",
    "ClaimedPeriod",
    "Decision",
    "DisbursementBatch",
    "DuplicateSuspect",
    "Eligibility",
    "InsuranceYear",
    "Objection",
    "Outreach",
    "Payment",
    "PolicyVersion",
    "PolicyVersionQuerySet",
    "SKILL_LEVELS",
    "SubsidyType",
    "document_upload_to",
    "paid_period_box",
    "version_box",
]

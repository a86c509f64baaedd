from subsidies.views.applications import (
    application_account,
    application_detail,
    application_list,
    application_new,
    application_rate,
    application_resubmit,
    application_withdraw,
    document_download,
)
from subsidies.views.public import (
    notice_list,
    objection_new,
    paid_list,
    subsidy_detail,
    subsidy_list,
)

__all__ = [
    "application_account",
    "application_detail",
    "application_list",
    "application_new",
    "application_rate",
    "application_resubmit",
    "application_withdraw",
    "document_download",
    "notice_list",
    "objection_new",
    "paid_list",
    "subsidy_detail",
    "subsidy_list",
]

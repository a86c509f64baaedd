"""Every write in the registration app, with audit and notifications. Callers use
`from registration import services` and `services.<name>`."""

from registration.errors import HiresRefused, RegistrationError
from registration.services.certificates import issue_certificate
from registration.services.employed_changes import (
    compact_employed_changes,
    rebuild_employed_changes,
)
from registration.services.employment import (
    Hire,
    end_employment,
    end_employments,
    register_hires,
    register_self_employment,
)
from registration.services.imports import (
    import_inbox_files,
    queue_insurance_import,
    resume_interrupted_imports,
    run_insurance_import,
)
from registration.services.recognitions import (
    apply_for_recognition,
    approve_recognition,
    category_refusals,
    check_recognition_decider,
    exit_recognition,
    refuse_recognition,
    resubmit_recognition,
    return_recognition,
    start_recognition_notice,
)
from registration.services.settings import save_local_setting
from registration.services.unemployment import (
    accept_unemployment,
    apply_for_unemployment,
    cancel_unemployment,
    flag_lost_contact,
    record_contact,
    resubmit_unemployment,
    return_unemployment,
    unemployment_refusals,
    withdraw_unemployment,
)

__all__ = [
    "Hire",
    "HiresRefused",
    "RegistrationError",
    "accept_unemployment",
    "apply_for_recognition",
    "apply_for_unemployment",
    "approve_recognition",
    "cancel_unemployment",
    "category_refusals",
    "check_recognition_decider",
    "compact_employed_changes",
    "end_employment",
    "end_employments",
    "exit_recognition",
    "flag_lost_contact",
    "import_inbox_files",
    "issue_certificate",
    "queue_insurance_import",
    "rebuild_employed_changes",
    "record_contact",
    "refuse_recognition",
    "register_hires",
    "register_self_employment",
    "resubmit_recognition",
    "resume_interrupted_imports",
    "resubmit_unemployment",
    "return_recognition",
    "return_unemployment",
    "run_insurance_import",
    "save_local_setting",
    "start_recognition_notice",
    "unemployment_refusals",
    "withdraw_unemployment",
]

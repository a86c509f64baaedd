from registration.views.certificates import (
    certificate_detail,
    certificate_pdf,
    certificate_verify,
    recognition_notices,
)
from registration.views.employers import (
    employee_list,
    hire_new,
    hire_upload,
    separation_file,
)
from registration.views.people import (
    employment_end,
    recognition_apply,
    recognition_detail,
    registration_home,
    self_employment_new,
    unemployment_apply,
    unemployment_detail,
    unemployment_edit,
    unemployment_still_looking,
    unemployment_withdraw,
)

__all__ = [
    "certificate_detail",
    "certificate_pdf",
    "certificate_verify",
    "employee_list",
    "employment_end",
    "hire_new",
    "hire_upload",
    "recognition_apply",
    "recognition_detail",
    "recognition_notices",
    "registration_home",
    "self_employment_new",
    "separation_file",
    "unemployment_apply",
    "unemployment_detail",
    "unemployment_edit",
    "unemployment_still_looking",
    "unemployment_withdraw",
]

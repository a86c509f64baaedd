"""Checks for the identifiers every registry keys on (docs/identifiers.md).

python-stdnum computes the check characters and birth dates. Its `validate()` is not
used as a whole: `cn.ric` rejects people born before their area code was created (all
five Foshan district codes date from 2002) and accepts birth dates in the future, and
`cn.uscc` rejects registration authorities A, N and Y. So we combine its helpers with
the rules' own format checks.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

MINIMUM_WORKING_AGE = 16
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def normalize_id_number(value: str) -> str:
    return ric.compact(value or "")


def validate_id_number(value: str) -> str:
    """Return the normalised 18-character ID number or raise a clear ValidationError."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="format"
        )
    try:
        birth_date = ric.get_birth_date(number)
    except StdnumError:
        raise ValidationError(
            _("The birth date in this ID number is not a real date."),
            code="birth_date",
        ) from None
    if birth_date > timezone.localdate():
        raise ValidationError(
            _("The birth date in this ID number is in the future."), code="future"
        )
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(
            _("This ID number's check character is wrong; please check each digit."),
            code="checksum",
        )
    return number


def birth_date_from_id(number: str) -> datetime.date:
    return ric.get_birth_date(number)


def sex_from_id(number: str) -> str:
    """'M' or 'F': the 17th digit is odd for men, even for women (GB 11643)."""
    return "M" if int(number[16]) % 2 else "F"


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (or earlier); 29 February becomes 1 March in a
    year without it, as a birthday does."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def validate_working_age(number: str) -> None:
    """Sign-up and registration need a person of at least 16
    (docs/registration.md, "Working age")."""
    if age_on(birth_date_from_id(number), timezone.localdate()) < MINIMUM_WORKING_AGE:
        raise ValidationError(
            _("Registration is open to people aged %(age)d and over."),
            code="too_young",
            params={"age": MINIMUM_WORKING_AGE},
        )


def normalize_uscc(value: str) -> str:
    return uscc.compact(value or "")


def validate_uscc(value: str) -> str:
    """Return the normalised unified social credit code or raise a ValidationError."""
    number = normalize_uscc(value)
    if len(number) != 18:
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters; "
                "this one has %(count)d."
            ),
            code="length",
            params={"count": len(number)},
        )
    if not USCC_PATTERN.match(number):
        raise ValidationError(
            _(
                "A unified social credit code uses digits and capital letters "
                "except I, O, Z, S and V, with digits in positions 3 to 8."
            ),
            code="format",
        )
    if uscc.calc_check_digit(number) != number[17]:
        raise ValidationError(
            _("This credit code's check character is wrong; please check it."),
            code="checksum",
        )
    return number


def validate_phone(value: str) -> str:
    number = re.sub(r"[\s-]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    if not PHONE_PATTERN.match(number):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, e.g. 13800138000."),
            code="phone",
        )
    return number

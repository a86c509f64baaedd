import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from portal.validators import (
    validate_id_number,
    validate_phone,
    validate_uscc,
    validate_working_age,
)
from tests.factories import id_number


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "440524188001010014", "513101198201130014"],
)
def test_valid_id_numbers_from_the_rules_are_accepted(number):
    assert validate_id_number(number) == number


def test_lower_case_x_and_spaces_are_normalised():
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_foshan_district_code_older_than_the_district_is_accepted():
    # python-stdnum alone rejects 440604 for people born before 2002.
    number = id_number(area="440604", birth="19650315")
    assert validate_id_number(number) == number


def _code(error):
    return error.value.error_list[0].code


def test_bad_check_character_is_rejected():
    with pytest.raises(ValidationError) as error:
        validate_id_number("110105194912310021")
    assert _code(error) == "checksum"


def test_impossible_birth_date_is_rejected():
    with pytest.raises(ValidationError) as error:
        validate_id_number(id_number(birth="19900231"))
    assert _code(error) == "birth_date"


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0))
def test_birth_date_in_the_future_is_rejected():
    with pytest.raises(ValidationError) as error:
        validate_id_number(id_number(birth="20270101"))
    assert _code(error) == "future"


def test_wrong_length_says_how_many_characters():
    with pytest.raises(ValidationError) as error:
        validate_id_number("44060419900101")
    assert "14" in str(error.value.messages[0])


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0))
def test_under_sixteen_cannot_register():
    with pytest.raises(ValidationError) as error:
        validate_working_age(id_number(birth="20101124"))
    assert _code(error) == "too_young"
    validate_working_age(id_number(birth="20101123"))  # sixteen today


def test_valid_credit_code_is_accepted_and_normalised():
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4A", "checksum"),
        ("91310115MA1G4L1WXK", "checksum"),
        ("91350100M000100", "length"),
        ("91350100M00010OY43", "format"),  # letter O is not allowed
    ],
)
def test_invalid_credit_codes_are_rejected(code, reason):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert _code(error) == reason


def test_phone_numbers_are_normalised_and_checked():
    assert validate_phone("+86 138-0013-8000") == "13800138000"
    with pytest.raises(ValidationError):
        validate_phone("12800138000")

import datetime

import pytest

from stats.periods import Period, recent_periods


def test_periods_parse_and_step_back():
    month = Period.parse("2026-03")
    assert (month.start, month.end) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
    )
    assert month.previous().slug == "2026-02" and month.year_before().slug == "2025-03"
    quarter = Period.parse("2026-Q1")
    assert quarter.end == datetime.date(2026, 3, 31)
    assert quarter.previous().slug == "2025-Q4"
    year = Period.parse("2024")
    assert year.end == datetime.date(2024, 12, 31) and year.previous().slug == "2023"
    assert Period.containing("quarter", datetime.date(2026, 11, 24)).slug == "2026-Q4"
    for bad in ("2026-13", "2026-Q5", "26", "x", "0001-01"):
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_recent_periods_cover_the_trends():
    periods = recent_periods(datetime.date(2026, 11, 24))
    assert [p.slug for p in periods if p.kind == "quarter"] == [
        "2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4"
    ]  # fmt: skip
    assert len(periods) == 13 + 5 + 2

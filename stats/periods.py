"""Reporting periods: a month, a quarter or a year, named by its kind and first day
("2026-11", "2026-Q4", "2026" in URLs)."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KINDS = [MONTH, QUARTER, YEAR]
MONTHS_IN = {MONTH: 1, QUARTER: 3, YEAR: 12}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    start: datetime.date

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> "Period":
        if kind == MONTH:
            return cls(kind, day.replace(day=1))
        if kind == QUARTER:
            return cls(kind, datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        return cls(kind, datetime.date(day.year, 1, 1))

    @classmethod
    def parse(cls, text: str) -> "Period":
        """ "2026-11", "2026-Q4" or "2026", years 2000–2099; ValueError for
        anything else."""
        if not text.startswith("20"):
            raise ValueError(text)
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12:
                return cls(MONTH, datetime.date(year, month, 1))
        elif match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            return cls(QUARTER, datetime.date(int(match[1]), int(match[2]) * 3 - 2, 1))
        elif re.fullmatch(r"\d{4}", text):
            return cls(YEAR, datetime.date(int(text), 1, 1))
        raise ValueError(text)

    @property
    def end(self) -> datetime.date:
        """The last day."""
        return _add_months(self.start, MONTHS_IN[self.kind]) - datetime.timedelta(1)

    @property
    def slug(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        return str(self.start.year)

    def label(self) -> str:
        if self.kind == MONTH:
            return _("%(year)d-%(month)02d") % {
                "year": self.start.year,
                "month": self.start.month,
            }
        if self.kind == QUARTER:
            return _("Q%(quarter)d %(year)d") % {
                "year": self.start.year,
                "quarter": (self.start.month + 2) // 3,
            }
        return _("%(year)d") % {"year": self.start.year}

    def previous(self) -> "Period":
        """The period before (环比)."""
        return Period(self.kind, _add_months(self.start, -MONTHS_IN[self.kind]))

    def year_before(self) -> "Period":
        """The same period a year before (同比)."""
        return Period(self.kind, self.start.replace(year=self.start.year - 1))

    def trend(self, count: int = 13) -> list["Period"]:
        """The `count` periods ending with this one, oldest first (the trends;
        13 covers the previous period and the same period a year before)."""
        periods = [self]
        while len(periods) < count:
            periods.insert(0, periods[0].previous())
        return periods

    def is_over(self, today: datetime.date) -> bool:
        return self.end < today


def recent_periods(today: datetime.date) -> list[Period]:
    """What the dashboard's trends and comparisons need: the last 13 months, 5
    quarters and 2 years, the current ones included."""
    periods = []
    for kind, count in ((MONTH, 13), (QUARTER, 5), (YEAR, 2)):
        period = Period.containing(kind, today)
        for _step in range(count):
            periods.append(period)
            period = period.previous()
    return periods

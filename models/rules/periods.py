"""UK financial years (1 April to 31 March, labelled 2024/25) and their quarters."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}
DUE_DAYS_AFTER_QUARTER_END = 20
_YEAR_LABEL = re.compile(r"^(\d{4})/(\d{2})$")
FIRST_YEAR, LAST_YEAR = 1900, 2998  # the financial years a label may name


def financial_year_of(day: dt.date) -> int:
    """The start year of the financial year containing `day` (2024 for 2024/25)."""
    return day.year if day.month >= 4 else day.year - 1


def quarter_of(day: dt.date) -> int:
    return (day.month - 4) % 12 // 3 + 1


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def parse_year_label(label: str) -> int:
    """'2024/25' -> 2024. Raises ValueError with a plain-English message."""
    match = _YEAR_LABEL.match(label.strip())
    if not match:
        raise ValueError(f"'{label}' is not a financial year; write it like 2024/25.")
    start = int(match.group(1))
    if (start + 1) % 100 != int(match.group(2)):
        raise ValueError(f"'{label}' is not a financial year; the years must follow on, like 2024/25.")
    if not FIRST_YEAR <= start <= LAST_YEAR:
        # Past this the calendar runs out (9999/00's due dates fall in the year 10000).
        raise ValueError(f"'{label}' is not a financial year the monitor holds; write one from "
                         f"{year_label(FIRST_YEAR)} to {year_label(LAST_YEAR)}.")
    return start


def quarter_label(year: int, quarter: int) -> str:
    return f"Q{quarter} {year_label(year)}"


def parse_quarter(text: str) -> int | None:
    """'Q2' -> 2, 'year' -> None."""
    value = text.strip().lower()
    if value == "year":
        return None
    if value in {"q1", "q2", "q3", "q4"}:
        return int(value[1])
    raise ValueError(f"'{text}' is not a quarter; use Q1, Q2, Q3, Q4 or year.")


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @property
    def start(self) -> dt.date:
        first, _ = QUARTER_MONTHS[self.quarter]
        return dt.date(self.year + (self.quarter == 4), first, 1)

    @property
    def end(self) -> dt.date:
        _, last = QUARTER_MONTHS[self.quarter]
        calendar_year = self.year + (self.quarter == 4)
        return dt.date(calendar_year, last, calendar.monthrange(calendar_year, last)[1])

    @property
    def default_due_date(self) -> dt.date:
        return self.end + dt.timedelta(days=DUE_DAYS_AFTER_QUARTER_END)

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    def previous(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.quarter - 1)

    def next(self) -> Quarter:
        if self.quarter == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.quarter + 1)

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(financial_year_of(day), quarter_of(day))


class HasDueDate(Protocol):
    """A period row, or anything else that carries a due date."""

    @property
    def due_date(self) -> dt.date: ...


# The calendar's rules: one home, used by every table, page, export and list.


def due_date_of(quarter: Quarter, period: HasDueDate | None = None) -> dt.date:
    """A quarter's due date: its period row's when one exists, else the default (the 20th
    day after the quarter ends) — so a quarter falls due whether or not a row was made."""
    return period.due_date if period is not None else quarter.default_due_date


def is_due(quarter: Quarter, today: dt.date, period: HasDueDate | None = None) -> bool:
    """Due from its due date, inclusive: on the day itself a quarter is due."""
    return today >= due_date_of(quarter, period)


def is_overdue(quarter: Quarter, today: dt.date, period: HasDueDate | None = None) -> bool:
    """Past its due date: from the day after, a return not in is late."""
    return today > due_date_of(quarter, period)


def quarters_due(year: int, today: dt.date,
                 periods: Mapping[int, HasDueDate] | None = None) -> list[int]:
    """The quarters (1–4) of a financial year that are due by `today`; `periods` maps a
    quarter to its period row where one exists."""
    rows = periods or {}
    return [q for q in (1, 2, 3, 4) if is_due(Quarter(year, q), today, rows.get(q))]


def year_is_due(year: int, today: dt.date,
                periods: Mapping[int, HasDueDate] | None = None) -> bool:
    """A year is due once its first quarter is due."""
    return is_due(Quarter(year, 1), today, (periods or {}).get(1))


def latest_due(today: dt.date, periods: Mapping[tuple[int, int], HasDueDate] | None = None,
               look_back: int = 8) -> Quarter:
    """The most recent quarter due by `today` (the one a meeting reviews); `periods` maps
    (year, quarter) to period rows. Looks back `look_back` quarters before giving the one
    before today's."""
    rows = periods or {}
    candidate = Quarter.containing(today)
    for _ in range(look_back + 1):
        if is_due(candidate, today, rows.get((candidate.year, candidate.quarter))):
            return candidate
        candidate = candidate.previous()
    return Quarter.containing(today).previous()


def before_contract(quarter: Quarter, contract_start: dt.date | None) -> bool:
    """A quarter that ends before a service's contract starts expects no return."""
    return contract_start is not None and quarter.end < contract_start


def submission_opens(quarter: Quarter) -> dt.date:
    """The first day a quarter's return may be submitted: the day after the quarter ends,
    so that the figures cover the whole quarter."""
    return quarter.end + dt.timedelta(days=1)


def may_submit_on(quarter: Quarter, today: dt.date, early_allowed: bool = False) -> bool:
    """Whether a return for `quarter` may be submitted (or decided) on `today`: from the day
    after the quarter ends, or at any time when the lead officer has allowed early
    submission for that period. A draft may be saved at any time."""
    return early_allowed or today >= submission_opens(quarter)


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from `first` to `last` inclusive."""
    out: list[Quarter] = []
    current = first
    while (current.year, current.quarter) <= (last.year, last.quarter):
        out.append(current)
        current = current.next()
    return out

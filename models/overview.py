"""Data for the Overview page: the headline rows of the performance table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.performance import PerformanceRow, PerformanceTable, build_performance_table
from models.periods import Quarter, year_label
from models.periods_store import available_years, latest_due_quarter


def headline_rows(table: PerformanceTable) -> list[PerformanceRow]:
    return [row for row in table.rows if row.is_headline]


def overview_table(session: Session, year: int, quarter: int, today: dt.date,
                   provider_id: int | None) -> PerformanceTable:
    return build_performance_table(session, year, quarter, today, provider_id=provider_id)


def default_quarter(session: Session, today: dt.date) -> Quarter:
    """The quarter a meeting would review: the latest one past its due date."""
    return latest_due_quarter(session, today) or Quarter.containing(today)


def year_choices(session: Session) -> list[tuple[str, str]]:
    """(label, value) pairs, newest first."""
    return [(year_label(y), year_label(y)) for y in available_years(session)]

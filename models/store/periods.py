"""Reporting periods in the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.rules.periods import Quarter, financial_year_of, latest_due, quarters_between
from models.store.entities import Period


def ensure_periods(session: Session, first: Quarter, last: Quarter) -> list[Period]:
    """Create any missing quarters from `first` to `last`, due 20 days after quarter end."""
    existing = {
        (p.year, p.quarter): p for p in session.scalars(select(Period)).all()
    }
    out = []
    for q in quarters_between(first, last):
        period = existing.get((q.year, q.quarter))
        if period is None:
            period = Period(year=q.year, quarter=q.quarter, status="open",
                            due_date=q.default_due_date)
            session.add(period)
        out.append(period)
    session.flush()
    return out


def available_years(session: Session) -> list[int]:
    return sorted(set(session.scalars(select(Period.year)).all()), reverse=True)


def periods_of_year(session: Session, year: int) -> dict[int, Period]:
    """A financial year's period rows by quarter (a quarter without a row is absent)."""
    return {p.quarter: p for p in session.scalars(select(Period).where(Period.year == year))}


def latest_due_quarter(session: Session, today: dt.date) -> Quarter:
    """The most recent quarter due by `today` (the one a meeting reviews), by the calendar:
    a period row's due date where one exists, else the default."""
    rows = {(p.year, p.quarter): p for p in session.scalars(
        select(Period).where(Period.year >= financial_year_of(today) - 3))}
    return latest_due(today, rows)

"""Reporting periods in the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import Period
from models.periods import Quarter, quarters_between


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


def latest_due_quarter(session: Session, today: dt.date) -> Quarter | None:
    """The most recent quarter whose due date has passed (the one a meeting reviews)."""
    row = session.execute(
        select(Period.year, Period.quarter)
        .where(Period.due_date < today)
        .order_by(Period.year.desc(), Period.quarter.desc())
        .limit(1)
    ).first()
    return Quarter(row.year, row.quarter) if row else None

"""Reporting periods: creating a year's quarters, setting due dates, opening and closing them
(admins only, audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import Actor, require_admin
from models.admin.common import AdminError, existing
from models.rules.formats import format_date
from models.rules.periods import Quarter
from models.store.audit import record
from models.store.entities import Period


def generate_year(session: Session, actor: Actor, year: int) -> list[Period]:
    require_admin(actor, "create reporting periods")
    if not 2000 <= year <= 2100:
        raise AdminError("Enter a financial year like 2027/28")
    out = []
    for q in (1, 2, 3, 4):
        period = session.scalars(select(Period).filter_by(year=year, quarter=q)).one_or_none()
        if period is None:
            period = Period(year=year, quarter=q, status="open",
                            due_date=Quarter(year, q).default_due_date)
            session.add(period)
            session.flush()
            record(session, actor.id, "create", "period", period.id, None,
                   {"quarter": Quarter(year, q).label, "due": period.due_date})
        out.append(period)
    return out


@dataclass(frozen=True)
class PeriodUpdate:
    period: Period
    opened: bool  # it was closed and is now open (the providers are told: notifications)


def update_period(session: Session, actor: Actor, period_id: int, status: str,
                  due_date: dt.date, early_submission: bool | None = None) -> PeriodUpdate:
    """Set a period's due date and open or close it; closing locks its returns. With
    `early_submission` (None leaves it as it is), allow its returns to be submitted before
    the quarter ends, or not (the default: from the day after it ends)."""
    require_admin(actor, "change reporting periods")
    if status not in ("open", "closed"):
        raise AdminError("A period is either open or closed")
    period = existing(session, Period, period_id, "period")
    if due_date <= Quarter(period.year, period.quarter).end:
        raise AdminError(f"The due date must be after the quarter ends "
                         f"({format_date(Quarter(period.year, period.quarter).end)})")
    before = {"status": period.status, "due": period.due_date, "early": period.early_submission}
    period.status, period.due_date = status, due_date
    if early_submission is not None:
        period.early_submission = early_submission
    record(session, actor.id, "update", "period", period.id, before,
           {"status": status, "due": due_date, "early": period.early_submission})
    return PeriodUpdate(period, opened=before["status"] != "open" and status == "open")

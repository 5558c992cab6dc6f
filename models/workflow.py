"""What state a service's return is in for a period, including the derived ones."""

from __future__ import annotations

import datetime as dt

STATUS_WORDS = {
    "not_started": "Not started",
    "draft": "Draft",
    "submitted": "Submitted",
    "returned": "Returned",
    "approved": "Approved",
    "overdue": "Overdue",
    "missing": "Missing",
    "not_due": "Not due",
}


def effective_status(stored: str | None, due_date: dt.date, today: dt.date) -> str:
    """The status people see: a stored state, or overdue/missing once the due date passes.

    A draft past its due date is overdue; no return at all past its due date is missing."""
    past_due = today > due_date
    if stored is None:
        return "missing" if past_due else "not_started"
    if stored == "draft" and past_due:
        return "overdue"
    return stored

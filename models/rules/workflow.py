"""What state a service's return is in for a period, including the derived ones."""

from __future__ import annotations

import datetime as dt

from models.rules.formats import format_date
from models.rules.periods import (
    HasDueDate,
    Quarter,
    is_due,
    is_overdue,
    may_submit_on,
    submission_opens,
)

STATUS_WORDS = {
    "not_started": "Not started",
    "draft": "Draft",
    "submitted": "Submitted",
    "returned": "Returned",
    "approved": "Approved",
    "overdue": "Overdue",
    "missing": "Missing",
    "not_due": "Not due",
    "not_expected": "Not expected (before the contract)",
}

# What each status means, in the words of "What the statuses mean" beside the tables that show
# them (layouts/statuses.py). Keyed as STATUS_WORDS, plus the submission grid's "no_period".
STATUS_MEANINGS = {
    "missing": "The due date has passed and no return has been started.",
    "overdue": "A draft was started but not submitted by the due date.",
    "not_due": "The quarter's due date has not come yet, so nothing is owed.",
    "no_period": "The quarter has not been set up for returns yet, so nothing is owed.",
    "not_started": "The return is due and has not been started yet; it is not overdue.",
    "draft": "The provider has started the return but not submitted it.",
    "submitted": "Sent to the lead officer and waiting for review. Its figures count only "
                 "when submitted returns are included (provisional).",
    "returned": "The lead officer sent it back with a comment; the provider changes it and "
                "submits it again.",
    "approved": "Checked by the lead officer: its figures count in every table and chart.",
    "not_expected": "The service's contract had not started, so no return was expected.",
}

# Whose figures count. Only approved returns, unless a reader asks for provisional figures,
# which add the submitted ones not yet reviewed: so the provisional states are also every
# return handed in (received, done) — the other stored states, draft and returned, are with
# the provider.
COUNTED_STATES: tuple[str, ...] = ("approved",)
PROVISIONAL_STATES: tuple[str, ...] = ("approved", "submitted")
HANDED_IN_STATES = PROVISIONAL_STATES


def counted_states(include_submitted: bool) -> tuple[str, ...]:
    """The return states whose figures a view counts: approved, and submitted as well when
    the reader has asked for provisional figures."""
    return PROVISIONAL_STATES if include_submitted else COUNTED_STATES


def effective_status(stored: str | None, quarter: Quarter, today: dt.date,
                     period: HasDueDate | None = None) -> str:
    """The status a provider sees: a stored state, or overdue/missing once the quarter's
    due date has passed (the calendar's rule, models.rules.periods).

    A draft past its due date is overdue; no return at all past its due date is missing."""
    past_due = is_overdue(quarter, today, period)
    if stored is None:
        return "missing" if past_due else "not_started"
    if stored == "draft" and past_due:
        return "overdue"
    return stored


def monitoring_status(stored: str | None, quarter: Quarter, today: dt.date,
                      period: HasDueDate | None = None) -> str:
    """The status the dashboards and tables show: as `effective_status`, except that no
    return for a quarter not yet due reads "Not due" (on the due date itself it is due)."""
    if stored is None and not is_due(quarter, today, period):
        return "not_due"
    return effective_status(stored, quarter, today, period)


# action -> (states it may start from, state it leads to, roles that may do it)
TRANSITIONS: dict[str, tuple[frozenset[str], str, frozenset[str]]] = {
    "submit": (frozenset({"draft", "returned"}), "submitted", frozenset({"provider", "admin"})),
    "approve": (frozenset({"submitted"}), "approved", frozenset({"admin"})),
    "return": (frozenset({"submitted"}), "returned", frozenset({"admin"})),
    "reopen": (frozenset({"approved", "submitted", "returned", "draft"}), "returned",
               frozenset({"admin"})),
}


class WorkflowError(ValueError):
    """A move the state machine does not allow; the message is for people."""


def next_state(current: str, action: str, role: str) -> str:
    """The state `action` leads to from `current`, if `role` may take it."""
    if action not in TRANSITIONS:
        raise WorkflowError(f"Unknown action '{action}'.")
    sources, target, roles = TRANSITIONS[action]
    if role not in roles:
        raise WorkflowError(f"Your role cannot {action} a return.")
    if current not in sources:
        raise WorkflowError(
            f"A return that is {STATUS_WORDS.get(current, current).lower()} cannot be {_PAST[action]}."
        )
    return target


_PAST = {"submit": "submitted", "approve": "approved", "return": "returned", "reopen": "reopened"}


def is_editable(status: str | None, period_closed: bool, reopened: bool) -> bool:
    """Drafts and returned returns can be edited, unless their period is closed (and an
    admin has not reopened them). Submitted and approved ones are read-only."""
    if status not in (None, "draft", "returned"):
        return False
    return reopened or not period_closed


# The quarter-end rule (models.rules.periods.may_submit_on) in words.

def submit_refusal(quarter: Quarter, today: dt.date, early_allowed: bool = False) -> str | None:
    """Why a return for `quarter` cannot be submitted on `today`, or None when it can."""
    if may_submit_on(quarter, today, early_allowed):
        return None
    return (f"You can submit this return from {format_date(submission_opens(quarter))}, "
            "the day after the quarter ends. You can save it as a draft now.")


def decision_refusal(quarter: Quarter, today: dt.date, early_allowed: bool = False) -> str | None:
    """Why a submitted return for `quarter` cannot be approved or returned on `today` (its
    quarter has not ended, and early submission was not allowed), or None when it can."""
    if may_submit_on(quarter, today, early_allowed):
        return None
    return (f"{quarter.label} has not ended yet, so this return cannot be approved or returned "
            f"until {format_date(submission_opens(quarter))}.")

"""Saving a return and moving it through the workflow: one transaction each, audited,
versioned; a save against a stale version is refused, never merged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.access import AccessRefused, Actor, check_edit, require_admin
from models.reporting.retirement import is_retired
from models.returns.queries import (
    active_metrics,
    approved_history,
    last_quarter_counts,
    load_checked,
    metric_defs,
    value_texts,
)
from models.rules.periods import Quarter
from models.rules.validation import RawReturn, Validation, validate_return
from models.rules.workflow import (
    STATUS_WORDS,
    WorkflowError,
    decision_refusal,
    is_editable,
    next_state,
    submit_refusal,
)
from models.store.audit import record
from models.store.db import is_unique_clash
from models.store.entities import Metric, Period, Return, ReturnBreakdownValue, ReturnValue, Service

RETIRED_MESSAGE = "This service is retired, so it takes no new returns."
CONFLICT_MESSAGE = ("Someone else changed this return after you opened it, so your changes have "
                    "not been saved. Reload the page to see the latest version.")

# A return is one service's for one period: the unique key two first saves can race for.
RETURN_KEY = ("service_id", "period_id")


class ReturnConflict(RuntimeError):
    """A save against a stale version: refused, nothing overwritten."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def snapshot(ret: Return) -> dict[str, object]:
    """Everything a save (or an import) can change, for the audit trail."""
    return {
        "status": ret.status,
        "values": {key.text: text for key, text in value_texts(ret).items()},
        "highlights": ret.highlights, "challenges": ret.challenges,
        "case_study": ret.case_study, "warning_note": ret.warning_note,
    }


@dataclass
class SaveResult:
    validation: Validation
    saved: bool
    version: int
    status: str | None
    needs_confirmation: bool = False
    submit_not_yet: str = ""  # why it cannot be submitted yet (the quarter has not ended)


def save_return(session: Session, actor: Actor, service_id: int, period_id: int, raw: RawReturn,
                expected_version: int, *, submit: bool, confirmed: bool = False,
                today: dt.date | None = None) -> SaveResult:
    """Validate and save all of a return's values, or none. Runs in the caller's transaction,
    so an exception anywhere leaves the database as it was. A submission before the quarter
    ends (on `today`, the app's date) is refused unless the period allows it early."""
    service, period, ret = load_checked(session, actor, service_id, period_id)
    check_edit(actor, service, ret)
    if not is_editable(ret.status if ret else None, period.status == "closed",
                       bool(ret and ret.reopened)):
        state = STATUS_WORDS[ret.status].lower() if ret else "closed"
        raise WorkflowError(
            "This return's period is closed, so it cannot be changed."
            if period.status == "closed" and (ret is None or ret.status in ("draft", "returned"))
            else f"This return is {state} and cannot be changed."
        )
    if ret is None and is_retired(session, service.id):
        raise WorkflowError(RETIRED_MESSAGE)
    current_version = ret.version if ret else 0
    if expected_version != current_version:
        raise ReturnConflict(CONFLICT_MESSAGE)
    too_soon = submit_refusal(Quarter(period.year, period.quarter), today or dt.date.today(),
                              period.early_submission) or ""
    if submit and too_soon:
        raise WorkflowError(too_soon)
    validation = validate_return(
        metric_defs(service), raw, submitting=submit,
        history=approved_history(session, service_id, period_id),
        last_quarter=last_quarter_counts(session, service_id, period),
    )
    if not validation.ok:
        return SaveResult(validation, False, current_version, ret.status if ret else None)
    explained = bool(validation.parsed.narrative.get("warning_note"))
    if submit and validation.warnings and not (confirmed or explained):
        return SaveResult(validation, False, current_version, ret.status if ret else None,
                          needs_confirmation=True)
    if ret is None:
        ret = Return(service_id=service.id, period_id=period.id, provider_id=service.provider_id,
                     status="draft")
        session.add(ret)
        before = None
    else:
        before = snapshot(ret)
    try:
        write_values(session, ret, service, validation)
        for name, text in validation.parsed.narrative.items():
            setattr(ret, name, text)
        action = "save"
        if submit:
            ret.status = next_state(ret.status, "submit", actor.role)
            ret.submitted_at = _now()
            action = "submit"
        ret.updated_at = _now()  # always UPDATE the row, so its version moves on
        session.flush()
    except IntegrityError as exc:
        # Someone else's first save of this return was committed after ours read that there
        # was none: the same clash as a stale version, so the same answer. (The INSERT waits
        # for theirs on both engines, then meets the unique key.) Any other clash is a fault.
        if before is None and is_unique_clash(exc, Return.__tablename__, RETURN_KEY):
            raise ReturnConflict(CONFLICT_MESSAGE) from exc
        raise
    record(session, actor.id, action, "return", ret.id, before, snapshot(ret))
    return SaveResult(validation, True, ret.version, ret.status, submit_not_yet=too_soon)


def write_values(session: Session, ret: Return, service: Service, validation: Validation,
                 retired: Sequence[Metric] = ()) -> None:
    """A validated return's figures into its rows (the form's save and the bulk import).
    `retired`: measures retired since whose figures are written too (a history's import)."""
    parsed = validation.parsed
    by_metric = {v.metric_id: v for v in ret.values}
    for metric in [*active_metrics(service), *retired]:
        value = by_metric.get(metric.id)
        if value is None:
            value = ReturnValue(metric_id=metric.id)
            ret.values.append(value)
        if metric.is_rate:
            value.numerator, value.denominator = parsed.rates.get(metric.id, (None, None))
        else:
            value.count = parsed.counts.get(metric.id)
    by_category = {b.category_id: b for b in ret.breakdown_values}
    for category_id, count in parsed.categories.items():
        existing = by_category.get(category_id)
        if count is None:
            if existing is not None:
                ret.breakdown_values.remove(existing)
        elif existing is None:
            ret.breakdown_values.append(ReturnBreakdownValue(category_id=category_id, count=count))
        else:
            existing.count = count


def review_return(session: Session, actor: Actor, return_id: int, action: str, comment: str,
                  expected_version: int, today: dt.date | None = None) -> Return:
    """Approve, return (with a comment) or reopen (with a reason). Admin only.

    A return cannot be submitted before its quarter ends, so none should be waiting for a
    decision then; should one be (submitted early and the period's early submission since
    withdrawn, or written by hand), approving or returning it is refused as well, so that
    no figures for a quarter still under way are counted. Reopening stays open: it only
    hands the return back to the provider."""
    require_admin(actor, f"{action} returns")
    ret = session.get(Return, return_id)
    if ret is None:
        raise AccessRefused("That return does not exist.", "return", return_id)
    if ret.version != expected_version:
        raise ReturnConflict(CONFLICT_MESSAGE)
    comment = (comment or "").strip()
    if action in ("return", "reopen") and not comment:
        what = "what the provider needs to change" if action == "return" else "why it is reopened"
        raise WorkflowError(f"Enter a comment saying {what}")
    target = next_state(ret.status, action, actor.role)
    if action in ("approve", "return"):
        period = session.get(Period, ret.period_id)
        if period is not None and (too_soon := decision_refusal(
                Quarter(period.year, period.quarter), today or dt.date.today(),
                period.early_submission)):
            raise WorkflowError(too_soon)
    before = {"status": ret.status, "officer_comment": ret.officer_comment}
    ret.status = target
    if action == "approve":
        ret.approved_at = _now()
        ret.reopened = False
    else:
        ret.officer_comment = comment
        ret.reopened = action == "reopen"
    ret.updated_at = _now()
    session.flush()
    record(session, actor.id, action, "return", ret.id, before,
           {"status": ret.status, "officer_comment": ret.officer_comment})
    return ret

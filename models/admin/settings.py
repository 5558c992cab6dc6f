"""The RAG thresholds, the publication threshold and the reminder schedule (admins only,
audited)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.access import Actor, require_admin
from models.admin.common import AdminError
from models.rules.disclosure import DEFAULT_THRESHOLD
from models.rules.rag import rag_rule_text
from models.rules.reminders import ReminderSchedule, parse_days_before
from models.store.audit import record
from models.store.settings import (
    DISCLOSURE_KEY,
    disclosure_threshold,
    rag_thresholds,
    reminder_schedule,
    save_reminder_schedule,
    set_setting,
)


def set_rag(session: Session, actor: Actor, green_percent: float, amber_percent: float) -> None:
    require_admin(actor, "change the RAG rule")
    if not 0 < amber_percent < green_percent <= 200:
        raise AdminError("Amber must be above 0% and below Green; Green at most 200%")
    before = rag_thresholds(session)
    set_setting(session, "rag_green", f"{green_percent / 100:g}")
    set_setting(session, "rag_amber", f"{amber_percent / 100:g}")
    record(session, actor.id, "update", "rag thresholds", None,
           {"green": before.green, "amber": before.amber},
           {"green": green_percent / 100, "amber": amber_percent / 100})


def set_disclosure_threshold(session: Session, actor: Actor, threshold: float | None) -> None:
    """Publication mode hides counts below `threshold` (DESIGN §3; `DEFAULT_THRESHOLD` until set)."""
    require_admin(actor, "change the publication threshold")
    if threshold is None or not float(threshold).is_integer() or not 2 <= threshold <= 20:
        raise AdminError("The publication threshold must be a whole number from 2 to 20, "
                         f"like {DEFAULT_THRESHOLD}")
    before = disclosure_threshold(session)
    if before != int(threshold):
        set_setting(session, DISCLOSURE_KEY, str(int(threshold)))
        record(session, actor.id, "update", "publication threshold", None,
               {"threshold": before}, {"threshold": int(threshold)})


def rag_rule_words(session: Session) -> str:
    return rag_rule_text(rag_thresholds(session))


def set_reminder_schedule(session: Session, actor: Actor, days_before: str | None,
                          on_due: bool, weekly_overdue: bool) -> ReminderSchedule:
    """When reminder emails go out (models.rules.reminders); audited."""
    require_admin(actor, "change the reminder schedule")
    try:
        days = parse_days_before(days_before)
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    before = reminder_schedule(session)
    after = ReminderSchedule(days_before=days, on_due=bool(on_due), weekly_overdue=bool(weekly_overdue))
    if after != before:
        save_reminder_schedule(session, after)
        record(session, actor.id, "update", "reminder schedule", None, _schedule_dict(before),
               _schedule_dict(after))
    return after


def _schedule_dict(schedule: ReminderSchedule) -> dict:
    return {"days_before": schedule.days_before_text, "on_due": schedule.on_due,
            "weekly_overdue": schedule.weekly_overdue}

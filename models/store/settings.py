"""App-wide settings kept in the database: RAG thresholds, the demo-data flag and the
reminder schedule."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.rules.disclosure import DEFAULT_THRESHOLD
from models.rules.rag import RagThresholds
from models.rules.reminders import DEFAULT_DAYS_BEFORE, ReminderSchedule, parse_days_before
from models.store.entities import AppSetting

DEMO_KEY = "demo_data"
DISCLOSURE_KEY = "disclosure_threshold"


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(AppSetting, key)
    return row.value if row else default


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(AppSetting, key)
    if row is None:
        session.add(AppSetting(key=key, value=value))
    elif row.value != value:
        row.value = value


def is_demo(session: Session) -> bool:
    return get_setting(session, DEMO_KEY) == "yes"


def rag_thresholds(session: Session) -> RagThresholds:
    green = get_setting(session, "rag_green")
    amber = get_setting(session, "rag_amber")
    return RagThresholds(
        green=float(green) if green else RagThresholds.green,
        amber=float(amber) if amber else RagThresholds.amber,
    )


def disclosure_threshold(session: Session) -> int:
    """Counts below this are hidden in publication mode (DESIGN §3; the admin sets it)."""
    value = get_setting(session, DISCLOSURE_KEY)
    return int(value) if value else DEFAULT_THRESHOLD


# The reminder schedule (issue #18): the lead officer sets it under Administration → Settings.
REMINDER_DAYS_KEY = "reminder_days_before"
REMINDER_ON_DUE_KEY = "reminder_on_due"
REMINDER_WEEKLY_KEY = "reminder_weekly_overdue"


def reminder_schedule(session: Session) -> ReminderSchedule:
    """The schedule as saved, or the defaults (10 and 3 days before, on the day, weekly)."""
    days = get_setting(session, REMINDER_DAYS_KEY)
    try:
        days_before = parse_days_before(days) if days is not None else DEFAULT_DAYS_BEFORE
    except ValueError:  # only ever saved validated; a hand-edited row falls back
        days_before = DEFAULT_DAYS_BEFORE
    return ReminderSchedule(days_before=days_before,
                            on_due=get_setting(session, REMINDER_ON_DUE_KEY, "yes") == "yes",
                            weekly_overdue=get_setting(session, REMINDER_WEEKLY_KEY, "yes") == "yes")


def save_reminder_schedule(session: Session, schedule: ReminderSchedule) -> None:
    set_setting(session, REMINDER_DAYS_KEY, schedule.days_before_text)
    set_setting(session, REMINDER_ON_DUE_KEY, "yes" if schedule.on_due else "no")
    set_setting(session, REMINDER_WEEKLY_KEY, "yes" if schedule.weekly_overdue else "no")

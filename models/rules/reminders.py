"""The reminder schedule: which reminder about a period is due on a given day.

A period's reminders are steps on the calendar — N days before its due date (for each N
the lead officer chose), on the due date, then once a week while it is overdue (7, 14, …
days after). On any day the reminder due is the *latest* step that has come: so a run that
missed a day still sends the step it missed, and a run that missed several sends only the
most urgent one, never a backlog."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_DAYS_BEFORE: tuple[int, ...] = (10, 3)
MAX_DAYS_BEFORE = 60  # a quarter is only 91 days long: more would remind before it starts
MAX_STEPS_BEFORE = 5
DAYS_BEFORE_EXAMPLE = "10,3"


@dataclass(frozen=True)
class ReminderSchedule:
    days_before: tuple[int, ...] = DEFAULT_DAYS_BEFORE  # largest first
    on_due: bool = True
    weekly_overdue: bool = True

    @property
    def days_before_text(self) -> str:
        return ",".join(str(d) for d in self.days_before)


@dataclass(frozen=True)
class Step:
    """One reminder about one period: `kind` is what the sent-log records (unique per
    provider and period), `urgency` orders steps (higher is more urgent)."""

    kind: str
    on: dt.date
    urgency: int

    @property
    def words(self) -> str:
        return step_words(self.kind)


def parse_days_before(text: str | None) -> tuple[int, ...]:
    """'10, 3' -> (10, 3); blank -> () (no reminders before the due date). ValueError with a
    sentence for the form otherwise."""
    parts = [p.strip() for p in (text or "").replace(";", ",").split(",")]
    parts = [p for p in parts if p]
    days: set[int] = set()
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= MAX_DAYS_BEFORE:
            raise ValueError("Enter the days before the due date as whole numbers from 1 to "
                             f"{MAX_DAYS_BEFORE}, separated by commas, like {DAYS_BEFORE_EXAMPLE}")
        days.add(int(part))
    if len(days) > MAX_STEPS_BEFORE:
        raise ValueError(f"Choose at most {MAX_STEPS_BEFORE} reminders before the due date, "
                         f"like {DAYS_BEFORE_EXAMPLE}")
    return tuple(sorted(days, reverse=True))


def steps_until(due: dt.date, today: dt.date, schedule: ReminderSchedule) -> list[Step]:
    """Every step of a period due on `due` that has come by `today`, least urgent first."""
    steps = [_step(f"before-{n}", due - dt.timedelta(days=n)) for n in schedule.days_before]
    if schedule.on_due:
        steps.append(_step("due", due))
    if schedule.weekly_overdue and today > due:
        weeks = (today - due).days // 7
        steps += [_step(f"overdue-week-{w}", due + dt.timedelta(days=7 * w))
                  for w in range(1, weeks + 1)]
    return sorted((s for s in steps if s.on <= today), key=lambda s: s.urgency)


def _step(kind: str, on: dt.date) -> Step:
    return Step(kind, on, kind_urgency(kind))


def kind_urgency(kind: str) -> int:
    """How urgent a step is: the nearer (or further past) the due date, the more."""
    if kind.startswith("before-"):
        return -int(kind.removeprefix("before-"))
    if kind.startswith("overdue-week-"):
        return int(kind.removeprefix("overdue-week-"))
    return 0


def superseded(step: Step, sent_kinds: set[str]) -> bool:
    """Whether a scheduled step as urgent as `step`, or more, was already sent: then `step`
    never will be (a reminder sent by hand does not count)."""
    return any(kind_urgency(k) >= step.urgency for k in sent_kinds if not k.startswith(MANUAL_PREFIX))


def step_due(due: dt.date, today: dt.date, schedule: ReminderSchedule) -> Step | None:
    """The most urgent step that has come by `today`, or None before the first one."""
    steps = steps_until(due, today, schedule)
    return steps[-1] if steps else None


def window_opened(due: dt.date, today: dt.date, schedule: ReminderSchedule) -> bool:
    """Whether the period's reminders have begun: its first reminder's day (or, with none
    before it, the due date) has come. A reminder sent by hand covers these periods."""
    first = max(schedule.days_before, default=0)
    return today >= due - dt.timedelta(days=first)


MANUAL_PREFIX = "manual-"


def manual_kind(today: dt.date) -> str:
    """A reminder the lead officer sent by hand: at most one a day per provider and period."""
    return f"{MANUAL_PREFIX}{today.isoformat()}"


def step_words(kind: str) -> str:
    """'before-10' -> '10 days before the due date', and so on, for tables and the CLI."""
    if kind.startswith("before-"):
        n = int(kind.removeprefix("before-"))
        return f"{n} day{'s' if n != 1 else ''} before the due date"
    if kind == "due":
        return "On the due date"
    if kind.startswith("overdue-week-"):
        n = int(kind.removeprefix("overdue-week-"))
        return f"Overdue, week {n}"
    if kind.startswith(MANUAL_PREFIX):
        return "Sent by the lead officer"
    return kind

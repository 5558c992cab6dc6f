"""Reminder emails to providers with returns not yet submitted (issue #18, item 3).

Planning and sending are apart, so a dry run, the CLI and the Submissions page's preview
show exactly what a send would do:

- `plan_reminders(session, today)` — the scheduled reminders due today (cron's
  `send-reminders`): for each open period, the most urgent step of the schedule that has
  come and has not been sent to that provider (models.rules.reminders.step_due);
- `plan_manual(session, today)` — "Send reminders now": every provider owing a return in a
  period whose reminders have begun, unless reminded by hand today already;
- `send_planned(factory, settings, plans, deliver)` — one email per provider and recipient,
  queued in the same transaction as the sent-log rows (ReminderSent) that claim them, then
  delivered: here and now (the CLI, beat) or by the background sender (the page's button,
  which must not wait for a mail server).

What a return is owed, and its status words, come from models.reporting.submissions
(`outstanding_returns`) — the Submissions grid's definition. An email names the provider's
own services, their quarter, due date and status, and links to /returns: never a figure, a
comment or another provider.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.reporting.submissions import OutstandingReturn, outstanding_returns
from models.rules.formats import format_date
from models.rules.reminders import (
    ReminderSchedule,
    Step,
    manual_kind,
    step_due,
    step_words,
    superseded,
    window_opened,
)
from models.store.entities import MailMessage, Provider, ReminderSent, User
from models.store.settings import reminder_schedule
from notifications.mail import Email, deliver_queued, queue

if TYPE_CHECKING:
    from dash_app.settings import Settings

log = logging.getLogger(__name__)

EVENT = "reminder"
MANUAL_URGENCY = 10_000  # a reminder sent by hand heads its email whatever else is due


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str


@dataclass
class PlannedReminder:
    """One provider's email in this run: the steps it covers (period id, kind — the sent-log's
    rows), the returns it lists, and to whom it goes (none: nobody to tell, so not sent)."""

    provider_id: int
    provider: str
    today: dt.date
    steps: dict[int, Step]
    returns: list[OutstandingReturn]
    recipients: list[Recipient] = field(default_factory=list)

    @property
    def headline(self) -> Step:
        """The most urgent step: what the email and the tables call this reminder."""
        return max(self.steps.values(), key=lambda s: (s.urgency, s.on))

    @property
    def kind_words(self) -> str:
        return step_words(self.headline.kind)


@dataclass
class Outcome:
    """What happened to one planned email."""

    plan: PlannedReminder
    sent: int = 0  # messages delivered or written to the outbox
    failed: int = 0
    waiting: int = 0  # still queued or being sent by the background sender
    note: str = ""  # why nothing was sent, in words


def plan_reminders(session: Session, today: dt.date,
                   schedule: ReminderSchedule | None = None) -> list[PlannedReminder]:
    """The scheduled reminders due on `today`: at most one email per provider."""
    schedule = schedule or reminder_schedule(session)
    owed = outstanding_returns(session, today)
    sent = _sent_kinds(session, {r.period_id for r in owed})
    by_provider: dict[int, PlannedReminder] = {}
    for ret in owed:
        step = step_due(ret.due_date, today, schedule)
        if step is None or superseded(step, sent[(ret.provider_id, ret.period_id)]):
            continue
        plan = by_provider.setdefault(ret.provider_id,
                                      PlannedReminder(ret.provider_id, ret.provider, today, {}, []))
        plan.steps[ret.period_id] = step
        plan.returns.append(ret)
    return _with_recipients(session, list(by_provider.values()))


def plan_manual(session: Session, today: dt.date,
                schedule: ReminderSchedule | None = None) -> list[PlannedReminder]:
    """"Send reminders now": each provider owing a return in a period whose reminders have
    begun (or that is due), unless already reminded by hand today about that period."""
    schedule = schedule or reminder_schedule(session)
    kind = manual_kind(today)
    owed = [r for r in outstanding_returns(session, today) if window_opened(r.due_date, today, schedule)]
    sent = _sent_kinds(session, {r.period_id for r in owed})
    by_provider: dict[int, PlannedReminder] = {}
    for ret in owed:
        if kind in sent[(ret.provider_id, ret.period_id)]:
            continue
        plan = by_provider.setdefault(ret.provider_id,
                                      PlannedReminder(ret.provider_id, ret.provider, today, {}, []))
        plan.steps[ret.period_id] = Step(kind, today, MANUAL_URGENCY)
        plan.returns.append(ret)
    return _with_recipients(session, list(by_provider.values()))


def sent_by_hand_today(session: Session, today: dt.date) -> bool:
    """Whether the lead officer sent reminders by hand today (so a second click says so)."""
    return session.scalar(select(ReminderSent.id).where(ReminderSent.kind == manual_kind(today))
                          .limit(1)) is not None


def plan_signature(plans: list[PlannedReminder]) -> str:
    """What a preview showed, in a few bytes: sending checks it is still what would be sent."""
    shown = [[p.provider_id, sorted((r.period_id, r.service, r.status) for r in p.returns),
              [r.email for r in p.recipients]] for p in plans]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:32]


def reminder_email(plan: PlannedReminder, recipient: Recipient, public_url: str) -> Email:
    """The email: what is owed and by when, the provider's own services only, and the link."""
    head = plan.headline
    first_due = min(r.due_date for r in plan.returns)
    count = len(plan.returns)
    returns = f"{count} return{'s' if count != 1 else ''}"
    if head.kind.startswith("overdue-"):
        subject = f"Overdue: {returns} not yet submitted"
        opening = (f"{plan.provider} has {returns} not yet submitted in the CWP Outcomes Monitor. "
                   "The due date has passed.")
    elif head.kind == "due":
        subject = f"Reminder: {returns} due today, {format_date(head.on)}"
        opening = f"{plan.provider} has {returns} due today in the CWP Outcomes Monitor."
    elif head.kind.startswith("before-"):
        subject = f"Reminder: {returns} due on {format_date(first_due)}"
        opening = f"{plan.provider} has {returns} to submit in the CWP Outcomes Monitor."
    else:
        subject = f"Reminder: {returns} not yet submitted"
        opening = f"{plan.provider} has {returns} not yet submitted in the CWP Outcomes Monitor."
    lines = [f"• {r.service}: {r.label}, due {format_date(r.due_date)} ({r.status_word})"
             for r in plan.returns]
    them = "them" if count != 1 else "it"
    paragraphs = [
        opening,
        *lines,
        f"Please sign in, complete and submit {them}. If you have just submitted {them}, thank "
        "you: you can ignore this email.",
        "You get these reminders because they are on in your account. You can turn them off "
        "on the app's Your account page (the link beside Sign out).",
    ]
    return Email(to=recipient.email, subject=subject, paragraphs=paragraphs, event=EVENT,
                 user_id=recipient.user_id,
                 link=("Open your returns", f"{public_url.rstrip('/')}/returns"))


Deliver = Callable[[list[int]], None]


def send_planned(factory: sessionmaker[Session], settings: Settings,
                 plans: list[PlannedReminder], deliver: Deliver | None = None) -> list[Outcome]:
    """Send each provider's email to its recipients: the sent-log rows are claimed and the
    messages queued in one transaction (so two runs at once cannot both send), then
    `deliver(ids)` sends them (None: here and now). If every message of a provider fails,
    the sender withdraws the claim (notifications.mail) and the next run tries again; the
    failed messages stay recorded."""
    if deliver is None:
        def deliver(ids: list[int]) -> None:
            deliver_queued(factory, settings, ids)
    outcomes: list[Outcome] = []
    for plan in plans:
        outcome = Outcome(plan)
        outcomes.append(outcome)
        if not plan.recipients:
            outcome.note = "No one to send to: no active user with reminder emails on."
            continue
        try:
            _send_one(factory, settings, plan, outcome, deliver)
        except IntegrityError:
            outcome.note = "Already sent by another run."
        except Exception:  # the next provider's reminder still goes
            log.exception("Reminder to provider %s could not be sent or recorded", plan.provider_id)
            outcome.note = "Could not be sent or recorded; see the log."
    return outcomes


def run_reminders(factory: sessionmaker[Session], settings: Settings, today: dt.date,
                  dry_run: bool = False) -> list[Outcome]:
    """What `send-reminders` (and Celery beat) does: plan today's reminders and, unless a
    dry run, send them; messages a dead process left queued go too."""
    with factory() as session:
        plans = plan_reminders(session, today)
    if dry_run:
        return [Outcome(p, note="Dry run: not sent.") for p in plans]
    outcomes = send_planned(factory, settings, plans)
    deliver_queued(factory, settings)
    return outcomes


def _send_one(factory: sessionmaker[Session], settings: Settings, plan: PlannedReminder,
              outcome: Outcome, deliver: Deliver) -> None:
    """Claim the sent-log rows and queue the messages together (committed: another run now
    cannot send the same), deliver them with no transaction open (a slow mail server must
    not hold the database), then count how they went. The claim points at the first
    message of the batch; the sender withdraws it if every message of the batch failed."""
    with factory() as session, session.begin():
        claims = [ReminderSent(provider_id=plan.provider_id, period_id=period_id, kind=step.kind,
                               sent_on=plan.today)
                  for period_id, step in plan.steps.items()]
        session.add_all(claims)
        session.flush()  # IntegrityError here: another run has sent it
        ids = queue(session, [reminder_email(plan, recipient, settings.public_url)
                              for recipient in plan.recipients], batch=True)
        for claim in claims:
            claim.message_id = ids[0]
    deliver(ids)
    with factory() as session:
        states = list(session.scalars(select(MailMessage.status).where(MailMessage.id.in_(ids))))
    outcome.sent = sum(1 for st in states if st in ("sent", "outbox"))
    outcome.failed = sum(1 for st in states if st == "failed")
    outcome.waiting = len(states) - outcome.sent - outcome.failed
    if outcome.failed == len(ids):
        outcome.note = "Every message failed; the next run tries again."


def _sent_kinds(session: Session, period_ids: set[int]) -> defaultdict[tuple[int, int], set[str]]:
    sent: defaultdict[tuple[int, int], set[str]] = defaultdict(set)
    if period_ids:
        for provider_id, period_id, kind in session.execute(
                select(ReminderSent.provider_id, ReminderSent.period_id, ReminderSent.kind)
                .where(ReminderSent.period_id.in_(period_ids))).tuples():
            sent[(provider_id, period_id)].add(kind)
    return sent


def _with_recipients(session: Session, plans: list[PlannedReminder]) -> list[PlannedReminder]:
    """Each plan with its provider's active users who want reminders (an inactive provider's
    services are retired, so it has no plan)."""
    if not plans:
        return plans
    users = session.execute(
        select(User.provider_id, User.id, User.email).join(Provider, Provider.id == User.provider_id)
        .where(User.provider_id.in_([p.provider_id for p in plans]), User.role == "provider",
               User.active.is_(True), User.reminder_emails.is_(True), Provider.active.is_(True))
        .order_by(User.email)).tuples().all()
    found: defaultdict[int, list[Recipient]] = defaultdict(list)
    for provider_id, user_id, email in users:
        found[provider_id].append(Recipient(user_id, email))
    for plan in plans:
        plan.recipients = found[plan.provider_id]
    return sorted(plans, key=lambda p: p.provider.casefold())


__all__ = ["Outcome", "PlannedReminder", "Recipient", "plan_manual", "plan_reminders", "plan_signature",
           "reminder_email", "run_reminders", "send_planned", "sent_by_hand_today"]

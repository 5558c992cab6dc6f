"""Reminder emails (issue 18, item 3) on the demo data, against a real SMTP server.

Hand-worked calendar (demo data, seeded on 25 November 2026):
- Q2 2026/27 is due 20 October 2026. Still owed: Riverside's ASB early help (no return:
  Missing) and Safer Futures' ISVA (Returned) and Sanctuary scheme (a draft: Overdue).
- Q3 2026/27 is due 20 January 2027; all eight services still owe it (drafts or nothing).
- 25 November 2026 is 36 days after 20 October: overdue week 5 (week n starts 7n days after).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dash_app import cli
from models.access import AccessRefused
from models.admin.common import AdminError
from models.admin.settings import set_reminder_schedule
from models.catalogue.demo import DEMO_PROVIDERS
from models.rules.reminders import ReminderSchedule, parse_days_before, step_due, superseded
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, MailMessage, Provider, ReminderSent, Return, User
from models.store.settings import reminder_schedule
from models.store.users import create_user, find_user
from notifications import mail, reminders
from notifications.reminders import plan_manual, plan_reminders, run_reminders, send_planned
from tests.helpers.config import TODAY, settings_for

RIVERSIDE = "riverside-boxing-academy@demo.local"
SAFER = "safer-futures-support@demo.local"
EVERY_PROVIDER_USER = {"brightpath-education@demo.local", "link-worker-partnership@demo.local",
                       RIVERSIDE, SAFER, "wellbeing-outreach-stafford@demo.local"}
Q3_DUE = dt.date(2027, 1, 20)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# The schedule ------------------------------------------------------------------------------

@pytest.mark.parametrize(("today", "kind"), [
    ("2027-01-09", None),  # 11 days before: nothing yet
    ("2027-01-10", "before-10"),
    ("2027-01-11", "before-10"),  # a missed cron day still sends the 10-day reminder
    ("2027-01-16", "before-10"),
    ("2027-01-17", "before-3"),
    ("2027-01-19", "before-3"),
    ("2027-01-20", "due"),  # on the day itself
    ("2027-01-26", "due"),
    ("2027-01-27", "overdue-week-1"),  # 7 days after
    ("2027-01-28", "overdue-week-1"),  # 8 days after
    ("2027-02-03", "overdue-week-2"),  # 14 days after
])
def test_the_step_due_is_the_latest_that_has_come(today, kind):
    step = step_due(Q3_DUE, d(today), ReminderSchedule())
    assert (step.kind if step else None) == kind


def test_steps_follow_the_admins_schedule():
    quiet = ReminderSchedule(days_before=(), on_due=False, weekly_overdue=False)
    assert step_due(Q3_DUE, d("2027-03-01"), quiet) is None
    no_weekly = ReminderSchedule(weekly_overdue=False)
    assert step_due(Q3_DUE, d("2027-02-03"), no_weekly).kind == "due"
    no_due = ReminderSchedule(on_due=False)
    assert step_due(Q3_DUE, Q3_DUE, no_due).kind == "before-3"
    assert step_due(Q3_DUE, d("2027-01-06"), ReminderSchedule(days_before=(14, 7, 1))).kind == "before-14"
    # A step already sent, or a more urgent one, means this one is not sent again; a
    # reminder sent by hand does not stop the schedule.
    step = step_due(Q3_DUE, d("2027-01-11"), ReminderSchedule())
    assert superseded(step, {"before-10"}) and superseded(step, {"before-3"})
    assert not superseded(step, {"manual-2027-01-11"}) and not superseded(step, set())


def test_days_before_are_read_and_bad_ones_refused_in_plain_words():
    assert parse_days_before("10, 3") == (10, 3)
    assert parse_days_before("3,10,10") == (10, 3)
    assert parse_days_before(" ") == ()
    for bad in ("ten", "0", "61", "3.5", "-2", "1,2,3,4,5,6"):
        with pytest.raises(ValueError, match="like 10,3"):
            parse_days_before(bad)


def test_the_admin_sets_the_schedule_and_others_cannot(demo_factory):
    with unit_of_work(demo_factory) as s:
        assert reminder_schedule(s) == ReminderSchedule((10, 3), True, True)
        admin = find_user(s, "admin@demo.local")
        viewer = find_user(s, "viewer@demo.local")
        with pytest.raises(AdminError, match="whole numbers from 1 to 60"):
            set_reminder_schedule(s, admin, "ten", True, True)
        with pytest.raises(AccessRefused):
            set_reminder_schedule(s, viewer, "5", True, True)
        set_reminder_schedule(s, admin, "14, 5", False, True)
    with unit_of_work(demo_factory) as s:
        assert reminder_schedule(s) == ReminderSchedule((14, 5), False, True)
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "reminder schedule")).one()
        assert '"days_before": "10,3"' in event.before and '"days_before": "14,5"' in event.after


# Who is reminded of what -------------------------------------------------------------------

def kinds(plans) -> dict[str, list[str]]:
    return {p.provider: sorted(s.kind for s in p.steps.values()) for p in plans}


def test_on_the_demo_date_only_the_overdue_quarter_is_chased(demo_factory):
    with demo_factory() as s:
        plans = plan_reminders(s, TODAY)
    assert kinds(plans) == {"Riverside Boxing Academy (demo)": ["overdue-week-5"],
                            "Safer Futures Support (demo)": ["overdue-week-5"]}
    listed = {p.provider: [(r.service, r.label, r.status_word) for r in p.returns] for p in plans}
    assert listed == {
        "Riverside Boxing Academy (demo)": [("ASB early help (boxing club diversion)", "Q2 2026/27", "Missing")],
        "Safer Futures Support (demo)": [("Independent Sexual Violence Advisor (ISVA)", "Q2 2026/27", "Returned"),
                                         ("Sanctuary scheme", "Q2 2026/27", "Overdue")],
    }
    assert [[r.email for r in p.recipients] for p in plans] == [[RIVERSIDE], [SAFER]]


def test_chosen_dates_send_the_right_reminder_once(demo_factory, db_url, inbox):
    settings = settings_for(db_url, smtp_url=inbox.url)
    q3_only = {"Brightpath Education (demo)", "Link Worker Partnership (demo)",
               "Wellbeing Outreach Stafford (demo)"}
    both = {"Riverside Boxing Academy (demo)", "Safer Futures Support (demo)"}

    def run(day: str) -> dict[str, list[str]]:
        return {o.plan.provider: sorted(s.kind for s in o.plan.steps.values())
                for o in run_reminders(demo_factory, settings, d(day)) if o.sent}

    # 10 days before Q3's due date: everyone; the two with Q2 still owed in the same email.
    # 10 January 2027 is 82 days after 20 October: Q2's week 11.
    assert run("2027-01-10") == {**{p: ["before-10"] for p in q3_only},
                                 **{p: ["before-10", "overdue-week-11"] for p in both}}
    assert len(inbox.messages) == 5
    assert run("2027-01-11") == {}  # nothing new the next day
    # Cron missed 17 January: the 3-day reminder goes on the 18th (Q2 is now in week 12).
    assert run("2027-01-18") == {**{p: ["before-3"] for p in q3_only},
                                 **{p: ["before-3", "overdue-week-12"] for p in both}}
    # 19 January is 91 days after 20 October: Q2's week 13 begins; Q3 has nothing new.
    assert run("2027-01-19") == {p: ["overdue-week-13"] for p in both}
    assert run("2027-01-20") == {p: ["due"] for p in q3_only | both}
    # 8 days after Q3's due date: its first weekly reminder (Q2: 100 days, week 14).
    assert run("2027-01-28") == {p: ["overdue-week-1"] for p in q3_only} | {
        p: ["overdue-week-1", "overdue-week-14"] for p in both}
    assert len(inbox.messages) == 5 + 5 + 2 + 5 + 5  # one user per provider
    subjects = {m["Subject"] for m in inbox.to("brightpath-education@demo.local")}
    assert subjects == {"Reminder: 1 return due on 20 January 2027",
                        "Reminder: 1 return due today, 20 January 2027",
                        "Overdue: 1 return not yet submitted"}
    with demo_factory() as s:
        assert s.scalar(select(func.count()).select_from(ReminderSent)) == 7 + 7 + 2 + 5 + 7
        assert s.scalar(select(func.count()).select_from(ReminderSent)
                        .where(ReminderSent.message_id.is_(None))) == 0


def test_demo_reminders_reach_every_provider_owing_returns_about_its_own_only(demo_factory, db_url, inbox):
    """Every provider with an outstanding return (all five owe Q3 by its due date), each
    email naming only its own services, and no figure, narrative or comment."""
    settings = settings_for(db_url, smtp_url=inbox.url)
    outcomes = run_reminders(demo_factory, settings, Q3_DUE)
    assert {m["To"] for m in inbox.messages} == EVERY_PROVIDER_USER
    assert len(inbox.messages) == 5 and all(o.sent == 1 for o in outcomes)
    with demo_factory() as s:
        narrative = {text for r in s.scalars(select(Return)) for text in
                     (r.highlights, r.challenges, r.case_study, r.officer_comment, r.warning_note) if text}
    for provider, services in DEMO_PROVIDERS.items():
        slug_email = next(o.plan.recipients[0].email for o in outcomes if o.plan.provider == provider)
        [message] = inbox.to(slug_email)
        for body in (inbox.text(message), inbox.html(message)):
            for service in services:
                assert service.replace("&", "&amp;") in body or service in body
            others = [s for p, names in DEMO_PROVIDERS.items() if p != provider for s in names]
            assert not [s for s in others if s in body], provider
            assert not [p for p in DEMO_PROVIDERS if p != provider and p in body]
            assert not [t for t in narrative if t in body]
            assert "/returns" in body
    riverside = inbox.text(inbox.to(RIVERSIDE)[0])
    assert "• ASB early help (boxing club diversion): Q2 2026/27, due 20 October 2026 (Missing)" in riverside
    assert "• ASB early help (boxing club diversion): Q3 2026/27, due 20 January 2027 (Draft)" in riverside
    # The returns' figures: no digits besides dates, quarters and the count of returns.
    stripped = riverside
    for allowed in ("2026/27", "20 October 2026", "20 January 2027", "Q2", "Q3", "2 returns",
                    "127.0.0.1:8050", "1:1"):
        stripped = stripped.replace(allowed, "")
    assert not any(ch.isdigit() for ch in stripped), stripped
    # A second run the same day sends nothing new.
    assert run_reminders(demo_factory, settings, Q3_DUE) == []
    assert len(inbox.messages) == 5


def test_only_active_users_who_want_reminders_get_them(demo_factory, db_url, inbox):
    with unit_of_work(demo_factory) as s:
        safer = s.scalars(select(Provider).where(Provider.name.startswith("Safer"))).one()
        create_user(s, "keen@safer.example", "a-long-password-1", "provider", safer)
        create_user(s, "quiet@safer.example", "a-long-password-1", "provider", safer).reminder_emails = False
        create_user(s, "gone@safer.example", "a-long-password-1", "provider", safer).active = False
        # Riverside's only user turns reminders off: nobody there to tell, nothing recorded.
        find_user(s, RIVERSIDE).reminder_emails = False
    settings = settings_for(db_url, smtp_url=inbox.url)
    outcomes = {o.plan.provider: o for o in run_reminders(demo_factory, settings, TODAY)}
    assert sorted(m["To"] for m in inbox.messages) == ["keen@safer.example", SAFER]
    assert outcomes["Riverside Boxing Academy (demo)"].note.startswith("No one to send to")
    with demo_factory() as s:
        [row] = s.scalars(select(ReminderSent)).all()
        assert (row.kind, row.sent_on) == ("overdue-week-5", TODAY)
        assert s.get(MailMessage, row.message_id).to_address in ("keen@safer.example", SAFER)
        events = s.scalars(select(MailMessage.event)).all()
        assert events == ["reminder", "reminder"]


def test_a_dry_run_sends_and_records_nothing(demo_factory, db_url, inbox):
    settings = settings_for(db_url, smtp_url=inbox.url)
    outcomes = run_reminders(demo_factory, settings, TODAY, dry_run=True)
    assert [o.plan.provider for o in outcomes] == ["Riverside Boxing Academy (demo)",
                                                    "Safer Futures Support (demo)"]
    assert inbox.messages == []
    with demo_factory() as s:
        assert s.scalar(select(func.count()).select_from(ReminderSent)) == 0
        assert s.scalar(select(func.count()).select_from(MailMessage)) == 0


def test_a_failing_server_records_the_failure_and_the_next_run_tries_again(demo_factory, db_url,
                                                                            inbox, monkeypatch):
    monkeypatch.setattr(mail, "RETRY_WAITS", ())
    settings = settings_for(db_url, smtp_url=inbox.url)
    inbox.failing = True
    outcomes = run_reminders(demo_factory, settings, TODAY)
    assert [(o.sent, o.failed) for o in outcomes] == [(0, 1), (0, 1)]
    assert all("next run tries again" in o.note for o in outcomes)
    with demo_factory() as s:
        assert s.scalar(select(func.count()).select_from(ReminderSent)) == 0
        assert s.scalars(select(MailMessage.status)).all() == ["failed", "failed"]
    inbox.failing = False
    assert [o.sent for o in run_reminders(demo_factory, settings, TODAY)] == [1, 1]
    assert len(inbox.messages) == 2


def test_reminders_sent_by_hand_once_a_day(demo_factory, db_url, inbox):
    settings = settings_for(db_url, smtp_url=inbox.url)
    with demo_factory() as s:
        plans = plan_manual(s, TODAY)
        assert not reminders.sent_by_hand_today(s, TODAY)
    # Q3's reminders have not begun (its first is on 10 January), so only Q2 is chased.
    assert kinds(plans) == {"Riverside Boxing Academy (demo)": ["manual-2026-11-25"],
                            "Safer Futures Support (demo)": ["manual-2026-11-25"]}
    assert [o.sent for o in send_planned(demo_factory, settings, plans)] == [1, 1]
    with demo_factory() as s:
        assert plan_manual(s, TODAY) == [] and reminders.sent_by_hand_today(s, TODAY)
        # The schedule's own reminder is still due: a hand-sent one does not stand for it.
        assert kinds(plan_reminders(s, TODAY))["Safer Futures Support (demo)"] == ["overdue-week-5"]
    assert inbox.to(SAFER)[0]["Subject"] == "Reminder: 2 returns not yet submitted"


def test_the_cli_sends_reminders_end_to_end(demo_factory, db_url, inbox, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SMTP_URL", inbox.url)
    monkeypatch.setenv("MONITOR_TODAY", "2026-11-25")
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path / "outbox"))
    assert cli.main(["send-reminders", "--dry-run"]) == 0
    dry = capsys.readouterr().out.splitlines()
    assert dry == [
        f"Riverside Boxing Academy (demo): overdue, week 5, 1 return, to {RIVERSIDE}. Dry run: not sent.",
        f"Safer Futures Support (demo): overdue, week 5, 2 returns, to {SAFER}. Dry run: not sent.",
        "Dry run for 25 November 2026: 2 providers would be reminded (2 emails); nothing was sent "
        "or recorded.",
    ]
    assert inbox.messages == []
    assert cli.main(["send-reminders"]) == 0
    sent = capsys.readouterr().out.splitlines()
    assert sent[0] == f"Riverside Boxing Academy (demo): overdue, week 5, 1 return, to {RIVERSIDE}. 1 email sent."
    assert sent[-1] == "Reminders for 25 November 2026: 2 emails sent to 2 of 2 providers due a reminder."
    assert {m["To"] for m in inbox.messages} == {RIVERSIDE, SAFER}
    assert cli.main(["send-reminders"]) == 0
    assert capsys.readouterr().out.strip() == "No reminders are due on 25 November 2026: nothing to send."
    assert cli.main(["send-reminders", "--today", "2027-01-10", "--dry-run"]) == 0
    assert "5 providers would be reminded" in capsys.readouterr().out
    assert cli.main(["send-reminders", "--today", "10/01/2027"]) == 2
    assert "--today must be a date like 2026-11-25" in capsys.readouterr().err
    assert len(inbox.messages) == 2
    with demo_factory() as s:
        assert s.scalar(select(func.count()).select_from(User)) > 0  # the CLI left the data in place

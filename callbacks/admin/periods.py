"""Reporting periods on the admin page: create a year's quarters, set a due date, open or close."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from sqlalchemy.orm import Session

from callbacks.admin.guard import date_value, optional_date, picked_id, run_admin
from callbacks.common import public_url, send_mail
from layouts import ids
from layouts.admin import message, period_table
from models.admin import periods as commands
from models.admin import views
from models.admin.common import AdminError
from models.rules.periods import parse_year_label
from models.store.entities import Period
from notifications import events
from notifications.mail import Email


def load_period(pick: str | None) -> tuple:
    pid = picked_id(pick)
    if pid is None:
        return None, None, False
    ok, p = run_admin("read period", lambda s, u: views.get(s, u, Period, pid))
    return (p.status, date_value(p.due_date), p.early_submission) if ok and p else (None, None, False)


def period_action(action: str, pick: str | None, status: str | None, due: str | None,
                  year_text: str | None, early: object = None) -> tuple:
    def work(s: Session, u: Any) -> tuple[str, list, list[Email]]:
        emails: list[Email] = []
        if action == "create":
            # Creating a year's quarters tells nobody: they are made ahead of time, and the
            # reminders say when each return is due (README, "What each email says").
            try:
                year = parse_year_label(year_text or "")
            except ValueError as exc:
                raise AdminError(str(exc)) from None
            commands.generate_year(s, u, year)
            done = f"The quarters of {year_text} are ready."
        else:
            if picked_id(pick) is None:
                raise AdminError("Choose a quarter first")
            due_date = optional_date(due, "due date")
            if due_date is None:
                raise AdminError("Enter a due date")
            change = commands.update_period(s, u, picked_id(pick) or 0, status or "", due_date,
                                            early_submission=early is True)
            if change.opened:
                emails = events.period_opened(s, public_url(), change.period)
            done = ("Period saved." + (" Its returns are now locked." if status == "closed" else "")
                    + (" Its returns can be submitted before the quarter ends." if early is True
                       else ""))
        return done, views.periods(s, u), emails

    ok, result = run_admin(f"{action} period", work)
    if not ok:
        return result, no_update, no_update
    done, rows, emails = result
    send_mail(emails)  # the period is saved: now its providers may hear it is open
    return message(done), period_table(rows), [{"label": p.label, "value": str(p.id)} for p in rows]


def register(app: Dash) -> None:
    cb = app.callback
    cb(Output(ids.ADM_PER_STATUS, "value"), Output(ids.ADM_PER_DUE, "value"),
       Output(ids.ADM_PER_EARLY, "value"),
       Input(ids.ADM_PER_PICK, "value"), prevent_initial_call=True)(load_period)
    cb(Output(ids.ADM_PER_MSG, "children"), Output(ids.ADM_PER_LIST, "children"),
       Output(ids.ADM_PER_PICK, "options"), Input(ids.ADM_PER_SAVE, "n_clicks"),
       Input(ids.ADM_PER_CREATE, "n_clicks"), State(ids.ADM_PER_PICK, "value"),
       State(ids.ADM_PER_STATUS, "value"), State(ids.ADM_PER_DUE, "value"),
       State(ids.ADM_PER_YEAR, "value"), State(ids.ADM_PER_EARLY, "value"),
       prevent_initial_call=True)(
        lambda _s, _c, *a: period_action("create" if ctx.triggered_id == ids.ADM_PER_CREATE
                                         else "save", *a))

"""The RAG rule and the publication threshold on the admin page."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update
from sqlalchemy.orm import Session

from callbacks.admin.guard import number, run_admin
from layouts import ids
from layouts.admin import REMINDER_ON_DUE, REMINDER_WEEKLY, message
from models.admin import settings as commands
from models.rules.disclosure import DEFAULT_THRESHOLD


def save_rag(green: str | None, amber: str | None, threshold: str | None = str(DEFAULT_THRESHOLD)) -> tuple:
    def work(s: Session, u: Any) -> str:
        commands.set_rag(s, u, number(green, "the green threshold", "100") or 0,
                        number(amber, "the amber threshold", "85") or 0)
        commands.set_disclosure_threshold(s, u, number(threshold, "the publication threshold", str(DEFAULT_THRESHOLD),
                                                         whole=True))
        return commands.rag_rule_words(s)

    ok, result = run_admin("save RAG rule", work)
    return (message("RAG rule saved."), result) if ok else (result, no_update)


def save_reminder_schedule(days: str | None, chosen: list[str] | None) -> Any:
    on = set(chosen or [])

    def work(s: Session, u: Any) -> None:
        commands.set_reminder_schedule(s, u, days, REMINDER_ON_DUE in on, REMINDER_WEEKLY in on)

    ok, result = run_admin("save reminder schedule", work)
    return message("Reminder schedule saved.") if ok else result


def register(app: Dash) -> None:
    app.callback(Output(ids.ADM_REM_MSG, "children"), Input(ids.ADM_REM_SAVE, "n_clicks"),
                 State(ids.ADM_REM_DAYS, "value"), State(ids.ADM_REM_OPTIONS, "value"),
                 prevent_initial_call=True)(lambda _n, *a: save_reminder_schedule(*a))
    app.callback(Output(ids.ADM_RAG_MSG, "children"), Output(ids.ADM_RAG_RULE, "children"),
                 Input(ids.ADM_RAG_SAVE, "n_clicks"), State(ids.ADM_RAG_GREEN, "value"),
                 State(ids.ADM_RAG_AMBER, "value"), State(ids.ADM_PUB_THRESHOLD, "value"),
                 prevent_initial_call=True)(lambda _n, *a: save_rag(*a))

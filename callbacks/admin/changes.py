"""Changes in a service on the admin page: mark one (limits start afresh from it) or remove
one marked in error. The commands check the admin role (models.admin.changes)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update
from sqlalchemy.orm import Session

from callbacks.admin.guard import picked_id, run_admin
from layouts import ids
from layouts.admin import change_options, change_table, message
from models.admin import changes as commands


def mark_change(service: str | None, period: str | None, reason: str | None) -> tuple:
    def work(s: Session, u: Any) -> list[commands.ChangeRow]:
        commands.mark_service_change(s, u, picked_id(service), picked_id(period), reason)
        return commands.service_change_rows(s, u)

    ok, result = run_admin("mark service change", work)
    if not ok:
        return result, no_update, no_update, no_update
    return (message("Change marked. The trend charts' limits start afresh from that quarter."),
            change_table(result), change_options(result), "")


def remove_change(pick: str | None) -> tuple:
    def work(s: Session, u: Any) -> list[commands.ChangeRow]:
        commands.remove_service_change(s, u, picked_id(pick))
        return commands.service_change_rows(s, u)

    ok, result = run_admin("remove service change", work)
    if not ok:
        return result, no_update, no_update, no_update
    return message("Change removed."), change_table(result), change_options(result), None


def register(app: Dash) -> None:
    cb = app.callback
    cb(Output(ids.ADM_CHG_MSG, "children"), Output(ids.ADM_CHG_LIST, "children"),
       Output(ids.ADM_CHG_PICK, "options"), Output(ids.ADM_CHG_REASON, "value"),
       Input(ids.ADM_CHG_SAVE, "n_clicks"), State(ids.ADM_CHG_SERVICE, "value"),
       State(ids.ADM_CHG_PERIOD, "value"), State(ids.ADM_CHG_REASON, "value"),
       prevent_initial_call=True)(lambda _n, *a: mark_change(*a))
    cb(Output(ids.ADM_CHG_MSG, "children", allow_duplicate=True),
       Output(ids.ADM_CHG_LIST, "children", allow_duplicate=True),
       Output(ids.ADM_CHG_PICK, "options", allow_duplicate=True),
       Output(ids.ADM_CHG_PICK, "value"),
       Input(ids.ADM_CHG_REMOVE, "n_clicks"), State(ids.ADM_CHG_PICK, "value"),
       prevent_initial_call=True)(lambda _n, pick: remove_change(pick))

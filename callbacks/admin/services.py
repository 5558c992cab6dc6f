"""Services on the admin page: pick one to edit, or save a new one (its contract too)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update
from sqlalchemy.orm import Session

from callbacks.admin.guard import date_value, number, optional_date, picked_id, run_admin
from callbacks.common import today
from layouts import ids
from layouts.admin import NO_PROVIDER, message, options, service_table
from models.admin import services as commands
from models.admin import views
from models.admin.views import ServiceRow
from models.rules.periods import Quarter
from models.store.entities import Service

FIELDS = [ids.ADM_SVC_NAME, ids.ADM_SVC_PRIORITY, ids.ADM_SVC_WORKSTREAM, ids.ADM_SVC_PROVIDER,
          ids.ADM_SVC_START, ids.ADM_SVC_END, ids.ADM_SVC_VALUE, ids.ADM_SVC_DESC]


# An empty service form (FIELDS, then "active"), for a new service.
BLANK = ("", None, None, NO_PROVIDER, None, None, "", "", True)


def load_service(pick: str | None) -> tuple:
    sid = picked_id(pick)
    blank = BLANK
    if sid is None:
        return blank
    ok, s = run_admin("read service", lambda session, u: views.get(session, u, Service, sid))
    if not ok or s is None:
        return blank
    return (s.name, str(s.priority_id), str(s.workstream_id), str(s.provider_id or NO_PROVIDER),
            date_value(s.contract_start), date_value(s.contract_end),
            f"{s.annual_contract_value:g}" if s.annual_contract_value is not None else "",
            s.description, s.active)


def save_service(pick: str | None, name: str | None, priority: str | None, workstream: str | None,
                 provider: str | None, start: str | None, end: str | None, value: str | None,
                 description: str | None, active: bool | None) -> tuple:
    def work(s: Session, u: Any) -> tuple[list[ServiceRow], str | None]:
        form = commands.ServiceForm(name or "", picked_id(priority), picked_id(workstream),
                                    picked_id(provider), optional_date(start, "contract start"),
                                    optional_date(end, "contract end"),
                                    number(value, "the annual contract value", "45,000"), description or "",
                                    bool(active))
        saved = commands.save_service(s, u, form, picked_id(pick), today())
        starts = Quarter.containing(saved.contract_start).label if saved.contract_start else None
        return views.services(s, u), starts

    ok, result = run_admin("save service", work)
    if not ok:
        return result, no_update, no_update, *[no_update] * (len(FIELDS) + 1)
    rows, starts = result
    # The metrics and targets pages list services too; they are built afresh when opened.
    cleared = BLANK if picked_id(pick) is None else (no_update,) * len(BLANK)
    done = "Service saved." + (f" Its returns are asked for from {starts}." if starts else "")
    return (message(done), service_table(rows),
            options([(s.id, s.name) for s in rows], "Add a new service"), *cleared)


def register(app: Dash) -> None:
    cb = app.callback
    cb(*[Output(f, "value") for f in FIELDS], Output(ids.ADM_SVC_ACTIVE, "value"),
       Input(ids.ADM_SVC_PICK, "value"), prevent_initial_call=True)(load_service)
    cb(Output(ids.ADM_SVC_MSG, "children"), Output(ids.ADM_SVC_LIST, "children"),
       Output(ids.ADM_SVC_PICK, "options"),
       *[Output(f, "value", allow_duplicate=True) for f in (*FIELDS, ids.ADM_SVC_ACTIVE)],
       Input(ids.ADM_SVC_SAVE, "n_clicks"),
       State(ids.ADM_SVC_PICK, "value"), *[State(f, "value") for f in FIELDS],
       State(ids.ADM_SVC_ACTIVE, "value"), prevent_initial_call=True)(
        lambda _n, *a: save_service(*a))

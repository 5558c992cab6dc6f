"""The audit log on the admin page, filtered by who, which record and when."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, html

from callbacks.admin.guard import optional_date, run_admin
from layouts import ids
from layouts.charts import data_table
from models.admin import audit as commands
from models.rules.formats import format_datetime


def audit(user_email: str | None, entity: str | None, since: str | None, until: str | None) -> Any:
    ok, rows = run_admin("read audit log", lambda s, u: commands.audit_log(
        s, u, user_email=user_email or None, entity=None if entity in (None, "", "any") else entity,
        since=optional_date(since, "date to search from"),
        until=optional_date(until, "date to search to")))
    if not ok:
        return rows
    if not rows:
        return html.P("No changes match these filters.", className="empty-state")
    return data_table(f"Latest {len(rows)} changes", ["When", "Who", "Action", "Record", "Before", "After"],
                      [[format_datetime(r.at), r.user, r.action, r.record, r.before[:300],
                        r.after[:300]] for r in rows], table_id="adm-audit-table")


def register(app: Dash) -> None:
    app.callback(Output(ids.ADM_AUD_LIST, "children"), Input(ids.ADM_AUD_USER, "value"),
                 Input(ids.ADM_AUD_ENTITY, "value"), Input(ids.ADM_AUD_FROM, "value"),
                 Input(ids.ADM_AUD_TO, "value"))(audit)

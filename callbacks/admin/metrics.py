"""A service's metrics on the admin page: list, load, save, retire, bring back, delete."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from sqlalchemy.orm import Session

from callbacks.admin.guard import number, picked_id, run_admin
from layouts import ids
from layouts.admin import NEW, message, metric_table, options
from models.admin import metrics as commands
from models.admin import views
from models.admin.common import AdminError
from models.admin.views import MetricRow
from models.store.entities import Metric

FIELDS = [ids.ADM_MET_NAME, ids.ADM_MET_KIND, ids.ADM_MET_UNIT, ids.ADM_MET_HIGHER,
          ids.ADM_MET_HEADLINE, ids.ADM_MET_CATS, ids.ADM_MET_BASE, ids.ADM_MET_BASE_PERIOD,
          ids.ADM_MET_BASE_SOURCE, ids.ADM_MET_ORDER]
BUTTONS = {ids.ADM_MET_SAVE: "save", ids.ADM_MET_RETIRE: "retire", ids.ADM_MET_RESTORE: "restore",
           ids.ADM_MET_DELETE: "delete"}


def list_metrics(service: str | None) -> tuple:
    sid = picked_id(service)
    if sid is None:
        return [], [{"label": "Add a new metric", "value": NEW}]
    ok, rows = run_admin("list metrics", lambda s, u: views.metrics(s, u, sid))
    if not ok:
        return rows, no_update
    return metric_table(rows), options([(m.id, m.name) for m in rows], "Add a new metric")


# An empty metric form (FIELDS), for the next new metric.
BLANK = ("", "output", "count", True, False, "", "", "", "", "")


def load_metric(pick: str | None) -> tuple:
    mid = picked_id(pick)
    blank = BLANK
    if mid is None:
        return blank

    def work(s: Session, u: Any) -> tuple | None:
        m = views.get(s, u, Metric, mid)
        if m is None:
            return None
        # Read everything inside the session: categories load lazily.
        return (m.name, m.kind, m.unit, m.higher_is_better, m.is_headline,
                "\n".join(c.name for c in m.categories),
                "" if m.baseline_value is None else f"{m.baseline_value:g}", m.baseline_period or "",
                m.baseline_source or "", str(m.display_order))

    ok, found = run_admin("read metric", work)
    return found if ok and found else blank


def metric_action(action: str, service: str | None, pick: str | None, name: str | None,
                  kind: str | None, unit: str | None, higher: bool | None, headline: bool | None,
                  categories: str | None, baseline: str | None, period: str | None,
                  source: str | None, order: str | None) -> tuple:
    sid, mid = picked_id(service), picked_id(pick)

    def work(s: Session, u: Any) -> tuple[str, list[MetricRow]]:
        if action == "save":
            form = commands.MetricForm(
                name or "", kind or "", unit or "", bool(higher),
                tuple((categories or "").splitlines()), number(baseline, "the baseline", "250"),
                period, source, _order(order), bool(headline))
            commands.save_metric(s, u, sid or 0, form, mid)
            done = "Metric saved."
        elif mid is None:
            raise AdminError("Choose a metric first")
        elif action == "retire":
            commands.retire_metric(s, u, mid)
            done = "Metric retired: it has left the return form; its figures stay in the history."
        elif action == "restore":
            commands.retire_metric(s, u, mid, active=True)
            done = "Metric brought back onto the return form."
        else:
            commands.delete_metric(s, u, mid)
            done = "Metric deleted."
        return done, views.metrics(s, u, sid or 0)

    ok, result = run_admin(f"{action} metric", work)
    if not ok:
        return result, no_update, no_update, no_update, *[no_update] * len(FIELDS)
    done, rows = result
    # After a new metric (or a deletion) the form is empty for the next one; a metric being
    # edited stays loaded.
    fresh = (action == "save" and mid is None) or action == "delete"
    form = (NEW, *BLANK) if fresh else (no_update,) * (len(FIELDS) + 1)
    return (message(done), metric_table(rows),
            options([(m.id, m.name) for m in rows], "Add a new metric"), *form)


def _order(text: str | None) -> int | None:
    """The display order typed, or None (after the others) when blank."""
    value = number(text, "the display order", "3", whole=True)
    return None if value is None else int(value)


def register(app: Dash) -> None:
    cb = app.callback
    cb(Output(ids.ADM_MET_LIST, "children"), Output(ids.ADM_MET_PICK, "options"),
       Input(ids.ADM_MET_SERVICE, "value"))(list_metrics)
    cb(*[Output(f, "value") for f in FIELDS], Input(ids.ADM_MET_PICK, "value"),
       prevent_initial_call=True)(load_metric)
    cb(Output(ids.ADM_MET_MSG, "children"), Output(ids.ADM_MET_LIST, "children", allow_duplicate=True),
       Output(ids.ADM_MET_PICK, "options", allow_duplicate=True),
       Output(ids.ADM_MET_PICK, "value"),
       *[Output(f, "value", allow_duplicate=True) for f in FIELDS],
       *[Input(b, "n_clicks") for b in BUTTONS], State(ids.ADM_MET_SERVICE, "value"),
       State(ids.ADM_MET_PICK, "value"), *[State(f, "value") for f in FIELDS],
       prevent_initial_call=True)(
        lambda _a, _b, _c, _d, *a: metric_action(BUTTONS[ctx.triggered_id], *a))

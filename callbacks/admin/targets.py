"""A service's targets for a year on the admin page: one editable grid, split, copy, save."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from sqlalchemy.orm import Session

from callbacks.admin.guard import number, picked_id, run_admin
from layouts import ids
from layouts.admin import message
from models.access import record_id, require_admin
from models.admin import targets as commands
from models.admin.targets import TargetRow
from models.rules.periods import parse_year_label

TRIGGERS = {ids.ADM_TGT_SPLIT: "split", ids.ADM_TGT_COPY: "copy", ids.ADM_TGT_SAVE: "save"}


def _grid(rows: list[TargetRow]) -> list[dict]:
    return [{"metric_id": r.metric_id, "metric": r.metric, "unit": r.unit, "annual": r.annual,
             **{f"q{q}": v for q, v in enumerate(r.quarters, start=1)}} for r in rows]


def _rows(grid: list[dict] | None) -> list[TargetRow]:
    rows = []
    for g in grid or []:
        if not isinstance(g, dict) or "metric_id" not in g:
            raise ValueError("The targets table is out of date; reload the page and try again.")
        values = []
        for key in ("annual", "q1", "q2", "q3", "q4"):
            raw = g.get(key)
            values.append(None if raw in (None, "") else number(str(raw), f"{g.get('metric')} {key}"))
        rows.append(TargetRow(record_id(g["metric_id"]), str(g.get("metric", "")),
                              str(g.get("unit", "count")), values[0], values[1:]))
    return rows


def target_action(action: str, service: str | None, year_text: str | None,
                  grid: list[dict] | None) -> tuple:
    sid = picked_id(service)
    try:
        year = parse_year_label(year_text or "")
    except ValueError as exc:
        return no_update, message(str(exc), ok=False)
    if sid is None:
        return [], ""

    def work(s: Session, u: Any) -> tuple[list[dict], str]:
        require_admin(u, "set targets")
        if action == "split":
            return (_grid(commands.split_evenly(_rows(grid))),
                    "Quarters filled from the annual targets: save to keep them.")
        if action == "copy":
            return (_grid(commands.copy_last_year(s, sid, year)),
                    "Last year's targets copied in: save to keep them.")
        if action == "save":
            commands.save_targets(s, u, sid, year, _rows(grid))
            return _grid(commands.target_rows(s, sid, year)), "Targets saved."
        return _grid(commands.target_rows(s, sid, year)), ""

    ok, result = run_admin(f"{action} targets", work)
    if not ok:
        return no_update, result
    rows, text = result
    return rows, message(text) if text else ""


def register(app: Dash) -> None:
    app.callback(Output(ids.ADM_TGT_GRID, "rowData"), Output(ids.ADM_TGT_MSG, "children"),
                 Input(ids.ADM_TGT_SERVICE, "value"), Input(ids.ADM_TGT_YEAR, "value"),
                 *[Input(b, "n_clicks") for b in TRIGGERS], State(ids.ADM_TGT_GRID, "rowData"))(
        lambda service, year, _a, _b, _c, grid: target_action(
            TRIGGERS.get(ctx.triggered_id, "load"), service, year, grid))

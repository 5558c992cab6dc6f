"""A service's targets for a year on the admin page: one editable grid, split, copy, save."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from sqlalchemy.orm import Session

from callbacks.admin.guard import number, picked_id, run_admin
from layouts import ids
from layouts.admin import message, warning
from models.access import record_id, require_admin
from models.admin import targets as commands
from models.admin.targets import TargetRow
from models.rules.periods import parse_year_label

TRIGGERS = {ids.ADM_TGT_SPLIT: "split", ids.ADM_TGT_COPY: "copy", ids.ADM_TGT_SAVE: "save",
            ids.ADM_TGT_SAVE_ANYWAY: "save anyway"}
QUARTERS = {"annual": None, "q1": 1, "q2": 2, "q3": 3, "q4": 4}


def _grid(rows: list[TargetRow]) -> list[dict]:
    return [{"metric_id": r.metric_id, "metric": r.metric, "unit": r.unit, "annual": r.annual,
             **{f"q{q}": v for q, v in enumerate(r.quarters, start=1)}} for r in rows]


def _rows(grid: list[dict] | None) -> list[TargetRow]:
    rows = []
    for g in grid or []:
        if not isinstance(g, dict) or "metric_id" not in g:
            raise ValueError("The targets table is out of date; reload the page and try again.")
        metric, unit = str(g.get("metric", "")), str(g.get("unit", "count"))
        values = []
        for key, quarter in QUARTERS.items():
            raw = g.get(key)
            which = f"the {'annual' if quarter is None else f'Q{quarter}'} target for {metric}"
            # A count is whole (like the returns' figures); a percentage may have decimals.
            # The unit is the browser's here, for the message; the model checks the stored one.
            values.append(None if raw in (None, "") else number(
                str(raw), which, "12" if unit == "count" else "75", whole=unit == "count"))
        rows.append(TargetRow(record_id(g["metric_id"]), metric, unit, values[0], values[1:]))
    return rows


def target_action(action: str, service: str | None, year_text: str | None,
                  grid: list[dict] | None) -> tuple:
    """(grid rows, message, whether "Save anyway" stays hidden)."""
    sid = picked_id(service)
    try:
        year = parse_year_label(year_text or "")
    except ValueError as exc:
        return no_update, message(str(exc), ok=False), True
    if sid is None:
        return [], "", True

    def work(s: Session, u: Any) -> tuple[Any, Any, bool]:
        require_admin(u, "set targets")
        if action == "split":
            return (_grid(commands.split_evenly(_rows(grid))),
                    message("Quarters filled from the annual targets: save to keep them."), True)
        if action == "copy":
            return (_grid(commands.copy_last_year(s, sid, year)),
                    message("Last year's targets copied in: save to keep them."), True)
        if action == "save":
            rows = commands.checked_rows(s, sid, _rows(grid))
            disagree = [w for w in map(commands.quarters_disagree, rows) if w]
            if disagree:
                # Nothing saved yet: the admin decides (the button below the warning).
                return no_update, warning(disagree, "Save anyway or change them."), False
        if action in ("save", "save anyway"):
            commands.save_targets(s, u, sid, year, _rows(grid))
            return _grid(commands.target_rows(s, sid, year)), message("Targets saved."), True
        return _grid(commands.target_rows(s, sid, year)), "", True

    ok, result = run_admin(f"{action} targets", work)
    if not ok:
        return no_update, result, True
    return result


def register(app: Dash) -> None:
    app.callback(Output(ids.ADM_TGT_GRID, "rowData"), Output(ids.ADM_TGT_MSG, "children"),
                 Output(ids.ADM_TGT_SAVE_ANYWAY, "hidden"),
                 Input(ids.ADM_TGT_SERVICE, "value"), Input(ids.ADM_TGT_YEAR, "value"),
                 *[Input(b, "n_clicks") for b in TRIGGERS], State(ids.ADM_TGT_GRID, "rowData"))(
        lambda service, year, _a, _b, _c, _d, grid: target_action(
            TRIGGERS.get(ctx.triggered_id, "load"), service, year, grid))

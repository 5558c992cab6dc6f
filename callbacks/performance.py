"""Performance table page: rows for the grid and the download links."""

from __future__ import annotations

import datetime as dt

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from sqlalchemy.orm import Session

from callbacks.common import require_user, today, transaction, view_query
from callbacks.navigation import show, view_outputs, view_title
from dash_app.cache import cached
from exports.context import pack_disclosure
from layouts import ids
from models.access import AccessRefused, Audience, audience_of
from models.reporting.cells import row_cells
from models.reporting.performance import COLUMNS, performance_table
from models.reporting.publication import row_masks
from models.rules.periods import parse_quarter, parse_year_label, quarter_label, year_label


def update_performance(year_text: str | None, period_text: str | None, provisional: bool | None,
                       publish: bool | None) -> tuple:
    try:
        user = require_user()
        audience = audience_of(user)  # an account that may see nothing is told so
        year = parse_year_label(year_text or "")
        quarter = parse_quarter(period_text or "year")
    except (AccessRefused, ValueError) as exc:
        return str(exc), [], no_update, no_update, no_update, no_update
    with transaction() as session:
        rows, provisional_shown = cached(session, grid_rows, audience, year, quarter, today(),
                                         bool(provisional), bool(publish))
    heading = quarter_label(year, quarter) if quarter else f"The whole of {year_label(year)}"
    if provisional_shown:  # only when a figure in the table is provisional
        heading += " (provisional)"
    if publish:
        heading += " · publication mode"
    query = view_query(year=year_text, quarter=f"Q{quarter}" if quarter else "year",
                       provisional=bool(provisional), publish=bool(publish))
    return (heading, rows, f"/export/performance.xlsx?{query}", f"/export/performance.csv?{query}",
            f"/export/performance.pdf?{query}",
            *show(query, performance_title(year_text, f"Q{quarter}" if quarter else None)))


def performance_title(year: str, quarter: str | None) -> str:
    """'Performance table, Q2 2025/26', or for the whole year 'Performance table, 2025/26'."""
    return view_title("Performance table", f"{quarter} {year}" if quarter else year)


def grid_rows(session: Session, audience: Audience, year: int, quarter: int | None, today: dt.date,
              provisional: bool, publish: bool) -> tuple[list[dict[str, str]], bool]:
    """The grid's rows as text, with what a published pack hides withheld, and whether any
    figure is provisional. Cached whole: the text is a fifth of the table's size to keep and
    much quicker to read back."""
    table = performance_table(session, audience, year, quarter, today, include_submitted=provisional)
    masks = row_masks(table, pack_disclosure(session, table, publish))
    return ([dict(zip(COLUMNS, row_cells(r, m), strict=True)) for r, m in zip(table.rows, masks, strict=True)],
            table.provisional_shown)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.PERF_HEADING, "children"),
        Output(ids.PERF_GRID, "rowData"),
        Output(ids.PERF_XLSX, "href"),
        Output(ids.PERF_CSV, "href"),
        Output(ids.PERF_PDF, "href"),
        *view_outputs(),
        Input(ids.PERF_YEAR, "value"),
        Input(ids.PERF_QUARTER, "value"),
        Input(ids.PERF_PROVISIONAL, "value"),
        Input(ids.PERF_PUBLISH, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_performance)
    # Showing the Priority and Provider columns changes no data: the browser does it alone.
    app.clientside_callback(
        ClientsideFunction(namespace="performanceGrid", function_name="columns"),
        Output(ids.PERF_GRID, "columnDefs"),
        Input(ids.PERF_SHOW_GROUPS, "value"),
        State(ids.PERF_GRID, "columnDefs"),
    )

"""Performance table page: rows for the grid, and its downloads built as background jobs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from dash import ClientsideFunction, Dash, Input, Output, State, callback_context, dcc, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.orm import Session

from callbacks.common import audit_refusal, chart_cache_dir, require_user, today, transaction, view_query
from callbacks.navigation import show, view_outputs, view_title
from dash_app.cache import Failed, Preparing, cached, chart_store, prepared
from dash_app.export_files import export_store
from dash_app.jobs import job_user, still_signed_in
from exports.build import MEDIA_TYPES, build_export, export_filename, stored_export
from exports.context import pack_disclosure
from exports.errors import ExportUnavailable
from exports.stored import FORMATS as KEPT
from layouts import ids
from layouts.performance import FAILED_WORDS, working_words
from models.access import AccessRefused, Audience, audience_of
from models.reporting.cells import row_cells
from models.reporting.overview import metrics_in_view
from models.reporting.performance import COLUMNS, performance_table
from models.reporting.publication import row_masks
from models.rules.periods import parse_quarter, parse_year_label, quarter_label, year_label

# Above this many metrics the table is worked out in the background, once per data version
# (dash_app.cache.prepared), while the page says so: a county's 4,342 take under a second in
# the request, a national body's 132,666 11-21 s (benchmarks/README.md).
BACKGROUND_METRICS = 20_000


def performance_view(year_text: str | None, period_text: str | None, provisional: bool | None,
                     publish: bool | None, poll: bool = False) -> tuple:
    """(heading, the grid's rows, what is being worked out in words, the poll switched off,
    the view's record) for the chosen view; `poll`: the page asking again while a large
    table is worked out (nothing changes until it is there)."""
    try:
        user = require_user()
        audience = audience_of(user)  # an account that may see nothing is told so
        year = parse_year_label(year_text or "")
        quarter = parse_quarter(period_text or "year")
    except (AccessRefused, ValueError) as exc:
        return str(exc), [], "", True, no_update
    query = view_query(year=year_text, quarter=f"Q{quarter}" if quarter else "year",
                       provisional=bool(provisional), publish=bool(publish))
    record = show(query, performance_title(year_text, f"Q{quarter}" if quarter else None))[0]
    with transaction() as session:
        metrics = metrics_in_view(session, audience)
        fetch = prepared if metrics > BACKGROUND_METRICS else cached
        found = fetch(session, grid_rows, audience, year, quarter, today(), bool(provisional),
                      bool(publish))
    heading = quarter_label(year, quarter) if quarter else f"The whole of {year_label(year)}"
    if isinstance(found, Preparing):
        if poll:
            return no_update, no_update, no_update, False, no_update
        return (heading, [], working_words(metrics, found.waited()), False, record)
    if isinstance(found, Failed):
        return heading, [], FAILED_WORDS, True, record
    rows, provisional_shown = found
    if provisional_shown:  # only when a figure in the table is provisional
        heading += " (provisional)"
    if publish:
        heading += " · publication mode"
    return heading, rows, "", True, record


def update_performance(year_text: str | None, period_text: str | None, provisional: bool | None,
                       publish: bool | None) -> tuple:
    """The heading, the grid's rows and the view's record (the URL follows it)."""
    heading, rows, _, _, record = performance_view(year_text, period_text, provisional, publish)
    return heading, rows, record


def on_performance(year_text: object, period_text: object, provisional: object, publish: object,
                   _poll: object) -> tuple:
    return performance_view(year_text if isinstance(year_text, str) else None,
                            period_text if isinstance(period_text, str) else None,
                            provisional is True, publish is True,
                            poll=callback_context.triggered_id == ids.PERF_POLL)


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
        Output(ids.PERF_WORKING, "children"),
        Output(ids.PERF_POLL, "disabled"),
        *view_outputs(),
        Input(ids.PERF_YEAR, "value"),
        Input(ids.PERF_QUARTER, "value"),
        Input(ids.PERF_PROVISIONAL, "value"),
        Input(ids.PERF_PUBLISH, "value"),
        Input(ids.PERF_POLL, "n_intervals"),
        prevent_initial_call="initial_duplicate",
    )(on_performance)
    # Showing the Priority and Provider columns changes no data: the browser does it alone.
    app.clientside_callback(
        ClientsideFunction(namespace="performanceGrid", function_name="columns"),
        Output(ids.PERF_GRID, "columnDefs"),
        Input(ids.PERF_SHOW_GROUPS, "value"),
        State(ids.PERF_GRID, "columnDefs"),
    )
    # A download: the request that starts it returns at once; the renderer then asks for its
    # progress every half second until the file is ready (dash_app/jobs.py runs it).
    app.callback(
        Output(ids.PERF_DOWNLOAD, "data"),
        Output(ids.PERF_JOB_RESULT, "children"),
        Output(ids.PERF_JOB_RESULT, "className"),
        Input(ids.PERF_XLSX, "n_clicks"),
        Input(ids.PERF_CSV, "n_clicks"),
        Input(ids.PERF_PDF, "n_clicks"),
        State(ids.PERF_YEAR, "value"),
        State(ids.PERF_QUARTER, "value"),
        State(ids.PERF_PROVISIONAL, "value"),
        State(ids.PERF_PUBLISH, "value"),
        background=True,
        progress=[Output(ids.PERF_JOB_BAR, "value"), Output(ids.PERF_JOB_STAGE, "children")],
        progress_default=[0, "Starting"],
        running=[
            *[(Output(button, "disabled"), True, False) for button in FORMATS],
            (Output(ids.PERF_JOB, "hidden"), False, True),
            (Output(ids.PERF_JOB_RESULT, "hidden"), True, False),
        ],
        cancel=[Input(ids.PERF_JOB_CANCEL, "n_clicks")],
        interval=500,
        prevent_initial_call=True,
    )(build_download)
    # Cancel stops the job (Dash ends its process or Celery task); the page says so.
    app.clientside_callback(
        ClientsideFunction(namespace="downloads", function_name="cancelled"),
        Output(ids.PERF_JOB_RESULT, "children", allow_duplicate=True),
        Output(ids.PERF_JOB_RESULT, "className", allow_duplicate=True),
        Input(ids.PERF_JOB_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )


FORMATS = {ids.PERF_XLSX: "xlsx", ids.PERF_CSV: "csv", ids.PERF_PDF: "pdf"}
WHAT = {"xlsx": "The Excel workbook", "csv": "The CSV file", "pdf": "The meeting pack"}
BUILDING = {"xlsx": "Building the Excel workbook", "csv": "Building the CSV file",
            "pdf": "Building the meeting pack"}
# Where each stage of a build (exports/build.py, exports/pdf_pack.py) takes the bar, in
# percent: from, to (moved across by "done of total" when the stage counts). Drawing the
# charts is most of a pack's time.
STAGE_SPANS = {"Reading the figures": (2, 5), "Reading each service's figures": (5, 20),
               "Drawing charts": (20, 88), "Laying out the pages": (90, 98),
               "Writing the workbook": (40, 90), "Writing the CSV file": (40, 90),
               "Sending the file already made from these figures": (90, 90),
               "Sending it to you": (100, 100)}
PROBLEM = "job-result job-result-problem"
DONE = "job-result"
log = logging.getLogger(__name__)


def stage_words(fmt: str, stage: str, done: int, total: int) -> str:
    """'Building the meeting pack. Drawing charts: 12 of 80'."""
    return f"{BUILDING[fmt]}. {stage}: {done} of {total}" if total else f"{BUILDING[fmt]}. {stage}"


def stage_percent(stage: str, done: int, total: int) -> int:
    start, end = STAGE_SPANS.get(stage, (0, 0))
    return round(start + (end - start) * done / total) if total else start


def build_download(set_progress: Callable[[list], None], _xlsx: int | None, _csv: int | None,
                   _pdf: int | None, year_text: str | None, period_text: str | None,
                   provisional: bool | None, publish: bool | None) -> tuple:
    """A background job (dash_app/jobs.py): the file whose button was pressed, built as the
    user who pressed it — checked here, in the job, by the same rules as every request and
    as the export route — with its progress in words. Every outcome is a sentence."""
    fmt = FORMATS.get(callback_context.triggered_id)  # type: ignore[arg-type]
    if fmt is None:
        raise PreventUpdate

    def report(stage: str, done: int, total: int) -> None:
        set_progress([stage_percent(stage, done, total), stage_words(fmt, stage, done, total)])

    try:
        year = parse_year_label(year_text or "")
        quarter = parse_quarter(period_text or "year")
    except ValueError as exc:
        return None, f"{WHAT[fmt]} was not built: {exc}", PROBLEM
    try:
        with job_user() as user:
            try:
                with transaction() as session:
                    # A CSV or workbook already made for these figures and this scope is
                    # read from disk (exports.stored); one built here is kept for the next.
                    body = (stored_export(session, user, fmt, year, quarter, today(),
                                          export_store(), include_submitted=bool(provisional),
                                          publish=bool(publish), progress=report)
                            if fmt in KEPT else
                            build_export(session, user, fmt, year, quarter, today(),
                                         include_submitted=bool(provisional),
                                         publish=bool(publish), progress=report,
                                         chart_store=chart_store(chart_cache_dir())))
            except AccessRefused as exc:
                audit_refusal(user, f"export performance.{fmt}", exc, "export")
                raise
            if not still_signed_in(user):
                raise AccessRefused("You were signed out while it was being built. Sign in "
                                    "again, then ask for it once more.")
    except AccessRefused as exc:
        return None, f"{WHAT[fmt]} was not built: {exc}", PROBLEM
    except ExportUnavailable as exc:
        return None, f"{WHAT[fmt]} was not built: {exc}", PROBLEM
    except Exception:  # a job's failure reaches the page as words, never a traceback
        log.exception("A download job failed")
        return None, (f"{WHAT[fmt]} was not built: something went wrong on the server. Try again "
                      "in a minute; if it keeps happening, tell the lead officer."), PROBLEM
    name = export_filename(fmt, year, quarter)
    report("Sending it to you", 0, 0)
    return (dcc.send_bytes(body, name, type=MEDIA_TYPES[fmt]),
            f"{WHAT[fmt]} is ready: {name} is in your downloads.", DONE)

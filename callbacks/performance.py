"""Performance table page: its view (a page of the table's rows, found, filtered and sorted on
the server: models.reporting.performance_view), and its downloads built as background jobs.
The page comes drawn with the page of rows its URL names (the router calls `view_from_url`);
a filter chosen, a search, a heading's sort button or Previous/Next asks `performance_view`
for the page they now name, which redraws the table's body, the headings' aria-sort, the
caption, the pager and the record of the view (so the address bar follows and Back redraws
it: callbacks/navigation.py). Every value from the browser is checked here.

A national body's table (above BACKGROUND_METRICS measures) is worked out in the background,
once per data version (dash_app.cache.prepared): meanwhile the page says so and asks again
every two seconds (ids.PERF_POLL), and draws the page its URL named once the rows are there."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import NamedTuple

from dash import ALL as EVERY
from dash import ClientsideFunction, Dash, Input, Output, State, callback_context, ctx, dcc, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.orm import Session

from callbacks.common import audit_refusal, chart_cache_dir, require_user, today, transaction, view_query
from callbacks.navigation import (  # noqa: F401 - PREVIOUS and NEXT: the table's actions
    NEXT,
    POLL,
    PREVIOUS,
    moved,
    page_drawn,
    show,
    table_action,
    user_acted,
    view_outputs,
    view_title,
)
from dash_app import cache as cache_rules
from dash_app.cache import Failed, Preparing, cached, chart_store, prepared
from dash_app.export_files import export_store
from dash_app.jobs import job_user, still_signed_in
from exports.build import MEDIA_TYPES, build_export, export_filename, stored_export
from exports.context import pack_disclosure
from exports.errors import ExportUnavailable
from exports.stored import FORMATS as KEPT
from layouts import ids
from layouts.filters import ALL
from layouts.paging import page_of
from layouts.performance import (
    FAILED_WORDS,
    SORT_BUTTON,
    SORT_TH,
    caption_text,
    page_words,
    priority_options,
    table_rows,
    view_store,
    working_words,
)
from models.access import AccessRefused, Audience, audience_of
from models.reporting.cells import row_cells
from models.reporting.overview import metrics_in_view
from models.reporting.performance import COLUMNS, performance_table
from models.reporting.performance_view import (
    COLUMN_KEYS,
    PAGE_SIZES,
    PerfFilters,
    PerfPage,
    asked_filters,
    chosen_filters,
    priority_choices,
    priority_value,
    size_of,
    view_page,
)
from models.reporting.publication import row_masks
from models.rules.periods import parse_quarter, parse_year_label, quarter_label, year_label
from models.rules.table_view import ColumnSort, parse_sort, sort_state, sort_text


class PerfShown(NamedTuple):
    """A view of the table, ready to draw: its heading, its page of rows, and the checked
    values it was drawn for (the URL and the page's store keep them); `working`: what the
    page says while a national table is worked out (or that working it out failed), with
    no rows yet; "" once they are there. `polling`: the page asks again until they are."""

    heading: str
    page: PerfPage
    chosen: PerfFilters
    order: ColumnSort
    size: int
    priorities: list[str]
    query: str
    title: str
    working: str = ""
    polling: bool = False


def performance_heading(year: int, quarter: int | None, provisional_shown: bool, publish: bool) -> str:
    """'Q3 2025/26 (provisional) · publication mode', or 'The whole of 2025/26'."""
    heading = quarter_label(year, quarter) if quarter else f"The whole of {year_label(year)}"
    if provisional_shown:  # only when a figure in the table is provisional
        heading += " (provisional)"
    if publish:
        heading += " · publication mode"
    return heading


def view_search(year: int, quarter: int | None, provisional: bool, publish: bool,
                chosen: PerfFilters, order: ColumnSort, page: int, size: int) -> str:
    """The view's query, as the URL keeps it (defaults left out)."""
    return view_query(year=year_label(year), quarter=f"Q{quarter}" if quarter else "year",
                      provisional=provisional, publish=publish, find=chosen.find or None,
                      rag=chosen.rag, priority=priority_value(chosen.priority), sort=sort_text(order),
                      page=page if page > 1 else None,
                      size=size if size != PAGE_SIZES[0] else None)


def _title(year: int, quarter: int | None) -> str:
    return performance_title(year_label(year), f"Q{quarter}" if quarter else None)


def shown_view(year_text: object, period_text: object, provisional: bool, publish: bool,
               find: object, rag: object, priority: object, order: ColumnSort, page: int,
               size: int) -> PerfShown:
    """The page of the signed-in user's table for this view: the rows its audience may see
    (computed and cached whole by `grid_rows`; a national table worked out in the
    background), found, filtered, sorted and paged. Raises AccessRefused (signed out, or an
    account that may see nothing) or ValueError (a year or quarter that is not one)."""
    user = require_user()
    audience = audience_of(user)  # an account that may see nothing is told so
    year = parse_year_label(year_text if isinstance(year_text, str) else "")
    quarter = parse_quarter(period_text if isinstance(period_text, str) else "year")
    with transaction() as session:
        metrics = metrics_in_view(session, audience)
        fetch = prepared if metrics > cache_rules.BACKGROUND_METRICS else cached
        found = fetch(session, grid_rows, audience, year, quarter, today(), provisional, publish)
    if isinstance(found, Preparing | Failed):
        # No rows yet: the view as asked (the priority checked once they are there), its page
        # kept for when they are.
        asked = asked_filters(rag, priority, find)
        preparing = isinstance(found, Preparing)
        return PerfShown(performance_heading(year, quarter, False, publish),
                         PerfPage([], 0, 0, 0, page, page), asked, order, size,
                         [asked.priority] if asked.priority else [],
                         view_search(year, quarter, provisional, publish, asked, order, page, size),
                         _title(year, quarter),
                         working_words(metrics, found.waited()) if preparing else FAILED_WORDS,
                         polling=preparing)
    rows, provisional_shown = found
    chosen = chosen_filters(rows, rag, priority, find)
    drawn = view_page(rows, chosen, order, page, size)
    return PerfShown(performance_heading(year, quarter, provisional_shown, publish), drawn, chosen,
                     order, size, priority_choices(rows),
                     view_search(year, quarter, provisional, publish, chosen, order, drawn.page, size),
                     _title(year, quarter))


def view_from_url(params: dict[str, str], year_text: str, period_text: str) -> PerfShown:
    """The router's view for /performance?…: every value checked, the default for any other
    (the router has checked the year and quarter against those offered)."""
    return shown_view(year_text, period_text, params.get("provisional") == "1",
                      params.get("publish") == "1", params.get("find"), params.get("rag"),
                      params.get("priority"), parse_sort(params.get("sort"), SORT_KEYS),
                      page_of(params.get("page")), size_of(params.get("size")))


class ViewAnswer(NamedTuple):
    """`performance_view`'s outputs, the headings' aria-sort by column key."""

    heading: object
    body: object
    sorts: dict[str, str | None]
    caption: object
    pager: object
    previous_off: object
    next_off: object
    priority_options: object
    stored: object
    working: object
    poll_off: object
    record: object


SORT_KEYS = tuple(COLUMN_KEYS.values())
NOTHING = ViewAnswer(*(no_update,) * 12)


def _choice(value: object) -> object:
    """A select's value: "all" is no filter."""
    return None if value == ALL else value


def performance_view(year_text: object, period_text: object, provisional: object, publish: object,
                     find: object, rag: object, priority: object, size: object, action: object,
                     stored: object) -> ViewAnswer:
    """The table for the view chosen and the `action` taken (PREVIOUS, NEXT, ("sort", a
    column's key), POLL, or None for a filter: its first page), from the page's store (its
    sort and page). Only the signed-in user's own rows; anything unreadable is a default."""
    stored = stored if isinstance(stored, dict) else {}
    order, page = moved(parse_sort(stored.get("sort"), SORT_KEYS), page_of(stored.get("page")),
                        action, SORT_KEYS)
    try:
        shown = shown_view(year_text, period_text, provisional is True, publish is True, find,
                           _choice(rag), _choice(priority), order, page, size_of(size))
    except (AccessRefused, ValueError) as exc:
        return NOTHING._replace(heading=str(exc), body=[], sorts={}, pager="No rows to show.",
                                previous_off="true", next_off="true", working="", poll_off=True)
    if shown.polling and action == POLL:
        return NOTHING._replace(poll_off=False)  # still working: nothing new to say (nor read out)
    drawn = shown.page
    return ViewAnswer(
        shown.heading,
        table_rows(drawn.rows, working=bool(shown.working)),
        {key: sort_state(shown.order, key) for key in SORT_KEYS},
        caption_text(shown.heading, shown.order),
        page_words(drawn, working=bool(shown.working)),
        "true" if drawn.page <= 1 else "false",
        "true" if drawn.page >= drawn.pages else "false",
        priority_options(shown.priorities),
        view_store(shown.order, drawn.page, shown.size),
        shown.working,
        not shown.polling,
        *show(shown.query, shown.title),
    )


def drawn_record(year_text: object, period_text: object, provisional: object, publish: object,
                 find: object, rag: object, priority: object, stored: object) -> object:
    """The view record of the table as the router drew it, from its filters and store: nothing
    read (the router has just checked and drawn them); no change for values it did not
    write."""
    try:
        require_user()
        year = parse_year_label(year_text if isinstance(year_text, str) else "")
        quarter = parse_quarter(period_text if isinstance(period_text, str) else "year")
    except (AccessRefused, ValueError):
        return no_update
    stored = stored if isinstance(stored, dict) else {}
    search = view_search(year, quarter, provisional is True, publish is True,
                         asked_filters(_choice(rag), _choice(priority), find),
                         parse_sort(stored.get("sort"), SORT_KEYS), page_of(stored.get("page")),
                         size_of(stored.get("size")))
    return show(search, _title(year, quarter))[0]


def on_change(year_text: object, period_text: object, provisional: object, publish: object,
              find: object, rag: object, priority: object, size: object, _sorts: object,
              _previous: object, _next: object, _poll: object, stored: object) -> tuple:
    """`performance_view` for what the user did (or the poll); nothing when the user did
    nothing. As the router draws the page (which came drawn for its URL: page 3 of
    /performance?page=3), only the record of the view as drawn: assets/navigation.js counts
    on this first answer to put the view in the address bar in place, so that the user's
    first change is a new history entry."""
    headings = ctx.outputs_list[2]
    unchanged = [no_update] * len(headings)
    if page_drawn():
        record = drawn_record(year_text, period_text, provisional, publish, find, rag, priority,
                              stored)
        return (no_update, no_update, unchanged, *NOTHING[3:-1], record)
    if not user_acted():
        return (no_update, no_update, unchanged, *NOTHING[3:])
    answer = performance_view(year_text, period_text, provisional, publish, find, rag, priority,
                              size, POLL if ctx.triggered_id == ids.PERF_POLL
                              else table_action(ids.PERF_PREV, ids.PERF_NEXT, SORT_BUTTON), stored)
    sorts = [answer.sorts.get(h["id"]["column"]) if answer.sorts else no_update for h in headings]
    return (answer.heading, answer.body, sorts, *answer[3:])


def performance_title(year: str, quarter: str | None) -> str:
    """'Performance table, Q2 2025/26', or for the whole year 'Performance table, 2025/26'."""
    return view_title("Performance table", f"{quarter} {year}" if quarter else year)


def grid_rows(session: Session, audience: Audience, year: int, quarter: int | None, today: dt.date,
              provisional: bool, publish: bool) -> tuple[list[dict[str, str]], bool]:
    """The table's rows as text, with what a published pack hides withheld, and whether any
    figure is provisional. Cached whole: the text is a fifth of the table's size to keep and
    much quicker to read back."""
    table = performance_table(session, audience, year, quarter, today, include_submitted=provisional)
    masks = row_masks(table, pack_disclosure(session, table, publish))
    return ([dict(zip(COLUMNS, row_cells(r, m), strict=True)) for r, m in zip(table.rows, masks, strict=True)],
            table.provisional_shown)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.PERF_HEADING, "children"),
        Output(ids.PERF_BODY, "rows"),
        Output({"type": SORT_TH, "column": EVERY}, "aria-sort"),
        Output(ids.PERF_CAPTION, "children"),
        Output(ids.PERF_PAGE_STATUS, "children"),
        Output(ids.PERF_PREV, "aria-disabled"),
        Output(ids.PERF_NEXT, "aria-disabled"),
        Output(ids.PERF_PRIORITY, "options"),
        Output(ids.PERF_VIEW, "data"),
        Output(ids.PERF_WORKING, "children"),
        Output(ids.PERF_POLL, "disabled"),
        *view_outputs(),
        Input(ids.PERF_YEAR, "value"),
        Input(ids.PERF_QUARTER, "value"),
        Input(ids.PERF_PROVISIONAL, "value"),
        Input(ids.PERF_PUBLISH, "value"),
        Input(ids.PERF_FIND, "value"),
        Input(ids.PERF_RAG, "value"),
        Input(ids.PERF_PRIORITY, "value"),
        Input(ids.PERF_PAGE_SIZE, "value"),
        Input({"type": SORT_BUTTON, "column": EVERY}, "n_clicks"),
        Input(ids.PERF_PREV, "n_clicks"),
        Input(ids.PERF_NEXT, "n_clicks"),
        Input(ids.PERF_POLL, "n_intervals"),
        State(ids.PERF_VIEW, "data"),
        prevent_initial_call=True,
    )(on_change)
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

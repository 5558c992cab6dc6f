"""What needs attention: the exception report for the chosen quarter.

A partnership's report is worked out in the request and drawn whole. A county's or a national
body's is thousands of charts (4,342 and 132,666: seconds and minutes of work), so above
BACKGROUND_CHARTS it is worked out once per data version in the background
(dash_app.cache.prepared) while the page says so and asks again every two seconds; and above
layouts.attention.LINE_LIMIT lines the page counts them by priority and lists them a page at
a time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from dash import Dash, Input, Output, State, ctx, html, no_update

from callbacks.common import quarter_view, today, transaction, view_query
from callbacks.navigation import POLL, page_drawn, show, view_outputs, view_title
from dash_app.cache import Failed, Preparing, cached, prepared_or_earlier
from layouts import ids
from layouts.attention import (
    FAILED_WORDS,
    LINE_LIMIT,
    attention_body,
    attention_summary,
    earlier_words,
    lines_last_page,
    lines_page,
    lines_pager_text,
    priority_options,
    working_words,
)
from layouts.filters import ALL
from layouts.paging import NEXT, PREVIOUS, page_of, turned
from models.access import AccessRefused
from models.reporting.attention import (
    AttentionReport,
    attention_report,
    lines_in_order,
    priority_counts,
    still_visible,
)
from models.reporting.overview import metrics_in_view
from models.rules.formats import format_time
from models.rules.periods import quarter_label
from models.rules.slugs import find_name, slugify

PAGE_TITLE = "What needs attention"
# Above this many charts the report is worked out in the background: a county's 4,342 took
# 4.5-6.7 s cold in the request, a national body's 132,666 about 150 s; the demo's 40 well
# under a second (benchmarks/README.md).
BACKGROUND_CHARTS = 1000


class AttentionAnswer(NamedTuple):
    """The callback's outputs, in the registered order."""

    body: object
    paged_hidden: object = True
    options: object = no_update
    lines: object = ()
    page_status: object = no_update
    previous_off: object = no_update
    next_off: object = no_update
    stored: object = no_update
    poll_off: object = True
    record: object = no_update


NOTHING = AttentionAnswer(*(no_update,) * len(AttentionAnswer._fields))
MAX_PRIORITY_TEXT = 200  # longer than any priority's name: anything longer names none


def _chosen_priority(value: object) -> str | None:
    """A priority's slug (or, from an old link, its name) from the select or the URL; checked
    against the report's own priorities once it is there (one it does not have is every
    priority)."""
    if isinstance(value, str) and value and value != ALL and len(value) <= MAX_PRIORITY_TEXT:
        return value
    return None


def attention_view(year_text: str | None, quarter_text: str | None, provisional: bool | None = False,
                   priority: object = None, action: object = None,
                   stored: object = None) -> AttentionAnswer:
    """The report for the chosen year and quarter as the signed-in user may see it: whole,
    or (a long one) its counts by priority and the page of lines that `action` (PREVIOUS,
    NEXT; POLL or None keep the stored page; anything else is a filter: the first page)
    turns to; or, while it is worked out, a sentence saying so."""
    try:
        audience, year, quarter = quarter_view(year_text, quarter_text)
    except (AccessRefused, ValueError) as exc:
        return AttentionAnswer([html.P(str(exc), className="field-error")])
    provisional = bool(provisional)
    chosen = _chosen_priority(priority)
    page = page_of(stored.get("page") if isinstance(stored, dict) else None)
    page = page if action in (None, POLL) else turned(page, action)
    with transaction() as session:
        charts = metrics_in_view(session, audience)
        # While a new data version's report is worked out, the previous version's (for the
        # same audience and quarter) is shown, marked as such, if the cache still has it.
        fetch = prepared_or_earlier if charts > BACKGROUND_CHARTS else cached
        report = fetch(session, attention_report, audience, year, quarter, today(),
                       provisional=provisional)
        if (isinstance(report, Preparing) and report.earlier is not None
                and not still_visible(session, audience, report.earlier)):
            # The earlier report names a service this audience may no longer see.
            report = dataclasses.replace(report, earlier=None, earlier_at=None)

    def record(priority: str | None = None, page: int = 1) -> dict:
        return show(view_query(year=year_text, quarter=f"Q{quarter}", provisional=provisional,
                               priority=priority, page=page if page > 1 else None),
                    view_title(PAGE_TITLE, quarter_label(year, quarter)))[0]

    if isinstance(report, Preparing):
        if action == POLL:  # still working: nothing new to say (nor to read out again)
            return NOTHING._replace(poll_off=False)
        if report.earlier is None:
            return AttentionAnswer(working_words(charts, report.waited()), poll_off=False,
                                   record=record(chosen, page))
        drawn = _drawn(report.earlier, chosen, page, record)
        worked_out = format_time(dt.datetime.fromtimestamp(report.earlier_at or report.since))
        body = drawn.body if isinstance(drawn.body, list) else [drawn.body]
        # One flat list: a list inside children makes Dash draw the page again and again.
        return drawn._replace(body=[earlier_words(worked_out, charts, report.waited()), *body],
                              poll_off=False)
    if isinstance(report, Failed):
        return AttentionAnswer([html.P(FAILED_WORDS, className="field-error", role="alert")],
                               record=record(chosen, page))
    return _drawn(report, chosen, page, record)


def _drawn(report: AttentionReport, chosen: str | None, page: int,
           record: Callable[..., dict]) -> AttentionAnswer:
    """The report whole, or (a long one) its counts by priority and one page of lines."""
    if len(report.lines) <= LINE_LIMIT:
        return AttentionAnswer(attention_body(report), record=record())
    counts = priority_counts(report)
    # The select and the address name a priority by its slug; links made before, by its name.
    # One with no lines this quarter (an old link) is every priority.
    chosen = find_name(chosen, (c.priority for c in counts))
    lines = lines_in_order(report, chosen)
    page = min(page, lines_last_page(len(lines)))
    return AttentionAnswer(
        attention_summary(report, counts), False, priority_options(counts),
        lines_page(report, lines, page), lines_pager_text(page, len(lines)),
        "true" if page <= 1 else "false", "true" if page >= lines_last_page(len(lines)) else "false",
        {"page": page}, True, record(slugify(chosen) if chosen else None, page))


def update_attention(year_text: str | None, quarter_text: str | None,
                     provisional: bool | None = False) -> tuple:
    """The report (its sections, or a long one's counts by priority) and the view's record
    (the URL follows it: callbacks/navigation.py)."""
    answer = attention_view(year_text, quarter_text, provisional)
    return answer.body, answer.record


def _action() -> object:
    trigger = ctx.triggered_id
    return {ids.ATTENTION_PREV: PREVIOUS, ids.ATTENTION_NEXT: NEXT,
            ids.ATTENTION_POLL: POLL}.get(trigger, trigger)  # type: ignore[arg-type]


def on_attention(year_text: object, quarter_text: object, provisional: object, priority: object,
                 _previous: object, _next: object, _poll: object, stored: object) -> tuple:
    """Dash's call: the page drawn (the URL's page kept), a filter, a page turned, or the
    poll while the report is worked out."""
    triggered = [t.get("prop_id", "") for t in ctx.triggered]
    pressed = any(p.endswith(".n_clicks") for p in triggered)
    if pressed and not any(t.get("value") for t in ctx.triggered):
        return tuple(NOTHING)  # the buttons were drawn, not pressed
    action = None if page_drawn() or not ctx.triggered_id else _action()
    return tuple(attention_view(
        year_text if isinstance(year_text, str) else None,
        quarter_text if isinstance(quarter_text, str) else None,
        provisional is True, priority, action, stored))


def register(app: Dash) -> None:
    app.callback(
        Output(ids.ATTENTION_BODY, "children"),
        Output(ids.ATTENTION_PAGED, "hidden"),
        Output(ids.ATTENTION_PRIORITY, "options"),
        Output(ids.ATTENTION_LINES, "children"),
        Output(ids.ATTENTION_PAGE_STATUS, "children"),
        Output(ids.ATTENTION_PREV, "aria-disabled"),
        Output(ids.ATTENTION_NEXT, "aria-disabled"),
        Output(ids.ATTENTION_VIEW, "data"),
        Output(ids.ATTENTION_POLL, "disabled"),
        *view_outputs(),
        Input(ids.ATTENTION_YEAR, "value"),
        Input(ids.ATTENTION_QUARTER, "value"),
        Input(ids.ATTENTION_PROVISIONAL, "value"),
        Input(ids.ATTENTION_PRIORITY, "value"),
        Input(ids.ATTENTION_PREV, "n_clicks"),
        Input(ids.ATTENTION_NEXT, "n_clicks"),
        Input(ids.ATTENTION_POLL, "n_intervals"),
        State(ids.ATTENTION_VIEW, "data"),
        prevent_initial_call="initial_duplicate",
    )(on_attention)

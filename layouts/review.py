"""The lead officer's review queue: submitted returns, oldest first, laid out for deciding."""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.paging import pager, pager_text
from models.returns.lists import QueueItem, QueueRow
from models.rules.formats import format_date
from models.rules.slugs import find_id, url_value

ALL = "all"


def _unbroken(figure: str) -> str:
    """"84% (16 of 19)" may wrap after the percentage, never inside "16 of 19"."""
    return figure.replace(" of ", "\u00a0of\u00a0")


def _row(row: QueueRow, show_was: bool) -> html.Tr:
    """A measure's row, or a category's under it: indented, smaller and introduced by "of
    which", so a breakdown never reads as a measure of its own (not by indent alone)."""
    if row.breakdown:
        name = html.Th([html.Span("of which ", className="of-which"), row.name], scope="row",
                       className="queue-breakdown-name")
    else:
        name = html.Th(row.name, scope="row")
    cells = [name, html.Td(_unbroken(row.value) or "—")]
    if show_was:
        if row.was is None:
            cells.append(html.Td("Not known", className="text-muted"))
        elif row.was:
            # Words, not colour alone: "Changed" says it; the mark only draws the eye.
            cells.append(html.Td([html.Strong("Changed"), f", {_unbroken(row.was)}"],
                                 className="changed-cell"))
        else:
            cells.append(html.Td("No change", className="text-muted"))
    cells += [html.Td(_unbroken(row.last) or "—"), html.Td(row.target or "—")]
    return html.Tr(cells, className="queue-breakdown" if row.breakdown else None)


def figures_table(item: QueueItem) -> html.Table:
    show_was = item.resubmitted
    header = ["Measure", "This quarter", *(["Changed since returned"] if show_was else []),
              "Last quarter", "Target"]
    return html.Table([
        html.Caption("Figures"),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
        html.Tbody([_row(row, show_was) for row in item.values]),
    ], className="table table-sm data-table queue-figures", id=f"queue-figures-{item.return_id}")


def earlier_comment(item: QueueItem) -> html.Div | None:
    if not item.resubmitted:
        return None
    when = f" on {format_date(item.sent_back_at)}" if item.sent_back_at else ""
    return html.Div([
        html.H3(f"Resubmitted: you returned it{when} with this comment", className="h6"),
        html.P(item.earlier_comment, className="mb-0", id=f"queue-earlier-{item.return_id}"),
    ], className="returned-comment", role="note")


def queue_item(item: QueueItem) -> html.Section:
    rid = item.return_id
    comment_id = {"type": ids.RQ_COMMENT, "return": rid}
    submitted = format_date(item.submitted_at) if item.submitted_at else "unknown"
    warnings = (html.Div([html.H3("Warnings", className="h6"),
                          html.Ul([html.Li(w) for w in item.warnings])], className="warning-box")
                if item.warnings else html.P("No warnings.", className="text-muted"))
    narrative = [html.Div([html.H3(label, className="h6"), html.P(text or "—", className="narrative")])
                 for label, text in item.narrative.items() if text or label != "Explanation of the figures"]
    blocked = bool(item.not_yet)
    return html.Section([
        html.H2(item.title, className="h4"),
        html.P([f"{item.provider} · submitted {submitted} · ",
                dcc.Link("Open the full return", href=item.href, id=f"queue-open-{rid}")],
               className="text-muted"),
        earlier_comment(item),
        html.Div([
            html.Div(figures_table(item), className="col-lg-7 table-responsive"),
            html.Div([warnings, *narrative], className="col-lg-5"),
        ], className="row"),
        dcc.Store(id={"type": ids.RQ_VERSION, "return": rid}, data=item.version),
        html.P(item.not_yet, className="hint") if blocked else None,
        dbc.Label("Comment for the provider (needed to return it)", html_for=ids.dom_id(comment_id)),
        dbc.Textarea(id=comment_id, rows=2, disabled=blocked),
        html.Div([
            dbc.Button("Approve", id={"type": ids.RQ_APPROVE, "return": rid}, color="success",
                       disabled=blocked),
            dbc.Button("Return for changes", id={"type": ids.RQ_RETURN, "return": rid},
                       color="warning", disabled=blocked),
            # The decision's result, beside the buttons pressed (focus moves here).
            html.Div(id={"type": ids.RQ_RESULT, "return": rid}, role="status", tabIndex="-1",
                     className="queue-result"),
        ], className="mt-2 d-flex flex-wrap align-items-center gap-2"),
    ], className="queue-item", id=f"queue-item-{rid}", **{"aria-label": item.title})


def queue_list(items: list[QueueItem]) -> list:
    if not items:
        return [html.P("There are no submitted returns waiting for review.", id="queue-empty")]
    return [queue_item(item) for item in items]


def count_text(shown: int, filtered: bool) -> str:
    """How many returns wait (for these filters): read out when a filter changes it."""
    if shown == 0:
        return ("No waiting returns match these filters. Choose “All” to see more." if filtered
                else "There are no submitted returns waiting for review.")
    noun = "return waits" if shown == 1 else "returns wait"
    return f"{shown:,} submitted {noun} for review{' for these filters' if filtered else ''}, oldest first."


QUEUE_NOUN, QUEUE_NOTHING = "Items", "No returns to show."


def queue_pager_text(page: int, shown: int) -> str:
    """"Items 26 to 50 of 2,250"."""
    return pager_text(page, shown, QUEUE_NOUN, nothing=QUEUE_NOTHING)


def queue_pager(page: int, shown: int) -> html.Nav:
    """Previous and Next through the queue, PAGE_SIZE returns a page (layouts/paging.py)."""
    return pager(page, shown, previous_id=ids.RQ_PREV, next_id=ids.RQ_NEXT,
                 status_id=ids.RQ_PAGE_STATUS, label="Pages of the review queue", noun=QUEUE_NOUN,
                 nothing=QUEUE_NOTHING)


def queue_filters(names: QueueNames, view: QueueView) -> html.Div:
    def pick(label: str, component_id: str, everything: str, choices: list[tuple[str, str]],
             chosen: str | None) -> html.Div:
        return html.Div([
            dbc.Label(label, html_for=component_id, className="mb-1"),
            dbc.Select(id=component_id, value=chosen or ALL,
                       options=[{"label": everything, "value": ALL}]
                       + [{"label": words, "value": value} for value, words in choices]),
        ])

    return html.Div([
        pick("Provider", ids.RQ_PROVIDER, "All providers",
             [(names.provider_value(i), name) for i, name in names.providers],
             names.provider_value(view.provider_id)),
        pick("Quarter", ids.RQ_PERIOD, "All quarters", [(label, label) for _, label in names.periods],
             names.period_value(view.period_id)),
    ], className="d-flex flex-wrap gap-3 mb-3", role="group", **{"aria-label": "Filter the queue"})


@dataclass(frozen=True)
class QueueView:
    """What the queue shows: the provider and quarter chosen (None: all) and the page."""

    provider_id: int | None = None
    period_id: int | None = None
    page: int = 1

    @property
    def filtered(self) -> bool:
        return self.provider_id is not None or self.period_id is not None

    def stored(self) -> dict:
        """The page's store (ids.RQ_VIEW): what Previous and Next start from."""
        return {"page": self.page}


@dataclass(frozen=True)
class QueueNames:
    """The queue's filters as the page and its address name them: a provider by its slug
    (models/reporting/slugs.py), a quarter by its label ("Q2 2026/27"). Links made with ids
    (?provider=3&period=26) still name the same view."""

    providers: list[tuple[int, str]]  # (id, name) of those with returns waiting
    periods: list[tuple[int, str]]  # (id, "Q2 2026/27")
    provider_slugs: dict[int, str]

    def view(self, provider: str | None, quarter: str | None, page: int) -> QueueView:
        """The view these words name; a word that names nothing offered is "all"."""
        return QueueView(find_id(provider, (i for i, _ in self.providers), self.provider_slugs),
                         find_id(quarter, (i for i, _ in self.periods), dict(self.periods)), page)

    def provider_value(self, provider_id: int | None) -> str | None:
        return url_value(provider_id, self.provider_slugs)

    def period_value(self, period_id: int | None) -> str | None:
        return dict(self.periods).get(period_id) if period_id is not None else None


def review_page(items: list[QueueItem], names: QueueNames | None = None,
                view: QueueView | None = None, shown: int | None = None) -> html.Div:
    """The queue's page: `items` are the page's returns of `shown` waiting for the filters."""
    view = view or QueueView()
    shown = len(items) if shown is None else shown
    return html.Div([
        html.H1("Review queue", className="h2"),
        html.P("Submitted returns, oldest first. Approve them, or return them to the provider "
               "with a comment saying what to change."),
        queue_filters(names or QueueNames([], [], {}), view),
        html.P(count_text(shown, view.filtered), id=ids.RQ_COUNT, role="status",
               **{"aria-live": "polite"}),
        dcc.Store(id=ids.RQ_VIEW, data=view.stored()),
        html.Div(queue_list(items), id=ids.RQ_LIST),
        queue_pager(view.page, shown),
    ])

"""The strategy progress page: every metric with a 2018/19 baseline, the baseline beside each
financial year's annual total or pooled rate since 2020/21, and the change in words, grouped
by priority. Shaped from models.reporting.trends' ProgressGroup."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.charts import data_table
from layouts.filters import provisional_switch, service_href
from models.reporting.trends import STRATEGY_YEARS, AnnualFigure, ProgressGroup, ProgressRow
from models.rules.formats import format_number, format_percent, format_rate
from models.rules.periods import year_label

INTRO = ("The strategy's 2018/19 baselines beside each financial year's figure since: a "
         "count's annual total (compared with the baseline only for a whole year, as the "
         "baseline is a whole year's), or a rate pooled over everyone assessed in the year, "
         "with its 95% interval (compared in percentage points). The strategy's own years, "
         f"{year_label(STRATEGY_YEARS[0])} to {year_label(STRATEGY_YEARS[-1])}, are marked "
         "“Strategy year”.")


def progress_page(provisional: bool) -> html.Div:
    return html.Div([
        html.H1("Strategy progress", className="h2"),
        html.P(INTRO),
        html.Div([provisional_switch(ids.PROGRESS_PROVISIONAL, provisional)],
                 className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.Div(id=ids.PROGRESS_BODY),
    ])


def _year_header(year: int) -> object:
    if year in STRATEGY_YEARS:
        return [year_label(year), html.Br(), html.Span("Strategy year", className="strategy-year")]
    return year_label(year)


def _baseline(row: ProgressRow) -> list:
    t = row.trend
    value = format_percent(row.baseline) if t.is_rate else format_number(row.baseline)
    period = t.baseline_period or "2018/19"
    return [value, html.Br(), html.Span(period, className="small text-muted")]


def _cell(a: AnnualFigure | None, is_rate: bool) -> list | str:
    if a is None:
        return "No figures"
    if a.marker is not None:
        return a.marker
    if is_rate:
        if a.rate is None or a.value is None:
            return "No one assessed"
        shown: list = [format_rate(a.rate)]
        if a.interval:
            shown += [html.Br(), html.Span(f"95% interval {a.interval[0]:.0f}% to "
                                           f"{a.interval[1]:.0f}%", className="small")]
    else:
        shown = [format_number(a.value)]
    if not a.complete:
        shown += [html.Br(), html.Span(f"{a.quarters} of 4 quarters so far", className="small")]
    if a.change:
        shown += [html.Br(), html.Span(a.change, className="progress-change")]
    return shown


def progress_body(groups: list[ProgressGroup], provisional: bool,
                  slugs: dict[int, str] | None = None) -> list:
    """A table per priority. `slugs`: each service's slug, for the links to its page."""
    slugs = slugs or {}
    if not groups:
        return [html.P("There are no measures with a 2018/19 baseline among the services you "
                       "can see.", className="empty-state")]
    years = sorted({a.year for g in groups for r in g.rows for a in r.annual})
    note = [html.P("Including submitted returns not yet approved (provisional).",
                   className="alert alert-secondary")] if provisional else []
    out: list = [*note]
    for g in groups:
        rows = []
        for r in g.rows:
            t = r.trend
            by_year = {a.year: a for a in r.annual}
            latest = max(by_year) if by_year else None
            link_year = year_label(latest) if latest is not None else year_label(years[-1])
            rows.append([
                dcc.Link(t.service_name, href=service_href(slugs.get(t.service_id, str(t.service_id)),
                                                           link_year)),
                [t.metric_name, *([html.Br(), html.Span("Lower is better", className="small")]
                                  if not t.higher_is_better else [])],
                _baseline(r),
                *[_cell(by_year.get(y), t.is_rate) for y in years],
            ])
        name = g.priority or "No priority"
        out.append(html.Section([
            html.H2(name, className="h4 mt-4"),
            html.Div(data_table(f"{name}: the baseline and each financial year",
                                ["Service", "Metric", "Baseline", *[_year_header(y) for y in years]],
                                rows), className="table-responsive progress-table"),
        ], className="progress-group"))
    return out

"""Trends over the years: each metric's quarterly series as an XmR chart (models.rules.spc),
its annual figures against the 2018/19 baseline, and the strategy's progress. No Dash here.

- Quarterly values come from approved returns (and submitted ones too when `provisional`),
  from the metric's first figure from 2020/21 on. Counts are the quarter's count; rates are the
  quarter's percentage (numerator / denominator), and XmR is drawn on the percentages — the
  notes say so, since quarters with few people assessed swing more than those with many.
- A quarter with no figure is left out and the chart joins the quarters either side (said in
  the notes): XmR's moving ranges then span the gap.
- Limits are recalculated from each change the lead officer marked in the service
  (ServiceChange), the first quarter of the new process.
- Annual figures: a count's annual total, or a rate's pooled rate Σnumerator / Σdenominator
  with its 95% Wilson interval, beside the strategy's baseline. A count's baseline is a whole
  year's total, so only a complete year (four quarters) is compared with it; a rate's is a
  level, compared with any year (in percentage points).
- `publish`: publication mode. Each year's quarters add up to its year to date through each
  quarter (the last being the annual figure): disclosure groups decided by
  models.rules.disclosure as every other output is. Whatever is worked out from a hidden
  figure is withheld with it: a hidden quarter's point (its value is NaN — show
  `markers[i]`), and the mean, limits and special causes of the segment it is in (the mean
  of twelve quarters and eleven of them give away the twelfth), the annual interval and the
  change on the baseline."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from models.access import AccessRefused, Actor, check_view, visible_services
from models.reporting.aggregation import quarter_target, targets_for_year
from models.rules.disclosure import WITHHELD, Disclosure, Group, Key, control
from models.rules.measures import Rate, pool_rates, round_half_up, wilson_interval
from models.rules.periods import quarter_label, year_label
from models.rules.spc import COMMON, NOT_JUDGED, SpcPoint, SpcResult, xmr
from models.rules.workflow import counted_states
from models.store.entities import (
    Metric,
    MetricCategory,
    Period,
    Priority,
    Return,
    ReturnBreakdownValue,
    ReturnValue,
    Service,
    ServiceChange,
)
from models.store.settings import disclosure_threshold

FIRST_YEAR = 2020  # 2020/21: the strategy's first year, and the monitor's first figures
STRATEGY_YEARS = range(2020, 2024)  # 2020/21 to 2023/24, the strategy's own years
BASELINE_YEAR = "2018/19"
WITHHELD_VARIATION = "Withheld in this published version"
RATE_NOTE = ("Drawn on each quarter's percentage; the annual figure pools the people assessed "
             "over the year.")


@dataclass(frozen=True)
class AnnualFigure:
    year: int  # start year: 2021 is 2021/22
    label: str  # "2021/22"
    quarters: int  # quarters with a figure
    value: float | None  # annual total, or pooled percentage; None when withheld (see marker)
    rate: Rate | None  # the pooled rate (rates only; None when withheld)
    interval: tuple[float, float] | None  # 95% Wilson interval of a pooled rate
    change: str  # "up 18% on the 2018/19 baseline"; "" when not comparable or withheld
    marker: str | None = None  # publication mode: "<5" or "Withheld" in place of the value
    in_strategy: bool = False  # one of the strategy's years, 2020/21 to 2023/24

    @property
    def complete(self) -> bool:
        return self.quarters == 4


@dataclass(frozen=True)
class MetricTrend:
    service_id: int
    service_name: str
    metric_id: int
    metric_name: str
    kind: str  # output | outcome
    unit: str  # count | percent
    higher_is_better: bool
    spc: SpcResult
    markers: tuple[str | None, ...]  # one per spc point: the marker shown in place of its value
    quarters: tuple[tuple[int, int], ...]  # one per spc point: (year, quarter)
    target: float | None  # the latest quarter's target, which assurance is judged against
    annual: tuple[AnnualFigure, ...]
    baseline: float | None
    baseline_period: str | None
    priority: str
    note: str  # the chart's notes in plain English (limits, rates, gaps, publication)
    published: bool = False
    # The changes marked in the service, as (index of the first spc point of the new
    # process, reason): where the chart draws a marker and the limits were recalculated.
    changes: tuple[tuple[int, str], ...] = ()

    @property
    def is_rate(self) -> bool:
        return self.unit == "percent"

    @property
    def has_data(self) -> bool:
        return bool(self.spc.points)


@dataclass(frozen=True)
class ProgressRow:
    """One metric with a baseline on the strategy progress page."""

    trend: MetricTrend

    @property
    def baseline(self) -> float:
        return self.trend.baseline or 0.0

    @property
    def annual(self) -> tuple[AnnualFigure, ...]:
        return self.trend.annual


@dataclass(frozen=True)
class ProgressGroup:
    priority: str
    rows: tuple[ProgressRow, ...]


# Reading the figures ------------------------------------------------------------------------
QuarterKey = tuple[int, int]


def _quarterly(session: Session, service_ids: Sequence[int], states: Iterable[str]
               ) -> dict[int, dict[QuarterKey, int | Rate]]:
    """{metric_id: {(year, quarter): count or Rate}} from FIRST_YEAR on (one query)."""
    stmt = (
        select(ReturnValue.metric_id, Period.year, Period.quarter,
               func.sum(ReturnValue.count), func.sum(ReturnValue.numerator),
               func.sum(ReturnValue.denominator))
        .join(Return, Return.id == ReturnValue.return_id)
        .join(Period, Period.id == Return.period_id)
        .where(Return.service_id.in_(list(service_ids)), Period.year >= FIRST_YEAR,
               Return.status.in_(tuple(states)))
        .group_by(ReturnValue.metric_id, Period.year, Period.quarter)
    )
    out: dict[int, dict[QuarterKey, int | Rate]] = {}
    for metric_id, year, quarter, count, numerator, denominator in session.execute(stmt):
        if denominator is not None:
            out.setdefault(metric_id, {})[(year, quarter)] = Rate(int(numerator or 0), int(denominator))
        elif count is not None:
            out.setdefault(metric_id, {})[(year, quarter)] = int(count)
    return out


def metrics_with_small_categories(session: Session, metric_ids: Iterable[int], threshold: int,
                                  provisional: bool = False) -> set[int]:
    """The metrics any of whose categories had a quarter below the publication threshold.
    A published performance table hides such a category, and the metric's total beside it
    (else the total less the other categories gives it away) — in the pack of that year. A
    series in another year's pack would show the quarters that add up to that total, so a
    published Trends sheet withholds these metrics' series whole, in every pack alike."""
    ids = list(metric_ids)
    if not ids:
        return set()
    quarters = (
        select(MetricCategory.metric_id, func.sum(ReturnBreakdownValue.count).label("n"))
        .join(ReturnBreakdownValue, ReturnBreakdownValue.category_id == MetricCategory.id)
        .join(Return, Return.id == ReturnBreakdownValue.return_id)
        .join(Period, Period.id == Return.period_id)
        .where(MetricCategory.metric_id.in_(ids), Period.year >= FIRST_YEAR,
               Return.status.in_(counted_states(provisional)))
        .group_by(MetricCategory.metric_id, MetricCategory.id, Period.year, Period.quarter)
    ).subquery()
    return set(session.scalars(select(quarters.c.metric_id).where(quarters.c.n < threshold).distinct()))


def service_changes(session: Session, service_id: int) -> list[tuple[QuarterKey, str]]:
    """The changes marked in a service: ((year, quarter) of the first quarter of the new
    process, reason), oldest first."""
    return _changes_of(session, [service_id]).get(service_id, [])


def _changes_of(session: Session, service_ids: Sequence[int]
                ) -> dict[int, list[tuple[QuarterKey, str]]]:
    """Every marked change of these services, in one query."""
    rows = session.execute(
        select(ServiceChange.service_id, Period.year, Period.quarter, ServiceChange.reason)
        .join(Period, Period.id == ServiceChange.period_id)
        .where(ServiceChange.service_id.in_(list(service_ids)))
        .order_by(Period.year, Period.quarter))
    out: dict[int, list[tuple[QuarterKey, str]]] = {}
    for service_id, year, quarter, reason in rows:
        out.setdefault(service_id, []).append(((year, quarter), reason))
    return out


def _load_services(session: Session, where: ColumnElement[bool]) -> list[Service]:
    return list(session.scalars(
        select(Service).where(where)
        .options(selectinload(Service.metrics), selectinload(Service.priority))
        .order_by(Service.display_order, Service.id)))


# Building one metric's trend -----------------------------------------------------------------
def _value(figure: int | Rate) -> float | None:
    return figure.value if isinstance(figure, Rate) else float(figure)


def _change_words(value: float | None, baseline: float | None, period: str | None,
                  is_rate: bool, complete: bool) -> str:
    """'up 18% on the 2018/19 baseline' (counts, whole years) or 'up 6 percentage points on
    the 2018/19 baseline' (rates)."""
    if value is None or baseline is None or (not is_rate and (not complete or baseline == 0)):
        return ""
    name = f"the {period or BASELINE_YEAR} baseline"
    if is_rate:
        points = round_half_up(abs(value - baseline))
        if points == 0:
            return f"the same as {name}"
        unit = "percentage point" if points == 1 else "percentage points"
        return f"{'up' if value > baseline else 'down'} {points} {unit} on {name}"
    percent = round_half_up(abs(value - baseline) * 100 / baseline)
    if percent == 0:
        return f"the same as {name}"
    return f"{'up' if value > baseline else 'down'} {percent}% on {name}"


def _ytd_key(year: int, through: int) -> Key:
    return (year, f"ytd{through}")


def _disclosure(series: dict[QuarterKey, int | Rate], threshold: int) -> Disclosure:
    """Quarters add up to the year to date: for each year, one group per quarter q, its total
    being the year to date through q (keyed (year, "ytdq")), parts the quarters to q (keyed
    (year, "qN")). Every year to date counts as published — a pack shows the year to date
    through its quarter, and this chart's annual figure is the last of them — so no quarter
    hidden here can be worked out from any of them, whichever quarter a pack is for."""
    values: dict[Key, int | Rate | None] = {}
    groups: list[Group] = []
    for year in sorted({y for y, _ in series}):
        present = [q for q in (1, 2, 3, 4) if (year, q) in series]
        for q in present:
            values[(year, f"q{q}")] = series[(year, q)]
        for through in present:
            figures = [series[(year, q)] for q in present if q <= through]
            values[_ytd_key(year, through)] = (
                pool_rates(f for f in figures if isinstance(f, Rate)) if isinstance(figures[0], Rate)
                else sum(int(f) for f in figures if not isinstance(f, Rate)))
            groups.append(Group(_ytd_key(year, through),
                                [(year, f"q{q}") for q in present if q <= through]))
    return control(values, groups, threshold)


def _annual(metric: Metric, series: dict[QuarterKey, int | Rate],
            disclosure: Disclosure | None) -> tuple[AnnualFigure, ...]:
    out = []
    for year in sorted({y for y, _ in series}):
        figures = [series[(year, q)] for q in (1, 2, 3, 4) if (year, q) in series]
        last = max(q for q in (1, 2, 3, 4) if (year, q) in series)
        marker = disclosure.marker(_ytd_key(year, last)) if disclosure else None
        rate = pool_rates(f for f in figures if isinstance(f, Rate)) if metric.is_rate else None
        value = (rate.value if rate else None) if metric.is_rate else float(
            sum(int(f) for f in figures if not isinstance(f, Rate)))
        interval = wilson_interval(rate.numerator, rate.denominator) if rate else None
        if marker is not None:
            value, rate, interval = None, None, None
        out.append(AnnualFigure(
            year=year, label=year_label(year), quarters=len(figures), value=value, rate=rate,
            interval=interval,
            change=_change_words(value, metric.baseline_value, metric.baseline_period,
                                 metric.is_rate, len(figures) == 4),
            marker=marker, in_strategy=year in STRATEGY_YEARS))
    return tuple(out)


def _withhold(result: SpcResult, hidden: list[bool], changes: Sequence[tuple[int, str]]) -> SpcResult:
    """The chart as published: a hidden quarter's value, and the mean, limits and special
    causes of every segment holding one, withheld (they would give the hidden value away)."""
    if not any(hidden):
        return result
    starts = sorted({0, *(i for i, _ in changes if 0 < i < len(hidden))})
    bounds = list(zip(starts, [*starts[1:], len(hidden)], strict=True))
    points = list(result.points)
    for start, end in bounds:
        if any(hidden[start:end]):
            for i in range(start, end):
                points[i] = dataclasses.replace(
                    points[i], value=math.nan if hidden[i] else points[i].value,
                    mean=None, lower=None, upper=None, special_cause="", variation=COMMON)
    latest_hidden = any(hidden[bounds[-1][0]:])
    return dataclasses.replace(
        result, points=tuple(points),
        variation=WITHHELD_VARIATION if latest_hidden and result.has_limits else result.variation,
        assurance=None if latest_hidden else result.assurance,
        has_limits=result.has_limits and not latest_hidden,
        note=" ".join(n for n in (result.note, "In this published version, a quarter too small "
                                  "to publish is withheld, with the mean and limits worked out "
                                  "from it.") if n))


def withheld_series(trend: MetricTrend) -> MetricTrend:
    """The whole series withheld (every quarter "Withheld"; no mean, limits or special cause).
    For a pack whose performance table hides any figure of this metric or its breakdown: the
    table's hidden cells are chosen jointly across its rows (a year-to-date total may be hidden
    only to protect one category), which a series judged on its own cannot know — its quarters
    would add up to the hidden total, and the total less the shown categories to the hidden one."""
    hidden = [True] * len(trend.spc.points)
    spc = _withhold(trend.spc, hidden, ())
    return dataclasses.replace(trend, spc=spc, markers=(WITHHELD,) * len(hidden),
                               annual=tuple(dataclasses.replace(a, value=None, rate=None, interval=None,
                                                                change="", marker=WITHHELD)
                                            for a in trend.annual))


def _keys(series: dict[QuarterKey, int | Rate]) -> list[QuarterKey]:
    """The quarters a chart draws: those with a figure, oldest first."""
    return [k for k in sorted(series) if _value(series[k]) is not None]


def build_trend(service: Service, metric: Metric, series: dict[QuarterKey, int | Rate],
                changes: Sequence[tuple[QuarterKey, str]], targets: dict, threshold: int | None,
                annual: bool = True) -> MetricTrend:
    """One metric's trend from its quarterly figures (`threshold`: publication mode;
    `annual`: False leaves out the annual figures, for a reader of the chart alone)."""
    keys = _keys(series)
    values = [float(_value(series[k]) or 0.0) for k in keys]
    labels = [quarter_label(y, q) for y, q in keys]
    indexed = {}
    for (when, reason) in changes:
        index = next((i for i, k in enumerate(keys) if k >= when), None)
        if index is not None:
            indexed[index] = reason
    spc_changes = sorted(indexed.items())
    target = (quarter_target(targets, metric.id, keys[-1][1], metric.is_rate) if keys else None)
    result = xmr(values, labels, metric.higher_is_better, target, spc_changes)
    disclosure = _disclosure(series, threshold) if threshold is not None and series else None
    markers = tuple(disclosure.marker((y, f"q{q}")) if disclosure else None for y, q in keys)
    result = _withhold(result, [m is not None for m in markers], spc_changes)
    notes = [result.note]
    if metric.is_rate and keys:
        notes.append(RATE_NOTE)
    missing = _gaps(keys)
    if missing:
        notes.append(f"No figure for {_listed(missing)}: the chart joins the quarters either side.")
    return MetricTrend(
        service_id=service.id, service_name=service.name, metric_id=metric.id,
        metric_name=metric.name, kind=metric.kind, unit=metric.unit,
        higher_is_better=metric.higher_is_better, spc=result, markers=markers,
        quarters=tuple(keys), target=target,
        annual=_annual(metric, series, disclosure) if annual else (),
        baseline=metric.baseline_value, baseline_period=metric.baseline_period,
        priority=service.priority.name if service.priority else "",
        note=" ".join(n for n in notes if n), published=threshold is not None,
        changes=tuple(spc_changes))


def _gaps(keys: list[QuarterKey]) -> list[str]:
    if not keys:
        return []
    have, out = set(keys), []
    year, quarter = keys[0]
    while (year, quarter) < keys[-1]:
        if (year, quarter) not in have:
            out.append(quarter_label(year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _trends(session: Session, services: list[Service], provisional: bool, publish: bool,
            metric_ids: set[int] | None = None, until: QuarterKey | None = None,
            ending: bool = False) -> list[MetricTrend]:
    if not services:
        return []
    figures = _quarterly(session, [s.id for s in services], counted_states(provisional))
    if until is not None:
        # The series as it stood at `until`: later quarters are not the chart's of that quarter.
        figures = {m: {k: v for k, v in series.items() if k <= until}
                   for m, series in figures.items()}
        figures = {m: series for m, series in figures.items() if series}
    threshold = disclosure_threshold(session) if publish else None
    years = {y for series in figures.values() for y, _ in series}
    targets: dict = {}
    if years:
        targets = targets_for_year(session, max(years), [s.id for s in services])
    all_changes = _changes_of(session, [s.id for s in services])
    out = []
    for service in services:
        changes = all_changes.get(service.id, [])
        for metric in service.metrics:
            if metric_ids is not None and metric.id not in metric_ids:
                continue
            series = figures.get(metric.id, {})
            if not metric.active and not series:
                continue
            if ending and (not (keys := _keys(series)) or keys[-1] != until):
                continue  # no point at `until`: the reader of `ending` would not look
            # Assurance is judged against the latest quarter's target (its own year's).
            latest_year = max((y for y, _ in series), default=None)
            metric_targets = (targets if latest_year == max(years, default=None) else
                              targets_for_year(session, latest_year, [service.id])
                              if latest_year is not None else {})
            out.append(build_trend(service, metric, series, changes, metric_targets, threshold,
                                   annual=not ending))
    return out


# Public read-models ---------------------------------------------------------------------------
def metric_trend(session: Session, actor: Actor, service_id: int, metric_id: int, *,
                 provisional: bool = False, publish: bool = False) -> MetricTrend:
    """One metric's trend. AccessRefused when the actor may not see the service, or the
    metric is not the service's (the same words either way)."""
    service = check_view(actor, session.scalars(
        select(Service).where(Service.id == service_id)
        .options(selectinload(Service.metrics), selectinload(Service.priority))).one_or_none())
    if metric_id not in {m.id for m in service.metrics}:
        raise AccessRefused("You do not have access to that measure.", "metric", metric_id)
    found = _trends(session, [service], provisional, publish, {metric_id})
    if not found:
        # An inactive metric with no figures: an empty chart, not an error.
        metric = next(m for m in service.metrics if m.id == metric_id)
        return build_trend(service, metric, {}, [], {}, None)
    return found[0]


def service_trends(session: Session, actor: Actor, service_id: int, *,
                   provisional: bool = False, publish: bool = False) -> list[MetricTrend]:
    """Every metric's trend for one service, in the service's metric order."""
    service = check_view(actor, session.scalars(
        select(Service).where(Service.id == service_id)
        .options(selectinload(Service.metrics), selectinload(Service.priority))).one_or_none())
    return _trends(session, [service], provisional, publish)


def visible_trends(session: Session, actor: Actor, *, provisional: bool = False,
                   publish: bool = False, service_ids: Iterable[int] | None = None,
                   until: QuarterKey | None = None, ending: bool = False) -> list[MetricTrend]:
    """Every metric's trend across the services the actor may see (exports, exceptions);
    `service_ids`: only these of them (an export's table narrowed to a provider); `until`
    (year, quarter): the series up to and including that quarter only. `ending` (with
    `until`): only the charts whose latest point is that quarter, without annual figures —
    what the exception report reads (a chart without that quarter gives it no line), so the
    thousands of charts it would not read are not worked out."""
    where = visible_services(actor)
    if service_ids is not None:
        where = where & Service.id.in_(list(service_ids))
    if ending and until is None:
        raise ValueError("ending needs until")
    return _trends(session, _load_services(session, where), provisional, publish, until=until,
                   ending=ending)


def strategy_progress(session: Session, actor: Actor, *, provisional: bool = False,
                      publish: bool = False) -> list[ProgressGroup]:
    """Every metric with a baseline, among the services the actor may see: its annual figures
    beside the baseline, grouped by priority in the strategy's order."""
    services = [s for s in _load_services(session, visible_services(actor))
                if any(m.baseline_value is not None for m in s.metrics)]
    with_baseline = {m.id for s in services for m in s.metrics if m.baseline_value is not None}
    trends = _trends(session, services, provisional, publish, with_baseline)
    order = {p.name: p.display_order for p in session.scalars(select(Priority))}
    groups: dict[str, list[ProgressRow]] = {}
    for trend in trends:
        groups.setdefault(trend.priority, []).append(ProgressRow(trend))
    return [ProgressGroup(name, tuple(rows))
            for name, rows in sorted(groups.items(), key=lambda g: (order.get(g[0], 0), g[0]))]


__all__ = [
    "BASELINE_YEAR", "FIRST_YEAR", "NOT_JUDGED", "STRATEGY_YEARS", "WITHHELD_VARIATION",
    "AnnualFigure", "MetricTrend", "ProgressGroup", "ProgressRow", "SpcPoint",
    "metric_trend", "service_changes", "service_trends", "strategy_progress", "visible_trends",
]

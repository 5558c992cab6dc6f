"""The quarterly performance table (DESIGN §5): one row per metric, breakdowns beneath."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from models.access import Actor, provider_scope
from models.reporting.aggregation import (
    QuarterTotals,
    annual_target,
    headline_or_rate,
    quarter_target,
    year_figures,
)
from models.reporting.retirement import RETIRED_NOTE, RETIRED_WORD, in_service, listed, retired
from models.rules.formats import against_target
from models.rules.measures import SMALL_COHORT, Rate, forecast_year_end, percent_of_target, pool_rates
from models.rules.periods import Quarter, before_contract, quarters_due, year_is_due
from models.rules.rag import RAG_WORDS, RagThresholds, rag_status
from models.rules.workflow import COUNTED_STATES, STATUS_WORDS, counted_states, monitoring_status
from models.store.entities import Metric, MetricCategory, Period, Priority, Provider, Return, Service
from models.store.settings import is_demo, rag_thresholds

COLUMNS = [
    "Priority", "Service", "Provider", "Metric", "Kind", "Baseline", "Baseline period",
    "Quarter target", "Quarter actual", "Quarter % of target", "YTD target", "YTD actual",
    "YTD % of target", "Annual target", "Forecast", "RAG", "Status", "Note",
]
BREAKDOWN_INDENT = "    "
SMALL_COHORT_NOTE = f"Fewer than {SMALL_COHORT} people assessed"


@dataclass
class Figure:
    """An actual: a count, or a pooled rate (kept as counts)."""

    count: float | None = None
    rate: Rate | None = None

    @property
    def value(self) -> float | None:
        return self.rate.value if self.rate is not None else self.count

    @property
    def shown(self) -> float | None:
        """The value as a reader sees it and as it is judged: a rate's rounded percentage."""
        return self.rate.percent if self.rate is not None else self.count

    @property
    def empty(self) -> bool:
        return self.value is None


@dataclass
class PerformanceRow:
    priority: str
    service: str
    service_id: int
    provider: str
    metric: str
    metric_id: int | None
    kind: str
    unit: str
    higher_is_better: bool
    is_headline: bool
    is_breakdown: bool
    baseline: float | None
    baseline_period: str | None
    quarter_target: float | None
    quarter_actual: Figure
    ytd_target: float | None
    ytd_actual: Figure
    annual_target: float | None
    forecast: float | None
    rag: str
    status: str
    notes: list[str] = field(default_factory=list)
    retired: bool = False  # the service (or its provider) is retired: history, marked

    @staticmethod
    def pct_of(actual: Figure, target: float | None) -> int | None:
        return percent_of_target(actual.shown, target)

    @property
    def quarter_pct(self) -> int | None:
        return self.pct_of(self.quarter_actual, self.quarter_target)

    @property
    def ytd_pct(self) -> int | None:
        return self.pct_of(self.ytd_actual, self.ytd_target)

    # How each figure reads against its target, by the one rule (models.rules.formats):
    # "96%" for a count, "72% against a target of 75%" for a rate.
    def quarter_words(self, *, grouped: bool = True) -> str:
        return against_target(self.quarter_actual.shown, self.quarter_target, self.unit,
                              self.quarter_pct, grouped=grouped)

    def ytd_words(self, *, grouped: bool = True) -> str:
        return against_target(self.ytd_actual.shown, self.ytd_target, self.unit, self.ytd_pct,
                              grouped=grouped)

    @property
    def rag_word(self) -> str:
        return RAG_WORDS[self.rag]


@dataclass
class PerformanceTable:
    year: int
    quarter: int | None  # None: the whole year
    rows: list[PerformanceRow]
    demo: bool
    provisional: bool
    through: int = 4  # the year to date runs from Q1 to this quarter
    # Whether any figure shown comes from a submitted return not yet approved (only ever
    # when `provisional` asks for them): what "(provisional)" beside a heading claims.
    provisional_shown: bool = False


def _totals_through(totals: dict[tuple[int, int], QuarterTotals], metric_id: int, is_rate: bool,
                    quarters: range) -> tuple[Figure, int]:
    """Year-to-date actual over `quarters` and how many of them reported."""
    found = [totals[(metric_id, q)] for q in quarters if (metric_id, q) in totals]
    if not found:
        return Figure(), 0
    if is_rate:
        return Figure(rate=pool_rates(t.rate for t in found if t.rate)), len(found)
    return Figure(count=sum(t.count or 0 for t in found)), len(found)


def _quarter_figure(totals: dict[tuple[int, int], QuarterTotals], metric_id: int, is_rate: bool,
                    quarter: int) -> Figure:
    found = totals.get((metric_id, quarter))
    if found is None:
        return Figure()
    return Figure(rate=found.rate) if is_rate else Figure(count=found.count)


def chosen_services(provider_id: int | None = None, priority_id: int | None = None,
                    workstream_id: int | None = None, year: int | None = None,
                    states: tuple[str, ...] = COUNTED_STATES) -> Select:
    """SELECT of the ids of services matching the filters (run inside the database): those
    in service, and in a year's view retired ones with figures or targets that year."""
    stmt = select(Service.id).where(in_service() if year is None else listed(year, states))
    if provider_id is not None:
        stmt = stmt.where(Service.provider_id == provider_id)
    if priority_id is not None:
        stmt = stmt.where(Service.priority_id == priority_id)
    if workstream_id is not None:
        stmt = stmt.where(Service.workstream_id == workstream_id)
    return stmt


def aggregate_scope(provider_id: int | None = None, priority_id: int | None = None,
                    workstream_id: int | None = None, year: int | None = None,
                    states: tuple[str, ...] = COUNTED_STATES) -> Select | None:
    """The services to aggregate over: their SELECT when a filter narrows them, else None
    (everything — cheaper than `IN` every active service)."""
    if provider_id is None and priority_id is None and workstream_id is None:
        return None
    return chosen_services(provider_id, priority_id, workstream_id, year, states)


def _catalogue(session: Session, ids: Select, headline_only: bool) -> tuple[
        list[Row], dict[int, list[Row]], dict[int, list[Row]]]:
    """Services, their metrics and categories as plain rows: three queries, no ORM objects
    (loading thousands of objects cost more than the aggregation itself)."""
    services = session.execute(
        select(Service.id, Service.name, Priority.name.label("priority"),
               Provider.name.label("provider"), retired().label("retired"), Service.contract_start)
        .join(Priority, Priority.id == Service.priority_id)
        .outerjoin(Provider, Provider.id == Service.provider_id)
        .where(Service.id.in_(ids))
        .order_by(Priority.display_order, Service.display_order, Service.id)
    ).all()
    metrics: dict[int, list[Row]] = defaultdict(list)
    chosen = select(*Metric.__table__.c).where(Metric.service_id.in_(ids))
    if headline_only:
        chosen = chosen.where(headline_or_rate())
    for row in session.execute(chosen.order_by(Metric.service_id, Metric.display_order, Metric.id)):
        metrics[row.service_id].append(row)
    categories: dict[int, list[Row]] = defaultdict(list)
    if headline_only:
        return services, metrics, categories
    for row in session.execute(
            select(*MetricCategory.__table__.c)
            .where(MetricCategory.metric_id.in_(select(Metric.id).where(Metric.service_id.in_(ids))))
            .order_by(MetricCategory.metric_id, MetricCategory.display_order, MetricCategory.id)):
        categories[row.metric_id].append(row)
    return services, metrics, categories


def build_performance_table(
    session: Session,
    year: int,
    quarter: int | None,
    today: dt.date,
    provider_id: int | None = None,
    include_submitted: bool = False,
    priority_id: int | None = None,
    workstream_id: int | None = None,
    headline_only: bool = False,
) -> PerformanceTable:
    """Compute the table for a quarter (1–4) or the whole year (None).

    `provider_id` limits it to one provider's services (a filter, or the scope
    models.access gives a provider user: see `performance_table`); `priority_id` and
    `workstream_id` filter likewise. `headline_only` keeps the headline outputs and the
    outcome rates, without breakdowns (what the Overview shows)."""
    plan = _TablePlan.make(session, year, quarter, today, include_submitted, headline_only)
    ids = chosen_services(provider_id, priority_id, workstream_id, year, plan.states)
    narrowed = aggregate_scope(provider_id, priority_id, workstream_id, year, plan.states)
    return plan.table(session, ids, narrowed)


@dataclass(frozen=True)
class _TablePlan:
    """What every part of one table shares (the whole table, or a chunk of its services):
    the period, the calendar's judgement of it and the settings. One rule set for both."""

    year: int
    quarter: int | None
    today: dt.date
    include_submitted: bool
    headline_only: bool
    states: tuple[str, ...]
    thresholds: RagThresholds
    demo: bool
    periods: dict[int, Period]
    through: int
    is_due: bool

    @classmethod
    def make(cls, session: Session, year: int, quarter: int | None, today: dt.date,
             include_submitted: bool, headline_only: bool) -> _TablePlan:
        states = counted_states(include_submitted)
        periods = {p.quarter: p for p in session.scalars(select(Period).where(Period.year == year))}
        # By the calendar (models.rules.periods): a year is due once its first quarter is, and the
        # year view judges the quarters due so far.
        due_quarters = quarters_due(year, today, periods)
        if quarter is None:
            through = max(due_quarters, default=0)
            is_due = year_is_due(year, today, periods)
        else:
            through = quarter
            is_due = quarter in due_quarters
        return cls(year, quarter, today, include_submitted, headline_only, states,
                   rag_thresholds(session), is_demo(session), periods, through, is_due)

    def table(self, session: Session, ids: Select | list[int],
              narrowed: Select | list[int] | None) -> PerformanceTable:
        """The table of the services `ids` selects; `narrowed`: the same services for the
        aggregate queries, or None for every service (cheaper than `IN` all of them)."""
        year, quarter, states = self.year, self.quarter, self.states
        include_submitted, headline_only = self.include_submitted, self.headline_only
        thresholds, demo, periods, today = self.thresholds, self.demo, self.periods, self.today
        is_due = self.is_due
        services, metrics_of, categories_of = _catalogue(session, ids, headline_only)
        figures = year_figures(session, year, states, narrowed, headline_only=headline_only)
        totals, cat_totals, targets = figures.totals, figures.categories, figures.targets
        stored_stmt = (select(Return.service_id, Period.quarter, Return.status)
                       .join(Period, Period.id == Return.period_id).where(Period.year == year))
        if narrowed is not None:
            stored_stmt = stored_stmt.where(Return.service_id.in_(narrowed))
        stored = {(sid, q): status for sid, q, status in session.execute(stored_stmt)}
        ytd_range = range(1, self.through + 1)
        # A retired metric leaves the form, not the history: it shows in years it has figures.
        with_figures = {mid for mid, _ in totals}
        rows: list[PerformanceRow] = []
        for service in services:
            provider = service.provider or "Not assigned"
            status = _status_text(service.id, year, quarter, stored, periods, today)
            # Before its contract a service owes nothing: its quarter reads "Not expected", not
            # Missing (the RAG still follows the calendar: no figures past the due date, No data).
            expected = quarter is None or not before_contract(Quarter(year, quarter), service.contract_start)
            if not expected and (service.id, quarter) not in stored:
                status = STATUS_WORDS["not_expected"]
            # A retired service keeps its history, marked; nothing new is expected of it.
            retired_notes = [RETIRED_NOTE] if service.retired else []
            if service.retired:
                status = f"{RETIRED_WORD}; {status}" if quarter is None else (
                    status if (service.id, quarter) in stored else RETIRED_WORD)
            for metric in metrics_of.get(service.id, ()):
                is_rate = metric.unit == "percent"
                if not (metric.active or metric.id in with_figures):
                    continue
                if headline_only and not (metric.is_headline or is_rate):
                    continue
                q_target = quarter_target(targets, metric.id, quarter, is_rate) if quarter else None
                q_actual = _quarter_figure(totals, metric.id, is_rate, quarter) if quarter else Figure()
                ytd_actual, reported = _totals_through(totals, metric.id, is_rate, ytd_range)
                if is_rate:
                    ytd_target = annual_target(targets, metric.id, True)
                    forecast = ytd_actual.value
                else:
                    parts = [quarter_target(targets, metric.id, q, False) for q in ytd_range]
                    ytd_target = None if not parts or None in parts else sum(parts)
                    forecast = (forecast_year_end(ytd_actual.count, reported)
                                if ytd_actual.count is not None else None)
                judged_actual, judged_target = (
                    (q_actual, q_target) if quarter else (ytd_actual, ytd_target)
                )
                rag = rag_status(judged_actual.shown, judged_target,
                                 higher_is_better=metric.higher_is_better, due=is_due,
                                 thresholds=thresholds)
                annual = annual_target(targets, metric.id, is_rate)
                notes = _notes(metric, judged_actual, demo, include_submitted, annual is not None)
                if not metric.active:
                    notes.insert(0, "Retired metric")
                notes[:0] = retired_notes
                rows.append(PerformanceRow(
                    priority=service.priority, service=service.name,
                    service_id=service.id, provider=provider, metric=metric.name,
                    metric_id=metric.id, kind=metric.kind.capitalize(), unit=metric.unit,
                    higher_is_better=metric.higher_is_better, is_headline=metric.is_headline,
                    is_breakdown=False, baseline=metric.baseline_value,
                    baseline_period=metric.baseline_period, quarter_target=q_target,
                    quarter_actual=q_actual, ytd_target=ytd_target, ytd_actual=ytd_actual,
                    annual_target=annual, forecast=forecast,
                    rag=rag, status=status, notes=notes, retired=bool(service.retired),
                ))
                if headline_only:
                    continue
                for category in categories_of.get(metric.id, ()):
                    q_count = cat_totals.get((category.id, quarter)) if quarter else None
                    ytd_counts = [cat_totals[(category.id, q)] for q in ytd_range
                                  if (category.id, q) in cat_totals]
                    rows.append(PerformanceRow(
                        priority=service.priority, service=service.name,
                        service_id=service.id, provider=provider,
                        metric=BREAKDOWN_INDENT + category.name, metric_id=None,
                        kind="Breakdown", unit="count", higher_is_better=True, is_headline=False,
                        is_breakdown=True, baseline=category.baseline_value,
                        baseline_period=metric.baseline_period if category.baseline_value is not None else None,
                        quarter_target=None, quarter_actual=Figure(count=q_count),
                        ytd_target=None, ytd_actual=Figure(count=sum(ytd_counts) if ytd_counts else None),
                        annual_target=None, forecast=None, rag="no_target", status=status,
                        notes=[*retired_notes, f"Part of {metric.name}"] + (["Demo data"] if demo else []),
                        retired=bool(service.retired),
                    ))
        unapproved = set(counted_states(True)) - set(counted_states(False))
        shown = {(s.id, q) for s in services for q in ytd_range}
        provisional_shown = include_submitted and any(
            stored.get(key) in unapproved for key in shown)
        return PerformanceTable(year, quarter, rows, demo, include_submitted, self.through,
                                provisional_shown)


def performance_table(session: Session, actor: Actor, year: int, quarter: int | None,
                      today: dt.date, *, include_submitted: bool = False,
                      headline_only: bool = False) -> PerformanceTable:
    """`build_performance_table` as `actor` may see it (models.access's scope, pushed down
    into the SQL)."""
    return build_performance_table(session, year, quarter, today, provider_id=provider_scope(actor),
                                   include_submitted=include_submitted, headline_only=headline_only)


# A table a chunk of services at a time ----------------------------------------------------
# (issue 20): a national year is 9,000 services and 144,000 rows; an export streams it in
# parts so its memory stays bounded. The parts are made by the same `_TablePlan.table` as the
# whole table, so each part's rows are exactly the whole table's rows for its services.
SERVICES_PER_CHUNK = 1000  # about 16,000 rows nationally: tens of megabytes held at once


@dataclass
class TableChunks:
    """`performance_table` in parts: `head` holds the table's period and flags (no rows);
    iterating gives tables of at most `services_per_chunk` services each, in the whole
    table's order, a service's rows never split between two. Each part is read from the
    database as it is asked for, so the session must stay open while they are used."""

    head: PerformanceTable
    service_ids: list[int]
    services_per_chunk: int
    _session: Session
    _plan: _TablePlan
    _provider_id: int | None = None

    def __iter__(self) -> Iterator[PerformanceTable]:
        if 0 < len(self.service_ids) <= self.services_per_chunk:
            # One chunk holds them all: read it as the whole table is read (a SELECT of the
            # services, the aggregates unfiltered for everyone's), not as a list of ids.
            ids = chosen_services(self._provider_id, year=self.head.year, states=self._plan.states)
            yield self._plan.table(self._session, ids, aggregate_scope(
                self._provider_id, year=self.head.year, states=self._plan.states))
            return
        for start in range(0, len(self.service_ids), self.services_per_chunk):
            chunk = self.service_ids[start:start + self.services_per_chunk]
            yield self._plan.table(self._session, chunk, chunk)


def performance_table_chunks(session: Session, actor: Actor, year: int, quarter: int | None,
                             today: dt.date, *, include_submitted: bool = False,
                             services_per_chunk: int | None = None) -> TableChunks:
    """`performance_table` for `actor`, a chunk of services at a time (SERVICES_PER_CHUNK
    unless `services_per_chunk` says). Access is decided here, when called (an account that
    may see nothing is refused before any part)."""
    services_per_chunk = services_per_chunk or SERVICES_PER_CHUNK
    if services_per_chunk < 1:
        raise ValueError("A chunk holds at least one service.")
    provider_id = provider_scope(actor)
    plan = _TablePlan.make(session, year, quarter, today, include_submitted, False)
    ids = chosen_services(provider_id, year=year, states=plan.states)
    ordered = list(session.scalars(
        select(Service.id).join(Priority, Priority.id == Service.priority_id)
        .where(Service.id.in_(ids))
        .order_by(Priority.display_order, Service.display_order, Service.id)))  # as _catalogue
    head = PerformanceTable(year, quarter, [], plan.demo, include_submitted, plan.through)
    return TableChunks(head, ordered, services_per_chunk, session, plan, provider_id)


def _status_text(service_id: int, year: int, quarter: int | None, stored: dict, periods: dict,
                 today: dt.date) -> str:
    if quarter is not None:
        return STATUS_WORDS[monitoring_status(stored.get((service_id, quarter)),
                                              Quarter(year, quarter), today, periods.get(quarter))]
    approved = sum(1 for q in periods if stored.get((service_id, q)) == "approved")
    return f"{approved} of {len(periods) or 4} approved"


def _notes(metric: Row, judged: Figure, demo: bool, provisional: bool,
           has_target: bool) -> list[str]:
    notes = []
    if demo:
        notes.append("Demo data")
    if not has_target:
        notes.append("No target set")
    if provisional:
        notes.append("Provisional: includes submitted returns")
    if not metric.higher_is_better:
        notes.append("Lower is better")
    if judged.rate is not None and judged.rate.small_cohort:
        notes.append(SMALL_COHORT_NOTE)
    if metric.baseline_value is not None:
        notes.append(f"Baseline source: {metric.baseline_source}")
    if metric.baseline_note:
        notes.append(metric.baseline_note)
    return notes

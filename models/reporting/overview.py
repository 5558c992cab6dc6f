"""Data for the Overview page: a tile per service, and the headline rows for the chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.access import Actor, confine_provider, visible_services
from models.reporting.aggregation import (
    headline_or_rate,
    metric_totals,
    quarter_target,
    targets_for_year,
)
from models.reporting.performance import (
    PerformanceRow,
    PerformanceTable,
    aggregate_scope,
    build_performance_table,
    chosen_services,
)
from models.reporting.retirement import listed
from models.rules.formats import format_number
from models.rules.periods import Quarter, is_due, year_label
from models.rules.rag import RAG_WORDS, rag_status
from models.rules.workflow import PROVISIONAL_STATES, counted_states
from models.store.entities import Metric, Period, Priority, Provider, Service, Workstream
from models.store.periods import available_years, latest_due_quarter
from models.store.settings import rag_thresholds


@dataclass(frozen=True)
class OverviewFilters:
    year: int
    quarter: int
    priority_id: int | None = None
    workstream_id: int | None = None
    provider_id: int | None = None
    provisional: bool = False

    def provider_for(self, actor: Actor) -> int | None:
        """The provider this view narrows to, as models.access decides: a provider user's
        own wins over the provider filter."""
        return confine_provider(actor, self.provider_id)

    @property
    def states(self) -> tuple[str, ...]:
        return counted_states(self.provisional)

    def services(self, actor: Actor) -> Select:
        return chosen_services(self.provider_for(actor), self.priority_id, self.workstream_id,
                               self.year, self.states)

    def aggregate_scope(self, actor: Actor) -> Select | None:
        return aggregate_scope(self.provider_for(actor), self.priority_id, self.workstream_id,
                               self.year, self.states)


@dataclass
class ServiceTile:
    service_id: int
    service: str
    priority: str
    provider: str
    headline: PerformanceRow
    outcome: PerformanceRow | None
    previous: float | None
    direction: str


def headline_rows(table: PerformanceTable) -> list[PerformanceRow]:
    return [row for row in table.rows if row.is_headline]


def direction_words(current: float | None, previous: float | None) -> str:
    """'Up from 25 last quarter' — words, so the arrow is never the only signal."""
    if current is None:
        return "No figure this quarter"
    if previous is None:
        return "No figure last quarter"
    if current > previous:
        return f"▲ Up from {format_number(previous)} last quarter"
    if current < previous:
        return f"▼ Down from {format_number(previous)} last quarter"
    return "● Same as last quarter"


def overview_tables(session: Session, actor: Actor, filters: OverviewFilters, today: dt.date
                    ) -> tuple[PerformanceTable, dict[int, float | None]]:
    """This quarter's headline and outcome rows the actor may see, with the filters applied,
    and last quarter's figure for each headline metric."""
    table = build_performance_table(
        session, filters.year, filters.quarter, today, provider_id=filters.provider_for(actor),
        include_submitted=filters.provisional, priority_id=filters.priority_id,
        workstream_id=filters.workstream_id, headline_only=True)
    # Last quarter needs only the headline figures: one aggregate, not a second table.
    prev = Quarter(filters.year, filters.quarter).previous()
    totals = metric_totals(session, prev.year, filters.states, filters.aggregate_scope(actor),
                           quarter=prev.quarter, metric_filter=headline_or_rate())
    previous = {}
    for row in headline_rows(table):
        found = totals.get((row.metric_id, prev.quarter))
        previous[row.metric_id] = None if found is None else (
            found.rate.percent if found.rate is not None else found.count)
    return table, previous


def service_tiles(current: PerformanceTable, before: dict[int, float | None]) -> list[ServiceTile]:
    outcomes: dict[int, PerformanceRow] = {}
    for row in current.rows:
        if row.unit == "percent" and row.service_id not in outcomes:
            outcomes[row.service_id] = row
    tiles = []
    for row in headline_rows(current):
        prev = before.get(row.metric_id)
        tiles.append(ServiceTile(row.service_id, row.service, row.priority, row.provider, row,
                                 outcomes.get(row.service_id), prev,
                                 direction_words(row.quarter_actual.shown, prev)))
    return tiles


def default_quarter(session: Session, today: dt.date) -> Quarter:
    """The quarter a meeting would review: the latest one past its due date."""
    return latest_due_quarter(session, today)


def year_choices(session: Session) -> list[tuple[str, str]]:
    """(label, value) pairs, newest first."""
    return [(year_label(y), year_label(y)) for y in available_years(session)]


def filter_choices(session: Session, actor: Actor) -> dict[str, list[tuple[int, str]]]:
    """Priorities, workstreams and providers that have services the actor may see (retired
    ones too where they have figures or targets, so their history can be found)."""
    return _filter_choices(session, actor)


def _filter_choices(session: Session, actor: Actor) -> dict[str, list[tuple[int, str]]]:
    visible = (select(Service).where(listed(None, PROVISIONAL_STATES), visible_services(actor))
               .subquery())
    def rows(model, column, order):  # noqa: ANN001, ANN202
        return [(i, n) for i, n in session.execute(
            select(model.id, model.name).where(model.id.in_(select(column))).order_by(order, model.id))]
    # Priorities and workstreams in the strategy's order (as the pages list them); providers
    # alphabetically, so a long list can be searched by eye.
    return {
        "priority": rows(Priority, visible.c.priority_id, Priority.display_order),
        "workstream": rows(Workstream, visible.c.workstream_id, Workstream.display_order),
        "provider": rows(Provider, visible.c.provider_id, func.lower(Provider.name)),
    }


# Above this many services a chart bar and a tile per service is a wall nobody can read
# (a national instance holds thousands): the Overview counts RAG by priority instead, and
# the filters lead to the services.
SERVICE_LIMIT = 400


@dataclass(frozen=True)
class PrioritySummary:
    priority: str
    counts: dict[str, int]  # RAG word -> services whose headline output has it

    @property
    def services(self) -> int:
        return sum(self.counts.values())


def services_in_view(session: Session, actor: Actor, filters: OverviewFilters) -> int:
    ids = filters.services(actor).subquery()
    return session.scalar(select(func.count()).select_from(ids)) or 0


def metrics_in_view(session: Session, actor: Actor) -> int:
    """How many active metrics the actor's services have (each a row of the performance
    table and a chart of What needs attention): the size of a page's work, in one query."""
    return session.scalar(
        select(func.count()).select_from(Metric).join(Service, Service.id == Metric.service_id)
        .where(Metric.active, visible_services(actor))) or 0


def rag_summary(session: Session, actor: Actor, filters: OverviewFilters, today: dt.date
                ) -> list[PrioritySummary]:
    """Each priority's services the actor may see counted by the RAG of their headline output this quarter,
    judged exactly as the performance table judges it (same targets, thresholds, due dates),
    from one quarter's aggregate."""
    year, quarter, states = filters.year, filters.quarter, filters.states
    ids, narrowed = filters.services(actor), filters.aggregate_scope(actor)
    headlines = session.execute(
        select(Metric.id, Metric.unit, Metric.higher_is_better, Priority.name)
        .join(Service, Service.id == Metric.service_id)
        .join(Priority, Priority.id == Service.priority_id)
        .where(Metric.is_headline, Metric.active, Service.id.in_(ids))
        .order_by(Priority.display_order, Service.display_order, Service.id)
    ).all()
    headline = Metric.is_headline.is_(True)
    totals = metric_totals(session, year, states, narrowed, quarter=quarter, metric_filter=headline)
    targets = targets_for_year(session, year, narrowed, metric_filter=headline)
    period = session.scalars(select(Period).where(Period.year == year,
                                                  Period.quarter == quarter)).one_or_none()
    due = is_due(Quarter(year, quarter), today, period)
    thresholds = rag_thresholds(session)
    counts: dict[str, dict[str, int]] = {}
    for metric_id, unit, higher_is_better, priority in headlines:
        is_rate = unit == "percent"
        found = totals.get((metric_id, quarter))
        actual = None if found is None else (found.rate.percent if is_rate and found.rate else found.count)
        rag = rag_status(actual, quarter_target(targets, metric_id, quarter, is_rate),
                         higher_is_better=higher_is_better, due=due, thresholds=thresholds)
        words = counts.setdefault(priority, {})
        words[RAG_WORDS[rag]] = words.get(RAG_WORDS[rag], 0) + 1
    return [PrioritySummary(p, c) for p, c in counts.items()]

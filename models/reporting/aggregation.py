"""SQL-side aggregation of approved (optionally submitted) return values by metric and quarter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from models.rules.measures import Rate
from models.rules.workflow import COUNTED_STATES
from models.store.entities import Metric, Period, Return, ReturnBreakdownValue, ReturnValue, Target

# Which services to aggregate: None for all, ids, or a SELECT of service ids (so a filter
# runs inside the database rather than as a long list of ids).
ServiceIds = Iterable[int] | Select | None


def headline_or_rate() -> ColumnElement[bool]:
    """The metrics the Overview shows: headline outputs and outcome rates."""
    return or_(Metric.is_headline, Metric.unit == "percent")


def _ids(service_ids: ServiceIds) -> list[int] | Select | None:
    if service_ids is None or isinstance(service_ids, Select):
        return service_ids
    return list(service_ids)


class QuarterTotals(NamedTuple):
    """One metric's pooled values in one quarter (a tuple: made by the thousand per view)."""

    count: int | None
    rate: Rate | None


def metric_totals(
    session: Session, year: int, states: Iterable[str] = COUNTED_STATES,
    service_ids: ServiceIds = None, quarter: int | None = None,
    metric_filter: ColumnElement[bool] | None = None,
) -> dict[tuple[int, int], QuarterTotals]:
    """{(metric_id, quarter): totals} for one financial year: counts summed, rates pooled."""
    stmt = (
        select(
            ReturnValue.metric_id,
            Period.quarter,
            func.sum(ReturnValue.count),
            func.sum(ReturnValue.numerator),
            func.sum(ReturnValue.denominator),
        )
        .join(Return, Return.id == ReturnValue.return_id)
        .join(Period, Period.id == Return.period_id)
        .where(Period.year == year, Return.status.in_(tuple(states)))
        .group_by(ReturnValue.metric_id, Period.quarter)
    )
    if service_ids is not None:
        stmt = stmt.where(Return.service_id.in_(_ids(service_ids)))
    if quarter is not None:
        stmt = stmt.where(Period.quarter == quarter)
    if metric_filter is not None:
        # A join, not IN (SELECT ...): SQLite would probe every return for every metric id.
        stmt = stmt.join(Metric, Metric.id == ReturnValue.metric_id).where(metric_filter)
    # Core execution and fetchall: plain rows, without the ORM's per-row result processing.
    rows = session.connection().execute(stmt).all()
    return {
        (metric_id, quarter): QuarterTotals(
            None if count is None else int(count),
            None if denominator is None else Rate(int(numerator), int(denominator)))
        for metric_id, quarter, count, numerator, denominator in rows
    }


def category_totals(
    session: Session, year: int, states: Iterable[str] = COUNTED_STATES,
    service_ids: ServiceIds = None,
) -> dict[tuple[int, int], int]:
    """{(category_id, quarter): summed count} for one financial year."""
    stmt = (
        select(ReturnBreakdownValue.category_id, Period.quarter,
               func.sum(ReturnBreakdownValue.count))
        .join(Return, Return.id == ReturnBreakdownValue.return_id)
        .join(Period, Period.id == Return.period_id)
        .where(Period.year == year, Return.status.in_(tuple(states)))
        .group_by(ReturnBreakdownValue.category_id, Period.quarter)
    )
    if service_ids is not None:
        stmt = stmt.where(Return.service_id.in_(_ids(service_ids)))
    return {(cid, q): int(total) for cid, q, total in session.connection().execute(stmt).all()}


@dataclass(frozen=True)
class YearFigures:
    """A year's aggregates, fetched once and shared by everything drawn from them."""

    totals: dict[tuple[int, int], QuarterTotals]
    categories: dict[tuple[int, int], int]
    targets: dict[tuple[int, int | None], float]


def year_figures(session: Session, year: int, states: Iterable[str],
                 service_ids: ServiceIds = None, headline_only: bool = False) -> YearFigures:
    """Everything the dashboard aggregates for a year: three GROUP BY-sized queries.
    `headline_only`: just the headline outputs and outcome rates, no breakdowns."""
    ids = _ids(service_ids)
    only = headline_or_rate() if headline_only else None
    return YearFigures(metric_totals(session, year, states, ids, metric_filter=only),
                       {} if headline_only else category_totals(session, year, states, ids),
                       targets_for_year(session, year, ids, only))


def targets_for_year(session: Session, year: int, service_ids: ServiceIds = None,
                     metric_filter: ColumnElement[bool] | None = None,
                     ) -> dict[tuple[int, int | None], float]:
    """{(metric_id, quarter or None for annual): target}."""
    stmt = select(Target.metric_id, Target.quarter, Target.value).where(Target.year == year)
    if service_ids is not None:
        stmt = stmt.where(Target.metric_id.in_(
            select(Metric.id).where(Metric.service_id.in_(_ids(service_ids)))))
    if metric_filter is not None:
        stmt = stmt.join(Metric, Metric.id == Target.metric_id).where(metric_filter)
    return {(m, q): v for m, q, v in session.connection().execute(stmt).all()}


def quarter_target(
    targets: dict[tuple[int, int | None], float], metric_id: int, quarter: int, is_rate: bool
) -> float | None:
    """A quarter's target: set explicitly, else the annual split evenly (counts) or the
    annual rate itself (percentages do not split)."""
    explicit = targets.get((metric_id, quarter))
    if explicit is not None:
        return explicit
    annual = targets.get((metric_id, None))
    if annual is None:
        return None
    return annual if is_rate else annual / 4


def annual_target(
    targets: dict[tuple[int, int | None], float], metric_id: int, is_rate: bool
) -> float | None:
    """The annual target, or the quarterly ones added up when only those are set."""
    annual = targets.get((metric_id, None))
    if annual is not None:
        return annual
    quarters = [targets.get((metric_id, q)) for q in (1, 2, 3, 4)]
    if any(v is None for v in quarters):
        return None
    values = [v for v in quarters if v is not None]
    return sum(values) / 4 if is_rate else sum(values)

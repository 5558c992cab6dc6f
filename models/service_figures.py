"""Figures for one service's page: quarterly series, year to date, forecast, intervals,
breakdowns, narrative and cost per outcome. No Dash here; layouts draw these."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.access import Actor, check_view
from models.aggregation import (
    COUNTED_STATES,
    PROVISIONAL_STATES,
    YearFigures,
    annual_target,
    quarter_target,
    year_figures,
)
from models.entities import Metric, Period, Return, Service
from models.measures import Rate, forecast_year_end, pool_rates, wilson_interval
from models.periods import quarter_label


@dataclass
class QuarterPoint:
    quarter: int
    label: str
    actual: float | None  # a count, or a rate's percentage
    target: float | None
    rate: Rate | None = None
    interval: tuple[float, float] | None = None
    cumulative: float | None = None  # counts: running total; rates: pooled so far
    cumulative_target: float | None = None

    @property
    def small_cohort(self) -> bool:
        return self.rate is not None and self.rate.small_cohort


@dataclass
class MetricSeries:
    id: int
    name: str
    kind: str
    unit: str
    higher_is_better: bool
    baseline: float | None
    baseline_period: str | None
    baseline_note: str | None
    points: list[QuarterPoint]
    annual_target: float | None
    ytd_actual: float | None
    ytd_rate: Rate | None
    quarters_reported: int
    forecast: float | None
    categories: list[tuple[str, list[int | None]]] = field(default_factory=list)
    cost_per_unit: float | None = None

    @property
    def has_data(self) -> bool:
        return any(p.actual is not None for p in self.points)


@dataclass
class ServiceFigures:
    id: int
    name: str
    provider: str
    priority: str
    workstream: str
    description: str
    contract_value: float | None
    year: int
    metrics: list[MetricSeries]
    narrative: list[tuple[str, str, str]]  # quarter label, highlights, case study
    provisional: bool

    @property
    def has_targets(self) -> bool:
        return any(m.annual_target is not None for m in self.metrics)

    @property
    def has_data(self) -> bool:
        return any(m.has_data for m in self.metrics)


def cost_per_unit(contract_value: float | None, quarters_reported: int,
                  units: float | None) -> float | None:
    """The contract value for the quarters reported, per unit delivered (person supported,
    or person reporting an improvement). None when it cannot be known."""
    if not contract_value or not units or quarters_reported <= 0:
        return None
    return contract_value * quarters_reported / 4 / units


def service_figures(session: Session, actor: Actor, service_id: int, year: int,
                    include_submitted: bool = False,
                    shared: YearFigures | None = None) -> ServiceFigures:
    """One service's year. `shared`: the year's aggregates for all services, when many
    services are drawn at once (the PDF pack), so they are fetched once, not per service."""
    service = check_view(actor, session.scalars(
        select(Service).where(Service.id == service_id)
        .options(selectinload(Service.metrics).selectinload(Metric.categories),
                 selectinload(Service.provider), selectinload(Service.priority),
                 selectinload(Service.workstream))).one_or_none())
    states = PROVISIONAL_STATES if include_submitted else COUNTED_STATES
    figures = shared or year_figures(session, year, states, service_ids=[service.id])
    totals, cats, targets = figures.totals, figures.categories, figures.targets
    series = []
    with_figures = {mid for mid, _ in totals}
    for m in (m for m in service.metrics if m.active or m.id in with_figures):
        points: list[QuarterPoint] = []
        running = 0.0
        running_target = 0.0
        pooled: list[Rate] = []
        reported = 0
        for q in (1, 2, 3, 4):
            found = totals.get((m.id, q))
            target = quarter_target(targets, m.id, q, m.is_rate)
            point = QuarterPoint(q, quarter_label(year, q), None, target)
            if found is not None:
                reported += 1
                if m.is_rate and found.rate is not None:
                    point.rate = found.rate
                    point.actual = found.rate.value
                    point.interval = wilson_interval(found.rate.numerator, found.rate.denominator)
                    pooled.append(found.rate)
                    point.cumulative = pool_rates(pooled).value
                elif found.count is not None:
                    point.actual = float(found.count)
                    running += found.count
                    point.cumulative = running
            if target is not None and not m.is_rate:
                running_target += target
                point.cumulative_target = running_target
            elif m.is_rate:
                point.cumulative_target = annual_target(targets, m.id, True)
            points.append(point)
        ytd_rate = pool_rates(pooled) if pooled else None
        ytd_actual = (ytd_rate.value if ytd_rate else None) if m.is_rate else (running if reported else None)
        forecast = ytd_actual if m.is_rate else (forecast_year_end(running, reported) if reported else None)
        units = ytd_rate.numerator if ytd_rate else ytd_actual
        series.append(MetricSeries(
            id=m.id, name=m.name, kind=m.kind, unit=m.unit, higher_is_better=m.higher_is_better,
            baseline=m.baseline_value, baseline_period=m.baseline_period,
            baseline_note=m.baseline_note, points=points,
            annual_target=annual_target(targets, m.id, m.is_rate), ytd_actual=ytd_actual,
            ytd_rate=ytd_rate, quarters_reported=reported, forecast=forecast,
            categories=[(c.name, [cats.get((c.id, q)) for q in (1, 2, 3, 4)]) for c in m.categories],
            # Only for the headline output and outcome rates: the contract pays for those,
            # not for each secondary count (schools engaged, volunteers trained).
            cost_per_unit=(cost_per_unit(service.annual_contract_value, reported, units)
                           if m.higher_is_better and (m.is_headline or m.is_rate) else None),
        ))
    narrative = [
        (quarter_label(year, quarter), highlights, case_study)
        for quarter, highlights, case_study in session.execute(
            select(Period.quarter, Return.highlights, Return.case_study)
            .join(Period, Period.id == Return.period_id)
            .where(Return.service_id == service.id, Period.year == year,
                   Return.status.in_(states))
            .order_by(Period.quarter))
        if highlights or case_study
    ]
    return ServiceFigures(
        id=service.id, name=service.name,
        provider=service.provider.name if service.provider else "Not assigned",
        priority=service.priority.name, workstream=service.workstream.name,
        description=service.description, contract_value=service.annual_contract_value,
        year=year, metrics=series, narrative=narrative, provisional=include_submitted,
    )


def service_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    stmt = select(Service.id, Service.name).where(Service.active).order_by(Service.display_order)
    if actor.role == "provider":
        stmt = stmt.where(Service.provider_id == actor.provider_id)
    return [(sid, name) for sid, name in session.execute(stmt)]


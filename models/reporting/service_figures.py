"""Figures for one service's page: quarterly series, year to date, forecast, intervals,
breakdowns, narrative and cost per outcome. No Dash here; layouts draw these."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.access import Actor, check_view, visible_services
from models.reporting.aggregation import (
    YearFigures,
    annual_target,
    quarter_target,
    year_figures,
)
from models.reporting.retirement import in_service, is_retired, listed
from models.rules.formats import format_date
from models.rules.measures import Rate, forecast_year_end, pool_rates, wilson_interval
from models.rules.periods import Quarter, due_date_of, quarter_label, year_is_due
from models.rules.workflow import PROVISIONAL_STATES, counted_states
from models.store.entities import Metric, Period, Return, Service
from models.store.periods import periods_of_year


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
    cost_note: str = ""  # why no cost is shown, in words, when the contract cannot say
    ytd_interval: tuple[float, float] | None = None  # 95% Wilson interval of the pooled rate

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
    provisional: bool  # a figure shown comes from a submitted return not yet approved
    retired: bool = False
    year_due: bool = True  # by the calendar: the year's first quarter is due
    first_due: dt.date | None = None

    @property
    def has_targets(self) -> bool:
        return any(m.annual_target is not None for m in self.metrics)

    @property
    def has_data(self) -> bool:
        return any(m.has_data for m in self.metrics)


@dataclass(frozen=True)
class ContractCost:
    """What the contract cost over a span: an amount, or words saying why it is not shown."""

    amount: float | None
    note: str = ""


def contract_months(start: dt.date, end: dt.date, first: dt.date, last: dt.date) -> float:
    """Months of the contract (start to end, inclusive) falling between `first` and `last`
    inclusive; a month partly covered counts as the share of its days covered."""
    lo, hi = max(start, first), min(end, last)
    months = 0.0
    day = lo
    while day <= hi:
        length = calendar.monthrange(day.year, day.month)[1]
        month_end = dt.date(day.year, day.month, length)
        months += ((min(hi, month_end) - day).days + 1) / length
        day = month_end + dt.timedelta(days=1)
    return months


def contract_cost(annual_value: float | None, start: dt.date | None, end: dt.date | None,
                  quarters: Sequence[Quarter]) -> ContractCost:
    """The contract's annual value pro-rated by the months of the contract falling in
    `quarters` (a financial year, or the quarters reported). Not shown, in words, when the
    contract's dates are not recorded or do not cover any of the span."""
    if not annual_value or not quarters:
        return ContractCost(None)
    if start is None or end is None:
        return ContractCost(None, "Cost not shown: the contract's start and end dates are not "
                                  "recorded.")
    months = sum(contract_months(start, end, q.start, q.end) for q in quarters)
    if months <= 0:
        span = ", ".join(q.label for q in quarters)
        return ContractCost(None, f"Cost not shown: the contract ({format_date(start)} to "
                                  f"{format_date(end)}) does not cover {span}.")
    return ContractCost(annual_value * months / 12)


def cost_per_unit(cost: ContractCost, units: float | None) -> float | None:
    """The contract's cost over the span per unit delivered in it (person supported, or
    person reporting an improvement). None when it cannot be known."""
    if cost.amount is None or not units:
        return None
    return cost.amount / units


def service_figures(session: Session, actor: Actor, service_id: int, year: int,
                    include_submitted: bool = False,
                    shared: YearFigures | None = None,
                    today: dt.date | None = None) -> ServiceFigures:
    """One service's year. `shared`: the year's aggregates for all services, when many
    services are drawn at once (the PDF pack), so they are fetched once, not per service.
    `today`: to say, by the calendar, whether anything is due yet (assumed so without it)."""
    service = check_view(actor, session.scalars(
        select(Service).where(Service.id == service_id)
        .options(selectinload(Service.metrics).selectinload(Metric.categories),
                 selectinload(Service.provider), selectinload(Service.priority),
                 selectinload(Service.workstream))).one_or_none())
    states = counted_states(include_submitted)
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
        reported_quarters: list[Quarter] = []
        for q in (1, 2, 3, 4):
            found = totals.get((m.id, q))
            target = quarter_target(targets, m.id, q, m.is_rate)
            point = QuarterPoint(q, quarter_label(year, q), None, target)
            if found is not None:
                reported += 1
                reported_quarters.append(Quarter(year, q))
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
        # Only for the headline output and outcome rates: the contract pays for those,
        # not for each secondary count (schools engaged, volunteers trained).
        costed = m.higher_is_better and (m.is_headline or m.is_rate)
        cost = (contract_cost(service.annual_contract_value, service.contract_start,
                              service.contract_end, reported_quarters)
                if costed else ContractCost(None))
        series.append(MetricSeries(
            id=m.id, name=m.name, kind=m.kind, unit=m.unit, higher_is_better=m.higher_is_better,
            baseline=m.baseline_value, baseline_period=m.baseline_period,
            baseline_note=m.baseline_note, points=points,
            annual_target=annual_target(targets, m.id, m.is_rate), ytd_actual=ytd_actual,
            ytd_rate=ytd_rate, quarters_reported=reported, forecast=forecast,
            categories=[(c.name, [cats.get((c.id, q)) for q in (1, 2, 3, 4)]) for c in m.categories],
            cost_per_unit=cost_per_unit(cost, units), cost_note=cost.note,
            ytd_interval=(wilson_interval(ytd_rate.numerator, ytd_rate.denominator)
                          if ytd_rate else None),
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
        year=year, metrics=series, narrative=narrative,
        provisional=include_submitted and _has_unapproved(session, service.id, year),
        retired=is_retired(session, service.id), **_calendar(session, year, today),
    )


def _calendar(session: Session, year: int, today: dt.date | None) -> dict:
    if today is None:
        return {}
    periods = periods_of_year(session, year)
    return {"year_due": year_is_due(year, today, periods),
            "first_due": due_date_of(Quarter(year, 1), periods.get(1))}


def service_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Services the actor may see: those in service, then retired ones with any figures or
    targets (their history stays), named as retired."""
    stmt = (select(Service.id, Service.name, in_service())
            .where(listed(None, PROVISIONAL_STATES), visible_services(actor))
            .order_by(func.lower(Service.name), Service.id))  # alphabetical, to find by eye
    rows = session.execute(stmt).all()
    return ([(sid, name) for sid, name, current in rows if current]
            + [(sid, f"{name} (retired)") for sid, name, current in rows if not current])



def _has_unapproved(session: Session, service_id: int, year: int) -> bool:
    """Whether the year has a submitted return not yet approved, whose figures the provisional
    view shows: only then does its heading say "(provisional)"."""
    unapproved = tuple(set(counted_states(True)) - set(counted_states(False)))
    return session.scalar(
        select(func.count()).select_from(Return).join(Period, Period.id == Return.period_id)
        .where(Return.service_id == service_id, Period.year == year,
               Return.status.in_(unapproved))) > 0

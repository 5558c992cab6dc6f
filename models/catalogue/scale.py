"""Synthetic scale data for the benchmarks (and their test), from the demo generator (seeded).

*County*: about 300 services of 40 providers, 15 values per return (metrics and
breakdowns), 8 financial years of quarters: about 150,000 values. *National*: 30 times
that, about 4.5 million. The demo catalogue's services are the templates; each clone
keeps its template's metrics and breakdowns, topped up with extra output counts to 15.

Rows go in with the driver's bulk paths (COPY on PostgreSQL, executemany on SQLite),
because going through the ORM would make loading national scale take an hour.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from models.catalogue.demo import LATEST_STATES, demo_figures, demo_target, seed_demo
from models.rules.periods import Quarter, is_due
from models.store.entities import (
    Metric,
    MetricCategory,
    Period,
    Provider,
    Return,
    ReturnBreakdownValue,
    ReturnValue,
    Service,
    Target,
)
from models.store.periods import ensure_periods

SCALES = {"county": (40, 300), "national": (1200, 9000)}
VALUES_PER_RETURN = 16
FIRST = Quarter(2019, 1)  # eight financial years to 2026/27
CHUNK = 150  # services generated and written at a time


@dataclass
class Cat:
    id: int
    baseline_value: float | None


@dataclass
class MetricSpec:
    """A plain record with the attributes the demo generator reads."""

    id: int
    name: str
    kind: str
    unit: str
    higher_is_better: bool
    is_headline: bool
    display_order: int
    categories: list[Cat] = field(default_factory=list)
    category_names: list[tuple[str, float | None]] = field(default_factory=list)


@dataclass(frozen=True)
class ScaleResult:
    scale: str
    providers: int
    services: int
    returns: int
    values: int


def _templates(session: Session) -> list[tuple[Service, list[MetricSpec]]]:
    out = []
    for service in session.scalars(select(Service).order_by(Service.display_order)).all():
        specs = [MetricSpec(0, m.name, m.kind, m.unit, m.higher_is_better, m.is_headline,
                            m.display_order,
                            category_names=[(c.name, c.baseline_value) for c in m.categories])
                 for m in service.metrics]
        width = sum(1 + len(s.category_names) for s in specs)
        specs += [MetricSpec(0, f"Extra output {k}", "output", "count", True, False, 100 + k)
                  for k in range(1, max(0, VALUES_PER_RETURN - width) + 1)]
        out.append((service, specs))
    return out


def _ids(session: Session, model: type, rows: list[dict]) -> list[int]:
    """Insert rows and return their new ids in the order given."""
    if not rows:
        return []
    result = session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def _bulk(session: Session, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """The fastest plain insert each driver has: COPY (PostgreSQL), executemany (SQLite)."""
    if not rows:
        return
    dbapi = session.connection().connection.driver_connection
    if session.get_bind().dialect.name == "postgresql":
        with dbapi.cursor().copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        dbapi.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', rows)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def build(engine: Engine, scale: str = "county", today: dt.date = dt.date(2026, 11, 25),
          seed: int = 7, services: int | None = None, providers: int | None = None) -> ScaleResult:
    """Load demo data plus synthetic providers and services up to the scale's size."""
    n_providers, n_services = SCALES[scale]
    n_providers, n_services = providers or n_providers, services or n_services
    rng = random.Random(seed)
    with Session(engine) as session, session.begin():
        seed_demo(session, "benchmark-password", today)
        periods = ensure_periods(session, FIRST, Quarter.containing(today))
        templates = _templates(session)
        existing = session.scalar(select(func.count()).select_from(Service))
        demo_providers = session.scalar(select(func.count()).select_from(Provider))
        provider_ids = _ids(session, Provider, [
            {"name": f"Scale provider {i:04d}", "slug": f"scale-provider-{i:04d}", "is_demo": True}
            for i in range(1, n_providers - demo_providers + 1)])
        due = [p for p in periods if is_due(Quarter(p.year, p.quarter), today, p)]
        latest_due = due[-1] if due else None
        plan = list(range(n_services - existing))
        for chunk in _chunks(plan, CHUNK):
            _write_chunk(session, chunk, templates, provider_ids, periods, latest_due, today, rng)
        values = (session.scalar(select(func.count()).select_from(ReturnValue))
                  + session.scalar(select(func.count()).select_from(ReturnBreakdownValue)))
        result = ScaleResult(scale, len(provider_ids) + demo_providers, n_services,
                             session.scalar(select(func.count()).select_from(Return)), values)
    # What a database that has been running a while has: statistics, and (PostgreSQL) a
    # visibility map, so covering indexes are read without visiting the table.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return result


def _write_chunk(session: Session, chunk: list[int], templates: list, provider_ids: list[int],
                 periods: list[Period], latest_due: Period | None, today: dt.date,
                 rng: random.Random) -> None:
    picks = [templates[i % len(templates)] for i in chunk]
    service_ids = _ids(session, Service, [
        {"name": f"{t.name} #{i + 1}", "short_name": t.short_name, "priority_id": t.priority_id,
         "workstream_id": t.workstream_id, "provider_id": provider_ids[i % len(provider_ids)],
         "display_order": t.display_order, "description": ""}
        for i, (t, _) in zip(chunk, picks, strict=True)])
    # One copy of the template's metric records per service, with the new ids filled in.
    per_service: list[list[MetricSpec]] = []
    metric_rows = []
    for sid, (_, specs) in zip(service_ids, picks, strict=True):
        copies = [MetricSpec(0, s.name, s.kind, s.unit, s.higher_is_better, s.is_headline,
                             s.display_order, category_names=s.category_names) for s in specs]
        per_service.append(copies)
        metric_rows += [{"service_id": sid, "name": m.name, "kind": m.kind, "unit": m.unit,
                         "higher_is_better": m.higher_is_better, "is_headline": m.is_headline,
                         "display_order": m.display_order} for m in copies]
    flat = [m for copies in per_service for m in copies]
    for metric, mid in zip(flat, _ids(session, Metric, metric_rows), strict=True):
        metric.id = mid
    cat_rows = [{"metric_id": m.id, "name": name, "display_order": k, "baseline_value": base}
                for m in flat for k, (name, base) in enumerate(m.category_names)]
    cat_ids = iter(_ids(session, MetricCategory, cat_rows))
    for m in flat:
        m.categories = [Cat(next(cat_ids), base) for _, base in m.category_names]

    years = sorted({p.year for p in periods})
    targets: dict[tuple[int, int], float] = {}
    for m in flat:
        for year in years:
            value = demo_target(m, year, rng)
            if value is None and m.name.startswith("Extra output"):
                value = float(rng.randrange(8, 400, 4))
            if value is not None:
                targets[(m.id, year)] = value
    _bulk(session, "target", ("metric_id", "year", "quarter", "value"),
          [(mid, year, None, value) for (mid, year), value in targets.items()])

    return_rows, figures = [], []
    for index, (sid, metrics) in enumerate(zip(service_ids, per_service, strict=True)):
        level = rng.choice([0.8, 0.88, 0.95, 1.0, 1.05, 1.12])
        provider_id = provider_ids[chunk[index] % len(provider_ids)]
        for period in periods:
            state = _state(period, latest_due, today, chunk[index])
            if state is None:
                continue
            return_rows.append({"service_id": sid, "period_id": period.id, "provider_id": provider_id,
                                "status": state, "is_demo": True, "highlights": "", "challenges": "",
                                "case_study": "", "officer_comment": "", "warning_note": "",
                                "reopened": False, "updated_at": dt.datetime(2026, 1, 1),
                                "version": 1})
            year_targets = {m.id: targets[(m.id, period.year)] for m in metrics
                            if (m.id, period.year) in targets}
            figures.append(demo_figures(metrics, year_targets, rng, level * rng.uniform(0.9, 1.1)))
    return_ids = _ids(session, Return, return_rows)
    _bulk(session, "return_value", ("return_id", "metric_id", "count", "numerator", "denominator"),
          [(rid, *v) for rid, (vals, _) in zip(return_ids, figures, strict=True) for v in vals])
    _bulk(session, "return_breakdown_value", ("return_id", "category_id", "count"),
          [(rid, *p) for rid, (_, parts) in zip(return_ids, figures, strict=True) for p in parts])


def _state(period: Period, latest_due: Period | None, today: dt.date, index: int) -> str | None:
    if period is latest_due:
        return LATEST_STATES[index % len(LATEST_STATES)]
    if not is_due(Quarter(period.year, period.quarter), today, period):
        return "draft" if index % 2 == 0 else None
    return "approved"


def counts(session: Session) -> dict[str, int]:
    return {name: session.scalar(select(func.count()).select_from(model))
            for name, model in (("services", Service), ("metrics", Metric), ("targets", Target),
                                ("returns", Return), ("values", ReturnValue),
                                ("breakdown values", ReturnBreakdownValue))}


__all__ = ["SCALES", "ScaleResult", "build", "counts"]

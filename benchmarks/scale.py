"""Scale data: the demo data set, with every service cloned `copies` times (seeded)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.demo import seed_demo
from models.entities import (
    Metric,
    MetricCategory,
    Return,
    ReturnBreakdownValue,
    ReturnValue,
    Service,
    Target,
)


def build(session: Session, copies: int, today: dt.date, seed: int = 7) -> int:
    """Seed demo data, then add `copies - 1` clones of each service with jittered values.
    Returns the number of return values (metric and breakdown) in the database."""
    seed_demo(session, "benchmark-password", today)
    rng = random.Random(seed)
    originals = session.scalars(select(Service)).all()
    returns = session.scalars(select(Return)).all()
    for copy in range(1, copies):
        for service in originals:
            clone = Service(name=f"{service.name} #{copy}", short_name=service.short_name,
                            priority_id=service.priority_id, workstream_id=service.workstream_id,
                            provider_id=service.provider_id, display_order=service.display_order)
            session.add(clone)
            session.flush()
            metric_map: dict[int, int] = {}
            category_map: dict[int, int] = {}
            for m in service.metrics:
                new = Metric(service_id=clone.id, name=m.name, kind=m.kind, unit=m.unit,
                             higher_is_better=m.higher_is_better, is_headline=m.is_headline,
                             display_order=m.display_order)
                session.add(new)
                session.flush()
                metric_map[m.id] = new.id
                for c in m.categories:
                    nc = MetricCategory(metric_id=new.id, name=c.name, display_order=c.display_order)
                    session.add(nc)
                    session.flush()
                    category_map[c.id] = nc.id
            targets = session.scalars(select(Target).where(Target.metric_id.in_(list(metric_map)))).all()
            if targets:
                session.execute(insert(Target), [
                    {"metric_id": metric_map[t.metric_id], "year": t.year, "quarter": t.quarter,
                     "value": t.value} for t in targets])
            values, parts = [], []
            for r in (r for r in returns if r.service_id == service.id):
                new_return = Return(service_id=clone.id, period_id=r.period_id,
                                    provider_id=r.provider_id, status=r.status, is_demo=True)
                session.add(new_return)
                session.flush()
                jitter = rng.uniform(0.8, 1.2)
                for v in r.values:
                    values.append({
                        "return_id": new_return.id, "metric_id": metric_map[v.metric_id],
                        "count": None if v.count is None else int(v.count * jitter),
                        "numerator": v.numerator, "denominator": v.denominator})
                for b in r.breakdown_values:
                    parts.append({"return_id": new_return.id,
                                  "category_id": category_map[b.category_id], "count": b.count})
            if values:
                session.execute(insert(ReturnValue), values)
            if parts:
                session.execute(insert(ReturnBreakdownValue), parts)
    session.flush()
    from sqlalchemy import func

    return (session.scalar(select(func.count()).select_from(ReturnValue))
            + session.scalar(select(func.count()).select_from(ReturnBreakdownValue)))

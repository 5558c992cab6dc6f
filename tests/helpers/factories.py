"""Small builders so a test states only what matters to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.catalogue.strategy import seed_catalogue
from models.rules.periods import Quarter
from models.store.entities import (
    Metric,
    MetricCategory,
    Period,
    Priority,
    Provider,
    Return,
    ReturnBreakdownValue,
    ReturnValue,
    Service,
    Target,
    Workstream,
)


def provider(session: Session, name: str = "Test Provider") -> Provider:
    p = Provider(name=name, slug=name.lower().replace(" ", "-"))
    session.add(p)
    session.flush()
    return p


def service(session: Session, name: str, owner: Provider | None, order: int = 0) -> Service:
    priority = session.scalars(select(Priority)).first()
    workstream = session.scalars(select(Workstream)).first()
    if priority is None:
        seed_catalogue(session)
        return service(session, name, owner, order)
    s = Service(name=name, short_name=name, priority_id=priority.id, workstream_id=workstream.id,
                provider_id=owner.id if owner else None, display_order=100 + order)
    session.add(s)
    session.flush()
    return s


def metric(session: Session, owner: Service, name: str, *, unit: str = "count",
           kind: str = "output", higher_is_better: bool = True, headline: bool = False,
           order: int = 0, categories: tuple[str, ...] = ()) -> Metric:
    m = Metric(service_id=owner.id, name=name, kind=kind, unit=unit,
               higher_is_better=higher_is_better, is_headline=headline, display_order=order)
    session.add(m)
    session.flush()
    for i, c in enumerate(categories):
        session.add(MetricCategory(metric_id=m.id, name=c, display_order=i))
    session.flush()
    return m


def periods(session: Session, year: int) -> dict[int, Period]:
    out = {}
    for q in (1, 2, 3, 4):
        existing = session.scalars(select(Period).filter_by(year=year, quarter=q)).one_or_none()
        out[q] = existing or Period(year=year, quarter=q, status="open",
                                    due_date=Quarter(year, q).default_due_date)
        session.add(out[q])
    session.flush()
    return out


def target(session: Session, m: Metric, year: int, value: float, quarter: int | None = None) -> None:
    session.add(Target(metric_id=m.id, year=year, quarter=quarter, value=value))
    session.flush()


def a_return(session: Session, owner: Service, period: Period, status: str,
             counts: dict[Metric, int] | None = None,
             rates: dict[Metric, tuple[int, int]] | None = None,
             breakdown: dict[MetricCategory, int] | None = None) -> Return:
    r = Return(service_id=owner.id, period_id=period.id, provider_id=owner.provider_id,
               status=status)
    for m, value in (counts or {}).items():
        r.values.append(ReturnValue(metric_id=m.id, count=value))
    for m, (num, den) in (rates or {}).items():
        r.values.append(ReturnValue(metric_id=m.id, numerator=num, denominator=den))
    for c, value in (breakdown or {}).items():
        r.breakdown_values.append(ReturnBreakdownValue(category_id=c.id, count=value))
    session.add(r)
    session.flush()
    return r


TODAY_2024 = dt.date(2024, 11, 25)  # Q1 and Q2 of 2024/25 are due; Q3 is not


def user(session: Session, email: str, role: str, owner: Provider | None = None):
    """A user row without hashing a password (tests that sign in use the demo users)."""
    from models.store.entities import User

    u = User(email=email, password_hash="x", role=role,
             provider_id=owner.id if owner else None, active=True)
    session.add(u)
    session.flush()
    return u


@dataclass
class Actor:
    """A signed-in user as the domain sees it, without a database row."""

    id: int
    role: str
    provider_id: int | None = None
    email: str = "actor@example.org"


def annual_target_of_40(factory) -> int:
    """A new service's headline metric with a 2025/26 annual target of 40, in its own
    transaction; the target's id."""
    from models.store.db import unit_of_work

    with unit_of_work(factory) as s:
        m = metric(s, service(s, "Counted", provider(s)), "People", headline=True)
        row = Target(metric_id=m.id, year=2025, quarter=None, value=40)
        s.add(row)
        s.flush()
        return row.id

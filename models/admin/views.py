"""Read-only listings for the admin pages (admins only), as plain rows: the pages shape
them without reaching back into the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.access import Actor, require_admin
from models.rules.formats import format_date
from models.rules.periods import Quarter, quarter_label, submission_opens
from models.store.entities import Metric, Period, Priority, Provider, Service, User, Workstream


@dataclass(frozen=True)
class ProviderRow:
    id: int
    name: str
    active: bool


def providers(session: Session, actor: Actor) -> list[ProviderRow]:
    require_admin(actor, "manage providers")
    return [ProviderRow(p.id, p.name, p.active)
            for p in session.scalars(select(Provider).order_by(Provider.name))]


@dataclass(frozen=True)
class ServiceRow:
    id: int
    name: str
    priority: str
    workstream: str
    provider: str | None  # None: not assigned yet
    contract_start: dt.date | None
    contract_end: dt.date | None
    annual_contract_value: float | None
    active: bool


def services(session: Session, actor: Actor) -> list[ServiceRow]:
    require_admin(actor, "manage services")
    return [ServiceRow(s.id, s.name, s.priority.name, s.workstream.name,
                       s.provider.name if s.provider else None, s.contract_start, s.contract_end,
                       s.annual_contract_value, s.active)
            for s in session.scalars(select(Service).options(
                selectinload(Service.provider), selectinload(Service.priority),
                selectinload(Service.workstream)).order_by(Service.display_order))]


def lookups(session: Session, actor: Actor) -> dict[str, list[tuple[int, str]]]:
    """The admin forms' pickers: priorities, workstreams and every provider."""
    require_admin(actor, "manage the configuration")
    return {
        "priority": [(p.id, p.name) for p in session.scalars(select(Priority).order_by(Priority.display_order))],
        "workstream": [(w.id, w.name) for w in session.scalars(select(Workstream).order_by(Workstream.display_order))],
        "provider": [(p.id, p.name) for p in session.scalars(select(Provider).order_by(Provider.name))],
    }


@dataclass(frozen=True)
class MetricRow:
    id: int
    name: str
    kind: str
    unit: str
    higher_is_better: bool
    categories: tuple[str, ...]
    baseline_value: float | None
    baseline_period: str | None
    active: bool


def metrics(session: Session, actor: Actor, service_id: int) -> list[MetricRow]:
    require_admin(actor, "manage metrics")
    return [MetricRow(m.id, m.name, m.kind, m.unit, m.higher_is_better,
                      tuple(c.name for c in m.categories), m.baseline_value, m.baseline_period,
                      m.active)
            for m in session.scalars(select(Metric).where(Metric.service_id == service_id)
                                     .options(selectinload(Metric.categories))
                                     .order_by(Metric.display_order, Metric.id))]


@dataclass
class PeriodRow:
    id: int
    label: str
    status: str
    due: str
    due_iso: str
    submission: str = ""  # when its returns may be submitted, in words
    early: bool = False


def periods(session: Session, actor: Actor) -> list[PeriodRow]:
    require_admin(actor, "manage periods")
    return [PeriodRow(p.id, quarter_label(p.year, p.quarter), p.status, format_date(p.due_date),
                      p.due_date.isoformat(),
                      "Early submission allowed" if p.early_submission
                      else f"From {format_date(submission_opens(Quarter(p.year, p.quarter)))}",
                      p.early_submission)
            for p in session.scalars(select(Period).order_by(Period.year.desc(), Period.quarter.desc()))]


def change_periods(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The quarters a change in a service may start from: every quarter from 2020/21 on."""
    require_admin(actor, "manage services")
    return [(p.id, quarter_label(p.year, p.quarter))
            for p in session.scalars(select(Period).where(Period.year >= 2020)
                                     .order_by(Period.year.desc(), Period.quarter.desc()))]


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    role: str
    provider: str | None
    active: bool
    must_change_password: bool


def users(session: Session, actor: Actor) -> list[UserRow]:
    require_admin(actor, "manage users")
    return [UserRow(u.id, u.email, u.role, u.provider.name if u.provider else None, u.active,
                    u.must_change_password)
            for u in session.scalars(select(User).options(selectinload(User.provider)).order_by(User.email))]


def get(session: Session, actor: Actor, model: type, record_id: int):  # noqa: ANN201
    """One record for an admin form, after checking the admin role."""
    require_admin(actor, "manage the configuration")
    return session.get(model, record_id)

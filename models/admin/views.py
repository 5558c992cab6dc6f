"""Read-only listings for the admin pages (admins only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.access import Actor, require_admin
from models.rules.formats import format_date
from models.rules.periods import quarter_label
from models.store.entities import Metric, Period, Priority, Provider, Service, User, Workstream


def providers(session: Session, actor: Actor) -> list[Provider]:
    require_admin(actor, "manage providers")
    return list(session.scalars(select(Provider).order_by(Provider.name)))


def services(session: Session, actor: Actor) -> list[Service]:
    require_admin(actor, "manage services")
    return list(session.scalars(select(Service).options(
        selectinload(Service.provider), selectinload(Service.priority),
        selectinload(Service.workstream)).order_by(Service.display_order)))


def lookups(session: Session, actor: Actor) -> dict[str, list[tuple[int, str]]]:
    """The admin forms' pickers: priorities, workstreams and every provider."""
    require_admin(actor, "manage the configuration")
    return {
        "priority": [(p.id, p.name) for p in session.scalars(select(Priority).order_by(Priority.display_order))],
        "workstream": [(w.id, w.name) for w in session.scalars(select(Workstream).order_by(Workstream.display_order))],
        "provider": [(p.id, p.name) for p in session.scalars(select(Provider).order_by(Provider.name))],
    }


def metrics(session: Session, actor: Actor, service_id: int) -> list[Metric]:
    require_admin(actor, "manage metrics")
    return list(session.scalars(select(Metric).where(Metric.service_id == service_id)
                                .options(selectinload(Metric.categories))
                                .order_by(Metric.display_order, Metric.id)))


@dataclass
class PeriodRow:
    id: int
    label: str
    status: str
    due: str
    due_iso: str


def periods(session: Session, actor: Actor) -> list[PeriodRow]:
    require_admin(actor, "manage periods")
    return [PeriodRow(p.id, quarter_label(p.year, p.quarter), p.status, format_date(p.due_date),
                      p.due_date.isoformat())
            for p in session.scalars(select(Period).order_by(Period.year.desc(), Period.quarter.desc()))]


def users(session: Session, actor: Actor) -> list[User]:
    require_admin(actor, "manage users")
    return list(session.scalars(select(User).options(selectinload(User.provider)).order_by(User.email)))


def get(session: Session, actor: Actor, model: type, record_id: int):  # noqa: ANN201
    """One record for an admin form, after checking the admin role."""
    require_admin(actor, "manage the configuration")
    return session.get(model, record_id)

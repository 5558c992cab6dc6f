"""Which services a view lists: retiring a service or provider changes what comes next,
never the history (DESIGN §3, issue #13).

A service is *retired* when it, or the provider delivering it, is no longer active. A
retired service takes no new returns and leaves the forms, but keeps its rows, marked
"Retired", in every year where it has figures or targets — as a retired metric does."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, exists, not_, or_, select
from sqlalchemy.orm import Session

from models.store.entities import Metric, Period, Provider, Return, Service, Target

RETIRED_WORD = "Retired"
RETIRED_NOTE = "Retired service"


def retired() -> ColumnElement[bool]:
    """True for a retired service: itself inactive, or its provider inactive. Usable in a
    WHERE or as a selected column, with or without the provider joined."""
    inactive_provider = (select(Provider.id)
                         .where(Provider.id == Service.provider_id, Provider.active.is_(False))
                         .correlate_except(Provider).exists())
    return or_(Service.active.is_(False), inactive_provider)


def in_service() -> ColumnElement[bool]:
    """A service that takes returns: neither it nor its provider is retired."""
    return not_(retired())


def has_history(year: int | None, states: Iterable[str]) -> ColumnElement[bool]:
    """A service with figures (a return in one of `states`) or a target in `year` (in any
    year when `year` is None)."""
    returns = select(Return.id).where(Return.service_id == Service.id,
                                      Return.status.in_(tuple(states)))
    targets = (select(Target.id).join(Metric, Metric.id == Target.metric_id)
               .where(Metric.service_id == Service.id))
    if year is not None:
        returns = returns.join(Period, Period.id == Return.period_id).where(Period.year == year)
        targets = targets.where(Target.year == year)
    return or_(exists(returns), exists(targets))


def listed(year: int | None, states: Iterable[str]) -> ColumnElement[bool]:
    """The services a view of `year` lists: those in service, and retired ones with figures
    or targets in that year (in any year when `year` is None: pickers and filters)."""
    return or_(in_service(), has_history(year, states))


def is_retired(session: Session, service_id: int) -> bool:
    return bool(session.scalar(select(retired()).where(Service.id == service_id)))

"""Changes in a service (a new contract, a new model of delivery), marked by the lead officer:
the trend charts' control limits are recalculated from the first quarter of the new process
(models.reporting.trends). Admins only, audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import Actor, require_admin
from models.admin.common import AdminError, clean_name, existing
from models.rules.formats import format_date
from models.rules.periods import quarter_label
from models.store.audit import record
from models.store.entities import Period, Service, ServiceChange, User

REASON_LIMIT = 200


@dataclass(frozen=True)
class ChangeRow:
    id: int
    service: str
    starts: str  # "Q1 2023/24": the first quarter of the new process
    reason: str
    marked: str  # who marked it and when, in words


def mark_service_change(session: Session, actor: Actor, service_id: int | None,
                        period_id: int | None, reason: str | None) -> ServiceChange:
    """Mark a change in a service from a quarter (the first of the new process)."""
    require_admin(actor, "mark a change in a service")
    if service_id is None:
        raise AdminError("Choose the service that changed")
    service = existing(session, Service, service_id, "service")
    if period_id is None:
        raise AdminError("Choose the first quarter of the new way of working")
    period = existing(session, Period, period_id, "quarter")
    text = clean_name(reason, "reason for the change (for example, new contract)", REASON_LIMIT)
    label = quarter_label(period.year, period.quarter)
    clash = session.scalars(select(ServiceChange).where(
        ServiceChange.service_id == service.id, ServiceChange.period_id == period.id)).first()
    if clash is not None:
        raise AdminError(f"A change in {service.name} is already marked from {label}")
    change = ServiceChange(service_id=service.id, period_id=period.id, reason=text,
                           created_by=actor.id or None)
    session.add(change)
    session.flush()
    record(session, actor.id, "create", "service_change", change.id, None,
           {"service_id": service.id, "service": service.name, "from": label, "reason": text})
    return change


def remove_service_change(session: Session, actor: Actor, change_id: int | None) -> None:
    """Unmark a change marked in error: the limits run on across it again."""
    require_admin(actor, "remove a change in a service")
    if change_id is None:
        raise AdminError("Choose the change to remove")
    change = existing(session, ServiceChange, change_id, "change")
    before = {"service_id": change.service_id, "from": quarter_label(change.period.year,
                                                                     change.period.quarter),
              "reason": change.reason}
    session.delete(change)
    session.flush()
    record(session, actor.id, "delete", "service_change", change_id, before, None)


def service_change_rows(session: Session, actor: Actor) -> list[ChangeRow]:
    """Every marked change, by service and quarter, for the admin page."""
    require_admin(actor, "manage services")
    rows = session.execute(
        select(ServiceChange, Service.name, Period.year, Period.quarter, User.email)
        .join(Service, Service.id == ServiceChange.service_id)
        .join(Period, Period.id == ServiceChange.period_id)
        .outerjoin(User, User.id == ServiceChange.created_by)
        .order_by(Service.display_order, Service.id, Period.year, Period.quarter))
    return [ChangeRow(change.id, name, quarter_label(year, quarter), change.reason,
                      f"{email or 'Unknown'}, {format_date(change.created_at.date())}")
            for change, name, year, quarter, email in rows]

"""The audit log as the lead officer reads it, newest first, with filters (admins only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access import Actor, require_admin
from models.store.entities import AuditEvent, User


@dataclass
class AuditRow:
    at: dt.datetime
    user: str
    action: str
    record: str
    before: str
    after: str


def audit_log(session: Session, actor: Actor, *, user_email: str | None = None,
              entity: str | None = None, since: dt.date | None = None,
              until: dt.date | None = None, limit: int = 200) -> list[AuditRow]:
    require_admin(actor, "read the audit log")
    stmt = (select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.user_id)
            .order_by(AuditEvent.id.desc()).limit(limit))
    if user_email:
        stmt = stmt.where(func.lower(User.email).contains(user_email.strip().lower()))
    if entity:
        stmt = stmt.where(AuditEvent.entity == entity)
    if since:
        stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(since, dt.time()))
    if until:
        stmt = stmt.where(AuditEvent.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    return [AuditRow(e.at, email or "system", e.action,
                     f"{e.entity} {e.entity_id}" if e.entity_id is not None else e.entity,
                     e.before or "", e.after or "") for e, email in session.execute(stmt)]

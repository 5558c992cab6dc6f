"""Audit trail: who did what to which record, when, with before and after."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.store.db import unit_of_work
from models.store.entities import AuditEvent


def record(session: Session, user_id: int | None, action: str, entity: str,
           entity_id: int | None, before: Any = None, after: Any = None) -> AuditEvent:
    event = AuditEvent(
        user_id=user_id, action=action, entity=entity, entity_id=entity_id,
        before=None if before is None else json.dumps(before, sort_keys=True, default=str),
        after=None if after is None else json.dumps(after, sort_keys=True, default=str),
    )
    session.add(event)
    return event


def record_refusal(factory: sessionmaker[Session], user_id: int | None, what: str,
                   entity: str, entity_id: int | None) -> None:
    """Audit a refused request in its own transaction (the refused work rolled back)."""
    with unit_of_work(factory) as session:
        record(session, user_id, "refused", entity or "unknown", entity_id, after={"request": what})


def history(session: Session, entity: str, entity_ids: list[int], actions: tuple[str, ...]
            ) -> list[AuditEvent]:
    """The records' events of these kinds, oldest first (one query, by the record index)."""
    if not entity_ids:
        return []
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id.in_(entity_ids),
                                 AuditEvent.action.in_(actions))
        .order_by(AuditEvent.entity_id, AuditEvent.id)))


def snapshot_of(text: str | None) -> dict[str, Any]:
    """A before or after snapshot as stored (JSON text), or {} when there is none."""
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}

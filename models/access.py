"""Who may touch which service and return. Models know the rules, not who is signed in."""

from __future__ import annotations

from typing import Protocol

from models.store.entities import Return, Service


class Actor(Protocol):
    """The signed-in user as the domain sees it."""

    id: int
    role: str
    provider_id: int | None


class AccessRefused(PermissionError):
    """The actor may not do this to this record. The message is safe to show."""

    def __init__(self, message: str, entity: str = "", entity_id: int | None = None) -> None:
        super().__init__(message)
        self.entity = entity
        self.entity_id = entity_id


def may_view_service(actor: Actor, service: Service) -> bool:
    if actor.role in ("admin", "viewer"):
        return True
    return actor.role == "provider" and actor.provider_id is not None and (
        service.provider_id == actor.provider_id
    )


def may_edit_service_returns(actor: Actor, service: Service) -> bool:
    """Admins, and the provider that delivers the service. Viewers only read."""
    if actor.role == "admin":
        return True
    return actor.role == "provider" and actor.provider_id is not None and (
        service.provider_id == actor.provider_id
    )


def check_view(actor: Actor, service: Service | None) -> Service:
    if service is None or not may_view_service(actor, service):
        # The same words whether the service does not exist or belongs to someone else.
        raise AccessRefused("You do not have access to that service.", "service",
                            service.id if service else None)
    return service


def check_edit(actor: Actor, service: Service, ret: Return | None = None) -> None:
    if not may_edit_service_returns(actor, service):
        raise AccessRefused("You cannot change returns for that service.", "service", service.id)
    if ret is not None and actor.role == "provider" and ret.provider_id != actor.provider_id:
        raise AccessRefused("You cannot change that return.", "return", ret.id)


def require_admin(actor: Actor, what: str = "do that") -> None:
    if actor.role != "admin":
        raise AccessRefused(f"Only the lead officer can {what}.")


MAX_ID = 2**31 - 1  # ids are INTEGER columns (PostgreSQL's int4)


def record_id(value: object) -> int:
    """An id (or version) sent by the browser, as a whole number checked before it reaches
    the database. ValueError for anything that is not a whole number; a whole number out of
    range becomes 0, which names no record, so it is refused (and audited) like any other
    id the user may not see."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("not a whole number")
    if isinstance(value, str) and not value.isascii():
        raise ValueError("not a whole number")
    number = int(value)
    return number if 0 <= number <= MAX_ID else 0

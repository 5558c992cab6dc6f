"""Who may see and do what: every access decision in the app, in one place.

Read-models, commands, callbacks, routes, exports and the CLI ask this module; none of
them compares roles itself. Models know the rules, not who is signed in: the actor is
handed in (the signed-in user, or the user a command names).

The rules:
- The lead officer (admin) sees everything, changes everything, reviews returns and
  opens the review queue and administration.
- A CWP member (viewer) sees every provider's services and returns, and changes nothing.
- A provider user sees and changes its own provider's services and returns only; an
  account linked to no provider sees nothing.
- A deactivated account does nothing: it cannot sign in, its sessions end, and no
  command runs as it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeGuard

from sqlalchemy import ColumnElement, true

from models.store.entities import Return, Service, User

ADMIN, VIEWER, PROVIDER = "admin", "viewer", "provider"


class Actor(Protocol):
    """The user a request or command runs as, as the domain sees it."""

    id: int
    email: str
    role: str
    provider_id: int | None


class AccessRefused(PermissionError):
    """The actor may not do this (or nobody is signed in). The message is safe to show;
    `entity` and `entity_id` name what was refused, for the audit record."""

    def __init__(self, message: str, entity: str = "", entity_id: int | None = None) -> None:
        super().__init__(message)
        self.entity = entity
        self.entity_id = entity_id


# Roles ---------------------------------------------------------------------------------
def is_admin(actor: Actor) -> bool:
    """The lead officer."""
    return actor.role == ADMIN


def require_admin(actor: Actor, what: str = "do that") -> None:
    if not is_admin(actor):
        raise AccessRefused(f"Only the lead officer can {what}.")


def may_act(user: User | None) -> TypeGuard[User]:
    """An account that may sign in, keep its sessions and have commands run as it."""
    return user is not None and user.active


def require_active(user: User | None) -> User:
    """The user a command runs as: refused when unknown or deactivated (the same words for
    both)."""
    if not may_act(user):
        raise AccessRefused("No active user has that email address.", "user",
                            user.id if user is not None else None)
    return user


@dataclass(frozen=True)
class Audience:
    """Who is looking, as far as what they may see goes: users with the same role and
    provider see the same figures. A read-model's result is cached per audience (it is part
    of the key), so it is shared by everyone who may see it and never served to anyone else.
    A read-model never audits or names its reader, so `id` and `email` stay empty."""

    role: str
    provider_id: int | None
    id: int = 0
    email: str = ""


def audience_of(actor: Actor) -> Audience:
    """The actor's audience; refused, before anything is computed or cached, for an account
    that may see nothing."""
    provider_scope(actor)
    return Audience(actor.role, actor.provider_id if actor.role == PROVIDER else None)


# Which services: the scope every read-model pushes down into its SQL ------------------------
def provider_scope(actor: Actor) -> int | None:
    """The one provider whose services the actor is confined to; None when it sees every
    provider (the lead officer and CWP members). A provider account linked to no provider,
    or an unknown role, is refused: it may see nothing."""
    if actor.role in (ADMIN, VIEWER):
        return None
    if actor.role == PROVIDER and actor.provider_id is not None:
        return actor.provider_id
    if actor.role == PROVIDER:
        raise AccessRefused("This account is not linked to a provider.", "user", actor.id)
    raise AccessRefused("This account may not see the monitor's figures.", "user", actor.id)


def visible_services(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on Service: the services the actor may see (run in the database)."""
    scope = provider_scope(actor)
    return true() if scope is None else Service.provider_id == scope


def confine_provider(actor: Actor, chosen: int | None) -> int | None:
    """The provider a view narrows to: a provider user's own, whatever filter the browser
    sent; for everyone else the provider they chose (None: all)."""
    scope = provider_scope(actor)
    return scope if scope is not None else chosen


# One service, one return -----------------------------------------------------------------
def may_view_service(actor: Actor, service: Service) -> bool:
    try:
        scope = provider_scope(actor)
    except AccessRefused:
        return False
    return scope is None or service.provider_id == scope


def may_edit_returns(actor: Actor) -> bool:
    """Whether the actor fills in or changes any returns at all: admins, and provider users
    (their own provider's). Viewers only read."""
    return is_admin(actor) or (actor.role == PROVIDER and actor.provider_id is not None)


def may_edit_service_returns(actor: Actor, service: Service) -> bool:
    """Admins, and the provider that delivers the service."""
    if is_admin(actor):
        return True
    return actor.role == PROVIDER and actor.provider_id is not None and (
        service.provider_id == actor.provider_id
    )


def may_review(actor: Actor) -> bool:
    """Approve, return or reopen returns, and see the review queue."""
    return is_admin(actor)


def check_view(actor: Actor, service: Service | None) -> Service:
    if service is None or not may_view_service(actor, service):
        # The same words whether the service does not exist or belongs to someone else.
        raise AccessRefused("You do not have access to that service.", "service",
                            service.id if service else None)
    return service


def check_edit(actor: Actor, service: Service, ret: Return | None = None) -> None:
    if not may_edit_service_returns(actor, service):
        raise AccessRefused("You cannot change returns for that service.", "service", service.id)
    if ret is not None and actor.role == PROVIDER and ret.provider_id != actor.provider_id:
        raise AccessRefused("You cannot change that return.", "return", ret.id)


# Pages -------------------------------------------------------------------------------------
# Pages only the lead officer opens, with what opening them does (for the refusal). A page
# here covers the pages under it too ("/admin" covers "/admin/users"). Every other page is
# open to any signed-in user; its data is narrowed by the read-models. "/account" (Your
# account) is one of those: every user's own page, where models.account changes only the actor.
LEAD_OFFICER_PAGES = {"/review": "open the review queue", "/admin": "open administration"}


def _lead_officer_page(path: str) -> str | None:
    """The entry of LEAD_OFFICER_PAGES that `path` is, or lies under."""
    return next((page for page in LEAD_OFFICER_PAGES
                 if path == page or path.startswith(page + "/")), None)


def may_open(actor: Actor, path: str) -> bool:
    """Whether the page at `path` is offered (navigation) and shown (router) to the actor."""
    if actor.role not in (ADMIN, VIEWER, PROVIDER):
        return False
    return _lead_officer_page(path) is None or is_admin(actor)


def landing_page(actor: Actor) -> str:
    """Where sign-in leads when no page was asked for: a provider's work is its returns;
    everyone else starts at the Overview (which a provider can still open from the menu)."""
    return "/returns" if actor.role == PROVIDER else "/"


def check_page(actor: Actor, path: str) -> None:
    if not may_open(actor, path):
        page = _lead_officer_page(path)
        what = LEAD_OFFICER_PAGES[page] if page else "open that page"
        raise AccessRefused(f"Only the lead officer can {what}.", "page")


# Ids from the browser ----------------------------------------------------------------------
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

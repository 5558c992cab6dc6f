"""Providers: adding, renaming and retiring them (admins only, audited)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import Actor, require_admin
from models.admin.common import AdminError, clean_name, existing, same_name
from models.rules.slugs import slugify as make_slug
from models.store.audit import record
from models.store.entities import Provider


def slugify(name: str) -> str:
    """A provider's short name for URLs and demo sign-ins: 'Safer Futures' -> 'safer-futures'
    (made by the one rule for slugs, models/rules/slugs.py, and stored with the provider)."""
    return make_slug(name, fallback="provider")


def save_provider(session: Session, actor: Actor, name: str, provider_id: int | None = None,
                  active: bool = True) -> Provider:
    require_admin(actor, "change providers")
    name = clean_name(name, "provider's name")
    clash = same_name(session, select(Provider), name)
    if clash is not None and clash.id != provider_id:
        raise AdminError(f"There is already a provider called {clash.name}")
    if provider_id is None:
        slug, n = slugify(name), 1
        while session.scalars(select(Provider).where(Provider.slug == slug)).first():
            n += 1
            slug = f"{slugify(name)}-{n}"
        provider = Provider(name=name, slug=slug, active=active)
        session.add(provider)
        session.flush()
        record(session, actor.id, "create", "provider", provider.id, None, {"name": name})
        return provider
    provider = existing(session, Provider, provider_id, "provider")
    before = {"name": provider.name, "active": provider.active}
    provider.name, provider.active = name, active
    record(session, actor.id, "update", "provider", provider.id, before,
           {"name": name, "active": active})
    return provider

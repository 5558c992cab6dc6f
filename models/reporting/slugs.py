"""The slugs of every priority, workstream, provider and service, for URLs (rules in
models/rules/slugs.py). Made over every record of a kind, never over what one user sees, so
a link means the same to everyone it is shared with."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.rules.slugs import unique_slugs
from models.store.entities import Priority, Provider, Service, Workstream

SlugMaps = dict[str, dict[int, str]]


def url_slugs(session: Session) -> SlugMaps:
    """{"priority": {id: slug}, "workstream": …, "provider": …, "service": …}. A provider's
    slug is the one stored with it (its demo sign-in is made from it too), so renaming a
    provider keeps its links; the others are made from their (unique) names."""
    def named(model) -> dict[int, str]:  # noqa: ANN001
        return unique_slugs(session.execute(select(model.id, model.name)).tuples().all())
    return {
        "priority": named(Priority),
        "workstream": named(Workstream),
        "provider": dict(session.execute(select(Provider.id, Provider.slug)).tuples().all()),
        "service": named(Service),
    }

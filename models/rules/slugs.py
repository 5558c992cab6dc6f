"""Readable names for records in URLs ("?provider=safer-futures-support" rather than
"?provider=3"): the one place slugs are made and read back.

A slug is the record's name in lower case, runs of anything but letters and digits made one
hyphen. Names are unique per kind, but two names can make one slug ("A & B", "A-B"): the
record with the lowest id keeps the plain slug and each other one gets "-<its id>", so adding
a record never changes an existing record's slug. Reading a URL accepts the slug or, for links
made before slugs, the record's id."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

SLUG_LENGTH = 80


def slugify(name: str, fallback: str = "item") -> str:
    """'Children and young people 1:1 support' -> 'children-and-young-people-1-1-support'."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:SLUG_LENGTH].rstrip("-")
    return slug or fallback


def unique_slugs(records: Iterable[tuple[int, str]]) -> dict[int, str]:
    """{id: slug} for (id, name) records of one kind; every slug different (see above)."""
    slugs: dict[int, str] = {}
    taken: set[str] = set()
    for record_id, name in sorted(records):
        slug = slugify(name)
        while slug in taken or slug.isdigit():  # a slug of digits would read as an id
            slug = f"{slug}-{record_id}"
        taken.add(slug)
        slugs[record_id] = slug
    return slugs


def find_id(value: str | None, allowed: Iterable[int], slugs: dict[int, str]) -> int | None:
    """The id a URL's value names, if it is one of `allowed`: by its slug, or by the id itself
    (old links). Anything else, None: the caller shows its default view."""
    if not value:
        return None
    allowed = set(allowed)
    if value.isdigit():
        wanted = int(value)
        return wanted if wanted in allowed else None
    return next((i for i in allowed if slugs.get(i) == value), None)


def find_name(value: str | None, names: Iterable[str]) -> str | None:
    """The one of `names` a URL's value names: by its slug, or (links made before slugs) the
    name itself. Anything else, None: the caller shows its default view."""
    if not value:
        return None
    names = list(names)
    if value in names:
        return value
    return next((name for name in names if slugify(name) == value), None)


def url_value(record_id: int | None, slugs: dict[int, str]) -> str | None:
    """A record's value in a filter and an address: its slug (its id if it has none); None
    for no record (every one)."""
    if record_id is None:
        return None
    return slugs.get(record_id) or str(record_id)


def service_path(slug: str, year: str) -> str:
    """The service page's URL for a service (its slug) and a financial year ("2026/27"): the
    one link every page, file and pack uses to open a service."""
    return "/service?" + urlencode({"service": slug, "year": year})

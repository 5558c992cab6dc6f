"""What needs attention: the page's callback and router as every role, on the demo data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from callbacks.attention import update_attention
from callbacks.router import draw_page
from models.store.db import unit_of_work
from models.store.entities import Provider, Service, User

OWNER = "safer-futures-support@demo.local"
OTHER = "riverside-boxing-academy@demo.local"
ROLES = [None, OWNER, OTHER, "viewer@demo.local", "admin@demo.local"]


def _services(factory, email: str | None = None) -> set[str]:
    """The names of the services a provider user's provider runs (every service for None)."""
    with unit_of_work(factory) as s:
        stmt = select(Service.name)
        if email:
            stmt = stmt.join(Provider, Provider.id == Service.provider_id).join(
                User, User.provider_id == Provider.id).where(User.email == email)
        return set(s.scalars(stmt))


def _linked_services(body: object) -> list[str]:
    """The service named by each line's link, in the order drawn."""
    import re

    return re.findall(r"Link\(children='([^']*)', href='/service\?", str(body))


@pytest.mark.parametrize("who", ROLES)
def test_the_report_as_every_role(signed_in, demo_factory, who):
    with signed_in(who):
        body, shown = update_attention("2026/27", "Q2", False)
    text = str(body)
    if who is None:
        assert "Sign in first." in text
        return
    assert "Needs attention" in text and "Going well" in text
    assert shown == {"search": "?year=2026%2F27&quarter=Q2",
                     "title": "What needs attention, Q2 2026/27"}
    linked = set(_linked_services(body))
    everyone = _services(demo_factory)
    if who in (OWNER, OTHER):
        own = _services(demo_factory, who)
        # Only the provider's own services' lines, and never another provider's words.
        assert linked <= own
        assert not linked & (everyone - own)
    else:
        assert linked <= everyone and len(linked) > 1


def test_a_provider_sees_its_own_lines_and_not_another_s(signed_in, demo_factory):
    with signed_in("viewer@demo.local"):
        everyone, _ = update_attention("2026/27", "Q2", False)
    with signed_in(OTHER):
        mine, _ = update_attention("2026/27", "Q2", False)
    all_lines = _linked_services(everyone)
    own = _services(demo_factory, OTHER)
    # Exactly the viewer's lines about the provider's own services, in the same order.
    assert _linked_services(mine) == [name for name in all_lines if name in own]
    assert _linked_services(mine)  # the demo's boxing club has lines this quarter


def test_provisional_and_bad_input(signed_in):
    with signed_in("viewer@demo.local"):
        _, shown = update_attention("2026/27", "Q2", True)
        bad, view = update_attention("not a year", "Q2", False)
    assert shown["search"] == "?year=2026%2F27&quarter=Q2&provisional=1"
    assert "field-error" in str(bad) and view is not None  # a message by the field, no traceback


@pytest.mark.parametrize("who", ROLES)
def test_the_page_opens_for_every_signed_in_role(signed_in, who):
    with signed_in(who):
        drawn = draw_page("/attention", "?year=2025/26&quarter=Q3&provisional=1")
    if who is None:
        assert drawn.title == "Sign in"
        return
    text = str(drawn.page)
    assert drawn.title == "What needs attention, Q3 2025/26"
    assert "What needs attention" in text and "No access" not in text
    assert "value='2025/26'" in text and "value='Q3'" in text
    assert "attention-provisional" in text


@pytest.mark.parametrize("who", ["admin@demo.local", "viewer@demo.local", OWNER])
def test_the_menu_offers_it_after_the_overview(signed_in, who):
    from dash_app.factory import _layout

    with signed_in(who):
        nav = str(_layout())
    assert "href='/attention'" in nav
    assert nav.index("href='/'") < nav.index("href='/attention'") < nav.index("href='/service'")

"""The Returns page as each role: the lead officer and a CWP member get every service's
returns, a provider only its own; the provider, quarter and status filters narrow the rows
(from the URL through the router, and from the selects through the filter callback), never
widen them, and are written back to the URL."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from callbacks.returns_list import update_returns
from callbacks.router import display_page
from layouts import ids
from models.reporting.retirement import in_service
from models.store.db import unit_of_work
from models.store.entities import Provider, Service

ADMIN, VIEWER = "admin@demo.local", "viewer@demo.local"
PROVIDER_A = "safer-futures-support@demo.local"
PROVIDER_B = "riverside-boxing-academy@demo.local"
HANDED_IN_WORDS = {"Submitted", "Approved"}


def _find(component, component_id: str):
    """The component with this id in a layout tree (None if absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def _page_rows(signed_in, who: str, search: str = "") -> list[dict]:
    with signed_in(who):
        page = display_page("/returns", search)
    grid = _find(page, ids.RETURNS_GRID)
    assert grid is not None, str(page)[:500]
    return grid.rowData


def _services(factory, provider_name: str | None = None) -> set[str]:
    """The services that take returns (all, or one provider's), straight from the database."""
    with unit_of_work(factory) as s:
        stmt = select(Service.name).where(in_service())
        if provider_name:
            stmt = stmt.join(Provider, Provider.id == Service.provider_id).where(Provider.name == provider_name)
        return set(s.scalars(stmt))


def _provider_id(factory, email_provider: str) -> int:
    with unit_of_work(factory) as s:
        return s.scalars(select(Provider.id).where(Provider.name == email_provider)).one()


def _provider_of(signed_in, who: str) -> str:
    rows = _page_rows(signed_in, who)
    [name] = {r["provider"] for r in rows}
    return name


@pytest.mark.parametrize("who", [ADMIN, VIEWER])
def test_the_officer_and_a_member_see_every_service(signed_in, demo_factory, who):
    rows = _page_rows(signed_in, who)
    assert {r["service"] for r in rows} == _services(demo_factory)
    assert len({(r["sid"], r["pid"]) for r in rows}) == len(rows)
    # Overdue and missing first, as before; then the rest by urgency.
    assert rows[0]["status"] in {"Overdue", "Missing"}
    # A member reads; the lead officer fills in and changes.
    actions = {r["action"] for r in rows}
    assert actions == {"View"} if who == VIEWER else {"Start", "Continue", "View"} <= actions


@pytest.mark.parametrize("who", [PROVIDER_A, PROVIDER_B])
def test_a_provider_sees_only_its_own_services(signed_in, demo_factory, who):
    name = _provider_of(signed_in, who)
    rows = _page_rows(signed_in, who)
    assert {r["service"] for r in rows} == _services(demo_factory, name)
    assert _services(demo_factory, name) < _services(demo_factory)
    with signed_in(who):
        page = str(display_page("/returns", ""))
    # No provider to choose, and no other provider named anywhere on the page.
    assert "All providers" not in page
    for other in _services(demo_factory) - _services(demo_factory, name):
        assert other not in page


def test_the_url_s_filters_narrow_the_officer_s_rows(signed_in, demo_factory):
    everything = _page_rows(signed_in, ADMIN)
    name = "Safer Futures Support (demo)"
    pid = _provider_id(demo_factory, name)
    mine = _page_rows(signed_in, ADMIN, f"?provider={pid}")
    assert mine and len(mine) < len(everything) and {r["provider"] for r in mine} == {name}
    to_do = _page_rows(signed_in, ADMIN, f"?provider={pid}&status=to_do")
    assert to_do and not {r["status"] for r in to_do} & HANDED_IN_WORDS
    assert {(r["sid"], r["pid"]) for r in to_do} < {(r["sid"], r["pid"]) for r in mine}
    quarter = _page_rows(signed_in, ADMIN, "?quarter=Q2+2026%2F27&status=approved")
    assert quarter and {(r["quarter"], r["status"]) for r in quarter} == {("Q2 2026/27", "Approved")}


@pytest.mark.parametrize("search", ["?provider=99999", "?provider=x&quarter=Q9+1900%2F01&status=%3Cb%3E",
                                    "?status=all&quarter=all&provider=all"])
def test_unknown_filter_values_are_no_filter(signed_in, search):
    assert _page_rows(signed_in, ADMIN, search) == _page_rows(signed_in, ADMIN)


@pytest.mark.parametrize("who", [ADMIN, VIEWER])
def test_the_filter_callback_narrows_and_keeps_the_filters_in_the_url(signed_in, demo_factory, who):
    pid = _provider_id(demo_factory, "Riverside Boxing Academy (demo)")
    with signed_in(who):
        rows, count, search = update_returns(str(pid), "Q2 2026/27", "to_do")
        all_rows, all_count, no_search = update_returns("all", "all", "all")
    assert rows and {(r["provider"], r["quarter"]) for r in rows} == {
        ("Riverside Boxing Academy (demo)", "Q2 2026/27")}
    assert not {r["status"] for r in rows} & HANDED_IN_WORDS
    assert parse_qs(search.lstrip("?")) == {"provider": [str(pid)], "quarter": ["Q2 2026/27"],
                                            "status": ["to_do"]}
    assert count == f"{len(rows)} of {len(all_rows):,} returns match these filters."
    assert all_count == f"{len(all_rows):,} returns." and no_search == ""
    # The URL written is the one the router reads back.
    assert _page_rows(signed_in, who, search) == rows


def test_a_provider_cannot_filter_its_way_to_another_provider(signed_in, demo_factory):
    other = _provider_id(demo_factory, "Riverside Boxing Academy (demo)")
    own = _page_rows(signed_in, PROVIDER_A)
    with signed_in(PROVIDER_A):
        rows, _, search = update_returns(str(other), "all", "all")
        narrowed, _, _ = update_returns(None, "all", "approved")
    assert rows == own and search == ""
    assert _page_rows(signed_in, PROVIDER_A, f"?provider={other}") == own
    assert narrowed and {r["status"] for r in narrowed} == {"Approved"}
    assert {r["provider"] for r in narrowed} == {"Safer Futures Support (demo)"}


def test_the_filter_callback_refuses_without_a_signed_in_user(signed_in):
    with signed_in(None):
        rows, message, _ = update_returns("all", "all", "all")
    assert rows == [] and "Sign in" in message

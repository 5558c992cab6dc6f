"""Service, priority and submission callbacks as each role."""

import pytest
from sqlalchemy import select

from callbacks.dashboard_pages import update_priorities, update_submissions
from callbacks.router import display_page
from callbacks.service import update_service
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Service

OWNER = "safer-futures-support@demo.local"
OTHER = "riverside-boxing-academy@demo.local"


@pytest.fixture
def isva(demo_factory):
    with unit_of_work(demo_factory) as s:
        return s.scalars(select(Service.id).where(Service.name.startswith("Independent"))).one()


@pytest.mark.parametrize("who", [None, OWNER, OTHER, "viewer@demo.local", "admin@demo.local"])
def test_service_page_as_every_role(signed_in, demo_factory, isva, who):
    with signed_in(who):
        body, search = update_service(str(isva), "2023/24", False)
    text = str(body)
    if who in (OWNER, "viewer@demo.local", "admin@demo.local"):
        assert "Women supported" in text and "Baseline (April 2018 to March 2019): 50" in text
        assert search == f"?id={isva}&year=2023%2F24"
    elif who is None:
        assert "Sign in first." in text
    else:
        assert "You do not have access to that service." in text and "Women supported" not in text
        with unit_of_work(demo_factory) as s:
            assert s.scalars(select(AuditEvent.action)).all() == ["refused"]


def test_service_page_states(signed_in, isva):
    with signed_in("viewer@demo.local"):
        empty, _ = update_service(str(isva), "2019/20", False)
        provisional, search = update_service(str(isva), "2026/27", True)
        bad, _ = update_service("abc", "2026/27", False)
        place = display_page("/service", "?id=8&year=2026/27")
    assert "no approved returns for this service in 2019/20" in str(empty)
    assert "no targets set for 2019/20" in str(empty)
    assert "(provisional)" in str(provisional) and search.endswith("provisional=1")
    assert "Choose a service" in str(bad)
    assert "value='8'" in str(place)


def test_priorities_and_submissions(signed_in):
    with signed_in("viewer@demo.local"):
        body, search = update_priorities("2025/26", "Q4")
        grid, grid_search = update_submissions("2026/27")
    text = str(body)
    assert "County Lines" in text and "No commissioned services report under this priority." in text
    assert search == "?year=2025%2F26&quarter=Q4"
    assert "Missing" in str(grid) and "Returned" in str(grid) and "Completeness" in str(grid)
    assert grid_search == "?year=2026%2F27"
    with signed_in(OTHER):
        own, _ = update_submissions("2026/27")
        mine, _ = update_priorities("2025/26", "Q4")
    assert "ASB early help" in str(own) and "Sanctuary scheme" not in str(own)
    assert "Sanctuary scheme" not in str(mine)

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
ISVA = "independent-sexual-violence-advisor-isva"


@pytest.fixture
def isva(demo_factory):
    with unit_of_work(demo_factory) as s:
        return s.scalars(select(Service.id).where(Service.name.startswith("Independent"))).one()


@pytest.mark.parametrize("who", [None, OWNER, OTHER, "viewer@demo.local", "admin@demo.local"])
def test_service_page_as_every_role(signed_in, demo_factory, isva, who):
    with signed_in(who):
        body, shown = update_service(str(isva), "2023/24", False)
    search = shown["search"] if isinstance(shown, dict) else None
    text = str(body)
    if who in (OWNER, "viewer@demo.local", "admin@demo.local"):
        assert "Women supported" in text and "Baseline (April 2018 to March 2019, full year): 50" in text
        # Asked for by id (an older link), written back by slug; the title names the service.
        assert search == f"?service={ISVA}&year=2023%2F24"
        assert shown == {"search": search,
                         "title": "Independent Sexual Violence Advisor (ISVA), 2023/24"}
    elif who is None:
        assert "Sign in first." in text
    else:
        assert "You do not have access to that service." in text and "Women supported" not in text
        with unit_of_work(demo_factory) as s:
            assert s.scalars(select(AuditEvent.action)).all() == ["refused"]


def test_service_page_states(signed_in, isva):
    with signed_in("viewer@demo.local"):
        empty, *_ = update_service(str(isva), "2019/20", False)
        provisional, shown = update_service(ISVA, "2026/27", True)
        search = shown["search"]
        bad, *_ = update_service("abc", "2026/27", False)
        by_id = str(display_page("/service", f"?id={isva}&year=2026/27"))
        by_slug = str(display_page("/service", f"?service={ISVA}&year=2026/27"))
        unknown = str(display_page("/service", "?service=no-such-service&year=2026/27"))
    assert "no approved returns for this service in 2019/20" in str(empty)
    assert "no targets set for 2019/20" in str(empty)
    # "(provisional)" only where a figure shown is: ISVA has no submitted return in 2026/27.
    assert "(provisional)" not in str(provisional) and search.endswith("provisional=1")
    assert "Choose a service" in str(bad)
    # An old id link and a slug link open the same view; an unknown slug the first service.
    assert f"value='{ISVA}'" in by_id and by_id == by_slug
    assert "No access" not in unknown and "value='anti-social-behaviour" not in unknown


def test_priorities_and_submissions(signed_in):
    with signed_in("viewer@demo.local"):
        body, shown = update_priorities("2025/26", "Q4")
        grid, grid_shown = update_submissions("2026/27")
    search, grid_search = shown["search"], grid_shown["search"]
    text = str(body)
    assert "County Lines" in text and "No commissioned services report under this priority." in text
    assert search == "?year=2025%2F26&quarter=Q4"
    assert shown == {"search": search, "title": "Priorities, Q4 2025/26"}
    assert grid_shown["title"] == "Submission status, 2026/27"
    assert "Missing" in str(grid) and "Returned" in str(grid) and "Completeness" in str(grid)
    assert grid_search == "?year=2026%2F27"
    with signed_in(OTHER):
        own, *_ = update_submissions("2026/27")
        mine, *_ = update_priorities("2025/26", "Q4")
    assert "ASB early help" in str(own) and "Sanctuary scheme" not in str(own)
    assert "Sanctuary scheme" not in str(mine)


def test_a_service_with_a_submitted_return_says_provisional(signed_in, demo_factory):
    from models.store.entities import Period, Return

    with unit_of_work(demo_factory) as s:
        service_id, year = s.execute(
            select(Return.service_id, Period.year).join(Period, Period.id == Return.period_id)
            .where(Return.status == "submitted")).first()
    label = f"{year}/{(year + 1) % 100:02d}"
    with signed_in("admin@demo.local"):
        with_them, *_ = update_service(str(service_id), label, True)
        without, *_ = update_service(str(service_id), label, False)
    assert "(provisional)" in str(with_them) and "(provisional)" not in str(without)

"""The service page's "Over the years" and the strategy progress page, called as each role:
admin, viewer, the service's provider, another provider, and signed out."""

import pytest
from sqlalchemy import select

from callbacks.progress import update_progress
from callbacks.router import display_page, draw_page
from callbacks.service import update_service_trends
from layouts.shell import NAV_ITEMS
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Metric, Service

OWNER = "safer-futures-support@demo.local"  # runs ISVA (and other domestic abuse services)
OTHER = "riverside-boxing-academy@demo.local"  # runs the ASB boxing club only
ISVA = "independent-sexual-violence-advisor-isva"
ASB = "ASB early help (boxing club diversion)"


@pytest.fixture
def isva(demo_factory):
    with unit_of_work(demo_factory) as s:
        return s.scalars(select(Service.id).where(Service.name.startswith("Independent"))).one()


@pytest.mark.parametrize("who", [None, OWNER, OTHER, "viewer@demo.local", "admin@demo.local"])
def test_over_the_years_as_every_role(signed_in, demo_factory, isva, who):
    with signed_in(who):
        body = update_service_trends(ISVA, False)
        by_id = update_service_trends(str(isva), False)
    text = str(body)
    if who in (OWNER, "viewer@demo.local", "admin@demo.local"):
        assert str(by_id) == text  # an older link's id opens the same section
        assert "Over the years" in text and "Women supported" in text
        assert all(h in text for h in ("Lower process limit", "Upper process limit", "Special cause"))
        assert "on the April 2018 to March 2019 baseline" in text  # ISVA's baseline period
        assert "Rates use XmR on the quarterly percentages." in text
    elif who is None:
        assert "Sign in first." in text and "Women supported" not in text
    else:
        assert "You do not have access to that service." in text and "Women supported" not in text
        with unit_of_work(demo_factory) as s:
            assert s.scalars(select(AuditEvent.action)).all() == ["refused", "refused"]


def test_over_the_years_for_nonsense_is_empty(signed_in):
    """Neither a slug nor an id: nothing here (the year's figures above say what to choose)."""
    with signed_in("viewer@demo.local"):
        assert update_service_trends("no-such-service", False) == []
        assert update_service_trends("９", False) == []
        assert update_service_trends(None, False) == []
        assert update_service_trends({"id": 1}, "yes") == []  # crafted: not a slug or an id
        assert "You do not have access to that service." in str(update_service_trends("9" * 40, False))


def test_over_the_years_has_a_chart_per_metric_and_its_tables(signed_in, demo_factory, isva):
    with unit_of_work(demo_factory) as s:
        names = s.scalars(select(Metric.name).where(Metric.service_id == isva)).all()
    with signed_in("admin@demo.local"):
        body = update_service_trends(ISVA, True)
    text = str(body)
    assert "Over the years (provisional)" in text
    for name in names:
        assert f"{name}, each quarter from Q1 2020/21" in text  # the data table's caption
    assert text.count("'Financial year'") == len(names)  # an annual table each
    assert text.count("Graph(") == len(names)


@pytest.mark.parametrize("who", [OWNER, OTHER, "viewer@demo.local", "admin@demo.local"])
def test_strategy_progress_as_every_role(signed_in, who):
    with signed_in(who):
        body, shown = update_progress(False)
    text = str(body)
    assert shown == {"search": "", "title": "Strategy progress"}
    assert "Strategy year" in text and "on the 2018/19 baseline" in text
    if who == OTHER:  # the boxing club: its own service's rows only
        assert ASB in text and "Domestic Abuse" not in text and "Women supported" not in text
    elif who == OWNER:
        assert "Women supported" in text and ASB not in text
    else:
        assert ASB in text and "Women supported" in text and "Substance misuse" in text


def test_strategy_progress_signed_out_and_provisional(signed_in):
    with signed_in(None):
        body, shown = update_progress(False)
    assert "Sign in first." in str(body)
    with signed_in("viewer@demo.local"):
        _, shown = update_progress(True)
    assert shown["search"] == "?provisional=1"


def test_strategy_progress_groups_follow_the_strategys_priorities(signed_in):
    with signed_in("admin@demo.local"):
        body, _ = update_progress(False)
    text = str(body)
    order = [text.index(name) for name in ("Anti-Social Behaviour (ASB): the baseline",
                                           "Domestic Abuse: the baseline",
                                           "Vulnerable Persons and Safeguarding")]
    assert order == sorted(order)
    # A count compared with its baseline in words, and a rate in percentage points.
    assert "% on the 2018/19 baseline" in text and "percentage points on the 2018/19 baseline" in text


@pytest.mark.parametrize("who", [OWNER, OTHER, "viewer@demo.local", "admin@demo.local"])
def test_the_progress_page_is_in_everyones_menu_and_opens(signed_in, who):
    assert ("Strategy progress", "/progress") in NAV_ITEMS
    labels = [label for label, _ in NAV_ITEMS]
    assert labels.index("Strategy progress") == labels.index("Priorities") + 1
    with signed_in(who):
        drawn = draw_page("/progress", "?provisional=1")
        page = str(display_page("/progress", ""))
    assert drawn.title == "Strategy progress"
    assert "id='progress-provisional', value=True" in str(drawn.page)
    assert "id='progress-provisional', value=False" in page and "No access" not in page


def test_the_progress_page_signed_out(signed_in):
    with signed_in(None):
        assert draw_page("/progress", "").title == "Sign in"


def test_a_marked_change_is_drawn_where_the_limits_were_recalculated(signed_in, demo_factory, isva):
    from models.reporting.trends import service_trends
    from models.store.entities import Period, ServiceChange, User

    with unit_of_work(demo_factory) as s:
        period = s.scalars(select(Period).filter_by(year=2023, quarter=1)).one()
        s.add(ServiceChange(service_id=isva, period_id=period.id, reason="New contract"))
    with unit_of_work(demo_factory) as s:
        admin = s.scalars(select(User).where(User.email == "admin@demo.local")).one()
        trends = service_trends(s, admin, isva)
    # Q1 2023/24 is the thirteenth quarter from Q1 2020/21 (index 12) in every ISVA series.
    assert {t.changes for t in trends} == {((12, "New contract"),)}
    with signed_in("viewer@demo.local"):
        text = str(update_service_trends(ISVA, False))
    assert text.count("'name': 'Change marked: limits recalculated'") == len(trends)
    assert "Limits recalculated from Q1 2023/24, after a change in the service (New contract)." in text

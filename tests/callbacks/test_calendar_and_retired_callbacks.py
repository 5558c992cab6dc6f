"""Issue #13 items 5–7 through the callbacks and routes, as the roles they affect.

The demo data is generated for 25 November 2026; Q2 2026/27 is due on 20 October 2026."""

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from callbacks.dashboard_pages import update_priorities, update_submissions
from callbacks.returns_list import NEXT, returns_view
from callbacks.router import display_page
from callbacks.service import update_service
from models.store.db import unit_of_work
from models.store.entities import Service
from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.overview import overview_answer

OWNER = "safer-futures-support@demo.local"  # delivers the ISVA service
ISVA = "Independent Sexual Violence Advisor (ISVA)"


def _rows(table) -> list[tuple[str, str, str]]:
    """(service, RAG word, return status) for each row of the Overview's data table."""
    return [(tr.children[0].children, tr.children[5].children.children, tr.children[6].children)
            for tr in table.children[2].children]


@pytest.mark.parametrize("who", ["viewer@demo.local", "admin@demo.local", OWNER])
def test_a_year_before_the_programme_reads_no_data(signed_in, who):
    """The observed bug: 2019/20 (no periods) showed every row "Not due"."""
    with signed_in(who):
        _, tiles, _, table, _, _ = overview_answer("2019/20", "Q1")
    rows = _rows(table)
    # Every demo contract starts in 2020/21, so nothing was owed: the status says why.
    assert rows and {(rag, status) for _, rag, status in rows} == {
        ("No data", "Not expected (before the contract)")}
    text = str(tiles)
    assert "No figures yet for the year to date" in text and "Year to date: 0" not in text


@pytest.mark.parametrize(("today", "waiting"), [
    (dt.date(2026, 10, 19), {"Not due"}),   # the day before Q2's due date
    (dt.date(2026, 10, 20), {"No data"}),   # the due date itself: due
    (dt.date(2026, 10, 21), {"No data"}),
])
def test_on_the_due_date_a_quarter_is_due(signed_in, monkeypatch, today, waiting):
    monkeypatch.setattr("callbacks.overview.today", lambda: today)
    with signed_in("viewer@demo.local"):
        _, _, _, table, _, _ = overview_answer("2026/27", "Q2")
    without_figures = {rag for _, rag, status in _rows(table) if status != "Approved"}
    assert without_figures == waiting


def test_service_page_ytd_rate_has_its_interval_and_cost_follows_the_contract(signed_in,
                                                                              demo_factory):
    with unit_of_work(demo_factory) as s:
        isva = s.scalars(select(Service.id).where(Service.name == ISVA)).one()
    for who in ("viewer@demo.local", OWNER):
        with signed_in(who):
            body, _ = update_service(str(isva), "2023/24", False)
        text = str(body)
        assert re.search(r"Year to date: \d+% \(\d+ of \d+\), 95% interval \d+% to \d+%", text)
        assert "'Year to date'" in text  # a row of the rate's data table
        assert "Cost per women supported (the contract's value" in text
    with unit_of_work(demo_factory) as s:
        s.scalars(select(Service).where(Service.id == isva)).one().contract_end = None
    with signed_in("viewer@demo.local"):
        body, _ = update_service(str(isva), "2023/24", False)
    assert "Cost not shown: the contract's start and end dates are not recorded." in str(body)
    assert "Cost per women supported" not in str(body)


@pytest.fixture
def retired_isva(demo_factory):
    with unit_of_work(demo_factory) as s:
        service = s.scalars(select(Service).where(Service.name == ISVA)).one()
        service.active = False
        return service.id


@pytest.mark.parametrize("who", ["viewer@demo.local", "admin@demo.local", OWNER])
def test_a_retired_service_keeps_its_history_on_every_page(signed_in, retired_isva, who):
    with signed_in(who):
        _, tiles, figure, table, _, _ = overview_answer("2023/24", "Q2")
        priorities, _ = update_priorities("2023/24", "Q2")
        grid, _ = update_submissions("2023/24")
        page, _ = update_service(str(retired_isva), "2023/24", False)
    named = f"{ISVA} (retired)"
    assert named in {service for service, _, _ in _rows(table)}
    assert named in figure.data[0].y and "Retired" in str(tiles)
    assert named in str(priorities) and named in str(grid)
    assert "This service is retired" in str(page) and "Women supported" in str(page)


def test_a_retired_service_leaves_the_returns_list(signed_in, retired_isva):
    with signed_in(OWNER):
        # The list's rows come a page at a time (Next, from the page's store): every page.
        answer = returns_view("all", "all", "all", "", None, None)
        rows = [answer.body]
        while answer.next_off == "false":
            answer = returns_view("all", "all", "all", "", NEXT, answer.stored)
            rows.append(answer.body)
        returns = str(rows)
        picker = str(display_page("/service", f"?id={retired_isva}&year=2023/24"))
    assert "Sanctuary scheme" in returns and ISVA not in returns
    assert f"{ISVA} (retired)" in picker  # its history can still be found


def test_exports_keep_a_retired_service_marked(demo_app, retired_isva):
    client = demo_app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "viewer@demo.local", "password": DEMO_PASSWORD,
                                "csrf_token": token})
    text = client.get("/export/performance.csv?year=2023/24&quarter=Q2").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["Service"] == ISVA]
    assert rows and all(r["Note"].startswith("Retired service") for r in rows)

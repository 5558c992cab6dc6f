"""Performance table callback and export routes as each role."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from callbacks.performance import update_performance
from models.store.db import unit_of_work
from tests.helpers.web import sign_in


def test_rows_and_links_as_each_role(signed_in):
    with signed_in("admin@demo.local"):
        heading, rows, shown = update_performance("2025/26", "Q3", False, True)
    search = shown["search"]
    assert search == "?year=2025%2F26&quarter=Q3&publish=1"
    assert shown == {"search": search, "title": "Performance table, Q3 2025/26"}
    assert heading == "Q3 2025/26 · publication mode"
    assert len({r["Service"] for r in rows}) == 8
    with signed_in("link-worker-partnership@demo.local"):
        _, rows, *_ = update_performance("2025/26", "year", True, False)
    assert {r["Service"] for r in rows} == {"Social prescribing (3 GP surgeries)"}
    with signed_in(None):
        heading, rows, *_ = update_performance("2025/26", "Q3", False, False)
    assert heading == "Sign in first." and rows == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_routes_scope_to_the_provider(demo_app, fmt):
    client = demo_app.server.test_client()
    assert client.get(f"/export/performance.{fmt}?year=2025/26").status_code == 401
    sign_in(client, "riverside-boxing-academy@demo.local")
    response = client.get(f"/export/performance.{fmt}?year=2025/26&quarter=Q3")
    assert response.status_code == 200
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(response.get_data()))["Performance"]
        services = {row[1].value for row in ws.iter_rows(min_row=2)}
    else:
        services = {line.split(",")[1] for line in response.get_data().decode("utf-8-sig").splitlines()[1:]}
    assert services == {"ASB early help (boxing club diversion)"}
    assert client.get("/export/performance.doc?year=2025/26").status_code == 404


def test_the_title_names_the_period_and_provisional_only_when_a_figure_is(signed_in, demo_factory):
    from models.store.entities import Period, Return

    with unit_of_work(demo_factory) as s:
        unapproved = {(y, q) for y, q in s.execute(
            select(Period.year, Period.quarter).join(Return, Return.period_id == Period.id)
            .where(Return.status == "submitted"))}
    with signed_in("viewer@demo.local"):
        whole = update_performance("2025/26", "year", False, False)
        old = update_performance("2021/22", "Q4", True, False)
        latest = update_performance("2026/27", "Q2", True, False)
    assert whole[-1]["title"] == "Performance table, 2025/26" and whole[0] == "The whole of 2025/26"
    # Submitted returns included, but none in 2021/22 to Q4: no "(provisional)" on the heading.
    assert not any(y == 2021 for y, _ in unapproved)
    assert old[0] == "Q4 2021/22"
    # 2026/27 has submitted returns up to Q2 in the demo data: then it says so.
    assert any(y == 2026 and q <= 2 for y, q in unapproved)
    assert latest[0] == "Q2 2026/27 (provisional)"

"""Performance table callback and export routes as each role."""

import io

import pytest
from openpyxl import load_workbook

from callbacks.performance import update_performance
from tests.helpers.web import sign_in


def test_rows_and_links_as_each_role(signed_in):
    with signed_in("admin@demo.local"):
        heading, rows, xlsx, csv, pdf, search = update_performance("2025/26", "Q3", False, True)
    assert search == "?year=2025%2F26&quarter=Q3&publish=1"
    assert heading == "Q3 2025/26 · publication mode"
    assert len({r["Service"] for r in rows}) == 8
    assert xlsx == "/export/performance.xlsx?year=2025%2F26&quarter=Q3&publish=1"
    assert csv.startswith("/export/performance.csv?") and pdf.startswith("/export/performance.pdf?")
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

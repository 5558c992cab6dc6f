"""The Performance table page as each role (the lead officer, a CWP member, a provider,
another provider, signed out): the page comes drawn with the page of rows its URL names; the
view callback redraws it for a search, a filter, a heading's sort button or Previous/Next,
scoped on the server to the signed-in user. Bad values are defaults, never a 500. And the
export routes."""

import io
import re

import pytest
from dash import no_update
from openpyxl import load_workbook
from sqlalchemy import select

from callbacks.performance import NEXT, PREVIOUS, performance_view
from callbacks.router import display_page
from layouts import ids
from layouts.performance import column_order
from models.reporting.performance import COLUMNS
from models.store.db import unit_of_work
from tests.helpers.components import all_of, find_component, words
from tests.helpers.crafted import call_callback, server_callbacks
from tests.helpers.web import sign_in

ADMIN, VIEWER = "admin@demo.local", "viewer@demo.local"
PROVIDER_A = "link-worker-partnership@demo.local"
PROVIDER_B = "riverside-boxing-academy@demo.local"
ORDER = column_order()


def _rows(body: list) -> list[dict[str, str]]:
    """The table's body (layouts/table_body.TableBody's rows) as dicts by column name (the
    cells' words); a line of words ("No measures match these filters.") is no row."""
    return [{name: cell["text"] for name, cell in zip(ORDER, row["cells"], strict=True)}
            for row in body if "cells" in row]


def _page(signed_in, who, search=""):
    with signed_in(who):
        return display_page("/performance", search)


def _page_rows(page) -> list[dict[str, str]]:
    return _rows(find_component(page, ids.PERF_BODY).rows)


def _view(signed_in, who, year="2025/26", quarter="Q3", provisional=False, publish=False, find="",
          rag="all", priority="all", size="25", action=None, stored=None):
    with signed_in(who):
        return performance_view(year, quarter, provisional, publish, find, rag, priority, size,
                                action, stored)


def test_a_priority_is_named_by_its_slug_and_a_link_with_its_name_still_works(signed_in):
    """The priority filter's values and the address use the priority's slug, as the Overview
    does (?priority=domestic-abuse opens the same view on both pages); a link made with the
    name opens the same rows."""
    by_slug = _all(signed_in, ADMIN, "?year=2025/26&quarter=Q3&priority=domestic-abuse")
    assert by_slug and {r["Priority"] for r in by_slug} == {"Domestic Abuse"}
    assert _all(signed_in, ADMIN, "?year=2025/26&quarter=Q3&priority=Domestic+Abuse") == by_slug
    page = _page(signed_in, ADMIN, "?year=2025/26&quarter=Q3&priority=Domestic+Abuse")
    chooser = find_component(page, ids.PERF_PRIORITY)
    assert chooser.value == "domestic-abuse"
    assert {"label": "Domestic Abuse", "value": "domestic-abuse"} in chooser.options
    chosen = _view(signed_in, ADMIN, priority="domestic-abuse")
    assert "priority=domestic-abuse" in chosen.record["search"]
    assert _view(signed_in, ADMIN, priority="Domestic Abuse").record == chosen.record
    assert "priority=" not in _view(signed_in, ADMIN, priority="nobody").record["search"]


def test_the_page_comes_with_its_first_page_of_rows_for_each_role(signed_in):
    page = _page(signed_in, ADMIN, "?year=2025/26&quarter=Q3")
    assert find_component(page, ids.PERF_HEADING).children == "Q3 2025/26"
    headings = [words(th) for th in all_of(all_of(find_component(page, ids.PERF_TABLE), "Thead")[0], "Th")]
    assert headings[:6] == ["Service", "Metric", "RAG", "Quarter actual", "Quarter target",
                            "Quarter % of target"]
    assert headings[-2:] == ["Priority", "Provider"] and sorted(headings) == sorted(COLUMNS)
    rows = _page_rows(page)
    status = words(find_component(page, ids.PERF_PAGE_STATUS))
    shown = int(re.fullmatch(r"Rows 1 to (\d+) of ([\d,]+)", status).group(2).replace(",", ""))
    assert 0 < len(rows) <= 25 < shown
    assert find_component(page, ids.PERF_VIEW).data == {"sort": "", "page": 1, "size": 25}
    # Every service the lead officer sees, page by page.
    services = {r["Service"] for r in _all(signed_in, ADMIN, "?year=2025/26&quarter=Q3")}
    assert len(services) == 8
    assert services == {r["Service"] for r in _all(signed_in, VIEWER, "?year=2025/26&quarter=Q3")}
    # A provider sees its own services only, whatever the URL asks for.
    own = _all(signed_in, PROVIDER_A, "?year=2025/26&quarter=year&find=ASB")
    assert own == []
    own = _all(signed_in, PROVIDER_A, "?year=2025/26&quarter=year")
    assert {r["Service"] for r in own} == {"Social prescribing (3 GP surgeries)"}
    other = _all(signed_in, PROVIDER_B, "?year=2025/26&quarter=Q3&priority=Anti-Social+Behaviour+%28ASB%29")
    assert {r["Service"] for r in other} == {"ASB early help (boxing club diversion)"}
    with signed_in(None):
        assert words(display_page("/performance", "?year=2025/26")) == "Sign in to see this page."


def _all(signed_in, who, search) -> list[dict[str, str]]:
    """Every row, page by page, as the URL's ?page= names them."""
    rows, number = [], 1
    while True:
        page = _page(signed_in, who, f"{search}&page={number}&size=100")
        rows += _page_rows(page)
        if find_component(page, ids.PERF_NEXT).__dict__.get("aria-disabled") == "true":
            return rows
        number += 1


def test_the_view_callback_as_each_role(signed_in):
    answer = _view(signed_in, ADMIN, publish=True)
    assert answer.heading == "Q3 2025/26 · publication mode"
    assert answer.record["search"].startswith("?year=2025%2F26&quarter=Q3&publish=1")
    assert answer.record["title"] == "Performance table, Q3 2025/26"
    viewer = _view(signed_in, VIEWER, size="100")
    assert len({r["Service"] for r in _rows(viewer.body)}) == 8
    provider = _view(signed_in, PROVIDER_A, quarter="year", provisional=True, size="100")
    assert {r["Service"] for r in _rows(provider.body)} == {"Social prescribing (3 GP surgeries)"}
    # Another provider: only its own, even when it searches for the first one's service.
    other = _view(signed_in, PROVIDER_B, find="Social prescribing")
    assert _rows(other.body) == [] and other.pager == "No rows to show."
    assert {r["Service"] for r in _rows(_view(signed_in, PROVIDER_B, size="100").body)} == {
        "ASB early help (boxing club diversion)"}
    with signed_in(None):
        out = performance_view("2025/26", "Q3", False, False, "", "all", "all", "25", None, None)
    assert out.heading == "Sign in first." and out.body == [] and out.record is no_update


def test_sorting_paging_and_filters_through_the_callback(signed_in):
    first = _view(signed_in, ADMIN, size="25")
    assert first.previous_off == "true" and first.next_off == "false"
    second = _view(signed_in, ADMIN, action=NEXT, stored=first.stored)
    assert second.stored["page"] == 2 and second.pager.startswith(f"Rows {len(_rows(first.body)) + 1} to ")
    assert "page=2" in second.record["search"]
    back = _view(signed_in, ADMIN, action=PREVIOUS, stored=second.stored)
    assert _rows(back.body) == _rows(first.body) and back.previous_off == "true"
    # A heading's button: ascending, then descending; numbers as numbers, breakdowns under
    # their measure, blanks last.
    up = _view(signed_in, ADMIN, action=("sort", "quarter-actual"), stored=first.stored, size="100")
    assert up.sorts["quarter-actual"] == "ascending" and up.sorts["service"] is None
    assert up.caption == "Performance, Q3 2025/26: by Quarter actual, smallest first"
    assert "sort=quarter-actual" in up.record["search"]
    headline = [r for r in _rows(up.body) if r["Kind"] != "Breakdown"]
    figures = [float(r["Quarter actual"].replace(",", "").split("%")[0].split()[0])
               for r in headline if r["Quarter actual"][:1].isdigit()]
    assert figures == sorted(figures) and len(figures) > 5
    assert all(not r["Quarter actual"][:1].isdigit() for r in headline[len(figures):])
    rows = _rows(up.body)
    for i, row in enumerate(rows):
        if row["Kind"] == "Breakdown":
            assert rows[i - 1]["Service"] == row["Service"]  # under its measure (or a sibling)
    down = _view(signed_in, ADMIN, action=("sort", "quarter-actual"), stored=up.stored, size="100")
    assert down.sorts["quarter-actual"] == "descending"
    off = _view(signed_in, ADMIN, action=("sort", "quarter-actual"), stored=down.stored, size="100")
    assert off.sorts["quarter-actual"] is None and "sort=" not in off.record["search"]
    # Filters: RAG and priority test the measure; the search finds services and measures.
    red = _view(signed_in, ADMIN, rag="Red", size="100")
    assert {r["RAG"] for r in _rows(red.body) if r["Kind"] != "Breakdown"} == {"Red"}
    assert "rag=Red" in red.record["search"]
    found = _view(signed_in, ADMIN, find="pupils reached", size="100")
    assert {r["Metric"] for r in _rows(found.body) if r["Kind"] != "Breakdown"} == {"Pupils reached"}


@pytest.mark.parametrize("search", [
    "?year=2025/26&quarter=Q3&sort=__class__&page=abc&size=7&rag=Purple&priority=Nobody",
    "?year=2025/26&quarter=Q3&sort=-&page=99999999&size=100000&find=" + "x" * 300,
    "?year=1999/00&quarter=Q9&page=-1&sort=" + "-" * 50,
    "?year=2025/26&quarter=Q3&page=999",
])
def test_bad_values_in_the_url_are_defaults(signed_in, search):
    page = _page(signed_in, VIEWER, search)
    assert find_component(page, ids.PERF_TABLE) is not None
    stored = find_component(page, ids.PERF_VIEW).data
    assert stored["sort"] == "" and stored["size"] == 25
    assert words(find_component(page, ids.PERF_PAGE_STATUS)).startswith("Rows ")


def test_bad_values_from_the_browser_are_defaults(signed_in):
    out = _view(signed_in, VIEWER, rag=["Red"], priority={"x": 1}, size=True, find=7,
                action=("sort", "__class__"), stored={"sort": 5, "page": "x" * 20})
    assert out.stored == {"sort": "", "page": 1, "size": 25}
    bad = _view(signed_in, VIEWER, year="2025", quarter="Q3")
    assert bad.body == [] and "2025" in bad.heading


VIEW_CALLBACK = f"..{ids.PERF_HEADING}.children"


def test_the_page_drawn_for_its_url_keeps_its_page(demo_app):
    """Over HTTP, as Dash calls the view callback: as the router draws
    /performance?…&page=2, every input is listed as triggered; the page came drawn for its URL,
    so nothing is redrawn (not page 1), only the record of the view as drawn (its page and
    order kept), which assets/navigation.js puts in the address bar in place. Buttons drawn at
    n_clicks 0 change nothing; a real press turns the page."""
    client = demo_app.server.test_client()
    sign_in(client, VIEWER)
    callbacks = server_callbacks(demo_app)
    values = ["2025/26", "Q3", False, False, "", "all", "all", "25", 0, 0, 0, None]
    stored = {"sort": "-rag", "page": 2, "size": 25}
    everything = [f"{i}.value" for i in (ids.PERF_YEAR, ids.PERF_QUARTER, ids.PERF_PROVISIONAL,
                                         ids.PERF_PUBLISH, ids.PERF_FIND, ids.PERF_RAG,
                                         ids.PERF_PRIORITY, ids.PERF_PAGE_SIZE)]
    everything += [f"{ids.PERF_PREV}.n_clicks", f"{ids.PERF_NEXT}.n_clicks"]
    drawn = call_callback(client, callbacks, VIEW_CALLBACK, values, [stored], everything).get_json()
    assert list(drawn["response"]) == ["view"], drawn  # nothing redrawn: only the record
    assert drawn["response"]["view"]["data"] == {
        "search": "?year=2025%2F26&quarter=Q3&sort=-rag&page=2", "title": "Performance table, Q3 2025/26"}
    untouched = call_callback(client, callbacks, VIEW_CALLBACK, values, [stored],
                              [f"{ids.PERF_NEXT}.n_clicks"])
    assert untouched.status_code == 204 or untouched.get_json()["response"] == {}
    values[9] = 1
    pressed = call_callback(client, callbacks, VIEW_CALLBACK, values, [stored],
                            [f"{ids.PERF_PREV}.n_clicks"]).get_json()["response"]
    assert pressed[ids.PERF_VIEW]["data"] == {"sort": "-rag", "page": 1, "size": 25}
    assert pressed["view"]["data"]["search"] == "?year=2025%2F26&quarter=Q3&sort=-rag"


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
    whole = _view(signed_in, VIEWER, quarter="year")
    old = _view(signed_in, VIEWER, year="2021/22", quarter="Q4", provisional=True)
    latest = _view(signed_in, VIEWER, year="2026/27", quarter="Q2", provisional=True)
    assert whole.record["title"] == "Performance table, 2025/26"
    assert whole.heading == "The whole of 2025/26"
    # Submitted returns included, but none in 2021/22 to Q4: no "(provisional)" on the heading.
    assert not any(y == 2021 for y, _ in unapproved)
    assert old.heading == "Q4 2021/22"
    # 2026/27 has submitted returns up to Q2 in the demo data: then it says so.
    assert any(y == 2026 and q <= 2 for y, q in unapproved)
    assert latest.heading == "Q2 2026/27 (provisional)"

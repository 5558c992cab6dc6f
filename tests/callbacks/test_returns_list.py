"""The Returns page as each role: the lead officer and a CWP member get every service's
returns, a provider only its own. The page carries no rows: the grid asks for them a page at a
time (`returns_page`, with its sort and filter model), and the answer is scoped on the server
to the signed-in user. The provider, quarter and status filters (from the URL through the
router, from the selects through the filter callback, inside the grid's filter model) narrow
the rows, never widen them, and are written back to the URL. Bad requests are no 500."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from dash import no_update
from sqlalchemy import select

from callbacks.returns_list import returns_page, update_filters
from callbacks.router import display_page
from layouts import ids
from layouts.returns_home import PAGE_SIZE
from models.reporting.retirement import in_service
from models.store.db import unit_of_work
from models.store.entities import Provider, Service
from tests.helpers.crafted import payload, server_callbacks
from tests.helpers.web import sign_in

ADMIN, VIEWER = "admin@demo.local", "viewer@demo.local"
PROVIDER_A = "safer-futures-support@demo.local"
PROVIDER_B = "riverside-boxing-academy@demo.local"
NAME_A, NAME_B = "Safer Futures Support (demo)", "Riverside Boxing Academy (demo)"
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


def _page(signed_in, who: str, search: str = ""):
    with signed_in(who):
        return display_page("/returns", search)


def _ask(signed_in, who: str | None, model: dict | None = None, sort: list | None = None,
         start: int = 0, end: int = PAGE_SIZE) -> tuple[list[dict], int, str]:
    """One request from the grid: (its rows, how many the filters keep, the count's words)."""
    with signed_in(who):
        answer, words = returns_page({"startRow": start, "endRow": end, "sortModel": sort or [],
                                      "filterModel": model or {}})
    return answer["rowData"], answer["rowCount"], words


def _all(signed_in, who: str, model: dict | None = None, sort: list | None = None) -> list[dict]:
    """Every row, page by page, as the grid would ask for them."""
    rows, start = [], 0
    while True:
        page, count, _ = _ask(signed_in, who, model, sort, start, start + PAGE_SIZE)
        rows += page
        start += PAGE_SIZE
        if start >= count:
            assert len(rows) == count
            return rows


def _url_rows(signed_in, who: str, search: str) -> list[dict]:
    """The rows for a URL: the filter model the page starts its grid with, then asked for."""
    grid = _find(_page(signed_in, who, search), ids.RETURNS_GRID)
    return _all(signed_in, who, grid.dashGridOptions["initialState"]["filter"]["filterModel"])


def _services(factory, provider_name: str | None = None) -> set[str]:
    """The services that take returns (all, or one provider's), straight from the database."""
    with unit_of_work(factory) as s:
        stmt = select(Service.name).where(in_service())
        if provider_name:
            stmt = stmt.join(Provider, Provider.id == Service.provider_id).where(Provider.name == provider_name)
        return set(s.scalars(stmt))


def _provider_id(factory, name: str) -> int:
    with unit_of_work(factory) as s:
        return s.scalars(select(Provider.id).where(Provider.name == name)).one()


def _eq(value: str) -> dict:
    return {"filterType": "text", "type": "equals", "filter": value}


def test_the_page_carries_no_rows_only_the_grid_that_asks_for_them(signed_in):
    page = _page(signed_in, ADMIN)
    grid = _find(page, ids.RETURNS_GRID)
    assert grid.rowModelType == "infinite" and getattr(grid, "rowData", None) is None
    assert grid.dashGridOptions["cacheBlockSize"] == PAGE_SIZE
    assert grid.dashGridOptions["initialState"] == {"filter": {"filterModel": {}}}
    total = _ask(signed_in, ADMIN)[1]
    assert _find(page, ids.RETURNS_COUNT).children == f"{total:,} returns."
    # Nothing of any row in the page: no service named.
    assert "Sanctuary scheme" not in str(page)


@pytest.mark.parametrize("who", [ADMIN, VIEWER])
def test_the_officer_and_a_member_see_every_service(signed_in, demo_factory, who):
    rows, count, words = _ask(signed_in, who)
    assert len(rows) == PAGE_SIZE < count and words == f"{count:,} returns."
    every = _all(signed_in, who)
    assert {r["service"] for r in every} == _services(demo_factory)
    assert len({(r["sid"], r["pid"]) for r in every}) == len(every) == count
    # Overdue and missing first, as before; then the rest by urgency.
    assert rows[0]["status"] in {"Overdue", "Missing"}
    # A member reads; the lead officer fills in and changes.
    actions = {r["action"] for r in every}
    assert actions == {"View"} if who == VIEWER else {"Start", "Continue", "View"} <= actions


@pytest.mark.parametrize("who, name", [(PROVIDER_A, NAME_A), (PROVIDER_B, NAME_B)])
def test_a_provider_gets_only_its_own_rows(signed_in, demo_factory, who, name):
    every = _all(signed_in, who)
    assert every and {r["provider"] for r in every} == {name}
    assert {r["service"] for r in every} == _services(demo_factory, name) < _services(demo_factory)
    page = str(_page(signed_in, who))
    # No provider to choose, and no other provider named anywhere on the page.
    assert "All providers" not in page
    for other in _services(demo_factory) - _services(demo_factory, name):
        assert other not in page


def test_another_provider_s_rows_are_never_returned(signed_in, demo_factory):
    other = _provider_id(demo_factory, NAME_B)
    own = _all(signed_in, PROVIDER_A)
    # Asking for provider B's rows by filter, by service name, by a range past the end.
    assert _all(signed_in, PROVIDER_A, {"provider": _eq(str(other))}) == own
    boxing = {"service": {"filterType": "text", "type": "contains", "filter": "Boxing"}}
    assert _ask(signed_in, PROVIDER_A, boxing)[:2] == ([], 0)
    assert _ask(signed_in, PROVIDER_A, start=len(own), end=len(own) + PAGE_SIZE)[0] == []
    with signed_in(PROVIDER_A):
        model, view = update_filters(str(other), "all", "all", None)
    assert model == {} and view == {"search": "", "title": "Returns"}


def test_the_url_s_filters_narrow_the_officer_s_rows(signed_in, demo_factory):
    everything = _all(signed_in, ADMIN)
    pid = _provider_id(demo_factory, NAME_A)
    mine = _url_rows(signed_in, ADMIN, f"?provider={pid}")
    assert mine and len(mine) < len(everything) and {r["provider"] for r in mine} == {NAME_A}
    to_do = _url_rows(signed_in, ADMIN, f"?provider={pid}&status=to_do")
    assert to_do and not {r["status"] for r in to_do} & HANDED_IN_WORDS
    assert {(r["sid"], r["pid"]) for r in to_do} < {(r["sid"], r["pid"]) for r in mine}
    quarter = _url_rows(signed_in, ADMIN, "?quarter=Q2+2026%2F27&status=approved")
    assert quarter and {(r["quarter"], r["status"]) for r in quarter} == {("Q2 2026/27", "Approved")}
    # The count the page starts with is the filtered one.
    page = _page(signed_in, ADMIN, f"?provider={pid}&status=to_do")
    assert _find(page, ids.RETURNS_COUNT).children == (
        f"{len(to_do)} of {len(everything):,} returns match these filters.")
    assert _find(page, ids.RETURNS_STATUS).value == "to_do"


@pytest.mark.parametrize("search", ["?provider=99999", "?provider=x&quarter=Q9+1900%2F01&status=%3Cb%3E",
                                    "?status=all&quarter=all&provider=all"])
def test_unknown_url_filter_values_are_no_filter(signed_in, search):
    grid = _find(_page(signed_in, ADMIN, search), ids.RETURNS_GRID)
    assert grid.dashGridOptions["initialState"]["filter"]["filterModel"] == {}


@pytest.mark.parametrize("who", [ADMIN, VIEWER])
def test_the_filter_callback_sets_the_grid_s_filters_and_the_url(signed_in, demo_factory, who):
    pid = _provider_id(demo_factory, NAME_B)
    typed = {"service": {"filterType": "text", "type": "contains", "filter": "box"}}
    with signed_in(who):
        model, view = update_filters(str(pid), "Q2 2026/27", "to_do", typed)
        none, no_view = update_filters("all", "all", "all", None)
    # The record of the view (callbacks/navigation.py): the query the address bar takes, and
    # the page's title.
    search = view["search"]
    assert view["title"] == no_view["title"] == "Returns"
    # The select's choices, and what was typed under "Service", kept.
    assert model == {"provider": _eq(str(pid)), "quarter": _eq("Q2 2026/27"), "status": _eq("to_do"),
                     **typed}
    assert parse_qs(search.lstrip("?")) == {"provider": [str(pid)], "quarter": ["Q2 2026/27"],
                                            "status": ["to_do"]}
    assert none == {} and no_view["search"] == ""
    rows = _all(signed_in, who, model)
    all_count = _ask(signed_in, who)[1]
    assert rows and {(r["provider"], r["quarter"]) for r in rows} == {(NAME_B, "Q2 2026/27")}
    assert all("box" in r["service"].casefold() for r in rows)
    assert not {r["status"] for r in rows} & HANDED_IN_WORDS
    assert _ask(signed_in, who, model)[2] == f"{len(rows)} of {all_count:,} returns match these filters."
    # The URL written is the one the router reads back (without the typed text, which the
    # URL does not keep).
    assert _url_rows(signed_in, who, search) == _all(signed_in, who, {**model, "service": None})


def test_sorting_is_done_on_the_server_across_pages(signed_in):
    by_due = _all(signed_in, ADMIN, sort=[{"colId": "due", "sort": "desc"}])
    dues = [r["due"] for r in by_due]
    assert dues == sorted(dues, reverse=True) and dues[0] > dues[-1]
    by_service = _all(signed_in, ADMIN, sort=[{"colId": "service", "sort": "asc"}])
    names = [r["service"].casefold() for r in by_service]
    assert names == sorted(names)
    # The second page follows on from the first.
    first, _, _ = _ask(signed_in, ADMIN, sort=[{"colId": "service", "sort": "asc"}])
    second, _, _ = _ask(signed_in, ADMIN, sort=[{"colId": "service", "sort": "asc"}],
                        start=PAGE_SIZE, end=2 * PAGE_SIZE)
    assert first + second == by_service[:2 * PAGE_SIZE]


def test_no_one_signed_in_gets_no_rows(signed_in):
    rows, count, words = _ask(signed_in, None)
    assert (rows, count) == ([], 0) and "Sign in" in words
    with signed_in(None):
        assert update_filters("all", "all", "all", None) == (no_update, no_update)


@pytest.mark.parametrize("request_", [
    None, "junk", [], {}, {"startRow": "0", "endRow": "50"}, {"startRow": -50, "endRow": 0},
    {"startRow": 0, "endRow": 10 ** 9}, {"startRow": True, "endRow": 50}, {"startRow": 1.5, "endRow": 9},
    {"startRow": 0, "endRow": PAGE_SIZE, "sortModel": "due"},
    {"startRow": 0, "endRow": PAGE_SIZE, "sortModel": [{"colId": {"x": 1}, "sort": []}]},
    {"startRow": 0, "endRow": PAGE_SIZE, "filterModel": {"status": {"filter": ["to_do"]}, "provider": 5}},
    {"startRow": 0, "endRow": PAGE_SIZE, "filterModel": {"service": {"filter": "x" * 10_000}}},
    {"startRow": 0, "endRow": PAGE_SIZE, "filterModel": "status=to_do"},
])
def test_bad_requests_get_the_first_page_unfiltered(signed_in, request_):
    """Whatever the browser sends, the answer is rows of the user's own (the first page,
    unfiltered, for anything unreadable), never an error."""
    first, count, _ = _ask(signed_in, ADMIN)
    with signed_in(ADMIN):
        answer, words = returns_page(request_)
    assert answer["rowCount"] == count and words == f"{count:,} returns."
    assert answer["rowData"] == first


def _call(client, callbacks: dict, prefix: str, inputs: list, state: list | None = None):
    """POST a callback (found by the start of its output key) with these values, in order."""
    [(key, entry)] = [(k, v) for k, v in callbacks.items() if k.startswith(prefix)]
    body = payload(key, entry)
    for item, value in zip(body["inputs"], inputs, strict=True):
        item["value"] = value
    for item, value in zip(body["state"], state or [], strict=True):
        item["value"] = value
    response = client.post("/_dash-update-component", json=body)
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 204), text[:300]
    assert "Traceback" not in text
    return text


def test_bad_requests_over_http_are_no_500(demo_app):
    """Through Flask and Dash as the browser sends them: odd values in every input, as a
    provider, whose answers never name another provider's services."""
    client = demo_app.server.test_client()
    sign_in(client, PROVIDER_A)
    callbacks = server_callbacks(demo_app)
    for value in ("junk", {"startRow": "x"}, {"startRow": 0, "endRow": PAGE_SIZE, "filterModel": [1, 2]}, None,
                  {"startRow": 0, "endRow": PAGE_SIZE, "filterModel": {"provider": _eq("2")}}):
        text = _call(client, callbacks, f"..{ids.RETURNS_GRID}.getRowsResponse", [value])
        assert "Boxing" not in text
    for values in (["<b>", "Q9", "deleted"], [None, None, None], [1, 2, 3]):
        _call(client, callbacks, f"..{ids.RETURNS_GRID}.filterModel", values, [{"service": 3}])


def test_the_selects_drawn_with_the_page_change_nothing(demo_app):
    """Dash calls the filter callback when the router draws the selects, with nothing
    triggered: no new filter model for the grid (which would ask for its first page twice),
    no new URL. Chosen by the user, the same values do change them."""
    client = demo_app.server.test_client()
    sign_in(client, ADMIN)
    [(key, entry)] = [(k, v) for k, v in server_callbacks(demo_app).items()
                      if k.startswith(f"..{ids.RETURNS_GRID}.filterModel")]
    body = payload(key, entry)
    for item, value in zip(body["inputs"], ["all", "all", "to_do"], strict=True):
        item["value"] = value
    drawn = client.post("/_dash-update-component", json={**body, "changedPropIds": []})
    assert drawn.status_code == 204 or drawn.get_json()["response"] == {}, drawn.get_data(as_text=True)[:300]
    chosen = client.post("/_dash-update-component",
                         json={**body, "changedPropIds": [f"{ids.RETURNS_STATUS}.value"]})
    assert chosen.status_code == 200 and "to_do" in chosen.get_data(as_text=True)


def test_the_filter_callback_writes_the_view_record_over_http(demo_app):
    """The filter callback's second output is the VIEW record (callbacks/navigation.py), not
    the URL itself: assets/navigation.js puts its query in the address bar, and Back to
    another query redraws the list."""
    client = demo_app.server.test_client()
    sign_in(client, ADMIN)
    [key] = [k for k in server_callbacks(demo_app) if k.startswith(f"..{ids.RETURNS_GRID}.filterModel")]
    assert f"{ids.VIEW}.data" in key and f"{ids.URL}.search" not in key
    text = _call(client, server_callbacks(demo_app), f"..{ids.RETURNS_GRID}.filterModel",
                 ["all", "all", "draft"], [None])
    assert '"search":"?status=draft"' in text.replace(" ", "") and '"title":"Returns"' in text.replace(" ", "")


def _note_terms(page) -> list[str]:
    note = _find(page, ids.RETURNS_STATUS_NOTE)
    assert note is not None and note.children[0].children == "What the statuses mean"
    return [item.children for item in note.children[1].children[::2]]


@pytest.mark.parametrize("who", [ADMIN, VIEWER, PROVIDER_A])
def test_the_status_note_explains_every_status_the_list_shows(signed_in, who):
    """Each status word a row can carry is explained beside the list, and only those (not the
    Submissions grid's "Not due" or "Not expected", which the list never shows)."""
    terms = _note_terms(_page(signed_in, who))
    assert terms == ["Missing", "Overdue", "Not started", "Draft", "Returned", "Submitted", "Approved"]
    shown = {r["status"] for r in _all(signed_in, who)}
    assert shown <= set(terms)
    # The status filter offers each of them (after its two groups).
    status = _find(_page(signed_in, who), ids.RETURNS_STATUS)
    assert set(terms) <= {o["label"] for o in status.options}


def test_the_provider_filter_is_alphabetical(signed_in, demo_factory):
    """By name, whatever order the providers were added in (ids), ignoring case."""
    select_ = _find(_page(signed_in, ADMIN), ids.RETURNS_PROVIDER)
    names = [o["label"] for o in select_.options[1:]]
    assert select_.options[0]["label"] == "All providers"
    assert names == sorted(names, key=str.casefold) and NAME_A in names and NAME_B in names
    with unit_of_work(demo_factory) as s:
        by_id = list(s.scalars(select(Provider.name).order_by(Provider.id)))
    assert by_id != names  # the demo's ids are not in name order, so the test can fail

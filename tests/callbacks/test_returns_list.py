"""The Returns page as each role: the lead officer and a CWP member get every service's
returns, a provider only its own. The page comes drawn with its first page of rows, for the
view in its URL (filters, the service search, the sort and the page, each checked); the view
callback (`returns_view`) redraws the table's body for a filter, a search, a heading's sort
button or Previous/Next, scoped on the server to the signed-in user, and records the view for
the URL. The filters narrow the rows, never widen them. Bad values are defaults, no 500."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from dash import no_update
from sqlalchemy import select

from callbacks.returns_list import NEXT, PREVIOUS, returns_view
from callbacks.router import display_page
from layouts import ids
from layouts.returns_home import PAGE_SIZE, SORT_BUTTON, SORT_TH
from models.reporting.retirement import in_service
from models.store.db import unit_of_work
from models.store.entities import Provider, Service
from tests.helpers.components import all_of, find_component, words
from tests.helpers.crafted import call_callback, server_callbacks
from tests.helpers.web import sign_in

ADMIN, VIEWER = "admin@demo.local", "viewer@demo.local"
PROVIDER_A = "safer-futures-support@demo.local"
PROVIDER_B = "riverside-boxing-academy@demo.local"
NAME_A, NAME_B = "Safer Futures Support (demo)", "Riverside Boxing Academy (demo)"
HANDED_IN_WORDS = {"Submitted", "Approved"}
HEADINGS = {"Service": "service", "Status": "status", "Quarter": "quarter", "Due": "due",
            "Provider": "provider", "Lead officer's comment": "comment", "Open": "action"}


def _headings(page) -> list[str]:
    thead = all_of(find_component(page, ids.RETURNS_TABLE), "Thead")[0]
    return [words(th) for th in all_of(thead, "Th")]


def _rows(body: list, headings: list[str]) -> list[dict]:
    """The table's body as dicts by column key, with the link's address as "href"."""
    out = []
    for tr in body:
        cells = tr.children if isinstance(tr.children, list) else [tr.children]
        if len(cells) == 1 and len(headings) > 1:
            continue  # "No returns match these filters."
        row = {HEADINGS[h]: words(c) for h, c in zip(headings, cells, strict=True)}
        row["action"] = row["action"].split(",")[0]
        row["href"] = cells[-1].children.href
        out.append(row)
    return out


def _page(signed_in, who: str, search: str = ""):
    with signed_in(who):
        return display_page("/returns", search)


def _page_rows(page) -> list[dict]:
    return _rows(find_component(page, ids.RETURNS_BODY).children, _headings(page))


def _of(page) -> int:
    """How many rows the filters keep, from "Rows 1 to 25 of 312"."""
    text = words(find_component(page, ids.RETURNS_PAGE_STATUS))
    found = re.fullmatch(r"Rows [\d,]+ to [\d,]+ of ([\d,]+)", text)
    return int(found.group(1).replace(",", "")) if found else 0


def _all(signed_in, who: str, search: str = "") -> list[dict]:
    """Every row, page by page, as the URL's ?page= names them."""
    first = _page(signed_in, who, search)
    rows, count = _page_rows(first), _of(first)
    joiner = "&" if search else "?"
    for number in range(2, -(-count // PAGE_SIZE) + 1):
        rows += _page_rows(_page(signed_in, who, f"{search}{joiner}page={number}"))
    assert len(rows) == count
    return rows


def _view(signed_in, who, provider="all", quarter="all", status="all", text="", action=None,
          stored=None):
    with signed_in(who):
        return returns_view(provider, quarter, status, text, action, stored)


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


def test_the_page_comes_with_its_first_page_of_rows_in_a_table(signed_in):
    page = _page(signed_in, ADMIN)
    assert _headings(page) == ["Service", "Status", "Quarter", "Due", "Provider",
                               "Lead officer's comment", "Open"]
    rows = _page_rows(page)
    total = _of(page)
    assert len(rows) == PAGE_SIZE < total
    assert find_component(page, ids.RETURNS_COUNT).children == f"{total:,} returns."
    assert words(find_component(page, ids.RETURNS_PAGE_STATUS)) == f"Rows 1 to 25 of {total}"
    assert find_component(page, ids.RETURNS_CAPTION).children == "Returns, overdue and returned first"
    assert find_component(page, ids.RETURNS_VIEW).data == {"sort": "", "page": 1}
    # The sortable headings are buttons in the header; none is sorted yet.
    sortable = [th for th in all_of(find_component(page, ids.RETURNS_TABLE), "Th")
                if isinstance(getattr(th, "id", None), dict)]
    assert [th.id["column"] for th in sortable] == ["service", "status", "due", "provider"]
    assert all(th.children.id == {"type": SORT_BUTTON, "column": th.id["column"]} for th in sortable)
    assert all(th.id["type"] == SORT_TH and "aria-sort" not in th.to_plotly_json()["props"]
               for th in sortable)
    assert find_component(page, ids.RETURNS_PREV).to_plotly_json()["props"]["aria-disabled"] == "true"
    assert find_component(page, ids.RETURNS_NEXT).to_plotly_json()["props"]["aria-disabled"] == "false"


@pytest.mark.parametrize("who", [ADMIN, VIEWER])
def test_the_officer_and_a_member_see_every_service(signed_in, demo_factory, who):
    every = _all(signed_in, who)
    assert {r["service"] for r in every} == _services(demo_factory)
    assert len({r["href"] for r in every}) == len(every)
    # Overdue and missing first, as before; then the rest by urgency.
    assert every[0]["status"] in {"Overdue", "Missing"}
    # A member reads; the lead officer fills in and changes.
    actions = {r["action"] for r in every}
    assert actions == {"View"} if who == VIEWER else {"Start", "Continue", "View"} <= actions


@pytest.mark.parametrize("who, name", [(PROVIDER_A, NAME_A), (PROVIDER_B, NAME_B)])
def test_a_provider_gets_only_its_own_rows(signed_in, demo_factory, who, name):
    every = _all(signed_in, who)
    assert every and {r["service"] for r in every} == _services(demo_factory, name) < _services(demo_factory)
    page = _page(signed_in, who)
    assert "Provider" not in _headings(page)
    # No provider to choose, and no other provider named anywhere on the page.
    text = str(page)
    assert "All providers" not in text
    for other in _services(demo_factory) - _services(demo_factory, name):
        assert other not in text


def test_another_provider_s_rows_are_never_returned(signed_in, demo_factory):
    other = _provider_id(demo_factory, NAME_B)
    own = _all(signed_in, PROVIDER_A)
    # Asking for provider B's rows by filter (URL and select), by name, by a page past the end.
    assert _all(signed_in, PROVIDER_A, f"?provider={other}") == own
    headings = _headings(_page(signed_in, PROVIDER_A))
    assert _rows(_view(signed_in, PROVIDER_A, str(other)).body, headings) == own[:PAGE_SIZE]
    boxing = _view(signed_in, PROVIDER_A, text="Boxing")
    assert boxing.count.startswith("No returns match") and boxing.pager == "No rows to show."
    past = _page(signed_in, PROVIDER_A, "?page=999")
    assert _page_rows(past) == own[-(len(own) % PAGE_SIZE or PAGE_SIZE):]
    assert "?provider" not in _view(signed_in, PROVIDER_A, str(other)).record["search"]
    # Sorting by the provider column it does not have is the list's own order.
    answer = _view(signed_in, PROVIDER_A, action=("sort", "provider"))
    assert answer.stored == {"sort": "", "page": 1} and "provider" not in answer.sorts


def test_the_url_s_view_narrows_sorts_and_pages_the_officer_s_rows(signed_in, demo_factory):
    everything = _all(signed_in, ADMIN)
    pid = _provider_id(demo_factory, NAME_A)
    mine = _all(signed_in, ADMIN, f"?provider={pid}")
    assert mine and len(mine) < len(everything) and {r["provider"] for r in mine} == {NAME_A}
    to_do = _all(signed_in, ADMIN, f"?provider={pid}&status=to_do")
    assert to_do and not {r["status"] for r in to_do} & HANDED_IN_WORDS
    assert {r["href"] for r in to_do} < {r["href"] for r in mine}
    quarter = _all(signed_in, ADMIN, "?quarter=Q2+2026%2F27&status=approved")
    assert quarter and {(r["quarter"], r["status"]) for r in quarter} == {("Q2 2026/27", "Approved")}
    found = _all(signed_in, ADMIN, "?find=SANCTUARY")
    assert found and {r["service"] for r in found} == {"Sanctuary scheme"}
    # The count the page starts with is the filtered one; the controls show the URL's view.
    page = _page(signed_in, ADMIN, f"?provider={pid}&status=to_do&find=isva&sort=-due&page=1")
    isva = [r for r in to_do if "isva" in r["service"].casefold()]
    assert find_component(page, ids.RETURNS_COUNT).children == (
        f"{len(isva)} of {len(everything):,} returns match these filters.")
    assert find_component(page, ids.RETURNS_STATUS).value == "to_do"
    assert find_component(page, ids.RETURNS_TEXT).value == "isva"
    due = find_component(page, {"type": SORT_TH, "column": "due"})
    assert due.to_plotly_json()["props"]["aria-sort"] == "descending"
    # Sorted on the server across pages: the second page follows on from the first.
    by_service = _all(signed_in, ADMIN, "?sort=service")
    names = [r["service"].casefold() for r in by_service]
    assert names == sorted(names) and len(by_service) == len(everything)
    second = _page_rows(_page(signed_in, ADMIN, "?sort=service&page=2"))
    assert second == by_service[PAGE_SIZE:2 * PAGE_SIZE]


def test_a_provider_is_named_by_its_slug_and_an_old_id_link_still_works(signed_in, demo_factory):
    """The provider filter's values and the address use the provider's slug (as the Overview
    does); a link made with its id opens the same rows; another provider's slug narrows a
    provider user's own list to nothing it may not see."""
    pid = _provider_id(demo_factory, NAME_A)
    by_slug = _all(signed_in, ADMIN, "?provider=safer-futures-support")
    assert by_slug and {r["provider"] for r in by_slug} == {NAME_A}
    assert _all(signed_in, ADMIN, f"?provider={pid}") == by_slug
    page = _page(signed_in, ADMIN, f"?provider={pid}")
    select = find_component(page, ids.RETURNS_PROVIDER)
    assert select.value == "safer-futures-support"
    assert {"label": NAME_A, "value": "safer-futures-support"} in select.options
    chosen = _view(signed_in, ADMIN, "safer-futures-support", status="to_do")
    assert chosen.record["search"] == "?provider=safer-futures-support&status=to_do"
    assert _view(signed_in, ADMIN, str(pid)).record["search"] == "?provider=safer-futures-support"
    own = _all(signed_in, PROVIDER_A)
    assert _all(signed_in, PROVIDER_A, "?provider=riverside-boxing-academy") == own


@pytest.mark.parametrize("search", [
    "?provider=99999", "?provider=x&quarter=Q9+1900%2F01&status=%3Cb%3E",
    "?status=all&quarter=all&provider=all", "?sort=quarter&page=-1", "?sort=%00&page=x",
    "?page=99999999999999999999", "?sort=" + "due" * 500, "?find=" + "x" * 5000,
    "?page=1.5&sort=__class__", "?page=%D9%A3",
])
def test_unknown_url_values_are_the_default_view(signed_in, search):
    page = _page(signed_in, ADMIN, search)
    default = _page(signed_in, ADMIN)
    assert _page_rows(page) == _page_rows(default)
    assert find_component(page, ids.RETURNS_VIEW).data == {"sort": "", "page": 1}
    assert find_component(page, ids.RETURNS_TEXT).value == ""


@pytest.mark.parametrize("who", [ADMIN, VIEWER])
def test_the_view_callback_narrows_the_rows_and_records_the_url(signed_in, demo_factory, who):
    pid = _provider_id(demo_factory, NAME_B)
    answer = _view(signed_in, who, str(pid), "Q2 2026/27", "to_do", "box")
    nothing = _view(signed_in, who)
    search = answer.record["search"]
    assert answer.record["title"] == nothing.record["title"] == "Returns"
    assert parse_qs(search.lstrip("?")) == {"provider": ["riverside-boxing-academy"], "quarter": ["Q2 2026/27"],
                                            "status": ["to_do"], "find": ["box"]}
    assert nothing.record["search"] == ""
    rows = _rows(answer.body, _headings(_page(signed_in, who)))
    assert rows and {(r["provider"], r["quarter"]) for r in rows} == {(NAME_B, "Q2 2026/27")}
    assert all("box" in r["service"].casefold() for r in rows)
    assert not {r["status"] for r in rows} & HANDED_IN_WORDS
    total = _of(_page(signed_in, who))
    assert answer.count == f"{len(rows)} of {total:,} returns match these filters."
    # The URL written is the one the router reads back.
    assert _all(signed_in, who, search) == rows


def test_next_previous_and_sort_from_the_page_s_store(signed_in):
    everything = _all(signed_in, ADMIN)
    headings = _headings(_page(signed_in, ADMIN))
    second = _view(signed_in, ADMIN, action=NEXT, stored={"sort": "", "page": 1})
    assert _rows(second.body, headings) == everything[PAGE_SIZE:2 * PAGE_SIZE]
    assert second.stored == {"sort": "", "page": 2} and second.record["search"] == "?page=2"
    assert second.pager == f"Rows 26 to 50 of {len(everything)}"
    assert (second.previous_off, second.next_off) == ("false", "false")
    back = _view(signed_in, ADMIN, action=PREVIOUS, stored=second.stored)
    assert _rows(back.body, headings) == everything[:PAGE_SIZE] and back.previous_off == "true"
    # Previous on the first page, Next on the last: the same page.
    assert _view(signed_in, ADMIN, action=PREVIOUS, stored={"page": 1}).stored["page"] == 1
    last = -(-len(everything) // PAGE_SIZE)
    end = _view(signed_in, ADMIN, action=NEXT, stored={"sort": "", "page": last})
    assert end.stored["page"] == last and end.next_off == "true"
    # A heading's button: ascending, then descending, then the list's own order; page 1.
    up = _view(signed_in, ADMIN, action=("sort", "due"), stored=second.stored)
    assert up.stored == {"sort": "due", "page": 1} and up.sorts["due"] == "ascending"
    assert up.sorts["service"] is None and up.record["search"] == "?sort=due"
    dues = [r["href"] for r in _rows(up.body, headings)]
    assert dues == [r["href"] for r in _all(signed_in, ADMIN, "?sort=due")[:PAGE_SIZE]]
    down = _view(signed_in, ADMIN, action=("sort", "due"), stored=up.stored)
    assert down.sorts["due"] == "descending" and down.caption == "Returns, by due date, latest first"
    plain = _view(signed_in, ADMIN, action=("sort", "due"), stored=down.stored)
    assert plain.sorts["due"] is None and plain.stored == {"sort": "", "page": 1}
    assert _rows(plain.body, headings) == everything[:PAGE_SIZE]
    # A filter keeps the sort and goes back to the first page.
    narrowed = _view(signed_in, ADMIN, status="approved", stored={"sort": "-due", "page": 4})
    assert narrowed.stored == {"sort": "-due", "page": 1}


def test_no_one_signed_in_gets_no_rows(signed_in):
    answer = _view(signed_in, None, action=NEXT, stored={"page": 1})
    assert answer.body is no_update and answer.record is no_update and "Sign in" in answer.count


@pytest.mark.parametrize("values", [
    (None, None, None, None, None, None), ("junk", [], {}, 5, "forward", "junk"),
    ("1x", "Q9", "deleted", "x" * 10_000, ("sort", "__class__"), {"sort": ["due"], "page": "-4"}),
    ([1], {"a": 1}, 3, ["x"], ("sort",), {"sort": "due ", "page": 10 ** 12}),
    ("all", "all", "all", "", ("sort", {"x": 1}), {"page": True}),
])
def test_bad_values_are_the_defaults(signed_in, values):
    """Whatever the browser sends, the answer is the user's own rows, never an error."""
    answer = _view(signed_in, ADMIN, *values)
    assert isinstance(answer.body, list) and answer.count.endswith("returns.")
    assert _rows(answer.body, _headings(_page(signed_in, ADMIN))) == _page_rows(_page(signed_in, ADMIN))


VIEW_CALLBACK = f"..{ids.RETURNS_BODY}.children"


def test_bad_requests_over_http_are_no_500(demo_app):
    """Through Flask and Dash as the browser sends them: odd values in every input, as a
    provider, whose answers never name another provider's services."""
    client = demo_app.server.test_client()
    sign_in(client, PROVIDER_A)
    callbacks = server_callbacks(demo_app)
    for values, state in ((["<b>", "Q9", "deleted", "x" * 5000, 1, 1, 1], {"page": "x"}),
                          ([None] * 7, None), ([1, 2, 3, 4, 5, 6, 7], [1, 2]),
                          (["2", "all", "all", "Boxing", 0, 0, 1], {"sort": "provider", "page": 99})):
        text = call_callback(client, callbacks, VIEW_CALLBACK, values, [state],
                     [f"{ids.RETURNS_NEXT}.n_clicks"]).get_data(as_text=True)
        assert "Riverside" not in text and "ASB early help" not in text


def test_the_page_drawn_changes_nothing(demo_app):
    """Dash calls the view callback when the router draws the page (its inputs are put on the
    page), with nothing triggered, or with buttons drawn at n_clicks 0: the page came drawn
    for its URL, so no new rows and no new URL. A real press does change them."""
    client = demo_app.server.test_client()
    sign_in(client, ADMIN)
    callbacks = server_callbacks(demo_app)
    values = ["all", "all", "all", "", 0, 0, 0]
    for changed, zero in (([], 0), ([f"{ids.RETURNS_NEXT}.n_clicks"], 0)):
        values[-1] = zero
        drawn = call_callback(client, callbacks, VIEW_CALLBACK, values, [{"sort": "", "page": 1}], changed)
        assert drawn.status_code == 204 or drawn.get_json()["response"] == {}, drawn.get_data(as_text=True)[:300]
    # As Dash really calls it when the router draws /returns?page=3: every input listed as
    # triggered. The answer is the view as drawn, its third page kept (it used to go back to
    # the first): assets/navigation.js puts it in the address bar in place. Only that record:
    # the rows, headings and pager the router has just drawn are not sent and drawn again.
    everything = [f"{i}.value" for i in (ids.RETURNS_PROVIDER, ids.RETURNS_QUARTER,
                                         ids.RETURNS_STATUS, ids.RETURNS_TEXT)]
    everything += [f"{ids.RETURNS_PREV}.n_clicks", f"{ids.RETURNS_NEXT}.n_clicks"]
    values[-1] = 0
    drawn = call_callback(client, callbacks, VIEW_CALLBACK, values, [{"sort": "", "page": 3}], everything)
    text = drawn.get_data(as_text=True).replace(" ", "")
    assert drawn.status_code == 200 and '"search":"?page=3"' in text, text[:300]
    assert list(drawn.get_json()["response"]) == [ids.VIEW], text[:300]
    assert "Rows51to75" not in text and "returns-link" not in text
    values[-1] = 1
    pressed = call_callback(client, callbacks, VIEW_CALLBACK, values, [{"sort": "", "page": 1}],
                    [f"{ids.RETURNS_NEXT}.n_clicks"])
    assert pressed.status_code == 200 and "page=2" in pressed.get_data(as_text=True)


def test_the_view_callback_writes_the_view_record_over_http(demo_app):
    """The callback's last output is the VIEW record (callbacks/navigation.py), not the URL
    itself: assets/navigation.js puts its query in the address bar, and Back to another
    query redraws the list."""
    client = demo_app.server.test_client()
    sign_in(client, ADMIN)
    callbacks = server_callbacks(demo_app)
    [key] = [k for k in callbacks if k.startswith(VIEW_CALLBACK)]
    assert f"{ids.VIEW}.data" in key and f"{ids.URL}.search" not in key
    text = call_callback(client, callbacks, VIEW_CALLBACK, ["all", "all", "draft", "", 0, 0, 0], [None],
                 [f"{ids.RETURNS_STATUS}.value"]).get_data(as_text=True).replace(" ", "")
    assert '"search":"?status=draft"' in text and '"title":"Returns"' in text


def _note_terms(page) -> list[str]:
    note = find_component(page, ids.RETURNS_STATUS_NOTE)
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
    status = find_component(_page(signed_in, who), ids.RETURNS_STATUS)
    assert set(terms) <= {o["label"] for o in status.options}


def test_the_provider_filter_is_alphabetical(signed_in, demo_factory):
    """By name, whatever order the providers were added in (ids), ignoring case."""
    select_ = find_component(_page(signed_in, ADMIN), ids.RETURNS_PROVIDER)
    names = [o["label"] for o in select_.options[1:]]
    assert select_.options[0]["label"] == "All providers"
    assert names == sorted(names, key=str.casefold) and NAME_A in names and NAME_B in names
    with unit_of_work(demo_factory) as s:
        by_id = list(s.scalars(select(Provider.name).order_by(Provider.id)))
    assert by_id != names  # the demo's ids are not in name order, so the test can fail

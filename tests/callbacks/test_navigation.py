"""The router's rule for redrawing (callbacks/navigation.py) and the router called as each
role with the view record; sign-in's landing page."""

import pytest

from callbacks.navigation import needs_drawing, record, same_view, search_text, view_title
from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.dash_calls import page_csrf_token

PATH, SEARCH = "url.pathname", "url.search"


def test_the_router_redraws_for_a_new_path_or_a_view_the_page_does_not_show():
    shown = record("?year=2024%2F25&quarter=Q2", "Overview, Q2 2024/25")
    assert shown == {"search": "?year=2024%2F25&quarter=Q2", "title": "Overview, Q2 2024/25"}
    # First load, or a new path: always.
    assert needs_drawing("/", "?year=2024/25&quarter=Q2", None, set())
    assert needs_drawing("/", "?year=2024/25&quarter=Q2", shown, set())
    assert needs_drawing("/performance", "?year=2024%2F25&quarter=Q2", shown, {PATH, SEARCH})
    # The query the page's filters just wrote (any order or encoding): left alone.
    assert not needs_drawing("/", "?quarter=Q2&year=2024/25", shown, {SEARCH})
    # Back to another view of the same page: drawn.
    assert needs_drawing("/", "?year=2024%2F25&quarter=Q1", shown, {SEARCH})
    assert needs_drawing("/", "", shown, {SEARCH})
    # The Returns list keeps the record too: Back to another status redraws it; the query
    # its own select just wrote does not.
    assert needs_drawing("/returns", "?status=draft", record("", "Returns"), {SEARCH})
    assert not needs_drawing("/returns", "?status=draft", record("?status=draft", "Returns"), {SEARCH})


def test_the_router_redraws_when_the_browser_asks():
    """REDRAW: an answer asked from an address the reader has left was drawn over the page."""
    shown = record("?quarter=Q2", "Overview, Q2 2024/25")
    assert not needs_drawing("/", "?quarter=Q2", shown, {SEARCH})
    assert needs_drawing("/", "?quarter=Q2", shown, {"redraw.data"})


def test_a_record_says_from_which_address_it_was_asked():
    """The Referer of the callback's request: the page's address when the browser asked
    (assets/navigation.js ignores a record from another address than the one it shows)."""
    from flask import Flask

    app = Flask(__name__)
    with app.test_request_context("/_dash-update-component", method="POST", headers={
            "Referer": "http://127.0.0.1:8050/performance?year=2025%2F26&rag=Green"}):
        assert record("?rag=Green", "Performance table") == {
            "search": "?rag=Green", "title": "Performance table",
            "from": "/performance?year=2025%2F26&rag=Green"}
    with app.test_request_context("/_dash-update-component", method="POST",
                                  headers={"Referer": "http://127.0.0.1:8050/"}):
        assert record("", "Overview")["from"] == "/"
    with app.test_request_context("/_dash-update-component", method="POST"):
        assert "from" not in record("", "Overview")  # no Referer: nothing claimed
    assert "from" not in record("", "Overview")  # outside a request (a background job)


def test_queries_and_titles_in_one_form():
    assert search_text("year=2024%2F25") == "?year=2024%2F25" == search_text("?year=2024%2F25")
    assert search_text("") == "" == search_text("?") == search_text(None)
    assert same_view("?a=1&b=2", "b=2&a=1") and not same_view("?a=1", "?a=2")
    assert view_title("Overview", "Q2 2026/27") == "Overview, Q2 2026/27"
    assert view_title("Returns") == "Returns"


@pytest.mark.parametrize("who, title", [
    (None, "Sign in"), ("safer-futures-support@demo.local", "Performance table, Q3 2025/26"),
    ("riverside-boxing-academy@demo.local", "Performance table, Q3 2025/26"),
    ("viewer@demo.local", "Performance table, Q3 2025/26"),
    ("admin@demo.local", "Performance table, Q3 2025/26")])
def test_the_router_as_each_role_records_the_view_it_drew(signed_in, who, title):
    from callbacks.router import draw_page

    with signed_in(who):
        drawn = draw_page("/performance", "?year=2025/26&quarter=Q3")
        review = draw_page("/review", "")
    assert drawn.title == title
    assert review.title == ("Review queue" if who == "admin@demo.local"
                            else "Sign in" if who is None else "No access")


@pytest.mark.parametrize("who, lands", [
    ("safer-futures-support@demo.local", "/returns"), ("viewer@demo.local", "/"),
    ("admin@demo.local", "/")])
def test_sign_in_lands_providers_on_their_returns(demo_app, who, lands):
    client = demo_app.server.test_client()
    for asked, expected in (("", lands), ("?next=/", lands), ("?next=/performance", "/performance")):
        token = page_csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post(f"/login{asked}", data={"email": who, "password": DEMO_PASSWORD,
                                                       "csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"] == expected
        client.post("/logout", data={"csrf_token": page_csrf_token(
            client.get("/logout").get_data(as_text=True))})

"""Views too big for a request (issue 20: What needs attention took 148-176 s and the
Performance table 11-21 s for a national body): worked out once per data version in the
background (dash_app.cache.prepared), the page saying so meanwhile, and a long report read by
priority and a page at a time. The size limits are lowered here so the demo partnership takes
the national path; every role is asked."""

from __future__ import annotations

import logging
import re
import threading

import pytest
from dash import no_update
from sqlalchemy import select

import callbacks.attention as attention_callbacks
import callbacks.performance as performance_callbacks
import dash_app.cache as cache_module
import layouts.attention as attention_layout
from callbacks.attention import attention_view, update_attention
from callbacks.performance import POLL, performance_view
from callbacks.router import display_page
from dash_app.cache import Failed, Preparing, cache_state, prepared, wait_for_prepared
from dash_app.database import transaction
from layouts import ids
from models.reporting.attention import attention_report, lines_in_order, priority_counts
from models.rules.slugs import slugify
from models.store.db import unit_of_work
from models.store.entities import Provider, Service, User
from tests.helpers.components import find_component, words

OWNER = "safer-futures-support@demo.local"
OTHER = "riverside-boxing-academy@demo.local"
SIGNED_IN = [OWNER, OTHER, "viewer@demo.local", "admin@demo.local"]
CALLS: list[int] = []
GATE = threading.Event()


def slow_square(session, number: int) -> int:
    """A stand-in for a big view: waits for the test to let it finish."""
    CALLS.append(number)
    assert GATE.wait(30)
    return number * number


def broken(session, number: int) -> int:
    raise RuntimeError(f"no figures for {number}")


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()
    GATE.clear()
    yield
    GATE.set()
    wait_for_prepared(60)


def test_a_view_is_worked_out_once_in_the_background_then_served(signed_in):
    with signed_in("admin@demo.local"), transaction() as session:
        first = prepared(session, slow_square, 7)
        again = prepared(session, slow_square, 7)  # asked again while it is worked out
        assert isinstance(first, Preparing) and isinstance(again, Preparing)
        assert again.since == first.since and first.waited() >= 0
        GATE.set()
        assert wait_for_prepared(30) == 1
        assert prepared(session, slow_square, 7) == 49
        assert cache_state().hits >= 1
    assert CALLS == [7]  # once, however many asked


def test_a_failure_is_logged_and_reported_never_swallowed(signed_in, caplog):
    with signed_in("admin@demo.local"), transaction() as session:
        assert isinstance(prepared(session, broken, 3), Preparing)
        with caplog.at_level(logging.ERROR, logger="dash_app.cache"):
            wait_for_prepared(30)
        assert isinstance(prepared(session, broken, 3), Failed)
    assert "Working out broken in the background failed" in caplog.text
    assert "no figures for 3" in caplog.text


# What needs attention ---------------------------------------------------------------------------

@pytest.fixture
def national_path(monkeypatch):
    """The demo takes the national path: worked out in the background, and long (over 5
    lines), 10 lines a page."""
    monkeypatch.setattr(attention_layout, "LINES_PAGE", 10)
    monkeypatch.setattr(attention_callbacks, "BACKGROUND_CHARTS", 0)
    monkeypatch.setattr(attention_callbacks, "LINE_LIMIT", 5)
    monkeypatch.setattr(cache_module, "BACKGROUND_METRICS", 0)


def _own_services(factory, email: str) -> set[str]:
    with unit_of_work(factory) as s:
        return set(s.scalars(select(Service.name).join(Provider, Provider.id == Service.provider_id)
                             .join(User, User.provider_id == Provider.id).where(User.email == email)))


def _linked(children) -> list[str]:
    return re.findall(r"Link\(children='([^']*)', href='/service\?", str(children))


def _report(signed_in, who: str):
    from callbacks.common import quarter_view, today

    with signed_in(who), transaction() as session:
        audience, year, quarter = quarter_view("2026/27", "Q2")
        return attention_report(session, audience, year, quarter, today())


@pytest.mark.parametrize("who", SIGNED_IN)
def test_a_long_report_is_worked_out_then_read_by_priority_a_page_at_a_time(
        signed_in, demo_factory, national_path, who):
    report = _report(signed_in, who)
    lines = lines_in_order(report)
    with signed_in(who):
        working = attention_view("2026/27", "Q2", False)
        assert "Working out the report from" in str(working.body)
        assert working.poll_off is False and working.paged_hidden is True
        assert working.record["search"] == "?year=2026%2F27&quarter=Q2"
        wait_for_prepared(120)
        if len(lines) <= 5:  # a provider with few lines this quarter: its report whole
            shown = attention_view("2026/27", "Q2", False, None, "poll", {"page": 1})
            assert shown.paged_hidden is True and shown.poll_off is True
            return
        shown = attention_view("2026/27", "Q2", False, None, "poll", {"page": 1})
    assert shown.poll_off is True and shown.paged_hidden is False
    body = str(shown.body)
    # Every line is counted: the total, and each priority's by section.
    concerns, well = len(report.concerns), len(report.going_well)
    assert f"{len(lines):,} lines: {concerns:,} need attention and {well:,} " in body
    for count in priority_counts(report):
        assert (f"children='{count.priority}', scope='row'), Td(children='{count.concerns:,}'"
                in body)
    assert shown.page_status == f"Lines 1 to {min(10, len(lines))} of {len(lines):,}"
    assert _linked(shown.lines) == [line.service for line in lines[:10]]
    assert shown.previous_off == "true"
    assert [o["value"] for o in shown.options] == ["all", *(slugify(c.priority) for c in priority_counts(report))]
    if who in (OWNER, OTHER):  # only the provider's own services, never another's
        assert set(_linked(shown.lines)) <= _own_services(demo_factory, who)


@pytest.mark.parametrize("who", ["viewer@demo.local", "admin@demo.local"])
def test_turning_pages_and_choosing_a_priority(signed_in, national_path, who):
    report = _report(signed_in, who)
    lines = lines_in_order(report)
    assert len(lines) == 25  # the demo's Q2 2026/27: three pages of 10
    with signed_in(who):
        attention_view("2026/27", "Q2", False)
        wait_for_prepared(120)
        second = attention_view("2026/27", "Q2", False, None, "next", {"page": 1})
        assert second.page_status == "Lines 11 to 20 of 25"
        assert _linked(second.lines) == [line.service for line in lines[10:20]]
        assert second.stored == {"page": 2} and second.previous_off == "false"
        assert second.record["search"] == "?year=2026%2F27&quarter=Q2&page=2"
        # The page kept when the page is drawn again from its URL (nothing pressed).
        kept = attention_view("2026/27", "Q2", False, None, None, {"page": 2})
        assert kept.stored == {"page": 2}
        # A priority: its lines only, from its first page, and the URL says which.
        first = priority_counts(report)[0]
        own = lines_in_order(report, first.priority)
        chosen = attention_view("2026/27", "Q2", False, first.priority, "attention-priority", {"page": 2})
        assert chosen.stored == {"page": 1}
        assert chosen.page_status.endswith(f" of {first.concerns + first.going_well:,}")
        assert _linked(chosen.lines) == [line.service for line in own[:10]]
        slug = slugify(first.priority)
        assert f"priority={slug}" in chosen.record["search"]  # by its slug, as on the Overview
        by_slug = attention_view("2026/27", "Q2", False, slug, "attention-priority", {"page": 2})
        assert (by_slug.record, by_slug.page_status) == (chosen.record, chosen.page_status)
        assert {"label": f"{first.priority} ({first.concerns + first.going_well:,} lines)",
                "value": slug} in by_slug.options
        # A priority the report does not have (an old link, a crafted one): every priority.
        crafted = attention_view("2026/27", "Q2", False, "<script>x</script>", None, {"page": "9' or 1=1"})
        assert crafted.page_status.endswith(f" of {len(lines):,}") and crafted.stored == {"page": 1}
        # Past the end: the last page.
        last = attention_view("2026/27", "Q2", False, None, "next", {"page": 10 ** 5 - 1})
        assert last.next_off == "true" and last.stored["page"] == 3
        assert last.page_status == "Lines 21 to 25 of 25"


def test_the_poll_changes_nothing_while_the_report_is_worked_out(signed_in, national_path, monkeypatch):
    def held(session, *args, **kwargs):
        assert GATE.wait(30)
        return attention_report(session, *args, **kwargs)

    monkeypatch.setattr(attention_callbacks, "attention_report", held)
    with signed_in("admin@demo.local"):
        assert "Working out" in str(attention_view("2026/27", "Q2", False).body)
        polled = attention_view("2026/27", "Q2", False, None, "poll", {"page": 1})
        assert polled.body is no_update and polled.lines is no_update and polled.poll_off is False
        GATE.set()
        wait_for_prepared(120)
        ready = attention_view("2026/27", "Q2", False, None, "poll", {"page": 1})
    assert ready.poll_off is True and "attention-summary" in str(ready.body)


def test_signed_out_and_bad_input(demo_app, signed_in, national_path):
    with demo_app.server.test_request_context("/"):
        assert "Sign in first." in str(attention_view("2026/27", "Q2", False).body)
        assert _table("2026/27", "Q2").heading == "Sign in first."
    with signed_in("viewer@demo.local"):
        bad = attention_view("not a year", "Q2", False)
    assert "field-error" in str(bad.body) and bad.poll_off is True


def test_the_demo_report_is_drawn_whole_as_before(signed_in):
    with signed_in("admin@demo.local"):
        answer = attention_view("2026/27", "Q2", False)
        body, record = update_attention("2026/27", "Q2", False)
    assert answer.paged_hidden is True and answer.poll_off is True
    assert "attention-concerns" in str(body) and "attention-summary" not in str(body)
    assert record == {"search": "?year=2026%2F27&quarter=Q2", "title": "What needs attention, Q2 2026/27"}


# The Performance table ---------------------------------------------------------------------------

def _table(year: str = "2025/26", quarter: str = "Q3", action: object = None, stored: object = None):
    """The Performance table's view callback: every filter at "all", 25 rows a page."""
    return performance_view(year, quarter, False, False, "", "all", "all", "25", action, stored)


@pytest.mark.parametrize("who", SIGNED_IN)
def test_a_large_table_is_worked_out_in_the_background_as_every_role(signed_in, demo_factory,
                                                                      national_path, who):
    with signed_in(who):
        working = _table()
        assert "Working out the table of" in working.working and working.poll_off is False
        assert working.body == [{"note": "The table is not ready yet.", "className": "perf-empty"}]
        assert working.pager == ""
        assert working.heading == "Q3 2025/26" and working.record["search"] == "?year=2025%2F26&quarter=Q3"
        wait_for_prepared(120)
        ready = _table(action=POLL, stored=working.stored)
    assert ready.working == "" and ready.poll_off is True and ready.pager.startswith("Rows 1 to ")
    services = {row["cells"][0]["text"] for row in ready.body}  # the row's heading: its service
    if who in (OWNER, OTHER):
        assert services <= _own_services(demo_factory, who)
    else:
        assert len(services) > 2


def test_the_table_drawn_for_its_url_keeps_its_page_while_worked_out(signed_in, national_path,
                                                                      monkeypatch):
    """/performance?page=2 for a national table: the page says it is being worked out and asks
    again; asked while still working, nothing changes (nothing read out again); once the rows
    are there, the poll draws page 2 in the URL's order, not the first."""
    real = performance_callbacks.grid_rows

    def gated(session, *args):
        assert GATE.wait(30)
        return real(session, *args)

    monkeypatch.setattr(performance_callbacks, "grid_rows", gated)
    with signed_in("admin@demo.local"):
        page = display_page("/performance", "?year=2025/26&quarter=Q3&page=2&sort=-rag")
        assert "Working out the table of" in words(find_component(page, ids.PERF_WORKING))
        assert find_component(page, ids.PERF_POLL).disabled is False
        stored = find_component(page, ids.PERF_VIEW).data
        assert stored == {"sort": "-rag", "page": 2, "size": 25}
        still = _table(action=POLL, stored=stored)
        assert still.body is no_update and still.working is no_update and still.poll_off is False
        GATE.set()
        wait_for_prepared(60)
        ready = _table(action=POLL, stored=stored)
    assert ready.stored == stored and ready.poll_off is True and ready.working == ""
    assert ready.pager.startswith("Rows ") and not ready.pager.startswith("Rows 1 to ")
    assert ready.record["search"] == "?year=2025%2F26&quarter=Q3&sort=-rag&page=2"


def test_the_report_drawn_for_its_url_keeps_its_page(signed_in, national_path, monkeypatch):
    """Dash calls the callback as the router draws /attention?…&page=2 with every input listed
    as triggered: the URL's page (in the store) is kept; a filter changed starts again."""
    import callbacks.navigation

    def context(triggered: list[dict], triggered_id=None) -> None:
        fake = type("Ctx", (), {"triggered": triggered, "triggered_id": triggered_id})()
        monkeypatch.setattr(callbacks.navigation, "ctx", fake)
        monkeypatch.setattr(attention_callbacks, "ctx", fake)

    everything = [{"prop_id": f"{name}", "value": value} for name, value in (
        ("attention-year.value", "2026/27"), ("attention-quarter.value", "Q2"),
        ("attention-provisional.value", False), ("attention-priority.value", "all"),
        ("attention-prev.n_clicks", 0), ("attention-next.n_clicks", 0),
        ("attention-poll.n_intervals", None))]
    with signed_in("viewer@demo.local"):
        attention_view("2026/27", "Q2", False)
        wait_for_prepared(120)
        context(everything, "attention-year")
        drawn = attention_callbacks.on_attention("2026/27", "Q2", False, "all", 0, 0, None, {"page": 2})
        context([{"prop_id": "attention-quarter.value", "value": "Q2"}], "attention-quarter")
        changed = attention_callbacks.on_attention("2026/27", "Q2", False, "all", 0, 0, None, {"page": 2})
    fields = attention_callbacks.AttentionAnswer._fields
    assert dict(zip(fields, drawn, strict=True))["stored"] == {"page": 2}
    assert dict(zip(fields, changed, strict=True))["stored"] == {"page": 1}


# Two instances on one Redis ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    from tests.helpers.servers import redis_for_tests

    yield from redis_for_tests(tmp_path_factory.mktemp("redis") / "redis.log")


def test_with_redis_one_instance_works_a_view_out_for_both(db_url, demo_factory, redis_url):
    from dataclasses import replace

    from dash_app.factory import create_app
    from tests.helpers.config import settings_for
    from tests.helpers.web import requests_as

    first, second = (create_app(replace(settings_for(db_url), cache_url=redis_url)) for _ in range(2))
    with requests_as(first, demo_factory)("admin@demo.local"), transaction() as session:
        started = prepared(session, slow_square, 12)
    with requests_as(second, demo_factory)("admin@demo.local"), transaction() as session:
        seen = prepared(session, slow_square, 12)  # the other instance's marker, not a second job
    assert isinstance(started, Preparing) and seen == started
    GATE.set()
    wait_for_prepared(30)
    with requests_as(second, demo_factory)("admin@demo.local"), transaction() as session:
        assert prepared(session, slow_square, 12) == 144
    assert CALLS == [12]


def test_no_more_than_the_room_is_started_and_the_rest_start_when_asked_again(signed_in, monkeypatch):
    """A user asking for one view after another queues no more than MAX_QUEUED per process:
    beyond it a view is not started (the page is told it is being worked out, and its poll
    starts it once there is room)."""
    import dash_app.cache

    monkeypatch.setattr(dash_app.cache, "_ROOM", threading.BoundedSemaphore(1))
    with signed_in("admin@demo.local"), transaction() as session:
        assert isinstance(prepared(session, slow_square, 2), Preparing)  # started: the room is full
        assert isinstance(prepared(session, slow_square, 3), Preparing)  # not started
        GATE.set()
        assert wait_for_prepared(30) == 1
        assert CALLS == [2]
        assert isinstance(prepared(session, slow_square, 3), Preparing)  # asked again: started
        wait_for_prepared(30)
        assert prepared(session, slow_square, 3) == 9 and prepared(session, slow_square, 2) == 4
    assert CALLS == [2, 3]


ANOTHER_SCOPE = {OWNER: OTHER, OTHER: OWNER, "viewer@demo.local": "admin@demo.local",
                 "admin@demo.local": "viewer@demo.local"}


def _change_the_data(factory) -> None:
    """Any change to the figures' tables (a return's narrative saved) bumps the data version."""
    from models.store.entities import Return

    with unit_of_work(factory) as s:
        ret = s.scalars(select(Return).order_by(Return.id)).first()
        ret.highlights = f"{ret.highlights or ''} (changed)"


@pytest.mark.parametrize("who", SIGNED_IN)
def test_after_a_change_the_previous_report_is_shown_marked_until_the_new_one_is_ready(
        signed_in, demo_factory, national_path, monkeypatch, who):
    def held(session, *args, **kwargs):
        assert GATE.wait(30)
        return attention_report(session, *args, **kwargs)

    monkeypatch.setattr(attention_callbacks, "attention_report", held)
    GATE.set()
    with signed_in(who):
        attention_view("2026/27", "Q2", False)
        wait_for_prepared(120)
        before = attention_view("2026/27", "Q2", False, None, "poll", {"page": 1})
    assert before.poll_off is True and "before the latest change" not in str(before.body)

    _change_the_data(demo_factory)
    GATE.clear()  # the new version's report is held back: being worked out
    with signed_in(who):
        shown = attention_view("2026/27", "Q2", False, None, None, {"page": 1})
        polled = attention_view("2026/27", "Q2", False, None, "poll", {"page": 1})
    marker, *earlier = shown.body  # one flat list of children
    assert "These figures are from before the latest change to the data." in str(marker)
    assert "role='status'" in str(marker) and re.search(r"worked out at \d\d:\d\d\.", str(marker))
    # The previous version's report, exactly as it was drawn, and nothing of the new one.
    assert str(earlier) == str(before.body if isinstance(before.body, list) else [before.body])
    assert (str(shown.lines), shown.page_status) == (str(before.lines), before.page_status)
    assert shown.poll_off is False  # asking again until the new one is there
    assert polled.body is no_update and polled.poll_off is False
    # Someone whose audience differs never sees it: they wait for their own.
    with signed_in(ANOTHER_SCOPE[who]):
        other = attention_view("2026/27", "Q2", False)
    assert "Working out the report from" in str(other.body)
    assert "before the latest change" not in str(other.body)

    GATE.set()
    wait_for_prepared(120)
    with signed_in(who):
        after = attention_view("2026/27", "Q2", False, None, "poll", {"page": 1})
    assert after.poll_off is True and "before the latest change" not in str(after.body)


# The API's performance table ---------------------------------------------------------------------

def test_the_api_serves_a_large_table_from_the_background_work(demo_app, demo_factory, monkeypatch):
    """A national body's table is never worked out inside an API request: the first asks get
    503 with Retry-After while it is worked out; then each page is a slice of the kept rows,
    the same rows a request would build, and a provider's token still sees its own only."""
    import dash_app.api as api_module
    from models.access import audience_of
    from models.store.api_tokens import create_token
    from models.store.users import find_user

    real = api_module.api_rows

    def gated(*args, **kwargs):
        assert GATE.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache_module, "BACKGROUND_METRICS", 0)
    monkeypatch.setattr(api_module, "api_rows", gated)
    with unit_of_work(demo_factory) as s:
        tokens = {who: create_token(s, find_user(s, who), "Tests", 7)
                  for who in ("admin@demo.local", OWNER)}
    client = demo_app.server.test_client()
    path = "/api/v1/performance?year=2025/26&quarter=Q3&page_size=7&page=2"

    def ask(who: str):
        return client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})

    waiting = ask("admin@demo.local")
    # Retry-After: ours (30 s), or the rate limit's reset when later (Flask-Limiter keeps the later).
    assert waiting.status_code == 503 and int(waiting.headers["Retry-After"]) >= 30
    assert "being worked out" in waiting.json["message"]
    assert ask("admin@demo.local").status_code == 503  # still: worked out once, not again
    GATE.set()
    wait_for_prepared(30)
    answer = ask("admin@demo.local")
    assert answer.status_code == 200
    with unit_of_work(demo_factory) as s:
        admin = find_user(s, "admin@demo.local")
        whole = real(s, audience_of(admin), 2025, 3, demo_app.server.config["MONITOR_SETTINGS"].current_date(),
                     False, False)
    assert answer.json["items"] == whole[7:14] and answer.json["total"] == len(whole)
    # The provider's own table: worked out for its audience, never a slice of the admin's.
    assert ask(OWNER).status_code == 503
    wait_for_prepared(30)
    own = ask(OWNER).json
    assert 0 < own["total"] < len(whole)
    assert {item["service"] for item in own["items"]} <= _own_services(demo_factory, OWNER)


def test_an_earlier_report_is_not_shown_once_a_service_in_it_moved_to_another_provider(
        signed_in, demo_factory, national_path):
    """n20 attack: a service moved from one provider to another (a catalogue change) must
    not stay on the first provider's page in the previous version's report while the new
    one is worked out: that provider may no longer see it."""
    with signed_in(OWNER):
        attention_view("2026/27", "Q2", False)
        wait_for_prepared(120)
    ready = _report(signed_in, OWNER)
    moved_id = ready.lines[0].service_id
    moved_name = ready.lines[0].service
    with unit_of_work(demo_factory) as s:
        other = s.scalar(select(User.provider_id).where(User.email == OTHER))
        s.get(Service, moved_id).provider_id = other
    assert moved_name not in _own_services(demo_factory, OWNER)

    with signed_in(OWNER):
        shown = attention_view("2026/27", "Q2", False)  # the new report is being worked out
    wait_for_prepared(120)
    assert shown.poll_off is False  # still being worked out
    assert moved_name not in str(shown.body) + str(shown.lines)

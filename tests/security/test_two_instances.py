"""Two app instances on one database and one Redis (issue 20, items 2 and 4), through real
HTTP: two gunicorn processes (instance A and instance B, each on its own port, as behind a
load balancer) with the same DATABASE_URL, CACHE_URL and SECRET_KEY, on the demo data.

- A return approved through A is in the figures read through B at once: B's Performance
  callback, read (and cached in Redis) before the approval, is not served stale after it.
- An address throttled on sign-in through A stays throttled through B: the per-client limit
  (Redis) and the per-address one (the database).
- A session signed out through A is refused through B (User.session_generation); a form
  (its CSRF token) read from A is accepted by B.

On PostgreSQL when TEST_DATABASE_URL is set, and on SQLite too (two processes on one file,
which one machine may run). Needs redis-server: skipped without it, saying why, and failed
under REQUIRE_REDIS=1 (tests.helpers.servers.require_redis_or_skip)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests

from layouts.performance import column_order
from models.store.db import make_engine, make_sessionmaker
from models.store.users import MAX_FAILURES
from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.databases import database_copy, engines
from tests.helpers.servers import login_token, redis_server, signed_in_session, start_gunicorn, stop

ADMIN = "admin@demo.local"
VIEWER = "viewer@demo.local"
KEPT: dict[str, Path] = {}  # the kept exports' folder the two instances share, by A's URL


@pytest.fixture(scope="module", params=engines())
def instances(request, tmp_path_factory):
    """(URL of A, URL of B, the Redis URL, the database URL), started once per engine."""
    folder = tmp_path_factory.mktemp(f"two-{request.param}")
    with redis_server(folder / "redis.log") as redis_url:
        db_url = database_copy(request.param, "demo", folder)
        # One machine: both share one folder of kept exports (dash_app/export_files.py).
        env = {"CACHE_URL": redis_url, "EXPORT_CACHE_DIR": str(folder / "kept")}
        a, proc_a = start_gunicorn(db_url, folder / "a.log", workers=1, threads=4, env=env)
        try:
            b, proc_b = start_gunicorn(db_url, folder / "b.log", workers=1, threads=4, env=env)
        except BaseException:
            stop(proc_a)
            raise
        KEPT[a] = folder / "kept"
        try:
            yield a, b, redis_url, db_url
        finally:
            stop(proc_a)
            stop(proc_b)


@pytest.fixture
def clean_limits(instances):
    """The per-client sign-in limit counts in this module's Redis: each test starts at 0."""
    import redis

    client = redis.Redis.from_url(instances[2])
    client.flushall()
    yield
    client.flushall()


def _on(session: requests.Session, url: str) -> requests.Session:
    """The same browser (its cookie) talking to another instance."""
    other = requests.Session()
    other.cookies.update(session.cookies)
    return other


def _callback(session: requests.Session, url: str, body: dict) -> dict:
    response = session.post(url + "/_dash-update-component", json=body, timeout=60)
    assert response.status_code == 200, response.text[:300]
    return response.json()["response"]


def _performance(session: requests.Session, url: str) -> dict[str, object]:
    """The Performance page's table for Q2 2026/27 (a page of 100 rows: all of them in the
    demo data), as B's view callback answers it, the year chosen as a browser sends it."""
    from tests.helpers.crafted import payload
    from tests.helpers.dash_calls import find

    deps = session.get(url + "/_dash-dependencies", timeout=30).json()
    entry = find(deps, "..perf-heading.children")
    body = payload(entry["output"], entry)
    values = {"perf-year": "2026/27", "perf-quarter": "Q2", "perf-provisional": False,
              "perf-publish": False, "perf-page-size": "100", "perf-find": ""}
    for item in body["inputs"]:
        if isinstance(item, dict) and item["id"] in values:
            item["value"] = values[item["id"]]
    body["state"] = [{"id": "perf-view", "property": "data", "value": None}]
    answer = _callback(session, url, body)
    rows = answer["perf-body"]["rows"]  # layouts/table_body.TableBody's rows
    columns = column_order()
    out = {}
    for row in rows:
        cells = dict(zip(columns, (cell["text"] for cell in row["cells"]), strict=True))
        out[f"{cells['Service']} / {cells['Metric']}"] = cells["Quarter actual"]
    return out


def _approve(session: requests.Session, url: str, return_id: int, version: int) -> str:
    """Press Approve on one row of the review queue, as the browser sends it."""
    def pid(kind: str) -> dict:
        return {"return": return_id, "type": kind}

    def key(kind: str) -> str:
        return json.dumps(pid(kind), sort_keys=True, separators=(",", ":"))

    body = {
        "output": "..{\"return\":[\"ALL\"],\"type\":\"rq-result\"}.children"
                  "...{\"return\":[\"ALL\"],\"type\":\"rq-approve\"}.disabled"
                  "...{\"return\":[\"ALL\"],\"type\":\"rq-return\"}.disabled"
                  "...{\"return\":[\"ALL\"],\"type\":\"rq-comment\"}.disabled...nav-waiting.children..",
        "outputs": [[{"id": pid("rq-result"), "property": "children"}],
                    [{"id": pid("rq-approve"), "property": "disabled"}],
                    [{"id": pid("rq-return"), "property": "disabled"}],
                    [{"id": pid("rq-comment"), "property": "disabled"}],
                    {"id": "nav-waiting", "property": "children"}],
        "inputs": [[{"id": pid("rq-approve"), "property": "n_clicks", "value": 1}],
                   [{"id": pid("rq-return"), "property": "n_clicks", "value": None}]],
        "state": [[{"id": pid("rq-comment"), "property": "value", "value": ""}],
                  [{"id": pid("rq-comment"), "property": "id", "value": pid("rq-comment")}],
                  [{"id": pid("rq-version"), "property": "data", "value": version}],
                  [{"id": pid("rq-version"), "property": "id", "value": pid("rq-version")}]],
        "changedPropIds": [f"{key('rq-approve')}.n_clicks"],
    }
    return json.dumps(_callback(session, url, body))


def _submitted(db_url: str) -> tuple[int, int]:
    from sqlalchemy import select

    from models.store.entities import Return

    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as s:
            ret = s.scalars(select(Return).where(Return.status == "submitted").order_by(Return.id)).first()
            return ret.id, ret.version
    finally:
        engine.dispose()


def test_a_return_approved_through_one_instance_is_seen_at_once_through_the_other(instances):
    a, b, _redis, db_url = instances
    officer_a = signed_in_session(a, ADMIN)
    officer_b = _on(officer_a, b)  # the same browser, sent to B by the load balancer
    before = _performance(officer_b, b)
    assert _performance(officer_b, b) == before  # now cached in Redis
    assert _performance(officer_a, a) == before  # and A reads the same

    return_id, version = _submitted(db_url)
    answer = _approve(officer_a, a, return_id, version)
    assert "Approved:" in answer, answer

    after = _performance(officer_b, b)
    assert after != before, "B served the figures from before the approval"
    assert _performance(officer_a, a) == after


def test_a_kept_export_is_shared_and_never_served_after_an_approval_through_the_other(instances):
    """A CSV kept by A is sent by B (one folder on one machine); once a return is approved
    through A, B builds the file afresh rather than send the one from before."""
    a, b, _redis, db_url = instances
    officer_a = signed_in_session(a, ADMIN)
    officer_b = _on(officer_a, b)
    path = "/export/performance.csv?year=2026/27&quarter=Q2"
    first = officer_a.get(a + path, timeout=120)
    assert first.status_code == 200
    kept_folder = KEPT[a]
    [kept] = [p for p in kept_folder.glob("*/*.csv") if p.read_bytes() == first.content]
    kept.write_bytes(b"KEPT BEFORE THE APPROVAL")
    assert officer_b.get(b + path, timeout=120).content == b"KEPT BEFORE THE APPROVAL"

    return_id, version = _submitted(db_url)
    assert "Approved:" in _approve(officer_a, a, return_id, version)
    after = officer_b.get(b + path, timeout=120)
    assert after.status_code == 200 and after.content.startswith(b"\xef\xbb\xbfPriority,")
    assert officer_a.get(a + path, timeout=120).content == after.content  # B kept it for A


def test_a_form_from_one_instance_is_accepted_by_the_other(instances):
    """The CSRF token is signed with the shared SECRET_KEY and kept in the session cookie:
    the sign-in form read from A and sent to B signs in, and B's session then works on A."""
    a, b, _redis, _db = instances
    browser = requests.Session()
    token = login_token(browser, a)
    answer = browser.post(b + "/login", data={"email": VIEWER, "password": DEMO_PASSWORD, "csrf_token": token},
                          timeout=30, allow_redirects=False)
    assert answer.status_code == 302
    assert browser.get(a + "/_dash-dependencies", timeout=30).status_code == 200


def test_a_session_signed_out_through_one_instance_is_refused_through_the_other(instances):
    a, b, _redis, _db = instances
    on_a = signed_in_session(a, VIEWER)
    on_b = _on(on_a, b)
    assert on_b.get(b + "/_dash-dependencies", timeout=30).status_code == 200  # B accepts it
    page = on_a.get(a + "/logout", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert on_a.post(a + "/logout", data={"csrf_token": token}, timeout=10,
                     allow_redirects=False).status_code == 302
    refused = on_b.get(b + "/_dash-dependencies", timeout=30)  # the old cookie, replayed to B
    assert refused.status_code == 401 and "Sign in" in refused.text
    assert on_b.get(b + "/", timeout=30, allow_redirects=False).status_code == 302


def _try(url: str, email: str, password: str) -> int:
    session = requests.Session()
    token = login_token(session, url)
    return session.post(url + "/login", data={"email": email, "password": password, "csrf_token": token},
                        timeout=30, allow_redirects=False).status_code


def test_an_address_throttled_through_one_instance_stays_throttled_through_the_other(instances, clean_limits):
    """Per client (Redis): 20 sign-ins a minute from one address, counted across both."""
    a, b, _redis, _db = instances
    answers = [_try(a if i % 2 else b, f"guess{i}@example.org", "wrong") for i in range(20)]
    assert answers == [401] * 20
    assert _try(b, VIEWER, DEMO_PASSWORD) == 429  # even the right password, through B
    assert _try(a, VIEWER, DEMO_PASSWORD) == 429


def test_an_account_throttled_through_one_instance_stays_throttled_through_the_other(instances, clean_limits):
    """Per account (the database): MAX_FAILURES wrong passwords through A, then B refuses
    that account before any password check, while another account still signs in."""
    a, b, _redis, _db = instances
    assert [_try(a, ADMIN, f"wrong-{i}") for i in range(MAX_FAILURES)] == [401] * MAX_FAILURES
    assert _try(b, ADMIN, DEMO_PASSWORD) == 429
    assert _try(b, VIEWER, DEMO_PASSWORD) == 302

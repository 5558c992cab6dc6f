"""Issue 14: the attacker's review, one test (or more) per reported row, through the real app
over HTTP (Flask's test client) on SQLite and PostgreSQL. Rows about workers (4 under
gunicorn, 5) are in test_limits_under_load.py."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dash_app.auth import SIGNED_IN_AT
from models.admin.users import reset_password, update_user
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Metric, MetricCategory, Period, Service, User
from models.store.users import MAX_FAILURES
from tests.helpers import hostile_files
from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.crafted import payload, server_callbacks
from tests.helpers.factories import Actor
from tests.helpers.returns import upload_body, upload_key
from tests.helpers.servers import free_port, parallel_wrong_passwords, redis_for_tests
from tests.helpers.web import csrf_token, sign_in, sign_out

PROVIDER = "safer-futures-support@demo.local"
NEW_PASSWORD = "a-brand-new-password"


@pytest.fixture
def client(demo_app):
    return demo_app.server.test_client()


def _user_id(factory, email: str) -> int:
    with unit_of_work(factory) as s:
        return s.scalars(select(User.id).where(User.email == email)).one()


def _reset(factory, email: str) -> str:
    """The lead officer resets a user's password; returns the one-time password."""
    with unit_of_work(factory) as s:
        boss = s.scalars(select(User).where(User.email == "admin@demo.local")).one()
        return reset_password(s, Actor(boss.id, "admin"), _user_id(factory, email))


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _copy_of(demo_app, client):
    """Another client holding a copy of `client`'s session cookie (a stolen cookie)."""
    thief = demo_app.server.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def _change_password(client, new: str, current: str | None = None):
    data = {"password": new, "confirm": new, "csrf_token": csrf_token(client, "/set-password")}
    if current is not None:
        data["current"] = current
    return client.post("/set-password", data=data)


def _callback(demo_app, client, prefix: str, values: dict) -> dict:
    """POST one server callback (found by the start of its output key) with some input
    and state values replaced: {(component id, property): value}."""
    key, entry = next((k, v) for k, v in server_callbacks(demo_app).items() if k.startswith(prefix))
    body = payload(key, entry)
    for item in body["inputs"] + body["state"]:
        if isinstance(item, dict) and (item["id"], item["property"]) in values:
            item["value"] = values[(item["id"], item["property"])]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _figures(value) -> list[dict]:
    """Every Plotly figure in a callback's answer: a dcc.Graph's, and a service page's charts
    drawn near the screen (layouts/service_charts.lazy_graph: the figure as JSON text, which
    assets/lazy_charts.js hands to Plotly as it is)."""
    if isinstance(value, dict):
        if "data" in value and "layout" in value:
            return [value]
        if isinstance(value.get("data-figure"), str):
            return [json.loads(value["data-figure"])]
        return [f for v in value.values() for f in _figures(v)]
    if isinstance(value, list):
        return [f for v in value for f in _figures(v)]
    return []


def _refusals(factory) -> list[AuditEvent]:
    with unit_of_work(factory) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "refused")))


# Row 1: an admin's reset ends the user's sessions --------------------------------------

def test_1_a_reset_ends_every_session_of_the_user(demo_app, client, demo_factory):
    sign_in(client, "viewer@demo.local")
    stolen = _copy_of(demo_app, client)
    assert _signed_in(stolen)
    one_time = _reset(demo_factory, "viewer@demo.local")
    # The stolen session cannot reach the password page, so cannot spoil the reset.
    assert stolen.get("/set-password").status_code == 302
    assert stolen.post("/set-password", data={"password": "x" * 12, "confirm": "x" * 12}
                       ).status_code == 401
    assert not _signed_in(client) and not _signed_in(stolen)
    # The user's one-time password still works, once.
    fresh = demo_app.server.test_client()
    assert sign_in(fresh, "viewer@demo.local", one_time).headers["Location"].endswith("/set-password")
    assert _change_password(fresh, NEW_PASSWORD).status_code == 302
    assert _signed_in(fresh)


# Row 2: changing a password needs the current one ------------------------------------

def test_2_changing_a_password_needs_the_current_one(demo_app, client):
    sign_in(client, "viewer@demo.local")
    other_device = _copy_of(demo_app, client)
    missing = _change_password(client, NEW_PASSWORD)
    assert missing.status_code == 400 and "Enter your current password" in missing.get_data(as_text=True)
    wrong = _change_password(client, NEW_PASSWORD, current="not-my-password")
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(as_text=True)
    assert _change_password(client, NEW_PASSWORD, current=DEMO_PASSWORD).status_code == 302
    # This browser carries on; every other session of the user has ended.
    assert _signed_in(client) and not _signed_in(other_device)
    assert sign_in(demo_app.server.test_client(), "viewer@demo.local").status_code == 401
    assert sign_in(demo_app.server.test_client(), "viewer@demo.local", NEW_PASSWORD).status_code == 302


def test_2_guesses_at_the_current_password_are_throttled(client):
    sign_in(client, "viewer@demo.local")
    for _ in range(MAX_FAILURES):
        _change_password(client, NEW_PASSWORD, current="a-wrong-guess")
    blocked = _change_password(client, NEW_PASSWORD, current=DEMO_PASSWORD)
    assert blocked.status_code == 400 and "too many failed sign-ins" in blocked.get_data(as_text=True)


# Row 3: sign-out revokes the session; an absolute lifetime -----------------------------

def test_3_a_copied_cookie_is_dead_after_sign_out(demo_app, client):
    sign_in(client, "viewer@demo.local")
    copy = _copy_of(demo_app, client)
    assert copy.get("/export/performance.csv?year=2025/26&quarter=Q3").status_code == 200
    assert sign_out(client).status_code == 302
    assert copy.get("/export/performance.csv?year=2025/26&quarter=Q3").status_code == 401
    assert not _signed_in(copy)


def test_3_a_session_ends_12_hours_after_sign_in_however_active(demo_app, client):
    assert demo_app.server.config["MONITOR_SETTINGS"].session_lifetime.total_seconds() == 12 * 3600
    sign_in(client, "viewer@demo.local")
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = time.time() - 11.9 * 3600  # active all day: still fine
    assert _signed_in(client)
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = time.time() - 12 * 3600 - 60
    assert client.get("/").status_code == 302
    assert client.post("/_dash-layout").status_code == 401


@pytest.mark.parametrize("change", ["role", "provider", "deactivate"])
def test_3_a_role_or_provider_change_or_deactivation_ends_sessions(client, demo_factory, change):
    sign_in(client, PROVIDER)
    assert _signed_in(client)
    uid = _user_id(demo_factory, PROVIDER)
    with unit_of_work(demo_factory) as s:
        boss = s.scalars(select(User).where(User.email == "admin@demo.local")).one()
        user = s.get(User, uid)
        other = s.scalars(select(User.provider_id).where(User.role == "provider",
                                                         User.provider_id != user.provider_id)).first()
        role, provider, active = {"role": ("viewer", None, True),
                                  "provider": ("provider", other, True),
                                  "deactivate": ("provider", user.provider_id, False)}[change]
        update_user(s, Actor(boss.id, "admin"), uid, role, provider, active)
    assert not _signed_in(client)


# Row 4: uploads are bounded ------------------------------------------------------------

def _upload_body(contents, filename="return.xlsx", context=None):
    return upload_body(contents, filename, context)


def _as_upload(data: bytes) -> str:
    return "data:application/vnd.ms-excel;base64," + base64.b64encode(data).decode()


def test_4_an_upload_bomb_is_refused_in_words(client):
    sign_in(client, PROVIDER)
    for bomb in (hostile_files.million_row_workbook(), hostile_files.million_row_workbook(20_000),
                 hostile_files.wide_row_workbook(), hostile_files.many_strings_workbook()):
        assert len(bomb) < 200_000  # small when zipped
        response = client.post("/_dash-update-component", json=_upload_body(_as_upload(bomb)))
        assert response.status_code == 200
        assert "far more than a return template" in response.get_data(as_text=True)


class _Body(io.RawIOBase):
    """A request body that records how much of it the server read."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b"x" * n
        self.position += n
        self.read_bytes += n
        return n


def test_4_a_body_over_the_limit_is_refused_before_it_is_read(demo_app, client):
    assert demo_app.server.config["MAX_CONTENT_LENGTH"] == 2_000_000
    sign_in(client, PROVIDER)
    body = _Body(30_000_000)
    response = client.post("/_dash-update-component", input_stream=body,
                           content_length=body.size, content_type="application/json")
    assert body.read_bytes == 0
    # Answered where the upload's result shows, in the renderer's own form.
    shown = response.get_json()["response"]["rv-upload-result"]["children"]
    assert response.status_code == 200 and "too large to upload" in json.dumps(shown)
    big = client.post("/login", data={"email": "x" * 3_000_000})
    assert big.status_code == 413 and "too large" in big.get_data(as_text=True)


# Row 5 (per client): Flask-Limiter on the sign-in form -----------------------------------

def test_5_parallel_wrong_passwords_on_a_threaded_server(db_url, demo_factory):
    """The reported 18 checks of 20 (threaded server): now exactly MAX_FAILURES. The
    per-client limit is raised so that only the per-address one is at work."""
    from dataclasses import replace

    from werkzeug.serving import make_server

    from dash_app.factory import create_app
    from tests.helpers.config import settings_for

    app = create_app(replace(settings_for(db_url), login_rate_limit="200 per minute"))
    server = make_server("127.0.0.1", free_port(), app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        answers, attempt = parallel_wrong_passwords(f"http://127.0.0.1:{server.port}",
                                                    "viewer@demo.local", 20)
        assert answers.count(401) == MAX_FAILURES and answers.count(429) == 20 - MAX_FAILURES
        assert attempt(DEMO_PASSWORD) == 429
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _twenty_then_refused(client) -> None:
    token = csrf_token(client, "/login")
    answers = [client.post("/login", data={"email": f"guess{i}@example.org", "password": "guess",
                                            "csrf_token": token}).status_code for i in range(21)]
    assert answers[:20] == [401] * 20 and answers[20] == 429
    refused = client.post("/login", data={"email": "viewer@demo.local", "password": DEMO_PASSWORD,
                                          "csrf_token": token})
    assert refused.status_code == 429 and "from your network" in refused.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the form is not limited


def test_5_the_sign_in_form_is_limited_per_client(client):
    """Counted in the database when no CACHE_URL is set."""
    _twenty_then_refused(client)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    yield from redis_for_tests(tmp_path_factory.mktemp("redis") / "redis.log")


def test_5_the_per_client_limit_is_shared_through_redis(db_url, demo_factory, redis_url):
    from dataclasses import replace

    from dash_app.factory import create_app
    from tests.helpers.config import settings_for

    app = create_app(replace(settings_for(db_url), cache_url=redis_url))
    app.server.extensions["monitor.limiter"].reset()  # one Redis serves both engines' runs
    _twenty_then_refused(app.server.test_client())


def test_5_sign_in_still_works_and_is_limited_when_redis_is_down(db_url, demo_factory):
    from dataclasses import replace

    from dash_app.factory import create_app
    from tests.helpers.config import settings_for

    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = create_app(replace(settings_for(db_url), cache_url=closed))
    _twenty_then_refused(app.server.test_client())


# Row 6: no live formula in any workbook the app writes ------------------------------------

FORMULA = '=HYPERLINK("https://evil.example/","Click")'


def test_6_text_cells_of_every_workbook_are_neutralised(client, demo_factory):
    with unit_of_work(demo_factory) as s:
        svc = s.scalars(select(Service).where(Service.name.startswith("Independent"))).one()
        metric = s.scalars(select(Metric).where(Metric.service_id == svc.id)).first()
        metric.name = FORMULA
        svc.name = "@SUM(A1)"
        period = s.scalars(select(Period).filter_by(year=2026, quarter=3)).one()
        ids = svc.id, period.id
    sign_in(client, PROVIDER)
    books = [client.get(f"/returns/template.xlsx?service={ids[0]}&period={ids[1]}").data,
             client.get("/export/performance.xlsx?year=2026/27&quarter=Q3").data]
    texts = []
    for data in books:
        wb = load_workbook(io.BytesIO(data))
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
    assert all(not t.startswith(("=", "+", "-", "@")) for t in texts)
    assert f"'{FORMULA}" in texts  # shown as typed, with the quote that keeps it text


# Row 7: names cannot become markup in a Plotly chart --------------------------------------

LINK = '<a href="https://evil.example/">Click me</a>'


def test_7_names_are_escaped_before_they_reach_plotly(demo_app, client, demo_factory):
    with unit_of_work(demo_factory) as s:
        for svc in s.scalars(select(Service)):
            svc.name = f"{LINK} {svc.id}"
        category = s.scalars(select(MetricCategory)).first()
        category.name = LINK
        service_id = s.scalars(select(Metric.service_id).where(Metric.id == category.metric_id)).one()
    sign_in(client, "admin@demo.local")
    overview = _callback(demo_app, client, "..overview-heading.children", {})
    service = _callback(demo_app, client, "..service-body.children",
                        {("service-pick", "value"): str(service_id)})
    figures = _figures(overview) + _figures(service)
    assert len(figures) >= 2
    texts = [t for f in figures for t in _strings(f)]
    assert not [t for t in texts if "<a" in t.lower()]
    assert any("&lt;a href=" in t for t in texts)


# Row 8: sign-out needs a POST from this site ---------------------------------------------

def test_8_sign_out_is_a_post_with_the_csrf_token(client):
    sign_in(client, "viewer@demo.local")
    page = client.get("/logout", headers={"Referer": "https://evil.example/"})
    assert page.status_code == 200 and 'action="/logout"' in page.get_data(as_text=True)
    assert _signed_in(client)  # following a link signs nobody out
    forged = client.post("/logout", data={}, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 400 and _signed_in(client)
    assert sign_out(client).status_code == 302 and not _signed_in(client)


def test_8_the_header_holds_a_sign_out_form(client):
    sign_in(client, "viewer@demo.local")
    with client.session_transaction() as session:
        # Set at sign-in: a page's parallel first requests must not each make their own.
        assert session.get("csrf_token")
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert '"action": "/logout"' in layout and '"method": "post"' in layout
    assert '"name": "csrf_token"' in layout


# Row 9: a one-time password works once, for 7 days ------------------------------------------

def test_9_a_one_time_password_works_for_one_sign_in(demo_app, client, demo_factory):
    one_time = _reset(demo_factory, "viewer@demo.local")
    assert sign_in(client, "viewer@demo.local", one_time).status_code == 302
    again = demo_app.server.test_client()
    assert sign_in(again, "viewer@demo.local", one_time).status_code == 401
    # The first sign-in still gets to choose the password.
    assert _change_password(client, NEW_PASSWORD).status_code == 302


def test_9_a_one_time_password_expires_and_a_reset_replaces_the_last(demo_app, demo_factory):
    settings = demo_app.server.config["MONITOR_SETTINGS"]
    assert settings.one_time_password_lifetime.days == 7
    first = _reset(demo_factory, "viewer@demo.local")
    second = _reset(demo_factory, "viewer@demo.local")
    assert sign_in(demo_app.server.test_client(), "viewer@demo.local", first).status_code == 401
    with unit_of_work(demo_factory) as s:
        user = s.scalars(select(User).where(User.email == "viewer@demo.local")).one()
        user.one_time_password_expires -= settings.one_time_password_lifetime  # 7 days on
    assert sign_in(demo_app.server.test_client(), "viewer@demo.local", second).status_code == 401


# Row 10: no caching of data; one charset ------------------------------------------------------

def test_10_responses_with_data_are_not_stored(demo_app, client):
    sign_in(client, PROVIDER)
    csv_response = client.get("/export/performance.csv?year=2025/26&quarter=Q3")
    assert csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"
    responses = [csv_response, client.get("/export/performance.xlsx?year=2025/26&quarter=Q3"),
                 client.get("/"), client.get("/_dash-layout"), client.get("/set-password"),
                 client.post("/_dash-update-component", json=_upload_body(_as_upload(b"x")))]
    for response in responses:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    assert client.get("/assets/monitor.css").headers.get("Cache-Control") != "no-store"


def test_10_production_sends_hsts_behind_a_tls_proxy(db_url, demo_factory):
    from dash_app.factory import create_app
    from dash_app.settings import Settings

    app = create_app(Settings(database_url=db_url, secret_key="p" * 40, env="production"))
    client = app.server.test_client()
    hsts = client.get("/login", headers={"X-Forwarded-Proto": "https"}).headers
    assert hsts["Strict-Transport-Security"].startswith("max-age=")
    dev = create_app(Settings(database_url=db_url, secret_key="p" * 40, env="development"))
    assert "Strict-Transport-Security" not in dev.server.test_client().get(
        "/login", headers={"X-Forwarded-Proto": "https"}).headers


# Row 11: hostile input answers in words, never 500 --------------------------------------------

HUGE = str(2**64)


def test_11_ids_out_of_range_are_refused_and_audited(demo_app, client, demo_factory):
    sign_in(client, PROVIDER)
    before = len(_refusals(demo_factory))
    template = client.get(f"/returns/template.xlsx?service={HUGE}&period={HUGE}")
    assert template.status_code == 403
    body = _callback(demo_app, client, "..service-body.children", {("service-pick", "value"): HUGE})
    assert "You do not have access" in json.dumps(body)
    page = _callback(demo_app, client, "..page.children",
                     {("url", "pathname"): "/returns/edit", ("url", "search"): f"?service={HUGE}&period=1"})
    assert "You do not have access" in json.dumps(page)
    refusals = _refusals(demo_factory)[before:]
    assert len(refusals) == 3
    assert all(HUGE in (r.after or "") for r in refusals)


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: x=1", "/ok\nLocation: https://evil.example",
                                    "/\\evil.example", "//evil.example/", "/%0d%0aX: 1"])
def test_11_next_with_control_characters_or_another_site_goes_home(client, target):
    from urllib.parse import quote

    token = csrf_token(client, "/login")
    response = client.post(f"/login?next={quote(target)}", data={
        "email": "viewer@demo.local", "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "\r" not in location and "\n" not in location and "evil" not in location


@pytest.mark.parametrize("contents", [{"a": 1}, ["x"], 12, True])
def test_11_upload_contents_of_the_wrong_type_get_a_message(client, contents):
    sign_in(client, PROVIDER)
    response = client.post("/_dash-update-component", json=_upload_body(contents, filename={"x": 1}))
    assert response.status_code == 200 and "could not be read" in response.get_data(as_text=True)


def test_11_malformed_xml_inside_a_workbook_gets_a_message(client):
    sign_in(client, PROVIDER)
    for data in (hostile_files.malformed_xml_workbook(),
                 hostile_files.with_parts({"xl/workbook.xml": b"<workbook><sheets><sheet"}),
                 hostile_files.with_parts({"xl/sharedStrings.xml": b"<sst><si><t>x"}),
                 hostile_files.with_parts({"xl/worksheets/sheet1.xml": (
                     b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                     b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet>&b;</worksheet>')})):
        response = client.post("/_dash-update-component", json=_upload_body(_as_upload(data)))
        assert response.status_code == 200
        assert "cannot be read" in response.get_data(as_text=True) or "can be read" in response.get_data(as_text=True)


@pytest.mark.parametrize("body", [
    {}, [1, 2], "text", {"output": 1}, {"output": "no-such.children", "inputs": []},
    {"output": upload_key(), "inputs": "x", "state": 5},
    {"output": upload_key(), "inputs": [], "state": []},
    {"output": upload_key(), "inputs": [{"id": "rv-upload"}], "state": [{}, {}, {}]},
])
def test_11_callback_payloads_of_the_wrong_shape_get_400(client, body):
    sign_in(client, PROVIDER)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 400 and "Reload it" in response.get_data(as_text=True)


def test_11_a_deeply_nested_json_body_gets_400(client):
    sign_in(client, "viewer@demo.local")
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post("/_dash-update-component", data=deep, content_type="application/json")
    assert response.status_code == 400


def test_11_a_broken_zip_directory_gets_a_message(client):
    sign_in(client, PROVIDER)
    good = hostile_files.with_parts({})
    archive = zipfile.ZipFile(io.BytesIO(good))
    assert archive.testzip() is None
    broken = good[:-30] + b"\x00" * 30
    response = client.post("/_dash-update-component", json=_upload_body(_as_upload(broken)))
    assert response.status_code == 200 and "Excel workbook" in response.get_data(as_text=True)


# Row 12: public paths match exactly -----------------------------------------------------------

@pytest.mark.parametrize("path", ["/loginXYZ", "/healthzfoo", "/login/../export/performance.csv",
                                  "/favicon.icox", "/healthz/"])
def test_12_lookalike_public_paths_need_a_sign_in(client, path):
    response = client.get(path)
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/_dash-component-suites/nosuchlib/x.js",
                                  "/_dash-component-suites/dash/nosuch.js",
                                  "/_dash-component-suites/../export/performance.csv"])
def test_12_unknown_script_files_are_404_not_500(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "Traceback" not in response.get_data(as_text=True)


def test_12_the_real_public_paths_stay_public(client):
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200

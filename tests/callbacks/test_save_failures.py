"""A save that fails always says why and keeps the figures: two first saves of a new return
at once (the form and the Excel upload), a database that cannot be reached, a session that
has ended; and an upload fills the form, so the next Save is not refused as a conflict.

Each runs on every engine the suite has (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from dash import no_update
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from callbacks.return_requests import INPUT_KINDS, SentForm
from callbacks.returns import handle_save, handle_upload
from dash_app.auth import _safe_next, snapshot
from layouts import ids
from models.returns.saving import CONFLICT_MESSAGE, save_return
from models.rules.validation import FieldKey, RawReturn
from models.store.db import is_unique_clash, is_unreachable, unit_of_work
from models.store.entities import AuditEvent, Return, ReturnValue, User
from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.databases import sqlite_file_gone
from tests.helpers.returns import OWNER, error_ids, race_first_save, save_payload, upload_body
from tests.helpers.servers import free_port
from tests.helpers.web import csrf_token, sign_in

OTHER = "riverside-boxing-academy@demo.local"
UNREACHABLE = "Your return was not saved because the database could not be reached."
SIGNED_OUT = "You have been signed out, so your return was not saved."


def form_for(w: dict, value: str = "5", version: int = 0) -> SentForm:
    counts = ([value] * len(w["metrics"]), [{"type": ids.COUNT, "metric": m} for m in w["metrics"]])
    return SentForm({"count": counts}, error_ids(w), {"service": w["service"], "period": w["period"]},
                    version, False)


def stored(factory, w: dict) -> list[tuple[int, int | None]]:
    """The (version, first count) of each stored return of w's service and period."""
    with unit_of_work(factory) as s:
        rets = s.scalars(select(Return).where(Return.service_id == w["service"],
                                              Return.period_id == w["period"])).all()
        return [(r.version, min((v.count for v in r.values if v.count is not None), default=None))
                for r in rets]


def refusals(factory) -> int:
    with unit_of_work(factory) as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "refused"))


def actor(factory, email: str):
    with unit_of_work(factory) as s:
        return snapshot(s.scalars(select(User).where(User.email == email)).one())


@pytest.fixture
def someone_else_saves_first(monkeypatch, demo_factory):
    return race_first_save(monkeypatch, demo_factory)


# 1. Two first saves of the same new return ---------------------------------------------------

def test_two_first_saves_of_a_new_return_one_saved_the_other_told(
        signed_in, demo_factory, sanctuary, someone_else_saves_first):
    w = sanctuary
    assert stored(demo_factory, w) == []
    with signed_in(OWNER):
        out = handle_save("save", form_for(w, "5"))
    assert someone_else_saves_first  # the race did happen
    assert CONFLICT_MESSAGE in str(out["summary"])
    assert out["version"] is no_update and "Draft saved" not in str(out["status"])
    # The admin's save stands whole; nothing of the owner's was written.
    assert stored(demo_factory, w) == [(1, 11)]


def _template_for_new_return(demo_app, w: dict, value: int) -> bytes:
    client = demo_app.server.test_client()
    sign_in(client, OWNER)
    body = client.get(f"/returns/template.xlsx?service={w['service']}&period={w['period']}").get_data()
    wb = load_workbook(io.BytesIO(body))
    for row in wb["Return"].iter_rows(min_row=5):
        if isinstance(row[0].value, str) and row[0].value.startswith("count-"):
            row[2].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_upload(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def test_two_first_saves_through_the_upload_one_saved_the_other_told(
        demo_app, signed_in, demo_factory, sanctuary, someone_else_saves_first):
    w = sanctuary
    data = _template_for_new_return(demo_app, w, 6)
    with signed_in(OWNER):
        out = handle_upload(as_upload(data), "return.xlsx", w, 0)
    assert someone_else_saves_first
    assert CONFLICT_MESSAGE in str(out["message"]) and out["version"] is no_update
    assert stored(demo_factory, w) == [(1, 11)]


def test_only_the_returns_own_key_is_taken_for_a_conflict(demo_factory, sanctuary):
    """Real integrity errors from the engine: a second return for the same service and
    period is the clash; a second value for the same metric of a return is not (a fault)."""
    w = sanctuary
    admin = actor(demo_factory, "admin@demo.local")
    raw = RawReturn.from_fields([(FieldKey.count(m), "3") for m in w["metrics"]])
    with unit_of_work(demo_factory) as s:
        save_return(s, admin, w["service"], w["period"], raw, 0, submit=False)
    with unit_of_work(demo_factory) as s:
        existing = s.scalars(select(Return).filter_by(service_id=w["service"], period_id=w["period"])).one()
        provider_id = existing.provider_id
    errors = {}
    for name, row in {
        "return": lambda: Return(service_id=w["service"], period_id=w["period"],
                                 provider_id=provider_id, status="draft"),
        "value": lambda: ReturnValue(return_id=existing.id, metric_id=w["metrics"][0], count=1),
    }.items():
        with pytest.raises(IntegrityError) as caught, unit_of_work(demo_factory) as s:
            s.add(row())
            s.flush()
        errors[name] = caught.value
    assert is_unique_clash(errors["return"], "return", ("service_id", "period_id"))
    assert not is_unique_clash(errors["value"], "return", ("service_id", "period_id"))
    assert not is_unique_clash(errors["return"], "return", ("service_id",))
    assert not is_unreachable(errors["return"])


# 2. The database cannot be reached -----------------------------------------------------------

def _refused_connection(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


@pytest.mark.parametrize("where", ["saving", "loading the user"])
def test_a_save_while_the_database_is_down_says_so_and_keeps_the_figures(
        monkeypatch, signed_in, demo_factory, sanctuary, where):
    import callbacks.common
    import callbacks.return_requests

    w = sanctuary
    with signed_in(OWNER):
        if where == "saving":
            monkeypatch.setattr(callbacks.return_requests, "transaction", _refused_connection)
        else:  # the session's user is read from the database first
            monkeypatch.setattr(callbacks.common, "require_user", _refused_connection)
        out = handle_save("save", form_for(w, "5"))
    status = str(out["status"])
    assert UNREACHABLE in status and "try again in a minute" in status
    assert out["summary"] is None and out["version"] is no_update
    # No input is among the outputs, so what was typed stays; the buttons stay usable.
    assert out["locked"] is False and out["errors"] == [""] * len(w["metrics"])
    assert stored(demo_factory, w) == []


def test_another_database_error_is_not_passed_off_as_an_outage(monkeypatch, signed_in, sanctuary):
    import callbacks.return_requests

    def broken(*_args, **_kwargs):
        raise IntegrityError("INSERT", {}, ValueError("CHECK constraint failed: something"))

    monkeypatch.setattr(callbacks.return_requests, "transaction", broken)
    with signed_in(OWNER), pytest.raises(IntegrityError):
        handle_save("save", form_for(sanctuary))


def _database_gone(demo_app, db_url: str, tmp_path: Path) -> Callable[[], None]:
    """Make the app's database stop answering for real; returns how to bring it back. SQLite:
    the file is moved away and a folder put in its place (no connection can open it).
    PostgreSQL: the app's engine is pointed at a port nothing listens on."""
    maker = demo_app.server.extensions["monitor.sessionmaker"]
    engine = maker.kw["bind"]
    if db_url.startswith("sqlite"):
        return sqlite_file_gone(engine, db_url, tmp_path)
    dead = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none",
                         connect_args={"connect_timeout": 2})
    maker.configure(bind=dead)

    def back() -> None:
        maker.configure(bind=engine)
        dead.dispose()
    return back


def test_a_save_over_http_while_the_database_is_stopped(demo_app, db_url, demo_factory, sanctuary, tmp_path):
    """Signed in, the page open; the database stops answering; Save is pressed: a message
    Dash can show (not a 500 or a dropped request); once it is back, the same Save works."""
    w = sanctuary
    client = demo_app.server.test_client()
    sign_in(client, OWNER)
    back = _database_gone(demo_app, db_url, tmp_path)
    try:
        response = client.post("/_dash-update-component", json=save_payload(demo_app, w, w["service"], w["period"]))
        page = client.get("/returns")
    finally:
        back()
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body[:300]
    shown = response.get_json()["response"]
    assert UNREACHABLE in json.dumps(shown[ids.RV_STATUS]) and "rv-version" not in shown
    assert page.status_code == 503 and "cannot reach its database" in page.get_data(as_text=True)
    assert stored(demo_factory, w) == []
    again = client.post("/_dash-update-component", json=save_payload(demo_app, w, w["service"], w["period"]))
    assert "Draft saved" in again.get_data(as_text=True)
    assert stored(demo_factory, w) == [(1, 7)]


# 3. The session has ended ----------------------------------------------------------------------

def test_a_save_after_the_session_ended_says_so_with_a_way_back(demo_app, demo_factory, sanctuary):
    """The idle timeout ended the session (the browser sends no session): Save answers in
    words Dash can show, with a sign-in link back to this return. Nothing is saved."""
    w = sanctuary
    client = demo_app.server.test_client()
    response = client.post("/_dash-update-component", json=save_payload(demo_app, w, w["service"], w["period"]))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    status = json.dumps(response.get_json()["response"][ids.RV_STATUS])
    assert SIGNED_OUT in status
    here = f"/returns/edit?service={w['service']}&period={w['period']}"
    assert f"/login?next={quote(here, safe='/')}" in status
    assert stored(demo_factory, w) == [] and refusals(demo_factory) == 0
    # The upload answers the same way; every other callback is still refused by the guard.
    upload = client.post("/_dash-update-component", json=upload_body(as_upload(b"PK"), context=w))
    assert upload.status_code == 200 and SIGNED_OUT in upload.get_data(as_text=True)
    router = client.post("/_dash-update-component", json={
        "output": "page.children", "outputs": {"id": "page", "property": "children"},
        "inputs": [{"id": "url", "property": "pathname", "value": "/returns"}],
        "state": [{"id": "url", "property": "search", "value": ""}], "changedPropIds": ["url.pathname"]})
    assert router.status_code == 401


def test_an_output_key_naming_the_save_does_not_open_other_callbacks(demo_app):
    """The guard reads which callback Dash will run from the body's "output"; "outputs" that
    claim to be the save's open nothing."""
    client = demo_app.server.test_client()
    crafted = {"output": "page.children", "outputs": [{"id": "rv-summary", "property": "children"}],
               "inputs": [{"id": "url", "property": "pathname", "value": "/admin"}],
               "state": [{"id": "url", "property": "search", "value": ""}], "changedPropIds": ["url.pathname"]}
    assert client.post("/_dash-update-component", json=crafted).status_code == 401
    crafted["output"] = "rv-summary.children...page.children"  # not the form Dash writes
    assert client.post("/_dash-update-component", json=crafted).status_code == 401


def test_signing_in_again_comes_back_to_the_return(demo_app, sanctuary):
    w = sanctuary
    here = f"/returns/edit?service={w['service']}&period={w['period']}"
    login = f"/login?next={quote(here, safe='/')}"
    client = demo_app.server.test_client()
    response = client.post(login, data={"email": OWNER, "password": DEMO_PASSWORD,
                                        "csrf_token": csrf_token(client, login)})
    assert response.status_code == 302 and response.headers["Location"] == here


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                    "\\\\evil.example", "evil.example", "/\tx", "javascript:alert(1)"])
def test_only_a_path_on_this_site_is_followed_after_signing_in(target):
    assert _safe_next(target) == "/"


def test_a_path_on_this_site_is_followed_after_signing_in():
    assert _safe_next("/returns/edit?service=4&period=27") == "/returns/edit?service=4&period=27"


# 4. Upload, then edit --------------------------------------------------------------------------

def _field_ids(w: dict) -> dict:
    """The form's inputs as the page draws them: here, each metric's count."""
    return {"count": [{"type": ids.COUNT, "metric": m} for m in w["metrics"]],
            "num": [], "den": [], "cat": [], "text": [{"type": ids.TEXT, "field": "highlights"}]}


def test_an_upload_fills_the_form_and_the_next_save_is_not_a_conflict(demo_app, signed_in, demo_factory,
                                                                      sanctuary):
    w = sanctuary
    data = _template_for_new_return(demo_app, w, 8)
    with signed_in(OWNER):
        out = handle_upload(as_upload(data), "Return Q3.XLSX", w, 0, _field_ids(w))
    assert "The draft was filled from your template." in str(out["message"])
    assert out["version"] == 1
    assert out["values"]["count"] == ["8"] * len(w["metrics"])
    assert out["values"]["text"] == [""] and out["values"]["num"] == []
    assert set(out) == {"message", "values", "version", "summary", "status_panel", "errors", "invalid"}
    assert set(out["values"]) == set(INPUT_KINDS)
    # The user edits one figure and saves, at the version the upload gave the page.
    with signed_in(OWNER):
        saved = handle_save("save", form_for(w, "9", version=out["version"]))
    assert "Draft saved" in str(saved["status"]) and saved["version"] == 2
    assert stored(demo_factory, w) == [(2, 9)]


@pytest.mark.parametrize("name", ["figures.txt", "figures.csv", "figures.xls", "figures", None])
def test_any_other_file_gets_a_plain_message(demo_app, signed_in, demo_factory, sanctuary, name):
    w = sanctuary
    data = _template_for_new_return(demo_app, w, 8)  # even the right contents, misnamed
    with signed_in(OWNER):
        out = handle_upload(as_upload(data), name, w, 0, _field_ids(w))
    assert ("The file must be the Excel return template (.xlsx) downloaded from this page."
            in str(out["message"]))
    assert out["version"] is no_update and all(v is no_update for v in out["values"].values())
    assert stored(demo_factory, w) == []


def test_an_upload_by_another_provider_is_refused_and_audited(demo_app, signed_in, demo_factory, sanctuary):
    w = sanctuary
    data = _template_for_new_return(demo_app, w, 8)
    before = refusals(demo_factory)
    with signed_in(OTHER):
        out = handle_upload(as_upload(data), "return.xlsx", w, 0, _field_ids(w))
    assert "You do not have access to that service." in str(out["message"])
    assert out["version"] is no_update and out["values"]["count"] is no_update
    assert refusals(demo_factory) == before + 1 and stored(demo_factory, w) == []


def test_an_upload_over_http_fills_the_pages_inputs(demo_app, demo_factory, sanctuary):
    """Through Dash itself: the inputs on the page are the callback's outputs by pattern."""
    w = sanctuary
    data = _template_for_new_return(demo_app, w, 4)
    client = demo_app.server.test_client()
    sign_in(client, OWNER)
    body = upload_body(as_upload(data), "return.xlsx", w)
    body["outputs"][1] = [{"id": {"type": ids.COUNT, "metric": m}, "property": "value"} for m in w["metrics"]]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    shown = response.get_json()["response"]
    counts = [shown[json.dumps({"metric": m, "type": ids.COUNT}, separators=(",", ":"))]["value"]
              for m in w["metrics"]]
    assert counts == ["4"] * len(w["metrics"]) and shown[ids.RV_VERSION]["data"] == 1

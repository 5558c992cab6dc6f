"""The return form's autosave (callbacks/autosave.py) called as every role, and what it says
when it cannot save: it is Save draft without the button, so it saves and refuses exactly
where Save draft does, and its version is the page's next one."""

from __future__ import annotations

import json

import pytest
from dash import no_update
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from callbacks.autosave import NOT_AUTOSAVED, NOT_VALID, handle_autosave
from callbacks.return_requests import SIGNED_OUT, SentForm
from callbacks.returns import handle_save
from layouts import ids
from models.returns.saving import CONFLICT_MESSAGE
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Return
from tests.helpers.returns import OWNER, error_ids, save_payload
from tests.helpers.web import sign_in

OTHER = "riverside-boxing-academy@demo.local"
VIEWER = "viewer@demo.local"
ADMIN = "admin@demo.local"


def form_for(w: dict, value: str = "5", version: int = 0) -> SentForm:
    counts = ([value] * len(w["metrics"]), [{"type": ids.COUNT, "metric": m} for m in w["metrics"]])
    return SentForm({"count": counts}, error_ids(w), {"service": w["service"], "period": w["period"]},
                    version, False)


def stored(factory, w: dict) -> list[tuple[int, str, list[int | None]]]:
    with unit_of_work(factory) as s:
        rets = s.scalars(select(Return).where(Return.service_id == w["service"],
                                              Return.period_id == w["period"])).all()
        return [(r.version, r.status, sorted(v.count for v in r.values)) for r in rets]


def refusals(factory) -> int:
    with unit_of_work(factory) as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "refused"))


@pytest.mark.parametrize("who", [None, OWNER, OTHER, VIEWER, ADMIN])
def test_autosave_as_every_role(signed_in, demo_factory, sanctuary, who):
    w = sanctuary
    with signed_in(who):
        out = handle_autosave(form_for(w, "5"))
    if who in (OWNER, ADMIN):
        assert out["status"].startswith("Saved at ") and out["version"] == 1
        assert out["result"] == {"outcome": "saved", "version": 1}
        assert stored(demo_factory, w) == [(1, "draft", [5] * len(w["metrics"]))]
        return
    assert out["version"] is no_update and stored(demo_factory, w) == []
    if who is None:
        assert out["status"] == NOT_AUTOSAVED[SIGNED_OUT] and out["result"] == {"outcome": "signed-out"}
        assert refusals(demo_factory) == 0
    else:
        expected = {OTHER: "You do not have access to that service.",
                    VIEWER: "You cannot change returns for that service."}[who]
        assert out["status"] == f"Not saved automatically: {expected}"
        assert out["result"] == {"outcome": "refused"}
        assert refusals(demo_factory) == 1  # audited as Save draft's refusal is


def test_figures_not_valid_as_a_draft_are_not_saved_and_it_says_so_quietly(signed_in, demo_factory, sanctuary):
    with signed_in(OWNER):
        out = handle_autosave(form_for(sanctuary, "-3"))
    assert out["status"] == NOT_VALID and out["result"] == {"outcome": "invalid"}
    assert out["version"] is no_update and stored(demo_factory, sanctuary) == []


def test_after_an_autosave_save_draft_is_no_false_conflict(signed_in, demo_factory, sanctuary):
    w = sanctuary
    with signed_in(OWNER):
        first = handle_autosave(form_for(w, "5"))
        # The page now holds the autosave's version: Save draft at it saves.
        saved = handle_save("save", form_for(w, "6", version=first["version"]))
    assert "Draft saved" in str(saved["status"]) and saved["version"] == 2
    assert stored(demo_factory, w) == [(2, "draft", [6] * len(w["metrics"]))]


def test_a_stale_autosave_is_refused_as_a_conflict_not_merged(signed_in, demo_factory, sanctuary):
    w = sanctuary
    with signed_in(ADMIN):
        handle_save("save", form_for(w, "9"))
    with signed_in(OWNER):  # the owner's page still holds version 0
        out = handle_autosave(form_for(w, "5", version=0))
    assert out["status"] == f"Not saved automatically: {CONFLICT_MESSAGE}"
    assert stored(demo_factory, w) == [(1, "draft", [9] * len(w["metrics"]))]


def test_a_submitted_return_is_never_autosaved(signed_in, demo_factory):
    with unit_of_work(demo_factory) as s:
        ret = s.scalars(select(Return).where(Return.status == "submitted").order_by(Return.id)).first()
        w = {"service": ret.service_id, "period": ret.period_id,
             "metrics": sorted(v.metric_id for v in ret.values if v.count is not None)[:1]}
        version = ret.version
    with signed_in(ADMIN):
        out = handle_autosave(form_for(w, "1", version=version))
    assert out["status"] == "Not saved automatically: This return is submitted and cannot be changed."
    with unit_of_work(demo_factory) as s:
        assert s.get(Return, ret.id).version == version


def test_a_database_that_cannot_be_reached_is_said_quietly(monkeypatch, signed_in, demo_factory, sanctuary):
    import callbacks.return_requests

    def refused(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(callbacks.return_requests, "transaction", refused)
    with signed_in(OWNER):
        out = handle_autosave(form_for(sanctuary))
    assert "the database could not be reached" in out["status"]
    assert out["result"] == {"outcome": "unreachable"} and out["version"] is no_update


def autosave_payload(app, w: dict) -> dict:
    """Save draft's HTTP body, sent to the autosave: the same states, its own outputs."""
    body = save_payload(app, w, w["service"], w["period"])
    key = next(k for k in app.callback_map if k.startswith(f"..{ids.RV_AUTOSAVE_STATUS}.children"))
    body.update(output=key, inputs=[{"id": ids.RV_AUTOSAVE_DUE, "property": "data", "value": 1}],
                changedPropIds=[f"{ids.RV_AUTOSAVE_DUE}.data"],
                outputs=[{"id": ids.RV_AUTOSAVE_STATUS, "property": "children"},
                         {"id": ids.RV_VERSION, "property": "data"},
                         {"id": ids.RV_AUTOSAVE_RESULT, "property": "data"}])
    return body


def test_over_http_signed_in_and_signed_out(demo_app, demo_factory, sanctuary):
    w = sanctuary
    client = demo_app.server.test_client()
    # Signed out: the callback says so itself (not the guard's 401, which Dash cannot show).
    anonymous = client.post("/_dash-update-component", json=autosave_payload(demo_app, w))
    assert anonymous.status_code == 200
    assert NOT_AUTOSAVED[SIGNED_OUT] in anonymous.get_data(as_text=True)
    sign_in(client, OWNER)
    response = client.post("/_dash-update-component", json=autosave_payload(demo_app, w))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    shown = response.get_json()["response"]
    assert shown[ids.RV_VERSION]["data"] == 1 and "Saved at" in json.dumps(shown[ids.RV_AUTOSAVE_STATUS])
    assert stored(demo_factory, w) == [(1, "draft", [7] * len(w["metrics"]))]

"""Return callbacks called as every role, and crafted requests through HTTP."""

import json
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from callbacks.return_requests import SentForm
from callbacks.returns import handle_review, handle_save
from callbacks.router import display_page
from layouts import ids
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Period, Return, Service
from tests.helpers.dash_calls import router_payload
from tests.helpers.returns import OWNER, error_ids, save_payload
from tests.helpers.web import sign_in

OTHER = "riverside-boxing-academy@demo.local"
ROLES = [None, OWNER, OTHER, "viewer@demo.local", "admin@demo.local"]


def form_for(w, value="5", version=0, confirmed=False):
    """The form as the browser sends it: each metric's count, and its error slot."""
    counts = ([value] * len(w["metrics"]), [{"type": ids.COUNT, "metric": m} for m in w["metrics"]])
    return SentForm({"count": counts}, error_ids(w), {"service": w["service"], "period": w["period"]},
                    version, confirmed)


def _returns(factory, w):
    with unit_of_work(factory) as s:
        return s.scalar(select(func.count()).select_from(Return).where(
            Return.service_id == w["service"], Return.period_id == w["period"]))


def _refusals(factory):
    with unit_of_work(factory) as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "refused"))


@pytest.mark.parametrize("who", ROLES)
def test_save_as_every_role(signed_in, demo_factory, sanctuary, who):
    w = sanctuary
    with signed_in(who):
        out = handle_save("save", form_for(w))
    saved = _returns(demo_factory, w) == 1
    summary = str(out["summary"])
    if who in (OWNER, "admin@demo.local"):
        assert saved and "Draft saved" in str(out["status"])
    else:
        assert not saved
        if who is None:  # beside the Save button, with a way back to this return
            status = str(out["status"])
            assert "You have been signed out, so your return was not saved." in status
            next_path = quote(f"/returns/edit?service={w['service']}&period={w['period']}", safe="/")
            assert f"/login?next={next_path}" in status and summary == "None"
        else:
            expected = {OTHER: "You do not have access to that service.",
                        "viewer@demo.local": "You cannot change returns for that service."}[who]
            assert expected in summary
        assert _refusals(demo_factory) == (0 if who is None else 1)


@pytest.mark.parametrize("who", ROLES)
def test_review_as_every_role(signed_in, demo_factory, who):
    with unit_of_work(demo_factory) as s:
        ret = s.scalars(select(Return).where(Return.status == "submitted").order_by(Return.id)).first()
        return_id, version = ret.id, ret.version
    with signed_in(who):
        message, _queue = handle_review("approve", return_id, "", version)
    with unit_of_work(demo_factory) as s:
        status = s.get(Return, return_id).status
    if who == "admin@demo.local":
        assert status == "approved" and "Approved: " in str(message)
    else:
        assert status == "submitted"
        assert ("You have been signed out" if who is None else "Only the lead officer") in str(message)


@pytest.mark.parametrize("who", ROLES[1:])
def test_opening_a_return_as_every_role(signed_in, sanctuary, who):
    w = sanctuary
    with signed_in(who):
        tree = display_page("/returns/edit", f"?service={w['service']}&period={w['period']}")
    page = str(tree)
    if who == OTHER:
        assert "You do not have access to that service." in page and "rv-save" not in page
    else:
        assert "Sanctuary scheme" in page and "rv-save" in page
        # Only the owner and admin may save. Q3 2026/27 has not ended on the suite's date
        # (25 November 2026), so no one may submit, and those who may save are told when.
        may_save = who != "viewer@demo.local"
        assert _component(tree, ids.RV_SAVE).disabled is not may_save
        assert _component(tree, ids.RV_SUBMIT).disabled is True
        assert (_component(tree, ids.RV_SUBMIT_NOT_YET) is not None) == may_save
        if may_save:
            assert _component(tree, ids.RV_SUBMIT_NOT_YET).children == (
                "You can submit this return from 1 January 2027, the day after the quarter "
                "ends. You can save it as a draft now.")


def _component(tree, component_id):
    """The component with this id in a layout, or None."""
    if getattr(tree, "id", None) == component_id:
        return tree
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = _component(child, component_id)
            if found is not None:
                return found
    return None


def test_stale_save_is_refused(signed_in, demo_factory, sanctuary):
    w = sanctuary
    with signed_in(OWNER):
        first = handle_save("save", form_for(w, "5"))
        second = handle_save("save", form_for(w, "9"))
    assert first["version"] == 1
    assert "Someone else changed this return" in str(second["summary"])


MALFORMED = {
    "a count's id with a text id": ({"type": ids.COUNT, "metric": "1-2"}, None),
    "a count's id with a boolean": ({"type": ids.COUNT, "metric": True}, None),
    "a count's id beyond any record": ({"type": ids.COUNT, "metric": 2**40}, None),
    "a count's id of another kind": ({"type": ids.CAT, "metric": 1, "category": 2}, None),
    "an id that is not an object": ("count-1", None),
    "an error slot for no field": (None, {"type": ids.FIELD_ERROR, "field": "count-"}),
    "an error slot with a path": (None, {"type": ids.FIELD_ERROR, "field": "../"}),
    "an error slot with three ids": (None, {"type": ids.FIELD_ERROR, "field": "count-1-2-3"}),
    "an error slot with a long id": (None, {"type": ids.FIELD_ERROR, "field": "count-" + "9" * 400}),
    "an error slot without a field": (None, {"type": ids.FIELD_ERROR}),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_field_id_is_refused_with_a_message(signed_in, demo_factory, sanctuary, case):
    w = sanctuary
    bad_input, bad_slot = MALFORMED[case]
    sent = form_for(w)
    values, input_ids = sent.inputs["count"]
    if bad_input is not None:
        input_ids = [bad_input, *input_ids[1:]]
    slots = [bad_slot, *sent.error_slots[1:]] if bad_slot is not None else sent.error_slots
    with signed_in(OWNER):
        out = handle_save("save", SentForm({"count": (values, input_ids)}, slots, sent.context, 0, False))
    assert "This page is out of date. Reload it and try again." in str(out["summary"])
    # The outputs still match the page, so Dash can show the message.
    assert out["errors"] == [""] * len(slots) and out["invalid"]["count"] == [False] * len(values)
    assert _returns(demo_factory, w) == 0 and _refusals(demo_factory) == 0


def test_inputs_and_values_that_do_not_pair_up_are_refused_with_a_message(signed_in, demo_factory, sanctuary):
    w = sanctuary
    sent = form_for(w)
    values, input_ids = sent.inputs["count"]
    with signed_in(OWNER):
        short = handle_save("save", SentForm({"count": (values[1:], input_ids)}, sent.error_slots, sent.context))
        not_text = handle_save("save", SentForm({"count": ([7] * len(values), input_ids)}, sent.error_slots,
                                                sent.context))
        not_lists = handle_save("save", SentForm({"count": ("5", {"a": 1})}, {"b": 2}, sent.context))
    for out in (short, not_text, not_lists):
        assert "This page is out of date" in str(out["summary"])
    assert _returns(demo_factory, w) == 0


def test_a_crafted_http_request_with_a_malformed_field_id_gets_a_message_not_a_500(
        demo_app, demo_factory, sanctuary):
    w = sanctuary
    client = demo_app.server.test_client()
    sign_in(client, OWNER)
    payload = save_payload(demo_app, w, w["service"], w["period"])
    slots = payload["state"][10]
    slots[0]["id"] = slots[0]["value"] = {"type": ids.FIELD_ERROR, "field": "../../count-1"}
    payload["outputs"][1][0]["id"] = slots[0]["id"]
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "This page is out of date" in response.get_data(as_text=True)
    assert _returns(demo_factory, w) == 0


def test_crafted_http_requests_naming_another_providers_return_are_refused(
        demo_app, demo_factory, sanctuary):
    w = sanctuary
    client = demo_app.server.test_client()
    sign_in(client, OTHER)
    dependencies = client.get("/_dash-dependencies").get_json()
    opened = client.post("/_dash-update-component", json=router_payload(
        dependencies, "/returns/edit", f"?service={w['service']}&period={w['period']}"))
    assert opened.status_code == 200
    assert "You do not have access to that service." in opened.get_data(as_text=True)
    saved = client.post("/_dash-update-component",
                        json=save_payload(demo_app, w, w["service"], w["period"]))
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200, body
    assert "You do not have access to that service." in body
    assert _returns(demo_factory, w) == 0
    assert _refusals(demo_factory) == 2
    # The same crafted request from the owner goes through: the refusal was about the user.
    owner = demo_app.server.test_client()
    sign_in(owner, OWNER)
    ok = owner.post("/_dash-update-component", json=save_payload(demo_app, w, w["service"], w["period"]))
    assert "Draft saved" in json.dumps(ok.get_json())
    assert _returns(demo_factory, w) == 1


def test_closed_period_is_read_only_until_an_admin_reopens_it(signed_in, demo_factory):
    from callbacks.returns import handle_reopen

    with unit_of_work(demo_factory) as s:
        ret = s.scalars(select(Return).join(Period).where(
            Period.status == "closed", Return.status == "approved",
            Return.service_id == select(Service.id).where(
                Service.name == "Sanctuary scheme").scalar_subquery())).first()
        w = {"service": ret.service_id, "period": ret.period_id,
             "metrics": [v.metric_id for v in ret.values]}
        version = ret.version
    context = {"service": w["service"], "period": w["period"]}
    with signed_in(OWNER):
        refused = handle_save("save", form_for(w, "3", version))
    assert "approved and cannot be changed" in str(refused["summary"])
    with signed_in(OWNER):
        assert "Only the lead officer" in str(handle_reopen("Figures were wrong", context, version)["message"])
    with signed_in("admin@demo.local"):
        assert "Enter a comment" in str(handle_reopen("", context, version)["message"])
        assert "reopened" in str(handle_reopen("Figures were wrong", context, version)["message"])
    with signed_in(OWNER):
        page = str(display_page("/returns/edit", f"?service={w['service']}&period={w['period']}"))
        assert "Figures were wrong" in page
        saved = handle_save("save", form_for(w, "3", version + 1))
    assert "Draft saved" in str(saved["status"])
    with unit_of_work(demo_factory) as s:
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["refused", "reopen", "save"]


def test_the_forms_browser_functions_come_from_assets_not_inline_scripts(demo_app):
    client = demo_app.server.test_client()
    sign_in(client, OWNER)
    page = client.get("/returns").get_data(as_text=True)
    assert "/assets/returns.js" in page
    # No clientside code written into the page, so the CSP's script hashes cover Dash alone.
    assert "dash_clientside" not in page
    script = client.get("/assets/returns.js")
    assert script.status_code == 200
    for name in ("focusResult", "markErrors", "pageTitle", "livePercentage", "liveBreakdownSum"):
        assert name.encode() in script.data

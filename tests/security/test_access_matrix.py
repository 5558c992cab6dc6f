"""The access matrix, generated from the app's own callback map: every server callback is
called through real HTTP as anonymous, provider A, provider B, viewer and admin. A callback
with no decision below fails the test, so a new one cannot slip in unexamined."""

from __future__ import annotations

import json

import pytest
from dash._utils import split_callback_id

from tests.callbacks.test_routes import sign_in

# Each server callback (by the start of its output key) and who may get data from it.
#   signed-in: any signed-in user; the callback scopes what it returns (providers see theirs).
#   admin: only the admin; others get the refusal sentence.
#   admin-read: only the admin; others get empty fields (no data, no error).
DECISIONS = {
    "page.children": "signed-in",
    "..overview-heading.children": "signed-in",
    "..rv-summary.children": "signed-in",
    "..rq-message.children": "admin",
    "rv-status.children@": "admin",
    "rv-upload-result.children": "signed-in",
    "..service-body.children": "signed-in",
    "..priority-body.children": "signed-in",
    "..submissions-body.children": "signed-in",
    "..perf-heading.children": "signed-in",
    "..adm-prov-name.value": "admin-read",
    "..adm-prov-msg.children": "admin",
    "..adm-svc-name.value": "admin-read",
    "..adm-svc-msg.children": "admin",
    "..adm-met-list.children": "admin",
    "..adm-met-name.value": "admin-read",
    "..adm-met-msg.children": "admin",
    "..adm-tgt-grid.rowData": "admin",
    "..adm-per-status.value": "admin-read",
    "..adm-per-msg.children": "admin",
    "..adm-usr-msg.children...": "admin",
    "..adm-usr-edit-role.value": "admin-read",
    "..adm-usr-msg.children@": "admin",
    "..adm-rag-msg.children": "admin",
    "adm-aud-list.children": "admin",
}
# Values that point at real records, so an allowed call returns real data.
SAMPLES = {
    "value": "1", "n_clicks": 1, "data": {"service": 1, "period": 1},
    "contents": None, "filename": None, "rowData": [],
}
SPECIFIC = {
    ("overview-year", "value"): "2025/26", ("overview-quarter", "value"): "Q3",
    ("service-year", "value"): "2025/26", ("priority-year", "value"): "2025/26",
    ("priority-quarter", "value"): "Q3", ("submissions-year", "value"): "2025/26",
    ("perf-year", "value"): "2025/26", ("perf-quarter", "value"): "Q3",
    ("adm-tgt-year", "value"): "2025/26", ("url", "pathname"): "/admin",
    ("rv-reopen-reason", "value"): "crafted", ("adm-rag-green", "value"): "50",
    ("adm-rag-amber", "value"): "10", ("adm-prov-name", "value"): "Crafted Provider",
    ("adm-per-year", "value"): "2031/32", ("rq-comment", "value"): "x", ("rq-version", "data"): 1,
    ("rv-version", "data"): 0, ("rv-confirm", "value"): False,
}
REFUSALS = ("Only the lead officer", "You do not have access", "You cannot change")
ROLES = {"anonymous": None, "provider A": "safer-futures-support@demo.local",
         "provider B": "riverside-boxing-academy@demo.local", "viewer": "viewer@demo.local",
         "admin": "admin@demo.local"}


def decision_for(key: str) -> str:
    matches = [policy for prefix, policy in DECISIONS.items() if key.startswith(prefix)]
    assert len(matches) == 1, f"callback {key[:80]} needs exactly one access decision"
    return matches[0]


def _concrete(pattern: dict) -> dict:
    """A crafted id for a pattern: record 1 (someone's, not necessarily the caller's); a
    field named as the page names it (a narrative field's input, or metric 1's error slot),
    so the request reaches the access decision rather than being refused as malformed."""
    field = "highlights" if pattern.get("type") == "rv-text" else "count-1"
    return {k: ((field if k == "field" else 1) if v == ["ALL"] else v) for k, v in pattern.items()}


def _item(spec: dict) -> dict | list:
    component, prop = spec["id"], spec["property"]
    if component.startswith("{"):
        concrete = _concrete(json.loads(component))
        value = concrete if prop == "id" else SPECIFIC.get((concrete["type"], prop), SAMPLES.get(prop))
        return [{"id": concrete, "property": prop, "value": value}]
    value = SPECIFIC.get((component, prop), SAMPLES.get(prop))
    return {"id": component, "property": prop, "value": value}


def payload(key: str, entry: dict) -> dict:
    outputs = split_callback_id(key)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    shaped = [[{"id": _concrete(json.loads(o["id"])), "property": o["property"]}]
              if o["id"].startswith("{") else {"id": o["id"], "property": o["property"].split("@")[0]}
              for o in outputs]
    inputs = [_item(i) for i in entry["inputs"]]
    first = inputs[0] if isinstance(inputs[0], dict) else inputs[0][0]
    first_id = json.dumps(first["id"], sort_keys=True, separators=(",", ":")) if isinstance(
        first["id"], dict) else first["id"]
    return {"output": key, "outputs": shaped if len(shaped) > 1 else shaped[0],
            "inputs": inputs, "state": [_item(s) for s in entry["state"]],
            "changedPropIds": [f"{first_id}.{first['property']}"]}


def server_callbacks(app) -> dict:
    return {k: v for k, v in app.callback_map.items() if v.get("callback") is not None}


def test_every_callback_has_a_decision(demo_app):
    keys = list(server_callbacks(demo_app))
    assert len(keys) >= 25
    for key in keys:
        decision_for(key)
    # And every decision still matches a callback (no stale entries).
    for prefix in DECISIONS:
        assert any(k.startswith(prefix) for k in keys), prefix


@pytest.mark.parametrize("role", list(ROLES))
def test_access_matrix(demo_app, role):
    client = demo_app.server.test_client()
    if ROLES[role]:
        sign_in(client, ROLES[role])
    checked = 0
    for key, entry in server_callbacks(demo_app).items():
        decision = decision_for(key)
        response = client.post("/_dash-update-component", json=payload(key, entry))
        body = response.get_data(as_text=True)
        if role == "anonymous":
            assert response.status_code == 401, key
            continue
        assert response.status_code in (200, 204), (key, response.status_code, body[:300])
        refused = any(words in body for words in REFUSALS)
        if decision == "admin":
            assert refused == (role != "admin"), (role, key[:60], body[:300])
        elif decision == "admin-read" and role != "admin":
            assert "(demo)" not in body and "@demo.local" not in body, (role, key[:60])
        checked += 1
    assert checked == (0 if role == "anonymous" else len(server_callbacks(demo_app)))


def test_matrix_size(demo_app):
    """For the record: callbacks × roles checked by the matrix above."""
    n = len(server_callbacks(demo_app))
    print(json.dumps({"callbacks": n, "roles": len(ROLES), "checks": n * len(ROLES)}))
    assert n * len(ROLES) >= 125

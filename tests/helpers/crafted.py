"""Crafted callback requests: any server callback of the app called over HTTP with values
that point at real records, as an attacker who read the page's /_dash-dependencies would."""

from __future__ import annotations

import json

from tests.helpers.dash_calls import callback_outputs

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
    ("returns-view", "data"): {"sort": "due", "page": 1},
    ("perf-view", "data"): {"sort": "quarter-actual", "page": 1, "size": 25},
    ("perf-find", "value"): "", ("perf-rag", "value"): "all", ("perf-priority", "value"): "all",
    ("perf-page-size", "value"): "25",
}


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
    """The HTTP body calling the callback `key` (`entry` is its callback_map entry) with
    values that point at real records, someone's if not the caller's."""
    shaped = [[{"id": _concrete(json.loads(o["id"])), "property": o["property"]}]
              if o["id"].startswith("{") else {"id": o["id"], "property": o["property"].split("@")[0]}
              for o in callback_outputs(key)]
    inputs = [_item(i) for i in entry["inputs"]]
    first = inputs[0] if isinstance(inputs[0], dict) else inputs[0][0]
    first_id = json.dumps(first["id"], sort_keys=True, separators=(",", ":")) if isinstance(
        first["id"], dict) else first["id"]
    return {"output": key, "outputs": shaped if len(shaped) > 1 else shaped[0],
            "inputs": inputs, "state": [_item(s) for s in entry["state"]],
            "changedPropIds": [f"{first_id}.{first['property']}"]}


def server_callbacks(app) -> dict:
    """The app's callbacks that run on the server (not clientside), by key."""
    return {k: v for k, v in app.callback_map.items() if v.get("callback") is not None}


def call_callback(client, callbacks: dict, prefix: str, inputs: list, state: list | None = None,
                  changed: list[str] | None = None):
    """POST a callback (found by the start of its output key) with these values, in order, as
    `changed` triggered it (Dash's changedPropIds); never a 500 or a traceback."""
    [(key, entry)] = [(k, v) for k, v in callbacks.items() if k.startswith(prefix)]
    body = payload(key, entry)
    for item, value in zip(body["inputs"], inputs, strict=True):
        if isinstance(item, list):
            item[0]["value"] = value
        else:
            item["value"] = value
    for item, value in zip(body["state"], state or [], strict=True):
        item["value"] = value
    if changed is not None:
        body["changedPropIds"] = changed
    response = client.post("/_dash-update-component", json=body)
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 204), text[:300]
    assert "Traceback" not in text
    return response

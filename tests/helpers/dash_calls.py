"""Dash callback requests built from the app's own /_dash-dependencies, as a browser sends them.
Shared by the tests and the benchmarks (which import it from here)."""

from __future__ import annotations

import json
import re
from typing import Any


def callback_outputs(key: str) -> list[dict]:
    """The {"id", "property"} of each output named in a callback's key, as Dash writes it:
    "a.children" for one output, "..a.children...b.value.." for several."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in parts]


def find(dependencies: list[dict], output_prefix: str) -> dict:
    for entry in dependencies:
        if entry["output"].startswith(output_prefix):
            return entry
    raise LookupError(output_prefix)


def payload(entry: dict, values: dict[str, Any]) -> dict:
    """The POST body for one callback; `values` maps "component.property" to its value."""
    shaped = [{"id": o["id"], "property": o["property"].split("@")[0]}
              for o in callback_outputs(entry["output"])]

    def item(spec: dict) -> dict:
        key = f"{spec['id']}.{spec['property']}"
        return {"id": spec["id"], "property": spec["property"], "value": values.get(key)}

    inputs = [item(i) for i in entry["inputs"]]
    return {"output": entry["output"], "outputs": shaped if len(shaped) > 1 else shaped[0],
            "inputs": inputs, "state": [item(s) for s in entry["state"]],
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}


def overview_payload(dependencies: list[dict], year: str, quarter: int,
                     provider: int | None = None) -> dict:
    entry = find(dependencies, "..overview-heading.children")
    return payload(entry, {"overview-year.value": year, "overview-quarter.value": f"Q{quarter}",
                           "overview-provider.value": None if provider is None else str(provider),
                           "overview-provisional.value": []})


def router_payload(dependencies: list[dict], path: str = "/", search: str = "") -> dict:
    entry = find(dependencies, "..page.children")
    return payload(entry, {"url.pathname": path, "url.search": search})


def page_csrf_token(page: str) -> str:
    """The CSRF token of the form on a page (the sign-in form's, to sign in as a browser does)."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def encode(body: dict) -> bytes:
    return json.dumps(body).encode()

"""The read-only API (issue 21) through real HTTP, gunicorn in front: every answer validates
against the app's own OpenAPI document; each role and two providers see exactly what they see
in the app; an unknown, revoked or expired token gets 401; a session cookie is neither needed
nor accepted, and none is set."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import requests
from jsonschema import Draft7Validator
from sqlalchemy import select

from models.store.api_tokens import create_token, revoke_token
from models.store.db import unit_of_work
from models.store.entities import ApiToken
from models.store.users import find_user
from tests.helpers.servers import signed_in_session, start_gunicorn, stop

ROLES = {"admin": "admin@demo.local", "viewer": "viewer@demo.local",
         "provider A": "safer-futures-support@demo.local",
         "provider B": "riverside-boxing-academy@demo.local"}
CALLS = ["/api/v1/catalogue", "/api/v1/performance?year=2025/26&quarter=Q3",
         "/api/v1/performance?year=2025/26&quarter=year&publish=1&page_size=7&page=2",
         "/api/v1/returns?year=2025/26", "/api/v1/returns?status=approved&page_size=5"]


@pytest.fixture
def api(demo_factory, db_url, tmp_path):
    """gunicorn on the demo partnership, and a token for each role (plus a revoked and an
    expired one for the viewer)."""
    tokens = {}
    with unit_of_work(demo_factory) as s:
        for role, email in ROLES.items():
            tokens[role] = create_token(s, find_user(s, email), "Tests", 7)
        viewer = find_user(s, ROLES["viewer"])
        tokens["revoked"] = create_token(s, viewer, "Revoked", 7)
        tokens["expired"] = create_token(s, viewer, "Expired", 7)
    with unit_of_work(demo_factory) as s:
        revoke_token(s, find_user(s, ROLES["viewer"]), name="Revoked")
        s.scalars(select(ApiToken).filter_by(name="Expired")).one().expires_at = (
            dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1))
    url, proc = start_gunicorn(db_url, tmp_path / "gunicorn.log", workers=2, threads=2)
    try:
        yield url, tokens
    finally:
        stop(proc)


def get(url: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(url + path, headers=headers, timeout=30, **kwargs)


def _json_schema(node: object) -> object:
    """OpenAPI 3.0's `nullable` as JSON Schema says it (a type that may also be null)."""
    if isinstance(node, dict):
        out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
        if node.get("nullable"):
            if "type" in out:
                out["type"] = [out["type"], "null"]
            else:
                out = {"anyOf": [out, {"type": "null"}]}
        return out
    if isinstance(node, list):
        return [_json_schema(v) for v in node]
    return node


def validator_for(document: dict, path: str) -> Draft7Validator:
    """The validator of `path`'s 200 answer, from the OpenAPI document the app serves."""
    route = path.split("?")[0]
    schema = document["paths"][route]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    root = {**_json_schema(copy.deepcopy(schema)),
            "components": _json_schema(copy.deepcopy(document["components"]))}
    return Draft7Validator(root)


def every_answer_matches_the_document_and_each_role_sees_its_own(api):
    url, tokens = api
    document = get(url, "/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.") and set(document["paths"]) >= {
        "/api/v1/catalogue", "/api/v1/performance", "/api/v1/series", "/api/v1/returns"}
    seen: dict[str, set[str]] = {}
    for role in ROLES:
        for path in CALLS:
            answer = get(url, path, tokens[role])
            assert answer.status_code == 200, (role, path, answer.text[:300])
            assert "Set-Cookie" not in answer.headers
            errors = list(validator_for(document, path).iter_errors(answer.json()))
            assert errors == [], (role, path, [e.message for e in errors[:3]])
        services = {s["name"] for s in get(url, CALLS[0], tokens[role]).json()["services"]}
        table = get(url, CALLS[1], tokens[role]).json()
        assert {row["service"] for row in table["items"]} <= services
        seen[role] = services
    # The check can fail: an answer missing a field, or with a figure where text belongs.
    table = get(url, CALLS[1], tokens["admin"]).json()
    del table["items"][0]["service"]
    table["items"][1]["rag"] = 3
    assert len(list(validator_for(document, CALLS[1]).iter_errors(table))) == 2
    # A provider user sees its own services only; the two providers none of each other's.
    assert seen["admin"] == seen["viewer"] and len(seen["admin"]) == 8
    assert seen["provider A"] and seen["provider B"] and not seen["provider A"] & seen["provider B"]
    assert seen["provider A"] | seen["provider B"] < seen["admin"]
    # One of provider A's measures as a series; provider B is refused it, in words.
    catalogue = get(url, CALLS[0], tokens["provider A"]).json()
    service = catalogue["services"][0]
    path = f"/api/v1/series?service={service['id']}&metric={service['metrics'][0]['id']}"
    answer = get(url, path, tokens["provider A"])
    assert answer.status_code == 200
    assert list(validator_for(document, path).iter_errors(answer.json())) == []
    assert len(answer.json()["points"]) >= 20
    refused = get(url, path, tokens["provider B"])
    assert refused.status_code == 403 and "do not have access" in refused.json()["message"]


def pages_questions_and_the_docs_page(api):
    url, tokens = api
    first = get(url, "/api/v1/returns?page_size=40", tokens["admin"]).json()
    rows, answer = list(first["items"]), first
    while answer["next"]:
        answer = get(url, answer["next"], tokens["admin"]).json()
        rows += answer["items"]
    assert len(rows) == first["total"] and len({r["id"] for r in rows}) == len(rows)
    # Bad questions, answered in words.
    answer = get(url, "/api/v1/performance?year=2025", tokens["viewer"])
    assert answer.status_code == 400 and "write it like 2024/25" in answer.json()["message"]
    # Past the calendar (9999/00's due dates fall in the year 10000): a 400 in words, not a
    # background job that fails and answers 500 (n20 attack).
    answer = get(url, "/api/v1/performance?year=9999/00", tokens["provider A"])
    assert answer.status_code == 400 and "financial year" in answer.json()["message"]
    answer = get(url, "/api/v1/returns?status=lost", tokens["viewer"])
    assert answer.status_code == 422 and "Must be one of" in answer.text
    assert get(url, "/api/v1/performance?year=2025/26&page_size=999999", tokens["viewer"]).status_code == 422
    # The docs page, from this app: nothing from the internet.
    page = get(url, "/api/v1/docs")
    assert page.status_code == 200
    assert "/assets/vendor/swagger-ui/swagger-ui-bundle.js" in page.text and "https://" not in page.text
    assert get(url, "/assets/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def only_a_live_token_opens_the_api(api):
    url, tokens = api
    browser = signed_in_session(url, ROLES["admin"])  # a signed-in browser session, no token
    assert browser.get(url + "/", timeout=30).status_code == 200
    answers = {
        "nobody": get(url, "/api/v1/catalogue", "cwp_" + "x" * 43),
        "revoked": get(url, "/api/v1/catalogue", tokens["revoked"]),
        "expired": get(url, "/api/v1/catalogue", tokens["expired"]),
        "no token": get(url, "/api/v1/catalogue"),
        "a session cookie": browser.get(url + "/api/v1/catalogue", timeout=30),
    }
    for who, answer in answers.items():
        assert answer.status_code == 401, who
        assert answer.headers["WWW-Authenticate"].startswith("Bearer"), who
        assert "Domestic" not in answer.text, who
    assert get(url, "/api/v1/catalogue", tokens["viewer"]).status_code == 200


def test_the_api_through_gunicorn(api):
    """One server for the three checks above (starting gunicorn is most of their time)."""
    every_answer_matches_the_document_and_each_role_sees_its_own(api)
    pages_questions_and_the_docs_page(api)
    only_a_live_token_opens_the_api(api)


def test_each_token_is_rate_limited_on_its_own(demo_factory, db_url):
    """API_RATE_LIMIT counts per token: one token past it gets 429 in words, another token
    (another tool) is not held back by it."""
    from dash_app.factory import create_app
    from tests.helpers.config import settings_for

    with unit_of_work(demo_factory) as s:
        first = create_token(s, find_user(s, ROLES["viewer"]), "First", 7)
        second = create_token(s, find_user(s, ROLES["viewer"]), "Second", 7)
    client = create_app(settings_for(db_url, api_rate_limit="2 per minute")).server.test_client()

    def ask(token: str):
        return client.get("/api/v1/catalogue", headers={"Authorization": f"Bearer {token}"})
    assert [ask(first).status_code for _ in range(2)] == [200, 200]
    refused = ask(first)
    assert refused.status_code == 429 and "Too many requests with this token" in refused.get_json()["message"]
    assert ask(second).status_code == 200

"""The access matrix, generated from the app's own callback map: every server callback is
called through real HTTP as anonymous, provider A, provider B, viewer and admin. A callback
with no decision below fails the test, so a new one cannot slip in unexamined."""

from __future__ import annotations

import pytest

from tests.helpers.crafted import payload, server_callbacks
from tests.helpers.web import sign_in

# Each server callback (by the start of its output key) and who may get data from it.
#   signed-in: any signed-in user; the callback scopes what it returns (providers see theirs).
#   admin: only the admin; others get the refusal sentence.
#   admin-read: only the admin; others get empty fields (no data, no error).
DECISIONS = {
    "..page.children...view.data": "signed-in",
    "..overview-heading.children": "signed-in",
    "..rv-summary.children": "signed-in",
    "..rv-autosave-status.children": "signed-in",  # Save draft's guard: refusals in words
    '..{"return":["ALL"],"type":"rq-result"}.children': "admin",
    "..rq-list.children": "admin",  # the review queue: its filters and pages
    "..rv-status.children@": "admin",
    "..rv-upload-result.children": "signed-in",
    "..service-body.children": "signed-in",
    "service-trends.children": "signed-in",  # "Over the years": refuses another's service
    "..progress-body.children": "signed-in",  # strategy progress: the user's own services
    "..priority-body.children": "signed-in",
    "..attention-body.children": "signed-in",  # What needs attention: the user's own services, a page at a time
    "..submissions-body.children": "signed-in",
    "..remind-plan.children": "admin",  # "Send reminders now" (issue 18)
    # The performance table's pages, sorts, search and filters (the user's own rows; the URL);
    # a national one worked out in the background.
    "..perf-heading.children": "signed-in",
    # The Performance page's downloads, as background jobs: the job builds the file as the
    # user its session cookie names (tests/callbacks/test_download_jobs.py); Dash's own cancel
    # callback ends only jobs whose handles it signed for the same page load.
    "..perf-download.data": "signed-in",
    "perf-job-cancel.id": "signed-in",
    # The returns table's pages, sorts and filters (scoped to the user's own rows; the URL).
    "..returns-body.children": "signed-in",
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
    "adm-rem-msg.children": "admin",  # the reminder schedule (issue 18)
    "adm-aud-list.children": "admin",
    "..adm-chg-msg.children": "admin",  # marking and removing a change in a service (issue 19)
    "adm-mail-text.children": "admin",  # reading an outbox message (issue 18)
    # Importing returns from a file (issue 21): the check, then the import as checked.
    "..adm-imp-preview.children": "admin",
    # The import itself is a background job: the request that starts it returns a job handle
    # to anyone; the job runs as the user its session cookie names and refuses all but the
    # lead officer, audited (tests/callbacks/test_admin_import.py). Cancel, as the downloads'.
    "..adm-imp-result.children": "signed-in",
    "adm-imp-cancel.id": "signed-in",
    "account-msg.children": "signed-in",  # Your account: the user's own reminder choice
    # Your account's API tokens (issue 21): a user's own only (a token id from the browser
    # that is not theirs is refused: tests/callbacks/test_api_token_callbacks.py).
    "..token-msg.children": "signed-in",
}
# Callbacks that answer a signed-out user themselves, with a sign-in link (the rest get the
# sign-in guard's 401).
ANSWERS_SIGNED_OUT = ("..rv-summary.children", "..rv-upload-result.children",
                      "..rv-autosave-status.children")
REFUSALS = ("Only the lead officer", "You do not have access", "You cannot change")
ROLES = {"anonymous": None, "provider A": "safer-futures-support@demo.local",
         "provider B": "riverside-boxing-academy@demo.local", "viewer": "viewer@demo.local",
         "admin": "admin@demo.local"}


def decision_for(key: str) -> str:
    matches = [policy for prefix, policy in DECISIONS.items() if key.startswith(prefix)]
    assert len(matches) == 1, f"callback {key[:80]} needs exactly one access decision"
    return matches[0]


def test_every_callback_has_a_decision(demo_app):
    # Dash adds a background job's cancel callback as it serves its first request.
    demo_app.server.test_client().get("/healthz")
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
    client.get("/healthz")  # Dash adds a job's cancel callback as it serves its first request
    if ROLES[role]:
        sign_in(client, ROLES[role])
    checked = 0
    for key, entry in server_callbacks(demo_app).items():
        decision = decision_for(key)
        response = client.post("/_dash-update-component", json=payload(key, entry))
        body = response.get_data(as_text=True)
        if role == "anonymous":
            if key.startswith(ANSWERS_SIGNED_OUT):
                # Past the guard, refused by the callback in words Dash can show; no data.
                assert response.status_code in (200, 204), (key[:60], body[:300])
                said = "You have been signed out" in body
                assert said or response.status_code == 204 or response.get_json()["response"] == {}, body[:300]
                assert "(demo)" not in body and "@demo.local" not in body
            else:
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



# Flask routes beside Dash that answer data, and who may get it with a browser's session
# (the API takes tokens only: tests/security/test_api.py checks each role's token there).
ROUTE_DECISIONS = {
    "/api/v1/catalogue": "token", "/api/v1/performance": "token", "/api/v1/series": "token",
    "/api/v1/returns": "token",
    "/admin/import/template.csv": "admin", "/admin/import/history.csv": "admin",
}
ROUTE_QUERIES = {"/api/v1/performance": "?year=2025/26", "/api/v1/series": "?service=1&metric=1"}


def test_every_data_route_has_a_decision(demo_app):
    rules = {r.rule for r in demo_app.server.url_map.iter_rules()
             if r.rule.startswith(("/api/v1/", "/admin/import/"))}
    public = {"/api/v1/openapi.json", "/api/v1/docs"}  # the API's own description: no data
    assert rules - public == set(ROUTE_DECISIONS)


@pytest.mark.parametrize("role", list(ROLES))
def test_data_routes_by_role(demo_app, role):
    client = demo_app.server.test_client()
    if ROLES[role]:
        sign_in(client, ROLES[role])
    for path, decision in ROUTE_DECISIONS.items():
        answer = client.get(path + ROUTE_QUERIES.get(path, ""))
        body = answer.get_data(as_text=True)
        if decision == "token" or role != "admin":
            # No token: 401 for the API, whoever's session comes with it; the lead officer's
            # files: a sign-in redirect or a refusal for anyone else.
            assert answer.status_code == (401 if decision == "token" else 302 if role == "anonymous" else 403), (
                role, path, answer.status_code)
            assert "(demo)" not in body and "Sanctuary" not in body, (role, path)
        else:
            assert answer.status_code == 200, (role, path)

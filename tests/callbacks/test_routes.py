"""Flask routes through the test client: the sign-in guard, sign-in itself, exports, health."""

import csv
import io
import re

import pytest

from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.web import sign_in, sign_out


@pytest.fixture
def client(demo_app):
    return demo_app.server.test_client()


@pytest.mark.parametrize("path", ["/", "/overview", "/anything"])
def test_anonymous_pages_redirect_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/_dash-update-component"), ("GET", "/_dash-layout"),
     ("GET", "/_dash-dependencies"), ("GET", "/export/performance.csv?year=2021/22")],
)
def test_anonymous_data_requests_are_refused(client, method, path):
    response = client.open(path, method=method, json={"output": "x", "inputs": []})
    assert response.status_code == 401


def test_public_paths_stay_open(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "reachable"}
    assert client.get("/login").status_code == 200
    assert client.get("/assets/monitor.css").status_code == 200
    assert client.get("/assets/vendor/bootstrap.min.css").status_code == 200


def test_sign_in_needs_the_csrf_token(client):
    response = client.post("/login", data={"email": "admin@demo.local", "password": DEMO_PASSWORD})
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    wrong = sign_in(client, "admin@demo.local", "not-the-password").get_data(as_text=True)
    unknown = sign_in(client, "nobody@demo.local").get_data(as_text=True)
    message = "The email address or password is not right"
    assert message in wrong and message in unknown
    assert "There is a problem" in wrong


def test_sign_in_then_out(client):
    response = sign_in(client, "viewer@demo.local")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/_dash-layout").status_code != 401
    sign_out(client)
    assert client.get("/").status_code == 302


def test_sign_in_never_redirects_off_site(client):
    page = client.get("/login?next=https://evil.example/").get_data(as_text=True)
    token = re.search(r'value="([^"]+)"', page).group(1)
    response = client.post("/login?next=https://evil.example/", data={
        "email": "viewer@demo.local", "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def _csv_services(response) -> set[str]:
    text = response.get_data().decode("utf-8-sig")
    return {row["Service"] for row in csv.DictReader(io.StringIO(text))}


def test_csv_export_for_viewer_and_provider(client):
    sign_in(client, "viewer@demo.local")
    response = client.get("/export/performance.csv?year=2021/22&quarter=Q2")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "cwp-performance-2021-22-Q2.csv" in response.headers["Content-Disposition"]
    assert len(_csv_services(response)) == 8
    sign_out(client)
    sign_in(client, "riverside-boxing-academy@demo.local")
    response = client.get("/export/performance.csv?year=2021/22&quarter=year")
    assert _csv_services(response) == {"ASB early help (boxing club diversion)"}


def test_csv_export_bad_parameters_get_a_sentence(client):
    sign_in(client, "viewer@demo.local")
    response = client.get("/export/performance.csv?year=2021&quarter=Q2")
    assert response.status_code == 400
    assert "write it like 2024/25" in response.get_data(as_text=True)


def test_deactivated_user_loses_their_session(client, demo_factory):
    from sqlalchemy import select

    from models.store.db import unit_of_work
    from models.store.entities import User

    sign_in(client, "viewer@demo.local")
    assert client.get("/").status_code == 200
    with unit_of_work(demo_factory) as s:
        s.scalars(select(User).where(User.email == "viewer@demo.local")).one().active = False
    assert client.get("/").status_code == 302


def test_a_one_time_password_must_be_replaced_first(client, demo_app, demo_factory):
    from models.admin.users import invite_user
    from models.store.db import unit_of_work
    from tests.helpers.factories import Actor

    with unit_of_work(demo_factory) as s:
        boss = s.scalars(select_user("admin@demo.local")).one()
        _, password = invite_user(s, Actor(boss.id, "admin"), "new@example.org", "viewer", None)
    response = sign_in(client, "new@example.org", password)
    assert response.headers["Location"].endswith("/set-password")
    assert client.get("/").headers["Location"].endswith("/set-password")
    assert client.post("/_dash-layout").status_code == 403
    page = client.get("/set-password").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    short = client.post("/set-password", data={"password": "short", "confirm": "short",
                                               "csrf_token": token})
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    done = client.post("/set-password", data={"password": "a-good-long-one", "confirm": "a-good-long-one",
                                              "csrf_token": token})
    assert done.status_code == 302
    assert client.get("/").status_code == 200


def select_user(email):
    from sqlalchemy import select

    from models.store.entities import User

    return select(User).where(User.email == email)


def test_admin_page_is_for_admins_only(demo_app):
    from callbacks.router import display_page

    with demo_app.server.test_request_context("/"):
        from flask_login import login_user

        from dash_app.auth import SignedInUser

        login_user(SignedInUser(2, "viewer@demo.local", "viewer", None, None))
        assert "Only the lead officer" in str(display_page("/admin", ""))

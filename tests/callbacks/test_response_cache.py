"""The whole-response cache for dashboard callbacks: reused only for the same inputs, the same
scope and the same data; never for anonymous users or other callbacks."""

from __future__ import annotations

from sqlalchemy import select

from models.store.db import unit_of_work
from models.store.entities import Metric, Target
from tests.helpers.dash_calls import overview_payload, router_payload
from tests.helpers.web import sign_in

PROVIDER = "safer-futures-support@demo.local"


def _signed_in(demo_app, email):
    client = demo_app.server.test_client()
    sign_in(client, email)
    return client, client.get("/_dash-dependencies").get_json()


def _cache(demo_app):
    return demo_app.server.extensions["response_cache"]


def test_same_view_is_served_from_memory_until_the_data_changes(demo_app, demo_factory):
    cache = _cache(demo_app)
    client, deps = _signed_in(demo_app, "admin@demo.local")
    body = overview_payload(deps, "2021/22", 2)
    first = client.post("/_dash-update-component", json=body)
    hits = cache.hits
    second = client.post("/_dash-update-component", json=body)
    assert cache.hits == hits + 1 and second.data == first.data
    assert second.headers["Content-Security-Policy"]  # headers still added to cached replies

    with unit_of_work(demo_factory) as s:
        metric = s.scalars(select(Metric).where(Metric.name == "Pupils reached")).one()
        s.scalars(select(Target).where(Target.metric_id == metric.id, Target.year == 2021,
                                       Target.quarter.is_(None))).one().value = 4000
    third = client.post("/_dash-update-component", json=body)
    assert third.data != first.data and b"against a target of 1000" in third.data


def test_scope_is_part_of_the_key(demo_app):
    admin, deps = _signed_in(demo_app, "admin@demo.local")
    provider, _ = _signed_in(demo_app, PROVIDER)
    body = overview_payload(deps, "2021/22", 2)
    everything = admin.post("/_dash-update-component", json=body).data
    own = provider.post("/_dash-update-component", json=body).data
    assert own != everything
    assert b"Healthy relationships workshops" in everything
    assert b"Healthy relationships workshops" not in own  # not another provider's service


def test_only_listed_callbacks_and_signed_in_users(demo_app):
    cache = _cache(demo_app)
    client, deps = _signed_in(demo_app, "admin@demo.local")
    before = cache.hits + cache.misses
    for _ in range(2):
        client.post("/_dash-update-component", json=router_payload(deps, "/"))
    assert cache.hits + cache.misses == before  # the router is never cached
    anonymous = demo_app.server.test_client()
    response = anonymous.post("/_dash-update-component", json=overview_payload(deps, "2021/22", 2))
    assert response.status_code == 401
    assert cache.hits + cache.misses == before

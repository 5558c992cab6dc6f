"""Marking a change in a service on the admin page: admin only (every role tried), audited,
plain-English refusals by the form, and the trend's limits recalculated from the change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callbacks.admin import changes
from models.access import AccessRefused
from models.admin.changes import mark_service_change, remove_service_change
from models.reporting.trends import metric_trend
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Metric, Period, Service, ServiceChange, User
from tests.helpers import factories as f


@pytest.fixture
def sanctuary_change(demo_factory) -> dict:
    with unit_of_work(demo_factory) as s:
        svc = s.scalars(select(Service).where(Service.name == "Sanctuary scheme")).one()
        metric = s.scalars(select(Metric).where(Metric.service_id == svc.id,
                                                Metric.is_headline)).first()
        period = s.scalars(select(Period).filter_by(year=2023, quarter=1)).one()
        return {"service": str(svc.id), "period": str(period.id), "metric": metric.id,
                "service_id": svc.id}


def _changes(factory) -> int:
    """Changes marked besides the demo's own (DEMO_CHANGE)."""
    with unit_of_work(factory) as s:
        return s.scalar(select(func.count()).select_from(ServiceChange)) - 1


def test_admin_marks_a_change_and_the_limits_start_afresh(signed_in, demo_factory, sanctuary_change):
    viewer = f.Actor(2, "viewer")
    with unit_of_work(demo_factory) as s:
        before = metric_trend(s, viewer, sanctuary_change["service_id"], sanctuary_change["metric"])
    assert "recalculated" not in before.note
    with signed_in("admin@demo.local"):
        msg, table, opts, reason = changes.mark_change(
            sanctuary_change["service"], sanctuary_change["period"], "  new   contract ")
    assert "Change marked" in str(msg) and reason == ""
    assert "Sanctuary scheme" in str(table) and "Q1 2023/24" in str(table)
    assert "new contract" in str(table) and "admin@demo.local" in str(table)
    assert any("Q1 2023/24" in o["label"] for o in opts)
    with unit_of_work(demo_factory) as s:
        after = metric_trend(s, viewer, sanctuary_change["service_id"], sanctuary_change["metric"])
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "service_change")).one()
        assert event.action == "create" and "new contract" in event.after
        admin_id = s.scalars(select(User.id).where(User.email == "admin@demo.local")).one()
        assert event.user_id == admin_id
    assert ("Limits recalculated from Q1 2023/24, after a change in the service (new contract)."
            in after.note)
    first_new = next(i for i, q in enumerate(after.quarters) if q == (2023, 1))
    old, new = after.spc.points[first_new - 1], after.spc.points[first_new]
    assert old.mean != new.mean  # each part its own mean

    # Marked twice from the same quarter: refused in words by the form.
    with signed_in("admin@demo.local"):
        msg, *_ = changes.mark_change(sanctuary_change["service"], sanctuary_change["period"],
                                      "new model of delivery")
    assert "already marked from Q1 2023/24" in str(msg)
    change_id = next(o["value"] for o in opts if o["label"].startswith("Sanctuary scheme"))
    with signed_in("admin@demo.local"):
        msg, table, opts, pick = changes.remove_change(change_id)
    assert "Change removed." in str(msg) and pick is None
    assert not any(o["label"].startswith("Sanctuary scheme") for o in opts)
    assert "Sanctuary scheme" not in str(table)
    assert _changes(demo_factory) == 0


@pytest.mark.parametrize(("service", "period", "reason", "words"), [
    (None, "1", "new contract", "Choose the service that changed"),
    ("1", None, "new contract", "Choose the first quarter of the new way of working"),
    ("1", "1", "   ", "Enter the reason for the change"),
    ("1", "1", "x" * 201, "200 characters or fewer"),
    ("999999", "1", "new contract", "That service does not exist"),
    ("1", "999999", "new contract", "That quarter does not exist"),
    ("1; DROP TABLE", "1", "new contract", "Choose the service that changed"),
])
def test_bad_input_is_named_in_words(signed_in, demo_factory, service, period, reason, words):
    with signed_in("admin@demo.local"):
        msg, *_ = changes.mark_change(service, period, reason)
    assert words in str(msg) and "Traceback" not in str(msg)
    assert _changes(demo_factory) == 0


def test_removing_nothing_is_refused_in_words(signed_in):
    with signed_in("admin@demo.local"):
        assert "Choose the change to remove" in str(changes.remove_change(None)[0])
        assert "That change does not exist" in str(changes.remove_change("424242")[0])


@pytest.mark.parametrize("who", [None, "viewer@demo.local", "riverside-boxing-academy@demo.local",
                                 "safer-futures-support@demo.local"])
def test_only_the_admin_marks_a_change(signed_in, demo_factory, sanctuary_change, who):
    with signed_in(who):
        msg, *_ = changes.mark_change(sanctuary_change["service"], sanctuary_change["period"],
                                      "new contract")
    assert ("Sign in first." if who is None else "Only the lead officer") in str(msg)
    assert _changes(demo_factory) == 0


@pytest.mark.parametrize("role", ["viewer", "provider"])
def test_the_commands_refuse_non_admins(demo_factory, sanctuary_change, role):
    actor = f.Actor(5, role, 1 if role == "provider" else None)
    with unit_of_work(demo_factory) as s, pytest.raises(AccessRefused):
        mark_service_change(s, actor, sanctuary_change["service_id"],
                            int(sanctuary_change["period"]), "new contract")
    with unit_of_work(demo_factory) as s, pytest.raises(AccessRefused):
        remove_service_change(s, actor, 1)

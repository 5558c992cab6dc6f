"""Saving and moving returns: all or nothing, versioned, audited, authorised."""


import pytest
from sqlalchemy import func, select

from models.access import AccessRefused
from models.returns import saving as return_saving
from models.returns.lists import returns_home, review_queue
from models.returns.saving import ReturnConflict, review_return, save_return
from models.returns.view import load_return_view
from models.rules.validation import FieldKey, RawReturn
from models.rules.workflow import WorkflowError
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Metric, Period, Return, ReturnValue, Service
from tests.helpers import factories as f
from tests.helpers.factories import TODAY_2024

YEAR = 2024


A = f.Actor


@pytest.fixture
def world(factory):
    with unit_of_work(factory) as s:
        owner, other = f.provider(s, "Alpha Support"), f.provider(s, "Beta Trust")
        svc = f.service(s, "Alpha service", owner)
        people = f.metric(s, svc, "People supported", headline=True, categories=("Self", "GP"))
        safer = f.metric(s, svc, "Felt safer", unit="percent", kind="outcome", order=1)
        f.target(s, people, YEAR, 100)
        ps = f.periods(s, YEAR)
        cats = [c.id for c in people.categories]
        return {
            "svc": svc.id, "q2": ps[2].id, "q1": ps[1].id, "people": people.id, "safer": safer.id,
            "cats": cats, "factory": factory,
            "alpha": A(f.user(s, "a@x.org", "provider", owner).id, "provider", owner.id),
            "beta": A(f.user(s, "b@x.org", "provider", other).id, "provider", other.id),
            "admin": A(f.user(s, "admin@x.org", "admin").id, "admin"),
            "viewer": A(f.user(s, "viewer@x.org", "viewer").id, "viewer"),
        }


def good(w, total=30):
    return RawReturn(counts={w["people"]: str(total)},
                     numerators={w["safer"]: "7"}, denominators={w["safer"]: "10"},
                     categories={w["cats"][0]: str(total - 10), w["cats"][1]: "10"},
                     narrative={"highlights": "Going well"})


def _save(w, actor, raw, version=0, submit=False, confirmed=False):
    with unit_of_work(w["factory"]) as s:
        return save_return(s, actor, w["svc"], w["q2"], raw, version, submit=submit,
                           confirmed=confirmed)


def _count(w, model):
    with unit_of_work(w["factory"]) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_draft_save_then_submit_then_review_cycle(world):
    w = world
    first = _save(w, w["alpha"], RawReturn(counts={w["people"]: "30"}))
    assert first.saved and first.status == "draft" and first.version == 1
    second = _save(w, w["alpha"], good(w), version=1, submit=True)
    assert second.saved and second.status == "submitted" and second.version == 2
    with unit_of_work(w["factory"]) as s:
        ret_id = s.scalars(select(Return.id)).one()
        queue = review_queue(s, w["admin"])
        assert [q.return_id for q in queue] == [ret_id]
        first = queue[0].values[0]
        assert (first.name, first.value, first.last, first.target) == ("People supported", "30", "", "25")
        with pytest.raises(WorkflowError, match="Enter a comment"):
            review_return(s, w["admin"], ret_id, "return", "  ", 2)
        review_return(s, w["admin"], ret_id, "return", "Check the GP figure", 2)
    with unit_of_work(w["factory"]) as s:
        view = load_return_view(s, w["alpha"], w["svc"], w["q2"], TODAY_2024)
        assert view.status == "returned" and view.officer_comment == "Check the GP figure"
        assert view.editable and view.values[FieldKey.count(w["people"])] == "30"
    third = _save(w, w["alpha"], good(w), version=3, submit=True)
    assert third.status == "submitted"
    with unit_of_work(w["factory"]) as s:
        review_return(s, w["admin"], ret_id, "approve", "", third.version)
        view = load_return_view(s, w["alpha"], w["svc"], w["q2"], TODAY_2024)
        assert view.status == "approved" and not view.editable
    with pytest.raises(WorkflowError, match="approved and cannot be changed"):
        _save(w, w["alpha"], good(w), version=view.version)
    with unit_of_work(w["factory"]) as s:
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["save", "submit", "return", "submit", "approve"]


def test_errors_save_nothing(world):
    w = world
    raw = good(w)
    raw.numerators = {w["safer"]: "12"}
    result = _save(w, w["alpha"], raw)
    assert not result.saved and FieldKey.numerator(w["safer"]) in result.validation.errors
    assert _count(w, Return) == 0 and _count(w, AuditEvent) == 0


def test_a_save_interrupted_part_way_leaves_the_database_as_it_was(world, monkeypatch):
    """The failure comes after the new values were written and flushed to the database
    (the audit write is last), so only the transaction's rollback can undo them."""
    w = world
    _save(w, w["alpha"], good(w, 30))
    with unit_of_work(w["factory"]) as s:
        before = sorted((v.metric_id, v.count, v.numerator) for v in s.scalars(select(ReturnValue)))
    flushed = {}

    def failing_audit(session, *args, **kwargs):
        flushed["values"] = sorted(session.scalars(select(ReturnValue.count)).all(), key=str)
        raise RuntimeError("disk full")

    monkeypatch.setattr(return_saving, "record", failing_audit)
    with pytest.raises(RuntimeError):
        _save(w, w["alpha"], good(w, 50), version=1)
    assert 50 in flushed["values"]  # the new value had reached the database ...
    with unit_of_work(w["factory"]) as s:
        after = sorted((v.metric_id, v.count, v.numerator) for v in s.scalars(select(ReturnValue)))
        version = s.scalars(select(Return.version)).one()
    assert after == before and version == 1  # ... and is gone with the rollback


def test_a_stale_save_is_refused_and_overwrites_nothing(world):
    w = world
    _save(w, w["alpha"], good(w, 30))
    _save(w, w["admin"], good(w, 40), version=1)  # someone else saved in between
    with pytest.raises(ReturnConflict, match="Someone else changed this return"):
        _save(w, w["alpha"], good(w, 50), version=1)
    with unit_of_work(w["factory"]) as s:
        count = s.scalars(select(ReturnValue.count).where(ReturnValue.metric_id == w["people"])).one()
    assert count == 40


def test_submission_with_warnings_needs_confirmation(world):
    w = world
    with unit_of_work(w["factory"]) as s:
        q1 = s.get(Return, 1)
        assert q1 is None
        svc = s.get(Service, w["svc"])
        f.a_return(s, svc, s.get(Period, w["q1"]), "approved",
                   counts={s.get(Metric, w["people"]): 12})
    result = _save(w, w["alpha"], good(w, 60), submit=True)
    assert not result.saved and result.needs_confirmation
    assert "changed a lot since last quarter (12 to 60)" in next(iter(result.validation.warnings.values()))
    confirmed = _save(w, w["alpha"], good(w, 60), submit=True, confirmed=True)
    assert confirmed.saved and confirmed.status == "submitted"


@pytest.mark.parametrize("who", ["beta", "viewer"])
def test_other_providers_and_viewers_cannot_save(world, who):
    w = world
    with pytest.raises(AccessRefused):
        _save(w, w[who], good(w))
    assert _count(w, Return) == 0


def test_views_and_home_follow_the_access_rules(world):
    w = world
    with unit_of_work(w["factory"]) as s:
        with pytest.raises(AccessRefused, match="do not have access"):
            load_return_view(s, w["beta"], w["svc"], w["q2"], TODAY_2024)
        viewer_view = load_return_view(s, w["viewer"], w["svc"], w["q2"], TODAY_2024)
        assert not viewer_view.editable
        alpha_rows = returns_home(s, w["alpha"], TODAY_2024)
        assert {r.service for r in alpha_rows} == {"Alpha service"}
        assert alpha_rows[0].status == "missing"  # overdue and missing first
        assert returns_home(s, w["beta"], TODAY_2024) == []
        with pytest.raises(AccessRefused):
            review_queue(s, w["alpha"])
        with pytest.raises(AccessRefused):
            review_return(s, w["alpha"], 1, "approve", "", 1)


def test_each_saved_return_and_approval_bumps_the_data_version(world):
    """Cached dashboard views are keyed by this version, so none outlives a save."""
    from models.store.data_version import current_version

    w = world

    def version() -> int:
        with unit_of_work(w["factory"]) as s:
            return current_version(s)[1]

    start = version()
    _save(w, w["alpha"], RawReturn(counts={w["people"]: "30"}))
    assert version() == start + 1
    refused = _save(w, w["alpha"], RawReturn(counts={w["people"]: "lots"}), version=1)
    assert not refused.saved and version() == start + 1  # nothing saved, nothing bumped
    _save(w, w["alpha"], good(w), version=1, submit=True)
    assert version() == start + 2
    with unit_of_work(w["factory"]) as s:
        review_return(s, w["admin"], s.scalars(select(Return.id)).one(), "approve", "", 2)
    assert version() == start + 3

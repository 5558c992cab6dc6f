"""The catalogue carries the strategy's baselines exactly and seeds idempotently."""

from sqlalchemy import select

from models.catalogue.strategy import SOURCE, seed_catalogue
from models.store.db import unit_of_work
from models.store.entities import Metric, MetricCategory, Priority, Service, Ward, Workstream
from tests.helpers.strategy import EXPECTED_BASELINES, SOCIAL_PRESCRIBING_REASONS


def _snapshot(session):
    rows = []
    for model in (Priority, Workstream, Ward, Service, Metric, MetricCategory):
        for row in session.scalars(select(model).order_by(model.id)):
            rows.append({c.name: getattr(row, c.key) for c in model.__table__.columns})
    return rows


def test_baselines_are_the_strategys_published_figures(session):
    seed_catalogue(session)
    found = {
        (m.service.name, m.name): (m.baseline_value, m.baseline_period, m.baseline_source)
        for m in session.scalars(select(Metric)).all()
        if m.baseline_value is not None
    }
    assert {k: v[:2] for k, v in found.items()} == EXPECTED_BASELINES
    assert {v[2] for v in found.values()} == {SOURCE}
    referrals = session.scalars(select(Metric).where(Metric.name == "Referrals")).one()
    reasons = [(c.name, c.baseline_value) for c in referrals.categories]
    assert reasons == SOCIAL_PRESCRIBING_REASONS
    assert sum(v for _, v in reasons) == 145
    assert "80 intended" in referrals.baseline_note


def test_catalogue_shape(session):
    counts = seed_catalogue(session)
    assert counts["services"] == 8
    services = session.scalars(select(Service)).all()
    assert {s.workstream.name for s in services} == {"Primary Prevention", "Secondary Prevention"}
    assert len(session.scalars(select(Ward)).all()) == 7
    # Every service has exactly one headline output for the Overview.
    for service in services:
        assert sum(m.is_headline for m in service.metrics) == 1, service.name
    hrw = next(s for s in services if s.name.startswith("Healthy relationships"))
    assert sum(m.kind == "outcome" for m in hrw.metrics) == 8
    cards = session.scalars(select(Metric).where(Metric.name == "Behaviour cards issued")).one()
    assert cards.higher_is_better is False


def test_seeding_twice_changes_nothing(factory):
    with unit_of_work(factory) as s:
        seed_catalogue(s)
    with unit_of_work(factory) as s:
        first = _snapshot(s)
    with unit_of_work(factory) as s:
        seed_catalogue(s)
    with unit_of_work(factory) as s:
        assert _snapshot(s) == first

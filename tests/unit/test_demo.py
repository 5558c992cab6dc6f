"""Demo data: every state present, labelled, baselines untouched, users per provider."""

from sqlalchemy import func, select

from models.catalogue.demo import seed_demo
from models.catalogue.strategy import seed_catalogue
from models.rules.periods import Quarter
from models.rules.workflow import effective_status
from models.store.db import unit_of_work
from models.store.entities import Metric, Period, Provider, Return, ReturnValue, Service, User
from models.store.settings import is_demo
from models.store.users import authenticate
from tests.helpers.config import DEMO_PASSWORD, TODAY


def test_demo_covers_every_state_and_labels_itself(demo_factory):
    with unit_of_work(demo_factory) as s:
        assert is_demo(s)
        services = s.scalars(select(Service)).all()
        periods = s.scalars(select(Period)).all()
        stored = {(r.service_id, r.period_id): r.status for r in s.scalars(select(Return))}
        seen = {
            effective_status(stored.get((sv.id, p.id)), Quarter(p.year, p.quarter), TODAY, p)
            for sv in services for p in periods
        }
        assert {"approved", "submitted", "draft", "returned", "overdue", "missing"} <= seen
        assert all(r.is_demo for r in s.scalars(select(Return)))
        assert all(p.is_demo and "(demo)" in p.name for p in s.scalars(select(Provider)))
        years = {p.year for p in periods}
        assert min(years) == 2020 and max(years) == 2026


def test_demo_values_are_consistent(demo_factory):
    with unit_of_work(demo_factory) as s:
        bad = s.scalar(select(func.count()).select_from(ReturnValue).where(
            ReturnValue.numerator > ReturnValue.denominator))
        assert bad == 0
        for ret in s.scalars(select(Return)).all():
            counts = {v.metric_id: v.count for v in ret.values}
            for metric in ret.service.metrics:
                if metric.categories:
                    ids = {c.id for c in metric.categories}
                    parts = sum(b.count for b in ret.breakdown_values if b.category_id in ids)
                    assert parts == counts[metric.id]


def test_demo_users_can_sign_in(demo_factory):
    with unit_of_work(demo_factory) as s:
        emails = set(s.scalars(select(User.email)))
        assert {"admin@demo.local", "viewer@demo.local"} <= emails
        providers = s.scalars(select(Provider)).all()
        for provider in providers:
            user = authenticate(s, f"{provider.slug}@demo.local", DEMO_PASSWORD)
            assert user is not None and user.provider_id == provider.id
        assert authenticate(s, "admin@demo.local", "wrong-password") is None


def test_demo_never_overwrites_baselines_and_reseeding_adds_nothing(factory):
    with unit_of_work(factory) as s:
        seed_catalogue(s)
        before = {m.id: m.baseline_value for m in s.scalars(select(Metric))}
    with unit_of_work(factory) as s:
        seed_demo(s, DEMO_PASSWORD, TODAY)
    with unit_of_work(factory) as s:
        count = s.scalar(select(func.count()).select_from(Return))
        result = seed_demo(s, DEMO_PASSWORD, TODAY)
        assert result.returns == 0
    with unit_of_work(factory) as s:
        assert s.scalar(select(func.count()).select_from(Return)) == count
        assert {m.id: m.baseline_value for m in s.scalars(select(Metric))} == before


def test_demo_hands_in_no_return_for_a_quarter_not_yet_ended(demo_factory):
    """Returns are submitted from the day after their quarter ends: on the demo's "today"
    (25 November 2026) Q3 2026/27 is under way, so its returns are drafts at most."""
    from models.rules.periods import may_submit_on

    with unit_of_work(demo_factory) as s:
        rows = s.execute(select(Return.status, Period.year, Period.quarter, Period.early_submission)
                         .join(Period, Return.period_id == Period.id)).all()
    handed_in = [(year, quarter) for status, year, quarter, early in rows
                 if status in ("submitted", "returned", "approved")]
    assert handed_in and all(may_submit_on(Quarter(y, q), TODAY) for y, q in handed_in)
    assert not any(early for *_, early in rows)
    assert {status for status, year, quarter, _ in rows if (year, quarter) == (2026, 3)} == {"draft"}


def test_demo_history_shows_each_special_cause_on_its_own_metric(demo_factory):
    """The trend pages need something worth seeing: a shift, a trend and a point outside the
    limits (on different metrics), and a marked change after which limits are recalculated."""
    from models.reporting.trends import visible_trends
    from tests.helpers.factories import Actor

    with unit_of_work(demo_factory) as s:
        trends = visible_trends(s, Actor(1, "viewer"))
    found = {cause: {t.metric_name for t in trends if any(p.special_cause == cause for p in t.spc.points)}
             for cause in ("Outside limits", "Shift", "Trend")}
    assert "Properties made safe" in found["Outside limits"]
    assert "Women supported" in found["Shift"]
    assert "Pupils reporting improvement: confidence and social skills" in found["Trend"]
    assert any("Limits recalculated from Q1 2023/24" in t.note and "new model of delivery" in t.note
               for t in trends if t.service_name == "Substance misuse and mental health outreach")

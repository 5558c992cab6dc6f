"""A service's figures against values computed by hand for a small fixture."""

import datetime as dt

import pytest

from models.access import AccessRefused
from models.dashboard_views import priority_groups, submission_grid
from models.performance import build_performance_table
from models.service_figures import cost_per_unit, service_figures
from tests import factories as f

YEAR = 2024
TODAY = dt.date(2024, 11, 25)  # Q1 and Q2 due; Q3 not yet


A = f.Actor


@pytest.fixture
def world(session):
    owner, other = f.provider(session, "Alpha Support"), f.provider(session, "Beta Trust")
    svc = f.service(session, "Alpha service", owner)
    svc.annual_contract_value = 40000
    svc.contract_start = dt.date(2024, 4, 1)
    people = f.metric(session, svc, "People supported", headline=True, categories=("Self", "GP"))
    safer = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome", order=1)
    tiny = f.metric(session, svc, "Slept better", unit="percent", kind="outcome", order=2)
    people.baseline_value, people.baseline_period = 76, "2018/19"
    f.target(session, people, YEAR, 100)
    f.target(session, safer, YEAR, 75)
    ps = f.periods(session, YEAR)
    s1, s2 = people.categories
    f.a_return(session, svc, ps[1], "approved", {people: 20}, {safer: (9, 10), tiny: (3, 4)},
               {s1: 15, s2: 5})
    r2 = f.a_return(session, svc, ps[2], "approved", {people: 30}, {safer: (10, 100), tiny: (2, 3)},
                    {s1: 10, s2: 20})
    r2.submitted_at = dt.datetime(2024, 10, 25, 9)  # after the 20 October due date: late
    f.a_return(session, svc, ps[3], "submitted", {people: 40}, {safer: (5, 10)})
    beta = f.service(session, "Beta service", other, order=1)
    f.metric(session, beta, "Residents engaged", headline=True)
    return {"svc": svc.id, "owner": A(1, "provider", owner.id), "other": A(2, "provider", other.id),
            "viewer": A(3, "viewer")}


def _metric(figures, name):
    return next(m for m in figures.metrics if m.name == name)


def test_counts_cumulate_and_forecast_from_the_run_rate(session, world):
    figures = service_figures(session, world["viewer"], world["svc"], YEAR)
    people = _metric(figures, "People supported")
    assert [p.actual for p in people.points] == [20, 30, None, None]
    assert [p.cumulative for p in people.points] == [20, 50, None, None]
    assert [p.cumulative_target for p in people.points] == [25, 50, 75, 100]
    assert people.forecast == 100  # 50 in two quarters -> 100 in four
    assert people.baseline == 76 and people.baseline_period == "2018/19"
    assert people.categories == [("Self", [15, 10, None, None]), ("GP", [5, 20, None, None])]
    assert people.cost_per_unit == pytest.approx(400)  # £40,000 × 2/4 ÷ 50 people


def test_rates_pool_and_carry_wilson_intervals(session, world):
    safer = _metric(service_figures(session, world["viewer"], world["svc"], YEAR), "Felt safer")
    q1 = safer.points[0]
    assert (q1.rate.numerator, q1.rate.denominator) == (9, 10)
    # By hand: p = 0.9, n = 10, z = 1.96 -> 0.5958 to 0.9821.
    assert q1.interval[0] == pytest.approx(59.58, abs=0.01)
    assert q1.interval[1] == pytest.approx(98.21, abs=0.01)
    assert (safer.ytd_rate.numerator, safer.ytd_rate.denominator) == (19, 110)
    assert safer.points[1].cumulative == pytest.approx(100 * 19 / 110)
    assert safer.cost_per_unit == pytest.approx(40000 * 2 / 4 / 19)  # per person improved
    tiny = _metric(service_figures(session, world["viewer"], world["svc"], YEAR), "Slept better")
    assert all(p.small_cohort for p in tiny.points if p.rate)


def test_provisional_includes_submitted_returns(session, world):
    figures = service_figures(session, world["viewer"], world["svc"], YEAR, include_submitted=True)
    people = _metric(figures, "People supported")
    assert people.points[2].actual == 40 and people.forecast == pytest.approx(120)


def test_access_and_empty_states(session, world):
    with pytest.raises(AccessRefused):
        service_figures(session, world["other"], world["svc"], YEAR)
    assert service_figures(session, world["owner"], world["svc"], YEAR).has_data
    empty = service_figures(session, world["viewer"], world["svc"], YEAR - 1)
    assert not empty.has_data and not empty.has_targets


def test_cost_per_unit_needs_every_part():
    assert cost_per_unit(None, 2, 10) is None
    assert cost_per_unit(40000, 0, 10) is None
    assert cost_per_unit(40000, 4, 0) is None
    assert cost_per_unit(40000, 4, 100) == 400


def test_submission_grid_rates(session, world):
    rows, rates = submission_grid(session, world["viewer"], YEAR, TODAY)
    alpha = next(r for r in rows if r.service == "Alpha service")
    assert alpha.statuses == ["approved", "approved", "submitted", "not_due"]
    q1, q2, q3 = rates[0], rates[1], rates[2]
    assert (q1.expected, q1.received) == (2, 1)  # Beta has no Q1 return
    assert q1.completeness == 50
    assert (q2.expected, q2.received, q2.on_time) == (2, 1, 0)  # Alpha's Q2 came in late
    assert not q3.is_due and q3.expected == 0 and q3.completeness is None
    own_rows, _ = submission_grid(session, world["other"], YEAR, TODAY)
    assert [r.service for r in own_rows] == ["Beta service"]


def test_priority_groups_list_every_priority(session, world):
    table = build_performance_table(session, YEAR, 2, TODAY)
    groups = priority_groups(session, table)
    assert len(groups) == 9  # the strategy's seven priorities and two cross-cutting themes
    # Every service appears once: the eight catalogue services and the two made here.
    assert sum(g.service_count for g in groups) == 10
    domestic = next(g for g in groups if g.priority == "Domestic Abuse")
    assert set(domestic.by_workstream) == {"Primary Prevention", "Secondary Prevention"}

"""A service's figures against values computed by hand for a small fixture."""

import datetime as dt

import pytest

from models.access import AccessRefused
from models.reporting.performance import build_performance_table
from models.reporting.priorities import priority_groups
from models.reporting.service_figures import (
    ContractCost,
    contract_cost,
    contract_months,
    cost_per_unit,
    service_figures,
)
from models.reporting.submissions import submission_grid
from models.rules.periods import Quarter
from tests.helpers import factories as f

YEAR = 2024
TODAY = dt.date(2024, 11, 25)  # Q1 and Q2 due; Q3 not yet


A = f.Actor


@pytest.fixture
def world(session):
    owner, other = f.provider(session, "Alpha Support"), f.provider(session, "Beta Trust")
    svc = f.service(session, "Alpha service", owner)
    svc.annual_contract_value = 40000
    svc.contract_start, svc.contract_end = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
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
    assert people.cost_per_unit == pytest.approx(400)  # £40,000 × 6/12 months ÷ 50 people


def test_rates_pool_and_carry_wilson_intervals(session, world):
    safer = _metric(service_figures(session, world["viewer"], world["svc"], YEAR), "Felt safer")
    q1 = safer.points[0]
    assert (q1.rate.numerator, q1.rate.denominator) == (9, 10)
    # By hand: p = 0.9, n = 10, z = 1.96 -> 0.5958 to 0.9821.
    assert q1.interval[0] == pytest.approx(59.58, abs=0.01)
    assert q1.interval[1] == pytest.approx(98.21, abs=0.01)
    assert (safer.ytd_rate.numerator, safer.ytd_rate.denominator) == (19, 110)
    assert safer.points[1].cumulative == pytest.approx(100 * 19 / 110)
    assert safer.cost_per_unit == pytest.approx(40000 * 6 / 12 / 19)  # per person improved
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
    year = [Quarter(2024, q) for q in (1, 2, 3, 4)]
    whole = contract_cost(40000, dt.date(2024, 4, 1), dt.date(2025, 3, 31), year)
    assert whole == ContractCost(40000)
    assert cost_per_unit(whole, 100) == 400
    assert cost_per_unit(whole, 0) is None and cost_per_unit(whole, None) is None
    assert contract_cost(None, dt.date(2024, 4, 1), dt.date(2025, 3, 31), year).amount is None
    assert contract_cost(40000, dt.date(2024, 4, 1), dt.date(2025, 3, 31), []).amount is None


def test_rates_year_to_date_carry_a_wilson_interval(session, world):
    safer = _metric(service_figures(session, world["viewer"], world["svc"], YEAR), "Felt safer")
    # Pooled 19 of 110: p = 0.17273, z = 1.95996, z² = 3.84146, n = 110.
    # centre = (p + z²/2n) / (1 + z²/n) = 0.19019 / 1.03492 = 0.18377
    # half = z √(p(1 − p)/n + z²/4n²) / (1 + z²/n) = 1.95996 × 0.037127 / 1.03492 = 0.07031
    # -> 11.35% to 25.41%.
    low, high = safer.ytd_interval
    assert low == pytest.approx(11.35, abs=0.01) and high == pytest.approx(25.41, abs=0.01)
    assert _metric(service_figures(session, world["viewer"], world["svc"], YEAR),
                   "People supported").ytd_interval is None  # a count has no interval


# Contract 1 October 2025 to 31 March 2027 at £12,000 a year.
START, END, VALUE = dt.date(2025, 10, 1), dt.date(2027, 3, 31), 12000


def test_contract_months_by_hand():
    fy25 = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert contract_months(START, END, *fy25) == 6  # October to March
    assert contract_months(START, END, dt.date(2026, 4, 1), dt.date(2027, 3, 31)) == 12
    assert contract_months(START, END, dt.date(2027, 4, 1), dt.date(2028, 3, 31)) == 0
    # From 16 November: half of November (15 of 30 days) and all of December.
    q3 = Quarter(2025, 3)  # October to December 2025
    assert contract_months(dt.date(2025, 11, 16), END, q3.start, q3.end) == 1.5


def test_cost_is_pro_rated_by_the_contracts_months_in_the_period():
    fy = [Quarter(2025, q) for q in (1, 2, 3, 4)]
    assert contract_cost(VALUE, START, END, fy).amount == pytest.approx(6 / 12 * 12000)  # £6,000
    assert contract_cost(VALUE, START, END, [Quarter(2026, q) for q in (1, 2, 3, 4)]).amount == 12000
    assert contract_cost(VALUE, START, END, [Quarter(2025, 3)]).amount == pytest.approx(3000)
    half = contract_cost(VALUE, dt.date(2025, 11, 16), END, [Quarter(2025, 3)])
    assert half.amount == pytest.approx(1500)  # 1.5 months of £1,000


def test_cost_not_shown_in_words_when_the_contract_cannot_say():
    outside = contract_cost(VALUE, START, END, [Quarter(2027, 1)])
    assert outside.amount is None
    assert outside.note == ("Cost not shown: the contract (1 October 2025 to 31 March 2027) "
                            "does not cover Q1 2027/28.")
    for start, end in ((None, END), (START, None), (None, None)):
        missing = contract_cost(VALUE, start, end, [Quarter(2025, 3)])
        assert missing.amount is None
        assert missing.note == ("Cost not shown: the contract's start and end dates are not "
                                "recorded.")


def test_service_page_cost_per_outcome_follows_the_contract(session, world):
    svc = f.service(session, "Contracted service", f.provider(session, "Gamma"), order=5)
    svc.annual_contract_value, svc.contract_start, svc.contract_end = VALUE, START, END
    people = f.metric(session, svc, "People supported", headline=True)
    ps = {year: f.periods(session, year) for year in (2025, 2027)}
    f.a_return(session, svc, ps[2025][3], "approved", {people: 30})
    f.a_return(session, svc, ps[2025][4], "approved", {people: 30})
    f.a_return(session, svc, ps[2027][1], "approved", {people: 10})
    fy25 = _metric(service_figures(session, world["viewer"], svc.id, 2025), "People supported")
    assert fy25.cost_per_unit == pytest.approx(6000 / 60)  # £6,000 over 60 people: £100
    fy27 = _metric(service_figures(session, world["viewer"], svc.id, 2027), "People supported")
    assert fy27.cost_per_unit is None and "does not cover Q1 2027/28" in fy27.cost_note
    svc.contract_end = None
    no_end = _metric(service_figures(session, world["viewer"], svc.id, 2025), "People supported")
    assert no_end.cost_per_unit is None and "not recorded" in no_end.cost_note


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

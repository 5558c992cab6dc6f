"""Trends from the database (models.reporting.trends): series, annual figures against the
baseline, marked changes, provisional figures, publication mode and who may see what."""

from __future__ import annotations

import math

import pytest

from models.access import AccessRefused
from models.reporting.trends import metric_trend, service_trends, strategy_progress
from models.rules.measures import wilson_interval
from models.rules.spc import COMMON_CAUSE, NOT_JUDGED
from models.store.entities import ServiceChange
from tests.helpers import factories as f

A = f.Actor
YEARS = (2020, 2021, 2022)
PEOPLE = [10, 12] * 6  # hand-worked in test_spc: mean 11, limits 5.68 to 16.32


@pytest.fixture
def world(session):
    owner, other = f.provider(session, "Alpha Support"), f.provider(session, "Beta Trust")
    svc = f.service(session, "Alpha service", owner)
    people = f.metric(session, svc, "People supported", headline=True)
    safer = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome", order=1)
    slept = f.metric(session, svc, "Nights in refuge", order=2)
    people.baseline_value, people.baseline_period = 40, "2018/19"
    safer.baseline_value, safer.baseline_period = 60, "2018/19"
    f.target(session, people, 2023, 80)  # the latest figure is 2023/24 Q1: 80 / 4 = 20 a quarter
    periods = {year: f.periods(session, year) for year in (*YEARS, 2023)}
    i = 0
    for year in YEARS:
        for q in (1, 2, 3, 4):
            # Nights: 20 a quarter, but 3 in 2021/22 Q2 (a small number to publish).
            nights = 3 if (year, q) == (2021, 2) else 20
            f.a_return(session, svc, periods[year][q], "approved",
                       {people: PEOPLE[i], slept: nights},
                       {safer: (6, 10) if q % 2 else (8, 10)})
            i += 1
    f.a_return(session, svc, periods[2023][1], "submitted", {people: 30}, {safer: (9, 10)})
    beta = f.service(session, "Beta service", other, order=1)
    residents = f.metric(session, beta, "Residents engaged", headline=True)
    residents.baseline_value = 100
    f.a_return(session, beta, periods[2020][1], "approved", {residents: 25})
    session.flush()
    return {"svc": svc.id, "beta": beta.id, "people": people.id, "safer": safer.id,
            "slept": slept.id, "residents": residents.id, "period_2022_1": periods[2022][1].id,
            "owner": A(1, "provider", owner.id), "other": A(2, "provider", other.id),
            "viewer": A(3, "viewer"), "admin": A(4, "admin")}


def test_a_count_series_with_its_limits_and_annual_totals(session, world):
    trend = metric_trend(session, world["viewer"], world["svc"], world["people"])
    assert [p.value for p in trend.spc.points] == PEOPLE
    assert trend.quarters[0] == (2020, 1) and trend.spc.points[0].label == "Q1 2020/21"
    assert trend.spc.points[-1].mean == pytest.approx(11)
    assert trend.spc.points[-1].upper == pytest.approx(16.32)
    assert trend.spc.variation == COMMON_CAUSE
    # Each year 10 + 12 + 10 + 12 = 44 against a baseline of 40: (44 − 40) / 40 = 10%.
    assert [(a.label, a.value, a.change) for a in trend.annual] == [
        (label, 44.0, "up 10% on the 2018/19 baseline") for label in ("2020/21", "2021/22", "2022/23")]
    assert all(a.in_strategy and a.complete for a in trend.annual)
    assert trend.target is None  # approved figures end in 2022/23, which has no target


def test_provisional_adds_submitted_figures_and_judges_assurance(session, world):
    trend = metric_trend(session, world["viewer"], world["svc"], world["people"], provisional=True)
    assert len(trend.spc.points) == 13 and trend.spc.points[-1].value == 30
    # 13 points: Σ = 132 + 30 = 162, mean 12.4615; moving ranges eleven of 2 and |30 − 12| = 18:
    # mR̄ = 40/12 = 3.3333; upper limit 12.4615 + 2.66 × 3.3333 = 21.3282, so 30 is outside.
    assert trend.spc.points[-1].upper == pytest.approx(162 / 13 + 2.66 * 40 / 12)
    assert trend.spc.points[-1].special_cause == "Outside limits"
    # The quarter's target 80 / 4 = 20 lies between the limits (3.59 to 21.33): hit and miss.
    assert trend.target == 20 and trend.spc.assurance == "Hit and miss"
    # 2023/24 so far has one quarter: not compared with a whole year's baseline.
    assert (trend.annual[-1].quarters, trend.annual[-1].change) == (1, "")


def test_rates_use_quarterly_percentages_and_pool_the_year(session, world):
    trend = metric_trend(session, world["viewer"], world["svc"], world["safer"])
    assert [p.value for p in trend.spc.points] == [60.0, 80.0] * 6
    # Each year 6 + 8 + 6 + 8 = 28 of 40 = 70%, ten points above the 60% baseline.
    year = trend.annual[0]
    assert year.value == pytest.approx(70) and (year.rate.numerator, year.rate.denominator) == (28, 40)
    assert year.interval == wilson_interval(28, 40)
    assert year.change == "up 10 percentage points on the 2018/19 baseline"
    assert "percentage" in trend.note


def test_a_marked_change_recalculates_the_limits(session, world):
    session.add(ServiceChange(service_id=world["svc"], period_id=world["period_2022_1"],
                              reason="new contract"))
    session.flush()
    trend = metric_trend(session, world["viewer"], world["svc"], world["people"])
    # Eight quarters before the change and four after: neither has 12, so no limits anywhere.
    assert all(p.mean is None for p in trend.spc.points)
    assert trend.spc.variation == NOT_JUDGED
    assert "Limits recalculated from Q1 2022/23, after a change in the service (new contract)." \
        in trend.note
    assert "(4 of 12)" in trend.note


def test_publication_hides_small_quarters_and_what_is_worked_out_from_them(session, world):
    open_trend = metric_trend(session, world["viewer"], world["svc"], world["slept"])
    assert open_trend.markers == (None,) * 12 and open_trend.spc.points[5].value == 3
    trend = metric_trend(session, world["viewer"], world["svc"], world["slept"], publish=True)
    markers = dict(zip(trend.quarters, trend.markers, strict=True))
    assert markers[(2021, 2)] == "<5"
    # 2021/22's total (63) is shown, so one more of its quarters is withheld: otherwise
    # 63 − 20 − 20 − 20 gives the 3 away.
    assert sum(m == "Withheld" for (year, _), m in markers.items() if year == 2021) == 1
    assert all(m is None for (year, _), m in markers.items() if year != 2021)
    hidden = [p for p, m in zip(trend.spc.points, trend.markers, strict=True) if m]
    assert all(math.isnan(p.value) for p in hidden)
    # The mean of the twelve would give the hidden ones away: withheld with them.
    assert all(p.mean is None and p.upper is None for p in trend.spc.points)
    assert not trend.spc.has_limits and trend.spc.assurance is None
    assert "withheld" in trend.spc.note
    assert [a.value for a in trend.annual] == [80.0, 63.0, 80.0]
    # Counts with nothing small publish as they are.
    people = metric_trend(session, world["viewer"], world["svc"], world["people"], publish=True)
    assert people.markers == (None,) * 12 and people.spc.points[0].mean == pytest.approx(11)


@pytest.mark.parametrize("role", ["owner", "viewer", "admin"])
def test_who_may_see_a_service_trend(session, world, role):
    trends = service_trends(session, world[role], world["svc"])
    assert [t.metric_name for t in trends] == ["People supported", "Felt safer", "Nights in refuge"]


def test_another_provider_is_refused(session, world):
    with pytest.raises(AccessRefused):
        service_trends(session, world["other"], world["svc"])
    with pytest.raises(AccessRefused):
        metric_trend(session, world["other"], world["svc"], world["people"])
    with pytest.raises(AccessRefused):  # a metric of another service, through one's own
        metric_trend(session, world["owner"], world["svc"], world["residents"])
    with pytest.raises(AccessRefused):  # an account linked to no provider sees nothing
        service_trends(session, A(9, "provider", None), world["svc"])


def test_strategy_progress_lists_metrics_with_a_baseline_by_priority(session, world):
    groups = strategy_progress(session, world["viewer"])
    rows = [(g.priority, r.trend.service_name, r.trend.metric_name) for g in groups for r in g.rows]
    ours = {(s, m) for _, s, m in rows if s in ("Alpha service", "Beta service")}
    assert ours == {("Alpha service", "People supported"), ("Alpha service", "Felt safer"),
                    ("Beta service", "Residents engaged")}
    # The strategy's own services (seeded with the catalogue) are listed too, figures or not.
    assert ("Sanctuary scheme", "Victims enabled to remain in their own home") in {
        (s, m) for _, s, m in rows}
    beta = next(r for g in groups for r in g.rows if r.trend.service_name == "Beta service")
    # One quarter of 2020/21 (25): a part-year is not compared with a full year's baseline.
    assert (beta.annual[0].value, beta.annual[0].change, beta.baseline) == (25.0, "", 100)
    own = strategy_progress(session, world["owner"])
    assert {r.trend.service_name for g in own for r in g.rows} == {"Alpha service"}


def test_publication_protects_every_year_to_date_a_pack_may_show(session):
    """2024/25: Q1 20, Q2 3, Q3 20. A pack for Q2 publishes the year to date through Q2 (23),
    so Q1 must be withheld with the hidden Q2 — otherwise 23 − 20 gives the 3 away — even
    though the year's total (43) would be equally protected by withholding Q3 instead."""
    owner = f.provider(session, "Gamma Trust")
    svc = f.service(session, "Gamma service", owner)
    people = f.metric(session, svc, "People", headline=True)
    periods = f.periods(session, 2024)
    for q, value in ((1, 20), (2, 3), (3, 20)):
        f.a_return(session, svc, periods[q], "approved", {people: value})
    trend = metric_trend(session, A(1, "viewer"), svc.id, people.id, publish=True)
    assert dict(zip(trend.quarters, trend.markers, strict=True)) == {
        (2024, 1): "Withheld", (2024, 2): "<5", (2024, 3): None}
    assert trend.annual[0].value == 43  # the year to date through Q3 shown: Q1 + Q2 stay unknown


@pytest.mark.parametrize("publish", [False, True])
def test_the_charts_ending_at_a_quarter_are_those_the_whole_set_ends_there(demo_factory, publish):
    """What needs attention reads only the charts whose latest point is its quarter
    (`ending`): the same charts, point for point, as the whole set's that end there."""
    from models.reporting.trends import visible_trends
    from models.store.db import unit_of_work

    with unit_of_work(demo_factory) as s:
        # 2026/27 Q4 is after the demo's today: every chart ends earlier, so none is read.
        for until in ((2025, 2), (2024, 4), (2026, 1), (2026, 4)):
            every = visible_trends(s, A(1, "admin"), publish=publish, until=until)
            ending = visible_trends(s, A(1, "admin"), publish=publish, until=until, ending=True)
            expected = [t for t in every if t.quarters and t.quarters[-1] == until]
            assert every and (expected == [] if until == (2026, 4) else expected)
            assert [(t.metric_id, t.spc, t.markers, t.quarters, t.note) for t in ending] == [
                (t.metric_id, t.spc, t.markers, t.quarters, t.note) for t in expected]
            assert all(t.annual == () for t in ending)

"""The performance table against figures computed by hand for a small fixture."""

import pytest

from models.reporting.cells import row_cells
from models.reporting.performance import COLUMNS, build_performance_table
from tests.helpers import factories as f
from tests.helpers.factories import TODAY_2024

YEAR = 2024


@pytest.fixture
def fixture(session):
    owner = f.provider(session, "Alpha Support")
    other = f.provider(session, "Beta Trust")
    svc = f.service(session, "Alpha service", owner)
    people = f.metric(session, svc, "People supported", headline=True, order=0,
                      categories=("Self", "GP"))
    improved = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome", order=1)
    cards = f.metric(session, svc, "Cards issued", kind="outcome", higher_is_better=False, order=2)
    beta = f.service(session, "Beta service", other, order=1)
    beta_people = f.metric(session, beta, "Residents engaged", headline=True)
    f.target(session, people, YEAR, 100)
    f.target(session, improved, YEAR, 75)
    f.target(session, cards, YEAR, 40)
    f.target(session, beta_people, YEAR, 40)
    ps = f.periods(session, YEAR)
    self_cat, gp_cat = people.categories
    f.a_return(session, svc, ps[1], "approved", {people: 20, cards: 8}, {improved: (9, 10)},
               {self_cat: 15, gp_cat: 5})
    f.a_return(session, svc, ps[2], "approved", {people: 30, cards: 12}, {improved: (10, 100)},
               {self_cat: 10, gp_cat: 20})
    f.a_return(session, beta, ps[2], "submitted", {beta_people: 9})
    return {"svc": svc, "beta": beta, "owner": owner, "other": other}


def _row(table, metric_name):
    return next(r for r in table.rows if r.metric.strip() == metric_name)


def test_quarter_figures(session, fixture):
    table = build_performance_table(session, YEAR, 2, TODAY_2024)
    people = _row(table, "People supported")
    assert people.quarter_target == 25  # 100 split evenly
    assert people.quarter_actual.count == 30
    assert people.quarter_pct == pytest.approx(120)
    assert people.ytd_target == 50 and people.ytd_actual.count == 50
    assert people.forecast == 100  # 50 over two quarters, times four
    assert (people.rag, people.status) == ("green", "Approved")

    safer = _row(table, "Felt safer")
    assert (safer.quarter_actual.rate.numerator, safer.quarter_actual.rate.denominator) == (10, 100)
    assert safer.rag == "red"  # 10% against 75%
    # Pooled: 19 of 110, not the 50% an average of 90% and 10% would give.
    assert safer.ytd_actual.rate.value == pytest.approx(100 * 19 / 110)
    assert safer.ytd_target == 75

    cards = _row(table, "Cards issued")
    assert cards.quarter_target == 10 and cards.quarter_actual.count == 12
    assert cards.rag == "red"  # lower is better: 10/12 = 83%
    assert "Lower is better" in cards.notes


def test_breakdowns_follow_their_metric(session, fixture):
    table = build_performance_table(session, YEAR, 2, TODAY_2024)
    names = [r.metric for r in table.rows if r.service == "Alpha service"]
    assert names[:3] == ["People supported", "    Self", "    GP"]
    gp = _row(table, "GP")
    assert gp.is_breakdown and gp.quarter_actual.count == 20 and gp.ytd_actual.count == 25


def test_only_approved_counts_unless_provisional(session, fixture):
    table = build_performance_table(session, YEAR, 2, TODAY_2024)
    beta = _row(table, "Residents engaged")
    assert beta.quarter_actual.count is None and beta.rag == "no_data"
    assert beta.status == "Submitted"
    provisional = build_performance_table(session, YEAR, 2, TODAY_2024, include_submitted=True)
    beta = _row(provisional, "Residents engaged")
    assert beta.quarter_actual.count == 9 and beta.rag == "amber"  # 9 of 10 = 90%
    assert any("Provisional" in n for n in beta.notes)


def test_not_due_and_missing(session, fixture):
    q3 = build_performance_table(session, YEAR, 3, TODAY_2024)
    assert _row(q3, "People supported").rag == "not_due"
    assert _row(q3, "People supported").status == "Not due"
    q1 = build_performance_table(session, YEAR, 1, TODAY_2024)
    assert _row(q1, "Residents engaged").status == "Missing"


def test_whole_year(session, fixture):
    table = build_performance_table(session, YEAR, None, TODAY_2024)
    people = _row(table, "People supported")
    assert people.quarter_target is None and people.quarter_actual.empty
    assert people.ytd_target == 50 and people.ytd_actual.count == 50  # through Q2, the last due
    assert people.annual_target == 100
    assert people.status == "2 of 4 approved"


def test_provider_scope_limits_rows(session, fixture):
    table = build_performance_table(session, YEAR, 2, TODAY_2024,
                                    provider_id=fixture["other"].id)
    assert {r.service for r in table.rows} == {"Beta service"}


def test_cells_follow_the_contract_columns(session, fixture):
    table = build_performance_table(session, YEAR, 2, TODAY_2024)
    cells = dict(zip(COLUMNS, row_cells(_row(table, "Felt safer")), strict=True))
    assert cells["Quarter actual"] == "10% (10 of 100)"
    assert cells["Quarter target"] == "75%"
    assert cells["RAG"] == "Red"
    assert cells["Kind"] == "Outcome"

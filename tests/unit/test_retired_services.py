"""History does not change when something is retired (issue #13, item 6).

"Old service" (its own flag retired) and "Beta service" (its provider retired) have an
approved Q1 2023/24 return of 20 people against an annual target of 80; "Target only"
(retired) has a 2022/23 target and no figures. None of them has anything in 2024/25."""

import datetime as dt

import pytest

from models.reporting.cells import row_cells
from models.reporting.overview import OverviewFilters, filter_choices, overview_tables, service_tiles
from models.reporting.performance import COLUMNS, build_performance_table
from models.reporting.priorities import priority_groups
from models.reporting.retirement import is_retired
from models.reporting.service_figures import service_choices, service_figures
from models.reporting.submissions import submission_grid
from models.returns.lists import returns_home
from models.returns.saving import save_return
from models.returns.view import load_return_view
from models.rules.validation import RawReturn
from models.rules.workflow import WorkflowError
from tests.helpers import factories as f

TODAY = dt.date(2024, 11, 25)
A = f.Actor


@pytest.fixture
def world(session):
    alpha, beta = f.provider(session, "Alpha Support"), f.provider(session, "Beta Trust")
    old = f.service(session, "Old service", alpha)
    current = f.service(session, "Current service", alpha, order=1)
    beta_svc = f.service(session, "Beta service", beta, order=2)
    target_only = f.service(session, "Target only", alpha, order=3)
    metrics = {}
    for svc in (old, current, beta_svc, target_only):
        metrics[svc.name] = f.metric(session, svc, "People supported", headline=True)
    for name in ("Old service", "Current service", "Beta service"):
        f.target(session, metrics[name], 2023, 80)
    f.target(session, metrics["Target only"], 2022, 40)
    p23 = f.periods(session, 2023)
    f.periods(session, 2024)
    for name, svc in (("Old service", old), ("Current service", current), ("Beta service", beta_svc)):
        f.a_return(session, svc, p23[1], "approved", {metrics[name]: 20})
    old.active = False
    target_only.active = False
    beta.active = False  # retiring the provider retires the services it delivers
    session.flush()
    return {"old": old, "current": current, "beta": beta_svc, "target_only": target_only,
            "alpha": alpha, "beta_provider": beta, "p24": f.periods(session, 2024)}


def _services(table):
    return {r.service for r in table.rows}


def _row(table, service):
    return next(r for r in table.rows if r.service == service)


def test_the_rule_covers_the_service_and_its_provider(session, world):
    assert is_retired(session, world["old"].id)
    assert is_retired(session, world["beta"].id)
    assert not is_retired(session, world["current"].id)


def test_retired_rows_stay_in_the_years_they_have_figures_marked(session, world):
    q1 = build_performance_table(session, 2023, 1, TODAY)
    assert {"Old service", "Current service", "Beta service"} <= _services(q1)
    assert "Target only" not in _services(q1)  # no figures or targets in 2023/24
    old = _row(q1, "Old service")
    assert old.retired and old.notes[0] == "Retired service"
    assert (old.quarter_actual.count, old.quarter_target, old.rag) == (20, 20, "green")
    assert old.status == "Approved"  # what it sent stays as it was
    assert _row(q1, "Beta service").retired  # its provider is retired
    assert not _row(q1, "Current service").retired
    # A quarter it sent nothing for: nothing more is expected of it.
    q2 = build_performance_table(session, 2023, 2, TODAY)
    assert _row(q2, "Old service").status == "Retired"
    assert _row(q2, "Current service").status == "Missing"
    year = build_performance_table(session, 2023, None, TODAY)
    assert _row(year, "Old service").status == "Retired; 1 of 4 approved"
    cells = dict(zip(COLUMNS, row_cells(old), strict=True))
    assert cells["Note"].startswith("Retired service") and cells["Quarter actual"] == "20"


def test_retired_rows_stay_when_only_a_target_was_set(session, world):
    table = build_performance_table(session, 2022, None, TODAY)
    assert "Target only" in _services(table)
    assert _row(table, "Target only").annual_target == 40


def test_retired_services_are_absent_from_years_without_figures_or_targets(session, world):
    services = _services(build_performance_table(session, 2024, 2, TODAY))
    assert "Current service" in services
    assert not {"Old service", "Beta service", "Target only"} & services


def test_filters_keep_retired_services_and_their_figures(session, world):
    by_provider = build_performance_table(session, 2023, 1, TODAY, provider_id=world["alpha"].id)
    assert _services(by_provider) == {"Old service", "Current service"}
    assert _row(by_provider, "Old service").quarter_actual.count == 20
    beta_only = build_performance_table(session, 2023, 1, TODAY,
                                        provider_id=world["beta_provider"].id)
    assert _services(beta_only) == {"Beta service"}
    choices = filter_choices(session, A(1, "admin"))
    assert world["beta_provider"].id in {i for i, _ in choices["provider"]}


def test_overview_and_priorities_keep_them(session, world):
    table, before = overview_tables(session, A(1, "viewer"), OverviewFilters(2023, 1), TODAY)
    tiles = {t.service: t for t in service_tiles(table, before)}
    assert tiles["Old service"].headline.retired
    assert tiles["Old service"].headline.quarter_actual.count == 20
    groups = priority_groups(session, build_performance_table(session, 2023, 1, TODAY))
    listed = {r.service for g in groups for rows in g.by_workstream.values() for r in rows}
    assert {"Old service", "Beta service"} <= listed
    groups = priority_groups(session, build_performance_table(session, 2024, 1, TODAY))
    listed = {r.service for g in groups for rows in g.by_workstream.values() for r in rows}
    assert not {"Old service", "Beta service"} & listed


def test_submissions_keep_them_without_expecting_more(session, world):
    rows, rates = submission_grid(session, A(1, "viewer"), 2023, TODAY)
    old = next(r for r in rows if r.service == "Old service")
    assert old.retired and old.statuses == ["approved", "retired", "retired", "retired"]
    current = next(r for r in rows if r.service == "Current service")
    assert current.statuses == ["approved", "missing", "missing", "missing"]
    # Q1: Old, Current and Beta sent theirs (Target only, retired, sent nothing: not expected).
    assert (rates[0].expected, rates[0].received) == (3, 3)
    assert (rates[1].expected, rates[1].received) == (1, 0)  # only Current is still expected
    rows, _ = submission_grid(session, A(1, "viewer"), 2024, TODAY)
    assert not {"Old service", "Beta service", "Target only"} & {r.service for r in rows}


def test_the_service_page_keeps_them_named_as_retired(session, world):
    names = dict(service_choices(session, A(1, "viewer")))
    assert names[world["old"].id] == "Old service (retired)"
    assert names[world["current"].id] == "Current service"
    own = dict(service_choices(session, A(2, "provider", world["alpha"].id)))
    assert world["old"].id in own and world["beta"].id not in own
    figures = service_figures(session, A(1, "viewer"), world["old"].id, 2023)
    assert figures.retired and figures.has_data
    assert not service_figures(session, A(1, "viewer"), world["current"].id, 2023).retired


def test_retired_services_take_no_new_returns(session, world):
    owner = A(2, "provider", world["alpha"].id)
    listed = {r.service for r in returns_home(session, owner, TODAY)}
    assert "Current service" in listed and "Old service" not in listed
    admin = A(3, "admin")
    assert not {"Old service", "Beta service"} & {r.service for r in returns_home(session, admin, TODAY)}
    q2 = world["p24"][2]
    view = load_return_view(session, admin, world["old"].id, q2.id, TODAY)
    assert not view.editable
    with pytest.raises(WorkflowError, match="retired"):
        save_return(session, admin, world["old"].id, q2.id, RawReturn(), 0, submit=False)


"""Statuses by the calendar, not by rows (issue #13, item 5): one rule, worked by hand.

Q1 2024/25 ends on 30 June 2024, so by default it is due on 20 July 2024 (the 20th day
after), and is due from that day itself. Q2 ends on 30 September: due 20 October 2024."""

import datetime as dt
from types import SimpleNamespace

import pytest

from models.reporting.overview import OverviewFilters, default_quarter, rag_summary
from models.reporting.performance import build_performance_table
from models.reporting.submissions import status_word, submission_grid
from models.rules.periods import (
    Quarter,
    due_date_of,
    is_due,
    is_overdue,
    latest_due,
    quarters_due,
    year_is_due,
)
from models.rules.workflow import monitoring_status
from tests.helpers import factories as f

Q1 = Quarter(2024, 1)
DAY_BEFORE, DUE_DAY, DAY_AFTER = dt.date(2024, 7, 19), dt.date(2024, 7, 20), dt.date(2024, 7, 21)


def test_a_quarter_is_due_from_its_due_date_inclusive():
    assert due_date_of(Q1) == dt.date(2024, 7, 20)
    assert [is_due(Q1, d) for d in (DAY_BEFORE, DUE_DAY, DAY_AFTER)] == [False, True, True]
    # Late (overdue, missing) only from the day after.
    assert [is_overdue(Q1, d) for d in (DAY_BEFORE, DUE_DAY, DAY_AFTER)] == [False, False, True]


def test_a_period_rows_due_date_wins_over_the_default():
    row = SimpleNamespace(due_date=dt.date(2024, 8, 1))
    assert due_date_of(Q1, row) == dt.date(2024, 8, 1)
    assert not is_due(Q1, DAY_AFTER, row)
    assert not is_due(Q1, dt.date(2024, 7, 31), row)
    assert is_due(Q1, dt.date(2024, 8, 1), row)


def test_quarters_due_and_the_year_without_rows():
    assert quarters_due(2024, dt.date(2024, 11, 25)) == [1, 2]  # Q3 is due 20 January 2025
    assert quarters_due(2024, DAY_BEFORE) == []
    assert quarters_due(2019, dt.date(2024, 11, 25)) == [1, 2, 3, 4]  # no rows needed
    # A year is due once its first quarter is.
    assert [year_is_due(2024, d) for d in (DAY_BEFORE, DUE_DAY, DAY_AFTER)] == [False, True, True]
    late_q1 = {1: SimpleNamespace(due_date=dt.date(2024, 8, 1))}
    assert not year_is_due(2024, DAY_AFTER, late_q1)


def test_the_quarter_a_meeting_reviews():
    assert latest_due(DAY_BEFORE) == Quarter(2023, 4)  # due 20 April 2024
    assert latest_due(DUE_DAY) == Q1
    rows = {(2024, 1): SimpleNamespace(due_date=dt.date(2024, 8, 1))}
    assert latest_due(DUE_DAY, rows) == Quarter(2023, 4)


def test_monitoring_status_on_each_side_of_the_due_date():
    assert monitoring_status(None, Q1, DAY_BEFORE) == "not_due"
    assert monitoring_status(None, Q1, DUE_DAY) == "not_started"  # due today
    assert monitoring_status(None, Q1, DAY_AFTER) == "missing"
    assert monitoring_status("draft", Q1, DAY_BEFORE) == "draft"
    assert monitoring_status("draft", Q1, DAY_AFTER) == "overdue"
    assert monitoring_status("approved", Q1, DAY_BEFORE) == "approved"


@pytest.fixture
def one_service(session):
    svc = f.service(session, "Calendar service", f.provider(session, "Calendar Trust"))
    people = f.metric(session, svc, "People supported", headline=True)
    for year in (2019, 2024):
        f.target(session, people, year, 100)
    return svc, people


def _headline(table):
    return next(r for r in table.rows if r.metric == "People supported")


def test_a_year_before_the_programme_reads_no_data_not_not_due(session, one_service):
    """2019/20 has no period rows and no returns: every quarter and the year are past their
    default due dates, so the rows read "No data", and nobody sent anything: "Missing"."""
    today = dt.date(2024, 11, 25)
    for quarter in (1, 2, 3, 4):
        row = _headline(build_performance_table(session, 2019, quarter, today))
        assert (row.rag, row.status) == ("no_data", "Missing")
    year = _headline(build_performance_table(session, 2019, None, today))
    assert year.rag == "no_data"
    assert year.ytd_target == 100  # through Q4: all four quarters are due


def test_a_year_without_rows_before_and_after_its_default_due_dates(session, one_service):
    before = _headline(build_performance_table(session, 2019, 1, dt.date(2019, 7, 19)))
    assert (before.rag, before.status) == ("not_due", "Not due")
    on = _headline(build_performance_table(session, 2019, 1, dt.date(2019, 7, 20)))
    assert (on.rag, on.status) == ("no_data", "Not started")
    after = _headline(build_performance_table(session, 2019, 1, dt.date(2019, 7, 21)))
    assert (after.rag, after.status) == ("no_data", "Missing")
    year_before = _headline(build_performance_table(session, 2019, None, dt.date(2019, 7, 19)))
    assert year_before.rag == "not_due" and year_before.ytd_target is None
    year_on = _headline(build_performance_table(session, 2019, None, dt.date(2019, 7, 20)))
    assert year_on.rag == "no_data" and year_on.ytd_target == 25  # Q1 only: 100 / 4


@pytest.fixture
def reported(session, one_service):
    svc, people = one_service
    ps = f.periods(session, 2024)
    f.a_return(session, svc, ps[1], "approved", {people: 20})
    f.a_return(session, svc, ps[2], "approved", {people: 30})
    return svc, ps


@pytest.mark.parametrize(("today", "rag", "status"), [
    (dt.date(2024, 10, 19), "not_due", "Not due"),
    (dt.date(2024, 10, 20), "no_data", "Not started"),
    (dt.date(2024, 10, 21), "no_data", "Missing"),
])
def test_the_due_date_boundary_with_a_period_row(session, one_service, today, rag, status):
    f.periods(session, 2024)  # rows with the default dates: Q2 due 20 October 2024
    q2 = build_performance_table(session, 2024, 2, today)
    row = _headline(q2)
    assert (row.rag, row.status) == (rag, status)


def test_the_year_view_judges_the_quarters_due_so_far(session, reported):
    # 19 October: only Q1 is due. YTD 20 against 25 (100 / 4) = 80%: Red.
    early = _headline(build_performance_table(session, 2024, None, dt.date(2024, 10, 19)))
    assert (early.ytd_actual.count, early.ytd_target, early.rag) == (20, 25, "red")
    # 20 October, Q2's due date: 50 against 50: Green.
    on = _headline(build_performance_table(session, 2024, None, dt.date(2024, 10, 20)))
    assert (on.ytd_actual.count, on.ytd_target, on.rag) == (50, 50, "green")


def test_the_overview_summary_and_default_quarter_use_the_same_rule(session, reported):
    filters = OverviewFilters(2024, 3)
    counts = {w: n for s in rag_summary(session, f.Actor(1, "viewer"), filters, dt.date(2025, 1, 20))
              for w, n in s.counts.items()}
    assert counts.get("No data", 0) >= 1 and "Not due" not in counts  # Q3 due on 20 January
    counts = {w: n for s in rag_summary(session, f.Actor(1, "viewer"), filters, dt.date(2025, 1, 19))
              for w, n in s.counts.items()}
    assert counts.get("Not due", 0) >= 1 and "No data" not in counts
    assert default_quarter(session, dt.date(2024, 10, 19)) == Quarter(2024, 1)
    assert default_quarter(session, dt.date(2024, 10, 20)) == Quarter(2024, 2)


def test_the_submission_grid_uses_the_calendar(session, reported):
    svc, _ = reported
    viewer = f.Actor(1, "viewer")
    rows, rates = submission_grid(session, viewer, 2024, dt.date(2024, 10, 20))
    mine = next(r for r in rows if r.service == svc.name)
    assert mine.statuses == ["approved", "approved", "not_due", "not_due"]
    assert [r.is_due for r in rates] == [True, True, False, False]  # Q2 due on the day
    # 2019/20 has no rows: past the default dates, a quarter with nothing in is missing.
    rows, rates = submission_grid(session, viewer, 2019, dt.date(2024, 11, 25))
    mine = next(r for r in rows if r.service == svc.name)
    assert mine.statuses == ["missing"] * 4
    assert all(r.is_due and r.due == Quarter(2019, r_q).default_due_date
               for r, r_q in zip(rates, (1, 2, 3, 4), strict=True))
    # Before its default due date, a quarter without a row says why it is empty.
    rows, _ = submission_grid(session, viewer, 2025, dt.date(2025, 7, 19))
    mine = next(r for r in rows if r.service == svc.name)
    assert mine.statuses[0] == "no_period"
    assert status_word("no_period") == "Not due (period not open yet)"


def test_before_its_contract_a_service_owes_nothing_and_every_page_says_so(session, one_service):
    """The contract starts on 1 October 2024: Q1 and Q2 of 2024/25 end before it, so they read
    "Not expected (before the contract)" in the table (RAG No data) as on Submissions; Q3
    is owed like any other quarter."""
    svc, _ = one_service
    svc.contract_start = dt.date(2024, 10, 1)
    today = dt.date(2025, 6, 1)
    for quarter in (1, 2):
        row = _headline(build_performance_table(session, 2024, quarter, today))
        assert (row.rag, row.status) == ("no_data", "Not expected (before the contract)")
    row = _headline(build_performance_table(session, 2024, 3, today))
    assert (row.rag, row.status) == ("no_data", "Missing")
    rows, _ = submission_grid(session, f.Actor(1, "viewer"), 2024, today)
    mine = next(r for r in rows if r.service == svc.name)
    assert [status_word(s) for s in mine.statuses[:3]] == [
        "Not expected (before the contract)", "Not expected (before the contract)", "Missing"]

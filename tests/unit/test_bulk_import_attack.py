"""Bulk import of returns (issue 21) under attack: a problem's row is the row a spreadsheet
shows even when the file has blank lines, and an import that races another import (or a
saved return) for the same returns is refused in words, nothing written, never a 500."""

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from exports.returns_file import read_returns_file
from models.returns.bulk_import import COLUMNS, apply_import, plan_import, problem_lines
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Period, Return

TODAY = dt.date(2026, 11, 25)
ISVA = "Independent Sexual Violence Advisor (ISVA)"
FIGURES = [("Women supported", "18", "", ""),
           ("Increased awareness of rights and available choices", "", "5", "9"),
           ("Improved sense of emotional wellbeing and self-esteem", "", "8", "10"),
           ("Greater feelings of safety", "", "8", "10")]


def _lines(year: str = "2019/20", quarter: str = "Q3", safety_improved: str = "8") -> list[str]:
    """The ISVA's whole return for a quarter the demo has no period for, as CSV lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[:8])
    for metric, count, numerator, denominator in FIGURES:
        if metric == "Greater feelings of safety":
            numerator = safety_improved
        writer.writerow([ISVA, metric, "", year, quarter, count, numerator, denominator])
    return out.getvalue().splitlines()


def _plan(session, text: str, *, replace: bool = False):
    contents = read_returns_file(text.encode(), "returns.csv")
    return plan_import(session, None, contents.headings, contents.rows, TODAY, replace=replace,
                       row_numbers=contents.row_numbers)


def _exported_then_cleared(factory, year: int):
    """A year's approved returns exported in the import's form, then taken out of the app:
    the file an import of that year's history reads back."""
    from exports.returns_file import returns_csv
    from models.returns.bulk_export import history_rows

    with unit_of_work(factory) as session:
        label = f"{year}/{(year + 1) % 100:02d}"
        data = returns_csv([r for r in history_rows(session, None) if r["year"] == label])
        periods = [p.id for p in session.scalars(select(Period).where(Period.year == year))]
        for ret in session.scalars(select(Return).where(Return.period_id.in_(periods))):
            session.delete(ret)
    return read_returns_file(data, "history.csv")


@pytest.mark.parametrize("blank", ["", ",,,,,,,"], ids=["empty line", "commas only"])
def test_a_problem_keeps_its_spreadsheet_row_after_a_blank_line(demo_factory, blank):
    lines = _lines(safety_improved="99")  # the safety rate is on the file's row 5
    with_blank = [*lines[:2], blank, *lines[2:]]  # a blank row 3: the bad row is now row 6
    with unit_of_work(demo_factory) as session:
        plan = _plan(session, "\n".join(with_blank) + "\n")
    assert problem_lines(plan.problems) == [
        "Row 6, numerator: Number improved for 'Greater feelings of safety' cannot be more than "
        "the number assessed (10)."]


def test_a_workbooks_blank_row_keeps_the_rows_below_it_numbered(demo_factory):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for number, line in enumerate(_lines(safety_improved="99"), start=1):
        sheet.append(next(csv.reader([line])))
        if number == 2:
            sheet.append([])  # row 3 left blank
    data = io.BytesIO()
    book.save(data)
    contents = read_returns_file(data.getvalue(), "returns.xlsx")
    with unit_of_work(demo_factory) as session:
        plan = plan_import(session, None, contents.headings, contents.rows, TODAY,
                           row_numbers=contents.row_numbers)
    assert [p.row for p in plan.problems] == [6]


def _returns(factory) -> int:
    with unit_of_work(factory) as session:
        return session.scalar(select(func.count()).select_from(Return))


def test_two_imports_of_the_same_new_return_at_once_one_is_refused_in_words(demo_factory):
    text = "\n".join(_lines()) + "\n"
    before = _returns(demo_factory)
    with unit_of_work(demo_factory) as first:
        plan = _plan(first, text)
        assert plan.ok
        with unit_of_work(demo_factory) as second:  # the other import, checked and written
            apply_import(second, None, _plan(second, text), status="approved")
        with pytest.raises(ValueError, match="at the same time"):
            apply_import(first, None, plan, status="approved")
    assert _returns(demo_factory) == before + 1


def test_two_replacing_imports_at_once_one_is_refused_in_words(demo_factory):
    text = "\n".join(_lines()) + "\n"
    with unit_of_work(demo_factory) as session:
        apply_import(session, None, _plan(session, text), status="approved")
    changed = "\n".join(_lines(safety_improved="7")) + "\n"
    with unit_of_work(demo_factory) as first:
        plan = _plan(first, changed, replace=True)
        assert plan.ok and plan.replaced()
        with unit_of_work(demo_factory) as second:
            apply_import(second, None, _plan(second, changed, replace=True), status="approved",
                         reason="corrected by the provider")
        with pytest.raises(ValueError, match="at the same time"):
            apply_import(first, None, plan, status="approved", reason="corrected again")
    with unit_of_work(demo_factory) as session:
        period = session.scalars(select(Period).filter_by(year=2019, quarter=3)).one()
        ret = session.scalars(select(Return).filter_by(period_id=period.id)).one()
        imports = session.scalars(select(AuditEvent).filter_by(entity="return", entity_id=ret.id,
                                                               action="import")).all()
    assert len(imports) == 2  # the first import and the one replacement that won


@pytest.mark.parametrize("lines", [
    lambda lines: [line + "," for line in lines],  # every line, the heading too
    lambda lines: [lines[0], *(line + "," for line in lines[1:])],  # the figures' lines only
], ids=["every line", "figures only"])
def test_a_spreadsheets_trailing_empty_column_is_read_as_nothing(demo_factory, lines):
    """Excel writes a comma after every line when a column past the last heading was ever
    formatted; pandas then took the first column for an index and moved every figure one
    column to the left."""
    with unit_of_work(demo_factory) as session:
        plan = _plan(session, "\n".join(lines(_lines())) + "\n")
        assert problem_lines(plan.problems) == []
        assert [(p.service.name, p.quarter.label) for p in plan.returns] == [(ISVA, "Q3 2019/20")]


def test_a_figure_past_the_last_heading_is_refused_with_its_row():
    lines = _lines()
    lines[3] += ",42"  # row 4: a cell under no heading
    with pytest.raises(ValueError, match="Row 4 has a cell past the last heading"):
        read_returns_file(("\n".join(lines) + "\n").encode(), "returns.csv")


def test_a_retired_measures_history_goes_out_and_comes_back(demo_factory):
    """A measure retired since keeps its rows in the years it has figures; the history export
    must carry them and the import take them, or a re-imported year loses them."""
    from models.access import audience_of
    from models.reporting.performance import performance_table
    from models.store.entities import Metric
    from models.store.users import find_user

    with unit_of_work(demo_factory) as session:
        session.scalars(select(Metric).where(Metric.name == "Greater feelings of safety")).one().active = False

    def table():
        with unit_of_work(demo_factory) as session:
            admin = audience_of(find_user(session, "admin@demo.local"))
            return {q: performance_table(session, admin, 2022, q, TODAY).rows for q in (1, 2, 3, 4, None)}

    before = table()
    assert any(r.metric == "Greater feelings of safety" and r.ytd_actual.rate for r in before[None])
    contents = _exported_then_cleared(demo_factory, 2022)
    with unit_of_work(demo_factory) as session:
        plan = plan_import(session, None, contents.headings, contents.rows, TODAY,
                           row_numbers=contents.row_numbers)
        assert problem_lines(plan.problems) == []
        apply_import(session, None, plan, status="approved")
    assert table() == before


def test_a_retired_measure_is_not_required_but_checked_when_given(demo_factory):
    from models.store.entities import Metric

    with unit_of_work(demo_factory) as session:
        session.scalars(select(Metric).where(Metric.name == "Greater feelings of safety")).one().active = False
    without = [line for line in _lines() if "Greater feelings of safety" not in line]
    with unit_of_work(demo_factory) as session:
        assert _plan(session, "\n".join(without) + "\n").ok
        plan = _plan(session, "\n".join(_lines(safety_improved="99")) + "\n")
    assert problem_lines(plan.problems) == [
        "Row 5, numerator: Number improved for 'Greater feelings of safety' cannot be more than "
        "the number assessed (10)."]


def test_names_the_export_guards_against_formulas_come_back_as_named(demo_factory):
    """The history export puts an apostrophe before a cell starting "@", "+", "-" or "="
    (so a spreadsheet does not run it); a service or measure named so must still match."""
    from exports.returns_file import returns_csv
    from models.returns.bulk_export import history_rows
    from models.store.entities import Metric, Service

    with unit_of_work(demo_factory) as session:
        session.scalars(select(Service).where(Service.name == ISVA)).one().name = "@Home ISVA"
        session.scalars(select(Metric).where(Metric.name == "Women supported")).one().name = "+Women supported"
        data = returns_csv([r for r in history_rows(session, None)
                            if r["service"] == "@Home ISVA" and r["year"] == "2022/23"])
        for ret in session.scalars(select(Return).join(Return.service).join(Return.period)
                                   .where(Service.name == "@Home ISVA", Period.year == 2022)):
            session.delete(ret)
    assert "'@Home ISVA" in data.decode() and "'+Women supported" in data.decode()
    contents = read_returns_file(data, "history.csv")
    with unit_of_work(demo_factory) as session:
        plan = plan_import(session, None, contents.headings, contents.rows, TODAY,
                           row_numbers=contents.row_numbers)
    assert problem_lines(plan.problems) == []
    assert len(plan.returns) == 4


def test_a_very_long_text_is_said_too_long_not_unreadable(demo_factory):
    """Python's csv module refuses a cell over 131,072 characters by default; the row check
    must not turn a too-long case study into "cannot be read"."""
    lines = _lines()
    lines[0] += ",case_study"
    lines[1] += "," + "x" * 200_000
    with unit_of_work(demo_factory) as session:
        plan = _plan(session, "\n".join(lines) + "\n")
    assert problem_lines(plan.problems) == [
        "Row 2, case_study: Case study must be 2,000 characters or fewer (it has 200,000)."]


def test_an_imported_year_is_not_counted_late(demo_factory):
    """The file says nothing of when a return was handed in: an imported year's returns were
    all "submitted" on the day of the import, so the submissions page said 0% on time for a
    year that was 100% on time. Now their timing is not known, and said so."""
    from layouts.dashboard_pages import submissions_body
    from models.reporting.submissions import submission_grid
    from models.store.users import find_user

    def rates():
        with unit_of_work(demo_factory) as session:
            return submission_grid(session, find_user(session, "admin@demo.local"), 2021, TODAY)

    before = [(q.expected, q.received, q.on_time) for q in rates()[1]]
    assert before == [(8, 8, 8)] * 4
    contents = _exported_then_cleared(demo_factory, 2021)
    with unit_of_work(demo_factory) as session:
        plan = plan_import(session, None, contents.headings, contents.rows, TODAY,
                           row_numbers=contents.row_numbers)
        apply_import(session, None, plan, status="approved")
    rows, after = rates()
    assert [(q.expected, q.received, q.on_time, q.timing_unknown) for q in after] == [(8, 8, 0, 8)] * 4
    assert all(q.on_time_rate is None for q in after)
    table = str(submissions_body(rows, after))
    assert table.count("Not known (imported)") == 4
    assert not re.search(r"(?<![0-9])0%", table)  # 100% received, never "0%" on time


def test_returns_imported_for_review_wait_first_in_the_queue_on_both_databases(demo_factory):
    """An imported return's date of handing in is not known; the queue, oldest first, puts it
    before the dated ones on PostgreSQL too (which sorts an unknown last unless told)."""
    from models.access import audience_of
    from models.returns.lists import review_queue
    from models.store.users import find_user

    with unit_of_work(demo_factory) as session:
        apply_import(session, None, _plan(session, "\n".join(_lines()) + "\n"), status="submitted")
    with unit_of_work(demo_factory) as session:
        queue = review_queue(session, audience_of(find_user(session, "admin@demo.local")))
    assert len(queue) == 3
    assert (queue[0].service, queue[0].label, queue[0].submitted_at) == (ISVA, "Q3 2019/20", None)


def test_a_workbook_whose_first_sheet_is_hidden_is_refused():
    """The import reads the first sheet; hidden, it is not the one Excel shows the person who
    checked the file (a visible sheet of other figures)."""
    import openpyxl

    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Real"
    for line in _lines(safety_improved="1"):
        hidden.append(next(csv.reader([line])))
    shown = book.create_sheet("Shown")
    for line in _lines():
        shown.append(next(csv.reader([line])))
    hidden.sheet_state = "hidden"
    book.active = 1
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(ValueError, match=r"first sheet.*is hidden"):
        read_returns_file(data.getvalue(), "returns.xlsx")

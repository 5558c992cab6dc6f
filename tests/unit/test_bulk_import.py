"""Bulk import of returns (issue 21), through the command a lead officer runs, on both
databases: a good file lands, one bad row writes nothing, --dry-run writes nothing, approved
returns are not overwritten without --replace and a reason, and the demo's history exported
and imported into a database without returns gives the same performance table every year."""

import csv
import datetime as dt
import io
import re

import pandas as pd
import pytest
from sqlalchemy import delete, func, select

from dash_app import cli
from exports.returns_file import MAX_BYTES, ReturnsFileError, read_returns_file, returns_csv
from models.access import audience_of
from models.reporting.performance import COLUMNS as TABLE_COLUMNS
from models.reporting.performance import performance_table
from models.returns.bulk_export import history_rows, template_rows
from models.returns.bulk_import import COLUMNS, Problem, plan_import, problem_lines
from models.store.data_version import current_version
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, Period, Return, ReturnBreakdownValue, ReturnValue
from models.store.users import find_user

TODAY = dt.date(2026, 11, 25)
HRW = "Healthy relationships workshops in schools"
ISVA = "Independent Sexual Violence Advisor (ISVA)"


@pytest.fixture
def run(db_url, monkeypatch, capsys):
    """`run("import-returns", file, ...)` -> (exit code, what it printed)."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MONITOR_TODAY", TODAY.isoformat())

    def go(*args: str) -> tuple[int, str]:
        code = cli.main(list(args))
        said = capsys.readouterr()
        return code, said.out + said.err
    return go


def _write(tmp_path, rows, name="returns.csv", columns=COLUMNS):
    path = tmp_path / name
    path.write_bytes(returns_csv(rows, columns))
    return path


def _return_count(factory) -> int:
    with unit_of_work(factory) as session:
        return session.scalar(select(func.count()).select_from(Return))


def _drop_return(factory, service: str, year: int, quarter: int) -> None:
    """Take one approved return out of the demo, so a file can bring it back."""
    with unit_of_work(factory) as session:
        period = session.scalars(select(Period).filter_by(year=year, quarter=quarter)).one()
        ret = session.scalars(select(Return).join(Return.service)
                              .where(Return.period_id == period.id)
                              .where(Return.service.has(name=service))).one()
        session.delete(ret)


def _isva_rows(year="2024/25", quarter="Q3", **changes) -> list[dict]:
    """The ISVA's whole return as a file gives it: a count and three rates (18 of 24 improved
    on the first)."""
    rows = [
        {"service": ISVA, "metric": "Women supported", "count": "31"},
        {"service": ISVA, "metric": "Increased awareness of rights and available choices",
         "numerator": "18", "denominator": "24", "highlights": "A steady quarter."},
        {"service": ISVA, "metric": "Improved sense of emotional wellbeing and self-esteem",
         "numerator": "5", "denominator": "6"},
        {"service": ISVA, "metric": "Greater feelings of safety", "numerator": "4", "denominator": "6"},
    ]
    for row in rows:
        row.update(year=year, quarter=quarter)
    for index, change in changes.items():
        rows[int(index[1:])].update(change)
    return rows


def _isva_metrics(factory) -> list[str]:
    with unit_of_work(factory) as session:
        admin = find_user(session, "admin@demo.local")
        rows = list(template_rows(session, admin))
    return [r["metric"] for r in rows if r["service"] == ISVA and not r["category"]]


def test_the_isva_rows_name_every_isva_measure(demo_factory):
    """The rows above are the ISVA's whole return (a test of this file's own fixture)."""
    assert sorted(_isva_metrics(demo_factory)) == sorted(r["metric"] for r in _isva_rows())
    with unit_of_work(demo_factory) as session:
        assert plan_import(session, None, list(COLUMNS), _isva_rows(year="2025/26", quarter="Q1"),
                           TODAY, replace=True).problems == []


def test_a_good_file_lands_and_its_figures_are_in_the_export(demo_factory, run, tmp_path):
    _drop_return(demo_factory, ISVA, 2024, 3)
    before = _return_count(demo_factory)
    with unit_of_work(demo_factory) as session:
        version = current_version(session)
    code, said = run("import-returns", str(_write(tmp_path, _isva_rows())))
    assert code == 0, said
    assert "Imported 1 returns from returns.csv as approved: 1 new, 0 replaced." in said
    assert _return_count(demo_factory) == before + 1
    with unit_of_work(demo_factory) as session:
        assert current_version(session) != version  # every cache sees the new figures
        ret = session.scalars(select(Return).order_by(Return.id.desc())).first()
        assert ret.status == "approved" and ret.highlights == "A steady quarter."
        events = session.scalars(select(AuditEvent).filter_by(entity="return", entity_id=ret.id)).all()
        assert [e.action for e in events] == ["import"]
        assert "returns.csv (command line)" in events[0].after
    out = tmp_path / "table.csv"
    assert run("export", "--user", "admin@demo.local", "--year", "2024/25", "--quarter", "Q3",
               "--out", str(out))[0] == 0
    table = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    isva = {r["Metric"]: r for r in table if r["Service"] == ISVA and r["Kind"] != "Breakdown"}
    assert isva["Women supported"]["Quarter actual"] == "31"
    assert isva["Increased awareness of rights and available choices"]["Quarter actual"].startswith("75%")


def test_one_bad_row_writes_nothing_and_says_where(demo_factory, run, tmp_path):
    _drop_return(demo_factory, ISVA, 2024, 3)
    rows = _isva_rows(r1={"numerator": "25"})  # more improved than assessed
    rows.append({"service": "Sanctuary schem", "metric": "Households supported", "year": "2024/25",
                 "quarter": "Q3", "count": "5"})
    before = _return_count(demo_factory)
    code, said = run("import-returns", str(_write(tmp_path, rows)))
    assert code == 2
    assert "Nothing was imported: 2 problems in returns.csv." in said
    assert ("Row 3, numerator: Number improved for 'Increased awareness of rights and available "
            "choices' cannot be more than the number assessed (24).") in said
    assert "Row 6, service: There is no service called 'Sanctuary schem'. Did you mean 'Sanctuary scheme'?" in said
    assert _return_count(demo_factory) == before


@pytest.mark.parametrize("change, where, message", [
    ({"r0": {"count": "3.5"}}, "Row 2, count", "Women supported must be a whole number, like 12"),
    ({"r0": {"count": ""}}, "Row 2, count", "Enter women supported"),
    ({"r0": {"metric": "Women suported"}}, "Row 2, metric",
     "has no measure called 'Women suported'. Did you mean 'Women supported'?"),
    ({"r0": {"quarter": "Q5"}}, "Row 2, quarter", "'Q5' is not a quarter"),
    ({"r0": {"year": "2024/26"}}, "Row 2, year", "the years must follow on"),
    ({"r0": {"numerator": "3"}}, "Row 2, numerator", "is a count: put the figure in count"),
    ({"r1": {"count": "3"}}, "Row 3, count", "is a rate: put the number improved in numerator"),
    ({"r0": {"year": "2026/27", "quarter": "Q4"}}, "Row 2, quarter", "Q4 2026/27 has not ended yet"),
], ids=["not whole", "blank", "misspelt measure", "quarter", "year", "count in numerator",
        "rate in count", "not ended"])
def test_each_rule_of_the_form_is_said_by_its_row_and_column(demo_factory, change, where, message):
    with unit_of_work(demo_factory) as session:
        plan = plan_import(session, None, list(COLUMNS), _isva_rows(year="2025/26", quarter="Q1", **change),
                           TODAY, replace=True)
    said = [str(p) for p in plan.problems]
    assert any(s.startswith(where) and message in s for s in said), said


def test_a_measure_left_out_and_categories_that_do_not_add_up(demo_factory):
    with unit_of_work(demo_factory) as session:
        admin = find_user(session, "admin@demo.local")
        hrw = [r for r in history_rows(session, admin)
               if r["service"] == HRW and r["year"] == "2025/26" and r["quarter"] == "Q1"]
        lessons = next(r for r in hrw if r["metric"] == "Lessons delivered" and not r["category"])
        parts = sum(int(r["count"]) for r in hrw if r["metric"] == "Lessons delivered" and r["category"])
        lessons["count"] = str(parts + 4)
        rows = [r for r in hrw if r["metric"] != "Teachers trained"]
        plan = plan_import(session, admin, list(COLUMNS), rows, TODAY, replace=True)
    said = [str(p) for p in plan.problems]
    assert said == [
        f"Row 2, metric: {HRW}, Q1 2025/26: Enter teachers trained (add a row for it).",
        f"Row {2 + rows.index(lessons)}, count: The lessons delivered by category add up to {parts}, "
        f"but the total is {parts + 4}. Make them add up to the total.",
    ]


def test_a_dry_run_writes_nothing(demo_factory, run, tmp_path):
    _drop_return(demo_factory, ISVA, 2024, 3)
    before = _return_count(demo_factory)
    code, said = run("import-returns", str(_write(tmp_path, _isva_rows())), "--dry-run")
    assert code == 0
    assert "1 returns would be imported as approved" in said and "Nothing was written" in said
    assert _return_count(demo_factory) == before


def test_approved_returns_are_replaced_only_when_asked_with_a_reason(demo_factory, run, tmp_path):
    path = _write(tmp_path, _isva_rows())  # Q3 2024/25: approved in the demo
    code, said = run("import-returns", str(path))
    assert code == 2
    assert f"Row 2, quarter: {ISVA} already has an approved return for Q3 2024/25." in said
    code, said = run("import-returns", str(path), "--replace")
    assert code == 2 and "--replace needs --reason" in said
    code, said = run("import-returns", str(path), "--replace", "--reason", "Corrected figures from the provider")
    assert code == 0 and "1 replaced" in said, said
    with unit_of_work(demo_factory) as session:
        event = session.scalars(select(AuditEvent).filter_by(action="import")).one()
        assert "Corrected figures from the provider" in event.after
        assert event.before is not None  # what was there before, kept


def test_the_demo_history_exported_and_imported_again_gives_the_same_tables(demo_factory, run, tmp_path):
    """Only approved returns are history: the others are taken out first, so the tables before
    and after have the same returns behind them."""
    with unit_of_work(demo_factory) as session:
        for ret in session.scalars(select(Return).where(Return.status != "approved")):
            session.delete(ret)
    with unit_of_work(demo_factory) as session:
        admin = find_user(session, "admin@demo.local")
        years = sorted({p.year for p in session.scalars(select(Period))})
        narrative = {(r.service_id, r.period_id): (r.highlights, r.challenges, r.case_study)
                     for r in session.scalars(select(Return))}

        def tables():
            return {(year, quarter): performance_table(session, audience_of(admin), year, quarter, TODAY).rows
                    for year in years for quarter in (1, 2, 3, 4, None)}
        before = tables()
    out = tmp_path / "history.csv"
    code, said = run("export-returns", "--out", str(out))
    assert code == 0, said
    with unit_of_work(demo_factory) as session:
        session.execute(delete(ReturnBreakdownValue))
        session.execute(delete(ReturnValue))
        session.execute(delete(Return))
    code, said = run("import-returns", str(out))
    assert code == 0, said
    assert f"as approved: {len(narrative)} new, 0 replaced" in said
    with unit_of_work(demo_factory) as session:
        after = tables()
        assert {(r.service_id, r.period_id): (r.highlights, r.challenges, r.case_study)
                for r in session.scalars(select(Return))} == narrative
    assert sum(len(rows) for rows in before.values()) > 500
    assert after == before


def test_a_workbook_reads_as_the_csv_does(tmp_path):
    rows = [{"service": ISVA, "metric": "Referrals received", "category": "", "year": "2024/25",
             "quarter": "Q3", "count": "1,364", "numerator": "", "denominator": ""}]
    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=list(COLUMNS[:8])).to_excel(buffer, index=False)
    from_xlsx = read_returns_file(buffer.getvalue(), "history.xlsx")
    from_csv = read_returns_file(returns_csv(rows, COLUMNS[:8]), "history.csv")
    assert from_xlsx.headings == from_csv.headings == list(COLUMNS[:8])
    assert from_xlsx.rows == from_csv.rows
    assert from_csv.rows[0]["count"] == "1,364"  # text as written: the form's rules read it


@pytest.mark.parametrize("data, name, message", [
    (b"service,metric\n", "history.txt", "must be a CSV (.csv) or an Excel workbook"),
    (b"", "history.csv", "The file is empty."),
    (b"x" * (MAX_BYTES + 1), "history.csv", "larger than 20 MB"),
    ("service\n\u00e9".encode("latin-1"), "history.csv", "not in UTF-8"),
    (b"not a zip", "history.xlsx", "not an Excel workbook"),
])
def test_a_file_that_cannot_be_read_is_refused_in_words(data, name, message):
    with pytest.raises(ReturnsFileError, match=re.escape(message)):
        read_returns_file(data, name)


def test_the_columns_are_checked_before_any_row(demo_factory):
    with unit_of_work(demo_factory) as session:
        plan = plan_import(session, None, ["service", "metric", "year", "quarter", "count", "numerater"],
                           [], TODAY)
    said = [str(p) for p in plan.problems]
    assert "Columns: The file has no 'category' column." in said
    assert "Columns: The file has no 'numerator' column." in said
    assert any("'numerater' is not a column this import reads" in s for s in said)


def test_a_provider_or_member_may_not_import(demo_factory):
    from models.access import AccessRefused

    with unit_of_work(demo_factory) as session:
        for email in ("viewer@demo.local", "safer-futures-support@demo.local"):
            with pytest.raises(AccessRefused):
                plan_import(session, find_user(session, email), list(COLUMNS), _isva_rows(), TODAY)
            with pytest.raises(AccessRefused):
                list(history_rows(session, find_user(session, email)))


def test_the_same_problem_on_many_rows_is_said_once():
    problems = [Problem(r, "service", "No provider.") for r in (2, 3, 4, 9)] + [Problem(5, "count", "Enter it.")]
    assert problem_lines(problems) == ["Rows 2 to 4 and 9, service: No provider.", "Row 5, count: Enter it."]
    many = [Problem(r, "count", f"Problem {r}.") for r in range(2, 80)]
    lines = problem_lines(many, limit=10)
    assert len(lines) == 11 and lines[-1] == "… and 68 more."


def test_the_table_columns_are_unchanged_by_an_import():
    """The export the test above reads is the performance table's own (a guard for its names)."""
    assert {"Service", "Metric", "Kind", "Quarter actual"} <= set(TABLE_COLUMNS)


def test_the_readmes_example_file_is_a_good_import(demo_factory):
    """The example under "Importing history" in the README, read as the import reads it:
    complete returns with nothing to correct (the demo already has these two, hence replace)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = readme.index("```csv\n", readme.index("### Importing history")) + len("```csv\n")
    example = readme[start:readme.index("```", start)].encode()
    contents = read_returns_file(example, "example.csv")
    with unit_of_work(demo_factory) as session:
        plan = plan_import(session, None, contents.headings, contents.rows, TODAY, replace=True)
    assert plan.problems == []
    assert [(p.service.name, p.quarter.label) for p in plan.returns] == [
        ("Independent Sexual Violence Advisor (ISVA)", "Q1 2021/22"), ("Sanctuary scheme", "Q1 2021/22")]


def test_an_import_says_how_far_it_has_got(demo_factory):
    """apply_import reports (written, in all) before each return: a background job's stage."""
    from models.returns.bulk_import import apply_import

    with unit_of_work(demo_factory) as session:
        rows = [{**r, "year": "2019/20"} for r in _isva_rows()]
        rows += [{**r, "year": "2019/20", "quarter": "Q4"} for r in _isva_rows()]
        plan = plan_import(session, None, list(COLUMNS), rows, TODAY)
        heard: list[tuple[int, int]] = []
        apply_import(session, None, plan, status="approved", progress=lambda done, total: heard.append((done, total)))
    assert heard == [(0, 2), (1, 2)]

"""XLSX and PDF exports checked against an independent computation from the database."""

import datetime as dt
import io
import math
import re
import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exports.build import build_export
from exports.csv_table import performance_csv
from models.reporting.performance import COLUMNS, build_performance_table
from models.reporting.publication import row_masks, table_disclosure
from models.rules.formats import format_number
from models.store.db import unit_of_work
from models.store.entities import Metric, Period, Provider, Return, ReturnValue, Service
from models.store.users import find_user
from tests.helpers import factories as f
from tests.helpers.config import TODAY
from tests.helpers.pdf import blank_charts

PLANTED = '=HYPERLINK("http://x","y")'


def _independent_sum(s, metric_name: str, year: int, quarter: int) -> int:
    """The approved total straight from the rows, without the app's aggregation code."""
    values = s.scalars(
        select(ReturnValue.count).join(Return).join(Period).join(Metric, Metric.id == ReturnValue.metric_id)
        .where(Metric.name == metric_name, Period.year == year, Period.quarter == quarter,
               Return.status == "approved")).all()
    return sum(values)


def _independent_rate(s, metric_name: str, year: int, quarter: int) -> tuple[int, int]:
    row = s.execute(
        select(func.sum(ReturnValue.numerator), func.sum(ReturnValue.denominator))
        .join(Return).join(Period).join(Metric, Metric.id == ReturnValue.metric_id)
        .where(Metric.name == metric_name, Period.year == year, Period.quarter == quarter,
               Return.status == "approved")).one()
    return int(row[0]), int(row[1])


def test_xlsx_sheets_figures_and_formats(demo_factory):
    with unit_of_work(demo_factory) as s:
        s.scalars(select(Provider).where(Provider.slug == "brightpath-education")).one().name = PLANTED
    with unit_of_work(demo_factory) as s:
        body = build_export(s, find_user(s, "viewer@demo.local"), "xlsx", 2025, 3, TODAY)
        pupils = _independent_sum(s, "Pupils reached", 2025, 3)
        safety = _independent_rate(s, "Reported increased safety", 2025, 3)
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["Performance", "What needs attention", "Narrative", "Trends", "Notes"]
    ws = wb["Performance"]
    assert [c.value for c in ws[1]] == COLUMNS
    assert ws.freeze_panes == "A2"
    col = {name: i for i, name in enumerate(COLUMNS)}
    rows = {r[col["Metric"]].value: r for r in ws.iter_rows(min_row=2)}
    assert rows["Pupils reached"][col["Quarter actual"]].value == pupils
    assert rows["Pupils reached"][col["Quarter actual"]].number_format == "#,##0"
    rate_cell = rows["Reported increased safety"][col["Quarter actual"]]
    # Written as the whole percent shown (half up), so Excel shows what the CSV shows.
    assert rate_cell.value == pytest.approx(math.floor(100 * safety[0] / safety[1] + 0.5) / 100)
    assert rate_cell.number_format == "0%"
    assert f"({safety[0]} of {safety[1]})" in rows["Reported increased safety"][col["Note"]].value
    rag = rows["Pupils reached"][col["RAG"]]
    assert rag.value in {"Green", "Amber", "Red"} and rag.fill.fgColor.rgb.endswith(
        {"Green": "CCE5D6", "Amber": "FFE3C4", "Red": "F6D7D2"}[rag.value])
    assert rows["Children and young people supported"][col["Baseline"]].value == 76
    # Formula injection: the planted name is text starting with a quote, not a formula.
    providers = [r[col["Provider"]] for r in ws.iter_rows(min_row=2)]
    planted = [c for c in providers if "HYPERLINK" in str(c.value)]
    assert planted and all(c.value == "'" + PLANTED and c.data_type == "s" for c in planted)
    notes = " ".join(str(c.value) for row in wb["Notes"].iter_rows() for c in row if c.value)
    assert "DEMO DATA" in notes and "Green: at or above 100%" in notes
    # When, as people read it (models.rules.formats): "25 November 2026 at 09:05", and for
    # whom — never who asked: one workbook is kept for everyone who may see the same.
    assert re.search(r"\b\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d, with the figures as they "
                     r"stood then, for everyone who may see every provider's services", notes)
    assert "viewer@demo.local" not in notes
    assert wb["Narrative"].max_row > 1


def test_csv_injection_and_bom_through_the_export_builder(demo_factory):
    with unit_of_work(demo_factory) as s:
        s.scalars(select(Provider)).first().name = PLANTED
    with unit_of_work(demo_factory) as s:
        text = build_export(s, find_user(s, "admin@demo.local"), "csv", 2025, 3, TODAY).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_publication_mode_suppresses_small_numbers(session):
    owner = f.provider(session)
    svc = f.service(session, "Small service", owner)
    people = f.metric(session, svc, "People supported", headline=True)
    zero = f.metric(session, svc, "Complaints", order=1)
    safer = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome", order=2)
    f.target(session, people, 2024, 40)
    ps = f.periods(session, 2024)
    f.a_return(session, svc, ps[1], "approved", {people: 3, zero: 0}, {safer: (3, 4)})
    table = build_performance_table(session, 2024, 1, dt.date(2024, 11, 25), provider_id=owner.id)
    text = performance_csv(table, row_masks(table, table_disclosure(table))).decode("utf-8-sig")
    line = next(x for x in text.splitlines() if ",People supported," in x)
    assert ",<5," in line and ",30%," not in line  # 3 of a target of 10, hidden with it
    assert ",0," in next(x for x in text.splitlines() if ",Complaints," in x)
    felt_safer = next(x for x in text.splitlines() if ",Felt safer," in x)
    assert ",Withheld," in felt_safer and "3 of 4" not in felt_safer and "75%" not in felt_safer
    open_text = performance_csv(table).decode("utf-8-sig")
    assert "75% (3 of 4)" in open_text and ",<5," not in open_text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="PDF charts need Chromium (CI installs it)")
def test_pdf_pack_pages_and_figures(demo_factory):
    from pypdf import PdfReader

    with unit_of_work(demo_factory) as s:
        body = build_export(s, find_user(s, "viewer@demo.local"), "pdf", 2025, 3, TODAY)
        pupils = _independent_sum(s, "Pupils reached", 2025, 3)
        services = s.scalars(select(Service.name)).all()
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "CWP quarterly performance: Q3 2025/26" in text
    assert "RAG summary by priority" in text and "The full performance table" in text
    assert "DEMO DATA" in text and f"Page {len(reader.pages)}" in text
    for name in services:
        assert name.split(" (")[0] in text
    assert format_number(pupils) in text
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595  # A4 landscape
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 8  # charts drawn through Chromium




def _pack_text(factory, monkeypatch, year: int = 2025, quarter: int | None = None) -> list[str]:
    """The pack's text page by page, with the charts stood in for by a blank image (the
    pages' words and numbers are the point here, not Chromium's drawing)."""
    from pypdf import PdfReader

    blank_charts(monkeypatch)
    with unit_of_work(factory) as s:
        body = build_export(s, find_user(s, "viewer@demo.local"), "pdf", year, quarter, TODAY)
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def test_every_pack_page_says_page_n_of_m(demo_factory, monkeypatch):
    pages = _pack_text(demo_factory, monkeypatch)
    total = len(pages)
    assert total > 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text


def test_the_full_table_headings_wrap_between_words(demo_factory, monkeypatch):
    pages = _pack_text(demo_factory, monkeypatch)
    table = next(t for t in pages if "The full performance table" in t)
    lines = [line.strip() for line in table.splitlines()]
    heading = lines[lines.index("The full performance table") + 1:lines.index("Note") + 1]
    words = {w for c in COLUMNS for w in c.split()}
    # Each printed line of the heading row is one or more whole words of the headings:
    # "Quarter" then "target", never "Quar" then "ter ta rget".
    assert heading and all(set(line.split()) <= words for line in heading), heading
    assert "Quarter" in heading and "target" in heading and "Forecast" in heading


def test_the_pack_prints_figures_with_thousands_separators(demo_factory, monkeypatch):
    text = "\n".join(_pack_text(demo_factory, monkeypatch))
    # The strategy's baseline for ASB sessions attended is 3,100 (page and full table).
    assert re.search(r"(?<![\d,])3,100(?![\d,])", text)
    assert not re.search(r"(?<![\d,])3100(?![\d,])", text)
    # Every four-figure number in the pack is grouped (years like 2025/26 and 2020–2024 aside).
    bare = [n for n in re.findall(r"(?<![\d,./–-])\d{4,}(?![\d,./–-])", text) if not 1990 < int(n) < 2100]
    assert bare == []

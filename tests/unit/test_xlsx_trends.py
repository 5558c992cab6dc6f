"""The XLSX Trends sheet: its columns, one row per metric and quarter, numbers as numbers, the
XmR mean and limits checked against a computation straight from the rows (not the app's
code), the demo's special causes, a provider's own services only, and publication mode."""

from __future__ import annotations

import datetime as dt
import io
import statistics
from itertools import pairwise

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exports.build import build_export
from models.store.db import unit_of_work
from models.store.entities import Metric, Period, Return, ReturnValue, Service
from models.store.users import find_user
from tests.helpers import factories as f
from tests.helpers.config import TODAY

COLUMNS = ["Service", "Metric", "Quarter", "Value", "Mean", "Lower process limit",
           "Upper process limit", "Special cause", "Variation"]


def _rows(body: bytes) -> list[dict]:
    ws = load_workbook(io.BytesIO(body))["Trends"]
    assert [c.value for c in ws[1]] == COLUMNS
    return [dict(zip(COLUMNS, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def _series(s, metric_name: str) -> list[int]:
    """A count metric's approved quarterly totals, oldest first, straight from the rows."""
    rows = s.execute(
        select(Period.year, Period.quarter, func.sum(ReturnValue.count))
        .join(Return, Return.id == ReturnValue.return_id).join(Period, Period.id == Return.period_id)
        .join(Metric, Metric.id == ReturnValue.metric_id)
        .where(Metric.name == metric_name, Return.status == "approved")
        .group_by(Period.year, Period.quarter).order_by(Period.year, Period.quarter)).all()
    return [int(total) for _, _, total in rows]


def test_trends_sheet_of_the_demo(demo_factory):
    with unit_of_work(demo_factory) as s:
        body = build_export(s, find_user(s, "viewer@demo.local"), "xlsx", 2025, 3, TODAY)
        properties = _series(s, "Properties made safe")
        metrics = s.scalar(select(func.count()).select_from(Metric))
    rows = _rows(body)
    assert len({(r["Service"], r["Metric"]) for r in rows}) == metrics  # every metric charted
    mine = [r for r in rows if r["Metric"] == "Properties made safe"]
    assert [r["Value"] for r in mine] == properties
    assert mine[0]["Quarter"] == "Q1 2020/21"
    # Mean and limits worked out here from the rows: mean ± 2.66 × mean moving range.
    mean = statistics.fmean(properties)
    mr = statistics.fmean(abs(b - a) for a, b in pairwise(properties))
    assert mine[0]["Mean"] == pytest.approx(mean)
    assert mine[0]["Lower process limit"] == pytest.approx(mean - 2.66 * mr)
    assert mine[0]["Upper process limit"] == pytest.approx(mean + 2.66 * mr)
    assert all(isinstance(r["Value"], int | float) for r in mine)
    # The demo's point outside the limits (Q3 2021/22, three times the usual), an improvement.
    spike = next(r for r in mine if r["Quarter"] == "Q3 2021/22")
    assert spike["Value"] > mean + 2.66 * mr
    assert (spike["Special cause"], spike["Variation"]) == ("Outside limits", "Improvement")
    assert {r["Special cause"] for r in mine} <= {None, "Outside limits"}
    # The demo's shift and trend, on other metrics.
    shift = [r for r in rows if r["Metric"] == "Women supported" and r["Special cause"] == "Shift"]
    assert len(shift) >= 7
    trend = [r for r in rows if r["Metric"].endswith("confidence and social skills")
             and r["Special cause"] == "Trend"]
    assert len(trend) >= 7 and {r["Variation"] for r in trend} == {"Concern"}
    # A rate is a fraction shown as a percentage.
    rate = next(r for r in rows if r["Metric"].endswith("confidence and social skills"))
    assert 0 < rate["Value"] < 1 and 0 < rate["Mean"] < 1
    assert {r["Variation"] for r in rows} <= {"Common cause", "Improvement", "Concern", ""}


def test_a_provider_gets_only_its_own_series(demo_factory):
    with unit_of_work(demo_factory) as s:
        user = find_user(s, "riverside-boxing-academy@demo.local")
        own = set(s.scalars(select(Service.name).where(Service.provider_id == user.provider_id)))
        body = build_export(s, user, "xlsx", 2025, 3, TODAY)
    services = {r["Service"] for r in _rows(body)}
    assert services and services <= own


def test_publication_mode_hides_small_values_and_what_comes_from_them(factory):
    with unit_of_work(factory) as s:
        owner = f.provider(s, "Alpha Support")
        svc = f.service(s, "Alpha service", owner)
        nights = f.metric(s, svc, "Nights in refuge", headline=True)
        for year in (2022, 2023, 2024):
            periods = f.periods(s, year)
            for q in (1, 2, 3, 4):
                f.a_return(s, svc, periods[q], "approved", {nights: 3 if (year, q) == (2023, 2) else 20})
        admin = f.user(s, "lead@example.org", "admin")
    with unit_of_work(factory) as s:
        admin = find_user(s, "lead@example.org")
        open_rows = _rows(build_export(s, admin, "xlsx", 2024, 4, TODAY))
        published = _rows(build_export(s, admin, "xlsx", 2024, 4, TODAY, publish=True))
    assert [r["Value"] for r in open_rows].count(3) == 1
    assert open_rows[0]["Mean"] == pytest.approx((20 * 11 + 3) / 12)
    values = [r["Value"] for r in published]
    assert 3 not in values and "<5" in values and "Withheld" in values
    # Mean and limits would give the hidden quarter away: blank, and no special causes.
    assert all(r["Mean"] is None and r["Upper process limit"] is None for r in published)
    assert all(r["Special cause"] is None for r in published)


def test_a_published_pack_withholds_the_series_of_any_metric_its_table_hides(demo_factory):
    """The table's hidden cells are chosen across its rows (a year-to-date total may be
    hidden only to protect one category): the series of such a metric is withheld whole, or
    its quarters would add up to the hidden total."""
    with unit_of_work(demo_factory) as s:
        admin = find_user(s, "admin@demo.local")
        body = build_export(s, admin, "xlsx", 2026, 2, TODAY, publish=True)
    book = load_workbook(io.BytesIO(body))
    sheet = book["Performance"]
    head = [c.value for c in sheet[1]]
    hidden_metrics, measure = set(), None
    for row in sheet.iter_rows(min_row=2, values_only=True):
        cells = dict(zip(head, row, strict=False))
        if cells["Kind"] != "Breakdown":
            measure = cells["Metric"]  # a breakdown's rows sit under their measure's row
        if any(cells.get(col) in ("Withheld", "<5") for col in ("Quarter actual", "YTD actual")):
            hidden_metrics.add((cells["Service"], measure))
    trends = _rows(body)
    assert hidden_metrics, "the demo's published pack hides nothing: the test shows nothing"
    for service, metric in hidden_metrics:
        series = [r for r in trends if r["Service"] == service and r["Metric"] == metric]
        assert series and all(r["Value"] == "Withheld" and r["Mean"] is None for r in series), metric


def test_every_published_pack_withholds_a_series_whose_categories_any_pack_hides(factory):
    """2021/22: 13 pupils, 2 of them Year 6 (below the threshold of 5). That year's pack hides
    the 2 and the 13 beside it. The 2023/24 pack's table hides nothing of this metric, but its
    Trends sheet would list 2021/22's quarters, which add up to the hidden 13 — and 13 less the
    shown Year 9's 11 gives the 2. So the series is withheld in every published pack alike."""
    with unit_of_work(factory) as s:
        owner = f.provider(s, "Hearth")
        svc = f.service(s, "Hearth schools", owner)
        pupils = f.metric(s, svc, "Pupils reached", categories=("Year 6", "Year 9"), headline=True)
        year6, year9 = pupils.categories
        for year in (2021, 2022, 2023):
            quarters = f.periods(s, year)
            for q, period in quarters.items():
                small = year == 2021 and q == 1
                f.a_return(s, svc, period, "approved", counts={pupils: 13 if small else 40},
                           breakdown={year6: 2 if small else 20, year9: 11 if small else 20})
        admin = f.user(s, "lead@example.org", "admin")
        later = _rows(build_export(s, admin, "xlsx", 2023, 4, dt.date(2024, 6, 1), publish=True))
    series = [r for r in later if r["Metric"] == "Pupils reached"]
    assert len(series) == 12
    assert all(r["Value"] == "Withheld" and r["Mean"] is None for r in series)

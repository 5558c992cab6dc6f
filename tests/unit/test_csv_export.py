"""CSV export: BOM, contract columns, every baseline exactly, formula injection neutralised."""

import csv
import io

from sqlalchemy import select

from exports.csv_table import performance_csv
from models.catalogue.strategy import SOURCE
from models.reporting.performance import COLUMNS, build_performance_table
from models.store.db import unit_of_work
from models.store.entities import Provider
from tests.helpers.config import TODAY
from tests.helpers.strategy import EXPECTED_BASELINES, SOCIAL_PRESCRIBING_REASONS


def _read(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for Excel"
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert reader.fieldnames == COLUMNS
    return list(reader)


def test_2020_21_csv_carries_every_baseline_with_period_and_source(demo_factory):
    with unit_of_work(demo_factory) as s:
        rows = _read(performance_csv(build_performance_table(s, 2020, None, TODAY)))
    by_metric = {(r["Service"], r["Metric"]): r for r in rows}
    for (service, metric), (value, period) in EXPECTED_BASELINES.items():
        row = by_metric[(service, metric)]
        unit = "%" if row["Kind"] == "Outcome" else ""
        assert row["Baseline"] == f"{value}{unit}", (service, metric)
        assert row["Baseline period"] == period
        assert f"Baseline source: {SOURCE}" in row["Note"]
    for reason, value in SOCIAL_PRESCRIBING_REASONS:
        row = by_metric[("Social prescribing (3 GP surgeries)", "    " + reason)]
        assert row["Baseline"] == str(value) and row["Kind"] == "Breakdown"
    assert all("Demo data" in r["Note"] for r in rows)


def test_baselines_appear_in_every_year(demo_factory):
    with unit_of_work(demo_factory) as s:
        rows = _read(performance_csv(build_performance_table(s, 2025, 2, TODAY)))
    cyp = next(r for r in rows if r["Metric"] == "Children and young people supported")
    assert (cyp["Baseline"], cyp["Baseline period"]) == ("76", "2018/19")
    assert cyp["Quarter actual"] != ""


def test_planted_formula_in_a_provider_name_is_harmless(demo_factory):
    planted = '=HYPERLINK("http://x","y")'
    with unit_of_work(demo_factory) as s:
        s.scalars(select(Provider)).first().name = planted
    with unit_of_work(demo_factory) as s:
        body = performance_csv(build_performance_table(s, 2024, 1, TODAY))
    rows = _read(body)
    providers = {r["Provider"] for r in rows}
    assert "'" + planted in providers
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())

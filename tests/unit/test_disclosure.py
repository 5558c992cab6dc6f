"""Disclosure control (issue #13): the rules worked by hand, then every published output —
CSV, XLSX, the PDF's text and its charts — attacked by an independent reader
(tests/helpers/disclosure_attack.py), on the demo data and on generated data full of small counts."""

from __future__ import annotations

import base64
import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from exports.build import build_export
from models.reporting.performance import build_performance_table
from models.reporting.publication import table_disclosure
from models.rules.disclosure import SECONDARY, SMALL, Group, control, sensitive
from models.rules.measures import Rate
from models.store.db import unit_of_work
from models.store.entities import MetricCategory
from tests.helpers import disclosure_attack as attack
from tests.helpers import factories as f
from tests.helpers.config import TODAY

# --- the rules, by hand -------------------------------------------------------------------


def test_primary_rule_for_counts_and_rates():
    assert [sensitive(v, 5) for v in (0, 1, 4, 5, None)] == [False, True, True, False, False]
    assert sensitive(Rate(2, 6), 5)       # numerator 2
    assert sensitive(Rate(4, 7), 5)       # numerator 4
    assert sensitive(Rate(6, 9), 5)       # complement 3: "3 did not improve"
    assert sensitive(Rate(3, 3), 5)       # cohort 3
    assert not sensitive(Rate(5, 10), 5)
    assert not sensitive(Rate(0, 12), 5)  # nobody improved: zero identifies no one
    assert not sensitive(Rate(0, 0), 5)
    assert sensitive(Rate(7, 9), 10)      # the threshold is the admin's


def test_social_prescribing_volunteering_is_not_left_alone():
    # 2025/26: 276 referrals = 103 + 85 + 22 + 14 + 49 + 3. Hiding only the 3 lets anyone
    # subtract it back; the next-smallest category (14) is withheld with it.
    cells = {(0, "ytd"): 276} | {(i, "ytd"): v for i, v in enumerate([103, 85, 22, 14, 49, 3], 1)}
    result = control(cells, [Group((0, "ytd"), [(i, "ytd") for i in range(1, 7)])])
    assert result.hidden == {(6, "ytd"): SMALL, (4, "ytd"): SECONDARY}
    assert result.marker((6, "ytd")) == "<5" and result.marker((4, "ytd")) == "Withheld"


def test_a_second_cell_that_still_pins_the_first_brings_in_the_total():
    # 1 + 5 = 6: with "<5" (1 to 4) and "Withheld" (0, or 5 and over) summing to 6, only
    # 1 + 5 fits, so the total is withheld too.
    cells = {(0, "ytd"): 6, (1, "ytd"): 1, (2, "ytd"): 5}
    result = control(cells, [Group((0, "ytd"), [(1, "ytd"), (2, "ytd")])])
    assert set(result.hidden) == {(0, "ytd"), (1, "ytd"), (2, "ytd")}


def test_earlier_quarters_that_are_a_small_number_are_protected():
    # Q2 shows 40 and the year to date 43: the reader learns Q1 was 3. Withhold the quarter.
    group = Group((0, "ytd"), [(0, "q2")], unpublished=3, has_unpublished=True)
    assert control({(0, "q2"): 40, (0, "ytd"): 43}, [group]).hidden == {(0, "q2"): SECONDARY}
    fine = Group((0, "ytd"), [(0, "q2")], unpublished=12, has_unpublished=True)
    assert control({(0, "q2"): 40, (0, "ytd"): 52}, [fine]).hidden == {}


def test_first_quarter_small_hides_both_without_more():
    group = Group((0, "ytd"), [(0, "q1")])
    result = control({(0, "q1"): 3, (0, "ytd"): 3}, [group])
    assert result.hidden == {(0, "q1"): SMALL, (0, "ytd"): SMALL}


def test_derived_figures_go_with_the_hidden_one(session):
    owner = f.provider(session)
    svc = f.service(session, "Small service", owner)
    people = f.metric(session, svc, "People supported", headline=True)
    safer = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome", order=1)
    f.target(session, people, 2024, 48)
    f.target(session, safer, 2024, 70)
    ps = f.periods(session, 2024)
    f.a_return(session, svc, ps[1], "approved", {people: 3}, {safer: (2, 3)})
    table = build_performance_table(session, 2024, 1, dt.date(2024, 11, 25), provider_id=owner.id)
    body = build_export(session, f.Actor(1, "provider", owner.id), "csv", 2024, 1, dt.date(2024, 11, 25),
                        publish=True)
    rows = {r["Metric"]: r for r in attack.rows_from_csv(body)}
    people_row, safer_row = rows["People supported"], rows["Felt safer"]
    assert (people_row["Quarter actual"], people_row["Quarter % of target"], people_row["RAG"],
            people_row["Forecast"]) == ("<5", "", "Withheld", "Withheld")
    assert (safer_row["Quarter actual"], safer_row["Forecast"], safer_row["RAG"]) == (
        "Withheld", "Withheld", "Withheld")
    assert "Fewer than 5" not in safer_row["Note"]
    assert table_disclosure(table).hides((1, "ytd"))


# --- the attack on every output --------------------------------------------------------------

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
                       "AAAABJRU5ErkJggg==")


def _outputs(session, year: int, quarter: int | None, today: dt.date, monkeypatch) -> dict:
    """Every published output of one view: CSV rows, XLSX rows, PDF text and chart data."""
    import exports.pdf_pack as pdf_pack

    charts: list = []

    def capture(figures, directory: Path, progress=None, chart_store=None) -> list[Path]:
        paths = []
        for i, fig in enumerate(figures):
            bars = fig.data[0]
            notes = {a.x: a.text for a in fig.layout.annotations}
            labels = [str(bars.text[q] if bars.text is not None else "") + " " + str(notes.get(bars.x[q], ""))
                      for q in range(4)]
            charts.append((fig.layout.title.text.rsplit(": ", 1)[0], list(bars.y), labels))
            paths.append(directory / f"chart-{i}.png")
            paths[-1].write_bytes(PNG)
        return paths

    monkeypatch.setattr(pdf_pack, "render_charts", capture)
    monkeypatch.setattr(pdf_pack, "start_drawing", lambda: None)
    made = {fmt: build_export(session, f.Actor(1, "viewer"), fmt, year, quarter, today, publish=True)
            for fmt in ("csv", "xlsx", "pdf")}
    import io

    from pypdf import PdfReader

    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(made["pdf"])).pages)
    through = build_performance_table(session, year, quarter, today).through
    return {"csv": attack.rows_from_csv(made["csv"]), "xlsx": attack.rows_from_xlsx(made["xlsx"]),
            "pdf": pdf_text, "charts": charts, "through": through}


def _attack(out: dict, quarter: int | None, label: str) -> list[str]:
    findings = attack.Findings()
    attack.attack_table(out["csv"], quarter, findings, f"{label} CSV")
    attack.attack_table(out["xlsx"], quarter, findings, f"{label} XLSX", notes_describe_rates=True)
    # The PDF: its table (the CSV's cells, checked below) and its charts, attacked together.
    attack.attack_table(out["csv"], quarter, findings, f"{label} PDF", charts=out["charts"],
                        through=out["through"])
    # The PDF's table prints exactly the CSV's cells, row by row (so the CSV's attack covers it),
    # the PDF's figures with thousands separators and the CSV's bare, so both lose the commas.
    pdf = attack.squash(out["pdf"]).replace(",", "")
    for row in out["csv"]:
        printed = attack.squash("".join(str(v) for v in row.cells.values() if v)).replace(",", "")
        if printed not in pdf:
            findings.add(f"{label} PDF: row {row.name} differs from the CSV")
    return findings.recovered


@pytest.mark.parametrize("quarter", [None, 1, 3])
def test_demo_pack_gives_nothing_away(demo_factory, quarter, monkeypatch):
    with unit_of_work(demo_factory) as s:
        out = _outputs(s, 2025, quarter, TODAY, monkeypatch)
    assert any(r["YTD actual"] in ("<5", "Withheld") for r in out["csv"])  # something was hidden
    assert _attack(out, quarter, f"2025/26 {quarter or 'year'}") == []


def _small_world(session, seed: int) -> None:
    """Services whose every figure is small and lumpy: categories, counts and rates of 0 to 13."""
    rng = random.Random(seed)
    owner = f.provider(session, f"Small world {seed}")
    ps = f.periods(session, 2024)
    for k in range(5):
        svc = f.service(session, f"Service {seed}-{k}", owner, order=k)
        # Metric names differ between services: the attack matches a chart to its row by name.
        total = f.metric(session, svc, f"Referrals {k}", headline=True, categories=("A", "B", "C", "D"))
        sessions = f.metric(session, svc, f"Sessions {k}", order=1)
        safer = f.metric(session, svc, f"Felt safer {k}", unit="percent", kind="outcome", order=2)
        cards = f.metric(session, svc, f"Cards issued {k}", order=3, higher_is_better=False)
        categories = session.scalars(select(MetricCategory).where(MetricCategory.metric_id == total.id)).all()
        f.target(session, total, 2024, rng.choice([8, 20, 40]))
        f.target(session, safer, 2024, 70)
        f.target(session, cards, 2024, 12)
        for q in (1, 2, 3, 4):
            if rng.random() < 0.15:
                continue
            split = {c: rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 13]) for c in categories}
            cohort = rng.choice([0, 2, 4, 5, 6, 9, 12, 30])
            f.a_return(session, svc, ps[q], "approved",
                       {total: sum(split.values()), sessions: rng.choice([0, 1, 2, 3, 4, 6, 7, 9, 30]),
                        cards: rng.choice([0, 1, 3, 5, 7])},
                       {safer: (rng.randint(0, cohort), cohort)}, split)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_small_numbers_give_nothing_away(factory, seed, monkeypatch):
    today = dt.date(2025, 6, 1)  # every quarter of 2024/25 is due
    with unit_of_work(factory) as s:
        _small_world(s, seed)
    found = []
    with unit_of_work(factory) as s:
        for quarter in (None, 1, 2, 3, 4):
            out = _outputs(s, 2024, quarter, today, monkeypatch)
            found += _attack(out, quarter, f"seed {seed} {quarter or 'year'}")
    assert found == [], "\n".join(found)


# Found by an independent red team (each recovered a hidden value before the fix): a reader
# combines groups (a quarter is at most its year to date; categories sum to their total; the
# chart's quarters sum to the table's year to date), or sets the CSV beside the PDF.
RED_TEAM = {
    # name: (quarterly totals, categories, per-quarter category values)
    "R1 Outreach": ([5, 9, 8, 8], ("Police", "Self", "GP"), [[0, 0, 5], [6, 1, 2], [4, 0, 4], [4, 0, 4]]),
    "R2 Refuge": ([10, 0, 9, 12], ("Adults", "Children"), [[10, 0], [0, 0], [4, 5], [6, 6]]),
    "R3 Helpline": ([4, 17, 20, 20], ("Women", "Men"), [[4, 0], [4, 13], [10, 10], [10, 10]]),
    "R4 ISVA": ([2, 2, 12, 13], (), []),
    "X1 Advocacy": ([5, 1, 8, 0], (), []),
    "X2 Outreach": ([4, 4, 4, 4], (), []),
}


def test_red_team_cases_give_nothing_away(factory, monkeypatch):
    with unit_of_work(factory) as s:
        owner = f.provider(s, "Red team")
        ps = f.periods(s, 2025)
        for k, (name, (quarters, names, split)) in enumerate(RED_TEAM.items()):
            svc = f.service(s, name, owner, order=k)
            metric = f.metric(s, svc, f"{name} people", headline=True, categories=names)
            f.target(s, metric, 2025, 40)
            categories = s.scalars(select(MetricCategory).where(MetricCategory.metric_id == metric.id)).all()
            for q, value in enumerate(quarters, 1):
                f.a_return(s, svc, ps[q], "approved", {metric: value},
                           breakdown=dict(zip(categories, split[q - 1], strict=True)) if names else None)
    found = []
    with unit_of_work(factory) as s:
        for quarter in (None, 2, 3):
            out = _outputs(s, 2025, quarter, dt.date(2026, 6, 1), monkeypatch)
            found += _attack(out, quarter, f"red team {quarter or 'year'}")
    assert found == [], "\n".join(found)

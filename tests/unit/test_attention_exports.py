"""What needs attention in the files: the first section of the PDF pack and a sheet of the
XLSX, on the hand-made world of tests/helpers/attention.py (its figures worked out there and
in tests/unit/test_attention.py)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from exports.build import build_export
from exports.xlsx_workbook import ATTENTION_COLUMNS
from models.reporting.attention import EXPLANATIONS_LEFT_OUT, LEFT_OUT_HERE
from tests.helpers import factories as f
from tests.helpers.attention import QUARTER, TODAY, YEAR, attention_world
from tests.helpers.pdf import blank_charts

VIEWER = f.Actor(1, "viewer", email="viewer@example.org")
RED_PEOPLE = ("People supported is Red this quarter: 15 against a target of 20 (75% of target).")
FORECAST = "Sessions is forecast to reach 88 by the year end, 12% below its annual target of 100."
GREEN = ("Volunteers has been Green four quarters running; this quarter 10 against a target of "
         "10 (100% of target).")


@pytest.fixture
def world(session):
    return attention_world(session)


def _sheet(body: bytes) -> list[tuple]:
    wb = load_workbook(io.BytesIO(body))
    assert "What needs attention" in wb.sheetnames
    return list(wb["What needs attention"].iter_rows(values_only=True))


def test_xlsx_sheet_lines_in_order_with_explanations_and_links(session, world):
    rows = _sheet(build_export(session, VIEWER, "xlsx", YEAR, QUARTER, TODAY))
    assert list(rows[0]) == ATTENTION_COLUMNS == [
        "Section", "Priority", "Service", "Metric", "What", "Provider's explanation", "Link"]
    body = rows[1:]
    people = next(r for r in body if r[4] == RED_PEOPLE)
    assert people[0] == "Needs attention" and people[2] == "Alpha service"
    assert people[3] == "People supported"
    assert people[5] == ("Challenges: Two staff left in the summer. Explanation of the figures: "
                         "The drop in people supported is real.")
    assert people[6] == "/service?service=alpha-service&year=2024%2F25"
    sections = [r[0] for r in body]
    # Needs attention (4 Alpha, 2 Beta, Delta, Gamma: 8 lines), then Going well (2 lines).
    assert sections == ["Needs attention"] * 8 + ["Going well"] * 2
    assert [r[4] for r in body].index(RED_PEOPLE) == 0
    assert body[-2][4] == GREEN
    gamma = next(r for r in body if r[2] == "Gamma service")
    assert gamma[3] is None and gamma[5] == "No explanation in an approved return for this quarter."


def test_xlsx_sheet_in_publication_mode(session, world):
    periods = f.periods(session, YEAR)
    small = f.service(session, "Small service", f.provider(session, "Small Steps"), order=6)
    m = f.metric(session, small, "Families", headline=True)
    f.target(session, m, YEAR, 80)
    f.a_return(session, small, periods[1], "approved", {m: 20})
    f.a_return(session, small, periods[2], "approved", {m: 3})
    rows = _sheet(build_export(session, VIEWER, "xlsx", YEAR, QUARTER, TODAY, publish=True))
    lines = [r for r in rows[1:] if r[0] != "Note"]
    assert all(r[5] == LEFT_OUT_HERE for r in lines)
    assert not any("Two staff left" in str(cell) for r in rows for cell in r)
    # The quarter's 3 is "<5" in the published pack: no line gives it (or its 15%) away.
    small_lines = [r[4] for r in lines if r[2] == "Small service"]
    assert small_lines and not any(re.search(r"\b3 against|15%", t) for t in small_lines)
    notes = [r[4] for r in rows if r[0] == "Note"]
    assert EXPLANATIONS_LEFT_OUT in notes
    assert any(re.match(r"\d+ lines? (is|are) left out of this published version", n) for n in notes)


def test_xlsx_empty_sections_say_so(session):
    f.periods(session, YEAR)
    f.metric(session, f.service(session, "Quiet service", f.provider(session)), "People")
    rows = _sheet(build_export(session, VIEWER, "xlsx", YEAR, 3, TODAY))
    assert [r[:1] + r[4:5] for r in rows[1:]] == [
        ("Needs attention", "Nothing needs attention in Q3 2024/25: no line of this report applies."),
        ("Going well", "Nothing to report as going well in Q3 2024/25.")]


def _pack_pages(session, monkeypatch, **kwargs) -> list[str]:
    """The pack's text page by page, whitespace made single spaces; charts stood in for by a
    blank image (the words are the point here)."""
    blank_charts(monkeypatch)
    body = build_export(session, VIEWER, "pdf", YEAR, QUARTER, TODAY, **kwargs)
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages]


def test_pdf_pack_opens_with_what_needs_attention(session, world, monkeypatch):
    pages = _pack_pages(session, monkeypatch)
    total = len(pages)
    # Page 1 is the cover; the report is the first section, on page 2, before the RAG summary.
    second = pages[1]
    assert "What needs attention: Q2 2024/25" in second
    assert "Needs attention (8)" in second
    assert f"Alpha service: {RED_PEOPLE}" in second
    assert f"Alpha service: {FORECAST}" in second
    assert "Challenges: Two staff left in the summer." in second
    everything = " ".join(pages)
    assert "Going well (2)" in everything and GREEN in everything
    assert everything.index("What needs attention: Q2") < everything.index("RAG summary by priority")
    assert "What needs attention" not in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text


def test_pdf_pack_published_leaves_out_the_words(session, world, monkeypatch):
    pages = _pack_pages(session, monkeypatch, publish=True)
    everything = " ".join(pages)
    assert "What needs attention: Q2 2024/25" in pages[1]
    assert "Two staff left" not in everything
    assert LEFT_OUT_HERE in pages[1] and EXPLANATIONS_LEFT_OUT in pages[1]

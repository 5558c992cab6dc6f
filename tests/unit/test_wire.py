"""layouts/wire.py builds html elements in Dash's JSON form by hand: pinned here, for every
kind the app emits, to what Dash's own components give, so a Dash upgrade that changes the
form fails a test instead of a page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dash import html
from plotly.io.json import to_json_plotly  # what Dash serialises a callback's response with

from layouts.charts import data_table, rag_badge
from layouts.return_form import rag_badge_for
from layouts.table_body import TableBody
from layouts.wire import element

ROOT = Path(__file__).resolve().parents[2]
KINDS = ["Table", "Caption", "Thead", "Tbody", "Tr", "Th", "Td", "Span"]


def wire_json(value: object) -> object:
    """`value` as the browser receives it."""
    return json.loads(to_json_plotly(value))


def test_every_kind_the_app_emits_is_pinned():
    emitted = set()
    for folder in ("layouts", "callbacks"):
        for path in (ROOT / folder).glob("*.py"):
            emitted |= set(re.findall(r'element\(\s*"(\w+)"', path.read_text()))
    assert emitted and emitted <= set(KINDS), emitted - set(KINDS)


CASES = [
    ("text", {}),
    (None, {}),
    ("", {"className": "rag rag-green"}),
    (12, {}),
    (2.5, {"id": "overview-data-table"}),
    (["a", None, 3, "b"], {"className": "table table-sm data-table"}),
    ("x", {"className": None}),
]
HEADER_CASES = [("Service", {"scope": "row"}), ("Column", {"scope": "col", "className": "x"})]


@pytest.mark.parametrize(("kind", "children", "props"),
                         [(kind, *case) for kind in KINDS for case in CASES]
                         + [("Th", *case) for case in HEADER_CASES])  # scope is a header's only
def test_each_kind_matches_dash(kind, children, props):
    built = element(kind, children, **props)
    dash_built = getattr(html, kind)(children, **props)
    assert built == dash_built.to_plotly_json()  # the same dict before serialising
    assert wire_json(built) == wire_json(dash_built)
    assert built.children == dash_built.children  # read like a component
    for name, value in props.items():
        assert getattr(built, name) == value


@pytest.mark.parametrize("kind", KINDS)
def test_nested_children_match_dash(kind):
    """Elements inside elements, inside Dash components, and Dash components inside elements."""
    built = element(kind, [element("Span", "Green", className="rag rag-green"), "text", None,
                           html.B("bold"), element("Span", None)])
    dash_built = getattr(html, kind)([html.Span("Green", className="rag rag-green"), "text", None,
                                      html.B("bold"), html.Span(None)])
    assert wire_json(built) == wire_json(dash_built)
    assert wire_json(html.Div(built, id="outer")) == wire_json(html.Div(dash_built, id="outer"))


def test_a_missing_prop_reads_as_on_a_component():
    with pytest.raises(AttributeError):
        _ = element("Td", "x").className
    with pytest.raises(AttributeError):
        _ = html.Td("x").className


def _dash_table(caption, header, rows, table_id=None):
    """data_table written with Dash's components."""
    def cell(value):
        return html.Span(value.children, className=value.className) if isinstance(value, dict) else value

    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in header]))
    body = html.Tbody([html.Tr([html.Th(cell(row[0]), scope="row")] + [html.Td(cell(c)) for c in row[1:]])
                       for row in rows])
    props = {"id": table_id} if table_id else {}
    return html.Table([html.Caption(caption), head, body], className="table table-sm data-table", **props)


@pytest.mark.parametrize("table_id", [None, "overview-data-table"])
def test_the_data_table_matches_dash(table_id):
    header = ["Service", "Target", "Actual", "RAG"]
    rows = [["Counselling", "40", None, rag_badge("Green")],
            ["Outreach (retired)", "", 7, rag_badge("No data")],
            ["Refuge", "1,000", 2.5, rag_badge_for("submitted", "Submitted")]]
    built = data_table("Headline outputs, Q2 2025/26", header, rows, table_id=table_id)
    expected = _dash_table("Headline outputs, Q2 2025/26", header, rows, table_id=table_id)
    assert wire_json(built) == wire_json(expected)
    assert wire_json(data_table("Empty", header, [])) == wire_json(_dash_table("Empty", header, []))


def test_a_long_table_of_words_has_one_body_component_with_the_same_rows():
    """Its caption and headings as ever; its body one TableBody (assets/table_body.js draws
    <th scope="row"> then <td>s), not a component a cell."""
    header, rows = ["Quarter", "Value"], [["Q1 2020/21", "1,364"], ["Q2 2020/21", "12"]]
    table = data_table("Series", header, rows, table_id="trend-5-table", one_body=True)
    caption, head, body = table.children
    assert (table["type"], table.id, caption.children) == ("Table", "trend-5-table", "Series")
    assert wire_json(head) == wire_json(_dash_table("Series", header, rows).children[1])
    assert isinstance(body, TableBody) and body.rowHeader == 0 and body.columns == 2
    assert body.rows == [{"cells": [{"text": "Q1 2020/21"}, {"text": "1,364"}]},
                         {"cells": [{"text": "Q2 2020/21"}, {"text": "12"}]}]


def test_a_table_with_components_in_its_cells_keeps_a_component_a_cell():
    """A cell holding a component (a badge, a line break) cannot travel as text."""
    rows = [["Q1", rag_badge("Green")]]
    assert data_table("Series", ["Quarter", "RAG"], rows, one_body=True).children[2]["type"] == "Tbody"

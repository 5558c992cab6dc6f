"""The table body drawn as one Dash component (layouts/table_body.py, assets/table_body.js):
what the renderer is sent, and the Performance table's rows in that form."""

from __future__ import annotations

import json
from pathlib import Path

import plotly
import pytest

from layouts.performance import column_order, table_rows
from layouts.table_body import NAMESPACE, TableBody
from models.reporting.performance import COLUMNS

ROOT = Path(__file__).resolve().parents[2]


def test_the_renderer_is_sent_one_component_that_the_asset_registers():
    body = TableBody(id="t", rows=[{"note": "Nothing.", "className": "empty"}], columns=3, rowHeader=0)
    sent = json.loads(json.dumps(body, cls=plotly.utils.PlotlyJSONEncoder))
    assert sent == {"type": "TableBody", "namespace": NAMESPACE, "props": {
        "id": "t", "rows": [{"note": "Nothing.", "className": "empty"}], "columns": 3, "rowHeader": 0}}
    script = (ROOT / "assets" / "table_body.js").read_text()
    assert f"window.{NAMESPACE} = " in script and "TableBody: TableBody" in script
    with pytest.raises(TypeError):
        TableBody(id="t", children="not a prop")  # type: ignore[call-arg]


def test_the_performance_rows_as_the_body_draws_them():
    row = dict.fromkeys(COLUMNS, "")
    row.update({"Service": "Refuge", "Metric": "    Female", "Kind": "Breakdown", "RAG": "Amber",
                "Note": "A long note"})
    [drawn] = table_rows([row])
    cells = dict(zip(column_order(), drawn["cells"], strict=True))
    assert drawn["className"] == "breakdown-row" and column_order()[0] == "Service"
    assert cells["Service"] == {"text": "Refuge", "className": "col-service", "title": "Refuge"}
    assert cells["Metric"]["text"] == "Female"  # the indent is the row's class
    assert cells["RAG"]["className"].split()[:2] == ["col-rag", "rag-cell"]
    assert "title" not in cells["Baseline"] and cells["Priority"]["className"] == "col-priority col-group"
    assert table_rows([]) == [{"note": "No measures match these filters.", "className": "perf-empty"}]
    assert table_rows([], working=True)[0]["note"] == "The table is not ready yet."

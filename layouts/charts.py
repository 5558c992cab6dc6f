"""Components around the charts: RAG badges and the accessible data table beside each chart."""

from __future__ import annotations

import json
from collections.abc import Sequence

from layouts.wire import Element, element
from models.rules.rag import look_of


def rag_badge(word: str) -> Element:
    return element("Span", word, className=look_of(word).badge_class)


def data_table(caption: str, header: Sequence[str], rows: Sequence[Sequence[object]],
               table_id: str | None = None, *, drawn_by_browser: bool = False) -> Element:
    """A plain, accessible HTML table (caption, scoped headers) to sit beside a chart.
    Built in Dash's wire form (see layouts.wire): these tables can run to thousands of cells.

    `drawn_by_browser`: for an answer holding many tables of words alone (a service's "Over
    the years": a dozen series of 20-odd quarters, about 3,000 cells). Dash's renderer mounts
    each cell as a component of its own, which kept a laptop's browser busy for seconds and a
    phone's for far longer; this sends the table as data in one box, and assets/data_tables.js
    builds the same markup (caption, scoped headings) as the box arrives, with text only."""
    if drawn_by_browser and all(isinstance(c, str) for row in rows for c in row):
        table = {"caption": caption, "header": list(header), "rows": [list(r) for r in rows],
                 "id": table_id, "className": "table table-sm data-table"}
        return element("Div", None, className="browser-table", **{"data-table": json.dumps(table)})
    head = element("Thead", element("Tr", [element("Th", h, scope="col") for h in header]))
    body = element("Tbody", [
        element("Tr", [element("Th", row[0], scope="row")] + [element("Td", cell) for cell in row[1:]])
        for row in rows
    ])
    props = {"id": table_id} if table_id else {}
    return element("Table", [element("Caption", caption), head, body],
                   className="table table-sm data-table", **props)

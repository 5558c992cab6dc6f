"""Components around the charts: RAG badges and the accessible data table beside each chart."""

from __future__ import annotations

from collections.abc import Sequence

from layouts.wire import Element, element
from models.rules.rag import look_of


def rag_badge(word: str) -> Element:
    return element("Span", word, className=look_of(word).badge_class)


def data_table(caption: str, header: Sequence[str], rows: Sequence[Sequence[object]],
               table_id: str | None = None) -> Element:
    """A plain, accessible HTML table (caption, scoped headers) to sit beside a chart.
    Built in Dash's wire form (see layouts.wire): these tables can run to thousands of cells."""
    head = element("Thead", element("Tr", [element("Th", h, scope="col") for h in header]))
    body = element("Tbody", [
        element("Tr", [element("Th", row[0], scope="row")] + [element("Td", cell) for cell in row[1:]])
        for row in rows
    ])
    props = {"id": table_id} if table_id else {}
    return element("Table", [element("Caption", caption), head, body],
                   className="table table-sm data-table", **props)

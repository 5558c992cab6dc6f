"""Components around the charts: RAG badges and the accessible data table beside each chart."""

from __future__ import annotations

from collections.abc import Sequence

from layouts.table_body import TableBody
from layouts.wire import Element, element
from models.rules.rag import look_of


def rag_badge(word: str) -> Element:
    return element("Span", word, className=look_of(word).badge_class)


def data_table(caption: str, header: Sequence[str], rows: Sequence[Sequence[object]],
               table_id: str | None = None, *, one_body: bool = False) -> Element:
    """A plain, accessible HTML table (caption, scoped headers) to sit beside a chart.
    Built in Dash's wire form (see layouts.wire): these tables can run to thousands of cells.

    `one_body`: for an answer holding many tables of words alone (a service's "Over the
    years": a dozen series of 20-odd quarters, about 3,000 cells). Dash's renderer mounts each
    cell as a component of its own, which kept a laptop's browser busy for seconds and the
    test machine's for 30-40 s; the body is then one component (layouts/table_body.py) that
    draws the same rows as plain elements."""
    head = element("Thead", element("Tr", [element("Th", h, scope="col") for h in header]))
    props = {"id": table_id} if table_id else {}
    body: object
    if one_body and all(isinstance(c, str) for row in rows for c in row):
        body = TableBody(rows=[{"cells": [{"text": c} for c in row]} for row in rows],
                         columns=len(header), rowHeader=0)
    else:
        body = element("Tbody", [
            element("Tr", [element("Th", row[0], scope="row")] + [element("Td", c) for c in row[1:]])
            for row in rows
        ])
    return element("Table", [element("Caption", caption), head, body],
                   className="table table-sm data-table", **props)

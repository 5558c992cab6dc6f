"""A long table's body as one Dash component, its rows drawn by assets/table_body.js as plain
React elements.

Why: each Dash component on a page costs the renderer far more than the element it draws (a
wrapper, and a look at the page's state on every change while the page loads). The
Performance table's page of 25 rows was some 500 components (a row and 18 cells each), and on
Lighthouse's simulated phone drawing them was most of the page's blocking time: with one row
a page it scored 65, with 25 rows 51 (benchmarks/README.md). Drawn by one component the page
is the same HTML (a real <tbody>, a <th scope="row"> for each row's heading, every cell's
class and title), for the same tests, keyboard, screen readers and paper.

`rows`: one dict a row: {"className": "…", "cells": [{"text": "…", "className": "…",
"title": "…"}, …]} (className and title may be left out), or a line of words across every
column: {"note": "…", "className": "…"}. `columns`: how many columns a note spans;
`rowHeader`: which cell (from 0) heads its row."""

from __future__ import annotations

from typing import Any, ClassVar

from dash.development.base_component import Component

NAMESPACE = "cwp_components"  # assets/table_body.js registers window.cwp_components.TableBody


class TableBody(Component):
    """<tbody id=… class=…> with `rows` (see the module's docstring)."""

    _children_props: ClassVar[list[str]] = []
    _base_nodes: ClassVar[list[str]] = ["children"]
    _namespace = NAMESPACE
    _type = "TableBody"

    def __init__(self, id: str | None = None, rows: list[dict[str, Any]] | None = None,
                 columns: int = 1, rowHeader: int | None = None,  # rowHeader, className: React's names
                 className: str | None = None) -> None:
        self._prop_names = ["id", "rows", "columns", "rowHeader", "className"]
        self._valid_wildcard_attributes: list[str] = []
        self.available_properties = list(self._prop_names)
        self.available_wildcard_properties: list[str] = []
        given = {"id": id, "rows": rows or [], "columns": columns, "rowHeader": rowHeader,
                 "className": className}
        super().__init__(**{name: value for name, value in given.items() if value is not None})

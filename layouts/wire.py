"""Dash html elements built directly in the JSON form Dash sends to the browser.

Large tables (a county's Overview has 300 rows, 2,700 cells) spent most of their time in
Dash's component constructors and serialiser; these plain dicts are the same JSON at about
a twentieth of the cost (5,000 cells built and serialised: 10-19 ms against 320 ms).
Reading `.children` (or any prop) works as on a component, so code and tests that walk the
tree do not care which kind they hold. tests/unit/test_wire.py pins the form to Dash's own."""

from __future__ import annotations

from typing import Any


class Element(dict):
    """{"type", "namespace", "props"}: what html.<Type>(...).to_plotly_json() gives."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self["props"][name]
        except KeyError:
            raise AttributeError(name) from None


def element(tag: str, children: Any = None, **props: Any) -> Element:
    """An html element: `element("Td", "text", className="x")` is html.Td("text", className="x").
    Pinned to Dash's own output, kind by kind, in tests/unit/test_wire.py."""
    # Dash always sends `children`, None included.
    return Element(type=tag, namespace="dash_html_components", props={"children": children, **props})

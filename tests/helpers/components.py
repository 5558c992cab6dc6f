"""Dash component trees as a reader meets them, for tests of layouts and callbacks."""

from __future__ import annotations


def words(component) -> str:
    """The words in a component tree, in order, joined as the page shows them."""
    children = getattr(component, "children", component)
    if isinstance(children, str | int):
        return str(children)
    if isinstance(children, list):
        return "".join(words(c) for c in children)
    return "" if children is None else words(children)

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


def find_component(component, component_id):
    """The component with this id in a layout tree (None if absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find_component(child, component_id)
            if found is not None:
                return found
    return None


def all_of(component, kind: str) -> list:
    """Every component of this type (html.Th, …) in a tree, in order."""
    out = [component] if type(component).__name__ == kind else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            out += all_of(child, kind)
    return out

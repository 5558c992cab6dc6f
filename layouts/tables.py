"""Pieces every paged table drawn on the server shares (the Returns list, the Performance
table): a heading whose words are a sort button, and the pager under the table. Their looks
are in assets/monitor.css (.returns-sort-button, .returns-pager: the Returns list had them
first)."""

from __future__ import annotations

from dash import html

from models.rules.table_view import ColumnSort, sort_state


def sort_heading(heading: str, key: str, order: ColumnSort, *, button_type: str, th_type: str,
                 class_name: str | None = None, title: str | None = None) -> html.Th:
    """A real button in the heading: reached with Tab, pressed with Enter or Space. aria-sort
    on the heading says the order; the arrow drawn after the button (assets/monitor.css)
    shows it, and is not read out twice. Both have pattern-matching ids ({type, column: key})
    so one callback hears every button and sets every heading's aria-sort."""
    extra: dict = {"aria-sort": state} if (state := sort_state(order, key)) else {}
    # The heading's words for paper (assets/print.css): Chrome leaves a button's words out of
    # the heading row it repeats on each printed sheet.
    extra["data-heading"] = heading
    if class_name:
        extra["className"] = class_name
    if title:
        extra["title"] = title
    return html.Th(html.Button(heading, id={"type": button_type, "column": key}, type="button",
                               className="returns-sort-button", n_clicks=0),
                   scope="col", id={"type": th_type, "column": key}, **extra)


def pager(text: str, *, previous_id: str, status_id: str, next_id: str, at_first: bool,
          at_last: bool, label: str) -> html.Nav:
    """Previous and Next, and where the page is, in words (read out when it changes). A
    button at the end of the table is marked aria-disabled rather than disabled, so it keeps
    the keyboard's focus (pressed, it changes nothing)."""
    return html.Nav([
        html.Button("Previous", id=previous_id, type="button", n_clicks=0,
                    className="btn btn-outline-primary btn-sm",
                    **{"aria-disabled": "true" if at_first else "false"}),
        html.P(text, id=status_id, role="status", className="mb-0", **{"aria-live": "polite"}),
        html.Button("Next", id=next_id, type="button", n_clicks=0,
                    className="btn btn-outline-primary btn-sm",
                    **{"aria-disabled": "true" if at_last else "false"}),
    ], className="returns-pager d-flex align-items-center gap-3 flex-wrap my-2",
        **{"aria-label": label})

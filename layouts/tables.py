"""What every sortable table drawn on the server shares (the Returns list, the Performance
table): a heading whose words are a sort button. Its looks are in assets/monitor.css
(.returns-sort-button: the Returns list had it first). The pager under such a table is
layouts/paging.py's."""

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


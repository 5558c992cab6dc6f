"""Text on its way into a Plotly figure.

Plotly reads a little HTML in titles, axis and tick labels, legends, hover and annotations
(<a href>, <b>, <br>…). Any name a person typed (a service, metric, category, provider or
priority) is escaped first, so it shows as typed and never becomes a link or markup."""

from __future__ import annotations

import html


def chart_text(text: str) -> str:
    """`text` with <, > and & escaped: Plotly shows the characters themselves."""
    return html.escape(text, quote=False)


def tick_label(text: str, width: int = 22, lines: int = 2) -> str:
    """A long name shortened for an axis: wrapped at spaces onto at most `lines` lines of
    about `width` characters (<br> between them), the last cut short with "…". On a phone
    (390 px) a full service name as a bar's label took most of the chart's width and crushed
    the bars; the full name stays in the hover and in the table below the chart. `text` is
    chart text already (escaped), and is only ever cut at a space or between characters of a
    word longer than a line, never inside an entity such as &amp;."""
    words, rows, row = text.split(), [], ""
    for word in words:
        if row and len(_plain(row)) + 1 + len(_plain(word)) > width:
            rows.append(row)
            row = word
        else:
            row = f"{row} {word}" if row else word
    rows.append(row)
    if len(rows) <= lines and all(len(_plain(r)) <= width for r in rows):
        return "<br>".join(rows)
    kept = [_cut(r, width) for r in rows[:min(lines, len(rows)) - 1]]
    rest = _plain(" ".join(rows[len(kept):]))
    # The last line ends at a word's end where there is one, then "…".
    cut = rest[:width - 1]
    if " " in cut and rest[width - 1:width] != " ":
        cut = cut[:cut.rindex(" ")]
    return "<br>".join([*kept, chart_text(cut.rstrip(" ,;:-(")) + "…"])


def _plain(text: str) -> str:
    return html.unescape(text)


def _cut(text: str, width: int) -> str:
    """`text` (escaped) cut to `width` characters as read, never inside an entity."""
    plain = _plain(text)
    if len(plain) <= width:
        return text
    return chart_text(plain[:width].rstrip())

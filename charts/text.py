"""Text on its way into a Plotly figure.

Plotly reads a little HTML in titles, axis and tick labels, legends, hover and annotations
(<a href>, <b>, <br>…). Any name a person typed (a service, metric, category, provider or
priority) is escaped first, so it shows as typed and never becomes a link or markup."""

from __future__ import annotations

import html


def chart_text(text: str) -> str:
    """`text` with <, > and & escaped: Plotly shows the characters themselves."""
    return html.escape(text, quote=False)

"""'What the statuses mean': a short note beside a table of return statuses (the Submissions
grid; the Returns list can use it too), in the words the tables use."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from models.reporting.submissions import status_word
from models.rules.workflow import STATUS_MEANINGS

# In the order a reader meets them: what is owed, then where a return has got to.
SUBMISSION_STATUSES = ("missing", "overdue", "not_due", "no_period", "draft", "submitted",
                       "returned", "approved")


def status_note(statuses: Sequence[str] = SUBMISSION_STATUSES, note_id: str = "status-note") -> html.Details:
    """A closed <details> (one line until opened, so it costs a phone no screen) listing
    each status's word as the table shows it and what it means."""
    items = []
    for key in statuses:
        items += [html.Dt(status_word(key)), html.Dd(STATUS_MEANINGS[key])]
    return html.Details([html.Summary("What the statuses mean"),
                         html.Dl(items, className="status-meanings")],
                        id=note_id, className="status-note mb-3")

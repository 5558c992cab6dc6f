"""A background job's progress on a page (dash_app/jobs.py runs the job): its stage in words,
announced politely, a bar named by those words, and Cancel. One drawing for every job: the
Performance page's downloads and the admin page's import."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


def job_progress(job_id: str, stage_id: str, bar_id: str, cancel_id: str, class_name: str = "") -> html.Div:
    """Hidden until the job runs (the callback's `running` shows it)."""
    return html.Div([
        html.P("Starting", id=stage_id, role="status", **{"aria-live": "polite"},
               className="job-stage mb-1"),
        html.Div([
            # A native progress bar, named by the stage's words (dbc.Progress gives its bar
            # no accessible name).
            html.Progress(id=bar_id, value="0", max="100", **{"aria-labelledby": stage_id},
                          className="job-bar"),
            dbc.Button("Cancel", id=cancel_id, color="secondary", outline=True, size="sm",
                       n_clicks=0),
        ], className="d-flex align-items-center gap-2"),
    ], id=job_id, hidden=True, className=f"job-progress {class_name}".strip())

"""The parts of a page that keep typed work: what the browser-side code needs to know about
the session (on every signed-in page), the offer of figures typed but not saved, and the
return form's autosave message. The behaviour is in assets/keep_work.js and
assets/session_timeout.js; the autosave callback in callbacks/autosave.py."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids


def session_info(user_key: str, autosave_seconds: float) -> html.Div:
    """Read by the browser-side code: whose figures a tab keeps (typed figures are kept per
    user, service and quarter) and how long after typing stops a draft is saved."""
    return html.Div(id=ids.SESSION_INFO, hidden=True,
                    **{"data-user": user_key, "data-autosave-seconds": f"{autosave_seconds:g}"})


def restore_offer() -> html.Div:
    """Shown by assets/keep_work.js when this tab kept figures for this return that differ
    from the saved ones: restore them into the form, or discard them."""
    return html.Div([
        html.H2("Figures not saved", className="h5", id="rv-keep-offer-title"),
        html.P(id=ids.RV_KEEP_OFFER_TEXT),
        html.Div([
            html.Button("Restore them", id=ids.RV_KEEP_RESTORE, type="button",
                        className="btn btn-success"),
            html.Button("Discard them", id=ids.RV_KEEP_DISCARD, type="button",
                        className="btn btn-outline-dark"),
        ], className="d-flex flex-wrap gap-2"),
    ], id=ids.RV_KEEP_OFFER, hidden=True, className="keep-offer", role="region",
        **{"aria-labelledby": "rv-keep-offer-title"})


def autosave_parts() -> html.Div:
    """Beside the buttons: the autosave's message ("Saved at 10:42"), in a polite live
    region so it is heard without taking focus; the message when a save got no answer; and
    the autosave's trigger and result, which the browser-side code sets and reads."""
    return html.Div([
        dcc.Store(id=ids.RV_AUTOSAVE_DUE),
        dcc.Store(id=ids.RV_AUTOSAVE_RESULT),
        html.P(id=ids.RV_AUTOSAVE_STATUS, className="autosave-status hint mb-1", role="status",
               **{"aria-live": "polite"}),
        html.Div(id=ids.RV_NETWORK, role="alert"),
    ])

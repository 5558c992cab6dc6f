"""Hostile or oversized requests answer with a plain message, never a 500."""

from __future__ import annotations

from dash import html
from flask import Flask, Response, current_app, request
from plotly.io.json import to_json_plotly

from layouts import ids


def too_large_message() -> str:
    limit = current_app.config["MAX_CONTENT_LENGTH"] / 1_000_000
    return (f"The file is too large to upload (the limit is {limit:g} MB). Upload the return "
            "template from this page: it is much smaller.")


def _too_large(_error: Exception) -> Response:
    """MAX_CONTENT_LENGTH refused the body before reading it. A browser only sends that much
    when uploading a file, so a callback gets the message where upload results show, in the
    form the Dash renderer applies (it ignores ids that are not on the page)."""
    message = too_large_message()
    if request.path == "/_dash-update-component":
        box = html.Div([html.H2("There is a problem", className="h5"), html.P(message)],
                       className="error-summary", role="alert")
        body = {"multi": True, "response": {ids.RV_UPLOAD_RESULT: {"children": box}}}
        return Response(to_json_plotly(body), status=200, mimetype="application/json")
    return Response(message, status=413, mimetype="text/plain")


def _unreadable(_error: Exception) -> Response:
    """A JSON body nested too deeply for the parser."""
    return Response("The request could not be read.", status=400, mimetype="text/plain")


def init_app(server: Flask) -> None:
    server.register_error_handler(413, _too_large)
    server.register_error_handler(RecursionError, _unreadable)

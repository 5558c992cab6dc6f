"""Hostile or oversized requests answer with a plain message, never a 500."""

from __future__ import annotations

from dash import Dash, html
from dash.exceptions import DependencyException
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


def _no_such_file(error: Exception) -> Response:
    """Dash's public script route asked for a package or file it does not have: a 404, not
    a 500 with a traceback in the log for anyone who asks. Elsewhere a missing file is a fault."""
    if isinstance(error, FileNotFoundError) and not request.path.startswith("/_dash-component-suites/"):
        raise error
    return Response("Not found.", status=404, mimetype="text/plain")


def init_app(server: Flask) -> None:
    server.register_error_handler(413, _too_large)
    server.register_error_handler(RecursionError, _unreadable)
    server.register_error_handler(DependencyException, _no_such_file)
    server.register_error_handler(FileNotFoundError, _no_such_file)


def _callback_problem(body: object, callback_map: dict) -> bool:
    """True when a callback request is not shaped as the renderer sends it for a registered
    callback: Dash itself would fail on it with a 500."""
    if not isinstance(body, dict):
        return True
    entry = callback_map.get(body.get("output")) if isinstance(body.get("output"), str) else None
    if entry is None:
        return True
    inputs, state = body.get("inputs"), body.get("state", [])
    if not isinstance(inputs, list) or not isinstance(state, list):
        return True
    if len(inputs) != len(entry["inputs"]) or len(state) != len(entry["state"]):
        return True
    for item in inputs + state:
        group = item if isinstance(item, list) else [item]
        if not all(isinstance(i, dict) and "id" in i and "property" in i for i in group):
            return True
    return not isinstance(body.get("outputs", {}), dict | list) or not isinstance(
        body.get("changedPropIds", []), list)


def check_callbacks(server: Flask, app: Dash) -> None:
    """Refuse, in words, a callback request Dash cannot take (crafted, or from a page
    older than the server). Call after the sign-in guard is registered."""

    @server.before_request
    def _callback_shape() -> Response | None:
        if request.method != "POST" or request.path != "/_dash-update-component":
            return None
        if _callback_problem(request.get_json(silent=True), app.callback_map):
            return Response("This page is out of date. Reload it and try again.", status=400,
                            mimetype="text/plain")
        return None

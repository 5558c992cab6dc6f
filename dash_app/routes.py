"""Flask routes beside Dash: health check and exports."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from dash_app.access import AccessDenied, provider_scope, require_user
from dash_app.database import ping, transaction
from models.csv_export import performance_csv
from models.performance import build_performance_table
from models.periods import parse_quarter, parse_year_label, year_label

bp = Blueprint("routes", __name__)


@bp.route("/healthz")
def healthz():  # noqa: ANN201
    ok = ping()
    return jsonify(status="ok" if ok else "error", database="reachable" if ok else "unreachable"), (
        200 if ok else 503
    )


@bp.route("/export/performance.csv")
def export_csv():  # noqa: ANN201
    try:
        user = require_user()
        scope = provider_scope(user)
    except AccessDenied as exc:
        return Response(str(exc), status=403, mimetype="text/plain")
    try:
        year = parse_year_label(request.args.get("year", ""))
        quarter = parse_quarter(request.args.get("quarter", "year"))
    except ValueError as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    include_submitted = request.args.get("provisional") == "1"
    today = current_app.config["MONITOR_SETTINGS"].current_date()
    with transaction() as session:
        table = build_performance_table(session, year, quarter, today, provider_id=scope,
                                        include_submitted=include_submitted)
        body = performance_csv(table)
    quarter_part = f"Q{quarter}" if quarter else "year"
    filename = f"cwp-performance-{year_label(year).replace('/', '-')}-{quarter_part}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

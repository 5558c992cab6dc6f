"""The read-only API under /api/v1 (issue 21), with flask-smorest: its OpenAPI 3 document at
/api/v1/openapi.json, a docs page at /api/v1/docs served from this app (Swagger UI vendored
in assets/vendor/swagger-ui), and four GET endpoints for an analyst's Power BI or Excel.

Authentication is a personal API token only (models/store/api_tokens.py), sent as
`Authorization: Bearer …`: a session cookie is neither needed nor accepted, and nothing here
sets one. The token acts as its user, so every answer is what that user sees in the app
(models/access.py: a provider user its own services only). Rate limited per token."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, render_template_string, request
from flask_smorest import Api, Blueprint, abort
from marshmallow import Schema, fields, validate

from dash_app import cache as cache_rules
from dash_app.auth import snapshot
from dash_app.cache import Failed, Preparing, cached, prepared
from dash_app.database import transaction
from exports.context import pack_disclosure
from models.access import AccessRefused, Audience, audience_of
from models.reporting.api_views import RETURN_STATUSES, catalogue, return_list
from models.reporting.cells import row_cells
from models.reporting.overview import metrics_in_view
from models.reporting.performance import COLUMNS, performance_table
from models.reporting.publication import row_masks
from models.reporting.trends import service_trends
from models.rules.periods import parse_quarter, parse_year_label, year_label
from models.store.api_tokens import token_user

PREFIX = "/api/v1"
PREPARING_RETRY_S = 30
MAX_PAGE_SIZE = 5000


def field_name(column: str) -> str:
    """An export column as a field: "Quarter % of target" -> "quarter_pct_of_target"."""
    words = column.replace("%", " pct ").replace("/", " ").lower().split()
    return "_".join("".join(ch for ch in w if ch.isalnum()) for w in words if any(ch.isalnum() for ch in w))


FIELDS = [field_name(c) for c in COLUMNS]


# The schemas (the OpenAPI document is made from these) ---------------------------------

class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class PerformanceArgs(PageArgs):
    year = fields.String(required=True, metadata={"example": "2024/25"})
    quarter = fields.String(load_default="year", metadata={"description": "Q1, Q2, Q3, Q4 or year"})
    provisional = fields.Boolean(load_default=False,
                                 metadata={"description": "include submitted returns not yet approved"})
    publish = fields.Boolean(load_default=False,
                             metadata={"description": "publication mode: small numbers withheld"})


class SeriesArgs(Schema):
    service = fields.Integer(required=True)
    metric = fields.Integer(required=True)


class ReturnsArgs(PageArgs):
    year = fields.String(metadata={"example": "2024/25"})
    status = fields.String(validate=validate.OneOf(RETURN_STATUSES))


class Baseline(Schema):
    value = fields.Float(required=True)
    period = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class Named(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class CatalogueMetric(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "output or outcome"})
    unit = fields.String(required=True, metadata={"description": "count or percent"})
    higher_is_better = fields.Boolean(required=True)
    headline = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    baseline = fields.Nested(Baseline, allow_none=True, required=True)
    categories = fields.List(fields.Nested(Named), required=True)


class CatalogueService(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    priority_id = fields.Integer(required=True)
    priority = fields.String(required=True)
    workstream = fields.String(required=True)
    provider = fields.String(allow_none=True, required=True)
    active = fields.Boolean(required=True)
    metrics = fields.List(fields.Nested(CatalogueMetric), required=True)


class Catalogue(Schema):
    priorities = fields.List(fields.Nested(Named), required=True)
    services = fields.List(fields.Nested(CatalogueService), required=True)


class Page(Schema):
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)
    next = fields.String(allow_none=True, required=True, metadata={"description": "the next page's address"})


PerformanceRow = Schema.from_dict({name: fields.String(required=True) for name in FIELDS},
                                  name="PerformanceRow")


class PerformancePage(Page):
    items = fields.List(fields.Nested(PerformanceRow), required=True)


class SeriesPoint(Schema):
    year = fields.String(required=True)
    quarter = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Float(allow_none=True, required=True,
                         metadata={"description": "the count, or the rate as a percentage"})
    mean = fields.Float(allow_none=True, required=True)
    lower_limit = fields.Float(allow_none=True, required=True)
    upper_limit = fields.Float(allow_none=True, required=True)
    special_cause = fields.String(required=True)
    variation = fields.String(required=True)


class AnnualPoint(Schema):
    year = fields.String(required=True)
    quarters = fields.Integer(required=True)
    value = fields.Float(allow_none=True, required=True)
    change = fields.String(required=True)


class Series(Schema):
    service_id = fields.Integer(required=True)
    service = fields.String(required=True)
    metric_id = fields.Integer(required=True)
    metric = fields.String(required=True)
    unit = fields.String(required=True)
    higher_is_better = fields.Boolean(required=True)
    target = fields.Float(allow_none=True, required=True)
    baseline = fields.Float(allow_none=True, required=True)
    baseline_period = fields.String(allow_none=True, required=True)
    variation = fields.String(required=True, metadata={"description": "the XmR chart's reading"})
    assurance = fields.String(allow_none=True, required=True)
    note = fields.String(required=True)
    points = fields.List(fields.Nested(SeriesPoint), required=True)
    annual = fields.List(fields.Nested(AnnualPoint), required=True)


class ReturnItem(Schema):
    id = fields.Integer(required=True)
    service_id = fields.Integer(required=True)
    service = fields.String(required=True)
    year = fields.String(required=True)
    quarter = fields.String(required=True)
    period = fields.String(required=True)
    status = fields.String(required=True)
    submitted_at = fields.String(allow_none=True, required=True)
    approved_at = fields.String(allow_none=True, required=True)
    updated_at = fields.String(allow_none=True, required=True)


class ReturnsPage(Page):
    items = fields.List(fields.Nested(ReturnItem), required=True)


# Who is asking --------------------------------------------------------------------------

def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_key() -> str:
    """The rate limit's key: the token (its digest), or the address when there is none."""
    token = _bearer()
    return "api:" + (hashlib.sha256(token.encode()).hexdigest() if token else request.remote_addr or "")


def _authenticate() -> Response | None:
    if request.path in (f"{PREFIX}/openapi.json", f"{PREFIX}/docs"):
        return None
    token = _bearer()
    if token is None:
        return _unauthorised("Send a personal API token as 'Authorization: Bearer <token>'. "
                             "Make one on your account page. (A signed-in browser session is not used here.)")
    with transaction() as session:
        user = token_user(session, token)
        actor = snapshot(user) if user is not None else None
    if actor is None:
        return _unauthorised("This token is not valid: it is unknown, revoked or expired, or its "
                             "account is no longer active.")
    g.api_user = actor
    return None


def _unauthorised(message: str) -> Response:
    response = current_app.json.response({"code": 401, "status": "Unauthorized", "message": message})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="cwp-monitor"'
    return response


def api_rows(session: Any, audience: Audience, year: int | None, quarter: int | None,
             today: dt.date, provisional: bool, publish: bool) -> list[dict[str, str]]:
    """Every row of the performance table this audience may see, as the API's fields (text),
    with what a published pack withholds withheld when `publish`. Kept whole per data version
    (dash_app.cache), so each page is a slice."""
    table = performance_table(session, audience, year, quarter, today, include_submitted=provisional)
    masks = row_masks(table, pack_disclosure(session, table, publish))
    return [dict(zip(FIELDS, row_cells(r, m, grouped=False), strict=True))
            for r, m in zip(table.rows, masks, strict=True)]


def _page(items: list, total: int, args: dict, endpoint: str) -> dict:
    page, size = args["page"], args["page_size"]
    more = page * size < total
    query = {k: v for k, v in request.args.items() if k != "page"}
    query["page"] = str(page + 1)
    return {"items": items, "page": page, "page_size": size, "total": total,
            "next": f"{PREFIX}/{endpoint}?{urlencode(query)}" if more else None}


def _read(work: Callable[[Any], Any]) -> Any:
    """Run a read as the token's user; a refusal is a 403 in words."""
    try:
        with transaction() as session:
            return work(session)
    except AccessRefused as exc:
        abort(403, message=str(exc))


def _year(text: str | None) -> int | None:
    if text in (None, ""):
        return None
    try:
        return parse_year_label(text)
    except ValueError as exc:
        abort(400, message=str(exc))


DOCS_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>CWP Outcomes Monitor API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/vendor/swagger-ui/swagger-ui.css"></head>
<body><main id="swagger-ui" data-spec="{{ spec }}"></main>
<script src="/assets/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/assets/api_docs.js"></script></body></html>"""


# The endpoints, on a blueprint made for each app (flask-smorest and Flask-Limiter set a
# blueprint up once: the tests make many apps) ----------------------------------------

def make_blueprint() -> Blueprint:
    blp = Blueprint("api_v1", __name__, url_prefix=PREFIX,
                    description="Read-only figures, as the token's user sees them in the app.")
    blp.before_request(_authenticate)

    @blp.route("/catalogue")
    @blp.response(200, Catalogue)
    @blp.doc(security=[{"bearer": []}])
    def get_catalogue() -> dict:
        """Priorities, services, measures and baselines (the services the user may see)."""
        return _read(lambda s: catalogue(s, g.api_user))

    @blp.route("/performance")
    @blp.arguments(PerformanceArgs, location="query")
    @blp.response(200, PerformancePage)
    @blp.alt_response(503, description="A table this big is being worked out: ask again after "
                                         "the Retry-After header's seconds.")
    @blp.doc(security=[{"bearer": []}])
    def get_performance(args: dict) -> dict:
        """The quarterly performance table (the export's columns as fields, as text), a page of
        rows at a time. publish=1 withholds what a published pack withholds."""
        year = _year(args["year"])
        try:
            quarter = parse_quarter(args["quarter"])
        except ValueError as exc:
            abort(400, message=str(exc))
        settings = current_app.config["MONITOR_SETTINGS"]

        def work(session: Any) -> dict:
            audience = audience_of(g.api_user)
            # A national body's table is 11-21 s of work: never inside a request. Worked out
            # once per data version in the background, as the Performance page does; until
            # then the caller is told to ask again (503 with Retry-After).
            big = metrics_in_view(session, audience) > cache_rules.BACKGROUND_METRICS
            found = (prepared if big else cached)(
                session, api_rows, audience, year, quarter, settings.current_date(),
                args["provisional"], args["publish"])
            if isinstance(found, Preparing | Failed):
                return found
            start = (args["page"] - 1) * args["page_size"]
            return _page(found[start:start + args["page_size"]], len(found), args, "performance")
        found = _read(work)
        if isinstance(found, Failed):
            abort(500, message="Working out the performance table went wrong; it has been logged. "
                               "Ask again in a minute.")
        if isinstance(found, Preparing):
            abort(503, message="The performance table for this many measures is being worked out "
                               f"(started {found.waited()} seconds ago). Ask again in a minute.",
                  headers={"Retry-After": str(PREPARING_RETRY_S)})
        return found
        return _read(work)

    @blp.route("/series")
    @blp.arguments(SeriesArgs, location="query")
    @blp.response(200, Series)
    @blp.doc(security=[{"bearer": []}])
    def get_series(args: dict) -> dict:
        """One measure's quarterly series (approved returns) with its XmR chart's mean, limits
        and signals, and its annual figures against the baseline."""
        def work(session: Any) -> dict:
            trends = service_trends(session, g.api_user, args["service"])
            trend = next((t for t in trends if t.metric_id == args["metric"]), None)
            if trend is None:
                abort(404, message="That service has no measure with that id.")
            return {
                "service_id": trend.service_id, "service": trend.service_name, "metric_id": trend.metric_id,
                "metric": trend.metric_name, "unit": trend.unit, "higher_is_better": trend.higher_is_better,
                "target": trend.target, "baseline": trend.baseline, "baseline_period": trend.baseline_period,
                "variation": trend.spc.variation, "assurance": trend.spc.assurance, "note": trend.note,
                "points": [{"year": year_label(y), "quarter": f"Q{q}", "label": p.label, "value": p.value,
                            "mean": p.mean, "lower_limit": p.lower, "upper_limit": p.upper,
                            "special_cause": p.special_cause, "variation": p.variation}
                           for p, (y, q) in zip(trend.spc.points, trend.quarters, strict=True)],
                "annual": [{"year": a.label, "quarters": a.quarters, "value": a.value, "change": a.change}
                           for a in trend.annual],
            }
        return _read(work)

    @blp.route("/returns")
    @blp.arguments(ReturnsArgs, location="query")
    @blp.response(200, ReturnsPage)
    @blp.doc(security=[{"bearer": []}])
    def get_returns(args: dict) -> dict:
        """Returns (their status and dates, not their figures) of the services the user may see."""
        year = _year(args.get("year"))
        start = (args["page"] - 1) * args["page_size"]
        items, total = _read(lambda s: return_list(s, g.api_user, year, args.get("status"), start,
                                                   args["page_size"]))
        return _page(items, total, args, "returns")

    return blp


class _Api(Api):
    """flask-smorest's Api, its JSON error answers kept to the API: by default it answers
    every HTTP error of the whole app in JSON, the Dash pages' included."""

    def _register_error_handlers(self) -> None:
        """Left to init_app: on the API's own blueprint only."""


def init_app(server: Flask) -> Api:
    server.config.update(API_TITLE="CWP Outcomes Monitor API", API_VERSION="v1",
                         OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX=PREFIX,
                         OPENAPI_JSON_PATH="openapi.json")
    from werkzeug.exceptions import HTTPException

    api = _Api(server)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    blp = make_blueprint()
    blp.register_error_handler(HTTPException, api.handle_http_exception)
    limiter = server.extensions.get("monitor.limiter")
    if limiter is not None:
        settings = server.config["MONITOR_SETTINGS"]
        limiter.limit(settings.api_rate_limit, key_func=token_key)(blp)
    api.register_blueprint(blp)
    # The docs page is the API's reference, not part of it: a plain route, left out of the
    # document it draws.
    server.add_url_rule(f"{PREFIX}/docs", "api_docs", docs)
    return api


def docs() -> str:
    """The API's reference, drawn by Swagger UI from this app (nothing from the internet)."""
    return render_template_string(DOCS_PAGE, spec=f"{PREFIX}/openapi.json")

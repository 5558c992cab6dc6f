"""Flask routes beside Dash: health check and exports."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import BinaryIO

from flask import Blueprint, Flask, Response, current_app, jsonify, request, stream_with_context
from sqlalchemy.orm import Session
from werkzeug.wsgi import wrap_file

from dash_app.auth import SignedInUser, require_user
from dash_app.cache import chart_store
from dash_app.database import ping, sessions, transaction
from dash_app.export_files import build_in_background, export_store
from dash_app.settings import Settings
from exports.build import (
    MEDIA_TYPES,
    build_export,
    csv_export,
    export_filename,
    pack_too_long_for_a_link,
    stored_export,
)
from exports.errors import ExportUnavailable
from exports.stored import FORMATS, ExportChoice, FileStore, kept_while_sent, stored_key
from models.access import AccessRefused, record_id
from models.rules.periods import parse_quarter, parse_year_label
from models.store.audit import record_refusal
from models.store.db import one_snapshot

bp = Blueprint("routes", __name__)


@bp.route("/healthz")
def healthz():  # noqa: ANN201
    ok = ping()
    return jsonify(status="ok" if ok else "error", database="reachable" if ok else "unreachable"), (
        200 if ok else 503
    )


# A file too big to build in a request: the reader is asked to come back for it.
BUILDING_RETRY_S = 120
BUILDING_WORDS = ("This file is being made in the background: the whole partnership's figures "
                  "take a minute or two to write out. Ask again in a couple of minutes, or "
                  "download it from the Performance page, which shows its progress.")


@bp.route("/export/performance.<fmt>")
def export_performance(fmt: str):  # noqa: ANN201
    """The quarterly performance table as CSV, XLSX or PDF, built as the signed-in user
    (a provider user's holds its own services only), inside this one request: the slow path,
    for links and scripts. The Performance page builds the same files as background jobs,
    with progress (callbacks/performance.py). A CSV or XLSX already made for these figures
    and this user's exact scope is sent from disk (exports.stored); one built here is kept.
    A national body's whole-partnership CSV or XLSX not kept yet is never built here (10-80 s):
    it is started in the background and the reader asked to come back (503, Retry-After). A
    PDF of more services than a request can draw in 5 s is refused in words that say where
    to make it (503; exports.build.PACK_LINK_SERVICES)."""
    if fmt not in MEDIA_TYPES:
        return Response("Choose csv, xlsx or pdf.", status=404, mimetype="text/plain")
    try:
        user = require_user()
    except AccessRefused as exc:
        return Response(str(exc), status=403, mimetype="text/plain")
    try:
        year = parse_year_label(request.args.get("year", ""))
        quarter = parse_quarter(request.args.get("quarter", "year"))
        options = {"include_submitted": _flag("provisional"), "publish": _flag("publish")}
    except ValueError as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    settings = current_app.config["MONITOR_SETTINGS"]
    filename = export_filename(fmt, year, quarter)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    try:
        choice = ExportChoice(fmt, year, quarter, **options)
        store = export_store(settings)
        kept = _kept_file(user, choice, store, settings.current_date()) if fmt in FORMATS else None
        if kept is not None:
            handle, size = kept
            return Response(wrap_file(request.environ, handle), mimetype=MEDIA_TYPES[fmt],
                            headers={**headers, "Content-Length": str(size)},
                            direct_passthrough=True)
        if fmt in FORMATS and _built_in_background(user, choice, store, settings):
            return Response(BUILDING_WORDS, status=503, mimetype="text/plain",
                            headers={"Retry-After": str(BUILDING_RETRY_S)})
        if fmt == "csv":
            # Access is checked and the header made before the response starts; the rows
            # then stream out as they are read, a chunk of services at a time, so a national
            # year is never held whole (its transaction stays open until the last piece).
            # What is sent is written to the store too, and kept once all of it was sent.
            def pieces(session: Session) -> Iterator[bytes]:
                one_snapshot(session)
                key = stored_key(session, user, choice, settings.current_date())  # version first
                made = csv_export(session, user, year, quarter, settings.current_date(), **options)
                writer = store.writer(key, dt.datetime.now().replace(microsecond=0)) if key else None
                return kept_while_sent(made, writer)

            body = stream_with_context(_streamed(pieces))
        elif fmt == "xlsx":
            with transaction() as session:
                body = stored_export(session, user, fmt, year, quarter, settings.current_date(),
                                     store, **options)
        else:
            with transaction() as session:
                too_long = pack_too_long_for_a_link(session, user, user.email, year, quarter,
                                                    page_address=_page_address(request.query_string.decode()),
                                                    **options)
                if too_long:
                    return Response(too_long, status=503, mimetype="text/plain")
                body = build_export(session, user, fmt, year, quarter, settings.current_date(),
                                    chart_store=chart_store(settings.chart_cache_dir), **options)
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, f"export performance.{fmt}", exc.entity, exc.entity_id)
        return Response(str(exc), status=403, mimetype="text/plain")
    except ExportUnavailable as exc:
        return Response(str(exc), status=503, mimetype="text/plain")
    return Response(body, mimetype=MEDIA_TYPES[fmt], headers=headers)


def _page_address(query: str) -> str:
    """The Performance page's address for the view a link asked for (the same query)."""
    return request.host_url.rstrip("/") + "/performance" + (f"?{query}" if query else "")


def _built_in_background(user: SignedInUser, choice: ExportChoice, store: FileStore,
                         settings: Settings) -> bool:
    """A national body's whole-partnership file that is not kept yet: 10-80 s of work, so it
    is built in the background (dash_app.export_files) rather than in this request."""
    with transaction() as session:
        return build_in_background(session, user, choice, settings, store)


def _flag(name: str) -> bool:
    """An on/off option of the query string: 1 or 0 (absent: 0). Anything else is refused,
    not read as 0: a script asking for publish=true must not be sent the open figures, with
    the small numbers a published pack withholds."""
    value = request.args.get(name, "0").strip()
    if value not in ("0", "1"):
        raise ValueError(f"'{value[:20]}' is not a choice for {name}: use 1 or 0 (on or off).")
    return value == "1"


def _kept_file(user: SignedInUser, choice: ExportChoice, store: FileStore, today: dt.date
               ) -> tuple[BinaryIO, int] | None:
    """The file kept for these figures and this user's scope, opened, with its size; None
    when there is none. AccessRefused for an account that may see nothing."""
    with transaction() as session:
        key = stored_key(session, user, choice, today)
    found = store.open(key) if key is not None else None
    if found is None:
        return None
    handle, _ = found
    return handle, os.fstat(handle.fileno()).st_size


def _streamed(pieces: Callable[[Session], Iterator[bytes]]) -> Iterator[bytes]:
    """`pieces(session)` inside one transaction that stays open until the last piece is sent
    or the download is stopped (closing this generator ends it). The first piece is made
    now: a refusal or a fault before it is still an error status, not a broken download."""
    def made() -> Iterator[bytes]:
        with transaction() as session:
            yield from pieces(session)

    stream = made()
    first = next(stream)  # raises here, before the response starts, if refused

    def rest() -> Iterator[bytes]:
        try:
            yield first
            yield from stream
        finally:
            stream.close()

    return rest()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/returns/template.xlsx")
def return_template():  # noqa: ANN201
    """A pre-filled Excel template for one service's return for one quarter."""
    from exports.return_template import build_template
    from models.access import AccessRefused
    from models.returns.view import load_return_view
    from models.store.audit import record_refusal

    try:
        user = require_user()
        service_id, period_id = record_id(request.args["service"]), record_id(request.args["period"])
    except AccessRefused as exc:
        return Response(str(exc), status=403, mimetype="text/plain")
    except (KeyError, ValueError):
        return Response("Choose a return first.", status=400, mimetype="text/plain")
    today = current_app.config["MONITOR_SETTINGS"].current_date()
    try:
        with transaction() as session:
            view = load_return_view(session, user, service_id, period_id, today)
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, f"template for service {request.args['service'][:40]}",
                       exc.entity, exc.entity_id)
        return Response(str(exc), status=403, mimetype="text/plain")
    filename = f"cwp-return-{service_id}-{view.label.replace(' ', '-').replace('/', '-')}.xlsx"
    return Response(build_template(view), mimetype=MEDIA_TYPES["xlsx"],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/admin/import/template.csv")
@bp.route("/admin/import/history.csv")
def import_file():  # noqa: ANN201
    """The bulk import's long form (issue 21), the lead officer's only: the template (every
    service, measure and category, figures blank) or every approved return."""
    from exports.returns_file import returns_csv
    from models.access import require_admin
    from models.returns.bulk_export import history_rows, template_rows

    history = request.path.endswith("history.csv")
    try:
        user = require_user()
        require_admin(user, "download returns for import")
    except AccessRefused as exc:
        return Response(str(exc), status=403, mimetype="text/plain")
    with transaction() as session:
        rows = list(history_rows(session, user) if history else template_rows(session, user))
    filename = "cwp-approved-returns.csv" if history else "cwp-import-template.csv"
    return Response(returns_csv(rows), mimetype=MEDIA_TYPES["csv"],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

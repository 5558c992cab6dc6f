"""The app factory: reads as a table of contents of the app.

It lives here, not in dash_app/__init__.py, because callbacks/ import dash_app.auth and
dash_app.database, and importing those runs the package's __init__: were the factory there,
dash_app and callbacks would import each other. Only this module imports callbacks/."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from dash import Dash
from flask import Flask, current_app
from flask_login import current_user

import callbacks
from dash_app import (
    api,
    auth,
    cache,
    compression,
    database,
    errors,
    export_files,
    jobs,
    rate_limit,
    routes,
    security,
    session_timeout,
)
from dash_app.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "dash_app"


def create_app(settings: Settings | None = None) -> Dash:
    """Build the Flask server and the Dash app on it. Raises ConfigError on bad config."""
    settings = settings or load_settings()
    # Named after the package, as before the factory had a module of its own: Flask finds
    # templates/ beside it and names the app's logger after it.
    server = Flask(PACKAGE, instance_path=str(ROOT / "instance"))
    server.config.update(
        SECRET_KEY=settings.secret_key,
        MONITOR_SETTINGS=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.production,
        WTF_CSRF_TIME_LIMIT=3600,
        # A bigger body is refused (413) before it is read; uploads are far smaller.
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
    )
    if settings.trusted_proxies:
        # Behind a reverse proxy: the client's address (for per-client limits) and scheme.
        from werkzeug.middleware.proxy_fix import ProxyFix

        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.trusted_proxies,  # type: ignore[method-assign]
                                   x_proto=settings.trusted_proxies)
    # Registered first, so its after_request hook runs last, on the finished response.
    compression.init_app(server)
    sessions = database.init_app(server, settings)
    cache.init_app(server, settings.cache_url)
    auth.init_app(server)
    rate_limit.init_app(server, settings, sessions)
    errors.init_app(server)
    routes.init_app(server)
    export_files.init_app(server)
    api.init_app(server)
    session_timeout.init_app(server)

    app = MonitorDash(
        PACKAGE,
        server=server,
        assets_folder=str(ROOT / "assets"),
        title="CWP Outcomes Monitor",
        update_title=None,
        serve_locally=True,
        # Bootstrap first, then our assets/*.css on top; all served from assets/, no CDN.
        external_stylesheets=["/assets/vendor/bootstrap.min.css"],
        # Dash matches this against file names (not paths): keep Bootstrap out of the
        # automatic list so it loads once, first, and our CSS (print rules included) wins;
        # and plotly.js, which only pages with a chart fetch (MonitorDash below).
        # The API's docs page (dash_app/api.py) brings its own Swagger UI: not the pages'.
        assets_ignore=r"bootstrap\.min\.css|plotly-basic\.min\.js|regenerator-runtime|swagger-ui|api_docs\.js",
        suppress_callback_exceptions=True,  # pages are rendered by the router callback
        # Long work (the PDF pack, exports) as background jobs: dash_app/jobs.py.
        background_callback_manager=jobs.init_app(server, settings),
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="en-GB">')
    app.layout = _layout

    callbacks.register(app)
    errors.check_callbacks(server, app)
    security.init_app(server, app, settings)
    return app


class MonitorDash(Dash):
    """Dash with its scripts deferred, so the page as first sent (layouts/shell.LOADING_FRAME)
    shows while they arrive, and with plotly.js's basic partial bundle (bar and scatter, all our charts draw)
    from assets/vendor instead of the full 4.6 MB bundle, fetched only by a page that draws a
    chart. Dash's own setup puts plotly.js on every page; dcc.Graph needs it only when it
    first draws, and then, finding no `window.Plotly`, adds a script from the renderer's
    local plotly URL (PLOTLY_PATH), which serves the basic bundle. The Returns, Submissions,
    review and admin pages skip 1.2 MB of JavaScript they would parse and never use.
    dash_ag_grid's bundle likewise (`_without_ag_grid`): only pages with a grid fetch it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Deferred scripts run, in order, once the page is parsed and before DOMContentLoaded:
        # start the renderer then, when they all have. (The CSP hashes this very text.)
        self.renderer = ('window.addEventListener("DOMContentLoaded", function () { '
                         + self.renderer.replace("var renderer =", "window.renderer =") + " });")

    def _generate_scripts_html(self) -> str:
        scripts = self._without_polyfill(self._without_ag_grid(super()._generate_scripts_html()))
        # Dash 4 puts dash_table's loader on every page, whether or not a DataTable is in the
        # app; none is (our tables are html.Table and AG Grid).
        scripts = re.sub(r'<script src="[^"]*/_dash-component-suites/dash/dash_table/[^"]*"></script>\s*',
                         "", scripts)
        # Every script with a src, deferred: fetched while the page shows, run after parsing.
        return re.sub(r"<script(?=[^>]*\ssrc=)", "<script defer", scripts)

    @staticmethod
    def _without_polyfill(scripts: str) -> str:
        """Dash's first script, @babel/polyfill 7 (core-js 2: 99 KB, 36 KB compressed), made
        for browsers older than any this app can serve (its CSS needs :has(), its CSP a
        browser that keeps to it), where every feature it adds is built in. Evaluating it
        was the first long task of every page on a phone (0.25-0.7 s under Lighthouse's 4×
        slower CPU). Of it, the bundles need only the global `regeneratorRuntime` (Dash's
        renderer, dcc and dash-bootstrap-components call it): that alone, 25 KB, in its place
        (assets/vendor/regenerator-runtime.js), so it still runs before them."""
        tag = re.search(r'<script src="[^"]*/_dash-component-suites/dash/deps/polyfill@7[^"]*"></script>',
                        scripts)
        if tag is None:
            return scripts  # Dash wrote its tags some other way: keep its polyfill
        return scripts.replace(tag.group(0), f'<script src="{REGENERATOR_PATH}"></script>', 1)

    def _without_ag_grid(self, scripts: str) -> str:
        """dash_ag_grid's main bundle (1.3 MB) out of the page: assets/ag_grid_loader.js
        fetches it, with the grid's chunk, when a page first draws a grid. Its tag carries
        both addresses, fingerprinted as Dash serves them (cached for a year)."""
        bundle, chunk = self._collect_and_register_resources([
            {"relative_package_path": path, "namespace": "dash_ag_grid"} for path in AG_GRID_FILES])
        tag = f'<script src="{bundle}"></script>'
        loader = re.search(r'<script src="[^"]*/assets/ag_grid_loader\.js[^"]*"', scripts)
        if tag not in scripts or loader is None:
            # Dash wrote its tags some other way: leave the bundle on every page (the loader
            # then steps aside) rather than break the grids. tests/browser check it is gone.
            return scripts
        scripts = scripts.replace(tag, "", 1)
        from flask import request

        from layouts.shell import GRID_PAGES

        # A grid page opened directly: fetch the grid while the page starts and asks for its view.
        early = ' data-early="1"' if request.path in GRID_PAGES else ""
        return scripts.replace(loader.group(0), loader.group(0).replace(
            "<script ", f'<script data-bundle="{bundle}" data-chunk="{chunk}"{early} ', 1), 1)

    def interpolate_index(self, **kwargs: str) -> str:
        from layouts.shell import LOADING_FRAME

        return super().interpolate_index(**{**kwargs, "app_entry": LOADING_FRAME})

    def _setup_plotlyjs(self) -> None:
        self._plotlyjs_url = PLOTLY_PATH
        self.server.add_url_rule(PLOTLY_PATH, "plotly_basic", _plotly_basic)


# Where Dash's renderer looks for plotly.js when it serves its scripts locally; a rule with
# no variable parts, so Flask matches it before Dash's own `<package>/<path>` rule.
PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
PLOTLY_FILE = ROOT / "assets" / "vendor" / "plotly-basic.min.js"
# The one part of Dash's polyfill its bundles use (MonitorDash._without_polyfill), with the
# file's modification time in the address as Dash's own assets have it (so a new version is
# fetched, not an old one from the cache).
REGENERATOR_FILE = ROOT / "assets" / "vendor" / "regenerator-runtime.js"
REGENERATOR_PATH = f"/assets/vendor/regenerator-runtime.js?m={int(REGENERATOR_FILE.stat().st_mtime)}"
# dash_ag_grid's main bundle and the chunk holding the grid itself (the "community" edition;
# the enterprise chunk is never used), as dash_ag_grid's _js_dist names them.
AG_GRID_FILES = ("dash_ag_grid.min.js", "async-community.js")


def _plotly_basic():  # noqa: ANN202 - a Flask view
    from flask import send_file

    # Not fingerprinted like Dash's bundles: a day's cache, then a conditional request.
    return send_file(PLOTLY_FILE, mimetype="application/javascript", max_age=86400)


def _layout():  # noqa: ANN202 - Dash calls this per page load, inside the request
    from dash import html
    from flask_wtf.csrf import generate_csrf

    from dash_app.database import transaction
    from layouts.keep_work import session_info
    from layouts.shell import shell
    from models.access import may_open
    from models.returns.lists import waiting_count
    from models.store.settings import is_demo

    if not current_user.is_authenticated:
        return html.Div("Sign in to use this app.")
    user = current_user._get_current_object()
    reviews = may_open(user, "/review")
    with transaction() as session:
        demo = is_demo(session)
        waiting = waiting_count(session, user) if reviews else None  # one COUNT
    settings = current_app.config["MONITOR_SETTINGS"]
    return shell(user.email, user.role, user.provider_name, demo, partial(may_open, user),
                 sign_out_token=generate_csrf(), waiting=waiting,
                 session=session_info(str(user.id), settings.autosave_seconds))

"""Responses are compressed; bundles are compressed once; a chart fetches plotly's basic bundle."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli

from dash_app.factory import ROOT
from tests.helpers.dash_calls import overview_payload
from tests.helpers.web import sign_in


def _client(demo_app):
    client = demo_app.server.test_client()
    sign_in(client, "admin@demo.local")
    return client


def test_page_and_callbacks_are_compressed(demo_app):
    client = _client(demo_app)
    page = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert page.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in page.headers["Vary"]
    html = brotli.decompress(page.data).decode()
    # No plotly.js on the page itself: dcc.Graph fetches it when it first draws.
    assert "plotly-basic.min.js" not in html and "plotly.min.js" not in html

    deps = client.get("/_dash-dependencies").get_json()
    body = overview_payload(deps, "2021/22", 2)
    response = client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(response.data))
    assert data["response"]["overview-heading"]["children"] == "Q2 2021/22"


def test_bundles_are_compressed_once_and_served_the_same(demo_app):
    client = _client(demo_app)
    html = client.get("/").get_data(as_text=True)
    bundle = re.search(r'src="(/_dash-component-suites/dash/dcc/[^"]+\.js[^"]*)"', html).group(1)
    first = client.get(bundle, headers={"Accept-Encoding": "br"})
    second = client.get(bundle, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    assert first.data == second.data
    plain = client.get(bundle)
    assert "Content-Encoding" not in plain.headers
    assert brotli.decompress(first.data) == plain.data
    assert len(first.data) < len(plain.data) / 3


def test_the_plotly_dcc_graph_fetches_is_the_basic_bundle(demo_app):
    client = _client(demo_app)
    response = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js",
                          headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert "max-age=86400" in response.headers["Cache-Control"]
    script = brotli.decompress(response.data)
    # The vendored basic bundle (1.2 MB), not the full 4.6 MB one.
    assert script == (ROOT / "assets" / "vendor" / "plotly-basic.min.js").read_bytes()


def test_ag_grid_is_named_on_the_page_not_loaded_by_it(demo_app, monkeypatch):
    """dash_ag_grid's bundle is not a script of the page: assets/ag_grid_loader.js's tag names
    it and the grid's chunk (fetched when a grid is drawn), at addresses the app serves,
    fingerprinted and cached for a year. Nor is dash_table's loader (no DataTable in the app)."""
    client = _client(demo_app)
    html = client.get("/performance").get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", html)
    assert not [s for s in scripts if "dash_ag_grid/" in s and "data-bundle" not in s]
    assert not [s for s in scripts if "/dash_table/" in s]
    (loader,) = [s for s in scripts if "/assets/ag_grid_loader.js" in s]
    assert loader.startswith("<script defer ")
    bundle = re.search(r'data-bundle="([^"]+)"', loader).group(1)
    chunk = re.search(r'data-chunk="([^"]+)"', loader).group(1)
    for url, name in ((bundle, "dash_ag_grid.min.js"), (chunk, "async-community.js")):
        assert re.fullmatch(r"/_dash-component-suites/dash_ag_grid/[\w.-]+\.v[\w]+\.(min\.)?js", url)
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype.endswith("/javascript")
        assert "max-age=31536000" in response.headers["Cache-Control"]
        import dash_ag_grid

        assert response.data == (Path(dash_ag_grid.__file__).parent / name).read_bytes()
    # No page's first view is a grid now (the Returns list and the Performance table are plain
    # tables; the targets page's grid is not its first view): none fetches it early.
    assert "data-early" not in loader
    # A page named a grid page (layouts.shell.GRID_PAGES), opened directly, starts fetching
    # the grid at once; a page without one never.
    import layouts.shell

    monkeypatch.setattr(layouts.shell, "GRID_PAGES", frozenset({"/performance"}))
    early = [s for s in re.findall(r"<script[^>]*>", client.get("/performance").get_data(as_text=True))
             if "/assets/ag_grid_loader.js" in s]
    assert len(early) == 1 and 'data-early="1"' in early[0]
    for path in ("/", "/returns"):
        other = client.get(path).get_data(as_text=True)
        (other_loader,) = [s for s in re.findall(r"<script[^>]*>", other) if "ag_grid_loader.js" in s]
        assert "data-bundle" in other_loader and "data-early" not in other_loader, path
    # The loader runs before Dash's renderer, so the stand-in is there when the page is drawn.
    assert html.index("/assets/ag_grid_loader.js") < html.index("dash_renderer")


def test_the_polyfill_is_replaced_by_the_regenerator_runtime_alone(demo_app):
    """Dash's @babel/polyfill (core-js) is not on the page; the one part of it the bundles
    call, the global regeneratorRuntime, is, in its place: deferred, before every bundle
    that calls it (dash-bootstrap-components, Dash's renderer, dcc)."""
    client = _client(demo_app)
    html = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert not [s for s in scripts if "polyfill" in s]
    (runtime,) = [s for s in scripts if "regenerator-runtime" in s]
    assert re.search(r'<script defer src="' + re.escape(runtime) + '"', html)
    assert scripts.index(runtime) < min(i for i, s in enumerate(scripts) if re.search(
        r"dash_bootstrap_components|dash_renderer|dash_core_components", s))
    response = client.get(runtime)
    assert response.status_code == 200
    assert response.data == (ROOT / "assets" / "vendor" / "regenerator-runtime.js").read_bytes()
    for bundle in scripts:
        if "dash_core_components.v" in bundle or "dash_renderer" in bundle:
            assert b"regeneratorRuntime" in client.get(bundle).data, bundle  # still needed


def test_exports_that_are_already_compressed_are_left_alone(demo_app):
    client = _client(demo_app)
    response = client.get("/export/performance.xlsx?year=2021/22&quarter=Q2",
                          headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data[:2] == b"PK"


def test_compressed_bundles_kept_in_memory_are_bounded():
    """Made-up query strings on a real bundle each make a new key: the store stays bounded."""
    from dash_app.compression import StaticOnlyCache

    store = StaticOnlyCache(max_bytes=1000)
    for i in range(50):
        store.set(f"br;/_dash-component-suites/dash/dcc/x.js?made-up={i}", bytes(300))
    assert store.get("br;/_dash-component-suites/dash/dcc/x.js?made-up=0") is None
    assert store.get("br;/_dash-component-suites/dash/dcc/x.js?made-up=49") == bytes(300)
    assert sum(len(store.get(k) or b"") for k in list(store._data)) <= 1000
    store.get("br;/_dash-component-suites/dash/dcc/x.js?made-up=47")  # used: kept
    store.set("br;/assets/y.css", bytes(300))
    assert store.get("br;/_dash-component-suites/dash/dcc/x.js?made-up=47") is not None
    assert store.get("br;/_dash-component-suites/dash/dcc/x.js?made-up=48") is None
    store.set("br;;", b"never")  # callback responses and pages are never kept
    assert store.get("br;;") is None

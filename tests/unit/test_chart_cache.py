"""The PDF pack's charts: drawn once, kept by a key made of the figure itself (exports/
chart_cache.py), so the same figure is never drawn twice and a changed one is always drawn
afresh; drawn by one kaleido browser kept per process (exports/chart_drawing.py)."""

import asyncio
import inspect
import io
import os
import shutil

import plotly.graph_objects as go
import pytest
from sqlalchemy import select

import exports.pdf_pack as pdf_pack
from exports.build import build_export
from exports.chart_cache import PNG_SIGNATURE, ChartCache, DirectoryStore, MemoryStore, RedisStore, chart_key
from exports.chart_drawing import ChartBrowser
from exports.context import chart_quarters, table_figures
from models.reporting.performance import performance_table
from models.store.db import unit_of_work
from models.store.entities import Period, Return, ReturnValue
from models.store.users import find_user
from tests.helpers.config import TODAY
from tests.helpers.pdf import ONE_PIXEL_PNG

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                                    reason="drawing needs Chromium (CI installs it)")


def _png(label: str) -> bytes:
    """A real one-pixel picture, different for each label (what a fake browser hands back)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Title", label)
    out = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(out, "PNG", pnginfo=info)
    return out.getvalue()


class FakeBrowser:
    """Stands in for Chromium: counts what it is asked to draw."""

    def __init__(self) -> None:
        self.drawn: list[str] = []
        self.warmed = 0

    def warm(self) -> None:
        self.warmed += 1

    def draw(self, figures, width, height, scale, done=lambda i, png: None):
        out = []
        for i, figure in enumerate(figures):
            title = figure["layout"]["title"]["text"]
            self.drawn.append(title)
            out.append(_png(title))
            done(i, out[-1])
        return out


@pytest.fixture
def browser(monkeypatch) -> FakeBrowser:
    fake = FakeBrowser()
    monkeypatch.setattr(pdf_pack, "BROWSER", fake)
    return fake


def _figure(title: str, ys: list[int]) -> go.Figure:
    return go.Figure(go.Bar(x=["Q1", "Q2", "Q3", "Q4"], y=ys), layout={"title": {"text": title}})


def test_the_same_figure_is_drawn_once_and_then_served_from_the_cache(browser, tmp_path):
    cache = ChartCache(MemoryStore())
    figures = [_figure("People", [1, 2, 3, 4]), _figure("Rate", [5, 6, 7, 8])]
    first = pdf_pack.render_charts(figures, tmp_path, chart_store=cache)
    assert browser.drawn == ["People", "Rate"] and (cache.hits, cache.misses) == (0, 2)
    again = pdf_pack.render_charts([_figure("People", [1, 2, 3, 4]), _figure("Rate", [5, 6, 7, 8])],
                                   tmp_path, chart_store=cache)
    assert browser.drawn == ["People", "Rate"] and (cache.hits, cache.misses) == (2, 2)
    assert [p.read_bytes() for p in again] == [_png("People"), _png("Rate")]
    assert first == again  # the same files, rewritten with the same pictures


def test_a_changed_figure_is_drawn_afresh_never_an_old_picture(browser, tmp_path):
    """A figure with one figure changed (a return saved), a changed word or a changed size is
    a new key: its old picture cannot be reused."""
    cache = ChartCache(MemoryStore())
    pdf_pack.render_charts([_figure("People", [1, 2, 3, 4])], tmp_path, chart_store=cache)
    pdf_pack.render_charts([_figure("People", [1, 2, 3, 5])], tmp_path, chart_store=cache)
    pdf_pack.render_charts([_figure("People supported", [1, 2, 3, 5])], tmp_path, chart_store=cache)
    assert browser.drawn == ["People", "People", "People supported"]
    assert (cache.hits, cache.misses) == (0, 3)
    one = _figure("People", [1, 2, 3, 4]).to_json()
    assert chart_key(one, 760, 330, 2) == chart_key(one, 760, 330, 2)
    assert len({chart_key(one, 760, 330, 2), chart_key(one, 761, 330, 2), chart_key(one, 760, 330, 1),
                chart_key(_figure("People", [1, 2, 3, 5]).to_json(), 760, 330, 2)}) == 4


def test_a_figure_twice_in_one_pack_is_drawn_once_and_progress_counts_every_chart(browser, tmp_path):
    told: list[tuple[str, int, int]] = []
    cache = ChartCache(MemoryStore())
    pdf_pack.render_charts([_figure("A", [1, 1, 1, 1])], tmp_path, chart_store=cache)
    paths = pdf_pack.render_charts(
        [_figure("A", [1, 1, 1, 1]), _figure("B", [2, 2, 2, 2]), _figure("B", [2, 2, 2, 2])],
        tmp_path, progress=lambda *step: told.append(step), chart_store=cache)
    assert browser.drawn == ["A", "B"]
    assert told == [("Drawing charts", 1, 3), ("Drawing charts", 2, 3), ("Drawing charts", 3, 3)]
    assert [p.read_bytes() for p in paths] == [_png("A"), _png("B"), _png("B")]


def test_without_a_store_every_chart_is_drawn(browser, tmp_path):
    pdf_pack.render_charts([_figure("A", [1, 1, 1, 1])], tmp_path)
    pdf_pack.render_charts([_figure("A", [1, 1, 1, 1])], tmp_path)
    assert browser.drawn == ["A", "A"]


def test_a_damaged_or_unreadable_picture_is_drawn_again(browser, tmp_path):
    store = DirectoryStore(tmp_path / "cache")
    cache = ChartCache(store)
    pdf_pack.render_charts([_figure("A", [1, 1, 1, 1])], tmp_path, chart_store=cache)
    (kept,) = (tmp_path / "cache").glob("*.png")
    kept.write_bytes(b"<html>not a picture</html>")
    paths = pdf_pack.render_charts([_figure("A", [1, 1, 1, 1])], tmp_path, chart_store=cache)
    assert browser.drawn == ["A", "A"] and paths[0].read_bytes() == _png("A")

    class Broken:
        def get(self, key: str) -> bytes:
            raise ConnectionError("Redis went away")

        def set(self, key: str, png: bytes) -> None:
            raise ConnectionError("Redis went away")

    pdf_pack.render_charts([_figure("A", [1, 1, 1, 1])], tmp_path, chart_store=Broken())
    assert browser.drawn == ["A", "A", "A"]  # drawn, not refused


def test_the_directory_store_is_shared_bounded_and_takes_only_its_own_keys(tmp_path):
    folder = tmp_path / "chart-cache"
    one, other = DirectoryStore(folder, max_bytes=10_000), DirectoryStore(folder, max_bytes=10_000)
    key = chart_key("{}", 760, 330, 2)
    assert one.get(key) is None
    one.set(key, ONE_PIXEL_PNG)
    assert other.get(key) == ONE_PIXEL_PNG  # another process on the machine sees it
    assert not list(folder.glob("*.part"))  # written whole, then renamed into place
    for name in ("../../etc/passwd", "a" * 63, "G" * 64):
        with pytest.raises(ValueError):
            one.get(name)
    keys = [chart_key(str(i), 760, 330, 2) for i in range(30)]
    for i, k in enumerate(keys):
        one.set(k, b"x" * 1000)
        os.utime(folder / f"{k}.png", (1000 + i, 1000 + i))  # oldest first
    one.trim()
    left = sorted(p.stem for p in folder.glob("*.png"))
    assert sum(p.stat().st_size for p in folder.glob("*.png")) <= 7_500
    assert keys[-1] in left and keys[0] not in left  # the least recently used went


def test_the_memory_store_drops_the_least_recently_used():
    store = MemoryStore(max_bytes=3000)
    for name in "abc":
        store.set(name, b"x" * 1000)
    store.get("a")
    store.set("d", b"x" * 1000)
    assert store.get("b") is None and store.get("a") and store.get("d")


def test_the_redis_store_keeps_pictures_under_its_prefix_for_a_while():
    class Client:
        def __init__(self) -> None:
            self.kept: dict = {}

        def get(self, key: str):
            return self.kept.get(key, (None,))[0]

        def set(self, key: str, value: bytes, ex: int) -> None:
            self.kept[key] = (value, ex)

    client = Client()
    store = RedisStore(client, ttl_s=60)
    store.set("k", b"png")
    assert store.get("k") == b"png" and client.kept == {"cwp:chart:k": (b"png", 60)}


def test_the_pinned_kaleido_still_has_the_hook_the_browser_overrides():
    """ChartBrowser skips kaleido's page reload after each picture by overriding
    Kaleido._return_kaleido_tab (kaleido 1.5): an upgrade that renames it fails here."""
    import kaleido

    hook = getattr(kaleido.Kaleido, "_return_kaleido_tab", None)
    assert hook is not None and inspect.iscoroutinefunction(hook)
    assert list(inspect.signature(hook).parameters) == ["self", "tab"]
    assert "tabs_ready" in kaleido.Kaleido.__annotations__


def _pack(factory, store) -> bytes:
    with unit_of_work(factory) as s:
        return build_export(s, find_user(s, "viewer@demo.local"), "pdf", 2025, None, TODAY,
                            chart_store=store)


def test_a_pack_again_draws_nothing_and_a_saved_return_redraws_only_its_charts(browser, demo_factory):
    """Through the dispatcher, on the database: the same pack twice draws its charts once;
    after a figure changes, only the charts that show it are drawn again."""
    cache = ChartCache(MemoryStore(2**26))
    _pack(demo_factory, cache)
    charts = len(browser.drawn)
    assert charts >= 8 and (cache.hits, cache.misses) == (0, charts)
    _pack(demo_factory, cache)
    assert len(browser.drawn) == charts and (cache.hits, cache.misses) == (charts, charts)
    with unit_of_work(demo_factory) as s:
        table = performance_table(s, find_user(s, "viewer@demo.local"), 2025, None, TODAY)
        charted = chart_quarters(table, table_figures(s, table).totals)
        metric_id = next(table.rows[i].metric_id for i in charted if table.rows[i].unit == "count")
        value = s.scalars(
            select(ReturnValue).join(Return).join(Period)
            .where(Period.year == 2025, Return.status == "approved", ReturnValue.metric_id == metric_id,
                   ReturnValue.count.is_not(None))).first()
        value.count += 1
    _pack(demo_factory, cache)
    redrawn = browser.drawn[charts:]
    assert len(redrawn) == 1 and cache.misses == charts + 1 and cache.hits == 2 * charts - 1


@needs_chromium
def test_a_kept_browser_draws_what_a_fresh_page_draws(tmp_path):
    """The pictures from the kept browser (no reload between pictures) are byte for byte what
    kaleido draws on a fresh page, after other figures have been drawn in the same tab; and
    the browser is opened once for several packs."""
    import kaleido

    drawer = ChartBrowser(tabs=1, idle_s=60)
    a, b = _figure("People", [3, 1, 4, 1]), _figure("Rate", [5, 9, 2, 6])
    try:
        kept = drawer.draw([b.to_plotly_json(), a.to_plotly_json()], 760, 330, 2)
        again = drawer.draw([a.to_plotly_json()], 760, 330, 2)
        assert drawer.opened == 1
    finally:
        drawer.close()

    async def fresh() -> bytes:
        async with kaleido.Kaleido(n=1, mathjax=False) as k:
            return await k.calc_fig(a, opts={"format": "png", "width": 760, "height": 330, "scale": 2})

    picture = asyncio.run(fresh())
    assert picture.startswith(PNG_SIGNATURE)
    assert kept[1] == picture and again[0] == picture and kept[0] != picture


def test_the_pdf_route_keeps_its_pictures_for_the_next_pack(browser, demo_app, monkeypatch):
    """Through the route as a signed-in user: the second identical pack draws nothing; the
    app's store is a bounded folder in the instance folder (dash_app/cache.py)."""
    import dash_app.routes as routes
    from dash_app.cache import CHART_CACHE_BYTES, chart_store
    from tests.helpers.web import sign_in

    assert isinstance(chart_store(), DirectoryStore) and chart_store().folder.name == "chart-cache"
    assert chart_store().max_bytes == CHART_CACHE_BYTES and chart_store() is chart_store()
    cache = ChartCache(MemoryStore(2**26))
    folders_asked: list = []
    monkeypatch.setattr(routes, "chart_store", lambda folder=None: folders_asked.append(folder) or cache)
    client = demo_app.server.test_client()
    sign_in(client, "viewer@demo.local")
    for _ in range(2):
        response = client.get("/export/performance.pdf?year=2025/26&quarter=Q3")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert browser.drawn and cache.misses == len(browser.drawn) == cache.hits
    # The route asks for the folder this app's settings name (CHART_CACHE_DIR).
    assert folders_asked == [demo_app.server.config["MONITOR_SETTINGS"].chart_cache_dir] * 2
    # Each pack had its browser start opening before it read its figures.
    assert browser.warmed == 2


@needs_chromium
def test_a_warmed_browser_opens_before_any_drawing_and_only_once(tmp_path):
    """`warm` opens the browser while the caller goes on (a pack reads its figures
    meanwhile); the drawing that follows uses that browser, not a second one; a second
    `warm` with the browser open does nothing."""
    from dash.testing.wait import until

    drawer = ChartBrowser(tabs=1, idle_s=60)
    try:
        drawer.warm()  # returns before the browser is open
        until(lambda: drawer.opened == 1, 60)
        drawer.warm()
        png = drawer.draw([_figure("People", [3, 1, 4, 1]).to_plotly_json()], 760, 330, 2)
        assert png[0].startswith(PNG_SIGNATURE) and drawer.opened == 1
    finally:
        drawer.close()


def test_warming_without_chromium_does_nothing(monkeypatch):
    import exports.chart_drawing as chart_drawing

    monkeypatch.setattr(chart_drawing, "chromium", lambda: None)
    drawer = ChartBrowser(tabs=1, idle_s=60)
    drawer.warm()
    assert drawer.opened == 0 and drawer._loop is None  # no thread started either

"""Plotly figures drawn as PNG by kaleido in the system Chromium, one browser kept per process.

Measured (benchmarks/README.md, issue 20): opening kaleido's browser costs 4–10 s on the
2-core machine (Chromium starts, then each tab parses plotly.js, 4.6 MB), and kaleido
reloaded that page after every picture (0.25–0.4 s each). So:

- the browser is opened once per process and kept while packs keep coming (closed after
  IDLE_S without a drawing, so an idle worker gives its memory back);
- a tab is reloaded every RELOAD_EVERY pictures, not after each: Plotly.toImage draws each
  figure in a throwaway element it purges, and the pictures are byte-for-byte the same
  (checked when this was written, and by tests/unit/test_chart_cache.py against a fresh page);
- MathJax is off: kaleido would fetch it from a CDN on every page load, and nothing may come
  from the internet at run time (no chart here has LaTeX);
- the page loads the app's own plotly.js basic bundle (assets/vendor, the one the pages
  draw with: 1.2 MB, where plotly.py's full bundle is 4.8 MB): the same plotly.js version,
  the same pictures byte for byte, and a tab ready in well under half the time;
- TABS tabs draw at once (measured on 2 cores; see the README).

A forked process (a background job) inherits no running thread, so it opens its own browser.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import queue
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from exports.errors import ExportUnavailable

TABS = 1  # tabs drawing at once: see benchmarks/README.md (issue 20) for n = 1..4 on 2 cores
IDLE_S = 120.0  # close the browser after this long without a drawing
RELOAD_EVERY = 50  # pictures a tab draws before its page is loaded afresh
TIMEOUT_S = 90.0  # for one picture (kaleido's default)
PLOTLY_JS = Path(__file__).resolve().parent.parent / "assets" / "vendor" / "plotly-basic.min.js"


def plotly_js() -> Path | None:
    """The bundle the charts are drawn with (None: kaleido's default, plotly.py's full one)."""
    return PLOTLY_JS if PLOTLY_JS.is_file() else None


def chromium() -> str | None:
    for candidate in (os.environ.get("BROWSER_PATH"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _kaleido_class() -> type:
    import kaleido  # loads plotly's encoder and choreographer: only when a pack is drawn

    class Tabs(kaleido.Kaleido):
        """kaleido's browser, returning a tab to the queue without reloading its page each
        time (kaleido 1.5's `_return_kaleido_tab`; tests check the pinned version has it)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._drawn: Counter[int] = Counter()

        async def _return_kaleido_tab(self, tab: Any) -> None:
            self._drawn[id(tab)] += 1
            if self._drawn[id(tab)] % RELOAD_EVERY == 0:
                await tab.reload()
            await self.tabs_ready.put(tab)

    return Tabs


class ChartBrowser:
    """A kaleido browser on its own event loop in a daemon thread; `draw` may be called
    from any thread (gunicorn's threads share it: kaleido queues pictures for its tabs)."""

    def __init__(self, tabs: int = TABS, idle_s: float = IDLE_S) -> None:
        self.tabs, self.idle_s = tabs, idle_s
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None
        self._opening: asyncio.Lock | None = None
        self._busy = 0
        self._last_used = 0.0
        self.opened = 0  # browsers started by this process (for tests and the benchmark)

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._pid != os.getpid():  # first use, or a forked child: start afresh
                self._pid, self._loop, self._kaleido = os.getpid(), None, None
            if self._loop is None or not self._loop.is_running():
                loop = asyncio.new_event_loop()
                started = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(started.set)
                    loop.run_forever()

                threading.Thread(target=run, name="chart-browser", daemon=True).start()
                started.wait()
                self._loop, self._kaleido, self._opening = loop, None, None
            return self._loop

    async def _browser(self) -> Any:
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._kaleido is None:
                path = chromium()
                if path is None:
                    raise ExportUnavailable("The PDF pack needs Chromium to draw its charts; install "
                                            "the Debian package chromium and try again.")
                os.environ.setdefault("BROWSER_PATH", path)
                browser = _kaleido_class()(n=self.tabs, mathjax=False, timeout=TIMEOUT_S,
                                           plotlyjs=plotly_js())
                await browser.open()
                self._kaleido = browser
                self.opened += 1
                asyncio.get_running_loop().create_task(self._close_when_idle(browser))
            return self._kaleido

    async def _close_when_idle(self, browser: Any) -> None:
        while self._kaleido is browser:
            await asyncio.sleep(min(self.idle_s, 5.0))
            if self._busy == 0 and time.monotonic() - self._last_used >= self.idle_s:
                await self._close(browser)

    async def _close(self, browser: Any) -> None:
        if self._kaleido is browser:
            self._kaleido = None
        try:
            await browser.close()
        except Exception:  # a browser that has already died is closed enough
            pass

    async def _draw(self, figures: list[dict], opts: dict,
                    done: Callable[[int, bytes], None]) -> list[bytes]:
        self._busy += 1
        try:
            browser = await self._browser()

            async def one(index: int, figure: dict) -> bytes:
                png = await browser.calc_fig(figure, opts=dict(opts))
                done(index, png)
                return png

            try:
                return list(await asyncio.gather(*(one(i, f) for i, f in enumerate(figures))))
            except BaseException:
                await self._close(browser)  # a crashed tab or browser: the next pack starts afresh
                raise
        finally:
            self._busy -= 1
            self._last_used = time.monotonic()

    def warm(self) -> None:
        """Start opening the browser now and return at once: a pack calls this before it
        reads its figures, so Chromium's start — most of a small pack's time when no
        browser is open, as in a job forked afresh — runs while the figures are read. Does
        nothing without Chromium (the drawing then says so) or with a browser already open."""
        if self._kaleido is not None and self._pid == os.getpid():
            return
        if chromium() is None:
            return
        asyncio.run_coroutine_threadsafe(self._open_quietly(), self._ensure_loop())

    async def _open_quietly(self) -> None:
        self._busy += 1
        try:
            await self._browser()
        except Exception:
            pass
        finally:
            self._busy -= 1
            self._last_used = time.monotonic()

    def draw(self, figures: list[dict], width: int, height: int, scale: float,
             done: Callable[[int, bytes], None] = lambda i, png: None) -> list[bytes]:
        """Each figure (plotly's dict) as PNG bytes, in order. `done(i, png)` is called as
        each is drawn, in the calling thread (a job's progress report belongs to its own)."""
        if not figures:
            return []
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        finished: queue.Queue[tuple[int, bytes]] = queue.Queue()
        future: Future = asyncio.run_coroutine_threadsafe(
            self._draw(figures, opts, lambda i, png: finished.put((i, png))), self._ensure_loop())
        while not future.done() or not finished.empty():
            try:
                done(*finished.get(timeout=0.05))
            except queue.Empty:
                continue
        return future.result()

    def close(self) -> None:
        """Close the browser now (tests, and the benchmark's cold start)."""
        with self._lock:
            loop, browser = self._loop, self._kaleido
            if self._pid != os.getpid():
                return
        if loop is not None and browser is not None and loop.is_running():
            asyncio.run_coroutine_threadsafe(self._close(browser), loop).result(timeout=15)


BROWSER = ChartBrowser()
atexit.register(BROWSER.close)  # Chromium goes with the process, not after it

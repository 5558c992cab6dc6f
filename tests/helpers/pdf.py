"""The PDF pack without drawing its charts: each chart stands in as a one-pixel image, for
tests about the pack's words (kaleido's drawing is slow and tested on its own)."""

from __future__ import annotations

import base64
from pathlib import Path

ONE_PIXEL_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
                                 "hgGAWjR9awAAAABJRU5ErkJggg==")


def blank_charts(monkeypatch) -> None:
    import exports.pdf_pack as pdf_pack

    def blank(figures, directory: Path, progress=None, chart_store=None) -> list[Path]:
        paths = [directory / f"chart-{i}.png" for i in range(len(figures))]
        for done, path in enumerate(paths, start=1):
            path.write_bytes(ONE_PIXEL_PNG)
            if progress is not None:
                progress("Drawing charts", done, len(paths))
        return paths

    monkeypatch.setattr(pdf_pack, "render_charts", blank)
    monkeypatch.setattr(pdf_pack, "start_drawing", lambda: None)  # no browser to open

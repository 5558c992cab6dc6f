"""The look every chart shares: the colour-blind-safe palette, the font and one Plotly template."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# RAG colours and patterns are the RAG vocabulary's (models.rules.rag); RAG is always a word too.
TARGET_COLOUR = "#000000"


def text_colour_on(fill: str) -> str:
    """Black or white, whichever has the higher contrast on `fill` ("#rrggbb"): labels inside
    bars stay readable (white on the amber bar is 3.8:1, black 5.5:1)."""
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(fill[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


# Okabe–Ito, safe for the common colour-vision deficiencies; black for targets.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Arial, sans-serif"

# One template for every chart in the app.
pio.templates["monitor"] = go.layout.Template(
    pio.templates["simple_white"],
    layout={"colorway": PALETTE, "font": {"family": FONT, "size": 13, "color": "#0b0c0c"},
            "title": {"x": 0, "font": {"size": 15}},
            "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
            "legend": {"orientation": "h", "y": -0.2, "x": 0},
            # UK figures on axes and in hover: "1,364" (models.rules.formats does the labels).
            "separators": ".,",
            "xaxis": {"separatethousands": True, "hoverformat": ","},
            "yaxis": {"separatethousands": True, "hoverformat": ","}},
)
# Members read these charts; they do not explore them. The toolbar keeps only "Download as
# PNG" and "Reset axes" (lasso, pan, zoom and the rest were clutter on every chart).
MODEBAR_BUTTONS = [["toImage", "resetScale2d"]]


def graph_config(filename: str = "cwp-chart") -> dict:
    """The dcc.Graph config every chart uses: the trimmed toolbar, no Plotly logo, and a
    PNG download at twice the size, named `filename`."""
    return {"displaylogo": False, "modeBarButtons": MODEBAR_BUTTONS,
            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename}}


GRAPH_CONFIG = graph_config()

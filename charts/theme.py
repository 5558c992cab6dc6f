"""The look every chart shares: the colour-blind-safe palette, the font and one Plotly template."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# RAG colours and patterns are the RAG vocabulary's (models.rules.rag); RAG is always a word too.
TARGET_COLOUR = "#000000"


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
GRAPH_CONFIG = {"displaylogo": False,
                "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "cwp-chart"}}

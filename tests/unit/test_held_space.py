"""The space a page holds while it is drawn (issue 17, loads without jumping): the figures the
layouts hand to assets/monitor.css, worked out by hand."""

import plotly.graph_objects as go
import pytest

from layouts.returns_home import PAGE_SIZE, ReturnsView, returns_home_page
from layouts.service_charts import held_height
from models.returns.lists import HomeChoices, HomeFilters, HomeSort


def test_a_chart_holds_its_figures_height():
    assert held_height(go.Figure(layout={"height": 340})) == {"--chart-height": "340px"}
    # No height set: Plotly draws a graph 450 px high.
    assert held_height(go.Figure()) == {"--chart-height": "450px"}


@pytest.mark.parametrize(("shown", "rows"), [(9264, 25), (25, 25), (24, 24), (3, 3), (0, 1)])
def test_the_returns_list_holds_its_first_pages_rows(shown, rows):
    """A page of 25 rows at most; a list with no match still holds one row (its "No returns
    match" line)."""
    assert PAGE_SIZE == 25
    choices = HomeChoices(providers=[(1, "A provider")], quarters=["Q2 2026/27"], total=9264,
                          with_comments=False)
    page = returns_home_page(choices, ReturnsView(HomeFilters(), HomeSort(), 1), [], shown,
                             own_only=False, may_edit=False)
    assert page.style == {"--returns-first-page-rows": rows}


def test_a_lazy_chart_carries_its_figure_and_config_for_the_browser():
    """A service page's year chart is drawn by assets/lazy_charts.js from what its box
    carries: the figure as plotly.py writes it and the config every chart uses."""
    import json

    from charts.theme import GRAPH_CONFIG
    from layouts.service_charts import lazy_graph

    fig = go.Figure(go.Bar(x=["Q1", "Q2"], y=[1364, 3100]), layout={"height": 340})
    box = lazy_graph(fig, "metric-7").to_plotly_json()["props"]
    assert box["id"] == "metric-7" and box["className"] == "lazy-chart"
    assert json.loads(box["data-figure"]) == json.loads(fig.to_json())
    assert json.loads(box["data-config"]) == GRAPH_CONFIG


def test_lazy_charts_fetch_plotly_where_the_app_serves_it():
    """assets/lazy_charts.js fetches plotly.js from the address dash_app/factory.py serves it
    at (and dcc.Graph fetches), so the browser fetches it once."""
    from pathlib import Path

    from dash_app.factory import PLOTLY_PATH

    script = (Path(__file__).resolve().parents[2] / "assets" / "lazy_charts.js").read_text()
    assert f'const PLOTLY_SRC = "{PLOTLY_PATH}";' in script

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

"""Issue 19 in the browser: a service page's "Over the years" (an XmR chart per metric, its
words and its data table agreeing with what is drawn) and the strategy progress page (groups,
the change in words, strategy years marked, a provider seeing only its own services)."""

import pytest

from tests.helpers.browser import reveal, sign_in, sign_out, start

pytestmark = pytest.mark.browser

CYP = "children-and-young-people-1-1-domestic-and-sexual-abuse-support"

# Each chart's data as Plotly drew it: the quarters and values of the series, the special
# cause points' quarters, and the legend's words.
DRAWN = """
return [...document.querySelectorAll('.trend-section .js-plotly-plot')].map(g => ({
  id: g.closest('.dash-graph').id,
  series: g.data.filter(t => t.name === 'Quarterly value').map(t => [t.x, t.y])[0],
  special: g.data.filter(t => (t.name || '').startsWith('Special cause')).flatMap(t => t.x),
  legend: [...g.querySelectorAll('.legendtext')].map(e => e.textContent),
}));"""


def _rows(dash_duo, table_id: str) -> list[list[str]]:
    return dash_duo.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' tbody tr')].map(tr =>"
        " [...tr.children].map(c => c.textContent.trim()));", f"#{table_id}")


def test_over_the_years_draws_each_metrics_chart_with_its_table_and_words(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(f"{dash_duo.server.url}/service?service={CYP}&year=2025/26")
    dash_duo.wait_for_element("#service-name")
    # Below the first screen, the charts wait until the reader scrolls near them.
    assert dash_duo.driver.find_elements("css selector", "#service-trends .trend-section") == []
    reveal(dash_duo, "#service-trends")
    dash_duo.wait_for_text_to_equal("#over-the-years", "Over the years")
    sections = dash_duo.driver.find_elements("css selector", "#service-trends .trend-section")
    dash_duo.wait_for_element(f"#{sections[-1].get_attribute('id')} .main-svg")
    drawn = dash_duo.driver.execute_script(DRAWN)
    assert len(drawn) == len(sections) == 5  # children supported and four outcome rates
    for chart in drawn:
        rows = _rows(dash_duo, f"{chart['id']}-table")
        quarters, values = chart["series"]
        # One row per quarter drawn, in the same order, and the same values (a rate's to one
        # decimal place); the quarters run from Q1 2020/21.
        assert [r[0] for r in rows] == quarters and quarters[0] == "Q1 2020/21"
        assert [r[1].rstrip("%").replace(",", "") for r in rows] == [
            f"{v:.1f}" if r[1].endswith("%") else (f"{v:g}") for r, v in zip(rows, values, strict=True)]
        # Every special cause in the chart is named in the table, and only those.
        named = [r[0] for r in rows if r[5] and r[5] != "Common cause"]
        assert named == chart["special"]
        assert all(r[5].split(":")[0] in ("Improvement", "Concern") for r in rows if r[0] in named)
        # The legend says what the lines are, in words.
        assert {"Quarterly value", "Mean", "Lower and upper process limits"} <= set(chart["legend"])
    # The series tables' bodies are one component each (layouts/table_body.py): the same
    # markup as every data table (caption, scoped headings), a table per metric.
    markup = dash_duo.driver.execute_script(
        "const t = document.getElementById(arguments[0]); return [t.caption.textContent,"
        " [...t.tHead.rows[0].cells].map(c => c.tagName + ':' + c.scope),"
        " t.tBodies[0].rows[0].cells[0].tagName + ':' + t.tBodies[0].rows[0].cells[0].scope,"
        " t.tBodies[0].rows[0].cells[1].tagName, t.className];", f"{drawn[0]['id']}-table")
    assert markup[0].endswith(", each quarter from Q1 2020/21 to " + drawn[0]["series"][0][-1])
    assert markup[1] == ["TH:col"] * 6 and markup[2:] == ["TH:row", "TD", "table table-sm data-table"]
    # The demo's children supported fell below the mean through 2020/21: squares, in words.
    first = drawn[0]
    assert "Special cause: concern" in first["legend"] and first["special"]
    summary = dash_duo.find_element(f"#section-{first['id']} .spc-summary").text
    assert "Variation: " in summary and "Assurance: " in summary
    assert any(words in summary for words in ("Common cause", "Special cause improving",
                                               "Special cause concerning"))
    assert "Hit and miss" in summary or "Consistently" in summary or "not judged" in summary
    annual = _rows(dash_duo, f"{first['id']}-annual")
    assert annual[0][0].startswith("2020/21") and "Strategy year" in annual[0][0]
    assert "Strategy year" not in annual[4][0]  # 2024/25
    assert annual[0][2].endswith("on the 2018/19 baseline")


def test_strategy_progress_groups_years_and_a_providers_own_rows(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#main-nav")
    dash_duo.find_element("#main-nav a[href='/progress']").click()
    dash_duo.wait_for_element(".progress-group table")
    dash_duo.wait_for_text_to_equal("#main-nav a[aria-current='page']", "Strategy progress")
    assert dash_duo.driver.title == "Strategy progress – CWP Outcomes Monitor"
    groups = [h.text for h in dash_duo.driver.find_elements("css selector", ".progress-group h2")]
    assert groups == ["Anti-Social Behaviour (ASB)", "Domestic Abuse",
                      "Vulnerable Persons and Safeguarding (incl. Mental Health)"]
    header = [th.text for th in dash_duo.driver.find_elements(
        "css selector", ".progress-group:first-child thead th")]
    assert header[:3] == ["Service", "Metric", "Baseline"]
    assert header[3:7] == [f"{y}\nStrategy year" for y in ("2020/21", "2021/22", "2022/23", "2023/24")]
    assert header[7] == "2024/25"
    cells = [td.text for td in dash_duo.driver.find_elements("css selector", ".progress-group td")]
    assert any(c.endswith("% on the 2018/19 baseline") and c.split("\n")[-1].startswith(("up", "down"))
               for c in cells)
    assert "ASB early help (boxing club diversion)" in dash_duo.find_element(".progress-group").text
    sign_out(dash_duo)
    sign_in(dash_duo, "riverside-boxing-academy@demo.local")
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(dash_duo.server.url + "/progress")
    dash_duo.wait_for_element(".progress-group table")
    groups = [h.text for h in dash_duo.driver.find_elements("css selector", ".progress-group h2")]
    assert groups == ["Anti-Social Behaviour (ASB)"]
    services = {th.text for th in dash_duo.driver.find_elements(
        "css selector", ".progress-group tbody th")}
    assert services == {"ASB early help (boxing club diversion)"}

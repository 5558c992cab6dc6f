"""Importing returns on the admin page (issue 21), in the browser, with the keyboard where a
person would use it: choose a file, read what it would do, import it."""

import pytest
from selenium.webdriver.common.keys import Keys

from tests.helpers.browser import sign_in, start

pytestmark = pytest.mark.browser

GOOD = ("service,metric,category,year,quarter,count,numerator,denominator,highlights\n"
        "Sanctuary scheme,Properties made safe,,2019/20,Q1,7,,,Locksmiths joined.\n"
        "Sanctuary scheme,Victims enabled to remain in their own home,,2019/20,Q1,6,,,\n")


def test_a_file_is_checked_shown_and_imported(dash_duo, browser_app, tmp_path):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/admin/import")
    dash_duo.wait_for_element("#adm-section-import", timeout=30)
    assert dash_duo.driver.title.startswith("Administration, Import returns")
    # The file input is named by its box's words (assets/upload_names.js): not an unnamed button.
    file_input = dash_duo.find_element("#adm-imp-upload input[type=file]")
    assert file_input.get_attribute("aria-label") == "Drag the file (.csv or .xlsx) here, or choose the file"
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace(",7,", ",seven,"), encoding="utf-8")
    dash_duo.find_element("#adm-imp-upload input[type=file]").send_keys(str(bad))
    dash_duo.wait_for_contains_text("#adm-imp-preview", "1 problem in bad.csv. Nothing has been imported.")
    assert "Row 2, count: Properties made safe must be a whole number, like 12." in dash_duo.find_element(
        "#adm-imp-problems").text
    assert not dash_duo.find_element("#adm-imp-confirm").is_enabled()
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    dash_duo.find_element("#adm-imp-upload input[type=file]").send_keys(str(good))
    dash_duo.wait_for_contains_text("#adm-imp-preview", "good.csv: 1 return ready to import as approved")
    assert "Sanctuary scheme" in dash_duo.find_element("#adm-imp-ready table").text
    button = dash_duo.find_element("#adm-imp-confirm")
    assert button.is_enabled()
    button.send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#adm-imp-result", "Imported 1 return from good.csv as approved: 1 new")
    assert not dash_duo.find_element("#adm-imp-confirm").is_enabled()
    # The figures are the app's now: the service page for that year shows them.
    dash_duo.driver.get(dash_duo.server.url + "/service?service=sanctuary-scheme&year=2019/20")
    dash_duo.wait_for_contains_text("#service-body", "Locksmiths joined.", timeout=30)

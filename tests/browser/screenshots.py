"""Take screenshots of pages for a person to look at (not a test).

Usage: python -m tests.browser.screenshots BASE_URL EMAIL PASSWORD OUT_DIR PATH [PATH ...]"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By


def main(base: str, email: str, password: str, out: str, *paths: str) -> None:
    options = Options()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=1400,1200"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(options=options)
    try:
        driver.get(base + "/login")
        driver.save_screenshot(str(Path(out) / "login.png"))
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "sign-in").click()
        time.sleep(2)  # let the sign-in finish before asking for the next page
        for path in paths:
            driver.get(base + path)
            time.sleep(3)  # let callbacks and plotly finish drawing; a person waits too
            name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_") or "home"
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(1400, max(900, height + 50))
            driver.save_screenshot(str(Path(out) / f"{name}.png"))
    finally:
        driver.quit()


if __name__ == "__main__":
    main(*sys.argv[1:])

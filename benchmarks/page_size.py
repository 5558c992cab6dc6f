"""Bytes transferred for the first page after signing in (the Overview), cold browser cache.

Headless Chromium reports each response's size on the wire (compressed body and headers)
in the Resource Timing API; we add them up once the chart is drawn."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time

from benchmarks.load import Client
from tests.helpers.dash_calls import encode, overview_payload, router_payload

SUM_TRANSFERRED = """
const entries = performance.getEntriesByType('navigation').concat(
    performance.getEntriesByType('resource'));
return entries.map(e => [e.name, e.transferSize, e.decodedBodySize]);
"""


def first_page_bytes(port: int, email: str, password: str) -> dict | None:
    """{"kb_transferred", "kb_decoded", "requests"} or None when no browser is installed."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        return None
    browser, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not browser or not driver_path:
        return None
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        base = f"http://127.0.0.1:{port}"
        # Sign in through the form (the session is tied to this browser), then empty the
        # cache so the Overview is measured as a first visit.
        driver.get(f"{base}/login")
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.get(f"{base}/")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            drawn = driver.execute_script(
                "return document.querySelectorAll('#overview-chart .main-svg').length > 0 && "
                "document.querySelectorAll('#overview-tiles *').length > 0")
            if drawn:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("the Overview did not draw within a minute")
        time.sleep(1)  # let late chunks finish
        entries = driver.execute_script(SUM_TRANSFERRED)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return {"kb_transferred": round(sum(e[1] for e in entries) / 1024, 1),
            "kb_decoded": round(sum(e[2] for e in entries) / 1024, 1), "requests": len(entries)}


def crawled_page_bytes(port: int, email: str, password: str) -> dict:
    """Without a browser: the compressed bytes of what the Overview's first load fetches —
    the page, every script and stylesheet it names, Dash's layout and dependencies, and the
    router and Overview callbacks. (Misses only chunks a browser fetches on its own.)"""
    client = Client(port)
    client.sign_in(email, password)
    total = decoded = requests = 0

    def fetch(method: str, path: str, body: bytes | None = None) -> bytes:
        nonlocal total, decoded, requests
        _, data, wire = client.request_sizes(method, path, body,
                                             "application/json" if body else None)
        total, decoded, requests = total + wire, decoded + len(data), requests + 1
        return data

    page = fetch("GET", "/").decode()
    for url in re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"', page):
        fetch("GET", url.replace("&amp;", "&"))
    fetch("GET", "/_dash-layout")
    dependencies = json.loads(fetch("GET", "/_dash-dependencies"))
    fetch("POST", "/_dash-update-component", encode(router_payload(dependencies)))
    fetch("POST", "/_dash-update-component", encode(overview_payload(dependencies, "2025/26", 2)))
    return {"kb_transferred": round(total / 1024, 1), "kb_decoded": round(decoded / 1024, 1),
            "requests": requests}

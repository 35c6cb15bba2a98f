"""Consent works on whatever address the visitor typed for this site (issue 21): a galleryd
without `site.publicURL`, on a free port (not 8080), opened as `localhost` and as
`127.0.0.1`; each grants and withdraws consent in the real browser. A page of another name
that reaches the same server (DNS rebinding) is still refused, and so are cross-site and
`null` origins.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import GALLERY, Browser, Galleryd, write_media
from test_portal import consent_cookie, embed_section, open_panel, wait_until


@pytest.fixture(scope="module")
def unconfigured(galleryd):
    """A second galleryd whose site.publicURL is not set."""
    workdir = Path(tempfile.mkdtemp(prefix="galleryd-origins-"))
    write_media(workdir / "media")
    server = Galleryd(galleryd.binary, workdir, environment={"GALLERYD_SITE_PUBLIC_URL": ""},
                      log_name="galleryd-origins.log")
    server.start()
    assert server.port != 8080
    yield server
    server.stop()
    shutil.rmtree(workdir, ignore_errors=True)


def consent_post(port: int, host: str, origin: str | None) -> int:
    headers = {"Content-Type": "application/json", "Host": host}
    if origin is not None:
        headers["Origin"] = origin
    body = json.dumps({"services": ["youtube"], "scope": "once", "policyVersion": "2026-11-01",
                       "locale": "de"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/consent", data=body, method="POST",
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1"])
def test_consent_is_granted_and_withdrawn_on_every_loopback_name(unconfigured, needs_consent_api, name):
    origin = f"http://{name}:{unconfigured.port}"
    browser = Browser(origin)
    try:
        browser.open(f"/galleries/{GALLERY}")
        # Without site.publicURL the page's absolute links use the origin it was opened at.
        canonical = browser.driver.find_element(By.CSS_SELECTOR, 'link[rel="canonical"]').get_attribute("href")
        assert canonical == f"{origin}/galleries/{GALLERY}"
        youtube = embed_section(browser, "youtube")
        youtube.find_element(By.CSS_SELECTOR, "[data-allow-always]").click()
        wait_until(lambda: youtube.find_elements(By.TAG_NAME, "iframe"), message=f"no embed on {origin}")
        cookie = wait_until(lambda: consent_cookie(browser), message=f"no consent cookie on {origin}")
        assert cookie["domain"] == name
        assert "Das hat nicht geklappt" not in browser.driver.find_element(By.TAG_NAME, "body").text
        panel = open_panel(browser)
        toggle = panel.find_element(By.CSS_SELECTOR, 'input[data-service="youtube"]')
        assert toggle.is_selected()
        toggle.click()
        wait_until(lambda: youtube.find_elements(By.TAG_NAME, "iframe") == [], message="the embed stays")
        wait_until(lambda: consent_cookie(browser) is None, message="the cookie is not cleared")
        assert "Das hat nicht geklappt" not in browser.driver.find_element(By.TAG_NAME, "body").text
    finally:
        browser.driver.quit()


def test_only_the_sites_own_names_count(unconfigured, needs_consent_api):
    port = unconfigured.port
    # The page's own origin under a loopback name: accepted.
    assert consent_post(port, f"localhost:{port}", f"http://localhost:{port}") == 201
    assert consent_post(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 201
    # A rebinding page: its Origin matches its Host, but the name is not the site's.
    assert consent_post(port, f"evil.example:{port}", f"http://evil.example:{port}") == 403
    # Another origin than the page's, cross-site, or null: refused as before.
    assert consent_post(port, f"localhost:{port}", f"http://127.0.0.1:{port + 1}") == 403
    assert consent_post(port, f"localhost:{port}", "https://evil.example") == 403
    assert consent_post(port, f"localhost:{port}", "null") == 403
    assert consent_post(port, f"localhost:{port}", None) == 403

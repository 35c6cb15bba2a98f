"""Another web site cannot record consent in the visitor's name (cross-site request forgery).

A page on a second origin tries the three ways a browser lets any page send a POST without
the server's permission: `fetch` in `no-cors` mode with `text/plain`, the same without any
content type, and a plain HTML form with `enctype="text/plain"` whose field name carries the
JSON. galleryd must record nothing and set no cookie, while its own panel still works.
"""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest
from selenium.webdriver.common.by import By

from conftest import GALLERY, Browser, free_port

GRANT_ALL = {"services": ["facebook", "x", "youtube", "pinterest", "instagram", "flickr", "vimeo"],
             "scope": "permanent", "policyVersion": "", "locale": "de"}


def attacker_page(target: str, policy_version: str) -> str:
    body = json.dumps({**GRANT_ALL, "policyVersion": policy_version})
    # The form's only field is named `{"services":[...], ..., "locale":"` and valued `de"}`,
    # so the text/plain body reads `{..., "locale":"=de"}`: valid JSON, the classic trick.
    field_name = body[: body.rindex('"de"')] + '"'
    return f"""<!doctype html><meta charset="utf-8"><title>Gewinnspiel</title>
<form id="f" method="post" action="{target}/api/v1/consent" enctype="text/plain">
  <input type="hidden" name='{field_name}' value='de"}}'>
</form>
<script>
const body = {json.dumps(body)};
const url = "{target}/api/v1/consent";
Promise.allSettled([
  fetch(url, {{method: "POST", mode: "no-cors", credentials: "include",
               headers: {{"Content-Type": "text/plain"}}, body}}),
  fetch(url, {{method: "POST", mode: "no-cors", credentials: "include", body: new Blob([body])}}),
  fetch(url, {{method: "DELETE", mode: "no-cors", credentials: "include"}}),
]).then(() => {{ document.title = "fetched"; setTimeout(() => document.getElementById("f").submit(), 100); }});
</script>"""


class AttackerSite:
    """A second origin on loopback serving one hostile page."""

    def __init__(self, host: str, page: str):
        encoded = page.encode("utf-8")

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, free_port()), Handler)
        self.origin = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def event_count(galleryd) -> int:
    return len(galleryd.admin_json("/api/v1/admin/consent/events")["events"])


def consent_cookies(browser: Browser) -> list[dict]:
    return [cookie for cookie in browser.cookies() if cookie["name"] == "galleryd_consent"]


@pytest.mark.parametrize("attacker_host", ["127.0.0.1", "127.0.0.2"], ids=["same-site-other-port", "cross-site"])
def test_a_foreign_page_cannot_record_consent_but_the_portal_can(galleryd, needs_consent_api, attacker_host):
    policy_version = galleryd.get_json("/api/v1/consent/services?locale=de")["policyVersion"]
    before = event_count(galleryd)
    site = AttackerSite(attacker_host, attacker_page(galleryd.origin, policy_version))
    browser = Browser(galleryd.origin)
    try:
        browser.driver.get(site.origin + "/")
        # The form's submission navigates the tab to galleryd's answer.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not browser.driver.current_url.startswith(galleryd.origin):
            time.sleep(0.1)
        assert browser.driver.current_url.startswith(galleryd.origin), "the form was not submitted"
        answer = json.loads(browser.driver.find_element(By.TAG_NAME, "body").text)
        assert answer["status"] == 403, answer
        time.sleep(0.5)
        assert event_count(galleryd) == before, "a foreign page recorded a consent event"
        assert consent_cookies(browser) == [], "a foreign page got the consent cookie set"
        # Nothing the attacker did shows as consent on the portal.
        browser.open(f"/galleries/{GALLERY}")
        assert browser.driver.find_elements(By.CSS_SELECTOR, ".embed iframe") == []
        # The portal's own panel still records a grant.
        youtube = browser.driver.find_element(By.CSS_SELECTOR, '.embed[data-service="youtube"]')
        youtube.find_element(By.CSS_SELECTOR, "[data-allow-always]").click()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not consent_cookies(browser):
            time.sleep(0.1)
        assert consent_cookies(browser), "the portal's own grant set no cookie"
        assert event_count(galleryd) == before + 1
    finally:
        browser.quit()
        site.close()

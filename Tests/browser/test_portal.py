"""The portal in a real browser: the gallery, the consent panel, nothing sent before consent."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_selenium_python import Axe
from PIL import Image
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import ARTIFACTS, EMBEDS, GALLERY, PROBE, REPO, XSS_CAPTION, Browser

SCREENSHOTS = REPO / "docs" / "screenshots"


def wait_until(condition, timeout: float = 10, message: str = "condition not met"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(message)


def position(browser: Browser) -> str:
    return browser.driver.find_element(By.CSS_SELECTOR, "[data-position]").text


def visible_slide(browser: Browser) -> str:
    return browser.driver.execute_script(
        "return [...document.querySelectorAll('.slide')].filter(s => !s.hidden).map(s => s.id).join(',')")


def assert_only_own_origin(browser: Browser, stage: str) -> None:
    foreign = browser.foreign_requests()
    assert foreign == [], f"{stage}: requests left the galleryd origin: {foreign}"
    assert browser.csp == [], f"{stage}: CSP violations: {browser.csp}"
    assert browser.third_party_cookies() == [], f"{stage}: third-party cookies: {browser.third_party_cookies()}"


def assert_netlog_only_own_origin(browser: Browser) -> None:
    """Ends the session; Chromium's NetLog must show no request of the page elsewhere."""
    foreign = browser.netlog_foreign_requests()
    assert foreign == [], f"the NetLog shows requests beyond galleryd: {foreign}"


def open_panel(browser: Browser):
    browser.driver.find_element(By.CSS_SELECTOR, "[data-consent-open]").click()
    panel = browser.driver.find_element(By.CSS_SELECTOR, "[data-consent-panel]")
    wait_until(lambda: panel.get_attribute("open") is not None, message="the consent panel did not open")
    return panel


def consent_cookie(browser: Browser):
    return next((cookie for cookie in browser.cookies() if cookie["name"] == "galleryd_consent"), None)


def embed_section(browser: Browser, service: str):
    return browser.driver.find_element(By.CSS_SELECTOR, f'.embed[data-service="{service}"]')


def service_hosts(galleryd, service: str) -> set[str]:
    services = galleryd.get_json("/api/v1/consent/services?locale=de")["services"]
    return set(next(entry for entry in services if entry["id"] == service)["hosts"])


def host_allowed(host: str, allowed: set[str]) -> bool:
    return any(host == entry or (entry.startswith("*.") and host.endswith(entry[1:])) for entry in allowed)


# (1) Nothing leaves the origin before consent.


def test_the_gallery_page_loads_only_from_its_own_origin(browser):
    browser.open(f"/galleries/{GALLERY}")
    driver = browser.driver
    assert driver.find_element(By.TAG_NAME, "h1").text == "Auftaktkonferenz Digitale Modellkommunen in NRW"
    assert position(browser) == "1 von 6"
    assert driver.find_element(By.CSS_SELECTOR, "#slide-1 .credit").text == "© MWIDE NRW/E. Lichtenscheidt"
    assert driver.find_element(By.CSS_SELECTOR, "[data-prev] .visually-hidden").get_attribute(
        "textContent") == "Vorheriges Bild"
    assert driver.find_element(By.CSS_SELECTOR, "[data-next] .visually-hidden").get_attribute(
        "textContent") == "Nächstes Bild"
    images = driver.find_elements(By.CSS_SELECTOR, ".slide img")
    assert len(images) == 6
    for index, image in enumerate(images):
        assert image.get_attribute("width") and image.get_attribute("height")
        assert image.get_attribute("srcset")
        # portal.js fetches the current slide's neighbours eagerly; the rest wait.
        if 1 < index < 5:
            assert image.get_attribute("loading") == "lazy"
    sources = driver.find_elements(By.CSS_SELECTOR, "#slide-1 picture source")
    assert {source.get_attribute("type") for source in sources} >= {"image/webp"}
    assert driver.execute_script("return document.querySelector('#slide-1 img').naturalWidth") > 0
    # An image not yet loaded shows its colour and its decoded ThumbHash meanwhile.
    waiting = driver.execute_script(
        "const img = document.querySelector('#slide-4 img');"
        "return {complete: img.complete && img.naturalWidth > 0, color: img.style.backgroundColor,"
        " image: img.style.backgroundImage.slice(0, 27)}")
    assert not waiting["complete"], "a hidden slide beyond the neighbours waits"
    assert waiting["color"].startswith("rgb") and waiting["image"] == 'url("data:image/png;base64,'
    assert_only_own_origin(browser, "on load")
    assert_netlog_only_own_origin(browser)


def test_paging_with_the_keyboard_follows_the_carousel_pattern_and_stays_local(browser):
    browser.open(f"/galleries/{GALLERY}")
    driver = browser.driver
    tab = driver.find_element(By.CSS_SELECTOR, '[role="tab"][aria-selected="true"]')
    tab.send_keys(Keys.ARROW_RIGHT)
    assert position(browser) == "2 von 6"
    assert visible_slide(browser) == "slide-2"
    assert driver.switch_to.active_element.get_attribute("id") == "tab-2"
    for expected in range(3, 7):
        driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
        assert position(browser) == f"{expected} von 6"
    driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert position(browser) == "1 von 6", "paging wraps around"
    driver.switch_to.active_element.send_keys(Keys.END)
    assert position(browser) == "6 von 6"
    driver.switch_to.active_element.send_keys(Keys.HOME)
    assert position(browser) == "1 von 6"
    # The previous/next buttons work from the keyboard too, and arrows work on them.
    next_button = driver.find_element(By.CSS_SELECTOR, "[data-next]")
    next_button.send_keys(Keys.ENTER)
    assert position(browser) == "2 von 6"
    next_button.send_keys(Keys.ARROW_LEFT)
    assert position(browser) == "1 von 6"
    selected = driver.find_elements(By.CSS_SELECTOR, '[role="tab"][aria-selected="true"]')
    assert [element.get_attribute("id") for element in selected] == ["tab-1"]
    # The focused control shows a visible focus ring.
    outline = driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "focus must be visible"
    caption = driver.find_element(By.CSS_SELECTOR, "#slide-6 .caption").get_attribute("textContent")
    assert "Von links: Andreas Mucke, Oberbürgermeister Wuppertal" in caption
    time.sleep(1)  # let the neighbours' lazy images load
    assert_only_own_origin(browser, "after paging")
    assert_netlog_only_own_origin(browser)


def test_opening_and_closing_the_consent_panel_stays_local(browser):
    browser.open(f"/galleries/{GALLERY}")
    panel = open_panel(browser)
    assert panel.find_element(By.TAG_NAME, "h2").text == '"Social Media"-Einstellungen'
    text = panel.text
    assert "Wenn Sie diese Felder durch einen Klick aktivieren, werden Informationen an die nachfolgenden " \
           "Dienste übertragen und dort gespeichert:" in text
    assert "Datenfeeds von sozialen Netzwerken dauerhaft aktivieren und Datenübertragung zustimmen" in text
    panel.send_keys(Keys.ESCAPE)
    wait_until(lambda: panel.get_attribute("open") is None, message="Escape closes the panel")
    open_panel(browser)
    panel.find_element(By.CSS_SELECTOR, "[data-consent-panel] .panel-actions [data-consent-close]").click()
    wait_until(lambda: panel.get_attribute("open") is None, message="the close button closes the panel")
    assert_only_own_origin(browser, "after opening and closing the panel")
    assert_netlog_only_own_origin(browser)


def test_the_panel_lists_every_service_with_purpose_recipient_and_privacy_link(browser, needs_consent_api):
    browser.open(f"/galleries/{GALLERY}")
    panel = open_panel(browser)
    entries = panel.find_elements(By.CSS_SELECTOR, "[data-service-entry]")
    assert {entry.get_attribute("data-service-entry") for entry in entries} == {e["service"] for e in EMBEDS}
    for entry in entries:
        toggle = entry.find_element(By.CSS_SELECTOR, 'input[role="switch"]')
        assert not toggle.is_selected(), "nothing is granted by default"
        assert entry.find_element(By.CSS_SELECTOR, ".purpose").text
        assert "Empfänger" in entry.text
        assert entry.find_element(By.CSS_SELECTOR, "a.external").get_attribute("href").startswith("https://")
    assert_only_own_origin(browser, "panel with services")


def test_reject_all_sends_nothing_to_third_parties(browser, needs_consent_api, galleryd):
    browser.open(f"/galleries/{GALLERY}")
    panel = open_panel(browser)
    panel.find_element(By.CSS_SELECTOR, "[data-reject]").click()
    wait_until(lambda: "kein Dienst" in panel.find_element(By.CSS_SELECTOR, "[data-consent-message]").text)
    panel.send_keys(Keys.ESCAPE)
    assert consent_cookie(browser) is None
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".embed iframe") == []
    time.sleep(1)
    assert_only_own_origin(browser, "after reject")
    assert_netlog_only_own_origin(browser)


# (2) A once-grant for YouTube.


def test_a_once_grant_loads_only_youtube_and_is_gone_after_a_reload(browser, needs_consent_api, galleryd):
    browser.open(f"/galleries/{GALLERY}")
    assert_only_own_origin(browser, "before the grant")
    youtube = embed_section(browser, "youtube")
    youtube.find_element(By.CSS_SELECTOR, "[data-load-once]").click()
    frame = wait_until(lambda: youtube.find_elements(By.TAG_NAME, "iframe"), message="the embed did not load")[0]
    src = frame.get_attribute("src")
    assert urlsplit(src).netloc == urlsplit(browser.origin).netloc, "the page frames only galleryd's wrapper"
    time.sleep(2)
    hosts = browser.foreign_hosts()
    allowed = service_hosts(galleryd, "youtube")
    assert hosts, "the YouTube embed was attempted"
    assert all(host_allowed(host, allowed) for host in hosts), f"{hosts} beyond YouTube's hosts {allowed}"
    assert consent_cookie(browser) is None, "a once-grant sets no cookie"
    for service in ("facebook", "x", "vimeo"):
        assert embed_section(browser, service).find_elements(By.TAG_NAME, "iframe") == []
    # After a reload nothing is granted and nothing foreign is requested.
    browser.requests.clear()
    browser.driver.refresh()
    browser.wait_ready()
    time.sleep(1)
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".embed iframe") == []
    assert consent_cookie(browser) is None
    assert_only_own_origin(browser, "after the reload")
    # Chromium's NetLog over the whole session agrees: YouTube's hosts, nothing else.
    netlog_hosts = {urlsplit(url).hostname for url in browser.netlog_foreign_requests()}
    assert netlog_hosts and all(host_allowed(host, allowed) for host in netlog_hosts), netlog_hosts


# (3) A permanent grant and its withdrawal.


def test_a_permanent_grant_sets_the_cookie_and_withdrawal_removes_the_embed(browser, needs_consent_api, galleryd):
    browser.open(f"/galleries/{GALLERY}")
    youtube = embed_section(browser, "youtube")
    youtube.find_element(By.CSS_SELECTOR, "[data-allow-always]").click()
    wait_until(lambda: youtube.find_elements(By.TAG_NAME, "iframe"), message="the embed did not load")
    cookie = wait_until(lambda: consent_cookie(browser), message="no consent cookie")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False, "plain HTTP on loopback: not Secure"
    assert cookie["domain"] == "127.0.0.1"
    assert cookie.get("expires", -1) > time.time() + 86400, "a permanent consent has a Max-Age"
    status = json.loads(browser.driver.execute_async_script(
        "const done = arguments[0]; fetch('/api/v1/consent').then(r => r.text()).then(done);"))
    assert status["granted"] == ["youtube"]
    assert status.get("consentId")
    # The grant survives a reload.
    browser.driver.refresh()
    browser.wait_ready()
    youtube = embed_section(browser, "youtube")
    wait_until(lambda: youtube.find_elements(By.TAG_NAME, "iframe"), message="the permanent grant holds")
    # Withdraw in the panel: the embed goes without a reload and nothing foreign follows.
    panel = open_panel(browser)
    toggle = panel.find_element(By.CSS_SELECTOR, 'input[data-service="youtube"]')
    assert toggle.is_selected()
    toggle.click()
    wait_until(lambda: youtube.find_elements(By.TAG_NAME, "iframe") == [], message="the embed stays")
    wait_until(lambda: consent_cookie(browser) is None, message="the cookie is not cleared")
    browser.drain()
    browser.requests.clear()
    time.sleep(2)
    assert browser.foreign_requests() == []
    # The server holds both events in its consent log.
    events = galleryd.admin_json("/api/v1/admin/consent/events")["events"]
    youtube_events = [event for event in events if "youtube" in event.get("decisions", {})]
    kinds = [event["kind"] for event in youtube_events]
    assert "grant" in kinds and "withdraw" in kinds, kinds
    # This visitor's own grant (other tests in the session record theirs in the same log).
    grant = next(event for event in youtube_events if event["kind"] == "grant" and event["scope"] == "permanent"
                 and event["consentId"] == status["consentId"])
    assert grant["decisions"]["youtube"] is True


def test_an_embed_shows_its_locally_served_preview(browser, galleryd, needs_consent_api):
    attached = galleryd.upload_preview_embed()
    assert attached["preview"]["url"].startswith("/previews/"), attached
    browser.open(f"/galleries/{PROBE}")
    youtube = embed_section(browser, "youtube")
    preview = youtube.find_element(By.CSS_SELECTOR, ".embed-stage img")
    assert preview.get_attribute("src") == browser.origin + attached["preview"]["url"]
    browser.driver.execute_script("arguments[0].scrollIntoView()", youtube)
    wait_until(lambda: browser.driver.execute_script("return arguments[0].naturalWidth", preview) > 0,
               message="the preview did not load")
    assert youtube.find_element(By.CSS_SELECTOR, "[data-load-once]").text == "Einmal laden"
    assert youtube.find_element(By.CSS_SELECTOR, "[data-allow-always]").text == "Immer für YouTube erlauben"
    link = youtube.find_element(By.CSS_SELECTOR, "a.external")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=aBcDeFgHiJk"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "YouTube" in youtube.find_element(By.CSS_SELECTOR, ".embed-notice").text
    save_screenshot(browser, "embed-with-preview")
    assert_only_own_origin(browser, "embed preview")


def test_a_new_policy_version_asks_again(browser, galleryd, needs_consent_api):
    browser.open(f"/galleries/{GALLERY}")
    youtube = embed_section(browser, "youtube")
    youtube.find_element(By.CSS_SELECTOR, "[data-allow-always]").click()
    wait_until(lambda: youtube.find_elements(By.TAG_NAME, "iframe"), message="the embed did not load")
    settings = galleryd.admin_json("/api/v1/admin/consent/settings")
    settings["policyVersion"] = settings["policyVersion"] + "-b"
    galleryd.admin_json("/api/v1/admin/consent/settings", settings, method="PUT")
    # This page still holds the old version: its next grant is refused (409) and the panel
    # shows the current texts instead.
    vimeo = embed_section(browser, "vimeo")
    vimeo.find_element(By.CSS_SELECTOR, "[data-load-once]").click()
    panel = browser.driver.find_element(By.CSS_SELECTOR, "[data-consent-panel]")
    wait_until(lambda: panel.get_attribute("open") is not None, message="the panel did not open on 409")
    message = panel.find_element(By.CSS_SELECTOR, "[data-consent-message]")
    wait_until(lambda: "geändert" in message.text, message=message.text)
    assert vimeo.find_elements(By.TAG_NAME, "iframe") == []
    # After a reload the old permanent consent no longer counts.
    browser.driver.refresh()
    browser.wait_ready()
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".embed iframe") == []
    panel = open_panel(browser)
    assert "geändert" in panel.find_element(By.CSS_SELECTOR, "[data-consent-message]").text
    assert not any(toggle.is_selected() for toggle in panel.find_elements(By.CSS_SELECTOR, "input[data-service]"))
    panel.send_keys(Keys.ESCAPE)
    # Deciding again under the new version works.
    youtube = embed_section(browser, "youtube")
    youtube.find_element(By.CSS_SELECTOR, "[data-allow-always]").click()
    wait_until(lambda: youtube.find_elements(By.TAG_NAME, "iframe"), message="the new grant did not load")
    assert browser.csp == []


# (4) Catalog text is text.


def test_a_hostile_caption_is_shown_as_text(browser):
    browser.open(f"/galleries/{PROBE}")
    driver = browser.driver
    caption = driver.find_element(By.CSS_SELECTOR, "#slide-1 .caption")
    assert caption.text == XSS_CAPTION
    assert caption.find_elements(By.XPATH, "./*") == [], "no element was made from the caption"
    assert driver.find_elements(By.CSS_SELECTOR, 'img[src="x"], main script') == []
    assert driver.find_element(By.TAG_NAME, "h1").text == "Sicherheitsprobe <b>fett</b>"
    assert driver.find_element(By.CSS_SELECTOR, "#slide-1 .credit").text == "© Probe <em>Credit</em>"
    alt = driver.find_element(By.CSS_SELECTOR, "#slide-1 img").get_attribute("alt")
    assert alt == 'Alt mit "Anführungszeichen" <img src=x onerror=alert(3)>'
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert_only_own_origin(browser, "probe gallery")
    assert_netlog_only_own_origin(browser)


# (5) Accessibility.


def serious_violations(driver, context=None) -> list[dict]:
    axe = Axe(driver)
    axe.inject()
    results = axe.run(context=context)
    return [violation for violation in results["violations"] if violation["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
                     for v in violations)


def test_axe_finds_no_serious_violation_on_the_portal_and_the_panel(browser):
    browser.open(f"/galleries/{GALLERY}")
    violations = serious_violations(browser.driver)
    assert violations == [], describe(violations)
    open_panel(browser)
    time.sleep(0.3)
    violations = serious_violations(browser.driver, context="#consent-panel")
    assert violations == [], describe(violations)
    browser.open("/galleries/" + GALLERY + "?lang=en")
    violations = serious_violations(browser.driver)
    assert violations == [], describe(violations)


# English is one click away.


def test_english_is_switchable(browser):
    browser.open(f"/galleries/{GALLERY}")
    browser.driver.find_element(By.CSS_SELECTOR, "a.language-switch").click()
    browser.wait_ready()
    assert browser.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert position(browser) == "1 of 6"
    panel = open_panel(browser)
    assert "Activate data feeds from social networks permanently" in panel.text
    assert_only_own_origin(browser, "English page")


# Without JavaScript the page is a list of images with captions.


def test_without_javascript_the_gallery_is_a_list_of_figures(galleryd):
    from urllib.request import urlopen

    with urlopen(f"{galleryd.origin}/galleries/{GALLERY}") as response:
        html = response.read().decode("utf-8")
        headers = response.headers
    assert html.count("<figure>") == 6
    assert html.count("<figcaption>") == 6
    slides = html.split('class="slide"')[1:]
    assert ['loading="lazy"' in slide for slide in slides] == [False] + [True] * 5
    assert 'fetchpriority="high"' in slides[0]
    assert "© MWIDE NRW/E. Lichtenscheidt" in html
    csp = headers["Content-Security-Policy"]
    for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'self'",
                      "object-src 'none'", "base-uri 'none'"]:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert " style=" not in html and "<script>" not in html.replace('<script type="module"', "")
    # The embed placeholders are on the page too; a third-party address appears only as the
    # target of a link the visitor follows (API.md: "externalLink"), or as data no browser
    # fetches: the JSON-LD block (licence pages) and link-preview tags naming this site.
    assert html.count('<section class="embed"') == len(EMBEDS)
    data_block = re.search(r'<script type="application/ld\+json">.*?</script>', html, re.S)
    assert data_block, "structured data"
    page = html.replace(data_block.group(0), "")
    for match in re.finditer(r"https?://", page):
        before = page[match.start() - 9:match.start()]
        own = page.startswith(galleryd.origin + "/", match.start())
        assert before.endswith('href="') or (own and before == 'content="'), \
            page[match.start() - 80:match.end() + 40]


def test_without_javascript_the_browser_shows_every_figure(galleryd):
    plain = Browser(galleryd.origin, 1280, 900, javascript=False)
    try:
        plain.driver.get(f"{galleryd.origin}/galleries/{GALLERY}")
        driver = plain.driver
        assert driver.execute_script("return 1") == 1  # WebDriver scripts still run
        assert "no-js" in driver.find_element(By.TAG_NAME, "html").get_attribute("class")
        figures = driver.find_elements(By.CSS_SELECTOR, ".slide figure")
        assert len(figures) == 6 and all(figure.is_displayed() for figure in figures)
        captions = driver.find_elements(By.CSS_SELECTOR, ".slide .caption")
        assert all(caption.is_displayed() and caption.text for caption in captions)
        assert not driver.find_element(By.CSS_SELECTOR, "[data-controls]").is_displayed()
        assert not driver.find_element(By.CSS_SELECTOR, "[data-consent-open]").is_displayed()
        embeds = driver.find_elements(By.CSS_SELECTOR, ".embed")
        assert len(embeds) == len(EMBEDS) and all(embed.is_displayed() for embed in embeds)
        youtube = driver.find_element(By.CSS_SELECTOR, '.embed[data-service="youtube"]')
        assert youtube.find_element(By.CSS_SELECTOR, "a.external").text.startswith("Auf YouTube ansehen")
        assert "YouTube" in youtube.find_element(By.CSS_SELECTOR, ".embed-notice").text
        assert youtube.find_elements(By.TAG_NAME, "button") == [], "granting needs JavaScript"
        plain.screenshot("portal-without-javascript")
        assert_only_own_origin(plain, "without JavaScript")
    finally:
        plain.quit()


# (6) Screenshots for people to look at.


def save_screenshot(browser: Browser, name: str) -> Path:
    path = browser.screenshot(name)
    if Path(str(path)).exists() and (REPO / "docs").exists() and _update_docs():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with Image.open(path) as image:
            image.convert("RGB").quantize(colors=192, dither=Image.Dither.NONE).save(
                SCREENSHOTS / f"{name}.png", optimize=True)
    return path


def _update_docs() -> bool:
    return os.environ.get("GALLERYD_UPDATE_SCREENSHOTS") == "1"


def test_screenshots_of_the_portal_and_the_panel(galleryd):
    desktop = Browser(galleryd.origin, 1280, 1400)
    try:
        desktop.open(f"/galleries/{GALLERY}")
        desktop.driver.execute_script("document.querySelectorAll('.slide img').forEach(i => i.loading = 'eager')")
        wait_until(lambda: desktop.driver.execute_script(
            "return document.querySelector('#slide-1 img').complete"), message="first image")
        time.sleep(0.5)
        save_screenshot(desktop, "portal-desktop")
        open_panel(desktop)
        time.sleep(0.5)
        save_screenshot(desktop, "consent-panel")
        desktop.driver.find_element(By.CSS_SELECTOR, "[data-consent-panel]").send_keys(Keys.ESCAPE)
        embeds = desktop.driver.find_elements(By.CSS_SELECTOR, "[data-embeds]:not([hidden])")
        if embeds:
            desktop.driver.execute_script("arguments[0].scrollIntoView()", embeds[0])
            time.sleep(0.3)
            save_screenshot(desktop, "embed-placeholders")
        assert_only_own_origin(desktop, "screenshots")
    finally:
        desktop.quit()
    phone = Browser(galleryd.origin, 390, 844, mobile=True)
    try:
        phone.open(f"/galleries/{GALLERY}")
        wait_until(lambda: phone.driver.execute_script(
            "return document.querySelector('#slide-1 img').complete"), message="first image")
        time.sleep(0.5)
        save_screenshot(phone, "portal-phone")
        assert_only_own_origin(phone, "phone")
    finally:
        phone.quit()
    for name in ("portal-desktop", "consent-panel", "portal-phone"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000

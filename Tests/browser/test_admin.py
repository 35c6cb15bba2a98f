"""The admin page in a real browser: token in sessionStorage, editing through the admin API."""

from __future__ import annotations

import shutil
import time

from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, PROBE, Browser
from test_portal import assert_only_own_origin, describe, serious_violations, wait_until


def sign_in(browser: Browser, token: str) -> None:
    browser.open("/admin")
    driver = browser.driver
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, ".sign-in button[type=submit]").click()
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".admin-table"), message="the gallery list did not load")


def status_text(browser: Browser) -> str:
    return browser.driver.find_element(By.CSS_SELECTOR, ".admin-status").text


def test_a_wrong_token_is_refused_and_nothing_is_kept(browser):
    browser.open("/admin")
    driver = browser.driver
    driver.find_element(By.ID, "token").send_keys("gd_not-a-token")
    driver.find_element(By.CSS_SELECTOR, ".sign-in button[type=submit]").click()
    wait_until(lambda: "gilt nicht" in status_text(browser), message="no refusal shown")
    assert driver.execute_script("return sessionStorage.length") == 0
    assert browser.cookies() == []
    assert_only_own_origin(browser, "wrong token")


def test_the_admin_edits_a_caption_and_the_audit_trail_shows_it(browser, galleryd):
    sign_in(browser, galleryd.admin_token)
    driver = browser.driver
    assert driver.execute_script("return sessionStorage.getItem('galleryd-admin-token')") == galleryd.admin_token
    assert browser.cookies() == [], "the token is never a cookie"
    driver.find_element(By.XPATH, "//button[contains(., 'Sicherheitsprobe')]").click()
    def probe_two():
        return [form for form in driver.find_elements(By.CSS_SELECTOR, "form.item") if "probe-2.jpg" in form.text]

    form = wait_until(probe_two, message="no items")[0]
    caption = form.find_element(By.TAG_NAME, "textarea")
    caption.clear()
    caption.send_keys("Neue Bildunterschrift <b>aus der Redaktion</b>")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(lambda: "probe-2.jpg gespeichert" in status_text(browser), message=status_text(browser))
    document = galleryd.get_json(f"/api/v1/galleries/{PROBE}")
    assert document["items"][1]["caption"] == "Neue Bildunterschrift <b>aus der Redaktion</b>"
    # The source of each text is shown next to it.
    assert "Quelle: admin" in probe_two()[0].text
    browser.screenshot("admin-gallery")
    driver.find_element(By.CSS_SELECTOR, '[data-view="audit"]').click()
    table = wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".admin-table"), message="no audit table")[0]
    wait_until(lambda: "browser-test" in table.text, message="the change is not in the audit trail")
    assert "Neue Bildunterschrift <b>aus der Redaktion</b>" in table.text
    assert driver.find_elements(By.CSS_SELECTOR, ".admin-table b") == []
    assert_only_own_origin(browser, "admin edits")
    # Last, because axe-core itself adds inline styles the page's CSP refuses.
    violations = serious_violations(driver)
    assert violations == [], describe(violations)


def test_the_admin_sets_who_what_and_where_and_the_json_shows_it(browser, galleryd):
    sign_in(browser, galleryd.admin_token)
    driver = browser.driver
    driver.find_element(By.XPATH, "//button[contains(., 'Sicherheitsprobe')]").click()

    def probe_one():
        return [form for form in driver.find_elements(By.CSS_SELECTOR, "form.item") if "probe-1.jpg" in form.text]

    form = wait_until(probe_one, message="no items")[0]

    def labelled(text):
        label = form.find_element(By.XPATH, f".//label[starts-with(., '{text}')]")
        return form.find_element(By.ID, label.get_attribute("for"))

    labelled("Schlagwörter").send_keys("Digitalisierung\nModellkommune, NRW\n")
    labelled("Personen im Bild").send_keys("Andreas Pinkwart\nIna Boschin-Heinz")
    labelled("Ereignis").send_keys("Auftaktkonferenz Digitale Modellkommunen")
    labelled("Stadt").send_keys("Paderborn")
    labelled("Ländercode").send_keys("DE")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(lambda: "probe-1.jpg gespeichert" in status_text(browser), message=status_text(browser))
    item = galleryd.get_json(f"/api/v1/galleries/{PROBE}")["items"][0]
    assert item["keywords"] == ["Digitalisierung", "Modellkommune, NRW"]
    assert item["persons"] == ["Andreas Pinkwart", "Ina Boschin-Heinz"]
    assert item["event"] == "Auftaktkonferenz Digitale Modellkommunen"
    assert item["location"] == {"city": "Paderborn", "countryCode": "DE"}
    # Emptied again: the overrides are removed.
    form = wait_until(probe_one, message="no items")[0]
    for text in ("Schlagwörter", "Personen im Bild", "Ereignis", "Stadt", "Ländercode"):
        labelled(text).clear()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(lambda: "probe-1.jpg gespeichert" in status_text(browser), message=status_text(browser))
    item = galleryd.get_json(f"/api/v1/galleries/{PROBE}")["items"][0]
    assert not {"keywords", "persons", "event", "location"} & item.keys()
    assert_only_own_origin(browser, "who, what, where")
    violations = serious_violations(driver)
    assert violations == [], describe(violations)


def test_the_quarantine_lists_a_broken_file_and_retries_it(browser, galleryd):
    sign_in(browser, galleryd.admin_token)
    driver = browser.driver
    driver.find_element(By.CSS_SELECTOR, '[data-view="quarantine"]').click()
    row = wait_until(
        lambda: [r for r in driver.find_elements(By.CSS_SELECTOR, ".admin-table tbody tr") if "kaputt.jpg" in r.text],
        message="the broken file is not listed")[0]
    row.find_element(By.TAG_NAME, "button").click()
    wait_until(lambda: "erneut verarbeitet" in status_text(browser), message=status_text(browser))
    time.sleep(0.5)
    assert_only_own_origin(browser, "quarantine")


def test_consent_settings_and_log_export(browser, galleryd, needs_consent_api):
    sign_in(browser, galleryd.admin_token)
    driver = browser.driver
    driver.find_element(By.CSS_SELECTOR, '[data-view="consent"]').click()
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, "fieldset.service-settings"), message="no settings")
    assert len(driver.find_elements(By.CSS_SELECTOR, "fieldset.service-settings")) >= 7
    driver.find_element(By.CSS_SELECTOR, '[data-view="events"]').click()
    wait_until(lambda: "Ereignisse" in driver.find_element(By.CSS_SELECTOR, ".admin-content").text)
    # The export button downloads the CSV (fetched with the bearer token, saved from a blob).
    downloads = ARTIFACTS / "downloads"
    shutil.rmtree(downloads, ignore_errors=True)
    downloads.mkdir(parents=True)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.find_element(By.XPATH, "//button[contains(., 'Als CSV exportieren')]").click()
    files = wait_until(lambda: [f for f in downloads.glob("einwilligungen-*.csv")], message="no CSV was downloaded")
    time.sleep(0.5)
    csv = files[0].read_text(encoding="utf-8")
    assert csv.splitlines()[0].count(",") >= 5, csv[:200]
    assert_only_own_origin(browser, "consent settings")


def test_an_embargo_set_on_the_page_holds_the_photo_and_the_admin_still_sees_it(browser, galleryd):
    sign_in(browser, galleryd.admin_token)
    driver = browser.driver
    driver.find_element(By.XPATH, "//button[contains(., 'Sicherheitsprobe')]").click()

    def probe_one():
        return [form for form in driver.find_elements(By.CSS_SELECTOR, "form.item") if "probe-1.jpg" in form.text]

    form = wait_until(probe_one, message="no items")[0]
    before = len(galleryd.get_json(f"/api/v1/galleries/{PROBE}")["items"])
    publish_at = form.find_element(By.XPATH, ".//label[starts-with(., 'Veröffentlichen ab')]/following-sibling::input")
    publish_at.send_keys("2099-01-01T10:00")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(lambda: "probe-1.jpg gespeichert" in status_text(browser), message=status_text(browser))
    item = wait_until(probe_one, message="the item is gone")[0]
    assert "Stand: Sperrfrist" in item.text
    # Not public any more, but its thumbnail reaches the admin through the token's route.
    wait_until(lambda: (item.find_element(By.TAG_NAME, "img").get_attribute("src") or "").startswith("data:image/"),
               message="the embargoed thumbnail was not loaded through the admin route")
    assert len(galleryd.get_json(f"/api/v1/galleries/{PROBE}")["items"]) == before - 1
    driver.find_element(By.CSS_SELECTOR, '[data-view="schedule"]').click()
    wait_until(lambda: "probe-1.jpg" in driver.find_element(By.CSS_SELECTOR, ".admin-content").text,
               message="the schedule does not list the embargoed photo")
    assert "Sperrfrist" in driver.find_element(By.CSS_SELECTOR, ".admin-content").text
    assert_only_own_origin(browser, "embargo")
    # Lifted again for the other tests: the field emptied.
    driver.find_element(By.CSS_SELECTOR, '[data-view="galleries"]').click()
    wait_until(lambda: driver.find_elements(By.XPATH, "//button[contains(., 'Sicherheitsprobe')]"))
    driver.find_element(By.XPATH, "//button[contains(., 'Sicherheitsprobe')]").click()
    form = wait_until(probe_one, message="no items")[0]
    field = form.find_element(By.XPATH, ".//label[starts-with(., 'Veröffentlichen ab')]/following-sibling::input")
    field.clear()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(lambda: "probe-1.jpg gespeichert" in status_text(browser), message=status_text(browser))
    assert len(galleryd.get_json(f"/api/v1/galleries/{PROBE}")["items"]) == before

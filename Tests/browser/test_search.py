"""Search in a real browser (issue 25 §2): the field on every page, the result page made on
the server (it works without JavaScript), facets as links, German and English, axe-clean."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, urlsplit
from urllib.request import urlopen

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import GALLERY, PROBE, Browser
from test_portal import assert_only_own_origin, describe, serious_violations


def api(galleryd, query: str) -> dict:
    with urlopen(f"{galleryd.origin}/api/v1/search?{query}", timeout=10) as response:
        return json.load(response)


def test_without_javascript_a_reader_searches_narrows_by_a_facet_and_widens_again(galleryd):
    plain = Browser(galleryd.origin, 1280, 900, javascript=False)
    try:
        driver = plain.driver
        # The field is on every page: start from a gallery.
        driver.get(f"{galleryd.origin}/galleries/{PROBE}")
        field = driver.find_element(By.CSS_SELECTOR, "form.site-search input[name=q]")
        assert field.is_displayed()
        field.send_keys("pinkwart DÜSSELDORF" + Keys.ENTER)
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".search-count"))
        assert urlsplit(driver.current_url).path == "/search"
        expected = api(galleryd, "q=" + quote("pinkwart DÜSSELDORF"))
        assert expected["total"] >= 1
        results = driver.find_elements(By.CSS_SELECTOR, ".search-result")
        assert len(results) == min(expected["total"], 24), (driver.current_url, driver.find_element(By.TAG_NAME, "main").text[:300])
        assert str(expected["total"]) in driver.find_element(By.CSS_SELECTOR, ".search-count").text
        captions = [result.find_element(By.CSS_SELECTOR, ".caption").text for result in results]
        assert all("Pinkwart" in caption and "Düsseldorf" in caption for caption in captions), captions
        # The query stays in the field; each result links to its photo in its gallery.
        assert driver.find_element(By.CSS_SELECTOR, "#site-search-q").get_attribute("value") == "pinkwart DÜSSELDORF"
        link = results[0].find_element(By.CSS_SELECTOR, ".from a")
        assert urlsplit(link.get_attribute("href")).path == f"/galleries/{GALLERY}"
        assert urlsplit(link.get_attribute("href")).fragment.startswith("slide-")

        # A facet narrows the search; the filter shown removes it again.
        year = driver.find_element(By.CSS_SELECTOR, ".search-facets li a[href*='from=']")
        year.click()
        WebDriverWait(driver, 10).until(lambda d: "from=" in d.current_url)
        query = parse_qs(urlsplit(driver.current_url).query)
        assert query["q"] == ["pinkwart DÜSSELDORF"] and query["from"][0].endswith("-01-01")
        assert len(driver.find_elements(By.CSS_SELECTOR, ".search-result")) >= 1
        driver.find_element(By.CSS_SELECTOR, ".search-filters a[href*='q=']").click()
        WebDriverWait(driver, 10).until(lambda d: "from=" not in d.current_url)
        assert "from" not in parse_qs(urlsplit(driver.current_url).query)
        assert len(driver.find_elements(By.CSS_SELECTOR, ".search-result")) == len(results)

        # Nothing found, said so.
        driver.get(f"{galleryd.origin}/search?q=Zwetschgendatschi")
        assert driver.find_elements(By.CSS_SELECTOR, ".search-result") == []
        assert driver.find_element(By.CSS_SELECTOR, ".search-count").text == "Keine Fotos gefunden."
        assert_only_own_origin(plain, "search without JavaScript")
    finally:
        plain.quit()


def test_a_hostile_query_is_text_and_a_too_long_one_is_explained(browser, galleryd):
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    browser.open("/search?q=" + quote(hostile))
    driver = browser.driver
    assert driver.find_element(By.CSS_SELECTOR, "#site-search-q").get_attribute("value") == hostile
    assert driver.find_elements(By.CSS_SELECTOR, "main script, img[src='x']") == []
    try:
        driver.switch_to.alert.text  # noqa: B018
        raise AssertionError("a script ran")
    except NoAlertPresentException:
        pass
    browser.open("/search?q=" + "Pinkwart%20" * 100)
    problem = driver.find_element(By.CSS_SELECTOR, ".search-problem")
    assert '"q"' in problem.text and "500" in problem.text


def test_axe_finds_no_serious_violation_on_the_search_page(browser):
    for path in ["/search?q=Pinkwart", "/search?q=Pinkwart&lang=en", "/search", "/search?q=Zwetschgendatschi"]:
        browser.open(path)
        violations = serious_violations(browser.driver)
        assert violations == [], path + "\n" + describe(violations)
    browser.open("/search?q=Pinkwart&lang=en")
    assert browser.driver.find_element(By.TAG_NAME, "h1").text == "Search"
    assert "photos found" in browser.driver.find_element(By.CSS_SELECTOR, ".search-count").text
    assert browser.driver.find_element(By.CSS_SELECTOR, "form.site-search input[name=lang]").get_attribute("value") == "en"

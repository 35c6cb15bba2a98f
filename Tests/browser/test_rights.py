"""Rights that travel with every photo (issue 12): structured data and link previews as
machines read them, the AI label, the print download — in a real Chromium."""

from __future__ import annotations

import re
import urllib.request

import extruct
from axe_selenium_python import Axe
from selenium.webdriver.common.by import By

from conftest import AI_GALLERY, GALLERY, PROBE, SITE_RIGHTS, Browser

IMAGE_OBJECT_FIELDS = [
    "contentUrl", "caption", "creator", "creditText", "copyrightNotice", "license", "acquireLicensePage", "width",
    "height",
]


def structured_data(browser: Browser, path: str) -> dict:
    """The page as the browser has it, parsed by extruct (the library search tools use)."""
    browser.open(path)
    return extruct.extract(
        browser.driver.page_source, base_url=browser.origin + path, syntaxes=["json-ld", "opengraph"],
        uniform=True)


def fetch(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_every_gallery_page_has_one_image_object_per_photo_and_link_preview_tags(browser, galleryd):
    for slug in [GALLERY, PROBE, AI_GALLERY]:
        document = galleryd.get_json(f"/api/v1/galleries/{slug}")
        data = structured_data(browser, f"/galleries/{slug}")
        galleries = [entry for entry in data["json-ld"] if entry.get("@type") == "ImageGallery"]
        assert len(galleries) == 1, slug
        images = galleries[0]["associatedMedia"]
        assert [image["@type"] for image in images] == ["ImageObject"] * len(document["items"])
        for image, item in zip(images, document["items"]):
            missing = [field for field in IMAGE_OBJECT_FIELDS if not image.get(field)]
            assert missing == [], f"{slug}: {missing}"
            assert image["creditText"] == item["credit"]
            assert image["license"] == SITE_RIGHTS["GALLERYD_RIGHTS_LICENSE"]
            assert image["acquireLicensePage"] == SITE_RIGHTS["GALLERYD_RIGHTS_ACQUIRE_LICENSE_PAGE"]
            assert image["width"]["value"] == item["width"] and image["height"]["value"] == item["height"]
            assert image["contentUrl"].startswith(galleryd.origin + "/renditions/")
            assert fetch(image["contentUrl"])[0] == 200

        graph = [entry for entry in data["opengraph"] if entry.get("og:title")]
        assert len(graph) == 1, slug
        tags = graph[0]
        assert tags["og:title"] == document["title"]
        assert tags["og:locale"] == "de_DE"
        assert tags["og:url"] == f"{galleryd.origin}/galleries/{slug}"
        # Absolute (from site.publicURL), a JPEG near 1200 px, and it resolves on galleryd.
        assert tags["og:image"].startswith(galleryd.origin + "/renditions/") and tags["og:image"].endswith(".jpg")
        status, headers, body = fetch(tags["og:image"])
        assert status == 200 and headers["Content-Type"] == "image/jpeg" and len(body) > 1000
        assert int(tags["og:image:width"]) > 0 and int(tags["og:image:height"]) > 0
        assert tags["og:image:alt"]
        driver = browser.driver
        assert driver.find_element(By.CSS_SELECTOR, 'meta[name="twitter:card"]').get_attribute(
            "content") == "summary_large_image"
        assert driver.find_element(By.CSS_SELECTOR, 'link[rel="canonical"]').get_attribute(
            "href") == f"{galleryd.origin}/galleries/{slug}"
        assert driver.find_element(By.CSS_SELECTOR, 'meta[name="description"]').get_attribute("content")
        # JSON-LD is a data block: the strict Content-Security-Policy has nothing to refuse.
        browser.drain()
        assert browser.csp == [], slug

    # The gallery list has the same basics.
    data = structured_data(browser, "/")
    tags = [entry for entry in data["opengraph"] if entry.get("og:title")][0]
    assert tags["og:image"].startswith(galleryd.origin + "/renditions/")
    assert browser.driver.find_element(By.CSS_SELECTOR, 'link[rel="canonical"]').get_attribute(
        "href") == galleryd.origin + "/"


def test_an_ai_generated_image_is_labelled_for_eyes_and_screen_readers(browser, galleryd):
    item = galleryd.get_json(f"/api/v1/galleries/{AI_GALLERY}")["items"][0]
    assert item["aiGenerated"] is True
    assert item["digitalSourceType"].endswith("/trainedAlgorithmicMedia")
    for query, text in [("", "KI-generiert"), ("?lang=en", "AI-generated")]:
        browser.open(f"/galleries/{AI_GALLERY}{query}")
        label = browser.driver.find_element(By.CSS_SELECTOR, "#slide-1 .credit .ai-label")
        assert label.text == text and label.is_displayed()
        # Read with the credit: plain text in the figcaption, hidden from no one.
        assert label.get_attribute("aria-hidden") is None
        credit = browser.driver.find_element(By.CSS_SELECTOR, "#slide-1 .credit").get_attribute("textContent")
        assert credit.endswith(" " + text)
        axe = Axe(browser.driver)
        axe.inject()
        serious = [v for v in axe.run()["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in serious]
    # The photos of the other galleries carry no label.
    browser.open(f"/galleries/{GALLERY}")
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".ai-label") == []


def test_each_photo_offers_its_print_download_with_size_and_terms(browser, galleryd):
    item = galleryd.get_json(f"/api/v1/galleries/{GALLERY}")["items"][0]
    browser.open(f"/galleries/{GALLERY}")
    link = browser.driver.find_element(By.CSS_SELECTOR, "#slide-1 .download a")
    label = link.get_attribute("textContent")
    match = re.fullmatch(r"Herunterladen \(Druckqualität, (\d+) × (\d+) px, ([\d,]+ MB|\d+ kB)\)", label)
    assert match, label
    assert (int(match[1]), int(match[2])) == (item["download"]["width"], item["download"]["height"])
    terms = browser.driver.find_element(By.CSS_SELECTOR, "#slide-1 .usage-terms").get_attribute("textContent")
    assert SITE_RIGHTS["GALLERYD_RIGHTS_USAGE_TERMS_DE"] in terms
    status, headers, body = fetch(link.get_attribute("href"))
    assert status == 200 and len(body) == item["download"]["bytes"]
    assert headers["Content-Disposition"].startswith("attachment; filename=")
    assert "filename*=UTF-8''" in headers["Content-Disposition"]
    browser.open(f"/galleries/{GALLERY}?lang=en")
    terms = browser.driver.find_element(By.CSS_SELECTOR, "#slide-1 .usage-terms").get_attribute("textContent")
    assert SITE_RIGHTS["GALLERYD_RIGHTS_USAGE_TERMS_EN"] in terms

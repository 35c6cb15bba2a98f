"""Fixtures of the portal's browser tests.

The tests build nothing: they take a galleryd binary (GALLERYD_BIN, default
.build/debug/galleryd), make a media folder in a temp dir, start `galleryd serve` on a
free loopback port and drive Debian's Chromium through chromedriver with every DNS name
but loopback blocked, recording every network request, every CSP violation and every
cookie.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

# Before Selenium is imported: no driver look-up (the driver's path is given below) and no
# usage statistics sent to a third-party analytics host, however the tests are started.
os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("GALLERYD_ARTIFACTS", REPO / "artifacts" / "browser"))
SAMPLE = REPO / "media" / "Auftaktkonferenz Digitale Modellkommunen"

GALLERY = "auftaktkonferenz-digitale-modellkommunen"
PROBE = "sicherheitsprobe"
AI_GALLERY = "ki-beispiel"
# The site's rights defaults, as an operator configures them (rights.* in galleryd.yaml).
SITE_RIGHTS = {
    "GALLERYD_RIGHTS_LICENSE": "https://www.wirtschaft.nrw/bildrechte",
    "GALLERYD_RIGHTS_ACQUIRE_LICENSE_PAGE": "https://www.wirtschaft.nrw/presse/lizenz",
    "GALLERYD_RIGHTS_LICENSOR": "MWIDE NRW",
    "GALLERYD_RIGHTS_USAGE_TERMS_DE": "Nur zur redaktionellen Berichterstattung unter Angabe der Quelle",
    "GALLERYD_RIGHTS_USAGE_TERMS_EN": "Editorial use only, with the credit",
}
XSS_CAPTION = 'Bildunterschrift mit <img src=x onerror=alert(1)> und <script>alert(2)</script> & "Zitat"'

# One embed per configured service; the URLs are the platforms' own forms.
EMBEDS = [
    {"service": "youtube", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "kind": "video",
     "title": "Video: Auftaktkonferenz"},
    {"service": "facebook", "url": "https://www.facebook.com/MWIDE.NRW/posts/123456789", "kind": "post",
     "title": "Beitrag auf Facebook"},
    {"service": "x", "url": "https://x.com/MWIDE_NRW/status/123", "kind": "post", "title": "Beitrag auf X"},
    {"service": "pinterest", "url": "https://www.pinterest.com/pin/123/", "kind": "post",
     "title": "Pin auf Pinterest"},
    {"service": "instagram", "url": "https://www.instagram.com/p/CzAbc123xy/", "kind": "post",
     "title": "Beitrag auf Instagram"},
    {"service": "flickr", "url": "https://www.flickr.com/photos/user/123", "kind": "post",
     "title": "Foto auf Flickr"},
    {"service": "vimeo", "url": "https://vimeo.com/123", "kind": "video", "title": "Video auf Vimeo"},
]

SUMMARY = (
    "Zu Beginn der Förderphase der Digitalen Modellkommunen Nordrhein-Westfalen hat sich Wirtschafts- und "
    "Digitalminister Prof. Dr. Andreas Pinkwart mit den ausgewählten Regionen zu einer Auftaktkonferenz getroffen."
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def write_media(root: Path) -> None:
    """The sample gallery with an embed per service, and a probe gallery with a hostile caption."""
    gallery = root / "Auftaktkonferenz Digitale Modellkommunen"
    gallery.mkdir(parents=True)
    for image in sorted(SAMPLE.glob("bild-*.jpg")):
        shutil.copy(image, gallery / image.name)
    lines = [
        "title: " + yaml_string("Auftaktkonferenz Digitale Modellkommunen in NRW"),
        "summary: " + yaml_string(SUMMARY),
        "order: [bild-1.jpg, bild-2.jpg, bild-3.jpg, bild-4.jpg, bild-5.jpg, bild-6.jpg]",
        "embeds:",
    ]
    for embed in EMBEDS:
        lines.append("  - {" + ", ".join(f"{key}: {yaml_string(value)}" for key, value in embed.items()) + "}")
    (gallery / "gallery.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    probe = root / "Sicherheitsprobe"
    probe.mkdir()
    for index, (colour, size) in enumerate([((180, 60, 40), (1200, 800)), ((40, 90, 160), (800, 1200))], start=1):
        image = Image.new("RGB", size, colour)
        draw = ImageDraw.Draw(image)
        for step in range(0, size[0], 40):
            draw.line([(step, 0), (size[0] - step, size[1])], fill=(255, 255, 255), width=3)
        image.save(probe / f"probe-{index}.jpg", quality=85)
    # Not an image: galleryd quarantines it, and the admin page lists it.
    (probe / "kaputt.jpg").write_bytes(b"this is not a JPEG\n" * 10)
    (probe / "gallery.yaml").write_text(
        "\n".join([
            "title: " + yaml_string("Sicherheitsprobe <b>fett</b>"),
            "summary: " + yaml_string("Texte aus dem Katalog erscheinen als Text: <i>nicht kursiv</i>"),
            "order: [probe-1.jpg, probe-2.jpg]",
            "items:",
            "  probe-1.jpg:",
            "    caption: " + yaml_string(XSS_CAPTION),
            "    alt: " + yaml_string('Alt mit "Anführungszeichen" <img src=x onerror=alert(3)>'),
            "    credit: " + yaml_string("© Probe <em>Credit</em>"),
        ]) + "\n",
        encoding="utf-8",
    )

    # An image its maker marked as made by a generative model (IPTC Digital Source Type).
    ai = root / "KI-Beispiel"
    ai.mkdir()
    image = Image.new("RGB", (1200, 800), (90, 140, 90))
    ImageDraw.Draw(image).ellipse([300, 150, 900, 650], fill=(230, 200, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    (ai / "ki-bild.jpg").write_bytes(with_xmp(buffer.getvalue(), AI_XMP))
    (ai / "gallery.yaml").write_text(
        "title: KI-Beispiel\nitems:\n  ki-bild.jpg:\n    caption: Eine KI-generierte Sonne über einer Wiese\n",
        encoding="utf-8")


AI_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:creator><rdf:Seq><rdf:li>Bildgenerator</rdf:li></rdf:Seq></dc:creator>
<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def with_xmp(jpeg: bytes, packet: str) -> bytes:
    """The JPEG with an XMP APP1 segment after SOI, as editors write it."""
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + packet.encode("utf-8")
    return jpeg[:2] + b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


class Galleryd:
    """A running `galleryd serve` on a free loopback port."""

    def __init__(self, binary: Path, workdir: Path, environment: dict[str, str] | None = None,
                 log_name: str = "galleryd.log"):
        self.binary = binary
        self.environment = environment or {}
        self.media = workdir / "media"
        self.data = workdir / "data"
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log_path = ARTIFACTS / log_name
        self.process: subprocess.Popen | None = None
        self.workdir = workdir
        self.admin_token: str | None = None

    def consent_services_file(self) -> Path:
        """The project's service catalog without oEmbed endpoints: galleryd fetches no
        preview from the internet during the tests (an admin uploads one instead)."""
        lines = (REPO / "config" / "consent.yaml").read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if not line.strip().startswith(("oembed:", "previewHosts:"))]
        path = self.workdir / "consent.yaml"
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")
        return path

    def start(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w", encoding="utf-8")
        env = dict(os.environ)
        env["GALLERYD_CONSENT_SERVICES_FILE"] = str(self.consent_services_file())
        env["GALLERYD_SITE_PUBLIC_URL"] = self.origin
        env.update(SITE_RIGHTS)
        # Fewer widths make the first ingest faster; the portal shows whatever the JSON lists.
        env.setdefault("GALLERYD_RENDITIONS_CAROUSEL_WIDTHS", "640,1024,1600")
        env.update(self.environment)
        self.process = subprocess.Popen(
            [str(self.binary), "serve", "--media", str(self.media), "--data", str(self.data),
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, env=env,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"galleryd exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.origin + "/readyz", timeout=2) as response:
                    if response.status == 200 and self.gallery_ready():
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"galleryd did not become ready; see {self.log_path}")

    def create_admin_token(self) -> str:
        """`galleryd admin token create` on the running server's data folder."""
        result = subprocess.run(
            [str(self.binary), "admin", "token", "create", "--name", "browser-test", "--scope", "admin",
             "--data", str(self.data), "--media", str(self.media)],
            cwd=self.workdir, capture_output=True, text=True, timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(f"admin token create failed: {result.stderr}")
        self.admin_token = result.stdout.strip().splitlines()[-1]
        return self.admin_token

    def admin_json(self, path: str, body: dict | None = None, method: str | None = None):
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.origin + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode("utf-8")
            return json.loads(text) if text else None

    def upload_preview_embed(self) -> dict:
        """An admin attaches a YouTube video to the probe gallery with an uploaded preview,
        which galleryd re-encodes and serves itself."""
        image = Image.new("RGB", (640, 360), (28, 79, 130))
        draw = ImageDraw.Draw(image)
        draw.rectangle([250, 120, 390, 240], fill=(255, 255, 255))
        draw.polygon([(300, 145), (300, 215), (355, 180)], fill=(28, 79, 130))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85)
        return self.admin_json(
            f"/api/v1/admin/galleries/{PROBE}/embeds",
            {"service": "youtube", "url": "https://www.youtube.com/watch?v=aBcDeFgHiJk", "kind": "video",
             "title": "Video mit Vorschau", "preview": base64.b64encode(buffer.getvalue()).decode("ascii")},
        )

    def gallery_ready(self) -> bool:
        try:
            document = self.get_json(f"/api/v1/galleries/{GALLERY}")
            probe = self.get_json(f"/api/v1/galleries/{PROBE}")
            ai = self.get_json(f"/api/v1/galleries/{AI_GALLERY}")
        except (urllib.error.URLError, ConnectionError):
            return False
        # Downloads are made after every web set: ready once every photo has its download.
        items = document.get("items", []) + probe.get("items", []) + ai.get("items", [])
        return len(items) == 9 and all("download" in item for item in items)

    def get_json(self, path: str, headers: dict | None = None):
        request = urllib.request.Request(self.origin + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read().decode("utf-8"))

    def status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.origin + path, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="session")
def galleryd():
    binary = Path(os.environ.get("GALLERYD_BIN", REPO / ".build" / "debug" / "galleryd")).resolve()
    if not binary.exists():
        pytest.exit(f"no galleryd binary at {binary}: build it first (swift build) or set GALLERYD_BIN", 2)
    workdir = Path(tempfile.mkdtemp(prefix="galleryd-browser-"))
    write_media(workdir / "media")
    server = Galleryd(binary, workdir)
    server.start()
    server.create_admin_token()
    yield server
    server.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def consent_api(galleryd) -> bool:
    """Whether this galleryd serves the consent API and embeds (server-side work of issue 6)."""
    if galleryd.status("/api/v1/consent/services?locale=de") != 200:
        return False
    return len(galleryd.get_json(f"/api/v1/galleries/{GALLERY}").get("embeds", [])) == len(EMBEDS)


@pytest.fixture
def needs_consent_api(consent_api):
    if not consent_api:
        pytest.skip("galleryd does not serve the consent API and embeds yet")


# Recorded in every frame (CDP scripts are not subject to the page's CSP).
CSP_LISTENER = """
(() => {
  const store = (window.__cspViolations = window.__cspViolations || []);
  document.addEventListener('securitypolicyviolation', (e) => {
    const entry = {blockedURI: e.blockedURI, directive: e.violatedDirective, source: e.sourceFile,
                   line: e.lineNumber, frame: location.href};
    store.push(entry);
    try { if (window.top !== window) window.top.__cspViolations.push(entry); } catch (_) {}
  });
})();
"""


def chrome_options(
    width: int = 1280, height: int = 900, mobile: bool = False, javascript: bool = True, netlog: Path | None = None
) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
    for argument in [
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        # Every name but loopback fails to resolve: nothing can reach another host.
        # 127.0.0.2 is the cross-site test's second site (test_cross_site.py).
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2, EXCLUDE localhost',
        # Keep cross-site frames in this renderer, so the Network domain sees their requests.
        "--disable-site-isolation-trials",
        "--disable-features=IsolateOrigins,site-per-process,Translate,OptimizationHints,MediaRouter",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-domain-reliability",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--lang=de-DE",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
    ]:
        options.add_argument(argument)
    if mobile:
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2, "touch": True},
             "userAgent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome Mobile Safari/537.36"},
        )
    if netlog is not None:
        # Chromium's own record of every request its network service makes, whoever asked
        # (frames, workers, service workers): a second witness beside the DevTools log.
        options.add_argument(f"--log-net-log={netlog}")
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    return options


class Browser:
    """A Chromium session with its network, CSP and console records."""

    def __init__(
        self, origin: str, width: int = 1280, height: int = 900, mobile: bool = False, javascript: bool = True,
        netlog: Path | None = None,
    ):
        self.origin = origin
        self.netlog = netlog
        self.closed = False
        service = Service(executable_path=os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"))
        self.driver = webdriver.Chrome(
            options=chrome_options(width, height, mobile, javascript, netlog), service=service)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(60)
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
        self.requests: list[dict] = []
        self.console: list[dict] = []
        self.csp: list[dict] = []

    def drain(self) -> None:
        """Moves the browser's performance and console logs into this record."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                self.requests.append({"url": params["request"]["url"], "type": params.get("type"),
                                      "frame": params.get("frameId"), "initiator": params.get("initiator", {})})
            elif method == "Network.webSocketCreated":
                self.requests.append({"url": params["url"], "type": "WebSocket"})
            elif method == "Network.loadingFailed" and params.get("blockedReason") in ("csp", "content-type"):
                self.csp.append({"requestId": params.get("requestId"), "reason": params.get("blockedReason")})
        for entry in self.driver.get_log("browser"):
            self.console.append(entry)
            if "Content Security Policy" in entry.get("message", ""):
                self.csp.append({"console": entry["message"]})
        try:
            found = self.driver.execute_script("return (window.__cspViolations || []).splice(0);")
            self.csp.extend(found or [])
        except Exception:  # noqa: BLE001 - the page may be between documents
            pass

    def open(self, path: str) -> None:
        self.driver.get(self.origin + path)
        self.wait_ready()

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.driver.execute_script("return document.documentElement.dataset.portalReady === '1'"):
                return
            time.sleep(0.1)
        raise AssertionError("portal.js did not finish starting")

    def foreign_requests(self) -> list[str]:
        self.drain()
        allowed = (self.origin + "/", "data:", "blob:", "about:")
        return [request["url"] for request in self.requests if not request["url"].startswith(allowed)]

    def foreign_hosts(self) -> set[str]:
        from urllib.parse import urlsplit

        return {urlsplit(url).hostname or url for url in self.foreign_requests()}

    def cookies(self) -> list[dict]:
        return self.driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]

    def third_party_cookies(self) -> list[dict]:
        return [cookie for cookie in self.cookies() if cookie["domain"].lstrip(".") not in ("127.0.0.1", "localhost")]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def quit(self) -> None:
        if self.closed:
            return
        self.drain()
        self.driver.quit()
        self.closed = True

    def netlog_foreign_requests(self) -> list[str]:
        """Ends the session and reads Chromium's NetLog: every request made on behalf of a
        page of this origin (its network isolation key names 127.0.0.1 as top-level site)
        whose URL is not on the galleryd origin. Chromium's own background requests (update
        checks and the like, keyed to no page) are not the page's doing and are left out."""
        assert self.netlog is not None, "this session records no NetLog"
        self.quit()
        document = json.loads(self.netlog.read_text(encoding="utf-8"))
        types = {number: name for name, number in document["constants"]["logEventTypes"].items()}
        foreign = []
        for event in document["events"]:
            params = event.get("params") or {}
            if types.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
                continue
            if not params.get("network_isolation_key", "").startswith("http://127.0.0.1"):
                continue
            if not params["url"].startswith((self.origin + "/", "data:", "blob:")):
                foreign.append(params["url"])
        return foreign


@pytest.fixture
def browser(galleryd, request):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    session = Browser(galleryd.origin, netlog=ARTIFACTS / f"{request.node.name}.netlog.json")
    yield session
    if session.closed:
        return
    try:
        session.drain()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name
        (ARTIFACTS / f"{name}.network.json").write_text(
            json.dumps({"requests": session.requests, "csp": session.csp, "cookies": session.cookies(),
                        "console": session.console}, indent=2, ensure_ascii=False),
            encoding="utf-8",
        )
        if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
            session.screenshot(f"{name}.failure")
    finally:
        session.driver.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def pytest_report_header(config):
    return [f"artifacts: {ARTIFACTS}", f"python: {sys.version.split()[0]}"]

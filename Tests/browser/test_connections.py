"""galleryd against hostile and careless HTTP clients, over raw sockets on loopback.

Idle and slowloris connections are closed, thousands of them do not keep a normal request
waiting, HEAD answers as GET does, one rule for malformed validators, 405 for a known path
with another method, and an early refusal of a large upload closes the connection.
"""

from __future__ import annotations

import http.client
import resource
import shutil
import socket
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import GALLERY, Galleryd, write_media


def raw(port: int, request: bytes, timeout: float = 5) -> bytes:
    """Sends `request` on a new connection and reads until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except socket.timeout:
            pass
        return answer


def status_line(answer: bytes) -> str:
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def closed_by_server(connection: socket.socket, within: float) -> float | None:
    """Seconds until the server closed `connection` (recv returns nothing or resets), or None."""
    start = time.monotonic()
    connection.settimeout(0.2)
    while time.monotonic() - start < within:
        try:
            if connection.recv(65536) == b"":
                return time.monotonic() - start
        except socket.timeout:
            continue
        except ConnectionResetError:
            return time.monotonic() - start
    return None


@pytest.fixture(scope="module")
def short_timeouts(galleryd):
    """A second galleryd with 1-second idle and header timeouts."""
    workdir = Path(tempfile.mkdtemp(prefix="galleryd-timeouts-"))
    write_media(workdir / "media")
    server = Galleryd(galleryd.binary, workdir, log_name="galleryd-timeouts.log", environment={
        "GALLERYD_HTTP_IDLE_TIMEOUT_SECONDS": "1", "GALLERYD_HTTP_HEADER_TIMEOUT_SECONDS": "1"})
    server.start()
    yield server
    server.stop()
    shutil.rmtree(workdir, ignore_errors=True)


def test_silent_and_trickling_connections_are_closed(short_timeouts):
    port = short_timeouts.port
    silent = socket.create_connection(("127.0.0.1", port))
    trickling = socket.create_connection(("127.0.0.1", port))
    trickling.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    # A slowloris client keeps sending header lines, each within the idle time.
    start = time.monotonic()
    closed_at = None
    trickling.settimeout(0.1)
    while time.monotonic() - start < 6 and closed_at is None:
        try:
            trickling.sendall(b"X-Slow: 1\r\n")
            if trickling.recv(65536) == b"":
                closed_at = time.monotonic() - start
        except socket.timeout:
            pass
        except (BrokenPipeError, ConnectionResetError):
            closed_at = time.monotonic() - start
        time.sleep(0.2)
    assert closed_at is not None and closed_at < 3, f"slowloris connection still open after {closed_at} s"
    assert (seconds := closed_by_server(silent, within=5)) is not None and seconds < 3, "silent connection open"
    # A keep-alive connection is closed once idle, after its answer.
    kept = socket.create_connection(("127.0.0.1", port))
    kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert kept.recv(65536).startswith(b"HTTP/1.1 200")
    assert (seconds := closed_by_server(kept, within=5)) is not None and seconds < 3, "idle keep-alive stays open"
    for connection in (silent, trickling, kept):
        connection.close()


def test_two_thousand_idle_and_slowloris_connections_leave_a_normal_request_answered(galleryd):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    held = []
    try:
        for index in range(2000):
            connection = socket.create_connection(("127.0.0.1", galleryd.port), timeout=5)
            if index % 2:
                connection.sendall(b"GET /api/v1/galleries HTTP/1.1\r\nHost: x\r\n")  # never finished
            held.append(connection)
        timings = []
        for _ in range(15):
            start = time.monotonic()
            with socket.create_connection(("127.0.0.1", galleryd.port), timeout=5) as probe:
                probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                assert probe.recv(65536).startswith(b"HTTP/1.1 200")
            timings.append(time.monotonic() - start)
        median = statistics.median(timings)
        print(f"/healthz beside 2000 held connections: median {median * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms")
        assert median < 0.1, f"median {median * 1000:.0f} ms with 2000 held connections"
    finally:
        for connection in held:
            connection.close()


def get_routes(galleryd) -> list[tuple[str, dict]]:
    document = galleryd.get_json(f"/api/v1/galleries/{GALLERY}")
    rendition = document["items"][0]["renditions"][0]["url"]
    admin = {"Authorization": f"Bearer {galleryd.admin_token}"}
    public = ["/healthz", "/readyz", "/metrics", "/api/v1/galleries", f"/api/v1/galleries/{GALLERY}", rendition,
              "/openapi.json", "/openapi.yaml", "/", f"/galleries/{GALLERY}", "/api/v1/consent",
              "/api/v1/consent/services?locale=en", "/assets/portal.js", "/nothing/here"]
    private = ["/api/v1/admin/galleries", "/api/v1/admin/quarantine", "/api/v1/admin/audit",
               "/api/v1/admin/consent/settings", "/api/v1/admin/consent/events"]
    return [(path, {}) for path in public] + [(path, admin) for path in private] + [(private[0], {})]


def fetch(port: int, method: str, path: str, headers: dict) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_head_answers_with_the_status_and_headers_of_get(galleryd):
    for path, headers in get_routes(galleryd):
        get_status, get_headers, body = fetch(galleryd.port, "GET", path, headers)
        head_status, head_headers, head_body = fetch(galleryd.port, "HEAD", path, headers)
        assert head_status == get_status, f"HEAD {path}: {head_status}, GET {get_status}"
        assert head_body == b""
        assert head_headers.get("content-length") not in (None, "0") or body == b"", f"HEAD {path}: no length"
        for name in ("content-type", "etag", "cache-control", "content-length"):
            if path == "/metrics" and name == "content-length":
                continue  # the counters move between the two requests
            assert head_headers.get(name) == get_headers.get(name), f"HEAD {path}: {name}"


def test_one_rule_for_malformed_validators(galleryd):
    document = galleryd.get_json(f"/api/v1/galleries/{GALLERY}")
    paths = [f"/api/v1/galleries/{GALLERY}", "/api/v1/galleries", document["items"][0]["renditions"][0]["url"],
             "/openapi.json"]
    for validator in [b'"a\x01b"', b'"a\x7fb"', b"\x00", b'"a\tb"', b'"a\xffb"', b'W/"x', b"  ", b'"a", "b\x1f"']:
        statuses = {path: status_line(raw(galleryd.port, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                                             b"If-None-Match: " + validator + b"\r\nConnection: close\r\n\r\n"))
                    for path in paths}
        assert len(set(statuses.values())) == 1, f"{validator!r}: {statuses}"
        assert set(statuses.values()) <= {"HTTP/1.1 200 OK", "HTTP/1.1 400 Bad Request"}, statuses


def test_a_known_path_with_another_method_is_405_with_allow(galleryd):
    for method, path in [("TRACE", "/api/v1/galleries"), ("POST", f"/api/v1/galleries/{GALLERY}"),
                         ("PUT", "/healthz"), ("DELETE", "/api/v1/consent/services"), ("TRACE", "/api/v1/consent")]:
        status, headers, _ = fetch(galleryd.port, method, path, {})
        assert status == 405, f"{method} {path}: {status}"
        assert "GET" in headers.get("allow", ""), headers
    status, headers, _ = fetch(galleryd.port, "OPTIONS", "/api/v1/consent", {"Origin": "http://127.0.0.9"})
    assert status == 204 and "POST" in headers["allow"]
    assert not any(name.startswith("access-control-") for name in headers), headers
    assert fetch(galleryd.port, "TRACE", "/no/such/path", {})[0] == 404


def test_an_early_refusal_of_a_large_upload_closes_the_connection(galleryd):
    with socket.create_connection(("127.0.0.1", galleryd.port), timeout=5) as connection:
        connection.sendall(b"POST /api/v1/admin/galleries/x/embeds HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n" + b"{" * 1000)
        answer = connection.recv(65536)
        assert status_line(answer) == "HTTP/1.1 401 Unauthorized", answer[:200]
        assert b"\r\nconnection: close\r\n" in answer.lower()
        assert (seconds := closed_by_server(connection, within=5)) is not None, "the refused upload is still read"


def test_the_browser_harness_contacts_nothing_outside(galleryd, caplog):
    """Selenium neither looks a driver up nor sends usage statistics (it once tried to reach a
    third-party analytics host on every run): the driver's path is given, and both are off."""
    import logging
    import os

    from conftest import Browser

    assert os.environ.get("SE_AVOID_STATS") == "true" and os.environ.get("SE_OFFLINE") == "true"
    caplog.set_level(logging.DEBUG, logger="selenium")
    browser = Browser(galleryd.origin)
    try:
        browser.driver.get(galleryd.origin + "/healthz")
    finally:
        browser.driver.quit()
    texts = " ".join(record.getMessage().lower() for record in caplog.records)
    assert "selenium-manager" not in texts and "selenium_manager" not in texts, texts[:500]
    assert "stats" not in texts and "plausible" not in texts, texts[:500]


def admin_status(port: int, source: str, token: str) -> tuple[int, str]:
    """GET /api/v1/admin/audit over a connection from `source` (another loopback address)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0)) as connection:
        connection.sendall(f"GET /api/v1/admin/audit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    retry = next((line.split(":", 1)[1].strip() for line in head.split("\r\n")
                  if line.lower().startswith("retry-after:")), "")
    return int(head.split(" ")[1]), retry


def test_wrong_admin_tokens_are_throttled_per_client(galleryd):
    """1,000 wrong tokens from one client: refused with 429 and Retry-After after a burst,
    counted in /metrics; a valid token from another client passes at once."""
    port = galleryd.port
    statuses = [admin_status(port, "127.0.0.3", "gd_wrong")[0] for _ in range(40)]
    assert statuses[0] == 401 and statuses.count(429) >= 25, statuses
    status, retry = admin_status(port, "127.0.0.3", galleryd.admin_token)
    assert status == 429 and int(retry) > 0, "the flooding client waits, even with a valid token"
    started = time.monotonic()
    assert admin_status(port, "127.0.0.4", galleryd.admin_token)[0] == 200
    assert time.monotonic() - started < 1, "another client is not slowed down"
    with urllib.request.urlopen(f"{galleryd.origin}/metrics", timeout=5) as response:
        metrics = response.read().decode()
    failures = [line for line in metrics.splitlines() if line.startswith("galleryd_admin_auth_failures_total")]
    assert failures and float(failures[0].split()[-1]) >= 10, failures
    log = galleryd.log_path.read_text(encoding="utf-8")
    assert "admin authentication failed" in log and "127.0.0.3" in log


def test_one_client_cannot_take_every_connection(tmp_path):
    """One client opening more keep-alive connections than http.maxConnectionsPerClient loses
    its oldest idle ones; another client's /healthz is answered at once."""
    from conftest import REPO
    import os

    binary = Path(os.environ.get("GALLERYD_BIN", REPO / ".build" / "debug" / "galleryd")).resolve()
    write_media(tmp_path / "media")
    server = Galleryd(binary, tmp_path, environment={
        "GALLERYD_HTTP_MAX_CONNECTIONS": "300", "GALLERYD_HTTP_MAX_CONNECTIONS_PER_CLIENT": "100",
        "GALLERYD_HTTP_IDLE_TIMEOUT_SECONDS": "60"}, log_name="galleryd-per-client.log")
    server.start()
    hog = []
    try:
        for _ in range(250):
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=5,
                                                  source_address=("127.0.0.5", 0))
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            connection.recv(4096)
            hog.append(connection)
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", server.port), timeout=5,
                                      source_address=("127.0.0.6", 0)) as other:
            other.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert other.recv(4096).startswith(b"HTTP/1.1 200")
        assert time.monotonic() - started < 2, "another client waited"
        # The hog's oldest connections were closed: reading from them ends.
        closed = 0
        for connection in hog:
            connection.settimeout(0.05)
            try:
                while chunk := connection.recv(4096):  # the rest of the answer, then the end
                    pass
                closed += 1
            except ConnectionResetError:
                closed += 1
            except socket.timeout:
                pass
        assert closed >= 150, f"{closed} of 250 closed; at most 100 stay"
    finally:
        for connection in hog:
            connection.close()
        server.stop()

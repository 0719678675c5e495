"""A hostile client against the served app's surface, as `make run` serves it (no proxy)
and behind `make serve-replicas` (nginx): limits the server itself enforces, a Host
allow-list, security headers on every response, internal endpoints not served, and an
access log without session ids.

The client speaks Streamlit's own protocol, as the browser does: a GET gives the XSRF
cookie (and, through nginx, the replica cookie); a WebSocket on /_stcore/stream with the
subprotocol "streamlit" and a BackMsg ``rerun_script`` opens a session, whose id arrives
in the ForwardMsg ``new_session``; an upload is a multipart PUT to
/_stcore/upload_file/<session id>/<file id> carrying the cookie's token in
``X-Xsrftoken``. Every wait is bounded. The map drawing under nginx's CSP in Chromium is
checked by tests/browser/test_scale_out.py (its first test loads six pages through nginx
and waits for their markers, which a CSP without 'unsafe-eval' leaves undrawn).
"""

from __future__ import annotations

import base64
import os
import socket
import stat
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests
import test_scale_out
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from deploy.replicas import Deployment
from layers.extra import UPLOAD_LIMIT_MB

deployment = test_scale_out.deployment  # two replicas behind nginx, logs kept on failure

XSRF_COOKIE = "_streamlit_xsrf"
UPLOAD = "/_stcore/upload_file"
SECURITY_HEADERS = (
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "permissions-policy",
)
TIMEOUT_S = 30


@contextmanager
def streamlit_session(base: str):
    """(HTTP session with the cookies, live session id) for a session opened over the
    WebSocket, as a browser opens one; the WebSocket stays open inside the block."""
    http = requests.Session()
    http.trust_env = False  # loopback only, never through a configured proxy
    assert http.get(f"{base}/_stcore/health", timeout=TIMEOUT_S).status_code == 200
    assert http.cookies.get(XSRF_COOKIE), "no XSRF cookie from /_stcore/health"
    cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
    url = "ws" + base.removeprefix("http") + "/_stcore/stream"
    headers = {"Cookie": cookie, "Origin": base}
    with connect(
        url, subprotocols=["streamlit"], additional_headers=headers, open_timeout=TIMEOUT_S
    ) as ws:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        ws.send(rerun.SerializeToString())
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "no new_session message within 60 s"
            message = ForwardMsg()
            message.ParseFromString(ws.recv(timeout=60))
            if message.WhichOneof("type") == "new_session":
                yield http, message.new_session.initialize.session_id
                return


def put_file(http: requests.Session, base: str, path: str, size: int) -> requests.Response:
    """A multipart PUT of ``size`` bytes, as st.file_uploader sends it."""
    return http.put(
        f"{base}{path}",
        files={"file": ("layer.geojson", b" " * size, "application/json")},
        headers={"X-Xsrftoken": http.cookies.get(XSRF_COOKIE, "")},
        timeout=TIMEOUT_S,
    )


def websocket_handshake(port: int, host: str) -> int:
    """The status a WebSocket handshake naming ``host`` gets (Origin the same host)."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Origin: http://{host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as conn:
        conn.sendall(request.encode("ascii"))
        status_line = conn.recv(4096).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


# --------------------------------------------------------------------------- no proxy


def test_the_server_itself_refuses_an_upload_over_the_limit(app_url):
    """Straight to the app, as `make run` and the container serve it: the browser's cap
    is not what holds, server.maxUploadSize is (a 60 MB PUT got 204 before it was set)."""
    with streamlit_session(app_url) as (http, session_id):
        small = put_file(http, app_url, f"{UPLOAD}/{session_id}/hostile-small", 1024)
        assert small.status_code == 204, small.text  # the endpoint and token are right
        started = time.monotonic()
        big = put_file(http, app_url, f"{UPLOAD}/{session_id}/hostile-big", 60 * 2**20)
        assert big.status_code == 413, big.text
        assert time.monotonic() - started < TIMEOUT_S
        at_limit = put_file(
            http, app_url, f"{UPLOAD}/{session_id}/hostile-limit", UPLOAD_LIMIT_MB * 2**20 - 4096
        )
        assert at_limit.status_code == 204, at_limit.text  # what the uploader allows still goes
        for file_id in ("hostile-small", "hostile-limit"):  # free the shared server's memory
            gone = http.delete(
                f"{app_url}{UPLOAD}/{session_id}/{file_id}",
                headers={"X-Xsrftoken": http.cookies.get(XSRF_COOKIE, "")},
                timeout=TIMEOUT_S,
            )
            assert gone.status_code == 204, gone.text
    assert requests.get(f"{app_url}/_stcore/health", timeout=TIMEOUT_S).status_code == 200


def test_a_websocket_naming_a_foreign_host_is_refused(app_url):
    """DNS rebinding: server.allowedHosts lists loopback; another Host gets 403."""
    port = urlsplit(app_url).port
    assert websocket_handshake(port, "rebind.attacker.example") == 403
    assert websocket_handshake(port, "127.0.0.1") == 101
    assert websocket_handshake(port, "localhost") == 101


# --------------------------------------------------------------------------- nginx


def test_every_response_through_nginx_carries_the_security_headers(deployment: Deployment):
    http = requests.Session()
    http.trust_env = False
    responses = {
        path: http.request(method, f"{deployment.url}{path}", timeout=TIMEOUT_S)
        for method, path in (
            ("GET", "/"),
            ("GET", "/_stcore/health"),
            ("GET", "/app/static/atlas/markers.css"),
            ("PUT", f"{UPLOAD}/x/y"),  # refused by Streamlit: no XSRF token
            ("GET", "/_stcore/metrics"),  # refused by nginx
        )
    }
    statuses = [r.status_code for r in responses.values()]
    assert statuses == [200, 200, 200, 403, 404], statuses
    for what, response in responses.items():
        for header in SECURITY_HEADERS:
            assert response.headers.get(header), f"{what} ({response.status_code}): no {header}"
        # One nosniff, not Streamlit's and nginx's both.
        assert response.headers["x-content-type-options"] == "nosniff", what
    csp = responses["/"].headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "'unsafe-eval'" in csp
    assert "strict-transport-security" not in responses["/"].headers  # plain HTTP here

    # Internal endpoints: served by a replica, not through nginx, which never asks one.
    replica = f"http://{deployment.replica_address(0)}"
    for path in ("/_stcore/metrics", "/_stcore/agent/openapi.json"):
        assert requests.get(f"{replica}{path}", timeout=TIMEOUT_S).status_code == 200, path
        assert http.get(f"{deployment.url}{path}", timeout=TIMEOUT_S).status_code == 404, path

    def hidden_entries() -> list[dict]:
        return [e for e in deployment.access_entries() if "/_stcore/metrics" in e["request"]
                or "/_stcore/agent/" in e["request"]]  # fmt: skip

    # nginx writes a log line once the response is out: the client can read it first.
    deadline = time.monotonic() + 10
    while len(hidden := hidden_entries()) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(hidden) == 3 and all(e["upstream"] == "" for e in hidden), hidden


def test_an_upload_through_nginx_leaves_no_session_id_in_the_log(deployment: Deployment):
    with streamlit_session(deployment.url) as (http, session_id):
        file_id = "hostile-file-0001"
        done = put_file(http, deployment.url, f"{UPLOAD}/{session_id}/{file_id}", 2048)
        assert done.status_code == 204, done.text
        big = put_file(http, deployment.url, f"{UPLOAD}/{session_id}/hostile-big", 60 * 2**20)
        assert big.status_code == 413  # nginx's body limit, in front of Streamlit's
    deadline = time.monotonic() + 15  # nginx logs the WebSocket when it closes
    while "/_stcore/stream" not in deployment.access_log.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, "the WebSocket never reached the access log"
        time.sleep(0.1)
    log = deployment.access_log.read_text(encoding="utf-8")
    assert session_id not in log and file_id not in log
    # nor in the error log, where nginx quotes the request line of the refused 60 MB PUT
    # unless the upload location logs only critical errors
    assert session_id not in deployment.error_log.read_text(encoding="utf-8")
    uploads = [e for e in deployment.access_entries() if UPLOAD in e["request"]]
    assert [e["request"] for e in uploads] == [f"PUT {UPLOAD}/[redacted] HTTP/1.1"] * 2
    assert [e["status"] for e in uploads] == [204, 413]
    # Readable by the owner only; the error log too (it can quote a request line).
    for path in (deployment.access_log, deployment.error_log):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_nginx_rate_limits_uploads_and_new_sessions_per_client(deployment: Deployment):
    """More upload requests, or WebSocket handshakes, than a person makes get 429 from
    nginx (Streamlit refuses these ones anyway: no token, a foreign Origin)."""
    http = requests.Session()
    http.trust_env = False
    uploads = [
        http.put(f"{deployment.url}{UPLOAD}/x/{n}", timeout=TIMEOUT_S).status_code
        for n in range(30)
    ]
    assert uploads[0] == 403 and 429 in uploads, uploads
    assert set(uploads) == {403, 429}
    port = urlsplit(deployment.url).port
    handshakes = [websocket_handshake(port, "elsewhere.example") for _ in range(50)]
    assert handshakes[0] == 403 and 429 in handshakes, handshakes
    # The page itself still loads for this client, and the replicas are healthy.
    assert http.get(f"{deployment.url}/", timeout=TIMEOUT_S).status_code == 200
    for i in range(2):
        replica = f"http://{deployment.replica_address(i)}"
        assert requests.get(f"{replica}/_stcore/health", timeout=TIMEOUT_S).status_code == 200

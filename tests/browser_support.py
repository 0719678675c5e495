"""Helpers for real-browser tests: a Streamlit server in a subprocess, request
policing for Playwright pages, and waits that understand Streamlit and st_folium.

The fixtures in ``tests/conftest.py`` wrap these; tests normally import only
``wait_for_app`` and ``folium_frame`` from here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from deploy.loopback import free_port, stop_process_group, wait_healthy

REPO_ROOT = Path(__file__).resolve().parent.parent

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# Seconds to wait for /_stcore/health; override with STREAMLIT_START_TIMEOUT.
START_TIMEOUT_S = float(os.environ.get("STREAMLIT_START_TIMEOUT", "60"))

# Selectors verified against streamlit 1.67.0 / streamlit-folium 0.27.4.
APP_ROOT = '[data-testid="stApp"]'
APP_CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING_ICON = '[data-testid="stStatusWidgetRunningIcon"]'
FOLIUM_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
EXCEPTION = '[data-testid="stException"]'


def browser_available() -> bool:
    return os.access(CHROMIUM_PATH, os.X_OK)


def is_local_url(url: str) -> bool:
    """True for URLs the test browser may load: loopback http(s)/ws and inline schemes."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in LOCAL_HOSTS


# --------------------------------------------------------------------------- server


class StreamlitServer:
    """``python -m streamlit run SCRIPT`` on 127.0.0.1 in its own process group."""

    def __init__(
        self,
        script: str | os.PathLike[str] = "app.py",
        *,
        env: Mapping[str, str] | None = None,
        args: Sequence[str] = (),
        cwd: str | os.PathLike[str] | None = None,
        port: int | None = None,
        base_path: str = "",
    ) -> None:
        self.cwd = Path(cwd) if cwd is not None else REPO_ROOT
        self.script = Path(script)
        if not self.script.is_absolute():
            self.script = self.cwd / self.script
        self.env = dict(env or {})
        self.args = list(args)
        self.port = port or free_port()
        self.base_path = base_path.strip("/")
        suffix = f"/{self.base_path}" if self.base_path else ""
        self.url = f"http://127.0.0.1:{self.port}{suffix}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix="streamlit-", suffix=".log", delete=False
        )

    @property
    def health_url(self) -> str:
        return f"{self.url}/_stcore/health"

    def command(self) -> list[str]:
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.address", "127.0.0.1",
            "--server.port", str(self.port),
            "--server.headless", "true",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        if self.base_path:
            cmd += ["--server.baseUrlPath", self.base_path]
        return cmd + self.args

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        if not self.script.is_file():
            raise FileNotFoundError(f"Streamlit script not found: {self.script}")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: killpg at teardown
        )
        self._wait_healthy(timeout)
        return self.url

    def _wait_healthy(self, timeout: float) -> None:
        assert self.proc is not None
        proc = self.proc

        def exited() -> str | None:
            if proc.poll() is None:
                return None
            return f"Streamlit exited with code {proc.returncode} before it was healthy.\n" + (
                self._about()
            )

        try:
            wait_healthy(self.health_url, time.monotonic() + timeout, exited)
        except TimeoutError as exc:
            self.stop()
            raise TimeoutError(f"Streamlit {exc} after {timeout:.0f}s.\n{self._about()}") from None

    def _about(self) -> str:
        return f"command: {' '.join(self.command())}\n--- server output ---\n{self.output()}"

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            stop_process_group(proc)
        if not self._log.closed:
            self._log.close()

    def cleanup(self) -> None:
        self.stop()
        Path(self._log.name).unlink(missing_ok=True)


# --------------------------------------------------------------------------- page


@dataclass
class PageDiagnostics:
    """What a page did that tests usually want to assert is empty."""

    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = []
        for name in ("external_requests", "console_errors", "page_errors"):
            items = getattr(self, name)
            lines.append(f"{name} ({len(items)}):")
            lines.extend(f"  {item}" for item in items)
        return "\n".join(lines)


def police_requests(context, diagnostics: PageDiagnostics) -> None:
    """Let loopback requests through; abort and record every other one."""

    def handle(route) -> None:
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            diagnostics.external_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)


def record_errors(page, diagnostics: PageDiagnostics) -> None:
    def on_console(msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            diagnostics.console_errors.append(msg.text + where)

    def on_page_error(exc) -> None:
        name = getattr(exc, "name", "") or "Error"
        diagnostics.page_errors.append(f"{name}: {getattr(exc, 'message', exc)}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)


# --------------------------------------------------------------------------- waits


def wait_for_app(page, timeout: float = 30_000, settle_ms: int = 100) -> None:
    """Wait until the Streamlit script run triggered by the last action is over.

    Waits for the websocket to be connected, then for ``data-test-script-state``
    to be ``notRunning`` and the running icon in the status widget to be gone.
    ``settle_ms`` gives a freshly triggered rerun time to start first (Streamlit's
    own e2e helper does the same).  ``timeout`` is in milliseconds.
    """
    if settle_ms:
        page.wait_for_timeout(settle_ms)
    page.wait_for_selector(APP_CONNECTED, state="attached", timeout=timeout)
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
    page.wait_for_selector(RUNNING_ICON, state="detached", timeout=timeout)


def goto_app(page, url: str, timeout: float = 60_000) -> None:
    """Open the app and wait for its first run to finish."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    wait_for_app(page, timeout=timeout)


def folium_frame(page, nth: int = 0, timeout: float = 30_000):
    """The Playwright ``Frame`` of the ``nth`` st_folium map on the page.

    Waits for the iframe to be attached and its document to be loaded; does not
    wait for Leaflet to draw (use ``frame.wait_for_selector(".leaflet-container")``).
    """
    iframe = page.locator(FOLIUM_IFRAME).nth(nth)
    iframe.wait_for(state="attached", timeout=timeout)
    frame = iframe.element_handle(timeout=timeout).content_frame()
    if frame is None:
        raise AssertionError(f"st_folium iframe #{nth} has no content frame")
    frame.wait_for_load_state("domcontentloaded", timeout=timeout)
    return frame


def app_exceptions(page) -> list[str]:
    """Texts of the exception boxes Streamlit rendered (an uncaught error in the script)."""
    return page.locator(EXCEPTION).all_inner_texts()


def bring_map_into_view(page, nth: int = 0) -> None:
    """Centre the ``nth`` st_folium iframe in the viewport, so all of it is visible.

    Playwright's own scrolling of an element inside a partly hidden iframe can land a
    click beside it (seen: a marker click reaching the map 100 px below the marker), and
    ``scroll_into_view_if_needed`` leaves a map that is only just inside the viewport
    where it is."""
    page.locator(FOLIUM_IFRAME).nth(nth).evaluate("el => el.scrollIntoView({block: 'center'})")


def marker_centre(page, frame, site_id: str, timeout_ms: float = 10_000) -> tuple[float, float]:
    """Where on the page to put the mouse to hover or click site ``site_id``'s marker:
    the map is brought into view and the marker's box is read until it stops moving
    (labels are laid out, and the page may still shift, after the map is drawn)."""
    bring_map_into_view(page)
    marker = frame.locator(f'.atlas-marker[data-site-id="{site_id}"]')
    marker.wait_for(timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    box = marker.bounding_box()
    while True:
        page.wait_for_timeout(100)
        again = marker.bounding_box()
        if again == box and box is not None:
            return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        if time.monotonic() > deadline:
            raise AssertionError(f"the marker of {site_id} kept moving: {box} -> {again}")
        box = again


def painted(frame) -> None:
    """Wait until the frame has painted twice: layers redrawn after a move (canvas layers
    draw in the next animation frame) are on screen. A signal, not a fixed sleep."""
    frame.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def images_settled(target, timeout: float = 10_000) -> None:
    """Wait until every image of the page or frame has loaded or failed and its fonts are
    in: an injected image's onerror, had one got in, has run by then. A signal, not a sleep."""
    target.wait_for_function(
        "() => [...document.images].every(i => i.complete) && document.fonts.status === 'loaded'",
        timeout=timeout,
    )
    painted(target)


def click_map_at(page, frame, lon: float, lat: float, zoom: float | None = None) -> None:
    """Click the st_folium map in ``frame`` at (lon, lat) with the mouse, as a reader
    would (e.g. on a point of a canvas layer, which has no DOM element to click).

    With ``zoom``, the map is first centred there at that zoom (pick one at which no
    other feature is within a few pixels); without, the view is kept, and only panned
    when the place is outside it (changing the zoom redraws the vector basemap: ~1 s in
    headless Chromium). The whole map is scrolled into view first, so that the mouse
    lands inside it."""
    bring_map_into_view(page)
    inside = f"""() => {{
        const p = window.map.latLngToContainerPoint([{lat}, {lon}]), s = window.map.getSize();
        return p.x > 20 && p.y > 20 && p.x < s.x - 20 && p.y < s.y - 20;
    }}"""
    if zoom is not None:
        frame.evaluate(f"() => window.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
        painted(frame)
    elif not frame.evaluate(inside):
        frame.evaluate(f"() => window.map.panTo([{lat}, {lon}], {{animate: false}})")
    point = frame.evaluate(f"() => window.map.latLngToContainerPoint([{lat}, {lon}])")
    box = frame.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def popup_at(page, frame, lon: float, lat: float, zoom: float | None = None):
    """The Leaflet popup that a click at (lon, lat) opens (`click_map_at`, with its
    ``zoom``), once it is shown: the locator of its content."""
    click_map_at(page, frame, lon, lat, zoom)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    return popup


def offline_file_page(
    browser,
    blocked: list[str],
    errors: list[str],
    *,
    width: int = 1400,
    height: int = 900,
    bypass_csp: bool = False,
):
    """A new context and page for an exported file opened from ``file://``, as a reader
    with no network: any request but a file: or data: URL is refused and listed in
    ``blocked``; console errors and page errors go to ``errors``. ``bypass_csp`` lets
    Playwright's own wait predicates run under a page CSP without 'unsafe-eval'.
    Returns (context, page); close the context."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, bypass_csp=bypass_csp
    )

    context.route("**/*", lambda route: file_only(route, blocked))
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page


def file_only(route, blocked: list[str]) -> None:
    """A route handler for a page opened from ``file://``: file: and data: URLs load; any
    other request is refused and listed in ``blocked`` (the page would need a network)."""
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        blocked.append(route.request.url)
        route.abort("blockedbyclient")


def boxes_overlap(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Two boxes ({x1, x2, y1, y2}, as the tests' scripts measure them) overlap."""
    return a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]


def open_settled_map(page, url: str, zoom: int | None = None):
    """Open ``url``, bring the map into view and wait until its basemap names are laid out
    (at ``zoom``, if given); the map's Playwright frame."""
    goto_app(page, url)
    frame = folium_frame(page)
    frame.wait_for_selector(".leaflet-marker-pane .atlas-marker", timeout=30_000)
    bring_map_into_view(page)
    if zoom is not None:
        frame.wait_for_function(
            f"document.querySelector('.leaflet-container').dataset.placesZoom === '{zoom}'",
            timeout=20_000,
        )
    frame.wait_for_selector(".leaflet-container[data-places-settled]", timeout=20_000)
    return frame

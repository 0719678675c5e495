"""Shared fixtures.

Server:
    start_app(script="app.py", env=None, args=(), cwd=None, base_path="") -> base URL
        session-scoped factory; one server per distinct call, stopped at session end.
    app_url -> base URL of the real app (app.py from the repo root).

Browser (tests using these get the ``browser`` marker automatically):
    browser -> Playwright Browser (Debian chromium, headless), session-scoped.
    page    -> Playwright Page in a fresh 1400x900 context. Requests to hosts other
               than 127.0.0.1/localhost are aborted and recorded. Extra attributes:
               page.external_requests, page.console_errors, page.page_errors
               (lists of str) and page.diagnostics (PageDiagnostics, same lists).
               On failure a screenshot and the diagnostics go to tests/artifacts/.

Example:
    from browser_support import app_exceptions, folium_frame, goto_app

    def test_map(page, app_url):
        goto_app(page, app_url)              # load + wait for the first script run
        assert app_exceptions(page) == []
        frame = folium_frame(page)
        frame.wait_for_selector(".leaflet-container")
        assert page.external_requests == []
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from browser_support import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    REPO_ROOT,
    VIEWPORT,
    PageDiagnostics,
    StreamlitServer,
    browser_available,
    police_requests,
    record_errors,
)
from tests.factories import tree_digest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Classes the tests start (layers/state/classroom.py) go to a folder of their own, which every
# server the tests start inherits; never the user's state folder.
if not os.environ.get("ATLAS_CLASS_DIR"):
    os.environ["ATLAS_CLASS_DIR"] = tempfile.mkdtemp(prefix="atlas-test-classes-")
    atexit.register(shutil.rmtree, os.environ["ATLAS_CLASS_DIR"], True)
BROWSER_FIXTURES = {"browser", "page"}
SERVED_FIXTURES = {"start_app", "app_url"}  # a Streamlit server of its own

try:  # Slow shared CI machines: no per-example deadline.
    from hypothesis import settings

    settings.register_profile("ci", deadline=None, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")
except ImportError:  # pragma: no cover
    pass


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------- hooks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if BROWSER_FIXTURES & fixtures:
            item.add_marker(pytest.mark.browser)
        if SERVED_FIXTURES & fixtures:
            item.add_marker(pytest.mark.served)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --------------------------------------------------------------------------- server


@pytest.fixture(scope="module", autouse=True)
def shipped_geodata_unchanged(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test module, the hostile ones (fuzzing, XSS corpus, uploads) included, leaves
    the shipped geodata/ byte for byte as it found it."""
    before = tree_digest(REPO_ROOT / "geodata")
    yield
    after = tree_digest(REPO_ROOT / "geodata")
    assert after == before, f"geodata/ changed during {request.module.__name__}"


@pytest.fixture(scope="session")
def start_app() -> Iterator[Callable[..., str]]:
    servers: dict[tuple, StreamlitServer] = {}

    def start(
        script: str | os.PathLike[str] = "app.py",
        env: Mapping[str, str] | None = None,
        args: Sequence[str] = (),
        cwd: str | os.PathLike[str] | None = None,
        base_path: str = "",
    ) -> str:
        key = (
            str(script),
            tuple(sorted((env or {}).items())),
            tuple(args),
            str(cwd),
            base_path,
        )
        if key not in servers:
            server = StreamlitServer(script, env=env, args=args, cwd=cwd, base_path=base_path)
            try:
                server.start()
            except (RuntimeError, TimeoutError, FileNotFoundError) as exc:
                server.cleanup()
                pytest.fail(str(exc), pytrace=False)
            servers[key] = server
        return servers[key].url

    yield start
    for server in servers.values():
        server.cleanup()


@pytest.fixture(scope="session")
def app_url(start_app: Callable[..., str]) -> str:
    if not (REPO_ROOT / "app.py").is_file():
        pytest.fail(f"{REPO_ROOT / 'app.py'} does not exist", pytrace=False)
    return start_app("app.py")


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    if not browser_available():
        message = (
            f"{CHROMIUM_PATH} not found: install Debian's chromium "
            "(`make browser`, or `apt-get install -y chromium`)"
        )
        if _in_ci():
            pytest.fail(message + " -- required when CI is set", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    diagnostics = PageDiagnostics()
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    police_requests(context, diagnostics)
    page = context.new_page()
    record_errors(page, diagnostics)
    page.diagnostics = diagnostics
    page.external_requests = diagnostics.external_requests
    page.console_errors = diagnostics.console_errors
    page.page_errors = diagnostics.page_errors
    try:
        yield page
    finally:
        failed = any(
            getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
            for when in ("setup", "call")
        )
        if failed:
            _save_artifacts(request.node.nodeid, page, diagnostics)
        context.close()


def _save_artifacts(nodeid: str, page, diagnostics: PageDiagnostics) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:150]
    try:
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True, timeout=10_000)
    except Exception as exc:  # best effort: never mask the real failure
        diagnostics.page_errors.append(f"(screenshot failed: {exc})")
    (ARTIFACTS / f"{stem}.txt").write_text(f"url: {page.url}\n{diagnostics.summary()}\n")

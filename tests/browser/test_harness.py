"""Smoke tests for the shared harness itself, against a throwaway Streamlit script.

They prove that the server fixture starts and stops Streamlit, that the page fixture
blocks and records off-machine requests and collects console errors, and that the
Streamlit / st_folium helpers find what they look for. They do not depend on the
map drawing (folium's CDN assets are blocked here).
"""

from __future__ import annotations

import os
import textwrap

import pytest

from browser_support import (
    FOLIUM_IFRAME,
    StreamlitServer,
    app_exceptions,
    folium_frame,
    goto_app,
    wait_for_app,
)

SCRIPT = textwrap.dedent(
    """
    import os

    import folium
    import streamlit as st
    from streamlit_folium import st_folium

    st.title("Harness smoke")
    st.write("flag=" + os.environ.get("HARNESS_FLAG", "unset"))
    if st.button("Rerun me"):
        st.write("clicked")
    st_folium(
        folium.Map(location=[35.0, 38.5], zoom_start=6, tiles=None, max_zoom=18),
        height=300,
        returned_objects=[],
        key="smoke_map",
    )
    """
)


@pytest.fixture(scope="module")
def smoke_script(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("smoke") / "smoke_app.py"
    path.write_text(SCRIPT)
    return path


@pytest.fixture(scope="module")
def smoke_url(start_app, smoke_script) -> str:
    return start_app(smoke_script, env={"HARNESS_FLAG": "on"}, cwd=smoke_script.parent)


def test_server_shows_title_and_env(page, smoke_url):
    goto_app(page, smoke_url)
    assert page.get_by_role("heading", name="Harness smoke").is_visible()
    assert page.get_by_text("flag=on").is_visible()
    assert app_exceptions(page) == []
    # No assertion on page_errors here: the map's blocked CDN script rejects a promise.


def test_script_exception_is_visible(page, start_app, tmp_path_factory):
    script = tmp_path_factory.mktemp("boom") / "boom.py"
    script.write_text("import streamlit as st\nst.title('Boom')\nraise ValueError('harness boom')")
    goto_app(page, start_app(script, cwd=script.parent))
    errors = app_exceptions(page)
    assert len(errors) == 1
    assert "ValueError" in errors[0]
    assert "harness boom" in errors[0]


def test_external_request_is_blocked_and_recorded(page, smoke_url):
    goto_app(page, smoke_url)
    status = page.evaluate(
        """() => new Promise(resolve => {
            const img = document.createElement('img');
            img.onload = () => resolve('loaded');
            img.onerror = () => resolve('error');
            img.src = 'https://example.com/x.png';
            document.body.appendChild(img);
        })"""
    )
    assert status == "error"
    assert "https://example.com/x.png" in page.external_requests
    assert all("127.0.0.1" not in url for url in page.external_requests)


def test_console_error_is_captured(page, smoke_url):
    goto_app(page, smoke_url)
    with page.expect_console_message(lambda m: "harness console check" in m.text):
        page.evaluate("() => console.error('harness console check')")
    assert any("harness console check" in text for text in page.console_errors)


def test_page_error_is_captured(page, smoke_url):
    goto_app(page, smoke_url)
    with page.expect_event("pageerror", lambda e: "harness page error" in str(e)):
        page.evaluate("() => setTimeout(() => { throw new Error('harness page error'); }, 0)")
    assert any("harness page error" in text for text in page.page_errors)


def test_wait_for_app_after_rerun(page, smoke_url):
    goto_app(page, smoke_url)
    page.get_by_role("button", name="Rerun me").click()
    wait_for_app(page)
    assert page.get_by_text("clicked").is_visible()


def test_folium_frame_is_found(page, smoke_url):
    goto_app(page, smoke_url)
    # The iframe arrives after the run ends (a skeleton stands in while the component
    # code loads): folium_frame waits for it, a bare count() right away may see 0.
    frame = folium_frame(page)
    assert page.locator(FOLIUM_IFRAME).count() == 1
    assert "streamlit_folium" in frame.url
    assert frame.url.startswith(smoke_url)


def test_server_failure_reports_output(smoke_script):
    server = StreamlitServer(smoke_script, args=["--no.such.option", "1"], cwd=smoke_script.parent)
    try:
        with pytest.raises(RuntimeError, match="no.such.option"):
            server.start(timeout=30)
    finally:
        server.cleanup()


def test_stop_kills_process_group(smoke_script):
    server = StreamlitServer(smoke_script, cwd=smoke_script.parent)
    try:
        server.start()
        pgid = server.proc.pid
        server.stop()
        with pytest.raises(ProcessLookupError):
            os.killpg(pgid, 0)
    finally:
        server.cleanup()

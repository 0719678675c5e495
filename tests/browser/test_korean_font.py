"""Korean names render with the shipped Hangul subset, on a machine without a Korean font."""

from __future__ import annotations

import subprocess

from browser_support import REPO_ROOT, app_exceptions, goto_app, offline_file_page, wait_for_app
from layers.data.load import load_atlas
from layers.data.view import default_view
from layers.export import export_bytes

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
KOMID_KO = "조선광업개발무역"  # geodata/entities.json, entity "komid"


def test_a_korean_name_is_drawn_with_the_shipped_font(page, app_url):
    korean_system_fonts = subprocess.run(
        ["fc-list", ":lang=ko"], capture_output=True, text=True, check=False
    ).stdout.strip()
    goto_app(page, f"{app_url}/?entity=komid")
    wait_for_app(page)
    name = page.locator('span[lang="ko"]').first
    name.wait_for(timeout=20_000)
    assert name.inner_text() == KOMID_KO
    # The page's @font-face for Hangul (app.py's st.html) may arrive after the name: wait
    # for it to be declared before asking the browser to load the name's font.
    page.wait_for_function(
        "[...document.fonts].some(f => f.unicodeRange.toUpperCase().includes('AC00'))",
        timeout=20_000,
    )
    faces = page.evaluate(
        f"""async () => (await document.fonts.load('16px "Source Sans"', {KOMID_KO!r}))
            .map(f => [f.status, f.unicodeRange])"""
    )
    assert any(status == "loaded" and "AC00" in rng.upper() for status, rng in faces), (
        faces,
        korean_system_fonts,
    )
    name.scroll_into_view_if_needed()
    name.screenshot(path=str(ARTIFACTS / "korean-name.png"))
    assert app_exceptions(page) == [] and page.external_requests == []


def test_the_offline_export_draws_korean_titles_with_its_inlined_font(browser, tmp_path):
    """The single-view HTML export (and its printed handout) carries the Hangul subset: the
    font is in use once the page has laid out the Korean source title, with no request
    leaving the file (the stacks name "Source Sans" after the system fonts)."""
    atlas = load_atlas()
    path = tmp_path / "atlas.html"
    path.write_bytes(export_bytes(atlas, default_view().filters(), "html")[0])
    requests: list[str] = []
    errors: list[str] = []
    # The page's CSP (no 'unsafe-eval') would refuse Playwright's wait predicate.
    context, page = offline_file_page(
        browser, requests, errors, width=1024, height=768, bypass_csp=True
    )
    try:
        for media in ("screen", "print"):
            page.emulate_media(media=media)
            page.goto(path.as_uri())
            assert "시리아" in page.locator("body").inner_text()  # laid out, so its font loads
            page.wait_for_function(
                "[...document.fonts].some(f => f.status === 'loaded'"
                " && f.unicodeRange.toUpperCase().includes('AC00'))",
                timeout=20_000,
            )
        assert requests == [] and errors == []
    finally:
        context.close()

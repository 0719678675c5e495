"""Korean names render with the shipped Hangul subset, on a machine without a Korean font."""

from __future__ import annotations

import subprocess

from browser_support import REPO_ROOT, app_exceptions, goto_app, wait_for_app

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

"""A class in Chromium: a presenter and an audience in two browser contexts (two cookie
jars, two Streamlit sessions), through nginx with two replicas (`make serve-replicas`; the
harness of tests/browser/test_scale_out.py), the two pinned to different replicas so that the
class can only pass through the shared store. The presenter starts a class and steps; the
audience, opened at the follow link, moves with it (the step on the stage and the map's
view), sees nothing ahead, and its own keys move nothing; the presenter's page, reloaded,
keeps the class. Waits on the step's data attributes and the map's zoom, never on a clock.

Screenshots: tests/artifacts/presenter-1024x768.png and audience-1024x768.png."""

from __future__ import annotations

from test_accessibility import _violations  # the axe-core scan
from test_scale_out import (  # the scale-out harness: nginx, two replicas, tagged browsers
    _by_session,
    _wait_for_websockets,
    deployment,  # noqa: F401 - a fixture
    sessions,  # noqa: F401 - a fixture
)
from test_stage import MIN_PX, SMALL_TEXT_JS  # the stage's type rule

from browser_support import REPO_ROOT, folium_frame, wait_for_app
from layers.data.lessons import step_view
from layers.state.classroom import ENV, ClassState, ClassStore
from tests.factories import shipped_atlas, shipped_lessons

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
LESSON = shipped_lessons()[0]
SMALL = {"width": 1024, "height": 768}
STEP = "section[aria-label='Lesson step']"


def _start_class(session, base_url: str) -> str:
    """The presenter opens step 1 and starts a class; returns its code."""
    page = session.page
    page.set_viewport_size(SMALL)
    session.open(f"{base_url}/?lesson={LESSON.id}&step=1")
    wait_for_app(page, timeout=60_000)
    page.get_by_role("button", name="Start a class").click()
    code = page.wait_for_selector("[data-class-code]").get_attribute("data-class-code")
    assert code and len(code) == 10
    link = page.get_attribute(".atlas-class a", "href")
    assert link.endswith(f"/?follow={code}"), link
    return code


def _audience_on(session, step: int) -> None:
    """The audience's stage shows ``step`` (its text fitted) and its map is at the step's zoom."""
    page = session.page
    page.wait_for_selector(f"[data-follow='live'][data-follow-step='{step}']", timeout=30_000)
    page.wait_for_selector(
        f".st-key-atlas-stage-text[data-fitted^='{step}/']", state="attached", timeout=30_000
    )
    assert page.get_attribute(STEP, "data-step") == str(step)
    zoom = step_view(LESSON.steps[step - 1], shipped_atlas())[2]
    folium_frame(page).wait_for_function(
        f"window.map && Math.abs(window.map.getZoom() - {zoom}) < 0.01", timeout=30_000
    )


def _nothing_ahead(session, step: int) -> None:
    html = session.page.content()
    for ahead in LESSON.steps[step:]:
        assert ahead.title not in html
    assert LESSON.steps[step - 1].presenter_notes not in html
    assert session.page.locator(".st-key-lesson-next, .st-key-step-list").count() == 0


def _next(session, step: int) -> None:
    """The presenter presses Next and is on ``step``."""
    page = session.page
    page.locator(".st-key-lesson-next button").click()
    page.wait_for_selector(f"{STEP}[data-step='{step}']", timeout=30_000)


def test_the_audience_follows_the_presenter_across_replicas(deployment, sessions):  # noqa: F811
    teacher, room = sessions("presenter"), sessions("audience")
    code = _start_class(teacher, deployment.url)
    mine = teacher.replica_cookie()
    other = "r2" if mine == "r1" else "r1"
    # The audience is pinned to the other replica (nginx routes by this cookie).
    room.context.add_cookies([{"name": "atlas_replica", "value": other, "url": deployment.url}])
    room.page.set_viewport_size(SMALL)
    room.open(f"{deployment.url}/?follow={code}")
    _audience_on(room, 1)
    _nothing_ahead(room, 1)
    ARTIFACTS.mkdir(exist_ok=True)
    teacher.page.locator(".st-key-atlas-presenter").scroll_into_view_if_needed()
    teacher.page.screenshot(path=str(ARTIFACTS / "presenter-1024x768.png"))
    room.page.screenshot(path=str(ARTIFACTS / "audience-1024x768.png"))
    # The audience's stage keeps the stage's rules: no visible text under 18 px; both
    # views pass the axe scan the other pages pass.
    assert room.page.evaluate(SMALL_TEXT_JS, [None, MIN_PX]) == []
    assert _violations(room.page) == []
    assert _violations(teacher.page) == []

    _next(teacher, 2)
    _audience_on(room, 2)
    _nothing_ahead(room, 2)

    # The audience's keys and clicker move nothing: after them, both are still on step 2,
    # and the next step the audience sees is the one the presenter goes to.
    room.page.locator(".st-key-atlas-stage-text").click()
    for key in ("PageDown", "ArrowRight", "End", "Space"):
        room.page.keyboard.press(key)
    wait_for_app(room.page)
    assert room.page.get_attribute(STEP, "data-step") == "2"
    _next(teacher, 3)
    _audience_on(room, 3)
    assert teacher.page.get_attribute(STEP, "data-step") == "3"
    # The presenter's timer counts on in the browser, past what the server last drew.
    teacher.page.wait_for_function(
        "(() => { const t = document.querySelector('.atlas-lesson-timer');"
        " return t && Number(t.dataset.shown) > Number(t.dataset.elapsed); })()"
    )
    # The class is in the one store the deployment gave every replica.
    assert ClassStore(deployment.env[ENV]).read(code) == ClassState(LESSON.id, 2)

    # The presenter's page reloaded (a new session) takes the class back and moves it on.
    teacher.page.reload(wait_until="commit")
    teacher.page.wait_for_selector(f"[data-class-code='{code}']", timeout=60_000)
    wait_for_app(teacher.page, timeout=60_000)
    _next(teacher, 4)
    _audience_on(room, 4)

    teacher.page.get_by_role("button", name="End class").click()
    room.page.wait_for_selector("[data-follow='ended']", timeout=30_000)
    assert (teacher.replica_cookie(), room.replica_cookie()) == (mine, other)
    for session in (teacher, room):
        session.assert_clean()
        session.close()

    # nginx's log: every request of each browser reached its own replica, and they differ.
    entries = _wait_for_websockets(deployment, [teacher.tag, room.tag])
    grouped = _by_session(entries)
    assert {e["served_by"] for e in grouped[teacher.tag]} == {mine}
    assert {e["served_by"] for e in grouped[room.tag]} == {other}

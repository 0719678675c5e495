"""The state machine of issue 13 §1 in real Chromium: what AppTest cannot do.

tests/app/test_state_machine.py drives the whole script in process through ~2,000 actions;
this is the shorter run in a browser, against one served app, through what only a browser
does: clicking markers on the map, clicking the pills, the "Only one …" boxes, picking rows
in the sortable table, uploading files (the same file twice, two files with one name), the
browser's back and forward, reloading the page's own URL, "Reset view" and search results.

After every step: no exception box and no traceback text on the page, no console or page
error, no request leaving the machine, the markers drawn are the sites the summary names
and those the URL's view selects (and the summary counts the URL's events), the orange
rings are the sites of the picked table rows, and the uploaded points are all drawn.
Reloading (a rule) checks that the URL reopens the same view.

Seeded random walks (tests/random_walk.py): the same sequences on any machine, and a
failure names its seed and prints its whole sequence. Every wait is on a
signal (the script state, the markers, an attribute), never a fixed sleep.
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
from collections import Counter
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_support import (
    app_exceptions,
    bring_map_into_view,
    folium_frame,
    goto_app,
    wait_for_app,
)
from factories import synthetic_points
from layers.data.filters import filter_events, sites_shown
from layers.data.lessons import load_lessons
from layers.data.load import DEFAULT_DATA_DIR, load_atlas
from layers.render import table as atlas_table
from layers.state import url as urlstate
from random_walk import Action, walk

ATLAS = load_atlas()
LESSONS = load_lessons(DEFAULT_DATA_DIR, ATLAS)[0]
SEEDS, STEPS = (1, 2, 3), 15
MARKERS = ".leaflet-marker-pane .atlas-marker"
RINGS = ".atlas-highlight"
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
SUMMARY = re.compile(r"Showing (\d+) events? from \d{4} to \d{4}: (\d+) of \d+ mapped sites")
NO_EVENT = "No event matches the current filters"
QUERIES = ["Kibar", "KOMID", "S/2018/171", "reactor", "Barzah", "zz-nothing"]
# name, seed, points: two files with one name (other points), and one of another name.
FILES = {
    "first": ("points.geojson", 1, 3),
    "other": ("points.geojson", 2, 4),
    "more": ("more.geojson", 3, 5),
}
FILE_BYTES = {key: synthetic_points(n, seed=seed) for key, (_, seed, n) in FILES.items()}
POINTS = {FILE_BYTES[key]: n for key, (_, _, n) in FILES.items()}
ROW_PX, HEADER_PX, VISIBLE_ROWS = 35, 35, 9  # Streamlit's data grid: fixed row heights
WAIT_S = 20.0
TRACE = bool(os.environ.get("SM_TRACE"))
STARTED = [time.monotonic()]


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def _expected(url: str):
    """The events and located sites the URL's view selects (as a fresh session reads it)."""
    view, notices = urlstate.from_query(_params(url), ATLAS, LESSONS)
    assert notices == [], f"the page wrote a URL it cannot read: {notices}"
    events = filter_events(ATLAS, view.filters())
    return view, events, sites_shown(ATLAS, view.filters(), events)


class BrowserAtlas:
    """One reader in one browser tab; each rule is one thing they do."""

    page: ClassVar = None
    url: ClassVar[str] = ""
    steps: ClassVar[int] = 0
    documents: ClassVar[int] = 0
    ran: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        self.page = type(self).page
        self._open(type(self).url)

    # --- helpers ---------------------------------------------------------------------
    def _open(self, url: str) -> None:
        goto_app(self.page, url)
        self._new_document()

    def _new_document(self) -> None:
        """A page load is a new Streamlit session: uploads and table picks are gone."""
        type(self).documents += 1
        self.doc = type(self).documents
        self.page.evaluate(f"window.__smDoc = {self.doc}")
        self.uploads: list[bytes] = []  # distinct contents, in upload order
        self.table_state: tuple[str, frozenset[int]] | None = None  # key, picked rows
        self.frame().wait_for_selector(".leaflet-container", state="attached")

    def frame(self):
        return folium_frame(self.page)

    def settle(self) -> None:
        wait_for_app(self.page)
        type(self).steps += 1
        type(self).ran[sys._getframe(1).f_code.co_name] += 1
        if TRACE:
            caller = sys._getframe(1).f_code.co_name
            print(f"  {time.monotonic() - STARTED[0]:6.1f}s {caller} {self.page.url}", flush=True)

    def markers(self) -> list[str]:
        return self.frame().eval_on_selector_all(MARKERS, "els => els.map(e => e.dataset.siteId)")

    def table_shown(self) -> bool:
        control = self.page.get_by_role("radio", name="Sortable table")
        return control.count() == 1 and control.get_attribute("aria-checked") == "true"

    def _wait_until(self, what: str, check) -> None:
        """Poll a page signal until it holds (the map's iframe updates after the run)."""
        deadline = time.monotonic() + WAIT_S
        while True:
            problem = check()
            if problem is None:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: {problem}")
            self.page.wait_for_timeout(100)

    # --- the map ---------------------------------------------------------------------
    def click_marker(self, n: int) -> None:
        drawn = self.markers()
        if not drawn:
            return
        site = sorted(drawn)[n % len(drawn)]
        frame = self.frame()
        bring_map_into_view(self.page)
        # The marker's circle (the label beside it may lie under another marker).
        circle = frame.locator(f'.atlas-marker[data-site-id="{site}"] svg')
        box = circle.bounding_box()
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        frame_box = frame.locator(".leaflet-container").bounding_box()
        on_top = frame.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.closest('.atlas-marker')"
            "?.dataset.siteId ?? null",
            [centre[0] - frame_box["x"], centre[1] - frame_box["y"]],
        )
        if on_top != site:
            return  # another marker lies over this one at this zoom: a reader clicks that
        self.page.mouse.click(*centre)
        self.page.locator(f'section[data-site-id="{site}"]').wait_for(timeout=WAIT_S * 1000)
        self.settle()
        self._wait_until(
            f"the URL names the clicked site {site}",
            lambda: (
                None if _params(self.page.url).get("site") == [site] else f"URL {self.page.url}"
            ),
        )

    # --- the sidebar -----------------------------------------------------------------
    def click_pill(self, group: str, n: int) -> None:
        pills = self.page.get_by_role("toolbar", name=group).get_by_role("button")
        pills.nth(n % pills.count()).click()
        self.settle()

    def only_one(self, noun: str, n: int) -> None:
        box = self.page.get_by_role("combobox", name=f"Only one {noun}")
        box.scroll_into_view_if_needed()
        options = self.page.get_by_role("option")
        # The box's own "Open" button: a click in the text field only focuses it when it
        # already had the focus.
        self.page.locator('[data-testid="stSelectbox"]').filter(has=box).get_by_role(
            "button", name="Open"
        ).click()
        options.first.wait_for()
        options.nth(n % options.count()).click()
        self.settle()

    def search_and_choose(self, query: str, n: int) -> None:
        box = self.page.get_by_role("textbox", name="Search")
        box.fill(query)
        box.press("Enter")
        self.settle()
        hits = self.page.locator('[class*="st-key-hit-"] button:visible')
        if hits.count() == 0:
            return
        hits.nth(n % hits.count()).click()
        self.settle()
        chosen = {
            k: v
            for k, v in _params(self.page.url).items()
            if k in ("site", "event", "entity", "source")
        }
        assert chosen, f"a search result opened nothing: {self.page.url}"

    def reset(self) -> None:
        self.page.get_by_role("button", name="Reset view").click()
        self.settle()
        self._wait_until(
            "Reset view gives the bare link",
            lambda: None if not _params(self.page.url) else f"URL {self.page.url}",
        )

    def upload(self, which: str) -> None:
        name = FILES[which][0]
        data = FILE_BYTES[which]
        repeat = data in self.uploads
        self.page.locator(UPLOAD_INPUT).set_input_files(
            [{"name": name, "mimeType": "application/json", "buffer": data}]
        )
        if repeat:
            self.page.get_by_role("alert").filter(has_text="is the same file as").first.wait_for()
        else:
            self.uploads.append(data)
        self.settle()

    # --- the sortable table ----------------------------------------------------------
    def start_in_the_table(self, rows: list[int]) -> None:
        """Every sequence opens the sortable table and picks rows first, so the rings
        are checked through the rest of it (the rules' order is Hypothesis's choice)."""
        self.pick_table_rows(rows)

    def pick_table_rows(self, rows: list[int]) -> None:
        if self.page.get_by_role("radio", name="Sortable table").count() == 0:
            return  # no event shown, so no table
        if not self.table_shown():
            self.page.get_by_role("radio", name="Sortable table").click()
            self.settle()
        _, events, _ = _expected(self.page.url)
        canvas = self.page.locator('[data-testid="stDataFrame"] [data-testid="data-grid-canvas"]')
        canvas.wait_for()
        for row in rows:
            if row >= len(events):
                continue
            canvas.scroll_into_view_if_needed()
            box = canvas.bounding_box()
            # The row's selection box, in the leftmost column.
            self.page.mouse.click(box["x"] + 15, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2)
            self.settle()
            key, picked = self._table_now()
            self.table_state = (key, picked ^ {row})
            self.check_rings()

    def events_view(self, view: str) -> None:
        control = self.page.get_by_role("radio", name=view)
        if control.count() == 0 or control.get_attribute("aria-checked") == "true":
            return
        control.click()
        self.settle()

    # --- the browser -----------------------------------------------------------------
    def history(self, back: bool) -> None:
        (self.page.go_back if back else self.page.go_forward)(wait_until="commit")
        if not self.page.url.startswith(type(self).url):
            self.page.go_forward(wait_until="commit")  # back past the app: come back in
        wait_for_app(self.page)
        if self.page.evaluate("window.__smDoc ?? null") != self.doc:
            self._new_document()  # the browser loaded the page again: a new session
        self.settle()

    def reload_the_own_url(self) -> None:
        """The URL is the view: reloading it gives the same URL, markers and summary."""
        url, markers, summary = self.page.url, sorted(self.markers()), self.summary()
        self.page.reload(wait_until="domcontentloaded")
        wait_for_app(self.page)
        self._new_document()
        self.settle()
        assert _params(self.page.url) == _params(url)
        self._wait_until(
            "reloading the URL gives the same markers",
            lambda: None if sorted(self.markers()) == markers else f"{self.markers()} != {markers}",
        )
        assert self.summary() == summary

    # --- what must hold after every step ---------------------------------------------
    def summary(self) -> str:
        texts = self.page.locator("p").filter(has_text=re.compile(f"Showing \\d+ event|{NO_EVENT}"))
        return texts.first.inner_text() if texts.count() else ""

    def the_page_is_whole(self) -> None:
        page = self.page
        assert app_exceptions(page) == []
        assert "Traceback" not in page.locator("body").inner_text()
        assert page.external_requests == []
        assert page.console_errors == []
        assert page.page_errors == []

    def markers_summary_and_url_agree(self) -> None:
        def check() -> str | None:
            _, events, sites = _expected(self.page.url)
            expected = sorted(site.id for site in sites)
            drawn = sorted(self.markers())
            if drawn != expected:
                return f"markers {drawn}, the URL's view {expected} ({self.page.url})"
            summary = self.summary()
            if not events:
                return None if NO_EVENT in summary else f"summary {summary[:120]!r}"
            shown = SUMMARY.search(summary)
            if not shown or (int(shown[1]), int(shown[2])) != (len(events), len(sites)):
                return f"summary {summary[:120]!r}, the URL's view {len(events)} events"
            missing = [site.name for site in sites if f"{site.name}: " not in summary]
            return f"the summary names no {missing}" if missing else None

        self._wait_until("the map, the summary and the URL agree", check)

    def uploaded_points_are_drawn(self) -> None:
        total = sum(POINTS[data] for data in self.uploads)
        container = self.frame().locator(".leaflet-container")
        self._wait_until(
            f"all {total} uploaded points are drawn",
            lambda: (
                None
                if (container.get_attribute("data-points-drawn") or "0") == str(total)
                else f"data-points-drawn={container.get_attribute('data-points-drawn')}"
            ),
        )
        if TRACE:
            print(f"  {time.monotonic() - STARTED[0]:6.1f}s invariants held", flush=True)

    def _table_now(self) -> tuple[str, frozenset[int]]:
        """The table's key and its picked rows, as the model knows them: a table drawn
        with a new key (other events, another site) starts from the site's rows."""
        view, events, _ = _expected(self.page.url)
        key = atlas_table.table_key(events, view.site)
        if self.table_state is not None and self.table_state[0] == key:
            return self.table_state
        return key, frozenset(atlas_table.rows_at_site(events, view.site))

    def rings_are_the_picked_rows_sites(self) -> None:
        if not self.table_shown():
            self.table_state = None  # the table's picks are dropped with it
        else:
            self.table_state = self._table_now()
        self.check_rings()

    def check_rings(self) -> None:
        _, events, sites = _expected(self.page.url)
        picked = self.table_state[1] if self.table_state else frozenset()
        shown = {site.id for site in sites}
        expected = len({s for i in picked for s in events[i].event.site_ids if s in shown})
        self._wait_until(
            "the rings are the sites of the picked rows",
            lambda: (
                None
                if len(self.frame().locator(RINGS).all()) == expected
                else f"{len(self.frame().locator(RINGS).all())} rings, {expected} expected "
                f"(rows {sorted(picked)})"
            ),
        )

    def check_invariants(self) -> None:
        self.the_page_is_whole()
        self.markers_summary_and_url_agree()
        self.uploaded_points_are_drawn()
        self.rings_are_the_picked_rows_sites()


def _rows(rng: random.Random, most: int) -> list[int]:
    return [rng.randrange(VISIBLE_ROWS) for _ in range(rng.randint(1, most))]


# What a reader does, and how often a walk may do the costly ones: Hypothesis's first
# sequences repeated the first rules, and a reload costs seconds.
ACTIONS = {
    "click_marker": Action(lambda r: {"n": r.randrange(10)}, cap=3),
    "click_pill": Action(
        lambda r: {
            "group": r.choice(["North Korean link", "Evidence grade"]),
            "n": r.randrange(10),
        },
        cap=3,
    ),
    "only_one": Action(
        lambda r: {"noun": r.choice(["link type", "grade"]), "n": r.randrange(10)}, cap=2
    ),
    "search_and_choose": Action(lambda r: {"query": r.choice(QUERIES), "n": r.randrange(8)}, cap=2),
    "reset": Action(cap=2),
    "upload": Action(lambda r: {"which": r.choice(sorted(FILES))}),
    "pick_table_rows": Action(lambda r: {"rows": _rows(r, 3)}),
    "events_view": Action(lambda r: {"view": r.choice(["Timeline and list", "Sortable table"])}),
    "history": Action(lambda r: {"back": r.random() < 0.5}),
    "reload_the_own_url": Action(cap=2),
}


@pytest.mark.timeout(600)
def test_random_browser_sessions_keep_the_page_whole_and_citable(page, app_url) -> None:
    BrowserAtlas.page, BrowserAtlas.url = page, app_url
    BrowserAtlas.steps = BrowserAtlas.documents = 0
    BrowserAtlas.ran = Counter()
    started = time.monotonic()
    for seed in SEEDS:
        atlas = BrowserAtlas()
        # Every walk opens the sortable table and picks rows first, so that the rings are
        # checked through the rest of it.
        first = ("start_in_the_table", lambda r: {"rows": _rows(r, 2)})
        walk(atlas, ACTIONS, seed, STEPS, atlas.check_invariants, first=first)
    print(f"{BrowserAtlas.steps} runs waited on in {time.monotonic() - started:.0f} s")
    print(dict(sorted(BrowserAtlas.ran.items())))
    unexercised = {"click_marker", "click_pill", "only_one", "upload", "pick_table_rows"} - set(
        BrowserAtlas.ran
    )
    assert not unexercised, f"the seeds never ran {unexercised}"
    assert BrowserAtlas.steps >= len(SEEDS) * STEPS * 0.5, BrowserAtlas.steps

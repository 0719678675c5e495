"""The lesson as one offline HTML file (layers.export.lesson_bundle): size, every step with its
view, markers and notes, nothing to fetch, hostile text inert. The file played in Chromium
from file:// is tests/browser/test_lesson_bundle_browser.py."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest

from layers.__main__ import main
from layers.data.filters import filter_events, sites_shown
from layers.data.lessons import step_filters, step_view
from layers.export import BUNDLE_CSP, lesson_file_name, lesson_html
from layers.export.lesson_bundle import MAX_BYTES
from tests.factories import hostile_lesson, shipped_atlas, shipped_lessons

WHEN = dt.datetime(2026, 11, 29, 12, 0, 0, tzinfo=dt.UTC)
HOSTILE = '</script><script>window.pwned=1</script><!--<script> & "q" {{ 7*7 }}'


class _Page(HTMLParser):
    """The parts of the page the tests read: scripts, the steps and notes, external refs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.steps: list[dict[str, str | None]] = []
        self.notes: list[dict[str, str | None]] = []
        self.titles: list[str] = []
        self.refs: list[str] = []
        self.meta: list[dict[str, str | None]] = []
        self._in: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag in ("script", "h2") or "lb-note" in classes:
            self._in, self._text = (tag if tag != "p" else "note", found), []
        if tag == "meta":
            self.meta.append(found)
        if "lb-step" in classes:
            self.steps.append(found)
        if "lb-note" in classes:
            self.notes.append(found)
        for name in ("src", "href"):  # a data: URI (a grade shape) is not fetched
            ref = found.get(name) or ""
            if tag in ("script", "link", "img", "iframe") and ref and not ref.startswith("data:"):
                self.refs.append(ref)

    def handle_data(self, data):
        if self._in is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._in is None:
            return
        kind, attrs = self._in
        if tag == "script" and kind == "script":
            self.scripts.append((attrs, "".join(self._text)))
        elif tag == "h2" and kind == "h2" and "atlas-stage-title" in (attrs.get("class") or ""):
            self.titles.append("".join(self._text).strip())
        elif tag == "p" and kind == "note":
            attrs["text"] = "".join(self._text).strip()
        else:
            return
        self._in = None


def _parse(data: bytes) -> tuple[_Page, dict]:
    page = _Page()
    page.feed(data.decode("utf-8"))
    lesson_data = next(t for a, t in page.scripts if a.get("id") == "atlas-lesson-data")
    return page, json.loads(lesson_data)


@pytest.mark.parametrize("lesson", shipped_lessons(), ids=lambda lesson: lesson.id)
def test_every_shipped_lesson_fits_in_3_mb_with_every_step_its_view_markers_and_notes(lesson):
    atlas = shipped_atlas()
    data = lesson_html(atlas, lesson, exported_at=WHEN)
    assert len(data) <= MAX_BYTES == 3 * 1024 * 1024
    page, payload = _parse(data)
    count = len(lesson.steps)
    assert [s["data-index"] for s in page.steps] == [str(i) for i in range(count)]
    assert ["hidden" in s for s in page.steps] == [False] + [True] * (count - 1)
    assert page.titles == [step.title for step in lesson.steps]
    assert [n["text"] for n in page.notes] == [s.presenter_notes for s in lesson.steps]
    assert len(payload["steps"]) == count
    for step, drawn in zip(lesson.steps, payload["steps"], strict=True):
        assert (drawn["lat"], drawn["lon"], drawn["zoom"]) == step_view(step, atlas)
        filters = step_filters(step, atlas)
        events = filter_events(atlas, filters)
        sites = [s.id for s in sites_shown(atlas, filters, events) if s.located]
        assert [record["id"] for record in drawn["sites"]] == sites
        highlighted = {
            s for e in events if e.id in step.highlight_event_ids for s in e.event.site_ids
        }
        assert {r["id"] for r in drawn["sites"] if r["highlight"]} == highlighted & set(sites)
        assert all(record["popup_html"] for record in drawn["sites"])
    # Nothing to fetch: no script, stylesheet or image by URL; the page's own CSP first.
    assert page.refs == []
    assert page.meta[1] == {"http-equiv": "Content-Security-Policy", "content": BUNDLE_CSP}
    text = data.decode("utf-8")
    assert text.index("Content-Security-Policy") < text.index("<script")
    assert "window.AtlasSiteMarkers" in text and "atlasInstallLessonKeys" in text
    assert 'src: url("data:font/ttf;base64,' in text  # the Hangul subset, for Korean titles
    assert lesson_file_name(atlas, lesson) == f"{lesson.id}-{atlas.info.version}.html"


@pytest.fixture
def hostile(tmp_path):
    return hostile_lesson(tmp_path / "data", HOSTILE)


def test_hostile_lesson_and_event_text_stays_text(hostile):
    atlas, lesson = hostile
    data = lesson_html(atlas, lesson, exported_at=WHEN)
    text = data.decode("utf-8")
    page, payload = _parse(data)
    # Every </script in the file closes one of the page's own scripts: none came from data.
    assert len(re.findall(r"</script", text, re.I)) == len(page.scripts)
    assert "<!--<script>" not in text and "window.pwned=1</script>" not in text
    assert {a.get("type") for a, _ in page.scripts} == {None, "application/json"}
    assert page.titles == [HOSTILE, HOSTILE]  # escaped in the HTML, read back as text
    assert [n["text"] for n in page.notes] == [HOSTILE, HOSTILE]
    # In the JSON, the markers' HTML is escaped by layers.render, and every "<" is \u003c.
    marker = payload["steps"][0]["sites"][0]
    assert "&lt;/script&gt;" in marker["icon_html"] and "<script" not in marker["popup_html"]
    assert "&lt;/script&gt;" in text  # the source list, in the page's HTML


def test_the_command_line_writes_the_lesson_page_and_refuses_filters(tmp_path, capsys):
    lesson = shipped_lessons()[0]
    out = tmp_path / "lesson.html"
    assert main(["export", "--format", "html", "--lesson", lesson.id, "-o", str(out)]) == 0
    assert f"wrote {len(lesson.steps)} step(s) of {lesson.id} as one offline HTML page" in (
        capsys.readouterr().out
    )
    page, payload = _parse(out.read_bytes())
    assert len(payload["steps"]) == len(page.steps) == len(lesson.steps)
    for args, message in (
        (["--lesson", lesson.id, "--grade", "alleged"], "takes no filters"),
        (["--lesson", "nope"], "no valid lesson 'nope'"),
    ):
        bad = tmp_path / "bad.html"
        with pytest.raises(SystemExit) as exit_:
            main(["export", "--format", "html", *args, "-o", str(bad)])
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err
        assert not bad.exists()

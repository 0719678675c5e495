"""The projector stage's HTML: the step in large type with each cited event's grade mark,
the marker key for the map, and the map layer that carries them. Text from data is escaped."""

from __future__ import annotations

import json
import re

from layers.data.load import load_atlas
from layers.map.mapview import site_layer
from layers.render import html as atlas_html
from layers.render.style import GRADE_STYLES, NO_LINK_STYLE
from page_support import foreign_images
from tests.factories import event, shipped_atlas, shipped_lessons, write_dataset

HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'


def test_the_stage_step_escapes_text_from_data(tmp_path):
    atlas = load_atlas(write_dataset(tmp_path, events=[event("E01", title=HOSTILE)]))
    html = atlas_html.stage_step_html(atlas, HOSTILE, 0, 3, HOSTILE, HOSTILE, ["E01"])
    assert "<script" not in html and not foreign_images(html)
    assert html.count("&lt;script&gt;") == 4  # lesson title, step title, text, event title


def test_the_stage_step_has_its_title_text_and_every_cited_event_with_its_mark():
    atlas = shipped_atlas()
    lesson = shipped_lessons()[0]
    step = lesson.steps[1]  # Al Kibar, 2007-2008: five cited events
    html = atlas_html.stage_step_html(
        atlas, lesson.title, 1, len(lesson.steps), step.title, step.text, step.citations
    )
    assert 'aria-label="Lesson step"' in html and 'data-step="2"' in html
    assert f"step 2 of {len(lesson.steps)}" in html
    assert '<h2 class="atlas-stage-title">' in html
    events = {dated.id: dated.event for dated in atlas.events}
    for ref in step.citations:
        assert f'data-event-id="{ref}"' in html
        grade = events[ref].link_grade
        words = GRADE_STYLES[grade].short if grade is not None else "no DPRK link"
        item = html.split(f'data-event-id="{ref}"')[1].split("</li>")[0]
        assert words in item and "atlas-shape" in item  # the map's shape and words for the link


def test_the_map_key_names_every_shape_and_only_the_stage_map_carries_it():
    key = atlas_html.stage_legend_html()
    for style in [*GRADE_STYLES.values(), NO_LINK_STYLE]:
        assert style.short in key
    assert key.count('class="atlas-shape"') == len(GRADE_STYLES) + 1
    atlas = shipped_atlas()
    sites = [site for site in atlas.sites.values() if site.located]
    events = list(atlas.events)

    def config(present: bool) -> dict:
        layer = site_layer(atlas, sites, events, present=present)
        [markers] = layer._children.values()
        call = re.search(
            r"window\.AtlasSiteMarkers\([^,]+, (.*)\);\s*$", markers.script_text(), re.S
        )
        return json.loads(call[1])

    assert config(True)["present"] is True and config(True)["legend"] == key
    assert config(False)["present"] is False and config(False)["legend"] is None

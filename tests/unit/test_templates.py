"""The HTML templates: escaping is the template engine's job, and a missing name is an error."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup

from layers.data.load import load_atlas
from layers.export.bundle import TEMPLATE_DIR as BUNDLE_TEMPLATES
from layers.render import templates
from layers.render.style import NO_LINK_STYLE
from page_support import foreign_images
from tests.factories import event, layer, site_feature, source, write_dataset

HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'


def test_every_template_autoescapes():
    for folders in ((), (BUNDLE_TEMPLATES,)):
        env = templates.environment(*folders)
        names = env.list_templates()
        assert "site_panel.html.j2" in names
        assert all(env.autoescape(name) for name in names)
    assert "bundle.html.j2" in templates.environment(BUNDLE_TEMPLATES).list_templates()


def test_a_template_refuses_an_undefined_variable(tmp_path):
    atlas = load_atlas(write_dataset(tmp_path))
    site = atlas.sites["S1"]
    # marker_icon.html.j2 needs `style` too: a missing name is an error, not an empty string.
    with pytest.raises(jinja2.UndefinedError, match="style"):
        templates.render("marker_icon.html.j2", site=site)
    with pytest.raises(jinja2.UndefinedError):  # and so is a field the record does not have
        templates.environment().from_string("{{ site.no_such_field }}").render(site=site)
    icon = templates.render("marker_icon.html.j2", site=site, style=NO_LINK_STYLE)
    assert isinstance(icon, Markup) and 'data-site-id="S1"' in icon


def test_hostile_text_in_a_record_renders_escaped_through_a_template(tmp_path):
    layers = {"a": layer("a", site_feature("S1", name=HOSTILE, alt_names=[HOSTILE]))}
    events = [event("E01", title=HOSTILE, summary=HOSTILE, caveat=HOSTILE)]
    sources = [source(publisher=HOSTILE, title=HOSTILE, via=HOSTILE)]
    atlas = load_atlas(write_dataset(tmp_path, layers=layers, events=events, sources=sources))
    assert atlas.problems == ()
    site = atlas.sites["S1"]
    panel = templates.render(
        "site_panel.html.j2",
        atlas=atlas,
        site=site,
        events=list(atlas.events),
        total=len(atlas.events),
        precision=HOSTILE,  # text handed over by Python is escaped too
    )
    assert "<script" not in panel and not foreign_images(panel)
    escaped = "&lt;img src=x onerror=&#34;window.pwned=1&#34;&gt;&lt;script&gt;"
    assert panel.count(escaped) >= 6  # name, alt name, title, summary, caveat, source...
    assert 'class="atlas-shape"' in panel and "<style>" in panel  # the atlas's own Markup, as it is
    citation = templates.macros("source.html.j2").source_citation(atlas.sources["src-a"])
    assert escaped in citation and "<script" not in citation

"""About and method: how to read the map, the limits of the data, and every source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers.data.changelog import change_rows
from layers.data.load import data_dir
from layers.data.method import method_text
from layers.data.places import places, places_source
from layers.data.validate import source_coverage
from layers.render import html as atlas_html
from layers.render.html import day_label
from layers.render.style import plural
from layers.ui.cached import current_atlas, current_changelog
from layers.ui.page import caption, problem_notice, show_html, widget_label

atlas = current_atlas()

st.title("About the atlas and its method")
caption(
    f"{atlas.info.title}, version {atlas.info.version}, released {atlas.info.released}. "
    f"Licence: {atlas.info.licence}."
)
st.markdown(method_text(data_dir()))

st.header("Map data")
_places = places_source()
st.markdown(
    "Basemap: [Natural Earth](https://www.naturalearthdata.com/) (public domain). "
    f"Town and city names ({len(places())}): [GeoNames]({_places['url']}), "
    f"licensed {_places['licence']}, from the {_places['carrier']} package. "
    "River names: the Euphrates from Natural Earth (public domain); the Orontes at the point "
    "of [Pleiades](https://pleiades.stoa.org/places/658560) place 658560 (CC BY 3.0), a "
    "location Pleiades based on OpenStreetMap (© OpenStreetMap contributors). "
    "Details in `geodata/basemap/PROVENANCE.md`."
)

st.header("Evidence grades as drawn")
show_html(atlas_html.legend_html())

st.header(f"Every source ({len(atlas.sources)})")
coverage = source_coverage(atlas.sources.values())
caption(
    f"{coverage.sentence()}. A source without a URL or document symbol says why; a title "
    "that was not found is marked “title unknown”."
)
show_html(atlas_html.source_list(atlas))

st.header("Corrections log")
changelog, problems = current_changelog()
for problem in problems:
    problem_notice(problem, problem.severity)
if changelog is None:
    caption("This data folder has no corrections log (changelog.json).")
else:
    caption(
        "Every change to a record, release by release: the record and field, the value "
        "before and after, why, and the sources. Exports carry the dataset version."
    )
    for release in changelog.releases:
        st.subheader(f"Version {release.version} ({day_label(release.date)})")
        st.markdown(widget_label(release.summary))
        if release.changes:
            st.dataframe(
                pd.DataFrame(change_rows(release)),
                hide_index=True,
                key=f"changes-{release.version}",
            )
            caption(f"{plural(len(release.changes), 'change')}. Click a column to sort.")

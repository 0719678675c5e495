"""The lesson panel offers the lesson as one offline HTML page, built only when clicked."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LABEL = "Download the lesson (offline page)"


def test_the_lesson_page_download_appears_with_a_lesson_and_is_built_on_click():
    at = AppTest.from_file(APP, default_timeout=60).run()
    labels = {b.proto.label: b.proto for b in at.get("download_button")}
    assert LABEL not in labels
    at.selectbox(key="lesson").set_value("north-korea-in-syria").run()
    assert not at.exception, [e.value for e in at.exception]
    labels = {b.proto.label: b.proto for b in at.get("download_button")}
    assert labels[LABEL].deferred_file_id  # the page is made only when a teacher asks

"""The lesson panel offers the lesson as slides, built only when the button is clicked."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _downloads(at: AppTest) -> dict:
    return {b.proto.label: b.proto for b in at.get("download_button")}


def test_download_slides_appears_with_a_lesson_and_is_built_on_click():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "Download slides" not in _downloads(at)
    at.selectbox(key="lesson").set_value("north-korea-in-syria").run()
    assert not at.exception, [e.value for e in at.exception]
    slides = _downloads(at)["Download slides"]
    assert slides.deferred_file_id  # python-pptx runs only when a teacher asks
    assert "Download figure" in _downloads(at)

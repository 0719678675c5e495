"""Serving extra layers: the static folder holds only what current layers use, and the
Streamlit internals that uploads rely on are pinned so an upgrade fails here, loudly."""

from __future__ import annotations

import inspect

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from layers import extra
from layers.extra.publish import PUBLISH_SUBDIR
from tests.factories import synthetic_points


def _folder(tmp_path, *sizes: int):
    folder = tmp_path / "layers"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.geojson"):
        old.unlink()
    for n in sizes:
        (folder / f"points-{n}.geojson").write_bytes(synthetic_points(n, seed=n))
    return extra.load_extra_folder(folder)


def test_files_of_layers_no_longer_in_the_folder_are_pruned(tmp_path):
    static = tmp_path / "static"
    published, problems = extra.publish_all(_folder(tmp_path, 3, 4), static)
    assert problems == [] and len(published) == 2
    served = static / PUBLISH_SUBDIR
    assert len(list(served.glob("*.json"))) == 4  # points and properties of each
    (served / "stale.points.json").write_text("[]")
    published, _ = extra.publish_all(_folder(tmp_path, 4), static)
    names = sorted(p.name for p in served.glob("*.json"))
    [layer] = published.values()
    assert names == sorted(u.rsplit("/", 1)[-1] for u in (layer.points_url, layer.props_url))
    assert (served / ".gitignore").is_file()


def test_the_media_store_uploads_rely_on_keeps_its_shape():
    """`layers.ui.uploads._host` serves an upload's layer from Streamlit's in-memory media
    file manager, which has no public API: an upgrade that changes it must fail here."""
    params = list(inspect.signature(MediaFileManager.add).parameters)
    assert params[:4] == ["self", "path_or_data", "mimetype", "coordinates"]
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    url = manager.add(b"{}", "application/json", "extra-upload.points")
    assert url.startswith("/media/") and url.endswith(".json")
    assert manager.add(b"{}", "application/json", "extra-upload.points") == url  # by content

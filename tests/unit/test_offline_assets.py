"""The map works with no internet: vendored front-end assets and the offline basemap.

Fast tests check the asset rewriting (layers/map/assets.py), the vendored files and the
basemap data; one browser test opens a throwaway st_folium page (tests/apps/
offline_probe.py) in Chromium with every non-loopback request aborted.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import folium
import folium.plugins
import pytest
from branca.colormap import LinearColormap
from shapely.geometry import box, shape

from browser_support import REPO_ROOT, folium_frame, goto_app, images_settled
from layers.data import geo
from layers.map import assets, basemap
from layers.map.assets import (
    ASSETS,
    DROPPED,
    IFRAME_PREFIX,
    OfflineAssetError,
    assert_offline,
    asset_links,
    local_file,
    localize_assets,
)
from layers.map.leaflet import GeoJsonScript

VENDOR = REPO_ROOT / "static" / "vendor"
VENDOR_BUDGET = 250_000  # bytes: Leaflet alone (what a page loads)
BASEMAP_BUDGET = 300_000  # bytes
SCREENSHOT = Path("/tmp/offline_probe.png")


def _busy_map() -> folium.Map:
    """A map with the elements the atlas draws: default and DivIcon markers, vectors."""
    m = folium.Map(location=[35, 38], zoom_start=6, tiles=None)
    folium.Marker([35, 38]).add_to(m)
    folium.Marker([36, 39], icon=folium.DivIcon(html="<b>S1</b>")).add_to(m)
    folium.CircleMarker([34, 37], radius=5).add_to(m)
    folium.FeatureGroup(name="Sites").add_to(m)
    return m


def _rendered_urls(m: folium.Map) -> list[str]:
    html = m.get_root().render()
    return re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)


# --------------------------------------------------------------------------- assets


def test_localize_leaves_no_http_url() -> None:
    m = localize_assets(_busy_map())
    links = asset_links(m)
    assert links, "no asset links found"
    assert all(url.startswith(IFRAME_PREFIX) for _, _, url in links), links
    urls = _rendered_urls(m)
    assert urls and not [u for u in urls if "//" in u], urls
    assert_offline(m)


def test_class_lists_are_untouched() -> None:
    localize_assets(_busy_map())
    assert folium.Map.default_js[0][1].startswith("https://")
    assert all(url.startswith("https://") for _, url in folium.Map.default_css)


def test_localize_is_idempotent_and_clears_an_earlier_render() -> None:
    m = _busy_map()
    m.get_root().render()  # header now holds CDN links, glyphicons included
    localize_assets(m)
    localize_assets(m)
    assert not [u for u in _rendered_urls(m) if "//" in u]
    assert not [u for u in _rendered_urls(m) if "glyphicons" in u or "bootstrap" in u]


def test_unvendored_plugin_fails_loudly() -> None:
    m = _busy_map()
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(OfflineAssetError, match="Fullscreen"):
        localize_assets(m)


def test_colormap_fails_loudly() -> None:
    m = _busy_map()
    LinearColormap(["white", "black"]).add_to(m)
    with pytest.raises(OfflineAssetError, match="colormap"):
        localize_assets(m)


def test_every_asset_maps_to_an_existing_file() -> None:
    for url, asset in ASSETS.items():
        assert asset.file.is_file(), asset
        expected = asset.file.resolve()
        assert local_file(url).resolve() == expected
        assert local_file(IFRAME_PREFIX + asset.path) == expected
        assert local_file(asset.path) == expected
    assert local_file(IFRAME_PREFIX + "leaflet-1.9.3/images/marker-icon.png").is_file()
    for bad in ("https://example.org/nope.js", "../../.streamlit/config.toml", "nope.js"):
        with pytest.raises(KeyError):
            local_file(bad)
    assert all(url.startswith("https://") for url in DROPPED)


def test_every_folium_map_asset_is_vendored_or_dropped() -> None:
    # Guards a folium upgrade that changes its CDN URLs.
    for _, url in [*folium.Map.default_js, *folium.Map.default_css]:
        assert url in ASSETS or url in DROPPED, url
    # Only what a page loads is vendored: Leaflet, and a map localized loads nothing else.
    assert {asset.package for asset in ASSETS.values()} == {"leaflet"}
    m = localize_assets(_busy_map())
    assert {url.split("/vendor/")[1].split("/")[0] for _, _, url in asset_links(m)} == {
        "leaflet-1.9.3"
    }


def test_a_plugin_whose_library_is_not_vendored_fails_loudly() -> None:
    m = _busy_map()
    folium.plugins.MarkerCluster().add_to(m)
    with pytest.raises(OfflineAssetError, match="MarkerCluster"):
        localize_assets(m)


def _css_refs(css: Path) -> list[str]:
    refs = re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css.read_text(encoding="utf-8"))
    return [r for r in refs if not r.startswith(("data:", "#"))]


def test_files_referenced_by_vendored_css_exist() -> None:
    missing = []
    for css in VENDOR.rglob("*.css"):
        for ref in _css_refs(css):
            assert not ref.startswith(("http:", "https:", "//")), (css, ref)
            target = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
            # Font Awesome lists .ttf after .woff2; only the woff2 files are shipped.
            if target.suffix == ".ttf" and target.with_suffix(".woff2").is_file():
                continue
            if not target.is_file():
                missing.append(f"{css.relative_to(VENDOR)} -> {ref}")
    assert not missing, missing


def test_versions_md_lists_every_file_and_each_library_has_a_licence() -> None:
    versions = (VENDOR / "VERSIONS.md").read_text(encoding="utf-8")
    for path in VENDOR.rglob("*"):
        if path.is_file() and path.name != "VERSIONS.md":
            rel = path.relative_to(VENDOR).as_posix()
            assert f"`{rel}`" in versions, rel
    for library in (p for p in VENDOR.iterdir() if p.is_dir()):
        assert list(library.glob("*LICEN[CS]E*")), library


def test_vendor_size_budget() -> None:
    total = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    assert total < VENDOR_BUDGET, total


def test_streamlit_config_serves_static_files() -> None:
    import tomllib

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableStaticServing"] is True


# --------------------------------------------------------------------------- basemap


def _coords(node):
    if isinstance(node[0], (int, float)):
        yield node
    else:
        for child in node:
            yield from _coords(child)


@pytest.mark.parametrize("name", [*basemap.LAYER_FILES, basemap.GOVERNORATES])
def test_basemap_file_is_lonlat_geojson_in_the_box(name: str) -> None:
    fc = basemap.load_layer(name)
    assert fc["type"] == "FeatureCollection" and fc["features"]
    lon0, lat0, lon1, lat1 = geo.BBOX
    frame = box(*geo.BBOX).buffer(1e-6)
    for feature in fc["features"]:
        assert feature["type"] == "Feature"
        geom = shape(feature["geometry"])
        assert not geom.is_empty and frame.contains(geom), (name, feature["properties"])
        for lon, lat in _coords(feature["geometry"]["coordinates"]):
            assert lon0 <= lon <= lon1 and lat0 <= lat <= lat1, (name, lon, lat)


def test_basemap_names_come_from_the_data() -> None:
    countries = {f["properties"]["name"] for f in basemap.load_layer("countries")["features"]}
    assert {"Syria", "Lebanon", "Turkey", "Iraq", "Jordan", "Israel"} <= countries
    labels = basemap.governorate_labels()
    assert len(labels) == 14  # Syria's 14 governorates; the UNDOF zone is not labelled
    assert {"Damascus", "Aleppo", "Idlib"} <= {label["name"] for label in labels}


def test_basemap_size_budget_and_provenance() -> None:
    files = sorted(basemap.BASEMAP_DIR.glob("*.geojson"))
    assert sum(f.stat().st_size for f in files) < BASEMAP_BUDGET
    provenance = (basemap.BASEMAP_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "public domain" in provenance
    for f in files:
        assert f"`{f.name}`" in provenance, f.name


def test_add_basemap_is_offline_non_interactive_and_sets_max_zoom() -> None:
    m = folium.Map(location=[35, 38], zoom_start=6, tiles=None)
    basemap.add_basemap(m)
    localize_assets(m)
    html = m.get_root().render()
    assert '"maxZoom": 12' in html
    assert "tile.openstreetmap" not in html and "arcgisonline" not in html
    layers = [e for e in assets.iter_elements(m) if isinstance(e, GeoJsonScript)]
    assert len(layers) == len(basemap.LAYER_FILES)
    assert all('"interactive":false' in layer.script_text() for layer in layers)
    assert html.count("L.geoJson(") == len(basemap.LAYER_FILES)
    assert not [e for e in assets.iter_elements(m) if isinstance(e, folium.TileLayer)]


def test_online_tile_layers_are_data_driven() -> None:
    layers = list(basemap.online_tile_layers().values())
    names = [layer.layer_name for layer in layers]
    assert names == ["OpenStreetMap", "Esri World Imagery"]
    assert all(layer.tiles.startswith("https://") for layer in layers)
    config = json.loads(basemap.ONLINE_TILES_FILE.read_text(encoding="utf-8"))
    assert [entry["url"] for entry in config["layers"]] == [layer.tiles for layer in layers]


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def probe_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The probe script beside symlinks to the repo's static/ and .streamlit/.

    Streamlit serves ``static/`` from the main script's folder and reads
    ``.streamlit/config.toml`` from the working directory; this way both are the
    repo's own.
    """
    folder = tmp_path_factory.mktemp("offline_probe")
    shutil.copy(REPO_ROOT / "tests" / "apps" / "offline_probe.py", folder / "offline_probe.py")
    (folder / "static").symlink_to(REPO_ROOT / "static", target_is_directory=True)
    (folder / ".streamlit").symlink_to(REPO_ROOT / ".streamlit", target_is_directory=True)
    return folder


@pytest.mark.browser
@pytest.mark.parametrize("base_path", ["", "atlas/offline"], ids=["root", "baseUrlPath"])
def test_map_renders_offline_in_chromium(page, start_app, probe_dir: Path, base_path: str):
    url = start_app(
        "offline_probe.py",
        cwd=probe_dir,
        env={"PYTHONPATH": str(REPO_ROOT)},
        base_path=base_path,
    )
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url} {r.failure}"))
    static_hits: list[str] = []
    page.on("request", lambda r: static_hits.append(r.url) if "/app/static/" in r.url else None)

    goto_app(page, url)
    frame = folium_frame(page)
    frame.wait_for_selector(".leaflet-container", state="visible")
    frame.wait_for_selector(".leaflet-marker-pane > *", state="attached")
    frame.wait_for_selector(".leaflet-atlas-basemap-pane path", state="attached")
    images_settled(frame)

    assert frame.locator(".leaflet-marker-pane > *").count() == 1
    assert frame.locator(".leaflet-overlay-pane path").count() == 5
    assert frame.locator(".leaflet-atlas-basemap-pane path").count() >= len(basemap.LAYER_FILES)
    assert frame.locator(".atlas-basemap-label").count() == 14
    box_ = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    assert box_ and box_["height"] > 400, box_
    icon = frame.locator(".leaflet-marker-pane img").first
    assert icon.evaluate("img => img.complete && img.naturalWidth > 0"), "marker icon"

    prefix = f"/{base_path}/app/static/vendor/" if base_path else "/app/static/vendor/"
    assert any(prefix + "leaflet-1.9.3/leaflet.js" in u for u in static_hits), static_hits
    assert any("leaflet-1.9.3/images/marker-icon" in u for u in static_hits), static_hits
    assert page.external_requests == []
    assert failed == []
    assert page.console_errors == [] and page.page_errors == []
    if not base_path:
        page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_a_crash_never_shows_readers_a_traceback():
    import tomllib

    from layers.paths import REPO_ROOT

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"

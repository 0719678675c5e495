"""The server surface against a hostile client, where no server is needed: the shipped
Streamlit config's limits, the nginx template (limits, headers, hidden endpoints, a log
without session ids), the Dockerfile, the parse worker's environment and the served
extra-layers folder. The live checks are in tests/browser/test_hostile_surface.py."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from deploy.replicas import find_nginx, render_config, tile_origins
from layers import extra
from layers.extra import UPLOAD_LIMIT_MB
from layers.extra import read as extra_read
from layers.extra.publish import PUBLISH_SUBDIR, WORK_SUBDIR
from layers.extra.worker_env import worker_env
from layers.paths import REPO_ROOT
from tests.factories import synthetic_points

publish_module = importlib.import_module("layers.extra.publish")  # not the function
CONFIG = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
SECRET = "STREAMLIT_SERVER_COOKIE_SECRET"
HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
)


# --------------------------------------------------------------------------- Streamlit


def test_the_shipped_config_makes_the_server_enforce_the_limits():
    server = CONFIG["server"]
    # The browser's cap (st.file_uploader max_upload_size) and the server's agree.
    assert server["maxUploadSize"] == UPLOAD_LIMIT_MB
    # A WebSocket frame is refused before it is buffered; 200 MB is Streamlit's default.
    assert 0 < server["maxMessageSize"] <= 30
    # DNS rebinding: a Host allow-list, with loopback kept for make run and the tests.
    assert {"localhost", "127.0.0.1"} <= set(server["allowedHosts"])
    assert "*" not in server["allowedHosts"]
    assert CONFIG["client"]["showErrorDetails"] == "none"


# --------------------------------------------------------------------------- nginx


@pytest.fixture(scope="module")
def nginx_conf(tmp_path_factory) -> str:
    prefix = tmp_path_factory.mktemp("nginx")
    return render_config(listen_port=8080, replica_ports=[8601, 8602], prefix=prefix)


def _server_level(config: str) -> str:
    """The first server block's own lines, without its locations and comments."""
    body = config[config.index("    server {") :]
    body = re.sub(r"#.*", "", body)
    return re.sub(r"\n        location [^{]*\{.*?\n        \}", "", body, flags=re.S)


def _location(config: str, head: str) -> str:
    start = config.index(f"location {head} {{")
    return config[start : config.index("\n        }", start)]


def test_the_security_headers_are_sent_on_every_response(nginx_conf):
    server = _server_level(nginx_conf)
    for name in HEADERS:
        assert re.search(rf"^\s*add_header {name} .* always;$", server, re.M), name
    # A location with an add_header of its own would drop every one of them.
    assert "add_header" not in re.sub(r"#.*", "", nginx_conf[len(nginx_conf) - len(server) :])
    locations = re.findall(r"\n        location [^{]*\{(.*?)\n        \}", nginx_conf, re.S)
    assert locations and not any("add_header" in body for body in locations)
    csp = re.search(r'add_header Content-Security-Policy "([^"]+)"', server).group(1)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "'unsafe-eval'" in directives["script-src"]  # streamlit-folium evaluates the map
    assert directives["frame-ancestors"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["default-src"] == "'self'" and directives["connect-src"] == "'self'"
    # Images from the opt-in tile servers, named in geodata/, and nowhere else.
    assert directives["img-src"].split() == ["'self'", "data:", "blob:", *tile_origins()]
    assert tile_origins() == ["https://tile.openstreetmap.org", "https://server.arcgisonline.com"]


def test_limits_guard_the_websocket_new_sessions_and_uploads(nginx_conf):
    stream = _location(nginx_conf, "= /_stcore/stream")
    assert re.search(r"limit_conn atlas_streams \d+;", stream)
    assert re.search(r"limit_req zone=atlas_new_streams burst=\d+ nodelay;", stream)
    upload = _location(nginx_conf, "^~ /_stcore/upload_file/")
    assert re.search(r"limit_req zone=atlas_uploads burst=\d+ nodelay;", upload)
    assert re.search(r"limit_conn atlas_upload_conns \d+;", upload)
    assert re.search(r"limit_req zone=atlas_pages ", _location(nginx_conf, "= /"))
    for zone in ("atlas_new_streams", "atlas_pages", "atlas_uploads"):
        assert re.search(rf"limit_req_zone \$binary_remote_addr zone={zone}:\w+ rate=", nginx_conf)
    assert "limit_req_status 429;" in nginx_conf and "limit_conn_status 429;" in nginx_conf


def test_internal_endpoints_are_not_served(nginx_conf):
    hidden = _location(nginx_conf, "~ ^/_stcore/(metrics|agent)(/|$)")
    assert "return 404;" in hidden and "proxy_pass" not in hidden
    pattern = re.compile(r"^/_stcore/(metrics|agent)(/|$)")
    for path in ("/_stcore/metrics", "/_stcore/agent/openapi.json", "/_stcore/agent"):
        assert pattern.search(path)
    assert not pattern.search("/_stcore/health") and not pattern.search("/_stcore/stream")


def test_the_access_log_names_no_session_no_upload_and_no_query(nginx_conf):
    log_format = re.search(r"log_format atlas escape=json(.*?);\n", nginx_conf, re.S).group(1)
    assert "$request_uri" not in log_format and "$args" not in log_format
    assert not re.search(r"\$request[^_]", log_format)  # the raw request line
    assert "$atlas_log_path" in log_format and "$remote_addr" not in log_format
    mapping = re.search(r"map \$uri \$atlas_log_path \{(.*?)\}", nginx_conf, re.S).group(1)
    assert '"~^/_stcore/upload_file/" "/_stcore/upload_file/[redacted]";' in mapping
    assert '"~^/media/" "/media/[redacted]";' in mapping


def test_the_template_has_a_tls_server_with_hsts_and_secure_cookies(nginx_conf):
    tls = nginx_conf[nginx_conf.index("# ---- TLS") :]
    assert all(
        line.strip().startswith("#") or line.strip() in ("", "}") for line in tls.split("\n")
    )
    for needle in (
        "listen 443 ssl;",
        'add_header Strict-Transport-Security "max-age=31536000" always;',
        "proxy_cookie_flags ~ secure",
        "return 301 https://",
    ):
        assert needle in tls, needle
    assert re.search(r'https "; Secure";', nginx_conf)  # the replica cookie on https


@pytest.mark.skipif(find_nginx() is None, reason="nginx not installed (make nginx)")
def test_nginx_accepts_the_rendered_template(tmp_path):
    config = tmp_path / "nginx.conf"
    config.write_text(
        render_config(listen_port=8080, replica_ports=[8601], prefix=tmp_path), encoding="utf-8"
    )
    done = subprocess.run(
        [find_nginx(), "-t", "-q", "-p", f"{tmp_path}/", "-e", str(tmp_path / "e.log"),
         "-c", str(config)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


# --------------------------------------------------------------------------- Dockerfile


def test_the_image_never_holds_secrets_and_runs_the_shipped_config():
    text = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    copies = re.findall(r"^COPY\s+(\S+)", text, re.M)
    assert ".streamlit/config.toml" in copies
    assert not [c for c in copies if c.rstrip("/") in (".streamlit", ".")], copies
    ignored = (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".streamlit/secrets.toml", "**/secrets.toml"} <= set(ignored)
    # The shipped limits are in force: nothing on the command line or in ENV overrides them.
    cmd = re.search(r"^CMD\s+(\[.*\])\s*$", text, re.M).group(1)
    for option in ("maxUploadSize", "maxMessageSize", "allowedHosts", "showErrorDetails"):
        assert option not in cmd
    env = re.sub(r"(?m)^#.*\n", "", text)
    assert not re.search(r"STREAMLIT_(SERVER|CLIENT)_\w+\s*=", env)
    # A base image by exact version; no digest until someone has seen the real one.
    assert re.search(r"^FROM python:3\.11\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?$", text, re.M)
    assert re.search(r"^HEALTHCHECK .*--retries=(\d{2,})", text, re.M)


# --------------------------------------------------------------------------- parse worker


def test_the_parse_worker_environment_holds_no_secret():
    parent = {
        SECRET: "s3cret",
        "AWS_SECRET_ACCESS_KEY": "x",
        "HOME": "/root",
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONPATH": "/elsewhere",
    }
    env = worker_env(parent)
    assert env == {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONPATH": f"{REPO_ROOT}:/elsewhere",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def test_the_worker_parses_with_only_that_environment(monkeypatch):
    """End to end: a file read in the worker while the server's environment holds a secret;
    the worker gets none of it and still reads the file."""
    monkeypatch.setenv(SECRET, "s3cret-for-the-test")
    seen: list[dict[str, str]] = []
    real_run = subprocess.run

    def spy(command, *args, **kwargs):
        if command[1:4] == ["-m", "layers.extra", "--worker"]:
            seen.append(kwargs["env"])
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(extra_read.subprocess, "run", spy)
    read = extra.read_extra(synthetic_points(50, seed=3), "w.geojson", isolate=True)
    assert read.kind == "plain" and read.problems == ()
    [env] = seen
    assert SECRET not in env and "s3cret-for-the-test" not in env.values()
    assert set(env) <= {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONUTF8", "PYTHONPATH",
                        "PYTHONDONTWRITEBYTECODE"}  # fmt: skip
    assert sys.executable  # the worker is this interpreter, found without the environment


# --------------------------------------------------------------------------- served folder


def test_published_files_are_written_outside_the_served_folder(tmp_path, monkeypatch):
    static = tmp_path / "static"
    renames: list[tuple[Path, Path]] = []
    real_replace = publish_module.os.replace

    def spy(src, dst):
        renames.append((Path(src), Path(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", spy)
    plain = extra.read_extra(synthetic_points(20, seed=1), "pub.geojson").plain
    published, problems = extra.publish(plain, static)
    assert problems == [] and published is not None and len(renames) == 2
    for src, dst in renames:
        assert dst.parent == static / PUBLISH_SUBDIR
        assert src.parent == tmp_path / WORK_SUBDIR  # beside static/, not inside it
        assert not src.exists() and dst.is_file()
    names = {Path(url).name for url in (published.points_url, published.props_url)}
    assert {p.name for p in (static / PUBLISH_SUBDIR).iterdir()} == names | {".gitignore"}
    assert list((tmp_path / WORK_SUBDIR).iterdir()) == []


def test_pruning_removes_stale_and_temporary_files_but_keeps_current_ones(tmp_path):
    static = tmp_path / "static"
    folder = tmp_path / "layers"
    folder.mkdir()
    (folder / "a.geojson").write_bytes(synthetic_points(5, seed=5))
    served = static / PUBLISH_SUBDIR
    served.mkdir(parents=True)
    leftovers = ["0e4991c1c89bed99951e.points.json", ".abc.points.json.4242.tmp", "notes.txt"]
    for name in leftovers:
        (served / name).write_text("old")
    published, problems = extra.publish_all(extra.load_extra_folder(folder), static)
    assert problems == []
    [layer] = published.values()
    current = {Path(u).name for u in (layer.points_url, layer.props_url)}
    assert {p.name for p in served.iterdir()} == current | {".gitignore"}
    # No folder at all: nothing of it is served any more.
    extra.publish_all(extra.ExtraLayers(), static)
    assert [p.name for p in served.iterdir()] == [".gitignore"]

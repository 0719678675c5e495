"""Run N replicas of the atlas behind a private nginx on loopback, with sticky sessions.

    .venv/bin/python -m deploy.replicas --replicas 2 --port 8501     # or: make serve-replicas

Starts ``streamlit run app.py`` N times on free loopback ports (all with the same
``STREAMLIT_SERVER_COOKIE_SECRET`` and the same class store folder, ``ATLAS_CLASS_DIR``),
renders ``deploy/nginx.conf`` into a working folder and runs
``nginx -p DIR -c DIR/nginx.conf -g 'daemon off;'`` listening on 127.0.0.1:PORT. Nothing
is installed or changed outside the working folder (and the class store's), and the system
nginx service is not used. Ctrl-C (or SIGTERM) stops everything.

The same class drives ``tests/browser/test_scale_out.py``:

    with Deployment(replicas=2) as deployment:
        deployment.url            # http://127.0.0.1:PORT through nginx
        deployment.access_log     # one JSON object per request (see read_access_log)
        deployment.stop_replica(0)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from deploy.loopback import LOOPBACK, free_port, stop_process_group, wait_healthy
from layers.state.classroom import ENV as CLASS_DIR_ENV
from layers.state.classroom import default_dir as class_store_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
COOKIE = "atlas_replica"
START_TIMEOUT_S = float(os.environ.get("STREAMLIT_START_TIMEOUT", "60"))
PLACEHOLDER = re.compile(r"@[A-Z_]+@")


def find_nginx() -> str | None:
    """Path of the nginx binary (Debian's package puts it in /usr/sbin), or None."""
    for candidate in NGINX_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("nginx")


def upload_limit_mb() -> int:
    from layers.extra import UPLOAD_LIMIT_MB  # the limit st.file_uploader enforces

    return UPLOAD_LIMIT_MB


def tile_origins(path: Path | None = None) -> list[str]:
    """The origins of the opt-in online tile layers (geodata/basemap/online-tiles.json):
    the Content-Security-Policy lets the map load images from them and nowhere else."""
    if path is None:
        from layers.map.basemap import ONLINE_TILES_FILE as path
    layers = json.loads(Path(path).read_text(encoding="utf-8"))["layers"]
    origins = []
    for entry in layers:
        parts = urlsplit(entry["url"])
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError(f"online tile URL is not https: {entry['url']!r}")
        origin = f"https://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins


def replica_name(index: int) -> str:
    """Cookie value for replica ``index`` (0-based): r1, r2, ..."""
    return f"r{index + 1}"


def replica_command(port: int, script: str = "app.py", address: str = LOOPBACK) -> list[str]:
    """The command of one replica; the Dockerfile's CMD is the same with 0.0.0.0:8501."""
    return [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.address", address,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip


def render_config(
    *,
    listen_port: int,
    replica_ports: Sequence[int],
    prefix: Path | str,
    upload_mb: int | None = None,
    template: str | None = None,
) -> str:
    """``deploy/nginx.conf`` with its placeholders filled in."""
    if not replica_ports:
        raise ValueError("at least one replica port is needed")
    upload_mb = upload_limit_mb() if upload_mb is None else upload_mb
    addresses = [f"{LOOPBACK}:{port}" for port in replica_ports]
    blocks = ["    upstream atlas_any {", "        zone atlas_any 64k;"]
    blocks += [f"        server {address};" for address in addresses]
    blocks.append("    }")
    for i, address in enumerate(addresses):
        name = replica_name(i)
        blocks += [f"    upstream atlas_{name} {{", f"        zone atlas_{name} 64k;"]
        blocks.append(f"        server {address};")
        blocks += [f"        server {other} backup;" for other in addresses if other != address]
        blocks.append("    }")
    routes = [f"        {replica_name(i)} atlas_{replica_name(i)};" for i in range(len(addresses))]
    served = [
        f'        "~(^|[ ,]){re.escape(address)}$" {replica_name(i)};'
        for i, address in enumerate(addresses)
    ]
    values = {
        "@PREFIX@": str(prefix),
        "@LISTEN@": f"{LOOPBACK}:{listen_port}",
        "@UPLOAD_MB@": str(upload_mb),
        "@MAX_BODY_MB@": str(upload_mb + 1),
        "@UPSTREAMS@": "\n".join(blocks),
        "@COOKIE_ROUTES@": "\n".join(routes),
        "@SERVED_BY@": "\n".join(served),
        "@TILE_ORIGINS@": "".join(f" {origin}" for origin in tile_origins()),
    }
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    text = PLACEHOLDER.sub(lambda m: values.get(m.group(0), m.group(0)), text)
    left = sorted(set(PLACEHOLDER.findall(text)))
    if left:
        raise ValueError(f"unfilled placeholders in the nginx template: {', '.join(left)}")
    return text


def read_access_log(path: Path | str) -> list[dict]:
    """The access log's entries (one JSON object a line; a half-written last line is skipped)."""
    entries = []
    with contextlib.suppress(FileNotFoundError):
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(json.JSONDecodeError):
                entries.append(json.loads(line))
    return entries


def private_file(path: Path) -> Path:
    """Create ``path`` (empty) readable and writable by its owner only, or narrow it to
    that: a log that holds request lines is nobody else's business (nginx would create
    it 0644)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    path.chmod(0o600)
    return path


class _Process:
    """A child in its own process group, its output in a log file (owner-only)."""

    def __init__(self, name: str, command: list[str], log: Path, **popen) -> None:
        self.name, self.command, self.log = name, command, log
        with open(private_file(log), "ab") as out:
            self.proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **popen,
            )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, first: int = signal.SIGTERM) -> None:
        stop_process_group(self.proc, first=first)


class Deployment:
    """N Streamlit replicas of ``script`` and nginx in front of them, all on loopback."""

    def __init__(
        self,
        replicas: int = 2,
        *,
        port: int | None = None,
        script: str = "app.py",
        cwd: Path | str = REPO_ROOT,
        env: Mapping[str, str] | None = None,
        workdir: Path | str | None = None,
        nginx: str | None = None,
    ) -> None:
        if replicas < 1:
            raise ValueError("replicas must be at least 1")
        self.cwd = Path(cwd)
        self.script = script
        self.port = port or free_port()
        self.replica_ports = [free_port() for _ in range(replicas)]
        while len(set(self.replica_ports + [self.port])) != replicas + 1:
            self.replica_ports = [free_port() for _ in range(replicas)]
        self.nginx = nginx or find_nginx()
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="atlas-replicas-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Every replica signs cookies (the XSRF token) with the same secret, so a browser
        # that fails over to another replica keeps working.
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        if not self.env.get("STREAMLIT_SERVER_COOKIE_SECRET"):
            self.env["STREAMLIT_SERVER_COOKIE_SECRET"] = secrets.token_hex(32)
        # Every replica opens the same class store (a presenter and the class's audience
        # may be served by different replicas): one absolute folder for all of them.
        self.env[CLASS_DIR_ENV] = str(class_store_dir(self.env).absolute())
        self.replicas: list[_Process | None] = [None] * replicas
        self.proxy: _Process | None = None

    # ------------------------------------------------------------------ paths

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def config(self) -> Path:
        return self.workdir / "nginx.conf"

    @property
    def access_log(self) -> Path:
        return self.workdir / "access.log"

    @property
    def error_log(self) -> Path:
        return self.workdir / "error.log"

    def replica_address(self, index: int) -> str:
        return f"{LOOPBACK}:{self.replica_ports[index]}"

    def access_entries(self) -> list[dict]:
        return read_access_log(self.access_log)

    # ------------------------------------------------------------------ start / stop

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        """Start the replicas and nginx; return the URL once it answers through nginx."""
        if self.nginx is None:
            raise FileNotFoundError(
                "nginx not found: install Debian's nginx (`make nginx`, "
                "or `apt-get install -y nginx`)"
            )
        try:
            for i, port in enumerate(self.replica_ports):
                self.replicas[i] = _Process(
                    f"replica {replica_name(i)}",
                    replica_command(port, self.script),
                    self.workdir / f"replica-{replica_name(i)}.log",
                    cwd=self.cwd,
                    env=self.env,
                )
            deadline = time.monotonic() + timeout
            for i, port in enumerate(self.replica_ports):
                self._wait_healthy(f"http://{LOOPBACK}:{port}", self.replicas[i], deadline)
            self._start_nginx()
            self._wait_healthy(self.url, self.proxy, time.monotonic() + 15)
        except BaseException:
            self.stop()
            raise
        return self.url

    def _start_nginx(self) -> None:
        if os.geteuid() == 0 and self._own_workdir:
            # nginx's workers drop to "nobody": let them reach the temp folders inside.
            self.workdir.chmod(0o711)
        self.config.write_text(
            render_config(
                listen_port=self.port, replica_ports=self.replica_ports, prefix=self.workdir
            ),
            encoding="utf-8",
        )
        for log in (self.access_log, self.error_log):
            private_file(log)  # before nginx opens them; umask 077 for anything else
        prefix = str(self.workdir) + "/"
        base = [self.nginx, "-p", prefix, "-e", str(self.error_log), "-c", str(self.config)]
        check = subprocess.run(
            [*base, "-t", "-q"], capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx rejected {self.config}:\n{check.stderr}{check.stdout}")
        self.proxy = _Process(
            "nginx", [*base, "-g", "daemon off;"], self.workdir / "nginx.out", umask=0o077
        )

    def _wait_healthy(self, base_url: str, process: _Process | None, deadline: float) -> None:
        def exited() -> str | None:
            if process is None or process.alive():
                return None
            return (
                f"{process.name} exited with code {process.proc.returncode}.\n"
                f"command: {' '.join(process.command)}\n--- output ---\n{process.output()}"
                + self._error_log_tail()
            )

        try:
            wait_healthy(f"{base_url}/_stcore/health", deadline, exited)
        except TimeoutError as exc:
            name = process.name if process else base_url
            output = process.output() if process else ""
            raise TimeoutError(
                f"{name} {exc}.\n--- output ---\n{output}" + self._error_log_tail()
            ) from None

    def _error_log_tail(self) -> str:
        if not self.error_log.exists():
            return ""
        lines = self.error_log.read_text(errors="replace").splitlines()[-20:]
        return "\n--- nginx error.log ---\n" + "\n".join(lines)

    def stop_replica(self, index: int) -> None:
        """Stop one replica (nginx then fails its sessions over to the others)."""
        process, self.replicas[index] = self.replicas[index], None
        if process is not None:
            process.stop()

    def stop(self) -> None:
        proxy, self.proxy = self.proxy, None
        if proxy is not None:
            proxy.stop(signal.SIGQUIT)  # graceful: finish the log lines
        replicas, self.replicas = self.replicas, [None] * len(self.replicas)
        stop_process_group(*(process.proc for process in replicas if process is not None))

    def cleanup(self) -> None:
        """Stop everything and remove the working folder if this object made it."""
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Deployment:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cleanup()


# ---------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.replicas",
        description="Serve N replicas of the atlas behind nginx on 127.0.0.1 (sticky sessions).",
    )
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="nginx port (default 8501)")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep config, logs and pid here (default: a temporary folder, removed at exit)",
    )
    args = parser.parse_args(argv)

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    deployment = Deployment(args.replicas, port=args.port, workdir=args.workdir)
    try:
        deployment.start()
        print(f"Atlas: {deployment.url}  (nginx, loopback only)", flush=True)
        for i in range(args.replicas):
            print(f"  replica {replica_name(i)}: {deployment.replica_address(i)}", flush=True)
        kept = "kept" if args.workdir else "removed at exit"
        print(f"  config and logs: {deployment.workdir} ({kept})", flush=True)
        print(f"  class store (every replica): {deployment.env[CLASS_DIR_ENV]}", flush=True)
        print("Ctrl-C stops everything.", flush=True)
        while True:
            processes = [deployment.proxy, *deployment.replicas]
            dead = [p.name for p in processes if p is not None and not p.alive()]
            if dead:
                print(f"error: {', '.join(dead)} exited; stopping", file=sys.stderr)
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        deployment.cleanup()


if __name__ == "__main__":
    sys.exit(main())

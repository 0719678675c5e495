# One replica of the DPRK–Syria Atlas: `streamlit run app.py` on 0.0.0.0:8501.
#
#   docker build -t dprk-syria-atlas .
#   docker run --rm -p 8501:8501 dprk-syria-atlas
#
# To scale out, run several containers of this image behind a load balancer with
# cookie affinity (sticky sessions) and WebSocket support, all with the same
# STREAMLIT_SERVER_COOKIE_SECRET: see deploy/README.md. The command is the one
# deploy/replicas.py runs for each replica behind nginx (tests/test_scale_out.py checks
# that they agree). Written without a Docker engine at hand: not built by CI.
#
# The base image is pinned to the exact Python the test suite runs on (3.11.7) and the
# Debian release (bookworm), not a moving tag. It is NOT yet pinned by digest: no
# registry that serves it was reachable where this was written, and a digest must never
# be guessed. Whoever can pull it: `docker pull python:3.11.7-slim-bookworm`, then
# `docker inspect --format '{{index .RepoDigests 0}}' python:3.11.7-slim-bookworm`, and
# write the result here as FROM python:3.11.7-slim-bookworm@sha256:<digest>. Move to a
# newer 3.11 patch (security fixes) on purpose, re-running the suite, with its digest.
FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The runtime packages only (no test tools), at the versions the suite was run with:
# requirements-dev.txt serves as constraints only. The wheels bring GDAL and PROJ.
COPY requirements.txt requirements-dev.txt ./
RUN python -m pip install --no-input -r requirements.txt -c requirements-dev.txt

RUN useradd --create-home --uid 10001 --user-group atlas

# The app, its configuration and its data; all read-only to the app user. Only the
# shipped config.toml: never a developer's .streamlit/secrets.toml (.dockerignore keeps
# it out of the build context too). Its [server] limits (maxUploadSize, maxMessageSize,
# allowedHosts) and showErrorDetails are what this container enforces; nothing below
# overrides them. allowedHosts lists loopback only: set the public name(s) at run time,
#   docker run -e STREAMLIT_SERVER_ALLOWED_HOSTS="atlas.example.org localhost" ...
# or the browser's WebSocket is refused (403) under any other Host.
COPY .streamlit/config.toml .streamlit/config.toml
COPY app.py ./
COPY layers/ layers/
COPY views/ views/
COPY geodata/ geodata/
COPY static/ static/
# The folders the app writes: layers from ATLAS_EXTRA_LAYERS, published for the map
# (without it they are sent inline, which is slower for large layers), and beside
# static/ the private folder their files are written in before they are renamed into
# place (layers/extra/publish.py WORK_SUBDIR), so no temporary file is ever served.
RUN mkdir -p static/extra-layers .extra-layers-tmp \
    && chown atlas:atlas static/extra-layers .extra-layers-tmp \
    && chmod 0700 .extra-layers-tmp

USER atlas
EXPOSE 8501
# Tolerant: a replica busy with a burst of work answers late, and restarting it would end
# every session on it. Unhealthy only after about 5 minutes without an answer (10 tries,
# 30 s apart, 10 s each); see deploy/README.md for orchestrator probes.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=10 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=9).status != 200)"]
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true", "--server.fileWatcherType", "none"]

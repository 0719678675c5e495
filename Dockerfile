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
FROM python:3.11-slim

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

# The app, its configuration and its data; all read-only to the app user.
COPY .streamlit/ .streamlit/
COPY app.py ./
COPY layers/ layers/
COPY views/ views/
COPY geodata/ geodata/
COPY static/ static/
# The one folder the app writes: layers from ATLAS_EXTRA_LAYERS, published for the map
# (without it they are sent inline, which is slower for large layers).
RUN mkdir -p static/extra-layers && chown atlas:atlas static/extra-layers

USER atlas
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true", "--server.fileWatcherType", "none"]

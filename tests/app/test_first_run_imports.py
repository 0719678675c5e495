"""The first run of the page after a server start imports only what the page draws: the
writers behind the download buttons (GDAL via pyogrio and geopandas, matplotlib for the
figure, python-pptx for slides) load when a file is made. Together they took about a second
of the first load (issue #12: the first load after a server start, against the bare page)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "geopandas", "pyogrio", "shapely", "pptx")


def test_the_first_run_of_the_map_page_loads_no_file_writer():
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py', default_timeout=120).run()\n"
        "assert not at.exception, at.exception\n"
        "assert at.get('component_instance'), 'the map was not drawn'\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout

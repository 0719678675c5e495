"""AppTest runs the page in this process, one run straight after another: the per-session
rerun throttle (layers/ui/rerun_throttle.py, 4 runs a second after a burst of 5) would
space them out on purpose. It is lifted here, so these tests measure behaviour, not the
throttle; tests/unit/test_load_limits.py and tests/browser/test_hostile_load.py test it.

What the page keeps per atlas (layers/state/memo.py) is forgotten before each test, so a test
that breaks a renderer sees it called."""

from __future__ import annotations

import pytest

from layers.state import memo
from layers.ui import rerun_throttle


@pytest.fixture(autouse=True)
def no_rerun_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rerun_throttle, "RUNS_PER_S", 1e9)


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    memo.clear()

"""The environment of the parse worker (``python -m layers.extra --worker``): the few
variables Python needs, nothing else.

Why: the worker is the one process that parses hostile input. Inheriting the server's
environment would hand it every secret there, ``STREAMLIT_SERVER_COOKIE_SECRET`` (which
signs the XSRF cookie) included. It reads bytes from stdin (or one path) and writes a
pickle to stdout, so it needs the interpreter, this repository on its path and a locale.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from layers.paths import REPO_ROOT

#: Passed through when set: how to find programs and which locale and time zone to use.
PASSED_THROUGH = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONUTF8")


def worker_env(parent: Mapping[str, str] | None = None) -> dict[str, str]:
    """The worker's whole environment, built from ``parent`` (default: ``os.environ``)."""
    parent = os.environ if parent is None else parent
    env = {name: parent[name] for name in PASSED_THROUGH if name in parent}
    env.setdefault("PATH", os.defpath)
    # The parent's own PYTHONPATH (a test run, an unusual install) after this repository.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), parent.get("PYTHONPATH")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env

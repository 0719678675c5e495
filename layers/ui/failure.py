"""What a reader sees when a page fails: a short message in plain words and a way to go on,
never a traceback or a server path (those go to the server log, for whoever runs it).

Streamlit's own error box is also stripped of details by the shipped config
(``client.showErrorDetails = "none"``); this guard replaces it with words a reader can act
on. Streamlit's control flow (rerun, stop) derives from BaseException and passes through.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

LOG = logging.getLogger("atlas")
MESSAGE = (
    "Something went wrong on this page, and it could not be drawn in full. Nothing you "
    "uploaded or chose was sent anywhere. Open the atlas afresh to go on; if it happens "
    "again, give whoever runs this atlas the reference {ref}."
)


@contextmanager
def guarded_page() -> Iterator[None]:
    """Run a page; on any error, log it with a reference and show the reader the message."""
    try:
        yield
    except Exception:
        ref = uuid.uuid4().hex[:8]
        LOG.exception("page failed (reference %s)", ref)
        st.error(MESSAGE.format(ref=ref), icon=":material/error:")
        st.link_button("Open the atlas afresh", "./", icon=":material/refresh:")

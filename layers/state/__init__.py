"""The view's state: session keys, the URL codec, the lesson player, selection, playback.

Functions here work on a plain mapping (Streamlit's session state in the app), so they
are tested without Streamlit; none imports it."""

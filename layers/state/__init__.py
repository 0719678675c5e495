"""The view's state: session keys, the URL codec, the lesson player, selection, playback,
and the store a class follows its presenter through (classroom, the one shared between
sessions and processes).

Functions here work on a plain mapping (Streamlit's session state in the app), so they
are tested without Streamlit; none imports it."""

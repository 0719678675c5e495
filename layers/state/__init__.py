"""The view's state: session keys, the URL codec, the lesson player, selection, playback,
and a class that follows its presenter (follow; its store, classroom, is the one state
shared between sessions and processes).

Functions here work on a plain mapping (Streamlit's session state in the app), so they
are tested without Streamlit; none imports it."""

"""Every session-state key of the app, in one place.

The view's state lives in Streamlit's session state (a plain mapping in tests). Keys
used to be defined beside each feature, in six modules, and drifted; this registry is
the one list. `layers.state.view` maps the view's keys to a `View` and back.
"""

from __future__ import annotations

# --- the view (see layers.data.view.View; the session codec is layers.state.view) -------
LAYER_PREFIX = "layer-"  # + layer id: that layer's checkbox
SYRIA_WIDE_KEY = "syria-wide"
YEARS_KEY = "years"
LINKS_KEY = "links"
GRADES_KEY = "grades"
GRADE_BASIS_KEY = "grade-basis"
ENTITIES_KEY = "entities"  # the entity filter (multiselect): events naming one of these
BASEMAP_KEY = "basemap"
SITE_KEY = "site"  # the site in the detail panel
ENTITY_KEY = "entity"  # the entity in the detail panel
EVENT_CARD_KEY = "event-card"  # the event in the detail panel (a search result, a claim)
SOURCE_CARD_KEY = "source-card"  # the source in the detail panel
LESSON_KEY = "lesson"  # the lesson being presented (also the sidebar's lesson box)
STEP_KEY = "lesson-step"
CENTER_KEY = "map-center"  # the last view the page moved the map to: (lat, lon) ...
ZOOM_KEY = "map-zoom"  # ... and zoom
FLY_KEY = "fly-to"  # (lat, lon, zoom) the map should move to; kept until the next move

# --- presenting --------------------------------------------------------------------------
PROJECTOR_KEY = "projector"
BEFORE_LESSON_KEY = "_view-before-lesson"  # the View to restore when the lesson is left
URL_APPLIED_KEY = "_url-applied"  # the URL is read on a session's first run only
URL_NOTICES_KEY = "url-notices"  # kept for the session: vanishing notices would shift the map

# --- a class following its presenter (layers.state.classroom, layers.ui.classroom) ----------
CLASS_LEAD_KEY = "_class-lead"  # the presenter's Lead (code and key) while a class runs
CLASS_SENT_KEY = "_class-sent"  # the (lesson, step) last written to the class
CLASS_NOTICE_KEY = "_class-notice"  # why starting or moving the class failed, in words
CLASS_RESUMED_KEY = "_class-resumed"  # the browser's class cookie has been looked at
CLASS_FORGET_COOKIE_KEY = "_class-forget-cookie"  # the class ended: the cookie goes too
LESSON_CLOCK_KEY = "_lesson-clock"  # (lesson id, wall time it started) for the presenter's timer
FOLLOW_KEY = "_follow"  # the code of the class this session follows (the audience)
FOLLOW_ENDED_KEY = "_follow-ended"  # the code of a class that ended while followed

# --- the lesson editor (layers.state.lesson_draft, layers.ui.lesson_editor) ---------------
DRAFT_KEY = "_lesson-draft"  # the lesson being written (a Draft)
EDITING_KEY = "_lesson-editing"  # the step open in the editor: (index or None for a new one, step)
OPENED_LESSONS_KEY = "_lessons-opened"  # lessons opened from files, this session only: id -> Lesson
PREVIEW_LESSON_KEY = "_lesson-preview"  # the draft as a lesson, while it is previewed
EDITOR_NOTES_KEY = "_lesson-editor-notes"  # [(severity, words)] from the editor's last action
EDITOR_SHOWN_KEY = "_lesson-editor-shown"  # the editor's toggle, kept while it is not drawn
OPENED_FILES_KEY = "_lesson-files-read"  # upload file id -> (lesson id or None, problems)
EDITOR_PREFIX = "editor-"  # + field: the editor's widgets (title, audience, step-text, ...)

# --- playback ------------------------------------------------------------------------------
PLAYING_KEY = "playing"
PLAY_YEAR_KEY = "play-year"  # the year with events being shown
PLAY_FROM_KEY = "play-from"  # the years before playing, put back when it ends
PLAY_NOTE_KEY = "play-note"  # "1967–1996: no event": the empty years just passed
SPEED_KEY = "play-speed"
LAST_TICK_KEY = "_play-last-tick"

# --- widgets and components ----------------------------------------------------------------
SEARCH_KEY = "search"
MAP_KEY = "map"
EVENTS_VIEW_KEY = "events-view"
SORTABLE_TABLE = "Sortable table"  # the events view whose picked rows ring their sites
LAST_MAP_CLICK_KEY = "_last_map_click"
MAP_GENERATION_KEY = "_map-generation"  # bumped to forget a stale click (selection.py)
UPLOAD_KEY = "uploads"
PARSED_UPLOADS_KEY = "_uploads-parsed"
MERGED_ATLAS_KEY = "_uploads-merged-atlas"  # (what was merged, the merged atlas)
PLAIN_PREFIX = "plain-"  # + extra layer id: that plain layer's checkbox
ONLY_PREFIX = "only-"  # + a filter's key: its "only one ..." box

# --- figures and slides (layers.ui.figure_download) ---------------------------------------
FIGURE_FORMAT_KEY = "figure-format"
FIGURE_SIZE_KEY = "figure-size"


def editor_key(field: str) -> str:
    return f"{EDITOR_PREFIX}{field}"


def layer_key(layer_id: str) -> str:
    return f"{LAYER_PREFIX}{layer_id}"


def plain_layer_key(layer_id: str) -> str:
    return f"{PLAIN_PREFIX}{layer_id}"


def only_key(filter_key: str) -> str:
    return f"{ONLY_PREFIX}{filter_key}"

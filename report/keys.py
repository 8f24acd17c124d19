"""Every URL parameter and session-state key of the dashboard, named once. The URL keys are a
public contract (links in reports and e-mails carry them), so they are Norwegian words that do
not change with the language; a breakdown's filter is its column name (`filter_key`). The
dashboard and the tests use these names; no page spells a key itself. No Streamlit.
"""

from __future__ import annotations

# ---------------------------------------------------------------- URL parameters (the sidebar)
LANGUAGE_KEY = "lang"
BREAKDOWN_KEY = "inndeling"
FOCUS_KEY = "fokus"
DISPLAY_KEY = "visning"
DENOMINATOR_KEY = "nevner"
EXPLORE_ITEM_KEY = "sporsmal"  # Utforsk's item
ROUNDS_ITEM_KEY = "endring_sporsmal"  # Utvikling's item
WEIGHTING_KEY = "vekting"  # the comparisons' weighting toggle
FIXED_KEYS = (LANGUAGE_KEY, BREAKDOWN_KEY, FOCUS_KEY, DISPLAY_KEY, DENOMINATOR_KEY, EXPLORE_ITEM_KEY)

# ------------------------------------------------------- URL parameters (presentation, workshop)
PRESENTATION_PARAM = "presentasjon"
SLIDE_PARAM = "lysbilde"
SECTOR_KEY = "sektor"  # Prioriteringer's sector filter (its labels follow the language)
CODE_PARAM = "kode"  # a workshop session's code
GROUP_PARAM = "gruppe"  # a participant's group
SPLIT_PARAM = "kvadrant"
SOURCE_PARAM = "okt"  # Prioriteringer: a closed live session instead of the bundled workshop
DEVICE_PARAM = "enhet"
QR_PARAM = "qr"

# ------------------------------------------------------------------ session state (server side)
NOTICES_KEY = "_url_notices"
TOGGLE_KEY = "_presentation"
VIEW_KEY = "_view"
SOURCE_STATE_KEY = "data_source"
UPLOAD_RESULT_KEY = "_upload_result"  # the last parsed upload of this session (an `Upload`)
PIN_STATE = "_workshop_facilitator_pin"  # server-side session state only
FLASH_KEY = "_workshop_flash"  # the facilitator's last action's outcome, shown once
DEVICE_STATE_KEY = "_workshop_device"


def filter_key(column: str) -> str:
    """URL parameter of a breakdown's filter: its column name unless that clashes with ours."""
    return f"filter_{column}" if column in FIXED_KEYS else column

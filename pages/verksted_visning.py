"""Verksted – visning: the projector view of a live session (`?kode=` the session's join code).

No sidebar, no survey banner: the whole matrix and the ranked list side by side at 1920×1080,
how many groups have delivered, and the join QR code with the short code in a corner. It
rereads the scores by itself every few seconds (`st.fragment(run_every=...)`), without a page
reload. The same view is presentation mode's live slide (`dashboard.workshop_room.projector`).
"""

from dashboard import workshop_room as room

language, bar = room.room_frame()
store, access = room.room_access(language, "verksted_visning-code")
room.projector(store, access.session, language, controls=bar)

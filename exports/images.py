"""Chart images (PNG, SVG) through kaleido and the system Chromium, one browser kept alive.

Starting Chromium costs about two seconds; kaleido's sync server keeps one running for the
life of the process, so every later export takes a fraction of that. kaleido finds Debian's
Chromium by itself; `BROWSER_PATH` overrides it.
"""

from __future__ import annotations

import atexit
import threading

import plotly.graph_objects as go

FORMATS = ("png", "svg")
_lock = threading.Lock()
_started = False


def _ensure_server() -> None:
    global _started
    with _lock:
        if not _started:
            import kaleido

            kaleido.start_sync_server(silence_warnings=True)
            atexit.register(kaleido.stop_sync_server, silence_warnings=True)
            _started = True


def figure_image(figure: go.Figure, fmt: str = "png", width: int = 1600, height: int = 900, scale: float = 1) -> bytes:
    """The figure as PNG or SVG bytes at `width` × `height` CSS pixels (× `scale` for PNG)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    import kaleido

    _ensure_server()
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    with _lock:
        return kaleido.calc_fig_sync(figure, opts=opts)

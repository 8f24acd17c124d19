"""Chart images through kaleido and Debian's Chromium: right format, right size, and one
browser reused across exports."""

import struct

import plotly.graph_objects as go
import pytest

from exports.images import figure_image

pytestmark = pytest.mark.browser  # needs Chromium, like the real-browser tests


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def figure():
    return go.Figure(go.Bar(x=["Administrasjon", "Folkevalgte"], y=[1, 2]), layout={"title": {"text": "Test"}})


def test_png_has_requested_size(figure):
    assert png_size(figure_image(figure, "png", width=800, height=450)) == (800, 450)


def test_png_scale_for_high_resolution(figure):
    assert png_size(figure_image(figure, "png", width=960, height=540, scale=2)) == (1920, 1080)


def test_svg_is_svg_with_text(figure):
    data = figure_image(figure, "svg", width=800, height=450)
    text = data.decode("utf-8")
    assert text.startswith("<svg") and 'width="800"' in text and "Administrasjon" in text


def test_unknown_format_is_refused(figure):
    with pytest.raises(ValueError):
        figure_image(figure, "gif")

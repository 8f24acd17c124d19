"""Reading a drawn page's layout in Chromium: the boxes of every text and marker, and their overlaps.

A room reads the matrix from the back row only if no name, rank, tick or caption sits on
another or on a marker. These helpers take the boxes from the browser (`getBoundingClientRect`
of Plotly's SVG text nodes and marker paths, and of any HTML elements named by a selector), so a
test checks what was drawn, not what the figure asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

#: JavaScript: boxes of a Plotly chart's texts (kind, text, x, y, w, h) and markers (centre, radius).
PLOTLY_BOXES = """
(root) => {
  const chart = typeof root === 'string' ? document.querySelector(root) : root;
  const box = (node, kind) => { const r = node.getBoundingClientRect();
    return {kind, text: (node.textContent || '').trim(), x: r.left, y: r.top, w: r.width, h: r.height}; };
  const texts = [];
  const add = (selector, kind) => chart.querySelectorAll(selector).forEach(n => {
    const b = box(n, kind); if (b.w > 0 && b.h > 0 && b.text) texts.push(b); });
  add('.gtitle', 'title');
  add('.annotation-text', 'caption');
  add('.xtick text', 'tick'); add('.ytick text', 'tick');
  add('.g-xtitle text', 'axis-title'); add('.g-ytitle text', 'axis-title');
  add('.legendtext', 'legend');
  add('.scatterlayer .textpoint text', 'rank');
  const markers = [];
  chart.querySelectorAll('.scatterlayer .trace').forEach(trace => {
    trace.querySelectorAll('.points path.point').forEach(p => {
      const r = p.getBoundingClientRect();
      if (r.width > 12) markers.push({x: r.left + r.width / 2, y: r.top + r.height / 2, r: r.width / 2}); });
  });
  const plot = chart.querySelector('.nsewdrag') || chart.querySelector('.bglayer rect');
  const area = plot ? plot.getBoundingClientRect() : null;
  const whole = chart.getBoundingClientRect();
  return {texts, markers, plot: area && {x: area.left, y: area.top, w: area.width, h: area.height},
          chart: {x: whole.left, y: whole.top, w: whole.width, h: whole.height}};
}
"""

#: JavaScript: boxes of the elements matching a CSS selector (kind = the selector).
ELEMENT_BOXES = """
(selector) => Array.from(document.querySelectorAll(selector)).map(n => { const r = n.getBoundingClientRect();
  return {kind: selector, text: (n.textContent || '').trim(), x: r.left, y: r.top, w: r.width, h: r.height}; })
  .filter(b => b.w > 0 && b.h > 0)
"""


@dataclass(frozen=True)
class Box:
    kind: str
    text: str
    x: float
    y: float
    w: float
    h: float

    @classmethod
    def of(cls, raw: dict) -> "Box":
        return cls(raw["kind"], raw["text"], raw["x"], raw["y"], raw["w"], raw["h"])

    def overlaps(self, other: "Box", slack: float = 0.5) -> bool:
        return (self.x + slack < other.x + other.w and other.x + slack < self.x + self.w
                and self.y + slack < other.y + other.h and other.y + slack < self.y + self.h)

    def inside(self, width: float, height: float, slack: float = 0.5) -> bool:
        return self.x >= -slack and self.y >= -slack and self.x + self.w <= width + slack and self.y + self.h <= height + slack


def text_overlaps(boxes: list[Box]) -> list[tuple[Box, Box]]:
    """Every pair of text boxes that overlap."""
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


def marker_clashes(layout: dict, slack: float = 0.5) -> list[str]:
    """Markers on markers, and texts other than a marker's own rank on a marker."""
    markers = layout["markers"]
    problems = []
    for i, a in enumerate(markers):
        for b in markers[i + 1:]:
            if ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 + slack < a["r"] + b["r"]:
                problems.append(f"markers at ({a['x']:.0f}, {a['y']:.0f}) and ({b['x']:.0f}, {b['y']:.0f}) overlap")
    for raw in layout["texts"]:
        if raw["kind"] == "rank":
            continue
        box = Box.of(raw)
        for m in markers:
            nearest_x = min(max(m["x"], box.x), box.x + box.w)
            nearest_y = min(max(m["y"], box.y), box.y + box.h)
            if ((nearest_x - m["x"]) ** 2 + (nearest_y - m["y"]) ** 2) ** 0.5 + slack < m["r"]:
                problems.append(f"{raw['kind']} «{raw['text']}» covers the marker at ({m['x']:.0f}, {m['y']:.0f})")
    return problems


def captions_clear_of_plot(layout: dict) -> list[str]:
    """Quadrant names outside the plot area (so never on a point or an axis line)."""
    plot = layout["plot"]
    area = Box("plot", "", plot["x"], plot["y"], plot["w"], plot["h"])
    return [f"caption «{raw['text']}» is inside the plot area" for raw in layout["texts"]
            if raw["kind"] == "caption" and Box.of(raw).overlaps(area)]

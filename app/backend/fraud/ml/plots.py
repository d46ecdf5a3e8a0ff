"""PNG charts drawn with Pillow (already a backend dependency; matplotlib would add ~40 MB)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from fraud.ml.ticks import Ticks, nice_ticks

WIDTH, HEIGHT = 720, 420
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 70, 20, 40, 55
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e")
GRID = "#dddddd"
NOTHING_SCORED = "No transaction scored yet: the histogram appears with the first score."


@dataclass(frozen=True)
class Frame:
    """A plot area inside a picture, its axes spanning round ticks (data -> pixels)."""

    x: Ticks
    y: Ticks
    width: int = WIDTH
    height: int = HEIGHT
    margins: tuple[int, int, int, int] = (MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM)

    @property
    def left(self) -> int:
        return self.margins[0]

    @property
    def right(self) -> int:
        return self.width - self.margins[1]

    @property
    def top(self) -> int:
        return self.margins[2]

    @property
    def bottom(self) -> int:
        return self.height - self.margins[3]

    def px(self, x: float, y: float) -> tuple[float, float]:
        return (
            self.left + (x - self.x.lo) / (self.x.hi - self.x.lo) * (self.right - self.left),
            self.bottom - (y - self.y.lo) / (self.y.hi - self.y.lo) * (self.bottom - self.top),
        )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    lo: float
    hi: float


@dataclass(frozen=True)
class HistogramLayout:
    """Everything a histogram draws, in pixels: the PNG and the dashboard's SVG share it."""

    frame: Frame
    bars: tuple[Bar, ...]
    threshold: float
    threshold_x: float
    total: int

    @property
    def label_left(self) -> bool:
        """Whether the threshold's label goes left of its line (near the right edge)."""
        return self.threshold_x > self.frame.left + 0.7 * (self.frame.right - self.frame.left)

    @property
    def x_ticks(self) -> list[tuple[float, str]]:
        return [(self.frame.px(v, 0.0)[0], self.frame.x.label(v)) for v in self.frame.x.values]

    @property
    def y_ticks(self) -> list[tuple[float, str]]:
        return [(self.frame.px(0.0, v)[1], self.frame.y.label(v)) for v in self.frame.y.values]


def histogram_layout(
    values: Sequence[float],
    threshold: float,
    *,
    bins: int = 40,
    width: int = WIDTH,
    height: int = HEIGHT,
    margins: tuple[int, int, int, int] = (MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM),
) -> HistogramLayout | None:
    """Bars of the finite `values` on round axes that include the threshold; None if none."""
    data = np.asarray(values, dtype=np.float64)
    data = data[np.isfinite(data)]
    if not data.size:
        return None
    x = nice_ticks(0.0, max(float(data.max()), threshold))
    counts, edges = np.histogram(data, bins=bins, range=(x.lo, x.hi))
    frame = Frame(
        x, nice_ticks(0.0, float(counts.max()), count=5, min_step=1.0), width, height, margins
    )
    bars = []
    for count, lo, hi in zip(counts, edges[:-1], edges[1:], strict=True):
        if count:
            x0, y0 = frame.px(float(lo), float(count))
            x1, y1 = frame.px(float(hi), 0.0)
            bars.append(Bar(x0, y0, x1 - x0, y1 - y0, int(count), float(lo), float(hi)))
    return HistogramLayout(
        frame, tuple(bars), threshold, frame.px(threshold, 0.0)[0], int(data.size)
    )


class _Canvas:
    def __init__(self, title: str, frame: Frame) -> None:
        self.frame = frame
        self.image = Image.new("RGB", (frame.width, frame.height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.font = ImageFont.load_default()
        self.draw.text((frame.left, 12), title, fill="black", font=self.font)

    def axes(self, x_label: str, y_label: str) -> None:
        f = self.frame
        for value in f.x.values:
            x, _ = f.px(value, f.y.lo)
            self.draw.line([(x, f.top), (x, f.bottom)], fill=GRID)
            self.draw.text((x - 12, f.bottom + 6), f.x.label(value), fill="black")
        for value in f.y.values:
            _, y = f.px(f.x.lo, value)
            self.draw.line([(f.left, y), (f.right, y)], fill=GRID)
            self.draw.text((8, y - 6), f.y.label(value), fill="black")
        self.draw.line([(f.left, f.top), (f.left, f.bottom)], fill="black")
        self.draw.line([(f.left, f.bottom), (f.right, f.bottom)], fill="black")
        self.draw.text((f.width // 2 - 40, f.height - 22), x_label, fill="black")
        self.draw.text((8, f.top - 18), y_label, fill="black")

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG")
        return out.getvalue()


def histogram_png(
    values: Sequence[float], threshold: float, title: str = "Reconstruction error", bins: int = 40
) -> bytes:
    layout = histogram_layout(values, threshold, bins=bins)
    if layout is None:
        canvas = _Canvas(title, Frame(nice_ticks(0.0, 1.0), nice_ticks(0.0, 1.0)))
        canvas.draw.text((MARGIN_LEFT, HEIGHT // 2), NOTHING_SCORED, fill="black")
        return canvas.png()
    canvas = _Canvas(title, layout.frame)
    canvas.axes("error", "rows")
    for bar in layout.bars:
        canvas.draw.rectangle(
            [bar.x + 1, bar.y, bar.x + bar.width - 1, bar.y + bar.height], fill=COLORS[0]
        )
    tx, f = layout.threshold_x, layout.frame
    canvas.draw.line([(tx, f.top), (tx, f.bottom)], fill=COLORS[1], width=3)
    canvas.draw.text((tx + 4, f.top + 2), f"threshold {threshold:.4g}", fill=COLORS[1])
    return canvas.png()


def line_chart_png(
    series: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    title: str,
    x_label: str,
    y_label: str,
    x_range: tuple[float, float] = (0.0, 1.0),
    y_range: tuple[float, float] = (0.0, 1.05),
) -> bytes:
    canvas = _Canvas(title, Frame(nice_ticks(*x_range), nice_ticks(*y_range)))
    canvas.axes(x_label, y_label)
    for i, (label, xs, ys) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        points = [canvas.frame.px(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
        if len(points) > 1:
            canvas.draw.line(points, fill=color, width=2)
        canvas.draw.text((WIDTH - MARGIN_RIGHT - 170, MARGIN_TOP + 4 + 14 * i), label, fill=color)
    return canvas.png()


def confusion_png(tp: int, fp: int, tn: int, fn: int, title: str = "Confusion matrix") -> bytes:
    image = Image.new("RGB", (420, 360), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 12), title, fill="black")
    cells = (
        ("true 0", "pred 0", tn),
        ("true 0", "pred 1", fp),
        ("true 1", "pred 0", fn),
        ("true 1", "pred 1", tp),
    )
    peak = max(tp, fp, tn, fn, 1)
    for i, (row, col, value) in enumerate(cells):
        x, y = 110 + (i % 2) * 140, 60 + (i // 2) * 130
        shade = 255 - int(200 * (np.log1p(value) / np.log1p(peak)))
        draw.rectangle([x, y, x + 130, y + 120], fill=(shade, shade, 255), outline="black")
        draw.text((x + 50, y + 55), str(value), fill="black")
        if i % 2 == 0:
            draw.text((20, y + 55), row, fill="black")
        if i < 2:
            draw.text((x + 45, 44), col, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()

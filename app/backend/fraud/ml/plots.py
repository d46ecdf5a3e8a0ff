"""PNG charts drawn with Pillow (already a backend dependency; matplotlib would add ~40 MB)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 720, 420
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 70, 20, 40, 55
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e")
GRID = "#dddddd"


class _Canvas:
    def __init__(
        self, title: str, x_range: tuple[float, float], y_range: tuple[float, float]
    ) -> None:
        self.image = Image.new("RGB", (WIDTH, HEIGHT), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.font = ImageFont.load_default()
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        if self.x1 <= self.x0:
            self.x1 = self.x0 + 1.0
        if self.y1 <= self.y0:
            self.y1 = self.y0 + 1.0
        self.draw.text((MARGIN_LEFT, 12), title, fill="black", font=self.font)

    def px(self, x: float, y: float) -> tuple[float, float]:
        plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
        plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
        return (
            MARGIN_LEFT + (x - self.x0) / (self.x1 - self.x0) * plot_w,
            HEIGHT - MARGIN_BOTTOM - (y - self.y0) / (self.y1 - self.y0) * plot_h,
        )

    def axes(self, x_label: str, y_label: str) -> None:
        for i in range(6):
            fx = self.x0 + (self.x1 - self.x0) * i / 5
            fy = self.y0 + (self.y1 - self.y0) * i / 5
            x, _ = self.px(fx, self.y0)
            _, y = self.px(self.x0, fy)
            self.draw.line([(x, MARGIN_TOP), (x, HEIGHT - MARGIN_BOTTOM)], fill=GRID)
            self.draw.line([(MARGIN_LEFT, y), (WIDTH - MARGIN_RIGHT, y)], fill=GRID)
            self.draw.text((x - 12, HEIGHT - MARGIN_BOTTOM + 6), f"{fx:.3g}", fill="black")
            self.draw.text((8, y - 6), f"{fy:.3g}", fill="black")
        bottom = HEIGHT - MARGIN_BOTTOM
        self.draw.line([(MARGIN_LEFT, MARGIN_TOP), (MARGIN_LEFT, bottom)], fill="black")
        self.draw.line([(MARGIN_LEFT, bottom), (WIDTH - MARGIN_RIGHT, bottom)], fill="black")
        self.draw.text((WIDTH // 2 - 40, HEIGHT - 22), x_label, fill="black")
        self.draw.text((8, MARGIN_TOP - 18), y_label, fill="black")

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG")
        return out.getvalue()


def histogram_png(
    values: Sequence[float], threshold: float, title: str = "Reconstruction error", bins: int = 40
) -> bytes:
    data = np.asarray(values, dtype=np.float64)
    data = data[np.isfinite(data)]
    hi = max(float(data.max()) if data.size else 1.0, threshold) * 1.05
    counts, edges = np.histogram(data, bins=bins, range=(0.0, hi))
    canvas = _Canvas(title, (0.0, hi), (0.0, float(counts.max(initial=1)) * 1.1))
    canvas.axes("error", "rows")
    for count, left, right in zip(counts, edges[:-1], edges[1:], strict=True):
        if count:
            x0, y0 = canvas.px(float(left), float(count))
            x1, y1 = canvas.px(float(right), 0.0)
            canvas.draw.rectangle([x0 + 1, y0, x1 - 1, y1], fill=COLORS[0])
    tx, _ = canvas.px(threshold, 0.0)
    canvas.draw.line([(tx, MARGIN_TOP), (tx, HEIGHT - MARGIN_BOTTOM)], fill=COLORS[1], width=3)
    canvas.draw.text((tx + 4, MARGIN_TOP + 2), f"threshold {threshold:.4g}", fill=COLORS[1])
    return canvas.png()


def line_chart_png(
    series: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    title: str,
    x_label: str,
    y_label: str,
    x_range: tuple[float, float] = (0.0, 1.0),
    y_range: tuple[float, float] = (0.0, 1.05),
) -> bytes:
    canvas = _Canvas(title, x_range, y_range)
    canvas.axes(x_label, y_label)
    for i, (label, xs, ys) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        points = [canvas.px(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
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

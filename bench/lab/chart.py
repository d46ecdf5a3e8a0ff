"""One PNG with a panel per benchmark (Pillow only: no plotting stack on the control node)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

WIDTH, ROW, PAD = 900, 34, 16
COLOURS = ("#2f6db5", "#c0504d", "#9bbb59", "#8064a2")


def _bars(results: dict[str, Any]) -> list[tuple[str, list[tuple[str, float, str]]]]:
    panels: list[tuple[str, list[tuple[str, float, str]]]] = []
    if p1 := results.get("P1"):
        panels.append((
            f"P1 no-op converge, seconds (ratio {p1['ratio']}, goal {p1['goal']})",
            [("tuned ansible.cfg", p1["tuned"]["median_s"], "s"),
             ("Ansible defaults", p1["ansible_defaults"]["median_s"], "s")],
        ))  # fmt: skip
    if p2 := results.get("P2"):
        panels.append((
            f"P2 converge, seconds (8/2 first {p2['first_ratio']}, no-op {p2['noop_ratio']})",
            [("first, 2 hosts", p2["hosts_2"]["first_converge_s"], "s"),
             ("first, 8 hosts", p2["hosts_8"]["first_converge_s"], "s"),
             ("no-op, 2 hosts", p2["hosts_2"]["noop"]["median_s"], "s"),
             ("no-op, 8 hosts", p2["hosts_8"]["noop"]["median_s"], "s")],
        ))  # fmt: skip
    if p3 := results.get("P3"):
        panels.append((
            "P3 bare hosts to serving, seconds",
            [("measured", p3["seconds"], "s"), ("goal", p3["goal_s"], "s")],
        ))  # fmt: skip
    if p4 := results.get("P4"):
        panels.append((
            f"P4 product API, 50 clients: 2xx answers/s (ratio {p4['ratio']})",
            [("ours", p4["ours"]["ok_per_s"], "2xx/s"),
             ("seed stack", p4["seed_stack"]["ok_per_s"], "2xx/s")],
        ))  # fmt: skip
        panels.append((
            "P4 p99 latency, ms (goal <= 100)",
            [("ours", p4["ours"]["p99_ms"], "ms"),
             ("seed stack", p4["seed_stack"]["p99_ms"], "ms")],
        ))  # fmt: skip
    return panels


def draw(results: dict[str, Any], path: Path) -> None:
    panels = _bars(results)
    height = PAD + sum(PAD * 3 + ROW * len(bars) for _, bars in panels) + PAD
    image = Image.new("RGB", (WIDTH, max(height, 60)), "white")
    pen = ImageDraw.Draw(image)
    y = PAD
    label_w, bar_x = 170, 190
    for title, bars in panels:
        pen.text((PAD, y), title, fill="black")
        y += PAD * 2
        top = max((v for _, v, _ in bars), default=1) or 1
        for i, (label, value, unit) in enumerate(bars):
            pen.text((PAD, y + 8), label[: label_w // 6], fill="black")
            length = int((WIDTH - bar_x - 140) * value / top)
            pen.rectangle((bar_x, y + 4, bar_x + max(length, 1), y + ROW - 6), fill=COLOURS[i % 4])
            pen.text((bar_x + length + 8, y + 8), f"{value:g} {unit}", fill="black")
            y += ROW
        y += PAD
    image.save(path)

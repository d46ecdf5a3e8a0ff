"""One PNG with a panel per figure (Pillow only: no plotting stack on the control node).

Measurements are bars; a goal is a dashed line across its panel, never a bar of its own.
Latencies, and throughputs that span orders of magnitude, get a logarithmic axis with
its decades marked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from .common import MODES

WIDTH, ROW, PAD = 900, 30, 16
LABEL_W, BAR_X, RIGHT = 170, 190, 120
COLOURS = ("#2f6db5", "#c0504d", "#9bbb59", "#8064a2")
GOAL = "#d98c00"


@dataclass
class Panel:
    title: str
    unit: str
    bars: list[tuple[str, float]]
    goal: float | None = None
    log: bool = False


def _spans_decades(values: list[float]) -> bool:
    positive = [v for v in values if v > 0]
    return bool(positive) and max(positive) / min(positive) >= 10


def _latency(title: str, loads: dict[str, dict[str, float]], goal: float | None) -> Panel:
    """p50 and p99 of each named wrk run (bench/wrk.py), on a log axis."""
    bars = [(f"{name} {q}".strip(), load[f"{q}_ms"]) for name, load in loads.items()
            for q in ("p50", "p99")]  # fmt: skip
    return Panel(title, "ms", bars, goal=goal, log=True)


def _panels(results: dict[str, Any]) -> list[Panel]:
    panels: list[Panel] = []
    if p1 := results.get("P1"):
        defaults = p1["ansible_defaults"]["median_s"]
        panels.append(Panel(
            f"P1 no-op converge (tuned + Mitogen {p1['ratio']} of the defaults; goal line: 0.15)",
            "s", [(MODES[name].label, p1[name]["median_s"]) for name in MODES],
            goal=round(defaults * 0.15, 1),
        ))  # fmt: skip
    if p2 := results.get("P2"):
        two, eight = p2["hosts_2"], p2["hosts_8"]
        panels.append(Panel(
            f"P2 converge, 2 vs 8 app hosts (first {p2['first_ratio']}x, no-op through Mitogen "
            f"{p2['noop_ratio']}x; goal <= 1.5x)", "s",
            [("first, 2 hosts", two["first_converge_s"]),
             ("first, 8 hosts", eight["first_converge_s"])]
            + [(f"no-op, {hosts}: {MODES[name].label}", figures["noop"][name]["median_s"])
               for name in MODES for hosts, figures in (("2", two), ("8", eight))],
        ))  # fmt: skip
        panels.append(Panel(
            "P2 no-op: the machine's CPU-seconds per added app server (goal: Mitogen <= half)",
            "CPU-s", [(MODES[name].label, figures["cpu_s_per_added_host"])
                      for name, figures in p2["noop_per_added_host"].items()],
            goal=round(p2["noop_per_added_host"]["tuned"]["cpu_s_per_added_host"] / 2, 1),
        ))  # fmt: skip
    if p3 := results.get("P3"):
        panels.append(Panel(
            "P3 bare hosts to serving", "s", [("measured", p3["seconds"])], goal=p3["goal_s"]
        ))  # fmt: skip
    if p4 := results.get("P4"):
        ours, seed = p4["ours"], p4["seed_stack"]
        panels.append(Panel(
            f"P4 product API, 50 connections: 2xx answers/s (ratio {p4['ratio']}x, goal >= 20x)",
            "2xx/s", [("ours", ours["ok_per_s"]), ("seed stack", seed["ok_per_s"])],
        ))  # fmt: skip
        panels.append(_latency("P4 latency", {"ours": ours, "seed stack": seed}, 100))
    if p5 := results.get("P5"):
        anon, signed = p5["anonymous"], p5["signed_in"]
        panels.append(Panel(
            f"P5 catalogue, 50 connections: 2xx answers/s (ratio {p5['ratio']}; "
            "goal line: 0.4 x anonymous)", "2xx/s",
            [("anonymous", anon["ok_per_s"]), ("signed in", signed["ok_per_s"])],
            goal=round(0.4 * anon["ok_per_s"], 1),
        ))  # fmt: skip
        panels.append(_latency(
            "P5 latency (goal: signed-in p99)", {"anonymous": anon, "signed in": signed}, 100
        ))  # fmt: skip
    if p6 := results.get("P6"):
        panels.append(Panel(
            f"P6 checkout, 20 shoppers: orders/s (CPUs {p6['cpus_busy_percent']} % busy, "
            f"{p6['cpu_ms_per_order']} CPU-ms per order)", "orders/s",
            [("orders/s", p6["orders_per_s"])],
        ))  # fmt: skip
        panels.append(_latency("P6 checkout latency", {"": p6["load"]}, None))
    for panel in panels:
        panel.log = panel.log or _spans_decades([v for _, v in panel.bars])
    return panels


def _scale(panel: Panel) -> tuple[float, float]:
    values = [v for _, v in panel.bars if v > 0] + ([panel.goal] if panel.goal else [])
    if panel.log:
        low = 10 ** math.floor(math.log10(min(values, default=1)))
        high = 10 ** math.ceil(math.log10(max(values, default=10) * 1.01))
        return low, high
    return 0.0, max(values, default=1) * 1.05 or 1.0


def _x(panel: Panel, value: float, low: float, high: float) -> int:
    span = WIDTH - BAR_X - RIGHT
    if panel.log:
        value = max(value, low)
        return BAR_X + int(span * math.log10(value / low) / math.log10(high / low))
    return BAR_X + int(span * value / high)


def _dashed(pen: ImageDraw.ImageDraw, x: int, top: int, bottom: int) -> None:
    for y in range(top, bottom, 8):
        pen.line((x, y, x, min(y + 4, bottom)), fill=GOAL, width=2)


def draw(results: dict[str, Any], path: Path) -> None:
    panels = _panels(results)
    height = PAD + sum(PAD * 4 + ROW * len(p.bars) for p in panels) + PAD
    image = Image.new("RGB", (WIDTH, max(height, 60)), "white")
    pen = ImageDraw.Draw(image)
    y = PAD
    for panel in panels:
        low, high = _scale(panel)
        axis = " (log axis)" if panel.log else ""
        pen.text((PAD, y), f"{panel.title}, {panel.unit}{axis}", fill="black")
        y += PAD * 2
        top = y
        for i, (label, value) in enumerate(panel.bars):
            pen.text((PAD, y + 8), label[: LABEL_W // 6], fill="black")
            end = _x(panel, value, low, high)
            pen.rectangle((BAR_X, y + 4, max(end, BAR_X + 1), y + ROW - 6), fill=COLOURS[i % 4])
            pen.text((end + 8, y + 8), f"{value:,g} {panel.unit}", fill="black")
            y += ROW
        if panel.log:
            decade = low
            while decade <= high:
                x = _x(panel, decade, low, high)
                pen.line((x, y, x, y + 4), fill="grey")
                pen.text((x - 8, y + 5), f"{decade:g}", fill="grey")
                decade *= 10
        if panel.goal is not None:
            x = _x(panel, panel.goal, low, high)
            _dashed(pen, x, top, y)
            pen.text((x + 4, top - 12), f"goal {panel.goal:,g} {panel.unit}", fill=GOAL)
        y += PAD * 2
    image.save(path)

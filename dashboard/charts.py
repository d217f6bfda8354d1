"""Bar charts drawn on the server as SVG: the geometry is worked out here and
templates/dashboard/statistics/_chart.html draws it. A chart is a picture of a table that is
always printed beside it, so the SVG is hidden from assistive technology (the table is the
accessible version) and needs no JavaScript.

Coordinates are strings with one decimal place, so a template never localises them.
"""

import dataclasses
import math
from collections.abc import Sequence

# Room around the plot for the value axis on the left and the labels below.
LEFT, RIGHT, TOP, BOTTOM = 48.0, 8.0, 12.0, 28.0
THRESHOLD_LABELS = 100.0  # room on the right for the names of threshold lines


@dataclasses.dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    series: int  # 1, 2, ...: a CSS class gives each series its colour


@dataclasses.dataclass(frozen=True)
class Mark:
    """A line across the plot (a grid line or a threshold) with its label on the axis."""

    y: str
    label: str


@dataclasses.dataclass(frozen=True)
class Label:
    x: str
    text: str


@dataclasses.dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: str
    plot_right: str
    plot_bottom: str
    label_y: str
    bars: list[Bar]
    ticks: list[Mark]
    thresholds: list[Mark]
    labels: list[Label]
    series: list[str]  # the key: series names, in order


def _f(value: float) -> str:
    return f"{value:.1f}"


def nice_ceiling(value: float) -> tuple[float, float]:
    """An axis maximum at or above `value` and a round step for at most five ticks."""
    if value <= 0:
        return 1.0, 1.0
    raw_step = value / 5
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    if step < 1:
        step = 1.0  # counts: never a tick at half an application
    return step * math.ceil(value / step), step


def bar_chart(
    groups: Sequence[tuple[str, Sequence[float | None]]],
    *,
    series: Sequence[str],
    width: int = 640,
    height: int = 240,
    maximum: float | None = None,
    thresholds: Sequence[tuple[float, str]] = (),
    unit: str = "",
    label_every: int = 1,
) -> Chart:
    """Vertical bars, one group per (label, values) with a bar per series (None: no bar).
    `maximum` fixes the axis (100 for percentages); `thresholds` draws lines across it;
    every `label_every`-th group is labelled, or only groups whose label is not empty."""
    largest = max(
        [value or 0.0 for _label, values in groups for value in values]
        + [value for value, _ in thresholds]
        + [0.0]
    )
    if maximum is None:
        top, step = nice_ceiling(largest)
    else:
        top, step = maximum, maximum / 5
    # Threshold lines are named beside the plot, never over its bars.
    right = RIGHT + (THRESHOLD_LABELS if thresholds else 0)
    plot_width = width - LEFT - right
    plot_height = height - TOP - BOTTOM
    bottom = TOP + plot_height

    def y_of(value: float) -> float:
        return bottom - plot_height * min(value, top) / top

    slot = plot_width / max(len(groups), 1)
    gap = slot * 0.2
    bar_width = (slot - gap) / max(len(series), 1)
    bars, labels = [], []
    for index, (label, values) in enumerate(groups):
        left = LEFT + index * slot + gap / 2
        for number, value in enumerate(values):
            if value is None:
                continue
            top_y = y_of(value)
            bars.append(
                Bar(
                    x=_f(left + number * bar_width),
                    y=_f(top_y),
                    width=_f(max(bar_width - 1, 1)),
                    height=_f(max(bottom - top_y, 0)),
                    series=number + 1,
                )
            )
        if label and index % label_every == 0:
            labels.append(Label(x=_f(LEFT + index * slot + slot / 2), text=label))
    ticks = []
    value = 0.0
    while value <= top + 1e-9:
        shown = f"{value:g}" if value < 10_000 else f"{value / 1000:g}k"
        ticks.append(Mark(y=_f(y_of(value)), label=f"{shown}{unit}"))
        value += step
    return Chart(
        width=width,
        height=height,
        plot_left=_f(LEFT),
        plot_right=_f(width - right),
        plot_bottom=_f(bottom),
        label_y=_f(bottom + 18),
        bars=bars,
        ticks=ticks,
        thresholds=[Mark(y=_f(y_of(value)), label=text) for value, text in thresholds],
        labels=labels,
        series=list(series),
    )

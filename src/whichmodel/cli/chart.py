"""Quality against cost as a compact text chart (Rich Text, readable with NO_COLOR).

Recommendations are drawn as their rank digit, other candidates on the Pareto front as ``*``, the rest as
``·``; the cost axis is logarithmic when the costs span more than a factor of ten, with free candidates in a
``0`` column at its left edge.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from whichmodel.tradeoff import Chart, Point

if TYPE_CHECKING:
    from rich.console import Console

HEIGHT = 10  # plot rows
MAX_WIDTH = 72  # plot columns at most
Y_LABEL = 6  # width of the quality labels on the left
LOG_SPAN = 10.0  # a log axis once the largest cost is more than this times the smallest


def _fmt_x(value: float, unit: str) -> str:
    if unit == "$":
        if value == 0:
            return "$0"
        if value < 1:
            return f"${value:.2f}"
        return f"${value:,.0f}" if value >= 10 else f"${value:.1f}"
    return f"{value:.3g}GB"


class Axis:
    """Maps a cost to a column: linear, or log10 with a column for zero at the left."""

    def __init__(self, values: list[float], columns: int) -> None:
        self.columns = columns
        positive = [v for v in values if v > 0]
        self.zero = any(v <= 0 for v in values)
        lo = min(positive) if positive else 1.0
        hi = max(positive) if positive else 1.0
        self.log = bool(positive) and hi / lo > LOG_SPAN
        self.lo, self.hi = lo, hi
        self.first = 2 if self.zero and positive else 0  # the zero column, then a gap

    def _t(self, v: float) -> float:
        if self.log:
            return (math.log10(v) - math.log10(self.lo)) / max(
                math.log10(self.hi) - math.log10(self.lo), 1e-9
            )
        if self.zero:
            return v / self.hi if self.hi > 0 else 0.0
        return (v - self.lo) / (self.hi - self.lo) if self.hi > self.lo else 0.5

    def column(self, v: float) -> int:
        if v <= 0 and self.log:
            return 0
        if v <= 0 and self.zero and self.first:
            return 0
        span = self.columns - 1 - self.first
        return self.first + round(self._t(v) * span)

    def ticks(self) -> list[float]:
        """Zero (when drawn), the smallest and largest cost, and the powers of ten between them; the caller
        keeps those that do not overlap, in this order of preference."""
        out: list[float] = [0.0] if self.zero else []
        out += [self.lo, self.hi]
        if self.log:
            e = math.ceil(math.log10(self.lo))
            while 10**e < self.hi:
                out.append(float(10**e))
                e += 1
        return list(dict.fromkeys(out))


def marker(p: Point) -> tuple[str, str]:
    if p.recommended and p.rank:
        return (str(p.rank) if p.rank < 10 else "+"), "bold green"
    if p.pareto:
        return "*", "yellow"
    return "·", "dim"


def cells(chart: Chart, width: int) -> list[list[tuple[str, str]]]:
    """The chart as rows of (character, style) cells, without colour needed to read it."""
    columns = max(20, min(MAX_WIDTH, width - Y_LABEL - 2))
    pts = chart.points
    qs = [p.quality for p in pts]
    q_lo, q_hi = min(qs), max(qs)
    if q_hi - q_lo < 1e-9:
        q_lo, q_hi = q_lo - 1, q_hi + 1
    axis = Axis([p.x for p in pts if p.x is not None], columns)
    grid: list[list[tuple[str, str]]] = [[(" ", "")] * columns for _ in range(HEIGHT)]
    # draw the others first so that a recommendation wins a shared cell
    for p in sorted(pts, key=lambda p: (p.recommended, p.pareto, -p.rank)):
        assert p.x is not None
        row = HEIGHT - 1 - round((p.quality - q_lo) / (q_hi - q_lo) * (HEIGHT - 1))
        col = axis.column(p.x)
        current = grid[row][col][0]
        if current.isdigit() and p.recommended:
            # two picks in one cell: the later one goes to the nearest free cell of its row, so every pick shows
            free = [
                c for c in sorted(range(columns), key=lambda c: abs(c - col)) if not grid[row][c][0].isdigit()
            ]
            if free and abs(free[0] - col) <= 3:
                col, current = free[0], grid[row][free[0]][0]
        if current.isdigit() and not (p.recommended and p.rank and p.rank < int(current)):
            continue
        grid[row][col] = marker(p)
    out: list[list[tuple[str, str]]] = []
    digits = 1 if q_hi - q_lo < 10 else 0  # three labels that would round to the same whole number
    for i, row_cells in enumerate(grid):
        if i in (0, HEIGHT - 1, HEIGHT // 2):
            q = q_hi - (q_hi - q_lo) * i / (HEIGHT - 1)
            label = f"{q:>{Y_LABEL - 1}.{digits}f} ┤"
        else:
            label = " " * (Y_LABEL - 1) + " │"
        out.append([(label, "dim"), *row_cells])
    out.append([(" " * (Y_LABEL - 1) + " └" + "─" * columns, "dim")])
    tick_row = [" "] * columns
    for t in axis.ticks():
        text = _fmt_x(t, chart.x_unit)
        col = axis.column(t)
        start = max(0, min(col - len(text) // 2, columns - len(text)))
        if all(c == " " for c in tick_row[max(0, start - 1) : start + len(text) + 1]):
            tick_row[start : start + len(text)] = list(text)
    out.append([(" " * (Y_LABEL + 1) + "".join(tick_row).rstrip(), "dim")])
    scale = " (log scale)" if axis.log else ""
    out.append([(" " * (Y_LABEL + 1) + f"→ {chart.x_label}{scale}", "")])
    out.insert(0, [(f"↑ {chart.quality_label}", "")])
    return out


def legend(chart: Chart, digits: str = "recommendations by rank") -> str:
    parts = [f"1-9: {digits}"]
    if any(p.pareto and not p.recommended for p in chart.points):
        parts.append("*: other candidates on the Pareto front")
    if any(not p.pareto and not p.recommended for p in chart.points):
        parts.append("·: other candidates")
    return "; ".join(parts)


def show(
    chart: Chart, con: Console, title: str = "Quality against cost", digits: str = "recommendations by rank"
) -> None:
    """Print the chart (nothing when there are fewer than two points to place)."""
    from rich.text import Text

    if len(chart.points) < 2:
        return
    con.print(Text(title, style="bold"))
    con.print(Text(legend(chart, digits), style="dim"))
    for row in cells(chart, con.width):
        line = Text()
        for char, style in row:
            line.append(char, style=style or None)
        con.print(line)
    front = [p for p in chart.points if p.pareto]
    front.sort(key=lambda p: p.x or 0.0)
    if front:
        names = ", ".join(
            f"{p.model} ({_fmt_x(p.x or 0.0, chart.x_unit)}, {p.quality:.0f})" for p in front[:6]
        )
        more = f" and {len(front) - 6} more" if len(front) > 6 else ""
        con.print(Text(f"Pareto front (cheapest first): {names}{more}", style="dim"))
    for note in chart.notes:
        con.print(Text(note, style="dim"))


def field(item: object, name: str) -> object:
    """A field of a document entry, whether it is a pydantic object or a plain mapping."""
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def what_if_rows(advice: object) -> list[dict[str, object]]:
    """The advice's ``what_if`` entries (computed by the engine) as plain rows; [] when it has none."""
    rows = []
    for item in getattr(advice, "what_if", None) or []:
        rows.append(
            {
                k: field(item, k)
                for k in ("change", "model", "hub_id", "strategy", "gpu_hours", "cost_usd", "why")
            }
        )
    return rows


def show_what_if(advice: object, con: Console) -> None:
    from rich.text import Text

    from whichmodel.cli.output import fmt_usd, printable

    rows = what_if_rows(advice)
    if not rows:
        return
    con.print(Text("What would change the answer", style="bold"))
    for row in rows:
        cost = []
        if isinstance(row["gpu_hours"], int | float):
            cost.append(f"{row['gpu_hours']:.3g} GPU-h")
        if isinstance(row["cost_usd"], int | float):
            cost.append(fmt_usd(float(row["cost_usd"])))
        line = Text("  • ")
        line.append(printable(str(row["change"] or "?")), style="bold")
        line.append(" → ")
        line.append(printable(str(row["model"] or "?")))
        if row["strategy"]:
            line.append(f" ({printable(str(row['strategy']))})")
        if cost:
            line.append(": " + ", ".join(cost))
        if row["why"]:
            line.append(f" ({printable(str(row['why']))})", style="dim")
        con.print(line)


def explain_extras(advice: object, cat: object, extra: object = ()) -> None:
    """What `advise --explain` adds after the advice: what would change it, and quality against cost."""
    from datetime import UTC, datetime

    from whichmodel import tradeoff
    from whichmodel.cli.output import console
    from whichmodel.inputs import load_snapshot

    con = console()
    if what_if_rows(advice):
        con.print()
        show_what_if(advice, con)
    candidates = tradeoff.wider(
        advice,
        cat,
        snapshot=load_snapshot([]),
        now=datetime.now(UTC),
        extra=list(extra),  # type: ignore[call-overload]
    )
    chart = tradeoff.build(advice, candidates)
    if len(chart.points) >= 2:
        con.print()
        show(chart, con, title=f"Quality against cost: the {len(chart.points)} best candidates")

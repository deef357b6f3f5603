"""Tables that fit the terminal without splitting an id: other columns go compact, then go, first.

A table is a list of :class:`Column` specs. The key column (a model id) never wraps. When the table is
wider than the terminal, columns are made compact (their ``compact`` cell) and then dropped, highest
``drop`` first; columns with ``drop=0`` always stay. Commands say which columns they left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Any], Any]  # row -> str or a Rich renderable
    justify: str = "left"
    drop: int = 0  # 0: always shown; otherwise dropped when the terminal is too narrow, highest first
    compact: Callable[[Any], Any] | None = None  # a narrower cell, tried before the column is dropped
    key: bool = False  # the id column: never split
    style: str = ""


@dataclass
class Fitted:
    table: Table
    compacted: list[str]
    dropped: list[str]


def _build(columns: Sequence[Column], rows: Sequence[Any], compact: set[str], **kw: Any) -> Table:
    from rich.table import Table

    table = Table(**kw)
    for c in columns:
        table.add_column(c.header, justify=c.justify, no_wrap=True, style=c.style or None)  # type: ignore[arg-type]
    for r in rows:
        table.add_row(*[(c.compact if c.header in compact and c.compact else c.cell)(r) for c in columns])
    return table


def natural_width(console: Console, table: Table) -> int:
    from rich.measure import Measurement

    options = console.options.update(width=10_000, max_width=10_000)
    return Measurement.get(console, options, table).maximum


def fit(
    console: Console, columns: Sequence[Column], rows: Sequence[Any], width: int | None = None, **kw: Any
) -> Fitted:
    """The table for ``rows`` at ``width`` (default: the console's): compact, then drop, until it fits."""
    width = width or console.width
    shown = list(columns)
    compact: set[str] = set()
    steps: list[tuple[str, Column]] = [
        ("compact", c) for c in sorted(columns, key=lambda c: -c.drop) if c.compact
    ] + [("drop", c) for c in sorted(columns, key=lambda c: -c.drop) if c.drop]
    table = _build(shown, rows, compact, **kw)
    dropped: list[str] = []
    for action, col in steps:
        if natural_width(console, table) <= width:
            break
        if action == "compact":
            compact.add(col.header)
        else:
            shown.remove(col)
            dropped.append(col.header)
        table = _build(shown, rows, compact, **kw)
    return Fitted(table, sorted(compact - set(dropped)), dropped)

"""One renderer per document and output format: the ``FORMATS`` registry (pip-audit's ``_format`` package).

``FORMATS[document][format]`` is the function that prints that document in that format; ``--format`` and
``--json`` are checked against the document's row (:func:`choose`), and :func:`render` prints. `advise` and
`interview` print the ``advice`` document, `compare` the ``compare`` document. Rich and the renderers'
modules are imported only inside the renderer that runs, so choosing a format costs no import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from whichmodel.cli import errors, output
from whichmodel.vocab import OUTPUT_FORMATS, OutputFormat

if TYPE_CHECKING:
    from whichmodel.advice import Advice
    from whichmodel.catalog import Catalog
    from whichmodel.catalog_schema import Model


@dataclass(frozen=True)
class Options:
    """What a renderer may need besides the document."""

    explain: bool = False
    catalog: Catalog | None = None
    extra: Sequence[Model] = ()  # Hub discoveries ranked beside the catalog (`advise --discover`)

    def cat(self) -> Catalog:
        if self.catalog is not None:
            return self.catalog
        from whichmodel.cli.common import load

        return load()


@dataclass(frozen=True)
class Comparison:
    """The `compare` document: the advice for the picked models, and one row per model (JSON's ``models``)."""

    advice: Advice
    picked: list[Model]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.advice.scope.model_dump(mode="json"), "models": self.rows}


Renderer = Callable[[Any, Options], None]


# --- advice ---------------------------------------------------------------------------------------------


def as_json(doc: Any, opts: Options) -> None:
    """Any document with ``to_json()``: alone on stdout, never through Rich."""
    output.emit_json(doc.to_json())


def advice_table(advice: Advice, opts: Options) -> None:
    from whichmodel.cli.render_advice import render

    render(advice, explain=opts.explain)
    if opts.explain:  # what would change the answer, and quality against cost (cli/chart.py)
        from whichmodel.cli.chart import explain_extras

        explain_extras(advice, opts.cat(), opts.extra)


def advice_markdown(advice: Advice, opts: Options) -> None:
    from whichmodel.cli.render_advice import markdown

    print(markdown(advice), end="")


def advice_html(advice: Advice, opts: Options) -> None:
    """A self-contained report with the quality-against-cost chart (cli/render_html.py)."""
    from whichmodel.cli.render_html import report

    print(report(advice, opts.cat(), opts.extra), end="")


# --- compare --------------------------------------------------------------------------------------------


def compare_table(doc: Comparison, opts: Options) -> None:
    """The models side by side (as many as the terminal fits per table), then quality against cost."""
    from rich import box
    from rich.table import Table

    advice, picked = doc.advice, doc.picked
    by_id: dict[str, Any] = {r.model: r for r in advice.recommendations}
    rejected = {r.model: r for r in advice.rejected}
    lines: list[tuple[str, list[str]]] = []

    def row(label: str, fn: Callable[[Any], Any]) -> None:
        lines.append((label, [str(fn(m)) for m in picked]))

    def rec_of(m: Any) -> Any:
        return by_id.get(m.id)

    def trained(m: Any) -> bool:
        return bool(rec_of(m)) and rec_of(m).strategy != "as-is"

    row("family", lambda m: m.family)
    row("params", lambda m: output.fmt_params(m.params_b))
    row("licence", lambda m: m.license)
    row("context", lambda m: f"{m.context_tokens:,}" if m.context_tokens else "?")
    row("verdict", lambda m: "recommended" if rec_of(m) else f"rejected ({rejected[m.id].rule})")
    row("strategy", lambda m: rec_of(m).strategy if rec_of(m) else "-")
    row("score", lambda m: f"{rec_of(m).score:g}" if rec_of(m) else "-")
    row("GPU-hours", lambda m: output.fmt_num(rec_of(m).estimates.train_gpu_hours, 2) if trained(m) else "-")
    row(
        "serve GB", lambda m: output.fmt_num(rec_of(m).estimates.inference_memory_gb, 2) if rec_of(m) else "-"
    )
    row("cost", lambda m: output.fmt_usd(rec_of(m).estimates.cost_usd) if trained(m) else "-")
    row(
        "why",
        lambda m: (
            "\n".join(
                f"{r.rule} {r.points:+g}" for r in sorted(rec_of(m).reasons, key=lambda r: -abs(r.points))[:4]
            )
            if rec_of(m)
            else rejected[m.id].reason
        ),
    )
    con = output.console()
    for part, chunk in enumerate(side_by_side(con.width, lines, [m.id for m in picked])):
        table = Table(
            title="Comparison" if part == 0 else None,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            show_edge=False,
        )
        table.add_column("", style="bold", no_wrap=True)
        for i, width in chunk:
            table.add_column(picked[i].id, overflow="fold", width=width)
        for label, cells in lines:
            table.add_row(label, *[cells[i] for i, _ in chunk])
        if part:
            con.print()
        con.print(table)
    from whichmodel.cli.chart import show as show_chart  # quality against cost for the viable models
    from whichmodel.tradeoff import build as build_chart

    con.print()
    show_chart(build_chart(advice), con, digits="the models ranked by score")


CELL_CAP = 24  # a comparison cell wider than this wraps (at word breaks) to leave room for more models


def side_by_side(
    width: int, lines: list[tuple[str, list[str]]], ids: list[str]
) -> list[list[tuple[int, int]]]:
    """Models in groups that fit the terminal side by side, each column as wide as its id at least (an id is
    never split): [(model index, column width), ...] per table."""
    label = max(len(label) for label, _ in lines)
    room = max(width - label, 1)
    groups: list[list[tuple[int, int]]] = [[]]
    used = 0
    for i, mid in enumerate(ids):
        natural = max((len(x) for _, cells in lines for x in cells[i].splitlines()), default=1)
        w = max(len(mid), min(natural, CELL_CAP))
        if groups[-1] and used + w + 2 > room:
            groups.append([])
            used = 0
        groups[-1].append((i, w))
        used += w + 2
    return groups


# --- the registry ---------------------------------------------------------------------------------------

FORMATS: dict[str, dict[OutputFormat, Renderer]] = {
    "advice": {"table": advice_table, "json": as_json, "markdown": advice_markdown, "html": advice_html},
    "compare": {"table": compare_table, "json": as_json},
}
"""document -> format -> renderer; each row lists its formats in ``vocab.OUTPUT_FORMATS`` order."""


def names(document: str) -> tuple[OutputFormat, ...]:
    """The formats ``document`` can be printed in, in ``vocab.OUTPUT_FORMATS`` order."""
    return tuple(f for f in OUTPUT_FORMATS if f in FORMATS[document])


def _listing(formats: Sequence[str]) -> str:
    return ", ".join(formats[:-1]) + f" or {formats[-1]}" if len(formats) > 1 else formats[0]


def choose(document: str, json_: bool, fmt: str | None) -> OutputFormat:
    """The format asked for by ``--json`` / ``--format`` (default: table), checked against the registry."""
    formats = names(document)
    if fmt is not None and fmt.lower() not in formats:
        raise errors.usage(f"--format: unknown format {fmt!r}", f"Use {_listing(formats)}")
    if json_ and fmt is not None and fmt.lower() != "json":
        raise errors.usage("--json and --format disagree", "Use one of them")
    kind = "json" if json_ else (fmt or "table").lower()
    return next(f for f in formats if f == kind)


def render(document: str, kind: OutputFormat, doc: Any, opts: Options | None = None) -> None:
    """Print ``doc`` (a ``document``) in format ``kind``."""
    FORMATS[document][kind](doc, opts or Options())

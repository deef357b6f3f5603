"""`whichmodel compare MODEL MODEL...`: candidates side by side for one scope."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from whichmodel.cli import complete, errors, output
from whichmodel.cli.common import CatalogOpt, load, resolve_model
from whichmodel.cli.scopeargs import (
    DailyTokensOpt,
    DomainOpt,
    DomainTokensOpt,
    ExamplesOpt,
    GpuHoursOpt,
    GpuOpt,
    GpusOpt,
    InputTokensOpt,
    LabelsOpt,
    LanguageOpt,
    LicenseOpt,
    PreferOpt,
    ScopeFileOpt,
    ServeOpt,
    SourceLanguageOpt,
    TargetLanguageOpt,
    TaskOpt,
    build_scope,
    flags_dict,
)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)


def compare(
    models: Annotated[
        list[str],
        typer.Argument(
            help="Two or more catalog ids or hub ids.",
            show_default=False,
            metavar="MODEL",
            autocompletion=complete.models,
        ),
    ],
    task: TaskOpt = None,
    language: LanguageOpt = None,
    examples: ExamplesOpt = None,
    domain_tokens: DomainTokensOpt = None,
    input_tokens: InputTokensOpt = None,
    gpu_hours: GpuHoursOpt = None,
    gpu: GpuOpt = None,
    gpus: GpusOpt = None,
    serve: ServeOpt = None,
    license: LicenseOpt = None,
    domain: DomainOpt = None,
    labels: LabelsOpt = None,
    source_language: SourceLanguageOpt = None,
    target_language: TargetLanguageOpt = None,
    prefer: PreferOpt = None,
    daily_tokens: DailyTokensOpt = None,
    scope: ScopeFileOpt = None,
    catalog: CatalogOpt = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON (alone on stdout).")] = False,
) -> None:
    """Compare models side by side for one scope: strategy, estimates, score and reasons, or why each is rejected."""
    if len(models) < 2:
        raise errors.usage(
            "compare needs at least two models",
            "Example: whichmodel compare bart-large-cnn t5-base --task summarization",
        )
    cat = load(catalog)
    picked = []
    given: dict[str, str] = {}
    for name in models:
        m = resolve_model(cat, name)
        if m.id in given:
            raise errors.usage(
                f"{name!r} and {given[m.id]!r} name the same model ({m.id}), given twice",
                "Give each model once",
            )
        given[m.id] = name
        picked.append(m)
    flags = flags_dict(
        task,
        language,
        examples,
        domain_tokens,
        input_tokens,
        gpu_hours,
        gpu,
        gpus,
        serve,
        license,
        domain,
        str(len(picked)),
        labels=labels,
        source_language=source_language,
        target_language=target_language,
        prefer=prefer,
        daily_tokens=daily_tokens,
    )
    the_scope = build_scope(cat, scope, flags)
    from whichmodel.engine import advise as engine_advise

    advice = engine_advise(the_scope, cat, models=picked)
    by_id: dict[str, Any] = {r.model: r for r in advice.recommendations}
    rejected = {r.model: r for r in advice.rejected}
    rows = []
    for m in picked:
        rec = by_id.get(m.id)
        rows.append(
            {
                "model": m.id,
                "hub_id": m.hub_id,
                "status": "recommended" if rec else "rejected",
                "recommendation": rec.model_dump(mode="json") if rec else None,
                "rejected": rejected[m.id].model_dump(mode="json") if m.id in rejected else None,
            }
        )
    if json_:
        output.emit_json({"scope": advice.scope.model_dump(mode="json"), "models": rows})
        return
    from rich import box
    from rich.table import Table

    lines: list[tuple[str, list[str]]] = []

    def row(label: str, fn) -> None:
        lines.append((label, [str(fn(m)) for m in picked]))

    def rec_of(m):
        return by_id.get(m.id)

    row("family", lambda m: m.family)
    row("params", lambda m: output.fmt_params(m.params_b))
    row("licence", lambda m: m.license)
    row("context", lambda m: f"{m.context_tokens:,}" if m.context_tokens else "?")
    row("verdict", lambda m: "recommended" if rec_of(m) else f"rejected ({rejected[m.id].rule})")
    row("strategy", lambda m: rec_of(m).strategy if rec_of(m) else "-")
    row("score", lambda m: f"{rec_of(m).score:g}" if rec_of(m) else "-")
    row(
        "GPU-hours",
        lambda m: (
            output.fmt_num(rec_of(m).estimates.train_gpu_hours, 2)
            if rec_of(m) and rec_of(m).strategy != "as-is"
            else "-"
        ),
    )
    row(
        "serve GB", lambda m: output.fmt_num(rec_of(m).estimates.inference_memory_gb, 2) if rec_of(m) else "-"
    )
    row(
        "cost",
        lambda m: (
            output.fmt_usd(rec_of(m).estimates.cost_usd)
            if rec_of(m) and rec_of(m).strategy != "as-is"
            else "-"
        ),
    )
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
    for part, chunk in enumerate(_side_by_side(con.width, lines, [m.id for m in picked])):
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


def _side_by_side(
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

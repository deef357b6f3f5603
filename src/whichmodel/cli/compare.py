"""`whichmodel compare MODEL MODEL...`: candidates side by side for one scope."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from whichmodel.cli import complete, errors, formats
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
    doc = formats.Comparison(advice, picked, rows)
    formats.render("compare", formats.choose("compare", json_, None), doc, formats.Options(catalog=cat))

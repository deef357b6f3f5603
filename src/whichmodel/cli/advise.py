"""`whichmodel advise`: the one-shot recommendation.

No ``from __future__ import annotations``: Typer would evaluate each of the 24 parameters' annotation strings
when it builds the command (~6M instructions of every `advise`).
"""

from typing import Annotated

import typer

from whichmodel.cli import errors, formats, output
from whichmodel.cli.common import CatalogOpt, ExplainOpt, FormatOpt, load
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
    TopOpt,
    build_scope,
    flags_dict,
)


def register(app: typer.Typer) -> None:
    app.command("advise")(advise)


def advise(
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
    top: TopOpt = None,
    labels: LabelsOpt = None,
    source_language: SourceLanguageOpt = None,
    target_language: TargetLanguageOpt = None,
    prefer: PreferOpt = None,
    daily_tokens: DailyTokensOpt = None,
    scope: ScopeFileOpt = None,
    catalog: CatalogOpt = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print the advice as JSON (alone on stdout).")
    ] = False,
    fmt: FormatOpt = None,
    explain: ExplainOpt = False,
    discover: Annotated[
        bool,
        typer.Option(
            "--discover", help="Also rank Hub models the catalog lacks (needs the Hub; marked not curated)."
        ),
    ] = False,
) -> None:
    """Recommend an architecture, a strategy and models for an application and a budget."""
    kind = formats.choose("advice", json_, fmt)
    cat = load(catalog)
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
        top,
        labels=labels,
        source_language=source_language,
        target_language=target_language,
        prefer=prefer,
        daily_tokens=daily_tokens,
    )
    the_scope = build_scope(cat, scope, flags)
    extra = discover_models(the_scope, cat) if discover else []
    advice = run_advice(the_scope, cat, extra=extra)
    formats.render("advice", kind, advice, formats.Options(explain, cat, extra))


def load_snapshot():  # -> Snapshot | None
    """The Hub snapshot when one exists; warnings go to stderr."""
    from whichmodel.inputs import load_snapshot as read

    warnings: list[str] = []
    snapshot = read(warnings)
    for w in warnings:
        output.note(f"Warning: {w}")
    return snapshot


def discover_models(the_scope, cat) -> list:  # -> list[Model]
    """Hub candidates for the scope's tasks that the catalog lacks (uncurated): whichmodel.hub.discovery."""
    from whichmodel.cli.hub import spinner
    from whichmodel.hub.discovery import discover_models as discover
    from whichmodel.hub.settings import HubError

    try:
        extra, notes = discover(
            the_scope, cat, searching=lambda tag: spinner(f"Searching the Hub for {tag} models ...")
        )
    except HubError as exc:
        raise errors.runtime(
            f"--discover: {exc.message}", exc.hint or "Run without --discover to use the catalog alone"
        ) from None
    for note in notes:
        output.note(note)
    return extra


def run_advice(the_scope, cat, extra=()):  # -> Advice
    from datetime import UTC, datetime

    from whichmodel.engine import advise as engine_advise

    return engine_advise(the_scope, cat, snapshot=load_snapshot(), now=datetime.now(UTC), extra=extra)

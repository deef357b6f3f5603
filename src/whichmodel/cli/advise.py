"""`whichmodel advise`: the one-shot recommendation."""

from __future__ import annotations

from typing import Annotated

import typer

from whichmodel.cli import errors, output
from whichmodel.cli.common import CatalogOpt, load
from whichmodel.cli.scopeargs import (
    DomainOpt,
    DomainTokensOpt,
    ExamplesOpt,
    GpuHoursOpt,
    GpuOpt,
    GpusOpt,
    InputTokensOpt,
    LanguageOpt,
    LicenseOpt,
    ScopeFileOpt,
    ServeOpt,
    TaskOpt,
    TopOpt,
    build_scope,
    flags_dict,
)

FORMATS = ("table", "json", "markdown")


def register(app: typer.Typer) -> None:
    app.command("advise")(advise)


def output_format(json_: bool, fmt: str | None) -> str:
    if fmt is not None and fmt.lower() not in FORMATS:
        raise errors.usage(f"--format: unknown format {fmt!r}", "Use table, json or markdown")
    if json_ and fmt is not None and fmt.lower() != "json":
        raise errors.usage("--json and --format disagree", "Use one of them")
    return "json" if json_ else (fmt or "table").lower()


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
    scope: ScopeFileOpt = None,
    catalog: CatalogOpt = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print the advice as JSON (alone on stdout).")
    ] = False,
    fmt: Annotated[
        str | None, typer.Option("--format", metavar="FORMAT", help="table, json or markdown.")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show every rule's contribution and every rejection.")
    ] = False,
) -> None:
    """Recommend an architecture, a strategy and models for an application and a budget."""
    kind = output_format(json_, fmt)
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
    )
    the_scope = build_scope(cat, scope, flags)
    advice = run_advice(the_scope, cat)
    show(advice, kind, explain)


def run_advice(the_scope, cat):  # -> Advice
    from whichmodel.engine import advise as engine_advise

    return engine_advise(the_scope, cat, snapshot=None)


def show(advice, kind: str, explain: bool) -> None:
    if kind == "json":
        output.emit_json(advice.to_json())
    elif kind == "markdown":
        from whichmodel.cli.render_advice import markdown

        print(markdown(advice), end="")
    else:
        from whichmodel.cli.render_advice import render

        render(advice, explain=explain)

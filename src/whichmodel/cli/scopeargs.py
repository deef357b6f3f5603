"""Building a scope from flags and a scope file (flags override the file); shared by advise and compare."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from whichmodel.catalog import Catalog
from whichmodel.cli import errors
from whichmodel.scope import Scope, ScopeFieldError, ScopeInput, ScopeProblem, normalize

TaskOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--task",
        "-t",
        metavar="TASK",
        help="What the model must do (repeatable): summarization, ner, chat, ...",
        show_default=False,
    ),
]
LanguageOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--language",
        "-l",
        metavar="LANG",
        help="ISO 639-1 code, 'code' or 'multi' (repeatable). Default: en.",
        show_default=False,
    ),
]
ExamplesOpt = Annotated[
    str | None,
    typer.Option("--examples", metavar="N", help="Labelled training examples (e.g. 5k). Default: 0."),
]
DomainTokensOpt = Annotated[
    str | None,
    typer.Option(
        "--domain-tokens", metavar="N", help="Unlabelled in-domain text, in tokens (e.g. 2B). Default: 0."
    ),
]
InputTokensOpt = Annotated[
    str | None,
    typer.Option(
        "--input-tokens", metavar="N", help="Longest input the model must read, in tokens. Default: 512."
    ),
]
GpuHoursOpt = Annotated[
    str | None,
    typer.Option("--gpu-hours", metavar="HOURS", help="Training budget in GPU-hours (0 = none). Default: 0."),
]
GpuOpt = Annotated[
    str | None,
    typer.Option(
        "--gpu", metavar="ID", help="Training accelerator (see `catalog accelerators`). Default: a100-80gb."
    ),
]
GpusOpt = Annotated[
    str | None, typer.Option("--gpus", metavar="N", help="How many training accelerators. Default: 1.")
]
ServeOpt = Annotated[
    str | None,
    typer.Option(
        "--serve",
        metavar="TARGET",
        help="Where it will run: an accelerator id, cpu or edge. Default: the --gpu.",
    ),
]
LicenseOpt = Annotated[
    str | None,
    typer.Option(
        "--license",
        metavar="LICENSE",
        help="any | open (OSI) | commercial (no user cap or use restriction). Default: any.",
    ),
]
DomainOpt = Annotated[
    str | None,
    typer.Option(
        "--domain",
        metavar="DOMAIN",
        help="Application domain: biomedical, legal, finance, scientific, code, ...",
    ),
]
TopOpt = Annotated[
    str | None, typer.Option("--top", metavar="N", help="How many recommendations (at least 1). Default: 5.")
]
LabelsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--labels",
        metavar="L1,L2",
        help="Your classes or entity types (comma-separated, repeatable): a fixed-label checkpoint is used as it is"
        " only when its labels cover them.",
        show_default=False,
    ),
]
SourceLanguageOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source-language",
        metavar="LANG",
        help="Translation: a language translated from (repeatable).",
        show_default=False,
    ),
]
TargetLanguageOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--target-language",
        metavar="LANG",
        help="Translation: a language translated into (repeatable). With --language alone every direction among"
        " the languages is needed.",
        show_default=False,
    ),
]
PreferOpt = Annotated[
    str | None,
    typer.Option(
        "--prefer",
        metavar="quality|balanced|cost",
        help="How cost trades against expected quality. Default: balanced.",
    ),
]
DailyTokensOpt = Annotated[
    str | None,
    typer.Option(
        "--daily-tokens", metavar="N", help="Production traffic in tokens per day, for a monthly serving cost."
    ),
]
ScopeFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--scope",
        metavar="FILE",
        help="YAML or JSON file with the scope's fields; flags override it.",
        show_default=False,
    ),
]

FLAG = {
    "tasks": "--task",
    "languages": "--language",
    "examples": "--examples",
    "domain_tokens": "--domain-tokens",
    "input_tokens": "--input-tokens",
    "gpu_hours": "--gpu-hours",
    "gpu": "--gpu",
    "gpus": "--gpus",
    "serve": "--serve",
    "license": "--license",
    "domain": "--domain",
    "top": "--top",
    "labels": "--labels",
    "source_languages": "--source-language",
    "target_languages": "--target-language",
    "prefer": "--prefer",
    "daily_tokens": "--daily-tokens",
}


def read_scope_file(path: Path) -> dict[str, Any]:
    """A scope file's mapping, or a usage error naming the problem."""
    from whichmodel import yamlio

    try:
        data = yamlio.load(path)
    except yamlio.DocumentError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise errors.usage(
            f"Scope file {str(path)!r} {exc.message}{where}", "Pass a YAML or JSON mapping of scope fields"
        ) from None
    if data is None:
        raise errors.usage(
            f"Scope file {str(path)!r} is empty", "Write fields such as `tasks: [summarization]`"
        )
    if not isinstance(data, dict):
        raise errors.usage(
            f"Scope file {str(path)!r} holds a {type(data).__name__}, not a mapping",
            "Write fields such as `tasks: [summarization]`",
        )
    return data


def build_scope(catalog: Catalog, scope_file: Path | None, flags: dict[str, Any]) -> Scope:
    """Merge the scope file with flags (flags win), validate, and normalize against the catalog."""
    if scope_file is None:
        try:
            raw = ScopeInput.from_flags(flags)
        except ScopeFieldError as exc:
            raise errors.usage(
                f"{FLAG.get(exc.field, exc.field)}: {exc.message}", "See `whichmodel advise --help`"
            ) from None
        return _normalize(raw, catalog)
    data: dict[str, Any] = read_scope_file(scope_file)
    source = f"scope file {str(scope_file)!r}"
    for key, value in flags.items():
        if value is not None and value != []:
            data[key] = value
    try:
        raw = ScopeInput.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = str(err["loc"][0]) if err["loc"] else "scope"
        name = FLAG.get(field, field) if flags.get(field) not in (None, []) else f"{field} (in the {source})"
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            known = ", ".join(FLAG)
            raise errors.usage(
                f"Unknown scope field {field!r} in the {source}", f"Known fields: {known}"
            ) from None
        raise errors.usage(f"{name}: {msg}", "See `whichmodel advise --help`") from None
    return _normalize(raw, catalog)


def _normalize(raw: ScopeInput, catalog: Catalog) -> Scope:
    try:
        return normalize(raw, catalog)
    except ScopeProblem as exc:
        flag = FLAG.get(exc.field, exc.field)
        close = f"; closest: {', '.join(repr(m) for m in exc.matches)}" if exc.matches else ""
        listing = {
            "tasks": "Run `whichmodel tasks` to see them all",
            "gpu": "Run `whichmodel catalog accelerators` to see them all",
            "serve": "Use an accelerator id, cpu or edge",
        }.get(exc.field, "See `whichmodel advise --help`")
        raise errors.usage(f"{flag}: {exc.message}{close}", listing) from None


def flags_dict(
    task: list[str] | None,
    language: list[str] | None,
    examples: str | None,
    domain_tokens: str | None,
    input_tokens: str | None,
    gpu_hours: str | None,
    gpu: str | None,
    gpus: str | None,
    serve: str | None,
    license: str | None,
    domain: str | None,
    top: str | None,
    labels: list[str] | None = None,
    source_language: list[str] | None = None,
    target_language: list[str] | None = None,
    prefer: str | None = None,
    daily_tokens: str | None = None,
) -> dict[str, Any]:
    return {
        "tasks": task,
        "languages": language,
        "examples": examples,
        "domain_tokens": domain_tokens,
        "input_tokens": input_tokens,
        "gpu_hours": gpu_hours,
        "gpu": gpu,
        "gpus": gpus,
        "serve": serve,
        "license": license,
        "domain": domain,
        "top": top,
        "labels": labels,
        "source_languages": source_language,
        "target_languages": target_language,
        "prefer": prefer,
        "daily_tokens": daily_tokens,
    }

"""The scope flags shared by advise, compare and recipe; whichmodel.inputs builds the scope from them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

# The scope-building logic lives in the core (the Python API shares it); re-exported for the commands.
from whichmodel.inputs import FLAG, build_scope, read_scope_file

__all__ = ["FLAG", "build_scope", "flags_dict", "read_scope_file"]

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
ScopeFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--scope",
        metavar="FILE",
        help="YAML or JSON file with the scope's fields; flags override it.",
        show_default=False,
    ),
]

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
    }

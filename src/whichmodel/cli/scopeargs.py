"""The scope flags shared by advise, compare and recipe; whichmodel.inputs builds the scope from them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from whichmodel import inputs
from whichmodel.catalog import Catalog
from whichmodel.cli import complete, errors
from whichmodel.cli.common import path_value

# The scope-building logic lives in the core (the Python API shares it); the CLI adds hardware detection.
from whichmodel.inputs import FLAG, read_scope_file
from whichmodel.scope import Assumed, Scope

__all__ = ["FLAG", "build_scope", "flags_dict", "read_scope_file"]

TaskOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--task",
        "-t",
        metavar="TASK",
        help="What the model must do (repeatable): summarization, ner, chat, ...",
        autocompletion=complete.tasks,
        show_default=False,
    ),
]
LanguageOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--language",
        "-l",
        metavar="LANG",
        autocompletion=complete.languages,
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
        "--gpu",
        metavar="ID|auto",
        autocompletion=complete.gpu,
        help="Training accelerator (see `catalog accelerators`), or auto: this machine's GPU. Default: a100-80gb.",
    ),
]
GpusOpt = Annotated[
    str | None, typer.Option("--gpus", metavar="N", help="How many training accelerators. Default: 1.")
]
ServeOpt = Annotated[
    str | None,
    typer.Option(
        "--serve",
        metavar="TARGET|auto",
        autocompletion=complete.serve,
        help="Where it will run: an accelerator id, cpu, edge, or auto: this machine. Default: the --gpu.",
    ),
]
LicenseOpt = Annotated[
    str | None,
    typer.Option(
        "--license",
        metavar="LICENSE",
        autocompletion=complete.licenses,
        help="any | open (OSI) | commercial (no user cap or use restriction). Default: any.",
    ),
]
DomainOpt = Annotated[
    str | None,
    typer.Option(
        "--domain",
        metavar="DOMAIN",
        autocompletion=complete.domains,
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
        "--daily-tokens",
        metavar="N",
        help="Production traffic in tokens per day, for a monthly serving cost.",
    ),
]
ScopeFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--scope",
        metavar="FILE",
        parser=path_value("--scope"),
        help="YAML or JSON file with the scope's fields; flags override it.",
        show_default=False,
    ),
]

AUTO = "auto"


def _is_auto(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == AUTO


def resolve_auto(
    catalog: Catalog, values: dict[str, Any], *, serve_flag: str = "--serve"
) -> list[tuple[str, Any, str]]:
    """Replace ``gpu: auto`` and ``serve: auto`` with what this machine has (see :mod:`whichmodel.hardware`).

    Returns the (field, value, why) entries for ``scope.assumed``. A serving target on the CPU (or Apple
    unified memory) gets the machine's memory in ``catalog.serving['cpu']`` for this run only. ``serve_flag``
    is the flag named in the serving target's ``why`` (``estimate --gpu auto`` for an inference job serves)."""
    if not (_is_auto(values.get("gpu")) or _is_auto(values.get("serve"))):
        return []
    from whichmodel import hardware
    from whichmodel.cli import output

    found = hardware.detect()
    for problem in found.problems:
        output.note(f"Warning: GPU detection: {problem}.")
    told: list[tuple[str, Any, str]] = []
    first = None
    if found.kind == "nvidia":
        first = hardware.match(found.gpus[0], catalog)
        if first is not None and first.warning:
            output.note(f"Warning: {first.warning}.")
    detected = f"detected {found.describe()}" + (f"; {first.warning}" if first and first.warning else "")
    if _is_auto(values.get("gpu")):
        if first is None:
            why = (
                f"found no NVIDIA GPU on this machine ({found.no_gpu})"
                if found.kind != "nvidia"
                else f"cannot place {found.describe()} (its memory is unknown)"
            )
            raise errors.runtime(
                f"--gpu auto: {why}",
                "Give --gpu ID (see `whichmodel catalog accelerators`) for the GPU you will train on",
            )
        values["gpu"] = first.accelerator
        told.append(("gpu", first.accelerator, f"--gpu auto: {detected}"))
        if values.get("gpus") is None:
            same = sum(1 for g in found.gpus if g.name == found.gpus[0].name)
            values["gpus"] = same
            told.append(("gpus", same, f"--gpu auto: {same} {found.gpus[0].name} on this machine"))
    if _is_auto(values.get("serve")):
        chip = None
        if found.kind == "apple":
            chip = hardware.match(hardware.Gpu(found.name, found.memory_gb), catalog, apple=True)
        if first is not None:
            values["serve"] = first.accelerator
            told.append(("serve", first.accelerator, f"{serve_flag} auto: {detected}"))
        elif chip is not None:
            entry = catalog.accelerators[chip.accelerator]
            if found.memory_gb and found.memory_gb < entry.memory_gb:  # the catalog lists the largest model
                share = round(found.memory_gb * hardware.RAM_SHARE, 1)
                catalog.accelerators[chip.accelerator] = entry.model_copy(update={"memory_gb": share})
                detected += f"; {share:g} GB ({hardware.RAM_SHARE:.0%}) of its unified memory for the model"
            values["serve"] = chip.accelerator
            told.append(("serve", chip.accelerator, f"{serve_flag} auto: {detected}"))
        else:
            cpu = catalog.serving.get("cpu")
            memory = found.memory_gb
            if cpu is not None and memory:
                share = round(memory * hardware.RAM_SHARE, 1)
                catalog.serving["cpu"] = cpu.model_copy(
                    update={
                        "memory_gb": share,
                        "name": f"this machine ({found.name or 'CPU'})",
                        "sources": [
                            f"{serve_flag} auto: {found.describe()}; {hardware.RAM_SHARE:.0%} of it for the model"
                            " (an assumption)"
                        ],
                    }
                )
                detected += f"; {share:g} GB ({hardware.RAM_SHARE:.0%}) of it for the model"
            values["serve"] = "cpu"
            told.append(("serve", "cpu", f"{serve_flag} auto: {detected}"))
    return told


def _with_detected(scope: Scope, told: list[tuple[str, Any, str]]) -> Scope:
    if not told:
        return scope
    fields = {f for f, _, _ in told}
    kept = [a for a in scope.assumed if a.field not in fields]
    added = [Assumed.model_construct(field=f, value=v, why=why) for f, v, why in told]
    return scope.model_copy(update={"assumed": [*kept, *added]})


def build_scope(catalog: Catalog, scope_file: Path | None, flags: dict[str, Any]) -> Scope:
    """The core's :func:`whichmodel.inputs.build_scope`, after ``--gpu auto`` / ``--serve auto`` (given as flags
    or in the scope file) are replaced by what this machine has; what was detected goes into ``scope.assumed``."""
    values = dict(flags)
    merged: dict[str, Any] = dict(values)
    if scope_file is not None:
        merged = read_scope_file(scope_file)
        merged.update({k: v for k, v in values.items() if v is not None and v != []})
    if not (_is_auto(merged.get("gpu")) or _is_auto(merged.get("serve"))):
        return inputs.build_scope(catalog, scope_file, values)
    told = resolve_auto(catalog, merged)
    if scope_file is None:
        return _with_detected(inputs.build_scope(catalog, None, merged), told)
    return _with_detected(inputs.build_scope(catalog, merged, {}), told)


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

"""`whichmodel recipe`: a runnable training script or config for one recommendation."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from whichmodel.cli import errors
from whichmodel.cli.common import CatalogOpt, load, path_value
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
    app.command("recipe")(recipe)


def recipe(
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
    rank: Annotated[
        str, typer.Option("--rank", metavar="N", help="Which recommendation (1 = the top one).")
    ] = "1",
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="TARGET",
            help="trl (a Python script: TRL for decoders, a transformers Trainer for encoders, an inference "
            "snippet for as-is picks) or axolotl (a config YAML, decoders).",
        ),
    ] = "trl",
    out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the recipe here (default: stdout).",
            parser=path_value("--output"),
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    json_: Annotated[
        bool,
        typer.Option("--json", help="Print the recipe, its recommendation and its settings as JSON."),
    ] = False,
) -> None:
    """Write a runnable recipe for one of advise's recommendations: a training script, a config or an
    inference snippet, with the estimator's settings and the estimate as a comment."""
    from whichmodel.cli.advise import run_advice
    from whichmodel.inputs import count
    from whichmodel.recipes import document
    from whichmodel.scope import MAXIMUM

    n = count("--rank", rank, positive=True)
    assert n is not None
    if n > MAXIMUM["top"]:
        raise errors.usage(
            f"--rank: {rank!r} is too large (at most {MAXIMUM['top']:,.0f})", "Use --rank 1 for the top pick"
        )
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
    if top is None and n > 5:
        flags["top"] = str(n)  # --rank 7 needs seven recommendations
    the_scope = build_scope(cat, scope, flags)
    doc = document(run_advice(the_scope, cat), cat, rank=n, to=to)
    if json_:
        if out is not None:
            raise errors.usage(
                "--json prints to stdout", "Drop -o, or drop --json to write the recipe to FILE"
            )
        from whichmodel.cli import output

        output.emit_json(doc)
        return
    text = doc["recipe"]
    if out is None:
        import sys

        sys.stdout.write(text)
        return
    write_atomic(out, text, force=force)


def write_atomic(path: Path, text: str, *, force: bool) -> None:
    """Write the whole file or nothing: a temporary file in the same folder, then a rename over the target.
    An existing file is kept unless ``force``."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            raise errors.usage(f"--output: {str(path)!r} is a folder", "Give a file name, e.g. -o train.py")
        if (
            os.path.lexists(path) and not force
        ):  # a dangling or looping link is there too: not replaced silently
            raise errors.usage(f"--output: {str(path)!r} exists", "Pass --force to replace it")
        if not folder.is_dir():
            raise errors.usage(f"--output: folder {str(folder)!r} does not exist", "Create it first")
    except OSError as exc:  # a name too long, a folder that cannot be searched
        raise errors.usage(
            f"--output: cannot use {str(path)!r} ({exc.strerror})", "Give another file name"
        ) from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise errors.runtime(f"--output: cannot write in {str(folder)!r} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise errors.runtime(f"--output: cannot write {str(path)!r} ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

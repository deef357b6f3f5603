"""The Python API: the `advise` and `estimate` commands as functions returning their documents.

``whichmodel.advise(task="ner", examples="5k", gpu="t4")`` returns the :class:`~whichmodel.advice.Advice` that
``whichmodel advise --task ner --examples 5k --gpu t4 --json`` prints (``advice.model_dump(mode="json")`` is
that JSON); ``whichmodel.estimate("qwen2.5-7b-instruct", strategy="qlora")`` the ``estimate --json`` document.
Values are what the flags take: numbers, or number words such as ``"5k"``, ``"7B"``. Errors are the CLI's
errors as exceptions (:mod:`whichmodel.errors`) with the same messages. Neither call imports Rich, Typer or
huggingface_hub, prints anything, or touches the network (except ``discover=True``, which asks the Hub).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from whichmodel.advice import Advice
from whichmodel.catalog import Catalog
from whichmodel.errors import RuntimeProblem, UsageError

__all__ = ["Advice", "Estimate", "advise", "estimate", "recipe"]

log = logging.getLogger("whichmodel")

Value = str | int | float
Paths = str | Path | Sequence[str | Path] | None


def _text(name: str, value: Any) -> Any:
    """A keyword as the CLI would receive it: a string (or a list of strings for repeatable flags)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise UsageError(f"{name}: {value!r} is not a value for it", "Pass a string or a number")
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, Sequence):
        return [_text(name, v) for v in value]
    raise UsageError(f"{name}: a {type(value).__name__} is not a value for it", "Pass a string or a number")


def _list(name: str, value: Any) -> list[str] | None:
    text = _text(name, value)
    return [text] if isinstance(text, str) else text


def _catalog(paths: Paths) -> Catalog:
    from whichmodel import inputs

    if paths is None:
        return inputs.load([])
    if isinstance(paths, str | Path):
        return inputs.load([paths])
    return inputs.load(list(paths))


def scope_flags(**fields: Any) -> dict[str, Any]:
    """Keyword arguments as the flag strings `advise` receives (``task`` and ``language`` are lists)."""
    from whichmodel.inputs import flag_for

    flags: dict[str, Any] = {}
    for key, value in fields.items():
        field = {"task": "tasks", "language": "languages"}.get(key, key)
        if field in ("tasks", "languages") or isinstance(value, list | tuple):
            flags[field] = _list(flag_for(field), value)
        else:
            flags[field] = _text(flag_for(field), value)
    return flags


def advise(
    task: str | Sequence[str] | None = None,
    *,
    language: str | Sequence[str] | None = None,
    examples: Value | None = None,
    domain_tokens: Value | None = None,
    input_tokens: Value | None = None,
    gpu_hours: Value | None = None,
    gpu: str | None = None,
    gpus: Value | None = None,
    serve: str | None = None,
    license: str | None = None,
    domain: str | None = None,
    top: Value | None = None,
    scope: str | Path | Mapping[str, Any] | None = None,
    catalog: Paths = None,
    discover: bool = False,
    **more: Any,
) -> Advice:
    """The advice for a scope, as `advise --json` gives it for the same flags.

    Each keyword is the flag of the same name (``gpu_hours`` is ``--gpu-hours``); ``task`` and ``language``
    take a string or a list. ``scope`` is a scope file's path or a mapping of its fields (keywords override
    it). Scope fields added later (``labels``, ``prefer``, ...) are accepted as keywords too.
    Raises :class:`whichmodel.UsageError` for a bad value and :class:`whichmodel.CatalogError` for an
    invalid catalog, with the CLI's messages.
    """
    from whichmodel import inputs
    from whichmodel.engine import advise as engine_advise

    cat = _catalog(catalog)
    flags = scope_flags(
        task=task,
        language=language,
        examples=examples,
        domain_tokens=domain_tokens,
        input_tokens=input_tokens,
        gpu_hours=gpu_hours,
        gpu=gpu,
        gpus=gpus,
        serve=serve,
        license=license,
        domain=domain,
        top=top,
        **more,
    )
    scope_in = Path(scope) if isinstance(scope, str) else scope
    the_scope = inputs.build_scope(cat, scope_in, flags)
    extra: list[Any] = []
    if discover:  # asks the Hub: the only path here that imports huggingface_hub
        from whichmodel.hub.discovery import discover_models
        from whichmodel.hub.settings import HubError

        try:
            extra, notes = discover_models(the_scope, cat)
        except HubError as exc:  # the CLI's error for --discover (cli/advise.py), as an exception
            raise RuntimeProblem(
                f"--discover: {exc.message}", exc.hint or "Run without --discover to use the catalog alone"
            ) from None
        for note in notes:
            log.warning("%s", note)
    warnings: list[str] = []
    snapshot = inputs.load_snapshot(warnings)
    for w in warnings:
        log.warning("%s", w)
    return engine_advise(the_scope, cat, snapshot=snapshot, now=datetime.now(UTC), extra=extra)


class Estimate(BaseModel):
    """The `estimate --json` document (see docs/json.md); keys the estimator adds later are kept as extras."""

    model_config = ConfigDict(extra="allow")

    model: str | None
    params: float
    strategy: str
    tokens: float | None
    accelerator: str
    gpus: int
    flops: float | None
    gpu_hours: float | None
    cost_usd: float | None
    memory_gb: dict[str, float]
    gpus_needed: int | None
    fits: bool
    assumptions: list[str]


def estimate(
    model: str | None = None,
    *,
    strategy: str | None = None,
    params: Value | None = None,
    tokens: Value | None = None,
    examples: Value | None = None,
    tokens_per_example: Value | None = None,
    epochs: Value | None = None,
    gpu: str | None = None,
    gpus: Value | None = None,
    seq_len: Value | None = None,
    batch: Value | None = None,
    dtype: str | None = None,
    gradient_checkpointing: bool = True,
    catalog: Paths = None,
) -> Estimate:
    """Memory, compute, time and cost of one job, as `estimate --json` gives it for the same flags.

    ``model`` is a catalog id or hub id (or give ``params``); ``strategy`` is one of inference, as-is,
    full-finetune, lora, qlora, continued-pretraining, pretrain.
    """
    from whichmodel import inputs

    _, _, _, doc = inputs.estimate_document(
        _catalog(catalog),
        model=_text("MODEL", model),
        params=_text("--params", params),
        strategy=_text("--strategy", strategy),
        tokens=_text("--tokens", tokens),
        examples=_text("--examples", examples),
        tokens_per_example=_text("--tokens-per-example", tokens_per_example),
        epochs=_text("--epochs", epochs),
        gpu=_text("--gpu", gpu),
        gpus=_text("--gpus", gpus),
        seq_len=_text("--seq-len", seq_len),
        batch=_text("--batch", batch),
        dtype=_text("--dtype", dtype),
        gradient_checkpointing=gradient_checkpointing,
    )
    return Estimate.model_validate(doc)


def recipe(advice: Advice, rank: int = 1, to: str = "trl", *, catalog: Paths = None) -> str:
    """The recipe `whichmodel recipe --rank N --to TARGET` writes for ``advice``: a training script, an Axolotl
    config or an inference snippet (see docs/recipes.md). ``catalog`` must be the one the advice used."""
    from whichmodel.recipes import build

    return build(advice, _catalog(catalog), rank=rank, to=to)

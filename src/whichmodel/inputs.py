"""User input (command-line strings, a scope file, Python keywords) turned into a scope or an estimate.

Shared by the CLI (which only parses flags into strings) and the Python API, so that both give the same
results and the same error messages. Pure: no printing, no network. Errors are
:class:`whichmodel.errors.UsageError` naming the flag (``--examples``) and a fix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from whichmodel import vocab
from whichmodel.catalog import Catalog, UnknownName
from whichmodel.catalog_schema import Accelerator, Model
from whichmodel.errors import UsageError, unknown_name
from whichmodel.numbers import human, parse_count, parse_number
from whichmodel.scope import Scope, ScopeFieldError, ScopeInput, ScopeProblem, normalize

if TYPE_CHECKING:
    from whichmodel.hub_snapshot import Snapshot

# Scope field -> the flag that sets it; a field not listed is set by --field-name (gpu_hours -> --gpu-hours).
FLAG: dict[str, str] = {
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
NUM_HINT = "Numbers may be written 7B, 1.4T, 300M, 50k or 2e9"


def flag_for(field: str) -> str:
    """The command-line flag for a scope field."""
    return FLAG.get(field) or "--" + field.replace("_", "-")


# --- scope ------------------------------------------------------------------------------------------------


def read_scope_file(path: Path) -> dict[str, Any]:
    """A scope file's mapping, or a usage error naming the problem."""
    from whichmodel import yamlio

    try:
        data = yamlio.load(path)
    except yamlio.DocumentError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise UsageError(
            f"Scope file {str(path)!r} {exc.message}{where}", "Pass a YAML or JSON mapping of scope fields"
        ) from None
    if data is None:
        raise UsageError(
            f"Scope file {str(path)!r} is empty", "Write fields such as `tasks: [summarization]`"
        )
    if not isinstance(data, dict):
        raise UsageError(
            f"Scope file {str(path)!r} holds a {type(data).__name__}, not a mapping",
            "Write fields such as `tasks: [summarization]`",
        )
    return data


def build_scope(
    catalog: Catalog, scope_file: Path | Mapping[str, Any] | None, flags: Mapping[str, Any]
) -> Scope:
    """Merge the scope file (or a mapping of its fields) with flags (flags win), validate, and normalize
    against the catalog."""
    if scope_file is None:
        try:
            raw = ScopeInput.from_flags(dict(flags))
        except ScopeFieldError as exc:
            raise UsageError(
                f"{flag_for(exc.field)}: {exc.message}", "See `whichmodel advise --help`"
            ) from None
        return _normalize(raw, catalog)
    if isinstance(scope_file, Mapping):
        data: dict[str, Any] = dict(scope_file)
        source = "scope mapping"
    else:
        data = read_scope_file(scope_file)
        source = f"scope file {str(scope_file)!r}"
    for key, value in flags.items():
        if value is not None and value != []:
            data[key] = value
    try:
        raw = ScopeInput.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = str(err["loc"][0]) if err["loc"] else "scope"
        name = flag_for(field) if flags.get(field) not in (None, []) else f"{field} (in the {source})"
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            known = ", ".join(ScopeInput.model_fields)
            raise UsageError(
                f"Unknown scope field {field!r} in the {source}", f"Known fields: {known}"
            ) from None
        raise UsageError(f"{name}: {msg}", "See `whichmodel advise --help`") from None
    return _normalize(raw, catalog)


def _normalize(raw: ScopeInput, catalog: Catalog) -> Scope:
    try:
        return normalize(raw, catalog)
    except ScopeProblem as exc:
        close = f"; closest: {', '.join(repr(m) for m in exc.matches)}" if exc.matches else ""
        listing = exc.hint or HINTS.get(exc.field, "See `whichmodel advise --help`")
        raise UsageError(f"{flag_for(exc.field)}: {exc.message}{close}", listing) from None


LANGUAGE_HINT = "Run `whichmodel catalog languages` to see the codes"
# A scope field -> the fix named when the catalog cannot resolve its value.
HINTS: dict[str, str] = {
    "tasks": "Run `whichmodel tasks` to see them all",
    "gpu": "Run `whichmodel catalog accelerators` to see them all",
    "serve": "Use an accelerator id, cpu or edge",
    "languages": LANGUAGE_HINT + " ('code' and 'multi' too)",
    "source_languages": LANGUAGE_HINT,
    "target_languages": LANGUAGE_HINT,
}


# --- numbers and names ------------------------------------------------------------------------------------


def count(flag: str, text: str | float | None, *, positive: bool = False) -> int | None:
    if text is None:
        return None
    try:
        return parse_count(text, allow_zero=not positive)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}", NUM_HINT) from None


def number(flag: str, text: str | float | None, *, positive: bool = False) -> float | None:
    if text is None:
        return None
    try:
        value = parse_number(text)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}", NUM_HINT) from None
    if value < 0 or (positive and value == 0):
        raise UsageError(f"{flag}: {text!r} must be {'greater than 0' if positive else 'at least 0'}")
    return value


def whole(flag: str, text: str | float | None) -> int | None:
    value = number(flag, text, positive=True)
    if value is None:
        return None
    if value != math.floor(value):
        raise UsageError(f"{flag}: {text!r} must be a whole number", NUM_HINT)
    return int(value)


def resolve_model(cat: Catalog, name: str) -> Model:
    try:
        return cat.model(name)
    except UnknownName as exc:
        raise unknown_name("model", name, exc.matches, "whichmodel catalog list") from None


def resolve_accelerator(cat: Catalog, name: str) -> Accelerator:
    try:
        return cat.accelerator(name)
    except UnknownName as exc:
        raise unknown_name("accelerator", name, exc.matches, "whichmodel catalog accelerators") from None


# --- one job (`estimate`) ---------------------------------------------------------------------------------

DEFAULT_GPU = vocab.DEFAULT_GPU


def _defaults() -> Any:
    from whichmodel import estimator

    return estimator.DEFAULTS  # one set of job defaults, shared with advise


def estimate_document(
    cat: Catalog,
    *,
    model: str | None = None,
    params: str | float | None = None,
    strategy: str | None = None,
    tokens: str | float | None = None,
    examples: str | float | None = None,
    tokens_per_example: str | float | None = None,
    epochs: str | float | None = None,
    gpu: str | None = None,
    gpus: str | int | None = None,
    seq_len: str | int | None = None,
    batch: str | int | None = None,
    dtype: str | None = None,
    gradient_checkpointing: bool = True,
    optimizer: str | None = None,
    offload: str | None = None,
    lora_rank: str | int | None = None,
    lora_targets: str | None = None,
    stack: str | None = None,
    input_tokens: str | int | None = None,
    output_tokens: str | int | None = None,
    concurrency: str | int | None = None,
    runtime: str | None = None,
) -> tuple[Any, Any, Any, dict[str, Any]]:
    """The `estimate --json` document for one job, with the estimate, accelerator and catalog entry behind it."""
    from whichmodel import estimator

    defaults = _defaults()
    if strategy is None:
        raise UsageError("Missing --strategy", f"Use one of: {', '.join(estimator.STRATEGIES)}")
    try:
        strat = estimator.normalize_strategy(strategy)
        dt = estimator.normalize_dtype(dtype) if dtype is not None else None
        opt = estimator.normalize_optimizer(optimizer) if optimizer is not None else None
        off = estimator.normalize_offload(offload) if offload is not None else "none"
        stk = estimator.normalize_stack(stack) if stack is not None else "trainer"
        rt = estimator.normalize_runtime(runtime) if runtime is not None else None
        targets = lora_targets if lora_targets is not None else "all-linear"
        if targets not in estimator.LORA_TARGETS:
            raise estimator.EstimateError(
                f"Unknown --lora-targets {lora_targets!r}; use one of: {', '.join(estimator.LORA_TARGETS)}"
            )
    except estimator.EstimateError as exc:
        raise UsageError(str(exc)) from None
    if model is None and params is None:
        raise UsageError(
            "Give a MODEL (catalog or hub id) or --params",
            "For example: whichmodel estimate --params 7B -s lora",
        )
    n_params = number("--params", params, positive=True)
    n_gpus = whole("--gpus", gpus)
    n_seq = whole("--seq-len", seq_len)
    n_batch = whole("--batch", batch)
    n_tokens = number("--tokens", tokens, positive=True)
    n_examples = number("--examples", examples, positive=True)
    n_tpe = number("--tokens-per-example", tokens_per_example, positive=True)
    n_epochs = number("--epochs", epochs, positive=True)
    n_rank = whole("--lora-rank", lora_rank)
    n_in = whole("--input-tokens", input_tokens)
    n_out = whole("--output-tokens", output_tokens)
    n_conc = whole("--concurrency", concurrency)
    if n_tokens is not None and n_examples is not None:
        raise UsageError("Give --tokens or --examples, not both")
    if n_examples is None and (n_tpe is not None or n_epochs is not None):
        raise UsageError("--tokens-per-example and --epochs go with --examples")

    entry = resolve_model(cat, model) if model is not None else None
    assumed: list[str] = []
    if entry is not None and n_params is None:
        n_params = entry.params_b * 1e9
    elif entry is not None:
        assumed.append(
            f"--params {human(n_params)} replaces {entry.id}'s {human(entry.params_b * 1e9)} parameters"
        )
    assert n_params is not None
    if gpu is None:
        gpu = DEFAULT_GPU
        assumed.append(f"accelerator {DEFAULT_GPU} (default; pass --gpu)")
    training = strat not in estimator.NO_TRAINING
    target = cat.serving.get(gpu.strip().lower())
    if target is not None and training:
        raise UsageError(
            f"--gpu {gpu}: {target.id} is a serving target, for inference only",
            "Train on a GPU, e.g. --gpu a100-80gb",
        )
    acc: Any = target if target is not None else resolve_accelerator(cat, gpu)
    if not training:
        if n_in is None:
            n_in = defaults.input_tokens
            assumed.append(f"{n_in} input tokens per request (default; pass --input-tokens)")
        if n_out is None:
            n_out = defaults.output_tokens
            assumed.append(f"{n_out} output tokens per request (default; pass --output-tokens)")
        if n_conc is None:
            n_conc = defaults.concurrency
    else:
        extra = [f for f, v in (("--input-tokens", n_in), ("--output-tokens", n_out), ("--concurrency", n_conc),
                                ("--runtime", runtime)) if v is not None]  # fmt: skip
        if extra:
            raise UsageError(f"{', '.join(extra)} go with --strategy inference or as-is")
    if n_gpus is None:
        n_gpus = 1
    if n_seq is None:
        if training:
            n_seq = defaults.seq_len
        else:
            assert n_in is not None and n_out is not None
            n_seq = n_in + n_out
            if entry is not None and entry.context_tokens is not None:
                n_seq = min(n_seq, entry.context_tokens)
        assumed.append(f"sequence length {n_seq:,} (default; pass --seq-len)")
    if n_batch is None:
        n_batch = defaults.micro_batch if training else (n_conc or 1)
        assumed.append(f"micro-batch {n_batch} per GPU (default; pass --batch)")
    if not training and (n_tokens is not None or n_examples is not None):
        assumed.append("--tokens / --examples ignored: inference trains nothing")
        n_tokens = None
    elif n_examples is not None:
        epochs_v = n_epochs if n_epochs is not None else estimator.FINETUNE_EPOCHS
        tpe_v = n_tpe if n_tpe is not None else estimator.TOKENS_PER_EXAMPLE
        try:
            n_tokens = estimator.finetune_tokens(n_examples, epochs=epochs_v, tokens_per_example=tpe_v)
        except estimator.EstimateError as exc:
            raise UsageError(str(exc)) from None
        assumed.append(
            f"training tokens {human(n_tokens)} = {human(n_examples)} examples × {epochs_v:g} epochs × "
            f"{tpe_v:g} tokens per example"
            + (" (default epochs)" if n_epochs is None else "")
            + (" (default tokens per example)" if n_tpe is None else "")
        )
    try:
        job = estimator.estimate_job(
            params=n_params,
            strategy=strat,
            accelerator=acc,
            gpus=n_gpus,
            tokens=n_tokens,
            seq_len=n_seq,
            batch=n_batch,
            dtype=dt,
            model=entry,
            gradient_checkpointing=gradient_checkpointing,
            model_id=entry.id if entry is not None else None,
            lora_rank=n_rank,
            lora_targets=targets,
            optimizer=opt,
            offload=off,
            stack=stk,
            runtime=rt,
            **({} if training else {"input_tokens": n_in, "output_tokens": n_out, "concurrency": n_conc}),
        )
    except estimator.EstimateError as exc:
        raise UsageError(str(exc)) from None
    doc = job.to_json()
    doc["assumptions"] = [a[0].upper() + a[1:] for a in assumed] + doc["assumptions"]
    doc["assumed"] = assumed
    return job, acc, entry, doc


# --- the catalog ------------------------------------------------------------------------------------------


def load(paths: Sequence[str | Path] = ()) -> Catalog:
    """The bundled catalog plus user catalogs, or an error listing every problem."""
    from whichmodel.catalog import CatalogError as Invalid
    from whichmodel.catalog import load_catalog
    from whichmodel.errors import CatalogError

    try:
        return load_catalog([str(p) for p in paths])
    except Invalid as exc:
        missing = [p for p in exc.problems if p.message.startswith("does not exist")]
        if missing and len(missing) == len(exc.problems):
            raise UsageError(
                f"Catalog file {missing[0].file!r} does not exist",
                "Check the --catalog path or WHICHMODEL_CATALOG",
            ) from None
        n = len(exc.problems)
        raise CatalogError(
            f"The catalog has {n} problem{'s' if n != 1 else ''}",
            "Fix the lines above; `whichmodel catalog validate` checks again",
            details=[str(p) for p in exc.problems],
        ) from None


# --- the Hub snapshot -------------------------------------------------------------------------------------


def load_snapshot(warnings: list[str]) -> Snapshot | None:
    """The Hub snapshot when one exists (its module is imported only then); problems are appended to
    ``warnings`` as sentences for the caller to show."""
    from whichmodel.paths import cache_dir

    try:
        path = cache_dir() / "hub-snapshot.json"
    except RuntimeError as exc:  # '~' in WHICHMODEL_CACHE_DIR and no home directory to expand it to
        warnings.append(f"the Hub snapshot's folder is unknown ({exc}); advising without it.")
        return None
    try:
        present = path.is_file()
    except (OSError, ValueError) as exc:  # a name too long for the file system, say
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        warnings.append(f"the Hub snapshot's folder cannot be used ({reason}); advising without it.")
        return None
    if not present:
        return None
    from whichmodel.hub_snapshot import read_snapshot

    return read_snapshot(path, warnings)

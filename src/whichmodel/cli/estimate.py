"""`whichmodel estimate`: memory, compute, time and cost of one training or inference job."""

from __future__ import annotations

import textwrap
from typing import Annotated, Any

import typer

from whichmodel import estimator
from whichmodel.cli import complete, output
from whichmodel.cli.common import CatalogOpt, JsonOpt, load
from whichmodel.inputs import DEFAULT_GPU
from whichmodel.numbers import human

AUTO = "auto"  # --gpu auto: this machine's accelerator (see whichmodel.hardware)

TRAIN_SEQ_LEN = estimator.DEFAULTS.seq_len  # one set of defaults with advise (estimator.DEFAULTS)
TRAIN_BATCH = estimator.DEFAULTS.micro_batch


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate)


def estimate(
    model: Annotated[
        str | None,
        typer.Argument(
            help="Catalog id or Hugging Face hub id (or give --params).",
            show_default=False,
            metavar="MODEL",
            autocompletion=complete.models,
        ),
    ] = None,
    params: Annotated[
        str | None,
        typer.Option("--params", metavar="N", help="Parameter count, e.g. 7B or 350M (stands in for MODEL)."),
    ] = None,
    strategy: Annotated[
        str | None,
        typer.Option(
            "--strategy",
            "-s",
            metavar="STRATEGY",
            autocompletion=complete.strategies,
            help="inference, as-is, full-finetune, lora, qlora, continued-pretraining or pretrain.",
            show_default=False,
        ),
    ] = None,
    tokens: Annotated[
        str | None,
        typer.Option(
            "--tokens", metavar="N", help="Tokens the job trains on, e.g. 2B (ignored for inference)."
        ),
    ] = None,
    examples: Annotated[
        str | None,
        typer.Option(
            "--examples", metavar="N", help="Training examples (tokens = examples × epochs × tokens each)."
        ),
    ] = None,
    tokens_per_example: Annotated[
        str | None,
        typer.Option(
            "--tokens-per-example",
            metavar="N",
            help=f"Tokens per example with --examples [default: {estimator.TOKENS_PER_EXAMPLE:g}].",
        ),
    ] = None,
    epochs: Annotated[
        str | None,
        typer.Option(
            "--epochs", metavar="N", help=f"Epochs with --examples [default: {estimator.FINETUNE_EPOCHS:g}]."
        ),
    ] = None,
    gpu: Annotated[
        str | None,
        typer.Option(
            "--gpu",
            metavar="ID|auto",
            help="Accelerator id or alias; cpu or edge for inference; or auto: this machine (its NVIDIA GPU for "
            f"training; for inference its GPU, Apple chip or CPU and RAM) [default: {DEFAULT_GPU}].",
            autocompletion=complete.serve,
        ),
    ] = None,
    gpus: Annotated[
        str | None, typer.Option("--gpus", metavar="N", help="How many GPUs [default: 1].")
    ] = None,
    seq_len: Annotated[
        str | None,
        typer.Option(
            "--seq-len",
            metavar="N",
            help=f"Sequence length [default: {TRAIN_SEQ_LEN} for training; for inference the context held in "
            "the KV cache, input + output tokens or the model's window if shorter].",
        ),
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            metavar="N",
            help=f"Micro-batch per GPU [default: {TRAIN_BATCH} for training, --concurrency for inference].",
        ),
    ] = None,
    dtype: Annotated[
        str | None,
        typer.Option(
            "--dtype",
            metavar="DTYPE",
            help="fp32, bf16, fp16, int8 or int4 [default: bf16; int4 for qlora].",
            autocompletion=complete.dtypes,
        ),
    ] = None,
    optimizer: Annotated[
        str | None,
        typer.Option(
            "--optimizer",
            metavar="NAME",
            help=f"{', '.join(estimator.OPTIMIZERS)} [default: adamw; paged-adamw-8bit for qlora].",
            show_default=False,
        ),
    ] = None,
    offload: Annotated[
        str | None,
        typer.Option(
            "--offload",
            metavar="WHAT",
            help="none, optimizer (gradients and optimizer states in CPU RAM) or all (weights too) [default: none].",
            show_default=False,
        ),
    ] = None,
    lora_rank: Annotated[
        str | None,
        typer.Option("--lora-rank", metavar="R", help=f"LoRA rank [default: {estimator.LORA_RANK}]."),
    ] = None,
    lora_targets: Annotated[
        str | None,
        typer.Option(
            "--lora-targets",
            metavar="LAYERS",
            help="all-linear, attention or qv: the layers LoRA adapts [default: all-linear].",
            show_default=False,
        ),
    ] = None,
    stack: Annotated[
        str | None,
        typer.Option(
            "--stack",
            metavar="STACK",
            help="trainer (plain Hugging Face Trainer) or optimized (packed, compiled, fused kernels: Unsloth, "
            "Liger, axolotl) [default: trainer].",
            show_default=False,
        ),
    ] = None,
    input_tokens: Annotated[
        str | None,
        typer.Option(
            "--input-tokens",
            metavar="N",
            help=f"Inference: prompt tokens per request [default: {estimator.DEFAULTS.input_tokens}].",
        ),
    ] = None,
    output_tokens: Annotated[
        str | None,
        typer.Option(
            "--output-tokens",
            metavar="N",
            help=f"Inference: generated tokens per request [default: {estimator.DEFAULTS.output_tokens}].",
        ),
    ] = None,
    concurrency: Annotated[
        str | None,
        typer.Option(
            "--concurrency",
            metavar="N",
            help="Inference: sequences decoded together (decode tokens/s is per sequence) [default: 1].",
        ),
    ] = None,
    runtime: Annotated[
        str | None,
        typer.Option(
            "--runtime",
            metavar="NAME",
            help="Inference: transformers, vllm or llama.cpp [default: vllm for decoders on a GPU, transformers "
            "for other GPU models, llama.cpp on cpu and edge].",
            show_default=False,
        ),
    ] = None,
    gradient_checkpointing: Annotated[
        bool,
        typer.Option(
            "--gradient-checkpointing/--no-gradient-checkpointing",
            help="Recompute activations in the backward pass.",
        ),
    ] = True,
    json_: JsonOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """Estimate the memory, GPU-hours, wall-clock and cost of one job, with every assumption behind them."""
    from whichmodel.inputs import estimate_document

    cat = load(catalog)
    detected: list[str] = []
    if gpu is not None and gpu.strip().lower() == AUTO and strategy is not None:
        gpu, gpus, detected = _detect(cat, strategy, gpus)
    job, acc, entry, doc = estimate_document(
        cat,
        model=model,
        params=params,
        strategy=strategy,
        tokens=tokens,
        examples=examples,
        tokens_per_example=tokens_per_example,
        epochs=epochs,
        gpu=gpu,
        gpus=gpus,
        seq_len=seq_len,
        batch=batch,
        dtype=dtype,
        gradient_checkpointing=gradient_checkpointing,
        optimizer=optimizer,
        offload=offload,
        lora_rank=lora_rank,
        lora_targets=lora_targets,
        stack=stack,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        concurrency=concurrency,
        runtime=runtime,
    )
    if detected:
        doc["assumed"] = [*detected, *doc["assumed"]]
        doc["assumptions"] = [*detected, *doc["assumptions"]]
    if json_:
        output.emit_json(doc)
        return
    _render(job, acc, entry, doc["assumptions"])


def _detect(cat: Any, strategy: str, gpus: str | None) -> tuple[str, str | None, list[str]]:
    """``--gpu auto``: a training job runs on this machine's NVIDIA GPU (every one of its kind unless --gpus
    says otherwise), an inference job where ``advise --serve auto`` would serve (its GPU, Apple chip, or the
    CPU with its RAM). Returns the accelerator id, the GPU count and what was detected, as sentences."""
    from whichmodel.cli.scopeargs import resolve_auto

    try:
        strat = estimator.normalize_strategy(strategy)
    except estimator.EstimateError:
        return AUTO, gpus, []  # estimate_document reports the strategy first
    if strat in estimator.NO_TRAINING:
        values: dict[str, Any] = {"serve": AUTO}
        told = resolve_auto(cat, values, serve_flag="--gpu")
        return str(values["serve"]), gpus, [why for _, _, why in told]
    values = {"gpu": AUTO, "gpus": gpus}
    told = resolve_auto(cat, values)
    count = values["gpus"]
    return str(values["gpu"]), None if count is None else str(count), [why for _, _, why in told]


def verdict(job: estimator.JobEstimate) -> str:
    acc = job.accelerator
    if job.gpus_needed is None:
        if job.memory.per_gpu_fixed >= job.usable_gb_per_gpu:
            return (
                f"does not fit on any number of {acc}: activations and overhead alone need "
                f"{job.memory.per_gpu_fixed:.1f} GB per GPU (lower --batch or --seq-len)"
            )
        return f"does not fit: more than {estimator.MAX_GPUS:,}× {acc} would be needed"
    if job.fits:
        if job.gpus == 1:
            return f"fits on 1× {acc}"
        return f"fits on {job.gpus}× {acc} (needs {job.gpus_needed})"
    return f"needs {job.gpus_needed}× {acc} (you gave {job.gpus})"


def _render(job: estimator.JobEstimate, acc, entry, assumptions: list[str]) -> None:
    from rich.table import Table
    from rich.text import Text

    con = output.console()
    name = entry.id if entry is not None else f"{human(job.params)}-parameter model"
    con.print(Text.assemble((name, "bold"), f" ({human(job.params)} parameters, {job.family})"))
    con.print(
        Text(job.strategy, style="bold"),
        f"on {job.gpus}× {acc.name} · {job.dtype} · seq {job.seq_len:,} × batch {job.batch}",
    )
    m = job.memory
    parts = [
        ("weights", m.weights),
        ("gradients", m.gradients),
        ("optimizer", m.optimizer),
        ("activations", m.activations),
        ("KV cache", m.kv_cache),
        ("overhead", m.overhead),
    ]
    width = 40
    table = Table(
        box=None, show_header=False, pad_edge=False, title="Memory (GB, whole job)", title_justify="left"
    )
    table.add_column("component")
    table.add_column("GB", justify="right")
    table.add_column("bar")
    for label, value in parts:
        cells = round(width * value / m.total) if m.total > 0 else 0
        bar = "█" * cells if cells else ("▏" if value > 0 else "")
        table.add_row(label, f"{value:,.2f}", Text(bar))
    table.add_row(Text("total", style="bold"), Text(f"{m.total:,.2f}", style="bold"), "")
    con.print()
    con.print(table)
    per_gpu = f"{job.per_gpu_gb:,.1f} GB per GPU on {job.gpus}" if job.gpus > 1 else ""
    con.print(
        f"Usable per GPU: {job.usable_gb_per_gpu:,.1f} GB of {acc.memory_gb:g} GiB"
        + (f"; {per_gpu}" if per_gpu else "")
    )
    con.print()
    if job.training:
        if job.flops is None:
            con.print("Compute:    not estimated (no training tokens; pass --tokens or --examples)")
        else:
            con.print(f"Compute:    {job.flops:.3g} FLOPs on {human(job.tokens)} tokens (MFU {job.mfu:.3f})")
            hours = "?" if job.gpu_hours is None else output.fmt_num(job.gpu_hours)
            con.print(
                f"GPU-hours:  {hours}"
                + (" (no TFLOP/s figure for this accelerator)" if job.gpu_hours is None else "")
            )
            if job.wall_clock_hours is not None:
                con.print(
                    f"Wall-clock: {_duration(job.wall_clock_hours)} on {job.gpus} GPU{'s' if job.gpus != 1 else ''}"
                )
            cost = output.fmt_usd(job.cost_usd) if job.cost_usd is not None else "? (no price in the catalog)"
            con.print(f"Cost:       {cost}")
    elif job.serving is not None:
        _render_serving(con, job.serving)
    else:
        con.print("Compute:    none (inference: memory only)")
    style = "green" if job.fits else "red"
    con.print(Text.assemble("Verdict:    ", (verdict(job), style)))
    con.print()
    con.print(Text("Assumptions", style="bold"))
    wrap = max(40, con.width - 4)
    for a in assumptions:
        lines = textwrap.wrap(a, wrap) or [""]
        con.print(Text("  • " + lines[0]))
        for line in lines[1:]:
            con.print(Text("    " + line))


def _rate(x: float | None, unit: str) -> str:
    if x is None:
        return "? (not estimated)"
    return f"{output.fmt_num(x)} {unit}"


def _render_serving(con, s: estimator.Serving) -> None:
    con.print(
        f"Serving:    {s.runtime}, {s.dtype}, {s.input_tokens:,} in / {s.output_tokens:,} out per request"
    )
    if s.max_concurrent == 0:
        con.print("Speed:      not estimated (the weights do not fit)")
        return
    per = f" per sequence at {s.concurrency} concurrent" if s.concurrency > 1 else ""
    con.print(f"Decode:     {_rate(s.decode_tokens_per_s, 'tokens/s')}{per}")
    con.print(f"Prefill:    {_rate(s.prefill_tokens_per_s, 'tokens/s')}")
    ttft = s.time_to_first_token_s
    con.print("TTFT:       " + ("? (not estimated)" if ttft is None else f"{ttft:.3g} s to the first token"))
    con.print(f"Concurrent: up to {s.max_concurrent:,} sequences in the KV cache")
    usd = s.usd_per_million_tokens
    con.print(
        "Cost:       "
        + (
            "? (no price in the catalog)"
            if usd is None
            else f"{output.fmt_usd(usd)} per million generated tokens"
        )
    )


def _duration(hours: float) -> str:
    if hours < 1 / 60:
        return f"{hours * 3600:.0f} s"
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:,.1f} days"

"""`whichmodel estimate`: memory, compute, time and cost of one training or inference job."""

from __future__ import annotations

import textwrap
from typing import Annotated

import typer

from whichmodel import estimator
from whichmodel.cli import output
from whichmodel.cli.common import CatalogOpt, JsonOpt, load
from whichmodel.inputs import DEFAULT_GPU, INFER_BATCH, INFER_SEQ_LEN, TRAIN_BATCH, TRAIN_SEQ_LEN
from whichmodel.numbers import human


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate)


def estimate(
    model: Annotated[
        str | None,
        typer.Argument(
            help="Catalog id or Hugging Face hub id (or give --params).",
            show_default=False,
            metavar="MODEL",
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
        typer.Option("--gpu", metavar="ID", help=f"Accelerator id or alias [default: {DEFAULT_GPU}]."),
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
            f"the KV cache, {INFER_SEQ_LEN} or the model's window if shorter].",
        ),
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            metavar="N",
            help=f"Micro-batch per GPU [default: {TRAIN_BATCH} for training, {INFER_BATCH} for inference].",
        ),
    ] = None,
    dtype: Annotated[
        str | None,
        typer.Option(
            "--dtype", metavar="DTYPE", help="fp32, bf16, fp16, int8 or int4 [default: bf16; int4 for qlora]."
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

    job, acc, entry, doc = estimate_document(
        load(catalog),
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
    )
    if json_:
        output.emit_json(doc)
        return
    _render(job, acc, entry, doc["assumptions"])


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


def _duration(hours: float) -> str:
    if hours < 1 / 60:
        return f"{hours * 3600:.0f} s"
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:,.1f} days"

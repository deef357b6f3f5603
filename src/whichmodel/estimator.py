# TEMPORARY STUB (lead's local testing only; replaced by the estimator branch)
from __future__ import annotations

import math
from dataclasses import dataclass

STRATEGIES = ("inference", "as-is", "full-finetune", "lora", "qlora", "continued-pretraining", "pretrain")
DTYPE_BYTES = {"fp32": 4, "bf16": 2, "fp16": 2, "int8": 1, "int4": 0.5}
FINETUNE_EPOCHS = 3.0
TOKENS_PER_EXAMPLE = 256


@dataclass(frozen=True)
class Memory:
    weights: float
    gradients: float
    optimizer: float
    activations: float
    kv_cache: float
    overhead: float
    total: float


@dataclass(frozen=True)
class JobEstimate:
    params: float
    strategy: str
    tokens: float | None
    accelerator: str
    gpus: int
    dtype: str
    seq_len: int
    batch: int
    flops: float | None
    gpu_hours: float | None
    wall_clock_hours: float | None
    cost_usd: float | None
    memory: Memory
    gpus_needed: int | None
    fits: bool
    assumptions: tuple[str, ...]


class EstimateError(ValueError):
    pass


def inference_memory(*, params, dtype="bf16", model=None, context_tokens=2048, batch=1):
    w = params * DTYPE_BYTES[dtype] / 1e9
    kv = 0.0
    if model is not None and model.family != "encoder-only":
        layers = model.layers or 32
        kvh = model.kv_heads or model.heads or 8
        hd = model.head_dim or 128
        kv = 2 * layers * kvh * hd * 2 * context_tokens * batch / 1e9
    return Memory(w, 0, 0, 0, kv, 0.5, w + kv + 0.5)


def finetune_tokens(examples, *, epochs=FINETUNE_EPOCHS, tokens_per_example=TOKENS_PER_EXAMPLE):
    return examples * epochs * tokens_per_example


def training_flops(params, tokens, strategy):
    return (4 if strategy in ("lora", "qlora") else 6) * params * tokens


def gpu_hours_for(flops, accelerator, strategy, params=None):
    if accelerator.bf16_tflops is None:
        return None
    mfu = 0.4 if strategy == "pretrain" else 0.3
    return flops / (accelerator.bf16_tflops * 1e12 * mfu * 3600)


def flops_in(gpu_hours, accelerator, strategy="pretrain"):
    if accelerator.bf16_tflops is None:
        return None
    return gpu_hours * accelerator.bf16_tflops * 1e12 * 0.4 * 3600


def compute_optimal(flops):
    n = math.sqrt(flops / 120)
    return n, 20 * n


def estimate_job(
    *,
    params,
    strategy,
    accelerator,
    gpus=1,
    tokens=None,
    seq_len=512,
    batch=8,
    dtype=None,
    model=None,
    gradient_checkpointing=True,
    model_id=None,
):
    bpp = {"full-finetune": 16, "continued-pretraining": 16, "pretrain": 16, "lora": 2.2, "qlora": 0.7}.get(
        strategy, 2
    )
    total = params * bpp / 1e9 + 2
    fl = training_flops(params, tokens or 0, strategy)
    gh = gpu_hours_for(fl, accelerator, strategy)
    need = math.ceil(total / (accelerator.memory_gb * 0.9))
    cost = gh * accelerator.usd_per_hour if gh is not None and accelerator.usd_per_hour is not None else None
    return JobEstimate(
        params,
        strategy,
        tokens,
        accelerator.id,
        gpus,
        dtype or "bf16",
        seq_len,
        batch,
        fl,
        gh,
        gh / gpus if gh else None,
        cost,
        Memory(total, 0, 0, 0, 0, 2, total),
        need,
        need <= gpus,
        ("stub",),
    )

"""The estimator: memory, compute, time and cost of one training or inference job, as pure functions.

Nothing here prints, reads files or touches the network. Every constant is named, carries its source in
a comment, and is repeated in words (with its value) in the ``assumptions`` of every estimate that uses it.
Units: memory in GB (1e9 bytes); GPU memory sizes in the catalog are the vendor's "GB", which are binary
(an "80 GB" A100 holds 80 GiB), and are converted. See docs/estimates.md for the formulas and the
calibration table (estimate vs published figure for every row of tests/data/calibration.yaml).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whichmodel.catalog_schema import Accelerator, Model

# --- vocabularies ----------------------------------------------------------------------------------

STRATEGIES: tuple[str, ...] = (
    "inference",
    "as-is",
    "full-finetune",
    "lora",
    "qlora",
    "continued-pretraining",
    "pretrain",
)
NO_TRAINING: tuple[str, ...] = ("inference", "as-is")  # "as-is" is inference: no training at all
FULL_TRAINING: tuple[str, ...] = (
    "full-finetune",
    "continued-pretraining",
    "pretrain",
)  # every weight trains: 6ND
ADAPTERS: tuple[str, ...] = ("lora", "qlora")
FAMILIES: tuple[str, ...] = ("encoder-only", "decoder-only", "encoder-decoder")

# Bytes per parameter by storage type (design.md; accelerate's model-size estimator uses the same 4/2/1/0.5).
DTYPE_BYTES: dict[str, float] = {"fp32": 4.0, "bf16": 2.0, "fp16": 2.0, "int8": 1.0, "int4": 0.5}
TRAINABLE_DTYPES: tuple[str, ...] = ("fp32", "bf16", "fp16")  # quantized weights cannot be trained directly

GB = 1e9
GIB = 2**30

# --- compute -----------------------------------------------------------------------------------------

# Training FLOPs per parameter per token: forward 2, backward 4 (Kaplan et al. 2020, arXiv:2001.08361;
# GPT-3 paper Table D.1 counts 6 for decoders and encoders).
FLOPS_PER_PARAM_TOKEN = 6.0
# LoRA/QLoRA: forward 2 + input gradients 2; the frozen weights' gradients (about 2ND) are skipped.
ADAPTER_FLOPS_PER_PARAM_TOKEN = 4.0
# Encoder-decoder: each token passes through half the parameters (the encoder's for input tokens, the
# decoder's for target tokens): GPT-3 paper Table D.1 counts T5 at 3 FLOPs/param/token.
ENCODER_DECODER_FLOPS_FACTOR = 0.5
# Compute-optimal training: about 20 tokens per parameter (Hoffmann et al. 2022, Chinchilla, Table 3).
CHINCHILLA_TOKENS_PER_PARAM = 20.0

# Model FLOPs utilisation: achieved 6ND FLOP/s over the accelerator's peak dense bf16 FLOP/s.
# Pre-training: Llama 2 (7B-70B on A100s) implies 0.35-0.44, 0.40 over the family (model card GPU-hours);
# PaLM 0.46, OPT-175B 147/312 = 0.47, Llama 3 405B 0.38-0.43 (papers).
MFU_PRETRAIN = 0.40
# Full fine-tuning jobs (one node, short sequences, small batches): calibrated so that BERT-base GLUE
# fine-tuning on one Titan RTX (implied 0.16, transformers' text-classification README) is matched once
# the small-model factor below is applied (0.25 x 0.64 = 0.16).
MFU_FINETUNE = 0.25
# LoRA trains about 25% faster than full fine-tuning (LoRA paper, arXiv:2106.09685, Sec. 4.2, GPT-3 175B):
# with 4ND instead of 6ND FLOPs, that is an MFU of 0.25 x (4/6) x 1.25 = 0.21 for adapter training.
LORA_SPEEDUP = 1.25
MFU_ADAPTER = MFU_FINETUNE * (ADAPTER_FLOPS_PER_PARAM_TOKEN / FLOPS_PER_PARAM_TOKEN) * LORA_SPEEDUP
# Small models use a GPU less well: MosaicML llm-foundry benchmarks (A100-80GB, seq 2048) give MPT-125M
# 0.34 of peak in 6N terms against about 0.54 for 1B-70B, i.e. 0.64 = (0.125)^0.21. MFU is multiplied
# by min(1, (N / 1B)^0.2).
SMALL_MODEL_PARAMS = 1e9
SMALL_MODEL_MFU_EXPONENT = 0.2
# fp32 training runs at about half the bf16 rate: TF32 tensor cores give half the bf16 peak (A100: 156 vs
# 312 TFLOP/s, NVIDIA datasheet), and BERT-base fine-tuning in fp32 took 2.0x its fp16 time on a Titan RTX
# (transformers' text-classification README).
FP32_THROUGHPUT_FACTOR = 0.5
# QLoRA dequantises every 4-bit weight before each matmul (forward, recomputation and backward). Field
# reports range from about the speed of LoRA to several times slower; 1.3x is an assumption, not a
# calibrated figure (no QLoRA timing in the calibration set).
QLORA_SLOWDOWN = 1.3

# --- memory --------------------------------------------------------------------------------------------

# Mixed-precision AdamW: 16-bit weights (2) and gradients (2), fp32 master weights, momentum and variance
# (12): 16 bytes per trained parameter (ZeRO paper, arXiv:1910.02054, Sec. 3.1, K = 12).
MIXED_WEIGHT_BYTES = 2.0
MIXED_GRAD_BYTES = 2.0
MIXED_OPTIMIZER_BYTES = 12.0
# fp32 AdamW: weights 4, gradients 4, momentum and variance 8 (accelerate's estimator: 4x the fp32 size).
FP32_WEIGHT_BYTES = 4.0
FP32_GRAD_BYTES = 4.0
FP32_OPTIMIZER_BYTES = 8.0
# LoRA adapters are kept in fp32 (PEFT casts adapter weights to fp32 by default) with their own AdamW
# state: 4 weights + 4 gradients + 8 optimizer = 16 bytes per trainable parameter.
ADAPTER_WEIGHT_BYTES = 4.0
ADAPTER_GRAD_BYTES = 4.0
ADAPTER_OPTIMIZER_BYTES = 8.0
# Trainable share of parameters under LoRA: r = 8 on the attention query/value projections trains about
# 0.2% (PEFT README: mt0-large, 0.19%), QLoRA's r = 64 on every linear layer about 2% (QLoRA paper);
# 1% (r of 16-32 on every linear layer) is the default here.
LORA_TRAINABLE_FRACTION = 0.01
# QLoRA's frozen weights: 4-bit NormalFloat plus double-quantised block constants, 4 + 0.127 bits per
# parameter (QLoRA paper, arXiv:2305.14314, Sec. 3).
QLORA_BITS_PER_PARAM = 4.127
# Activations per transformer layer with 16-bit values: s·b·h·(34 + 5·a·s/h) bytes (Korthikanti et al.
# 2022, arXiv:2205.05198, Sec. 4.1); the 5·a·s²·b term (attention scores, softmax and dropout) is not
# stored by memory-efficient attention (FlashAttention / PyTorch SDPA), the default here.
ACTIVATION_BYTES_PER_TOKEN_HIDDEN = 34.0
ATTENTION_SCORE_BYTES = 5.0
# With gradient checkpointing, only each layer's input is kept (2·s·b·h bytes in 16-bit), plus one
# layer's full activations while it is recomputed (same paper, "full recomputation").
CHECKPOINT_BYTES_PER_TOKEN_HIDDEN = 2.0
# The language-model head's logits are kept in fp32 for the loss: 4 bytes x tokens x vocabulary.
LOGITS_BYTES = 4.0
# Masked-LM pre-training predicts 15% of tokens (BERT paper, Sec. 3.1).
MLM_MASK_FRACTION = 0.15
# Vocabulary when the catalog lacks it: between BERT's 30,522 and Llama 3's 128,256; GPT-2 has 50,257.
VOCAB_ASSUMED = 50_000
# Shape when the catalog lacks it: non-embedding parameters N ≈ 12·L·h² (Kaplan et al. 2020) with
# h / L = 128 (Llama 2 7B 4096/32, 13B 5120/40; GPT-3 175B 12288/96).
PARAMS_PER_LAYER_HIDDEN2 = 12.0
HIDDEN_PER_LAYER = 128.0
# Attention head size when unknown: 64 below a hidden size of 2048 (BERT, GPT-2, T5), 128 from there (Llama).
HEAD_DIM_SMALL = 64
HEAD_DIM_LARGE = 128
HEAD_DIM_SWITCH_HIDDEN = 2048
# KV cache values are 16-bit (fp32 models: 32-bit) even when weights are quantised (transformers, vLLM).
KV_CACHE_MIN_BYTES = 2.0
# CUDA context and kernels loaded by PyTorch: 1343 MB on a V100 (transformers' "model memory anatomy").
FRAMEWORK_OVERHEAD_GB = 1343 * 2**20 / GB
# Share of a GPU's memory a job can use (allocator fragmentation, buffers): vLLM's default
# gpu_memory_utilization is 0.9.
USABLE_MEMORY_FRACTION = 0.9
# Beyond this many GPUs the answer is "does not fit" (gpus_needed None).
MAX_GPUS = 4096
# Inputs beyond these bounds are rejected as meaningless (a quadrillion parameters, a billion-token sequence).
LIMITS: dict[str, float] = {
    "params": 1e15,
    "tokens": 1e18,
    "seq_len": 1e9,
    "context_tokens": 1e9,
    "batch": 1e9,
    "gpus": 1e7,
    "examples": 1e15,
    "epochs": 1e6,
    "tokens_per_example": 1e9,
}

# --- fine-tuning data --------------------------------------------------------------------------------

# Transformers' Trainer defaults to 3 epochs (TrainingArguments.num_train_epochs = 3.0); the BERT paper
# fine-tunes for 2-4.
FINETUNE_EPOCHS = 3.0
# Tokens per training example: classification fine-tuning pads to 128 (run_glue's max_seq_length);
# instruction and chat examples run to a few hundred tokens. 256 sits between them (an assumption).
TOKENS_PER_EXAMPLE = 256.0


class EstimateError(ValueError):
    """Bad inputs to the estimator (zero or negative sizes, unknown strategy or dtype): a readable message."""


# --- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    """What a job needs, by component, in GB (1e9 bytes). ``total`` is the sum."""

    weights: float
    gradients: float
    optimizer: float
    activations: float
    kv_cache: float
    overhead: float
    total: float

    @property
    def shardable(self) -> float:
        """What can be split across GPUs: weights, gradients, optimizer states and KV cache."""
        return self.weights + self.gradients + self.optimizer + self.kv_cache

    @property
    def per_gpu_fixed(self) -> float:
        """What every GPU holds whatever their number: activations of its micro-batch and the overhead."""
        return self.activations + self.overhead

    def per_gpu(self, gpus: int) -> float:
        return self.shardable / max(1, gpus) + self.per_gpu_fixed

    def as_dict(self, digits: int = 4) -> dict[str, float]:
        return {
            "weights": round(self.weights, digits),
            "gradients": round(self.gradients, digits),
            "optimizer": round(self.optimizer, digits),
            "activations": round(self.activations, digits),
            "kv_cache": round(self.kv_cache, digits),
            "overhead": round(self.overhead, digits),
            "total": round(self.total, digits),
        }


def _memory(
    weights: float, gradients: float, optimizer: float, activations: float, kv: float, overhead: float
):
    parts = (weights, gradients, optimizer, activations, kv, overhead)
    return Memory(*parts, total=sum(parts))


@dataclass(frozen=True)
class Shape:
    """The architecture figures the memory formulas need, from the catalog or approximated."""

    family: str
    layers: int  # per stack for encoder-decoder (Hugging Face num_layers)
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    approximated: tuple[str, ...] = ()  # which fields were approximated

    @property
    def stacks(self) -> int:
        return 2 if self.family == "encoder-decoder" else 1


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
    model_id: str | None = None
    family: str = "decoder-only"
    mfu: float | None = None
    trainable_params: float | None = None
    usable_gb_per_gpu: float = 0.0
    per_gpu_gb: float = 0.0  # memory on each of the `gpus` given
    shape: Shape | None = field(default=None, repr=False)

    @property
    def training(self) -> bool:
        return self.strategy not in NO_TRAINING

    def to_json(self) -> dict:
        """The `estimate --json` document (design.md), plus a few extra keys."""
        return {
            "model": self.model_id,
            "params": self.params,
            "strategy": self.strategy,
            "tokens": self.tokens,
            "accelerator": self.accelerator,
            "gpus": self.gpus,
            "flops": _sig(self.flops),
            "gpu_hours": _sig(self.gpu_hours),
            "cost_usd": None if self.cost_usd is None else round(self.cost_usd, 2),
            "memory_gb": self.memory.as_dict(),
            "gpus_needed": self.gpus_needed,
            "fits": self.fits,
            "assumptions": list(self.assumptions),
            "wall_clock_hours": _sig(self.wall_clock_hours),
            "family": self.family,
            "dtype": self.dtype,
            "seq_len": self.seq_len,
            "batch": self.batch,
            "mfu": None if self.mfu is None else round(self.mfu, 4),
            "trainable_params": _sig(self.trainable_params),
            "usable_gb_per_gpu": round(self.usable_gb_per_gpu, 4),
            "per_gpu_gb": round(self.per_gpu_gb, 4),
        }


def _sig(value: float | None, digits: int = 6) -> float | None:
    if value is None:
        return None
    return float(f"{value:.{digits}g}")


# --- validation -------------------------------------------------------------------------------------------


def _positive(name: str, value: float | None, *, integer: bool = False) -> float:
    if value is None or isinstance(value, bool):
        raise EstimateError(f"{name} must be a number greater than 0 (got {value!r})")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise EstimateError(f"{name} must be a number greater than 0 (got {value!r})") from None
    if not math.isfinite(v) or v <= 0:
        raise EstimateError(f"{name} must be a finite number greater than 0 (got {value!r})")
    if integer and v != int(v):
        raise EstimateError(f"{name} must be a whole number (got {value!r})")
    limit = LIMITS.get(name)
    if limit is not None and v > limit:
        raise EstimateError(f"{name} {v:g} is beyond what the estimator handles (at most {limit:g})")
    return v


def normalize_strategy(strategy: str) -> str:
    s = str(strategy).strip().lower().replace("_", "-")
    aliases = {
        "asis": "as-is",
        "none": "as-is",
        "full": "full-finetune",
        "finetune": "full-finetune",
        "fine-tune": "full-finetune",
        "full-fine-tune": "full-finetune",
        "from-scratch": "pretrain",
        "pre-train": "pretrain",
        "pretraining": "pretrain",
        "continued-pretrain": "continued-pretraining",
    }
    s = aliases.get(s, s)
    if s not in STRATEGIES:
        raise EstimateError(f"Unknown strategy {strategy!r}; use one of: {', '.join(STRATEGIES)}")
    return s


def normalize_dtype(dtype: str) -> str:
    d = str(dtype).strip().lower()
    d = {
        "float32": "fp32",
        "bfloat16": "bf16",
        "float16": "fp16",
        "4bit": "int4",
        "nf4": "int4",
        "8bit": "int8",
    }.get(d, d)
    if d not in DTYPE_BYTES:
        raise EstimateError(f"Unknown dtype {dtype!r}; use one of: {', '.join(DTYPE_BYTES)}")
    return d


def _family(family: str | None, model: Model | None) -> str:
    fam = family or (model.family if model is not None else None) or "decoder-only"
    if fam not in FAMILIES:
        raise EstimateError(f"Unknown family {fam!r}; use one of: {', '.join(FAMILIES)}")
    return fam


# --- shape -------------------------------------------------------------------------------------------------


def model_shape(params: float, model: Model | None = None, family: str | None = None) -> Shape:
    """Layers, hidden size, heads and vocabulary: from the catalog entry, approximated where missing."""
    params = _positive("params", params)
    fam = _family(family, model)
    stacks = 2 if fam == "encoder-decoder" else 1
    per_stack = params / stacks
    layers = getattr(model, "layers", None)
    hidden = getattr(model, "hidden_size", None)
    approx: list[str] = []
    if hidden is None and layers is None:
        hidden = round((per_stack * HIDDEN_PER_LAYER / PARAMS_PER_LAYER_HIDDEN2) ** (1 / 3))
        layers = max(1, round(per_stack / (PARAMS_PER_LAYER_HIDDEN2 * hidden**2)))
        approx += ["layers", "hidden"]
    elif hidden is None:
        hidden = max(1, round(math.sqrt(per_stack / (PARAMS_PER_LAYER_HIDDEN2 * layers))))
        approx.append("hidden")
    elif layers is None:
        layers = max(1, round(per_stack / (PARAMS_PER_LAYER_HIDDEN2 * hidden**2)))
        approx.append("layers")
    heads = getattr(model, "heads", None)
    head_dim = getattr(model, "head_dim", None)
    if heads is None:
        if head_dim is None:
            head_dim = HEAD_DIM_SMALL if hidden < HEAD_DIM_SWITCH_HIDDEN else HEAD_DIM_LARGE
            approx.append("head_dim")
        heads = max(1, round(hidden / head_dim))
        approx.append("heads")
    elif head_dim is None:
        head_dim = max(1, round(hidden / heads))
    kv_heads = getattr(model, "kv_heads", None)
    if kv_heads is None:
        kv_heads = heads
        approx.append("kv_heads")
    vocab = getattr(model, "vocab_size", None)
    if vocab is None:
        vocab = VOCAB_ASSUMED
        approx.append("vocab")
    return Shape(
        fam, int(layers), int(hidden), int(heads), int(kv_heads), int(head_dim), int(vocab), tuple(approx)
    )


def _shape_note(shape: Shape) -> str | None:
    if not shape.approximated:
        return None
    parts = []
    if "layers" in shape.approximated or "hidden" in shape.approximated:
        parts.append(
            f"layers and hidden size approximated from the parameter count (N ≈ {PARAMS_PER_LAYER_HIDDEN2:g}·L·h², "
            f"h/L = {HIDDEN_PER_LAYER:g}{', per stack' if shape.stacks == 2 else ''}): "
            f"L = {shape.layers}, h = {shape.hidden}"
        )
    if "heads" in shape.approximated:
        parts.append(f"{shape.heads} heads of {shape.head_dim} assumed")
    if "kv_heads" in shape.approximated and shape.family != "encoder-only":
        parts.append("no grouped-query attention assumed (kv_heads = heads, an upper bound on the KV cache)")
    if "vocab" in shape.approximated and shape.family != "encoder-only":
        parts.append(f"vocabulary {VOCAB_ASSUMED:,} assumed")
    return "Architecture: " + "; ".join(parts) if parts else None


# --- memory --------------------------------------------------------------------------------------------------


def _activation_scale(dtype: str) -> float:
    """Activation bytes relative to 16-bit: fp32 doubles them; quantised weights compute in 16-bit."""
    return 2.0 if dtype == "fp32" else 1.0


def _layer_activation_bytes(
    shape: Shape, seq: int, batch: int, scale: float, flash: bool, *, dropout: bool = True
) -> float:
    s, b, h, a = seq, batch, shape.hidden, shape.heads
    linear = s * b * h * ACTIVATION_BYTES_PER_TOKEN_HIDDEN
    scores = 0.0 if flash else (ATTENTION_SCORE_BYTES if dropout else 2.0) * a * s * s * b
    return (linear + scores) * scale


def training_activations_gb(
    shape: Shape,
    seq_len: int,
    batch: int,
    *,
    dtype: str = "bf16",
    gradient_checkpointing: bool = True,
    flash_attention: bool = True,
    strategy: str = "full-finetune",
) -> float:
    """Activation memory of one training micro-batch (GB), logits included."""
    scale = _activation_scale(dtype)
    layers = shape.layers * shape.stacks
    per_layer = _layer_activation_bytes(shape, seq_len, batch, scale, flash_attention)
    if gradient_checkpointing:
        act = layers * CHECKPOINT_BYTES_PER_TOKEN_HIDDEN * seq_len * batch * shape.hidden * scale + per_layer
    else:
        act = layers * per_layer
    if shape.family == "encoder-only":
        share = MLM_MASK_FRACTION if strategy in ("pretrain", "continued-pretraining") else 0.0
    else:
        share = 1.0
    act += share * seq_len * batch * shape.vocab * LOGITS_BYTES
    return act / GB


def kv_cache_gb(shape: Shape, context_tokens: int, batch: int, dtype: str = "bf16") -> float:
    """KV cache for generation: 2 · layers · kv_heads · head_dim · bytes · tokens · batch (GB).

    Encoder-only models generate nothing: no cache. Encoder-decoder models cache the decoder's self-attention
    keys and values and its cross-attention over the encoded input: both counted at ``context_tokens``.
    """
    if shape.family == "encoder-only":
        return 0.0
    kv_bytes = max(KV_CACHE_MIN_BYTES, DTYPE_BYTES[dtype])
    per_token = 2 * shape.layers * shape.kv_heads * shape.head_dim * kv_bytes
    caches = 2 if shape.family == "encoder-decoder" else 1
    return caches * per_token * context_tokens * batch / GB


def inference_memory(
    *,
    params: float,
    dtype: str = "bf16",
    model: Model | None = None,
    context_tokens: int = 2048,
    batch: int = 1,
    family: str | None = None,
    flash_attention: bool = True,
    overhead_gb: float = FRAMEWORK_OVERHEAD_GB,
) -> Memory:
    """Memory to serve a model: weights by dtype, KV cache at the context and batch, one layer's working
    activations, framework overhead (GB). On a CPU or an edge device there is no CUDA context: pass
    ``overhead_gb=0``."""
    params = _positive("params", params)
    context_tokens = int(_positive("context_tokens", context_tokens, integer=True))
    batch = int(_positive("batch", batch, integer=True))
    dtype = normalize_dtype(dtype)
    shape = model_shape(params, model, family)
    weights = params * DTYPE_BYTES[dtype] / GB
    kv = kv_cache_gb(shape, context_tokens, batch, dtype)
    act = (
        _layer_activation_bytes(
            shape, context_tokens, batch, _activation_scale(dtype), flash_attention, dropout=False
        )
        / GB
    )
    if overhead_gb is None or not math.isfinite(overhead_gb) or overhead_gb < 0:
        raise EstimateError(f"overhead_gb must be a finite number at least 0 (got {overhead_gb!r})")
    return _memory(weights, 0.0, 0.0, act, kv, float(overhead_gb))


def _qlora_weight_bytes(dtype: str) -> float:
    return QLORA_BITS_PER_PARAM / 8 if dtype == "int4" else DTYPE_BYTES[dtype]


def training_memory(
    *,
    params: float,
    strategy: str,
    shape: Shape,
    dtype: str,
    seq_len: int,
    batch: int,
    gradient_checkpointing: bool = True,
    flash_attention: bool = True,
    lora_fraction: float = LORA_TRAINABLE_FRACTION,
) -> Memory:
    """Memory of a training job by component (GB), unsharded."""
    act = training_activations_gb(
        shape,
        seq_len,
        batch,
        dtype=dtype,
        gradient_checkpointing=gradient_checkpointing,
        flash_attention=flash_attention,
        strategy=strategy,
    )
    if strategy in FULL_TRAINING:
        if dtype == "fp32":
            w, g, o = FP32_WEIGHT_BYTES, FP32_GRAD_BYTES, FP32_OPTIMIZER_BYTES
        else:
            w, g, o = MIXED_WEIGHT_BYTES, MIXED_GRAD_BYTES, MIXED_OPTIMIZER_BYTES
        return _memory(params * w / GB, params * g / GB, params * o / GB, act, 0.0, FRAMEWORK_OVERHEAD_GB)
    trainable = params * lora_fraction
    frozen = params * (_qlora_weight_bytes(dtype) if strategy == "qlora" else DTYPE_BYTES[dtype])
    return _memory(
        (frozen + trainable * ADAPTER_WEIGHT_BYTES) / GB,
        trainable * ADAPTER_GRAD_BYTES / GB,
        trainable * ADAPTER_OPTIMIZER_BYTES / GB,
        act,
        0.0,
        FRAMEWORK_OVERHEAD_GB,
    )


def usable_memory_gb(accelerator: Accelerator) -> float:
    """What a job may use on one GPU, in GB (1e9 bytes): the vendor's binary GB x the usable fraction."""
    return accelerator.memory_gb * GIB / GB * USABLE_MEMORY_FRACTION


def gpus_needed_for(memory: Memory, accelerator: Accelerator) -> int | None:
    """The fewest GPUs that hold the job, sharding weights, gradients, optimizer states and KV cache;
    None when activations and overhead alone overflow one GPU, or when more than MAX_GPUS would be needed."""
    usable = usable_memory_gb(accelerator)
    room = usable - memory.per_gpu_fixed
    if room <= 0:
        return None
    n = max(1, math.ceil(memory.shardable / room - 1e-9))
    return n if n <= MAX_GPUS else None


# --- compute ---------------------------------------------------------------------------------------------------


def training_flops(params: float, tokens: float, strategy: str, *, family: str | None = None) -> float:
    """FLOPs of training ``params`` parameters on ``tokens`` tokens: 6·N·D for full training, 4·N·D for
    adapters, halved for encoder-decoder models; 0 for inference."""
    params = _positive("params", params)
    tokens = _positive("tokens", tokens)
    strategy = normalize_strategy(strategy)
    if strategy in NO_TRAINING:
        return 0.0
    per = FLOPS_PER_PARAM_TOKEN if strategy in FULL_TRAINING else ADAPTER_FLOPS_PER_PARAM_TOKEN
    factor = ENCODER_DECODER_FLOPS_FACTOR if family == "encoder-decoder" else 1.0
    flops = per * params * tokens * factor
    if not math.isfinite(flops):
        raise EstimateError(f"{params:g} parameters on {tokens:g} tokens is too large to estimate")
    return flops


def mfu_for(strategy: str, params: float | None = None) -> float:
    """The model FLOPs utilisation assumed for a strategy (and model size, when given)."""
    strategy = normalize_strategy(strategy)
    if strategy in ("pretrain", "continued-pretraining"):
        base = MFU_PRETRAIN
    elif strategy in ADAPTERS:
        base = MFU_ADAPTER
    else:
        base = MFU_FINETUNE
    if params is not None and params < SMALL_MODEL_PARAMS:
        base *= (params / SMALL_MODEL_PARAMS) ** SMALL_MODEL_MFU_EXPONENT
    return base


def _throughput(accelerator: Accelerator, strategy: str, params: float | None, dtype: str) -> float | None:
    """Effective FLOP/s of one accelerator for this job, or None when its peak is unknown."""
    if accelerator.bf16_tflops is None:
        return None
    rate = accelerator.bf16_tflops * 1e12 * mfu_for(strategy, params)
    if dtype == "fp32":
        rate *= FP32_THROUGHPUT_FACTOR
    if normalize_strategy(strategy) == "qlora":
        rate /= QLORA_SLOWDOWN
    return rate


def gpu_hours_for(
    flops: float, accelerator: Accelerator, strategy: str, params: float | None = None, *, dtype: str = "bf16"
) -> float | None:
    """GPU-hours = FLOPs / (peak dense TFLOP/s · MFU · 3600); None when the accelerator has no TFLOP/s figure."""
    if flops is None or isinstance(flops, bool) or not math.isfinite(float(flops)) or flops < 0:
        raise EstimateError(f"flops must be a finite number at least 0 (got {flops!r})")
    rate = _throughput(accelerator, strategy, params, normalize_dtype(dtype))
    if rate is None:
        return None
    return float(flops) / (rate * 3600)


def flops_in(
    gpu_hours: float,
    accelerator: Accelerator,
    strategy: str = "pretrain",
    params: float | None = None,
    *,
    dtype: str = "bf16",
) -> float | None:
    """The training FLOPs a GPU-hour budget buys on this accelerator (inverse of gpu_hours_for)."""
    if (
        gpu_hours is None
        or isinstance(gpu_hours, bool)
        or not math.isfinite(float(gpu_hours))
        or gpu_hours < 0
    ):
        raise EstimateError(f"gpu_hours must be a finite number at least 0 (got {gpu_hours!r})")
    rate = _throughput(accelerator, strategy, params, normalize_dtype(dtype))
    if rate is None:
        return None
    return float(gpu_hours) * 3600 * rate


def compute_optimal(flops: float) -> tuple[float, float]:
    """(params, tokens) of the compute-optimal model for a FLOPs budget: C = 6·N·D and D = 20·N (Chinchilla)."""
    flops = _positive("flops", flops)
    params = math.sqrt(flops / (FLOPS_PER_PARAM_TOKEN * CHINCHILLA_TOKENS_PER_PARAM))
    return params, CHINCHILLA_TOKENS_PER_PARAM * params


def optimal_for_gpu_hours(gpu_hours: float, accelerator: Accelerator) -> tuple[float, float, float] | None:
    """(params, tokens, flops) of the compute-optimal model pre-trained in ``gpu_hours`` on this accelerator,
    with the small-model MFU applied consistently; None when the accelerator has no TFLOP/s figure."""
    _positive("gpu_hours", gpu_hours)
    flops = flops_in(gpu_hours, accelerator, "pretrain")
    if flops is None:
        return None
    params, tokens = compute_optimal(flops)
    for _ in range(50):  # fixed point: smaller models run at a lower MFU, so buy fewer FLOPs
        flops = flops_in(gpu_hours, accelerator, "pretrain", params)
        new_params, tokens = compute_optimal(flops)
        if abs(new_params - params) <= 1e-9 * params:
            params = new_params
            break
        params = new_params
    return params, tokens, flops


def finetune_tokens(
    examples: float, *, epochs: float = FINETUNE_EPOCHS, tokens_per_example: float = TOKENS_PER_EXAMPLE
) -> float:
    """Tokens a fine-tuning run processes: examples x epochs x tokens per example."""
    return (
        _positive("examples", examples)
        * _positive("epochs", epochs)
        * _positive("tokens_per_example", tokens_per_example)
    )


# --- the job -------------------------------------------------------------------------------------------------


def _default_dtype(strategy: str, accelerator: Accelerator) -> str:
    if strategy == "qlora":
        return "int4"
    return "bf16" if accelerator.bf16_supported else "fp16"


def _check_dtype(strategy: str, dtype: str) -> None:
    if strategy in FULL_TRAINING and dtype not in TRAINABLE_DTYPES:
        raise EstimateError(
            f"{strategy} trains every weight, which needs fp32, bf16 or fp16 (got {dtype}); "
            "to train on quantised weights use --strategy qlora"
        )
    if strategy == "lora" and dtype not in TRAINABLE_DTYPES:
        raise EstimateError(
            f"lora keeps 16- or 32-bit frozen weights (got {dtype}); for {dtype} weights use qlora"
        )
    if strategy == "qlora" and dtype not in ("int4", "int8"):
        raise EstimateError(
            f"qlora keeps int4 (default) or int8 frozen weights (got {dtype}); for {dtype} use lora"
        )


def _fmt(n: float) -> str:
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= factor:
            return f"{n / factor:.3g}{suffix}"
    return f"{n:.3g}"


def estimate_job(
    *,
    params: float,
    strategy: str,
    accelerator: Accelerator,
    gpus: int = 1,
    tokens: float | None = None,
    seq_len: int = 512,
    batch: int = 8,
    dtype: str | None = None,
    model: Model | None = None,
    gradient_checkpointing: bool = True,
    model_id: str | None = None,
    family: str | None = None,
    flash_attention: bool = True,
    lora_fraction: float | None = None,
) -> JobEstimate:
    """Memory, compute, time and cost of one job, with every assumption behind them.

    ``batch`` is the micro-batch on each GPU and ``seq_len`` its sequence length (for inference: the context
    held in the KV cache). ``tokens`` is what training processes (ignored for inference); for ``pretrain``
    without tokens, the compute-optimal 20 tokens per parameter are assumed. Multi-GPU jobs shard weights,
    gradients, optimizer states and KV cache evenly; activations and overhead are per GPU.
    """
    params = _positive("params", params)
    strategy = normalize_strategy(strategy)
    gpus = int(_positive("gpus", gpus, integer=True))
    seq_len = int(_positive("seq_len", seq_len, integer=True))
    batch = int(_positive("batch", batch, integer=True))
    dtype = normalize_dtype(dtype) if dtype is not None else _default_dtype(strategy, accelerator)
    _check_dtype(strategy, dtype)
    if lora_fraction is not None:
        lora_fraction = _positive("lora_fraction", lora_fraction)
        if lora_fraction > 1:
            raise EstimateError(f"lora_fraction must be at most 1 (got {lora_fraction!r})")
    fraction = LORA_TRAINABLE_FRACTION if lora_fraction is None else lora_fraction
    shape = model_shape(params, model, family)
    fam = shape.family
    notes: list[str] = []
    acc_id = accelerator.id
    training = strategy not in NO_TRAINING

    if dtype == "bf16" and not accelerator.bf16_supported:
        notes.append(f"{acc_id} has no bf16: fp16 mixed precision is assumed (same memory and speed)")

    # memory
    if not training:
        memory = inference_memory(
            params=params,
            dtype=dtype,
            model=model,
            context_tokens=seq_len,
            batch=batch,
            family=fam,
            flash_attention=flash_attention,
        )
        trainable = None
        notes.append(f"Weights: {DTYPE_BYTES[dtype]:g} bytes per parameter ({dtype})")
        if fam == "encoder-only":
            notes.append(
                "Encoder-only model: no KV cache (it reads its input in one pass and generates nothing)"
            )
        else:
            kv_bytes = max(KV_CACHE_MIN_BYTES, DTYPE_BYTES[dtype])
            what = (
                "decoder self-attention plus cross-attention over the input, each at the context length"
                if fam == "encoder-decoder"
                else "at the context length"
            )
            notes.append(
                f"KV cache = 2 · layers · kv_heads · head_dim · {kv_bytes:g} bytes · {seq_len:,} tokens · "
                f"batch {batch} ({what})"
            )
        notes.append(
            "Working activations: one layer's s·b·h·34 bytes (Korthikanti et al. 2022), freed layer by layer"
        )
    else:
        memory = training_memory(
            params=params,
            strategy=strategy,
            shape=shape,
            dtype=dtype,
            seq_len=seq_len,
            batch=batch,
            gradient_checkpointing=gradient_checkpointing,
            flash_attention=flash_attention,
            lora_fraction=fraction,
        )
        if strategy in FULL_TRAINING:
            trainable = params
            if dtype == "fp32":
                notes.append("fp32 AdamW: 16 bytes per parameter (4 weights + 4 gradients + 8 optimizer)")
            else:
                notes.append(
                    "Mixed-precision AdamW: 16 bytes per parameter (2 weights + 2 gradients + 12 for fp32 "
                    "master weights, momentum and variance; ZeRO paper)"
                )
        else:
            trainable = params * fraction
            notes.append(
                f"LoRA trains {fraction * 100:.3g}% of the parameters ({_fmt(trainable)}), adapters in fp32 with AdamW: "
                "16 bytes per trainable parameter"
            )
            if strategy == "qlora":
                if dtype == "int4":
                    notes.append(
                        f"QLoRA frozen weights: 4-bit NF4 with double quantisation, {QLORA_BITS_PER_PARAM:g} bits "
                        "per parameter (QLoRA paper)"
                    )
                else:
                    notes.append("Frozen weights in int8: 1 byte per parameter")
            else:
                notes.append(f"Frozen weights: {DTYPE_BYTES[dtype]:g} bytes per parameter ({dtype})")
        attn = (
            "memory-efficient attention (no s² scores stored)"
            if flash_attention
            else "eager attention (+5·a·s²·b bytes per layer)"
        )
        act_bits = "32-bit" if dtype == "fp32" else "16-bit"
        ckpt = (
            "gradient checkpointing keeps each layer's input (2·s·b·h bytes) plus one layer recomputed"
            if gradient_checkpointing
            else "no gradient checkpointing: every layer's activations kept"
        )
        notes.append(
            f"Activations: s·b·h·34 bytes per layer in 16-bit (Korthikanti et al. 2022), {act_bits} here; "
            f"{attn}; {ckpt}; seq_len {seq_len}, micro-batch {batch} per GPU"
        )
        if fam != "encoder-only":
            notes.append("Logits kept in fp32 for the loss: 4 bytes · tokens · vocabulary")
    shape_note = _shape_note(shape)
    if shape_note:
        notes.append(shape_note)
    notes.append(
        f"Framework overhead {FRAMEWORK_OVERHEAD_GB:.2f} GB per GPU (CUDA context and kernels; transformers' "
        "model memory anatomy: 1343 MB)"
    )
    usable = usable_memory_gb(accelerator)
    notes.append(
        f"Usable memory {USABLE_MEMORY_FRACTION:.0%} of {accelerator.memory_gb:g} GiB = {usable:.1f} GB per GPU "
        "(vLLM's default gpu_memory_utilization)"
    )
    needed = gpus_needed_for(memory, accelerator)
    if needed is None or needed > 1 or gpus > 1:
        notes.append(
            "Multi-GPU: weights, gradients, optimizer states and KV cache sharded evenly (FSDP / ZeRO-3; tensor "
            "parallel for inference); activations and overhead on every GPU"
        )
    if needed is None:
        if memory.per_gpu_fixed >= usable:
            notes.append(
                f"Activations and overhead alone ({memory.per_gpu_fixed:.1f} GB) exceed one GPU: lower the batch "
                "or the sequence length"
            )
        else:
            notes.append(f"More than {MAX_GPUS:,} GPUs would be needed")

    # compute
    flops = gpu_hours = wall = cost = mfu = None
    if training:
        if tokens is None and strategy == "pretrain":
            tokens = CHINCHILLA_TOKENS_PER_PARAM * params
            notes.append(
                f"Training tokens: {CHINCHILLA_TOKENS_PER_PARAM:g} per parameter = {_fmt(tokens)} (Chinchilla "
                "compute-optimal; pass tokens to change)"
            )
        if tokens is None:
            notes.append("No training tokens given: compute, time and cost not estimated")
        else:
            tokens = _positive("tokens", tokens)
            compute_params = params
            if model is not None and model.active_params_b is not None and model.params_b > 0:
                compute_params = params * model.active_params_b / model.params_b
                notes.append(
                    f"Mixture of experts: compute counts the {_fmt(compute_params)} active parameters"
                )
            flops = training_flops(compute_params, tokens, strategy, family=fam)
            if strategy in FULL_TRAINING:
                notes.append("Training compute C = 6·N·D FLOPs (Kaplan et al. 2020; GPT-3 paper Table D.1)")
            else:
                notes.append(
                    "Adapter training compute C = 4·N·D FLOPs (forward and input gradients; no weight gradients)"
                )
            if fam == "encoder-decoder":
                notes.append(
                    "Encoder-decoder: each token passes through half the parameters (×0.5; GPT-3 paper Table D.1 "
                    "counts T5 at 3 FLOPs per parameter per token)"
                )
            mfu = mfu_for(strategy, compute_params)
            base = mfu_for(strategy)
            if strategy in ("pretrain", "continued-pretraining"):
                why = "large pre-training runs: Llama 2 implies 0.35-0.44 on A100s, PaLM 0.46"
            elif strategy in ADAPTERS:
                why = (
                    f"adapters: fine-tuning MFU × (4/6) × {LORA_SPEEDUP:g}, the LoRA paper's speed-up over full "
                    "fine-tuning"
                )
            else:
                why = "single-node fine-tuning, calibrated on BERT-base GLUE fine-tuning"
            notes.append(f"MFU {base:.2f} ({why})")
            if compute_params < SMALL_MODEL_PARAMS:
                notes.append(
                    f"Small model: MFU × (N/1B)^{SMALL_MODEL_MFU_EXPONENT:g} = {mfu:.3f} (MosaicML: MPT-125M "
                    "reaches 0.64 of the MFU of 1B-70B models)"
                )
            if dtype == "fp32":
                notes.append(f"fp32 runs at {FP32_THROUGHPUT_FACTOR:g}× the bf16 rate (TF32 tensor cores)")
            if strategy == "qlora":
                notes.append(
                    f"QLoRA dequantisation: time × {QLORA_SLOWDOWN:g} (an assumption, not calibrated)"
                )
            gpu_hours = gpu_hours_for(flops, accelerator, strategy, compute_params, dtype=dtype)
            if gpu_hours is None:
                notes.append(f"{acc_id} has no peak TFLOP/s figure in the catalog: GPU-hours not estimated")
            else:
                notes.append(
                    f"GPU-hours = FLOPs / ({accelerator.bf16_tflops:g} TFLOP/s peak dense × MFU × 3600) on {acc_id}"
                )
                wall = gpu_hours / gpus
                notes.append(
                    f"Wall-clock = GPU-hours / {gpus} GPU{'s' if gpus != 1 else ''} (linear scaling)"
                )
                if accelerator.usd_per_hour is None:
                    notes.append(f"No price for {acc_id} in the catalog: cost not estimated")
                else:
                    cost = gpu_hours * accelerator.usd_per_hour
                    notes.append(f"Cost at ${accelerator.usd_per_hour:g} per GPU-hour")
                notes.append(
                    "Time does not add gradient checkpointing's recomputation, restarts or evaluation beyond what "
                    "the calibrated MFU absorbs"
                )

    numbers = [memory.total, flops, gpu_hours, cost]
    if any(x is not None and not math.isfinite(x) for x in numbers):
        raise EstimateError("The job is too large to estimate (a figure overflows); check the sizes")
    return JobEstimate(
        params=params,
        strategy=strategy,
        tokens=tokens if training else None,
        accelerator=acc_id,
        gpus=gpus,
        dtype=dtype,
        seq_len=seq_len,
        batch=batch,
        flops=flops,
        gpu_hours=gpu_hours,
        wall_clock_hours=wall,
        cost_usd=cost,
        memory=memory,
        gpus_needed=needed,
        fits=needed is not None and needed <= gpus,
        assumptions=tuple(notes),
        model_id=model_id if model_id is not None else (model.id if model is not None else None),
        family=fam,
        mfu=mfu,
        trainable_params=trainable,
        usable_gb_per_gpu=usable,
        per_gpu_gb=memory.per_gpu(gpus),
        shape=shape,
    )


def max_batch(
    *,
    params: float,
    strategy: str,
    accelerator: Accelerator,
    seq_len: int,
    gpus: int = 1,
    limit: int = 1 << 16,
    **kwargs,
) -> int:
    """The largest micro-batch that fits on ``gpus`` of the accelerator (0 when not even one sample does)."""

    def fits(b: int) -> bool:
        return estimate_job(
            params=params,
            strategy=strategy,
            accelerator=accelerator,
            gpus=gpus,
            seq_len=seq_len,
            batch=b,
            **kwargs,
        ).fits

    if not fits(1):
        return 0
    lo, hi = 1, 2
    while hi <= limit and fits(hi):
        lo, hi = hi, hi * 2
    if hi > limit:
        return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return lo

"""The estimator: memory, compute, time and cost of one training or inference job, as pure functions.

Nothing here prints, reads files or touches the network. Every constant is named, carries its source in
a comment, and is repeated in words (with its value) in the ``assumptions`` of every estimate that uses it.
Units: memory in GB (1e9 bytes); GPU memory sizes in the catalog are the vendor's "GB", which are binary
(an "80 GB" A100 holds 80 GiB), and are converted. See docs/estimates.md for the formulas and the
calibration table (estimate vs published figure for every row of tests/data/calibration.yaml).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from whichmodel import units
from whichmodel.vocab import FAMILIES, STRATEGIES  # re-exported: the vocabularies live in whichmodel.vocab

if TYPE_CHECKING:
    from collections.abc import Callable

    from whichmodel.catalog_schema import Accelerator, Model, ServingTarget

# --- vocabularies ----------------------------------------------------------------------------------

NO_TRAINING: tuple[str, ...] = ("inference", "as-is")  # "as-is" is inference: no training at all
FULL_TRAINING: tuple[str, ...] = (
    "full-finetune",
    "continued-pretraining",
    "pretrain",
)  # every weight trains: 6ND
ADAPTERS: tuple[str, ...] = ("lora", "qlora")
# Training stacks: plain Hugging Face Trainer defaults, or a packed, compiled stack with fused kernels
# (Unsloth, Liger, axolotl with packing).
STACKS: tuple[str, ...] = ("trainer", "optimized")

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
# Gradient checkpointing recomputes the forward pass: +2 FLOPs per parameter per token (Korthikanti et al.
# 2022, "full recomputation"). Fine-tuning MFUs below are measured with it on; without it a job is faster by
# k / (k + 2), k = 6 (full) or 4 (adapters).
RECOMPUTE_FLOPS_PER_PARAM_TOKEN = 2.0
# Encoder-decoder: each token passes through half the parameters (the encoder's for input tokens, the
# decoder's for target tokens): GPT-3 paper Table D.1 counts T5 at 3 FLOPs/param/token.
ENCODER_DECODER_FLOPS_FACTOR = 0.5
# Compute-optimal training: about 20 tokens per parameter (Hoffmann et al. 2022, Chinchilla, Table 3).
CHINCHILLA_TOKENS_PER_PARAM = 20.0

# Model FLOPs utilisation (MFU): achieved model FLOP/s over the accelerator's peak dense 16-bit FLOP/s,
# MFU = base(job) x machine balance x model size x tokens per micro-batch (x stack, fine-tuning only).
# Pre-training on A100-class cards: Llama 2 (7B-70B on A100s) implies 0.35-0.44, 0.40 over the family (model
# card GPU-hours); PaLM 0.46, OPT-175B 147/312 = 0.47.
MFU_PRETRAIN = 0.40
# Fine-tuning with the Hugging Face Trainer (FlashAttention 2, gradient checkpointing): the hardware runs at
# 0.46 of peak, i.e. model-FLOPs MFU 0.46 x 6/8 = 0.35 for full fine-tuning and 0.46 x 4/6 = 0.31 for LoRA.
# Qwen README "Profiling of Memory and Speed" (A100-80GB, batch 1): Qwen-7B LoRA at 1,024-8,192 tokens runs
# at 0.29-0.32 in 4ND terms, Qwen-14B 0.33-0.36.
MFU_FINETUNE_HARDWARE = 0.46
MFU_FINETUNE = (
    MFU_FINETUNE_HARDWARE * FLOPS_PER_PARAM_TOKEN / (FLOPS_PER_PARAM_TOKEN + RECOMPUTE_FLOPS_PER_PARAM_TOKEN)
)
MFU_ADAPTER = (
    MFU_FINETUNE_HARDWARE
    * ADAPTER_FLOPS_PER_PARAM_TOKEN
    / (ADAPTER_FLOPS_PER_PARAM_TOKEN + RECOMPUTE_FLOPS_PER_PARAM_TOKEN)
)
# Machine balance: cards with less memory bandwidth per FLOP reach a lower fraction of peak. MFU x
# min(1, (B/F of the card / B/F of the A100-80GB)^0.4): the exponent matches Llama 3 70B and 3.1 405B on
# H100s (model card GPU-hours imply 0.28 and 0.35, against 0.40 on A100s for Llama 2).
REFERENCE_BYTES_PER_FLOP = 2039 / 312e3  # A100-80GB: 2,039 GB/s over 312 TFLOP/s (catalog)
BALANCE_EXPONENT = 0.4
# Small models use a GPU less well. MFU x min(1, (N / 1B)^exponent). Pre-training and packed, compiled
# stacks: MosaicML llm-foundry (A100-80GB, seq 2048) gives MPT-125M 0.64 of the MFU of 1B-70B models,
# 0.64 = (0.125)^0.2. The plain Trainer: BERT-base GLUE fine-tuning on one Titan RTX (transformers'
# text-classification README) implies 0.38 at 110M, (0.11)^0.44.
SMALL_MODEL_PARAMS = 1e9
SMALL_MODEL_MFU_EXPONENT = 0.2
SMALL_MODEL_MFU_EXPONENT_TRAINER = 0.44
# Short micro-batches leave the GPU idle between kernels: MFU x min(1, (tokens per micro-batch / 1024)^0.45).
# Qwen README (A100-80GB, batch 1): Qwen-7B LoRA runs at 0.55 of its long-sequence speed at 256 tokens and
# 0.87 at 512; flat from 1,024.
MICROBATCH_TOKENS_SATURATION = 1024.0
MICROBATCH_MFU_EXPONENT = 0.45
# A packed, compiled stack with fused kernels (Unsloth, Liger, axolotl with packing) against plain Trainer
# defaults. Adapters: Unsloth's published QLoRA tables, Llama 3.1 8B 2.1x and 70B 1.9x faster than Hugging
# Face + FlashAttention 2 (unsloth.ai/blog/llama3-1). Full fine-tuning: Liger Kernel README, +20% throughput
# on Llama 3 8B.
STACK_SPEEDUP_ADAPTER = 2.0
STACK_SPEEDUP_FULL = 1.2
# fp32 training. Cards with TF32 tensor cores (Ampere and later) run fp32 matmuls at half the 16-bit peak
# (A100: 156 vs 312 TFLOP/s, NVIDIA datasheet). Cards without (V100, T4, Titan RTX) run them on the plain
# fp32 units at 0.64 of their fp32 peak: BERT-base fine-tuning in fp32 took 2.0x its fp16 time on a Titan
# RTX (16.3 fp32 TFLOP/s; transformers' text-classification README).
TF32_THROUGHPUT_FACTOR = 0.5
FP32_THROUGHPUT_FACTOR = TF32_THROUGHPUT_FACTOR  # kept for callers: fp32 speed relative to 16-bit with TF32
FP32_SIMT_MFU = 0.64
# QLoRA dequantises every 4-bit weight to 16-bit before each matmul: per micro-batch, one pass per forward,
# recomputation and backward (3 with gradient checkpointing, 2 without), each reading 0.5 and writing 2
# bytes per parameter, at 0.2 of the card's bandwidth (bitsandbytes kernels). Fitted to measured LoRA/QLoRA
# pairs: Qwen README (7B and 14B on A100-80GB, 0.12) and LitGPT resource tables (Llama 2 7B and 13B on
# A100-40GB, 0.25).
DEQUANT_BYTES_PER_PARAM = 2.5
DEQUANT_BANDWIDTH_EFFICIENCY = 0.2

# --- memory --------------------------------------------------------------------------------------------

# Full training, mixed precision: 16-bit weights (2) and gradients (2), an fp32 master copy (4) and the
# optimizer's states; with AdamW (two fp32 moments, 8) that is 16 bytes per trained parameter (ZeRO paper,
# arXiv:1910.02054, Sec. 3.1, K = 12).
MIXED_WEIGHT_BYTES = 2.0
MIXED_GRAD_BYTES = 2.0
MASTER_WEIGHT_BYTES = 4.0
MIXED_OPTIMIZER_BYTES = 12.0  # master copy + AdamW moments
# fp32 AdamW: weights 4, gradients 4, momentum and variance 8 (accelerate's estimator: 4x the fp32 size).
FP32_WEIGHT_BYTES = 4.0
FP32_GRAD_BYTES = 4.0
FP32_OPTIMIZER_BYTES = 8.0
# Optimizer state bytes per trained parameter. AdamW: two fp32 moments. bitsandbytes 8-bit AdamW: two 8-bit
# moments (Dettmers et al. 2021, arXiv:2110.02861). Paged: the same states in CUDA unified memory, paged
# to CPU RAM under pressure (QLoRA paper, Sec. 3), so they never make a job run out of memory. Adafactor
# (no momentum, factored second moment, transformers' defaults): row and column sums only, under 0.1% of
# AdamW's states (Shazeer & Stern 2018).
OPTIMIZERS: tuple[str, ...] = ("adamw", "adamw-8bit", "paged-adamw-8bit", "adafactor")
OPTIMIZER_STATE_BYTES: dict[str, float] = {
    "adamw": 8.0,
    "adamw-8bit": 2.0,
    "paged-adamw-8bit": 2.0,
    "adafactor": 0.0,
}
PAGED_OPTIMIZERS: tuple[str, ...] = ("paged-adamw-8bit",)
# CPU offload (DeepSpeed ZeRO-Offload, arXiv:2101.06840): "optimizer" keeps only the 16-bit weights on the
# GPU (gradients, fp32 master weights and optimizer states live in CPU RAM); "all" also streams the weights
# from CPU RAM layer by layer (ZeRO-Infinity), so the GPU holds about two layers' weights.
OFFLOADS: tuple[str, ...] = ("none", "optimizer", "all")
OFFLOAD_RESIDENT_LAYERS = 2
# LoRA: adapters of rank r on each targeted linear layer (d_in x d_out) train r·(d_in + d_out) parameters.
# Default r = 16 on every linear layer (an assumption: the rank in Unsloth's and axolotl's example configs
# ranges 8-64; the QLoRA paper uses 64). PEFT keeps adapters in fp32 (4 bytes, 4-byte gradients); QLoRA as
# published trains bf16 adapters (QLoRA repository, qlora.py).
LORA_RANK = 16
LORA_TARGETS: tuple[str, ...] = ("all-linear", "attention", "qv")
ADAPTER_WEIGHT_BYTES = 4.0
ADAPTER_GRAD_BYTES = 4.0
ADAPTER_OPTIMIZER_BYTES = 8.0
QLORA_ADAPTER_BYTES = 2.0
# When the shape is unknown and no rank is given, LoRA trains 1% of the parameters (r of 16-32 on every
# linear layer; PEFT README: r = 8 on query/value trains 0.19% of mt0-large).
LORA_TRAINABLE_FRACTION = 0.01
# QLoRA's frozen weights: 4-bit NormalFloat plus double-quantised block constants, 4 + 0.127 bits per
# parameter (QLoRA paper, arXiv:2305.14314, Sec. 3). Embeddings and the LM head stay 16-bit (bitsandbytes
# quantises only the transformer blocks' linear layers; transformers keeps lm_head unquantised).
QLORA_BITS_PER_PARAM = 4.127
# Activations per transformer layer with 16-bit values: s·b·h·(34 + 5·a·s/h) bytes (Korthikanti et al.
# 2022, arXiv:2205.05198, Sec. 4.1) for a GELU MLP of 4h: attention and norms 15·s·b·h, the MLP 3h + 4·ff.
# A gated MLP (SwiGLU: Llama, Mistral, Qwen) keeps its input and four ff-wide tensors: 2h + 8·ff. The
# 5·a·s²·b term (attention scores) is not stored by memory-efficient attention (FlashAttention, SDPA).
ACTIVATION_BYTES_PER_TOKEN_HIDDEN = 34.0
ATTENTION_NORM_BYTES_PER_TOKEN_HIDDEN = 15.0
ATTENTION_SCORE_BYTES = 5.0
# With gradient checkpointing, only each layer's input is kept (2·s·b·h bytes in 16-bit), plus one
# layer's full activations while it is recomputed (same paper, "full recomputation"). The optimized stack
# offloads those inputs to CPU RAM (Unsloth's gradient checkpointing "offloads intermediate activations to
# system RAM asynchronously").
CHECKPOINT_BYTES_PER_TOKEN_HIDDEN = 2.0
# Loss memory per token per vocabulary entry. Plain Trainer: the bf16 logits (2), their fp32 upcast (4), the
# fp32 log-softmax (4) and its fp32 gradient (4), plus the bf16 gradient (2): 16 bytes. This reproduces
# Unsloth's table of the longest context Hugging Face + FA2 trains for Llama 3.1 8B (128k vocabulary) at
# batch 1: 28,454 tokens on 80 GB. Fused, chunked cross-entropy (Liger, Apple's Cut Cross-Entropy in Unsloth)
# never materialises the logits: counted as 0.
LOGITS_BYTES = 16.0
LOGITS_BYTES_FUSED = 0.0
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
# Per token: 2 (keys and values) x layers x kv_heads x head_dim x bytes: "the KV cache of a single token demands
# 800 KB of space, calculated as 2 (key and value vectors) x 5120 (hidden state size) x 40 (number of layers) x 2
# (bytes per FP16)" for OPT-13B (Kwon et al. 2023, "Efficient Memory Management for Large Language Model Serving
# with PagedAttention", arXiv:2309.06180, Sec. 3); with grouped-query attention the hidden size becomes
# kv_heads x head_dim (Llama 3 8B: 2 x 32 x 8 x 128 x 2 = 128 KiB per token, what vLLM allocates: issue #10517).
KV_CACHE_MIN_BYTES = 2.0
# Serving memory = weights + KV cache + the working activations of one forward pass + the runtime's CUDA
# context (PagedAttention paper, Fig. 1: the parameters persist, the KV cache grows per request, "a small amount
# of memory is used ephemerally for activation"; vLLM's profiler splits GPU memory the same way: weights,
# non-torch memory, "PyTorch activation peak memory", the rest for the KV cache; vllm PR #10511). Unlike
# training, a forward pass keeps nothing for a backward pass: at its peak (the MLP) one layer holds, per token,
# the residual stream and the normed input (2 + 2 bytes per hidden unit in 16-bit) and the MLP's intermediates:
# a gated MLP the fused gate/up output (2·ff values) and the activated product (ff), 6 bytes per ff unit; a
# GELU MLP its fc1 output and activation, 4. Llama 3.1 8B: 102 KB per token; vLLM measured 111 KB (peak torch
# memory minus weights: 2.07 GiB at 20,000 tokens, 2.99 GiB at 29,000, RTX 3090; vllm issue #10517).
SERVE_ACT_HIDDEN_BYTES = 4.0
SERVE_ACT_FF_BYTES_GATED = 6.0
SERVE_ACT_FF_BYTES = 4.0
# Tokens in one forward pass over a prompt. vLLM V1 always chunks prefills ("In vLLM V1, chunked prefill is
# always enabled by default", docs: Optimization and Tuning) at max_num_batched_tokens, 8192 for `vllm serve`
# on GPUs of 70 GiB or more (other than the A100) and 2048 on the others (vllm/engine/arg_utils.py,
# EngineArgs.get_batch_defaults): 8192, the larger (an upper bound on the activations), is taken. llama.cpp
# evaluates prompts in physical micro-batches of n_ubatch = 512 tokens (common.h; --ubatch-size). transformers'
# generate runs the whole prompt in one pass (None). Logits are computed for the last position only (vLLM;
# transformers' generate keeps one position's logits), so they are not counted.
PREFILL_CHUNK_TOKENS: dict[str, int | None] = {"vllm": 8192, "llama.cpp": 512, "transformers": None}
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
    "lora_rank": 1e5,
    "input_tokens": 1e9,
    "output_tokens": 1e9,
    "concurrency": 1e6,
    "prefill_chunk": 1e9,
}

# --- one model of a job: the defaults advise and estimate share ----------------------------------------

# Transformers' Trainer defaults to 3 epochs (TrainingArguments.num_train_epochs = 3.0); the BERT paper
# fine-tunes for 2-4.
FINETUNE_EPOCHS = 3.0
# Tokens per training example: 512, the typical input advise assumes when none is given (scope defaults)
# and BERT's and T5's window; classification inputs pad to 128 (run_glue), instruction examples run to a
# few hundred tokens. An assumption; pass --tokens-per-example (estimate) or --input-tokens (advise).
TOKENS_PER_EXAMPLE = 512.0
# Training micro-batch: 8 sequences of 512 tokens (an assumption; the Trainer's per_device_train_batch_size
# defaults to 8).
TRAIN_SEQ_LEN = 512
TRAIN_MICRO_BATCH = 8
TRAIN_TOKENS_PER_MICRO_BATCH = TRAIN_SEQ_LEN * TRAIN_MICRO_BATCH
# Serving request: 512 tokens in (as above), 256 out (an assumption: a paragraph-long answer), one
# sequence at a time.
SERVE_INPUT_TOKENS = 512
SERVE_OUTPUT_TOKENS = 256
SERVE_CONCURRENCY = 1


@dataclass(frozen=True)
class JobDefaults:
    """The defaults of a job, one place for `advise` and `estimate` (reported in `assumed`)."""

    epochs: float = FINETUNE_EPOCHS
    tokens_per_example: float = TOKENS_PER_EXAMPLE
    seq_len: int = TRAIN_SEQ_LEN
    micro_batch: int = TRAIN_MICRO_BATCH
    input_tokens: int = SERVE_INPUT_TOKENS
    output_tokens: int = SERVE_OUTPUT_TOKENS
    concurrency: int = SERVE_CONCURRENCY


DEFAULTS = JobDefaults()

# --- serving -------------------------------------------------------------------------------------------

# Decoding one token reads every weight (and each sequence's KV cache) once: time per step = bytes /
# (bandwidth x 0.78) + layers x a per-layer launch cost of the runtime. 0.78: vLLM decodes Llama 3.1 8B
# bf16 at one request on an A100-40GB at 75 tokens/s, "roughly 77% of the GPU's memory-bandwidth ceiling"
# (johnmusgrave.com, vLLM throughput-latency sweep); llama.cpp's M2 Ultra llama 3B F16 and Q4_0 pair
# (tg128 72.3 and 155.9 t/s, ggml-org/llama.cpp PR #10238) solves to 0.78 as well.
RUNTIMES: tuple[str, ...] = ("transformers", "vllm", "llama.cpp")
DECODE_BANDWIDTH_EFFICIENCY = 0.78
# Per-layer cost of one decoding step, seconds. vLLM replays CUDA graphs: none measurable at this scale.
# llama.cpp: 0.12 ms (the same M2 Ultra pair; M2 Max LLaMA 7B Q4_0 at 61.7 t/s, PR #2959, agrees). Eager
# PyTorch (transformers' generate): 0.7 ms, from LitGPT's eager single-GPU inference table (A100-40GB:
# phi-1.5 0.9, StableLM 3B 0.9, Llama 2 7B 0.66, 13B 0.47 ms per layer beyond the bandwidth time).
LAYER_OVERHEAD_S: dict[str, float] = {"transformers": 0.7e-3, "vllm": 0.0, "llama.cpp": 0.12e-3}
# transformers with bitsandbytes 4- or 8-bit weights: +0.75 ms per layer per step (LitGPT's nf4-dq rows:
# Llama 2 7B 17.3 vs 31.0 t/s bf16, 0.78 ms over 32 layers; 13B 14.4 vs 24.8, 0.73 ms over 40).
BNB_LAYER_OVERHEAD_S = 0.75e-3
# Bits per weight of quantised formats by runtime: llama.cpp's Q4_0/Q8_0 store an fp16 scale per 32
# weights (4.5 and 8.5 bits; ggml block formats); vLLM's AWQ/GPTQ int4 a 16-bit scale and zero per 128
# (4.25); transformers' 4-bit is bitsandbytes NF4 with double quantisation (4.127, QLoRA paper).
QUANT_BITS: dict[str, dict[str, float]] = {
    "llama.cpp": {"int4": 4.5, "int8": 8.5},
    "vllm": {"int4": 4.25, "int8": 8.0},
    "transformers": {"int4": QLORA_BITS_PER_PARAM, "int8": 8.0},
}
# Prefill is compute-bound: 2·N FLOPs per input token at 0.6 of peak (llama.cpp LLaMA 7B F16 pp512 on an
# M2 Ultra: 1,265 t/s = 17 TFLOP/s of its ~27; PR #3084).
PREFILL_MFU = 0.6
# CPU and edge devices, when the catalog gives no bandwidth: a desktop CPU with dual-channel DDR5-6400
# (102.4 GB/s; llama.cpp on an i9-13900K decodes LLaMA 7B Q4_0 at 18.3 t/s, issue #34, within 6% of this
# model) and a phone or small laptop with LPDDR5-6400 on a 64-bit bus (51.2 GB/s). Assumptions.
CPU_BANDWIDTH_GBPS = 102.4
EDGE_BANDWIDTH_GBPS = 51.2
# CPU prefill: 0.74 TFLOP/s effective (the i9-13900K's pp512 of 55 t/s on LLaMA 7B, 32 threads; issue #34).
# No figure for edge devices: their prefill speed and time to first token are not estimated (null).
CPU_PREFILL_TFLOPS = 0.74


class EstimateError(ValueError):
    """Bad inputs to the estimator (zero or negative sizes, unknown strategy or dtype): a readable message."""


# --- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """One assumption behind an estimate, rendered to prose only when shown (``text``)."""

    template: str
    args: tuple[Any, ...] = ()

    def text(self) -> str:
        return self.template.format(*self.args) if self.args else self.template


def _render(notes: tuple[Note, ...]) -> tuple[str, ...]:
    return tuple(n.text() for n in notes)


@dataclass(frozen=True)
class Memory:
    """What a job needs, by component, in GB (1e9 bytes). ``total`` is the sum of what sits on the GPUs;
    ``offloaded`` is what CPU RAM holds instead (offload, paged optimizer states), not in ``total``."""

    weights: float
    gradients: float
    optimizer: float
    activations: float
    kv_cache: float
    overhead: float
    total: float
    offloaded: float = 0.0

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
            "offloaded": round(self.offloaded, digits),
        }


def _memory(
    weights: float,
    gradients: float,
    optimizer: float,
    activations: float,
    kv: float,
    overhead: float,
    offloaded: float = 0.0,
) -> Memory:
    parts = (weights, gradients, optimizer, activations, kv, overhead)
    return Memory(*parts, total=sum(parts), offloaded=offloaded)


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
    ff: int = 0  # MLP width (0: 4·hidden)
    gated: bool = False  # SwiGLU-style MLP (three matrices)
    embedding_params: float = 0.0  # token embeddings plus an untied LM head

    @property
    def stacks(self) -> int:
        return 2 if self.family == "encoder-decoder" else 1

    @property
    def mlp(self) -> int:
        return self.ff or 4 * self.hidden

    @property
    def kv_dim(self) -> int:
        return self.kv_heads * self.head_dim


@dataclass(frozen=True)
class Serving:
    """Speed and cost of serving one model: per-sequence decode speed at the given concurrency, prefill
    speed, time to first token, how many sequences the KV cache holds, and $ per million generated tokens."""

    runtime: str
    dtype: str
    input_tokens: int
    output_tokens: int
    concurrency: int
    decode_tokens_per_s: float | None
    prefill_tokens_per_s: float | None
    time_to_first_token_s: float | None
    max_concurrent: int
    usd_per_million_tokens: float | None
    aggregate_tokens_per_s: float | None = None
    notes: tuple[Note, ...] = field(default=(), repr=False)
    usd_per_million_input_tokens: float | None = None

    @property
    def assumptions(self) -> tuple[str, ...]:
        return _render(self.notes)

    def to_json(self) -> dict[str, Any]:
        return {
            "decode_tokens_per_s": _sig(self.decode_tokens_per_s, 4),
            "prefill_tokens_per_s": _sig(self.prefill_tokens_per_s, 4),
            "time_to_first_token_s": _sig(self.time_to_first_token_s, 4),
            "max_concurrent": self.max_concurrent,
            "usd_per_million_tokens": _sig(self.usd_per_million_tokens, 4),
            "aggregate_tokens_per_s": _sig(self.aggregate_tokens_per_s, 4),
            "usd_per_million_input_tokens": _sig(self.usd_per_million_input_tokens, 4),
            "runtime": self.runtime,
            "dtype": self.dtype,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "concurrency": self.concurrency,
        }


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
    notes: tuple[Note, ...] = field(default=(), repr=False)
    model_id: str | None = None
    family: str = "decoder-only"
    mfu: float | None = None
    trainable_params: float | None = None
    usable_gb_per_gpu: float = 0.0
    per_gpu_gb: float = 0.0  # memory on each of the `gpus` given
    shape: Shape | None = field(default=None, repr=False)
    optimizer: str | None = None
    offload: str = "none"
    stack: str = "trainer"
    lora_rank: int | None = None
    serving: Serving | None = None

    @property
    def training(self) -> bool:
        return self.strategy not in NO_TRAINING

    @cached_property
    def assumptions(self) -> tuple[str, ...]:
        """The assumptions behind the figures, in words (rendered on first use)."""
        return _render(self.notes) + (self.serving.assumptions if self.serving is not None else ())

    def to_json(self) -> dict[str, Any]:
        """The `estimate --json` document (design.md), plus a few extra keys."""
        doc = {
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
            "optimizer": self.optimizer,
            "offload": self.offload,
            "stack": self.stack,
            "lora_rank": self.lora_rank,
        }
        if self.serving is not None:
            doc["serving"] = self.serving.to_json()
        return doc


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


def _choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    v = str(value).strip().lower().replace("_", "-")
    if v not in choices:
        raise EstimateError(f"Unknown {name} {value!r}; use one of: {', '.join(choices)}")
    return v


def normalize_stack(stack: str) -> str:
    return _choice("stack", stack, STACKS)


def normalize_optimizer(optimizer: str) -> str:
    return _choice(
        "optimizer", {"paged-adamw": "paged-adamw-8bit"}.get(str(optimizer), optimizer), OPTIMIZERS
    )


def normalize_offload(offload: str) -> str:
    return _choice("offload", offload, OFFLOADS)


def normalize_runtime(runtime: str) -> str:
    r = {"llamacpp": "llama.cpp", "llama-cpp": "llama.cpp", "hf": "transformers"}.get(
        str(runtime).strip().lower(), runtime
    )
    return _choice("runtime", r, RUNTIMES)


# --- shape -------------------------------------------------------------------------------------------------


def model_shape(params: float, model: Model | None = None, family: str | None = None) -> Shape:
    """Layers, hidden size, heads, vocabulary and MLP width: from the catalog entry, approximated where
    missing. The MLP width follows from the parameter count once embeddings and attention are taken out;
    catalogued decoders are assumed to have gated (SwiGLU) MLPs and an untied LM head, as Llama, Mistral and
    Qwen do."""
    params = _positive("params", params)
    fam = _family(family, model)
    stacks = 2 if fam == "encoder-decoder" else 1
    per_stack = params / stacks
    layers: Any = getattr(model, "layers", None)
    hidden: Any = getattr(model, "hidden_size", None)
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
        approx.append("head_dim")
    kv_heads = getattr(model, "kv_heads", None)
    if kv_heads is None:
        kv_heads = heads
        approx.append("kv_heads")
    vocab = getattr(model, "vocab_size", None)
    if vocab is None:
        vocab = VOCAB_ASSUMED
        approx.append("vocab")
    known = "layers" not in approx and "hidden" not in approx
    gated = fam == "decoder-only" and known
    untied = fam == "decoder-only" and known
    embed = float(vocab * hidden * (2 if untied else 1))
    ff = 0
    if known:
        attn = 2 * hidden * hidden + 2 * hidden * kv_heads * head_dim
        mlp_params = (params - embed) / (layers * stacks) - attn
        matrices = 3 if gated else 2
        if mlp_params > 0:
            ff = max(1, round(mlp_params / (matrices * hidden)))
    return Shape(
        fam,
        int(layers),
        int(hidden),
        int(heads),
        int(kv_heads),
        int(head_dim),
        int(vocab),
        tuple(approx),
        ff=int(ff),
        gated=gated,
        embedding_params=min(embed, params * 0.5),
    )


def _shape_note(shape: Shape) -> Note | None:
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
    elif "head_dim" in shape.approximated:
        parts.append(f"head_dim = hidden / heads = {shape.head_dim} assumed (none in the catalog)")
    if "kv_heads" in shape.approximated and shape.family != "encoder-only":
        parts.append("no grouped-query attention assumed (kv_heads = heads, an upper bound on the KV cache)")
    if "vocab" in shape.approximated and shape.family != "encoder-only":
        parts.append(f"vocabulary {VOCAB_ASSUMED:,} assumed")
    return Note("Architecture: " + "; ".join(parts)) if parts else None


def lora_params(shape: Shape, rank: int, targets: str = "all-linear") -> float:
    """Trainable parameters of rank-``rank`` LoRA adapters on the targeted linear layers of every block."""
    h, kv, ff = shape.hidden, shape.kv_dim, shape.mlp
    q, k, v, o = h + h, h + kv, h + kv, h + h
    if targets == "qv":
        per_layer = q + v
    elif targets == "attention":
        per_layer = q + k + v + o
    else:
        mlp = (3 if shape.gated else 2) * (h + ff)
        per_layer = q + k + v + o + mlp
    layers = shape.layers * shape.stacks * (1.5 if shape.family == "encoder-decoder" else 1)  # + cross-attn
    return float(rank * per_layer * layers)


# --- memory --------------------------------------------------------------------------------------------------


def _activation_scale(dtype: str) -> float:
    """Activation bytes relative to 16-bit: fp32 doubles them; quantised weights compute in 16-bit."""
    return 2.0 if dtype == "fp32" else 1.0


def _layer_bytes_per_token_hidden(shape: Shape) -> float:
    """Activation bytes per token per hidden unit of one layer (16-bit): 34 for a GELU MLP of 4h."""
    h, ff = shape.hidden, shape.mlp
    mlp = (2 * h + 8 * ff) if shape.gated else (3 * h + 4 * ff)
    return ATTENTION_NORM_BYTES_PER_TOKEN_HIDDEN + mlp / h


def _layer_activation_bytes(
    shape: Shape, seq: int, batch: int, scale: float, flash: bool, *, dropout: bool = True
) -> float:
    s, b, h, a = seq, batch, shape.hidden, shape.heads
    linear = s * b * h * _layer_bytes_per_token_hidden(shape)
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
    stack: str = "trainer",
    include_loss: bool = True,
) -> float:
    """Activation memory of one training micro-batch on the GPU (GB), loss memory included unless
    ``include_loss`` is False."""
    scale = _activation_scale(dtype)
    layers = shape.layers * shape.stacks
    per_layer = _layer_activation_bytes(shape, seq_len, batch, scale, flash_attention)
    if gradient_checkpointing:
        kept = 0.0 if stack == "optimized" else CHECKPOINT_BYTES_PER_TOKEN_HIDDEN
        act = layers * kept * seq_len * batch * shape.hidden * scale + per_layer
    else:
        act = layers * per_layer
    if shape.family == "encoder-only":
        share = MLM_MASK_FRACTION if strategy in ("pretrain", "continued-pretraining") else 0.0
    else:
        share = 1.0
    logit_bytes = LOGITS_BYTES_FUSED if stack == "optimized" else LOGITS_BYTES
    if not include_loss:
        logit_bytes = 0.0
    act += share * seq_len * batch * shape.vocab * logit_bytes
    return act / GB


def kv_cache_gb(shape: Shape, context_tokens: int, batch: int, dtype: str = "bf16") -> float:
    """KV cache for generation: 2 · layers · kv_heads · head_dim · bytes · tokens · batch (GB).

    Encoder-only models generate nothing: no cache. Encoder-decoder models cache the decoder's self-attention
    keys and values and its cross-attention over the encoded input: both counted at ``context_tokens``.
    """
    if shape.family == "encoder-only":
        return 0.0
    return _kv_bytes_per_token(shape, dtype) * context_tokens * batch / GB


def _kv_bytes_per_token(shape: Shape, dtype: str) -> float:
    if shape.family == "encoder-only":
        return 0.0
    kv_bytes = max(KV_CACHE_MIN_BYTES, DTYPE_BYTES[dtype])
    caches = 2 if shape.family == "encoder-decoder" else 1
    return caches * 2 * shape.layers * shape.kv_heads * shape.head_dim * kv_bytes


def default_runtime(family: str, on_gpu: bool = True) -> str:
    """The runtime a model is served with when none is given: llama.cpp on a CPU or edge device, vLLM for
    decoders on a GPU, transformers for encoders and encoder-decoders."""
    return "llama.cpp" if not on_gpu else "vllm" if family == "decoder-only" else "transformers"


def prefill_pass_tokens(runtime: str, prompt_tokens: int, prefill_chunk: int | None = None) -> int:
    """Tokens in the largest forward pass over a prompt of ``prompt_tokens``: the runtime's prefill chunk
    (``prefill_chunk`` when given, else PREFILL_CHUNK_TOKENS) or the whole prompt when it does not chunk."""
    chunk = prefill_chunk if prefill_chunk is not None else PREFILL_CHUNK_TOKENS[runtime]
    return min(prompt_tokens, chunk) if chunk else prompt_tokens


def serving_activation_bytes_per_token(shape: Shape, dtype: str = "bf16") -> float:
    """Working activations of one forward pass per token (bytes): the residual stream, the normed input and
    the MLP's intermediates of the layer running (SERVE_ACT_*); doubled in fp32."""
    ff_bytes = SERVE_ACT_FF_BYTES_GATED if shape.gated else SERVE_ACT_FF_BYTES
    return (SERVE_ACT_HIDDEN_BYTES * shape.hidden + ff_bytes * shape.mlp) * _activation_scale(dtype)


def serving_activations_gb(
    shape: Shape, pass_tokens: int, dtype: str = "bf16", *, flash_attention: bool = True
) -> float:
    """Peak working activations of a forward pass over ``pass_tokens`` tokens (GB); eager attention adds one
    layer's 16-bit s² scores and probabilities per head."""
    act = pass_tokens * serving_activation_bytes_per_token(shape, dtype)
    if not flash_attention:
        act += 2.0 * shape.heads * pass_tokens * pass_tokens * _activation_scale(dtype)
    return act / GB


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
    runtime: str | None = None,
    prefill_chunk: int | None = None,
) -> Memory:
    """Memory to serve a model (GB): weights at the serving dtype, the KV cache of ``batch`` sequences of
    ``context_tokens`` (2 · layers · kv_heads · head_dim · bytes per token; PagedAttention paper), the working
    activations of the largest forward pass (one prefill chunk of the runtime: vLLM 8192 tokens, llama.cpp 512,
    transformers the whole prompt), and the framework overhead. On a CPU or an edge device there is no CUDA
    context: pass ``overhead_gb=0``. ``runtime`` defaults to vLLM for decoders, transformers otherwise."""
    params = _positive("params", params)
    context_tokens = int(_positive("context_tokens", context_tokens, integer=True))
    batch = int(_positive("batch", batch, integer=True))
    dtype = normalize_dtype(dtype)
    shape = model_shape(params, model, family)
    runtime = normalize_runtime(runtime) if runtime is not None else default_runtime(shape.family)
    if prefill_chunk is not None:
        prefill_chunk = int(_positive("prefill_chunk", prefill_chunk, integer=True))
    weights = serving_weight_bytes(params, shape, dtype, runtime) / GB
    kv = kv_cache_gb(shape, context_tokens, batch, dtype)
    pass_tokens = prefill_pass_tokens(runtime, context_tokens * batch, prefill_chunk)
    act = serving_activations_gb(shape, pass_tokens, dtype, flash_attention=flash_attention)
    if overhead_gb is None or not math.isfinite(overhead_gb) or overhead_gb < 0:
        raise EstimateError(f"overhead_gb must be a finite number at least 0 (got {overhead_gb!r})")
    return _memory(weights, 0.0, 0.0, act, kv, float(overhead_gb))


def _frozen_weight_bytes(params: float, shape: Shape, strategy: str, dtype: str) -> float:
    if strategy != "qlora":
        return params * DTYPE_BYTES[dtype]
    embed = shape.embedding_params
    body = QLORA_BITS_PER_PARAM / 8 if dtype == "int4" else DTYPE_BYTES[dtype]
    return (params - embed) * body + embed * MIXED_WEIGHT_BYTES


def trainable_params_for(
    params: float, shape: Shape, *, lora_fraction: float | None, lora_rank: int | None, lora_targets: str
) -> float:
    """Parameters an adapter job trains: the given fraction, else rank-r adapters on the targets (the
    shape must be known), else LORA_TRAINABLE_FRACTION of the parameters."""
    if lora_fraction is not None:
        return params * lora_fraction
    known = "layers" not in shape.approximated and "hidden" not in shape.approximated
    if lora_rank is not None or known:
        return min(params, lora_params(shape, lora_rank or LORA_RANK, lora_targets))
    return params * LORA_TRAINABLE_FRACTION


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
    lora_fraction: float | None = LORA_TRAINABLE_FRACTION,
    lora_rank: int | None = None,
    lora_targets: str = "all-linear",
    optimizer: str | None = None,
    offload: str = "none",
    stack: str = "trainer",
) -> Memory:
    """Memory of a training job by component (GB), unsharded; ``offloaded`` is what CPU RAM holds."""
    optimizer = optimizer or _default_optimizer(strategy)
    act = training_activations_gb(
        shape,
        seq_len,
        batch,
        dtype=dtype,
        gradient_checkpointing=gradient_checkpointing,
        flash_attention=flash_attention,
        strategy=strategy,
        stack=stack,
    )
    state = OPTIMIZER_STATE_BYTES[optimizer]
    paged = optimizer in PAGED_OPTIMIZERS
    if strategy in FULL_TRAINING:
        if dtype == "fp32":
            w, g, o = FP32_WEIGHT_BYTES, FP32_GRAD_BYTES, state
        else:
            w, g, o = MIXED_WEIGHT_BYTES, MIXED_GRAD_BYTES, MASTER_WEIGHT_BYTES + state
        weights, grads, opt = params * w / GB, params * g / GB, params * o / GB
        frozen = 0.0
    else:
        trainable = trainable_params_for(
            params, shape, lora_fraction=lora_fraction, lora_rank=lora_rank, lora_targets=lora_targets
        )
        a = QLORA_ADAPTER_BYTES if strategy == "qlora" else ADAPTER_WEIGHT_BYTES
        frozen = _frozen_weight_bytes(params, shape, strategy, dtype) / GB
        weights = frozen + trainable * a / GB
        grads = trainable * a / GB
        opt = trainable * state / GB
    offloaded = 0.0
    if paged:
        offloaded += opt
        opt = 0.0
    if offload in ("optimizer", "all"):
        offloaded += opt + grads
        if strategy in FULL_TRAINING and dtype != "fp32":
            pass  # the 16-bit weights stay on the GPU (ZeRO-Offload)
        opt = grads = 0.0
    if offload == "all":
        layers = shape.layers * shape.stacks
        resident = weights * min(1.0, OFFLOAD_RESIDENT_LAYERS / max(1, layers))
        offloaded += weights - resident
        weights = resident
    if strategy == "qlora":
        # the largest weight matrix dequantised to 16-bit while its matmul runs (bitsandbytes, per matmul)
        act += shape.hidden * max(shape.mlp, shape.hidden) * MIXED_WEIGHT_BYTES / GB
    return _memory(weights, grads, opt, act, 0.0, FRAMEWORK_OVERHEAD_GB, offloaded)


def is_gpu(target: Accelerator | ServingTarget) -> bool:
    """An accelerator (GPU, TPU, Apple silicon) rather than a CPU or edge serving target."""
    return hasattr(target, "bf16_tflops")


def usable_memory_gb(accelerator: Accelerator | ServingTarget) -> float:
    """What a job may use on one GPU, in GB (1e9 bytes): the vendor's binary GB x the usable fraction. A CPU
    or edge serving target gives the memory a model may use there directly (GB)."""
    if not is_gpu(accelerator):
        return float(accelerator.memory_gb)
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


def _balance(accelerator: Accelerator | None) -> float:
    if accelerator is None or accelerator.bf16_tflops is None or accelerator.bandwidth_gbps is None:
        return 1.0
    ratio = (accelerator.bandwidth_gbps / (accelerator.bf16_tflops * 1e3)) / REFERENCE_BYTES_PER_FLOP
    return min(1.0, float(ratio**BALANCE_EXPONENT))


def mfu_for(
    strategy: str,
    params: float | None = None,
    accelerator: Accelerator | None = None,
    *,
    stack: str = "trainer",
    tokens_per_micro_batch: float | None = None,
    gradient_checkpointing: bool = True,
) -> float:
    """Model FLOPs utilisation for a job: base by job x machine balance x model size x micro-batch size
    (fine-tuning: x stack speed-up, and faster without gradient checkpointing's recomputation)."""
    strategy = normalize_strategy(strategy)
    pretraining = strategy in ("pretrain", "continued-pretraining")
    if pretraining:
        base = MFU_PRETRAIN
        exponent = SMALL_MODEL_MFU_EXPONENT
    else:
        k = FLOPS_PER_PARAM_TOKEN if strategy in FULL_TRAINING else ADAPTER_FLOPS_PER_PARAM_TOKEN
        recompute = RECOMPUTE_FLOPS_PER_PARAM_TOKEN if gradient_checkpointing else 0.0
        base = MFU_FINETUNE_HARDWARE * k / (k + recompute)
        if stack == "optimized":
            base *= STACK_SPEEDUP_FULL if strategy in FULL_TRAINING else STACK_SPEEDUP_ADAPTER
            exponent = SMALL_MODEL_MFU_EXPONENT
        else:
            exponent = SMALL_MODEL_MFU_EXPONENT_TRAINER
    base *= _balance(accelerator)
    if params is not None and params < SMALL_MODEL_PARAMS:
        base *= (params / SMALL_MODEL_PARAMS) ** exponent
    if tokens_per_micro_batch is not None and not pretraining:
        base *= min(1.0, (tokens_per_micro_batch / MICROBATCH_TOKENS_SATURATION) ** MICROBATCH_MFU_EXPONENT)
    return base


def _tf32(accelerator: Accelerator) -> bool:
    tf32 = getattr(accelerator, "tf32", None)
    return bool(accelerator.bf16_supported) if tf32 is None else bool(tf32)


def _throughput(
    accelerator: Accelerator,
    strategy: str,
    params: float | None,
    dtype: str,
    *,
    stack: str = "trainer",
    tokens_per_micro_batch: float | None = None,
    gradient_checkpointing: bool = True,
) -> float | None:
    """Effective model FLOP/s of one accelerator for this job, or None when its peak is unknown."""
    if accelerator.bf16_tflops is None:
        return None
    mfu = mfu_for(
        strategy,
        params,
        accelerator,
        stack=stack,
        tokens_per_micro_batch=tokens_per_micro_batch,
        gradient_checkpointing=gradient_checkpointing,
    )
    rate = accelerator.bf16_tflops * 1e12 * mfu
    if dtype == "fp32":
        fp32 = getattr(accelerator, "fp32_tflops", None)
        if _tf32(accelerator) or fp32 is None:
            rate *= TF32_THROUGHPUT_FACTOR
        else:
            rate = min(rate * TF32_THROUGHPUT_FACTOR, fp32 * 1e12 * FP32_SIMT_MFU)
    return rate


def gpu_hours_for(
    flops: float,
    accelerator: Accelerator,
    strategy: str,
    params: float | None = None,
    *,
    dtype: str = "bf16",
    stack: str = "trainer",
) -> float | None:
    """GPU-hours = FLOPs / (peak dense TFLOP/s · MFU · 3600); None when the accelerator has no TFLOP/s figure."""
    if flops is None or isinstance(flops, bool) or not math.isfinite(float(flops)) or flops < 0:
        raise EstimateError(f"flops must be a finite number at least 0 (got {flops!r})")
    rate = _throughput(accelerator, strategy, params, normalize_dtype(dtype), stack=stack)
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
        assert flops is not None
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


# --- the job, in stages: spec -> shape -> memory -> capacity -> compute -> cost ------------------------------


def _default_dtype(strategy: str, accelerator: Accelerator | ServingTarget) -> str:
    if strategy == "qlora" or not is_gpu(accelerator):
        return "int4"  # CPU and edge: 4-bit GGUF, how llama.cpp and Ollama ship models
    return "bf16" if getattr(accelerator, "bf16_supported", True) else "fp16"


def _default_optimizer(strategy: str) -> str:
    # QLoRA as published pages its optimizer states (QLoRA paper, Sec. 3); everything else: AdamW
    return "paged-adamw-8bit" if strategy == "qlora" else "adamw"


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


_fmt = units.count  # the one formatter per figure: whichmodel.units


@dataclass(frozen=True)
class JobSpec:
    """One job, validated once: every later stage trusts these fields."""

    params: float
    strategy: str
    accelerator: Accelerator
    gpus: int
    tokens: float | None
    seq_len: int
    batch: int
    dtype: str
    model: Model | None
    gradient_checkpointing: bool
    flash_attention: bool
    lora_fraction: float | None
    lora_rank: int | None
    lora_targets: str
    optimizer: str
    offload: str
    stack: str
    model_id: str | None
    family: str | None
    input_tokens: int = SERVE_INPUT_TOKENS
    output_tokens: int = SERVE_OUTPUT_TOKENS
    concurrency: int = SERVE_CONCURRENCY
    runtime: str | None = None
    prefill_chunk: int | None = None

    @property
    def training(self) -> bool:
        return self.strategy not in NO_TRAINING


def job_spec(
    *,
    params: float,
    strategy: str,
    accelerator: Accelerator,
    gpus: int = 1,
    tokens: float | None = None,
    seq_len: int = TRAIN_SEQ_LEN,
    batch: int = TRAIN_MICRO_BATCH,
    dtype: str | None = None,
    model: Model | None = None,
    gradient_checkpointing: bool = True,
    model_id: str | None = None,
    family: str | None = None,
    flash_attention: bool = True,
    lora_fraction: float | None = None,
    lora_rank: int | None = None,
    lora_targets: str = "all-linear",
    optimizer: str | None = None,
    offload: str = "none",
    stack: str = "trainer",
    input_tokens: int = SERVE_INPUT_TOKENS,
    output_tokens: int = SERVE_OUTPUT_TOKENS,
    concurrency: int = SERVE_CONCURRENCY,
    runtime: str | None = None,
    prefill_chunk: int | None = None,
) -> JobSpec:
    """Validate a job's inputs once (stage 1): readable EstimateErrors for anything out of range."""
    params = _positive("params", params)
    if prefill_chunk is not None:
        prefill_chunk = int(_positive("prefill_chunk", prefill_chunk, integer=True))
    strategy = normalize_strategy(strategy)
    if not is_gpu(accelerator) and strategy not in NO_TRAINING:
        raise EstimateError(
            f"{accelerator.id} is a serving target: it runs inference only; train on a GPU (--gpu a100-80gb)"
        )
    input_tokens = int(_positive("input_tokens", input_tokens, integer=True))
    output_tokens = int(_positive("output_tokens", output_tokens, integer=True))
    concurrency = int(_positive("concurrency", concurrency, integer=True))
    runtime = normalize_runtime(runtime) if runtime is not None else None
    gpus = int(_positive("gpus", gpus, integer=True))
    seq_len = int(_positive("seq_len", seq_len, integer=True))
    batch = int(_positive("batch", batch, integer=True))
    dtype = normalize_dtype(dtype) if dtype is not None else _default_dtype(strategy, accelerator)
    _check_dtype(strategy, dtype)
    if lora_fraction is not None:
        lora_fraction = _positive("lora_fraction", lora_fraction)
        if lora_fraction > 1:
            raise EstimateError(f"lora_fraction must be at most 1 (got {lora_fraction!r})")
    if lora_rank is not None:
        lora_rank = int(_positive("lora_rank", lora_rank, integer=True))
    lora_targets = _choice("LoRA targets", lora_targets, LORA_TARGETS)
    optimizer = normalize_optimizer(optimizer) if optimizer is not None else _default_optimizer(strategy)
    offload = normalize_offload(offload)
    stack = normalize_stack(stack)
    if tokens is not None and strategy not in NO_TRAINING:
        tokens = _positive("tokens", tokens)
    _family(family, model)
    return JobSpec(
        params, strategy, accelerator, gpus, tokens, seq_len, batch, dtype, model,
        bool(gradient_checkpointing), bool(flash_attention), lora_fraction, lora_rank, lora_targets,
        optimizer, offload, stack, model_id, family, input_tokens, output_tokens, concurrency, runtime,
        prefill_chunk,
    )  # fmt: skip


def memory_stage(spec: JobSpec, shape: Shape) -> tuple[Memory, float | None, list[Note]]:
    """Stage 3: memory by component, the trainable parameter count, and the assumptions behind them."""
    notes: list[Note] = []
    fam = shape.family
    if not spec.training:
        on_gpu = is_gpu(spec.accelerator)
        runtime = spec.runtime or default_runtime(fam, on_gpu)
        memory = inference_memory(
            params=spec.params,
            dtype=spec.dtype,
            model=spec.model,
            context_tokens=spec.seq_len,
            batch=spec.batch,
            family=fam,
            flash_attention=spec.flash_attention,
            overhead_gb=FRAMEWORK_OVERHEAD_GB if on_gpu else 0.0,
            runtime=runtime,
            prefill_chunk=spec.prefill_chunk,
        )
        notes.append(
            Note(
                "Serving memory = weights + KV cache + one forward pass's working activations + overhead "
                "(PagedAttention paper, Kwon et al. 2023; vLLM's memory profiler)"
            )
        )
        if spec.dtype in QUANT_BITS[runtime]:
            notes.append(
                Note(
                    "Weights: {} at {:g} bits per weight with {} block scales{}",
                    (
                        spec.dtype,
                        QUANT_BITS[runtime][spec.dtype],
                        runtime,
                        "" if runtime == "llama.cpp" else "; embeddings and LM head kept 16-bit",
                    ),
                )
            )
        else:
            notes.append(
                Note("Weights: {:g} bytes per parameter ({})", (DTYPE_BYTES[spec.dtype], spec.dtype))
            )
        if fam == "encoder-only":
            notes.append(
                Note("Encoder-only model: no KV cache (it reads its input in one pass and generates nothing)")
            )
        else:
            what = (
                "decoder self-attention plus cross-attention over the input, each at the context length"
                if fam == "encoder-decoder"
                else "at the context length"
            )
            kv_bytes = max(KV_CACHE_MIN_BYTES, DTYPE_BYTES[spec.dtype])
            notes.append(
                Note(
                    "KV cache = 2 · {} layers · {} kv_heads · {} head_dim · {:g} bytes = {:.4g} KiB per token × "
                    "{:,} tokens × {} sequence{} ({}; PagedAttention paper, Sec. 3)",
                    (
                        shape.layers,
                        shape.kv_heads,
                        shape.head_dim,
                        kv_bytes,
                        _kv_bytes_per_token(shape, spec.dtype) / 1024,
                        spec.seq_len,
                        spec.batch,
                        "s" if spec.batch != 1 else "",
                        what,
                    ),
                )
            )
        pass_tokens = prefill_pass_tokens(runtime, spec.seq_len * spec.batch, spec.prefill_chunk)
        chunked = pass_tokens < spec.seq_len * spec.batch
        notes.append(
            Note(
                "Working activations: one forward pass of {:,} tokens{} at {:.3g} KB per token (residual stream, "
                "normed input and MLP intermediates of one layer; nothing is kept for a backward pass)",
                (
                    pass_tokens,
                    f" ({runtime} prefills in chunks of {pass_tokens:,})" if chunked else "",
                    serving_activation_bytes_per_token(shape, spec.dtype) / 1e3,
                ),
            )
        )
        return memory, None, notes
    memory = training_memory(
        params=spec.params,
        strategy=spec.strategy,
        shape=shape,
        dtype=spec.dtype,
        seq_len=spec.seq_len,
        batch=spec.batch,
        gradient_checkpointing=spec.gradient_checkpointing,
        flash_attention=spec.flash_attention,
        lora_fraction=spec.lora_fraction,
        lora_rank=spec.lora_rank,
        lora_targets=spec.lora_targets,
        optimizer=spec.optimizer,
        offload=spec.offload,
        stack=spec.stack,
    )
    state = OPTIMIZER_STATE_BYTES[spec.optimizer]
    if spec.strategy in FULL_TRAINING:
        trainable = spec.params
        if spec.dtype == "fp32":
            notes.append(
                Note(
                    "fp32 {}: {:g} bytes per parameter (4 weights + 4 gradients + {:g} optimizer)",
                    (spec.optimizer, 8 + state, state),
                )
            )
        else:
            notes.append(
                Note(
                    "Mixed-precision {}: {:g} bytes per parameter (2 weights + 2 gradients + 4 fp32 master weights "
                    "+ {:g} optimizer states; ZeRO paper)",
                    (spec.optimizer, 8 + state, state),
                )
            )
    else:
        trainable = trainable_params_for(
            spec.params,
            shape,
            lora_fraction=spec.lora_fraction,
            lora_rank=spec.lora_rank,
            lora_targets=spec.lora_targets,
        )
        a = QLORA_ADAPTER_BYTES if spec.strategy == "qlora" else ADAPTER_WEIGHT_BYTES
        how = (
            f"{spec.lora_fraction * 100:.3g}% of the parameters"
            if spec.lora_fraction is not None
            else f"rank {spec.lora_rank or LORA_RANK} on the {spec.lora_targets} layers"
            if trainable != spec.params * LORA_TRAINABLE_FRACTION
            else f"{LORA_TRAINABLE_FRACTION:.0%} of the parameters (shape unknown)"
        )
        notes.append(
            Note(
                "LoRA trains {} ({}), adapters in {} with {}: {:g} bytes per trainable parameter",
                (how, _fmt(trainable), "bf16" if a == 2 else "fp32", spec.optimizer, 2 * a + state),
            )
        )
        if spec.strategy == "qlora":
            if spec.dtype == "int4":
                notes.append(
                    Note(
                        "QLoRA frozen weights: 4-bit NF4 with double quantisation, {:g} bits per parameter (QLoRA "
                        "paper); embeddings and LM head ({}) kept 16-bit",
                        (QLORA_BITS_PER_PARAM, _fmt(shape.embedding_params)),
                    )
                )
            else:
                notes.append(
                    Note("Frozen weights in int8: 1 byte per parameter; embeddings and LM head 16-bit")
                )
        else:
            notes.append(
                Note("Frozen weights: {:g} bytes per parameter ({})", (DTYPE_BYTES[spec.dtype], spec.dtype))
            )
    if spec.optimizer in PAGED_OPTIMIZERS:
        notes.append(
            Note(
                "Paged optimizer: its states page to CPU RAM under pressure (QLoRA paper), not counted on the GPU"
            )
        )
    if spec.offload != "none":
        notes.append(
            Note(
                "CPU offload ({}): {:.1f} GB in CPU RAM instead of the GPU (DeepSpeed ZeRO-Offload); its "
                "PCIe traffic is not added to the time",
                (spec.offload, memory.offloaded),
            )
        )
    attn = (
        "memory-efficient attention (no s² scores stored)"
        if spec.flash_attention
        else "eager attention (+5·a·s²·b bytes per layer)"
    )
    ckpt = (
        (
            "gradient checkpointing with layer inputs offloaded to CPU RAM (optimized stack)"
            if spec.stack == "optimized"
            else "gradient checkpointing keeps each layer's input (2·s·b·h bytes) plus one layer recomputed"
        )
        if spec.gradient_checkpointing
        else "no gradient checkpointing: every layer's activations kept"
    )
    notes.append(
        Note(
            "Activations: s·b·h·{:.3g} bytes per layer in 16-bit (Korthikanti et al. 2022{}), {} here; {}; {}; "
            "seq_len {}, micro-batch {} per GPU",
            (
                _layer_bytes_per_token_hidden(shape),
                ", gated MLP" if shape.gated else "",
                "32-bit" if spec.dtype == "fp32" else "16-bit",
                attn,
                ckpt,
                spec.seq_len,
                spec.batch,
            ),
        )
    )
    if fam != "encoder-only":
        if spec.stack == "optimized":
            notes.append(
                Note("Loss: fused, chunked cross-entropy (Liger, Cut Cross-Entropy): logits never held whole")
            )
        else:
            notes.append(
                Note(
                    "Loss: unfused cross-entropy holds {:g} bytes per token per vocabulary entry (bf16 logits, fp32 "
                    "copy, log-softmax and gradients): {:.2f} MB per token at {:,} entries",
                    (LOGITS_BYTES, LOGITS_BYTES * shape.vocab / 1e6, shape.vocab),
                )
            )
    return memory, trainable, notes


@dataclass(frozen=True)
class Capacity:
    usable_gb: float
    gpus_needed: int | None
    fits: bool
    per_gpu_gb: float


def capacity_stage(spec: JobSpec, memory: Memory) -> tuple[Capacity, list[Note]]:
    """Stage 4: usable memory per GPU, the fewest GPUs that hold the job, and the verdict."""
    acc = spec.accelerator
    usable = usable_memory_gb(acc)
    if not is_gpu(acc):
        needed = 1 if memory.total <= usable else None
        notes = [
            Note(
                "{}: {:g} GB for the model (the catalog's serving profile); no CUDA context", (acc.id, usable)
            )
        ]
        return Capacity(usable, needed, needed is not None, memory.total), notes
    notes = [
        Note(
            "Framework overhead {:.2f} GB per GPU (CUDA context and kernels; transformers' model memory anatomy: "
            "1343 MB)",
            (FRAMEWORK_OVERHEAD_GB,),
        ),
        Note(
            "Usable memory {:.0%} of {:g} GiB = {:.1f} GB per GPU (vLLM's default gpu_memory_utilization)",
            (USABLE_MEMORY_FRACTION, acc.memory_gb, usable),
        ),
    ]
    needed = gpus_needed_for(memory, acc)
    if needed is None or needed > 1 or spec.gpus > 1:
        notes.append(
            Note(
                "Multi-GPU: weights, gradients, optimizer states and KV cache sharded evenly (FSDP / ZeRO-3; tensor "
                "parallel for inference); activations and overhead on every GPU"
            )
        )
    if needed is None:
        if memory.per_gpu_fixed >= usable:
            notes.append(
                Note(
                    "Activations and overhead alone ({:.1f} GB) exceed one GPU: lower the batch or the sequence length",
                    (memory.per_gpu_fixed,),
                )
            )
        else:
            notes.append(Note("More than {:,} GPUs would be needed", (MAX_GPUS,)))
    cap = Capacity(usable, needed, needed is not None and needed <= spec.gpus, memory.per_gpu(spec.gpus))
    return cap, notes


@dataclass(frozen=True)
class Compute:
    tokens: float | None
    flops: float | None
    mfu: float | None
    gpu_hours: float | None
    wall_clock_hours: float | None


def _dequant_seconds(spec: JobSpec, shape: Shape) -> float:
    """QLoRA: seconds per micro-batch spent dequantising the frozen 4-bit weights (0 for other jobs)."""
    bw = spec.accelerator.bandwidth_gbps
    if spec.strategy != "qlora" or not bw:
        return 0.0
    passes = 3 if spec.gradient_checkpointing else 2
    body = spec.params - shape.embedding_params
    seconds = passes * body * DEQUANT_BYTES_PER_PARAM / (bw * 1e9 * DEQUANT_BANDWIDTH_EFFICIENCY)
    if spec.stack == "optimized":
        seconds /= STACK_SPEEDUP_ADAPTER
    return seconds


def compute_stage(spec: JobSpec, shape: Shape) -> tuple[Compute, list[Note]]:
    """Stage 5: training FLOPs, MFU, GPU-hours and wall-clock (nothing for inference)."""
    notes: list[Note] = []
    if not spec.training:
        return Compute(None, None, None, None, None), notes
    tokens = spec.tokens
    if tokens is None and spec.strategy == "pretrain":
        tokens = CHINCHILLA_TOKENS_PER_PARAM * spec.params
        notes.append(
            Note(
                "Training tokens: {:g} per parameter = {} (Chinchilla compute-optimal; pass tokens to change)",
                (CHINCHILLA_TOKENS_PER_PARAM, _fmt(tokens)),
            )
        )
    if tokens is None:
        notes.append(Note("No training tokens given: compute, time and cost not estimated"))
        return Compute(None, None, None, None, None), notes
    model = spec.model
    compute_params = spec.params
    if model is not None and model.active_params_b is not None and model.params_b > 0:
        compute_params = spec.params * model.active_params_b / model.params_b
        notes.append(
            Note("Mixture of experts: compute counts the {} active parameters", (_fmt(compute_params),))
        )
    fam = shape.family
    flops = training_flops(compute_params, tokens, spec.strategy, family=fam)
    if spec.strategy in FULL_TRAINING:
        notes.append(Note("Training compute C = 6·N·D FLOPs (Kaplan et al. 2020; GPT-3 paper Table D.1)"))
    else:
        notes.append(
            Note(
                "Adapter training compute C = 4·N·D FLOPs (forward and input gradients; no weight gradients)"
            )
        )
    if fam == "encoder-decoder":
        notes.append(
            Note(
                "Encoder-decoder: each token passes through half the parameters (×0.5; GPT-3 paper Table D.1 counts "
                "T5 at 3 FLOPs per parameter per token)"
            )
        )
    acc = spec.accelerator
    per_step = spec.seq_len * spec.batch
    mfu = mfu_for(
        spec.strategy,
        compute_params,
        acc,
        stack=spec.stack,
        tokens_per_micro_batch=per_step,
        gradient_checkpointing=spec.gradient_checkpointing,
    )
    notes.append(_mfu_note(spec, compute_params, mfu))
    rate = _throughput(
        acc,
        spec.strategy,
        compute_params,
        spec.dtype,
        stack=spec.stack,
        tokens_per_micro_batch=per_step,
        gradient_checkpointing=spec.gradient_checkpointing,
    )
    if spec.dtype == "fp32":
        if _tf32(acc) or getattr(acc, "fp32_tflops", None) is None:
            notes.append(
                Note("fp32 runs on TF32 tensor cores at {:g}× the 16-bit rate", (TF32_THROUGHPUT_FACTOR,))
            )
        else:
            notes.append(
                Note(
                    "{} has no TF32: fp32 matmuls run at {:g} of its {:g} fp32 TFLOP/s",
                    (acc.id, FP32_SIMT_MFU, acc.fp32_tflops),
                )
            )
    if rate is None:
        notes.append(Note("{} has no peak TFLOP/s figure in the catalog: GPU-hours not estimated", (acc.id,)))
        return Compute(tokens, flops, mfu, None, None), notes
    seconds = flops / rate
    dequant = _dequant_seconds(spec, shape)
    if dequant:
        steps = tokens / per_step
        seconds += steps * dequant * spec.gpus  # GPU-seconds: every GPU dequantises its own copy
        notes.append(
            Note(
                "QLoRA dequantisation: {:.3g} s per micro-batch ({} passes over the 4-bit weights at {:g} of "
                "the card's bandwidth; fitted to measured LoRA/QLoRA pairs)",
                (dequant, 3 if spec.gradient_checkpointing else 2, DEQUANT_BANDWIDTH_EFFICIENCY),
            )
        )
    gpu_hours = seconds / 3600
    notes.append(
        Note("GPU-hours = FLOPs / ({:g} TFLOP/s peak dense × MFU × 3600) on {}", (acc.bf16_tflops, acc.id))
    )
    wall = gpu_hours / spec.gpus
    notes.append(
        Note("Wall-clock = GPU-hours / {} GPU{} (linear scaling)", (spec.gpus, "s" if spec.gpus != 1 else ""))
    )
    return Compute(tokens, flops, mfu, gpu_hours, wall), notes


def _mfu_note(spec: JobSpec, params: float, mfu: float) -> Note:
    if spec.strategy in ("pretrain", "continued-pretraining"):
        base, why = MFU_PRETRAIN, "large pre-training runs on A100s: Llama 2 implies 0.35-0.44, PaLM 0.46"
    else:
        base = MFU_FINETUNE_HARDWARE
        why = (
            f"hardware utilisation of Trainer fine-tuning (Qwen README, A100), × k/(k+2) with gradient "
            f"checkpointing; {spec.stack} stack"
        )
    return Note(
        "MFU {:.3f} = {:.2f} ({}) × machine balance {:.2f} × model size × micro-batch of {:,} tokens",
        (mfu, base, why, _balance(spec.accelerator), spec.seq_len * spec.batch),
    )


def cost_stage(spec: JobSpec, compute: Compute) -> tuple[float | None, list[Note]]:
    """Stage 6: cost at the catalog's price per GPU-hour."""
    if compute.gpu_hours is None:
        return None, []
    acc = spec.accelerator
    if acc.usd_per_hour is None:
        return None, [Note("No price for {} in the catalog: cost not estimated", (acc.id,))]
    return compute.gpu_hours * acc.usd_per_hour, [
        Note("Cost at ${:g} per GPU-hour", (acc.usd_per_hour,)),
        Note("Time does not add restarts, evaluation or data loading beyond what the calibrated MFU absorbs"),
    ]


def estimate_job(**kwargs: Any) -> JobEstimate:
    """Memory, compute, time and cost of one job, with every assumption behind them.

    Keyword arguments are those of ``job_spec``. ``batch`` is the micro-batch on each GPU and ``seq_len`` its
    sequence length (for inference: the context held in the KV cache). ``tokens`` is what training processes
    (ignored for inference); for ``pretrain`` without tokens, the compute-optimal 20 tokens per parameter are
    assumed. Multi-GPU jobs shard weights, gradients, optimizer states and KV cache evenly; activations and
    overhead are per GPU.
    """
    spec = job_spec(**kwargs)
    return estimate_spec(spec)


def estimate_spec(spec: JobSpec) -> JobEstimate:
    """Run the stages over a validated job spec."""
    shape = model_shape(spec.params, spec.model, spec.family)
    notes: list[Note] = []
    if spec.dtype == "bf16" and is_gpu(spec.accelerator) and not spec.accelerator.bf16_supported:
        notes.append(
            Note(
                "{} has no bf16: fp16 mixed precision is assumed (same memory and speed)",
                (spec.accelerator.id,),
            )
        )
    memory, trainable, mem_notes = memory_stage(spec, shape)
    notes += mem_notes
    shape_note = _shape_note(shape)
    if shape_note:
        notes.append(shape_note)
    cap, cap_notes = capacity_stage(spec, memory)
    notes += cap_notes
    comp, comp_notes = compute_stage(spec, shape)
    notes += comp_notes
    cost, cost_notes = cost_stage(spec, comp)
    notes += cost_notes
    serving = None
    if not spec.training:
        serving = estimate_serving(
            params=spec.params,
            target=spec.accelerator,
            model=spec.model,
            family=spec.family,
            dtype=spec.dtype,
            gpus=spec.gpus,
            input_tokens=spec.input_tokens,
            output_tokens=spec.output_tokens,
            concurrency=spec.concurrency,
            runtime=spec.runtime,
        )
    numbers = [memory.total, comp.flops, comp.gpu_hours, cost]
    if any(x is not None and not math.isfinite(x) for x in numbers):
        raise EstimateError("The job is too large to estimate (a figure overflows); check the sizes")
    model = spec.model
    return JobEstimate(
        params=spec.params,
        strategy=spec.strategy,
        tokens=comp.tokens if spec.training else None,
        accelerator=spec.accelerator.id,
        gpus=spec.gpus,
        dtype=spec.dtype,
        seq_len=spec.seq_len,
        batch=spec.batch,
        flops=comp.flops,
        gpu_hours=comp.gpu_hours,
        wall_clock_hours=comp.wall_clock_hours,
        cost_usd=cost,
        memory=memory,
        gpus_needed=cap.gpus_needed,
        fits=cap.fits,
        notes=tuple(notes),
        model_id=spec.model_id if spec.model_id is not None else (model.id if model is not None else None),
        family=shape.family,
        mfu=comp.mfu,
        trainable_params=trainable,
        usable_gb_per_gpu=cap.usable_gb,
        per_gpu_gb=cap.per_gpu_gb,
        shape=shape,
        optimizer=spec.optimizer if spec.training else None,
        offload=spec.offload,
        stack=spec.stack,
        lora_rank=(spec.lora_rank or LORA_RANK)
        if spec.strategy in ADAPTERS and spec.lora_fraction is None
        else None,
        serving=serving,
    )


def _largest(fits: Callable[[int], bool], limit: int) -> int:
    """The largest n in [1, limit] with fits(n), for a monotone predicate (0 when not even 1 fits)."""
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


def max_batch(
    *,
    params: float,
    strategy: str,
    accelerator: Accelerator,
    seq_len: int,
    gpus: int = 1,
    limit: int = 1 << 16,
    **kwargs: Any,
) -> int:
    """The largest micro-batch that fits on ``gpus`` of the accelerator (0 when not even one sample does)."""
    base = job_spec(
        params=params, strategy=strategy, accelerator=accelerator, gpus=gpus, seq_len=seq_len, **kwargs
    )
    return _largest(lambda b: estimate_spec(replace(base, batch=b)).fits, limit)


def max_seq_len(
    *,
    params: float,
    strategy: str,
    accelerator: Accelerator,
    batch: int = 1,
    gpus: int = 1,
    limit: int = 1 << 24,
    **kwargs: Any,
) -> int:
    """The longest sequence that trains (or is served) at ``batch`` on ``gpus`` of the accelerator (0: none)."""
    base = job_spec(
        params=params, strategy=strategy, accelerator=accelerator, gpus=gpus, batch=batch, **kwargs
    )
    return _largest(lambda s: estimate_spec(replace(base, seq_len=s)).fits, limit)


# --- serving ---------------------------------------------------------------------------------------------------


def _weight_bytes(params: float, dtype: str, runtime: str) -> float:
    bits = QUANT_BITS[runtime].get(dtype)
    return params * (bits / 8 if bits is not None else DTYPE_BYTES[dtype])


def serving_weight_bytes(params: float, shape: Shape, dtype: str, runtime: str) -> float:
    """Bytes the weights take when served: 16/32-bit as stored; quantised formats at the runtime's bits per
    weight (block scales included, QUANT_BITS). bitsandbytes (transformers) and AWQ/GPTQ (vLLM) quantise the
    blocks' linear layers only: embeddings and the LM head stay 16-bit (QLoRA paper; transformers keeps lm_head
    unquantised); llama.cpp's GGUF files quantise them too (LLaMA 7B Q4_0: 3.56 GiB, 4.5 bits a weight)."""
    if dtype not in QUANT_BITS[runtime] or runtime == "llama.cpp":
        return _weight_bytes(params, dtype, runtime)
    embed = min(shape.embedding_params, params)
    return _weight_bytes(params - embed, dtype, runtime) + embed * MIXED_WEIGHT_BYTES


def estimate_serving(
    *,
    params: float,
    target: Accelerator | ServingTarget,
    model: Model | None = None,
    family: str | None = None,
    dtype: str = "bf16",
    gpus: int = 1,
    input_tokens: int = SERVE_INPUT_TOKENS,
    output_tokens: int = SERVE_OUTPUT_TOKENS,
    concurrency: int = SERVE_CONCURRENCY,
    runtime: str | None = None,
) -> Serving:
    """Speed and cost of serving a model on a GPU (an Accelerator) or a CPU / edge device (a ServingTarget).

    Decoding is bound by memory bandwidth: each step reads the weights once (the active experts' at one
    sequence) and each sequence's KV cache, at DECODE_BANDWIDTH_EFFICIENCY, plus a per-layer cost of the
    runtime; prefill is bound by compute (2·N FLOPs per input token); how many sequences run together is
    bound by the memory left for the KV cache. Cost is per million generated tokens, the prefill included.
    """
    params = _positive("params", params)
    dtype = normalize_dtype(dtype)
    gpus = int(_positive("gpus", gpus, integer=True))
    input_tokens = int(_positive("input_tokens", input_tokens, integer=True))
    output_tokens = int(_positive("output_tokens", output_tokens, integer=True))
    concurrency = int(_positive("concurrency", concurrency, integer=True))
    on_gpu = is_gpu(target)
    shape = model_shape(params, model, family)
    if runtime is None:  # vLLM serves decoders; encoders and encoder-decoders run in transformers
        runtime = default_runtime(shape.family, on_gpu)
    runtime = normalize_runtime(runtime)
    notes: list[Note] = []
    target_id = getattr(target, "id", "device")
    if on_gpu:
        bandwidth = (target.bandwidth_gbps or 0.0) * gpus
        peak = (target.bf16_tflops or 0.0) * 1e12 * gpus * PREFILL_MFU  # type: ignore[union-attr]
        memory_gb = usable_memory_gb(target) * gpus
        overhead = FRAMEWORK_OVERHEAD_GB * gpus
        price = target.usd_per_hour * gpus if target.usd_per_hour is not None else None  # type: ignore[union-attr]
    else:
        assumed_bw = CPU_BANDWIDTH_GBPS if target_id == "cpu" else EDGE_BANDWIDTH_GBPS
        bandwidth = getattr(target, "bandwidth_gbps", None) or assumed_bw
        if getattr(target, "bandwidth_gbps", None) is None:
            notes.append(
                Note(
                    "{}: {:g} GB/s memory bandwidth assumed (no figure in the catalog)",
                    (target_id, bandwidth),
                )
            )
        peak = CPU_PREFILL_TFLOPS * 1e12 if target_id == "cpu" else 0.0
        memory_gb = target.memory_gb
        overhead = 0.0
        price = None
    active = params
    if model is not None and model.active_params_b is not None and model.params_b > 0:
        active = params * model.active_params_b / model.params_b
    weights = serving_weight_bytes(params, shape, dtype, runtime)
    kv_token = _kv_bytes_per_token(shape, dtype)
    context = input_tokens + output_tokens
    act = serving_activations_gb(shape, prefill_pass_tokens(runtime, input_tokens), dtype) * GB
    room = memory_gb * GB - weights - overhead * GB - act
    if kv_token > 0:
        max_conc = max(0, int(room // (kv_token * context))) if room > 0 else 0
        max_conc = min(max_conc, int(LIMITS["concurrency"]))
    else:
        max_conc = int(LIMITS["concurrency"]) if room > 0 else 0
    notes.append(
        Note(
            "Serving with {} ({}): weights {:.2f} GB, KV cache {:.3g} MB per token, {:,} tokens per sequence ({:,} in, "
            "{:,} out)",
            (runtime, dtype, weights / GB, kv_token / 1e6, context, input_tokens, output_tokens),
        )
    )
    if max_conc == 0:
        notes.append(
            Note("The weights do not fit in {:.1f} GB on {}: no serving speed", (memory_gb, target_id))
        )
        return Serving(
            runtime,
            dtype,
            input_tokens,
            output_tokens,
            concurrency,
            None,
            None,
            None,
            0,
            None,
            None,
            tuple(notes),
        )
    conc = min(concurrency, max_conc)
    if conc < concurrency:
        notes.append(Note("Only {:,} sequences fit in the KV cache: speeds at {:,}", (max_conc, conc)))
    if bandwidth <= 0:  # decoding is bandwidth-bound: without the figure there is no speed to give
        notes.append(
            Note("{} has no memory bandwidth in the catalog: serving speed not estimated", (target_id,))
        )
        return Serving(
            runtime, dtype, input_tokens, output_tokens, conc, None, None, None, max_conc, None, None, tuple(notes)
        )  # fmt: skip
    # a decoding step runs the decoder: all of a decoder-only model, the decoder stack of an encoder-decoder
    layers = shape.layers
    step_params = active / shape.stacks
    per_layer = LAYER_OVERHEAD_S[runtime]
    read_active = _weight_bytes(min(params / shape.stacks, step_params * conc), dtype, runtime)
    step_mem = (read_active + conc * kv_token * (input_tokens + output_tokens / 2)) / (
        bandwidth * 1e9 * DECODE_BANDWIDTH_EFFICIENCY
    )
    if runtime == "transformers" and dtype in ("int4", "int8"):
        per_layer += BNB_LAYER_OVERHEAD_S  # bitsandbytes' quantised matmuls launch more kernels
        notes.append(
            Note("bitsandbytes {} layers: +{:.2g} ms per layer per step", (dtype, BNB_LAYER_OVERHEAD_S * 1e3))
        )
    step_compute = (2 * step_params * conc / peak) if peak > 0 else 0.0
    step = max(step_mem, step_compute) + layers * per_layer
    decode = 1 / step
    notes.append(
        Note(
            "Decode: bytes read per step / ({:g} GB/s × {:g}) + {} layers × {:.2g} ms ({} per-layer cost; sources in "
            "docs/estimates.md)",
            (bandwidth, DECODE_BANDWIDTH_EFFICIENCY, layers, per_layer * 1e3, runtime),
        )
    )
    if peak > 0:
        encoder_params = active / shape.stacks if shape.family == "encoder-decoder" else active
        prefill_flops = (
            2 * encoder_params + 4 * layers * shape.hidden * input_tokens / 2
        )  # + attention over the prompt
        # one request's prompt in one pass (the encoder's, for an encoder-decoder): compute plus launch costs
        pass_s = input_tokens * prefill_flops / peak + shape.layers * shape.stacks * per_layer
        prefill = input_tokens / pass_s
        ttft = pass_s + step
        notes.append(
            Note("Prefill: 2·N FLOPs per input token at {:g} of peak (compute-bound)", (PREFILL_MFU,))
        )
    else:
        prefill = ttft = None  # type: ignore[assignment]
        notes.append(
            Note(
                "No compute figure for {}: prefill speed and time to first token not estimated", (target_id,)
            )
        )
    usd = usd_in = None
    if price is not None and prefill:
        usd_in = price / 3600 / prefill * 1e6
    if price is not None:
        busy = ((input_tokens / prefill) if prefill else 0.0) + output_tokens * step / conc
        usd = price / 3600 * busy / output_tokens * 1e6
        notes.append(
            Note(
                "Cost: ${:g} per hour over {:,} concurrent sequences, per million generated tokens, prefill included",
                (price, conc),
            )
        )
    elif on_gpu:
        notes.append(Note("No price for {} in the catalog: serving cost not estimated", (target_id,)))
    return Serving(
        runtime,
        dtype,
        input_tokens,
        output_tokens,
        conc,
        decode,
        prefill,
        ttft,
        max_conc,
        usd,
        decode * conc,
        tuple(notes),
        usd_in,
    )

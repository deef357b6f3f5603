#!/usr/bin/env python3
"""Write the generated parts of docs/estimates.md: the estimator's constants and the table of estimate vs
published figure for every row of tests/data/calibration.yaml.

    python scripts/gen_estimates_table.py          # rewrite the doc
    python scripts/gen_estimates_table.py --check  # exit 1 when the doc is not current

tests/test_estimator.py imports this module: it evaluates the same checks and asserts their tolerances.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from whichmodel import estimator as E  # noqa: E402
from whichmodel import yamlio  # noqa: E402
from whichmodel.catalog import load_catalog  # noqa: E402
from whichmodel.catalog_schema import Accelerator, Model, ServingTarget  # noqa: E402

CALIBRATION = ROOT / "tests" / "data" / "calibration.yaml"
DOC = ROOT / "docs" / "estimates.md"
BEGIN = "<!-- BEGIN GENERATED: scripts/gen_estimates_table.py -->"
END = "<!-- END GENERATED -->"

_UNITS = {"GB": 1e9, "MiB": 2**20, "GiB": 2**30, "TB": 1e12, "bytes": 1.0}
_OBJECTIVE = {"encoder-only": "masked-lm", "decoder-only": "causal-lm", "encoder-decoder": "span-corruption"}


@dataclass(frozen=True)
class Result:
    case: str
    url: str
    what: str
    estimate: Any  # float, bool or int
    published: Any
    ratio: float | None
    tolerance: float | None
    status: str  # ok | out | miss | info
    note: str
    enforced: bool
    job: str = ""
    category: str = ""

    @property
    def passed(self) -> bool:
        return self.status in ("ok", "info") or not self.enforced


def load_calibration(path: Path = CALIBRATION) -> dict:
    return yamlio.parse(path, yamlio.read_text(path))


def accelerators(data: dict) -> dict[str, Accelerator]:
    cat = load_catalog([], use_env=False)
    accs = {a.id: a for a in cat.accelerators.values()}
    for entry in data.get("accelerators", []):
        accs[entry["id"]] = Accelerator(**entry)
    return accs


def _published(case: dict, key: str) -> Any:
    node: Any = case.get("gpu_hours_or_flops") or {}
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if node is None:
        node = case.get(key)
    if node is None:
        raise KeyError(f"{case['id']}: no published figure {key!r}")
    return node


def _hours(text: str) -> float:
    parts = [float(p) for p in str(text).split(":")]
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + p
    return seconds / 3600


def _model(case: dict, check: dict) -> Model | None:
    shape = check.get("shape")
    family = check.get("family")
    if family is None:
        return None
    extra = {}
    if shape:
        extra = {"layers": shape["layers"], "hidden_size": shape["hidden"], "heads": shape["heads"]}
        if shape.get("vocab"):
            extra["vocab_size"] = shape["vocab"]
        if shape.get("kv_heads"):
            extra["kv_heads"] = shape["kv_heads"]
        if shape.get("head_dim"):
            extra["head_dim"] = shape["head_dim"]
    src = (case.get("source") or {}).get("url") or "calibration row"
    return Model(
        id=case["id"],
        hub_id=f"calibration/{case['id']}",
        family=family,
        objective=_OBJECTIVE[family],
        params_b=case["params"] / 1e9,
        context_tokens=None,
        license="unknown",
        languages=["en"],
        tasks=["text-generation"],
        sources=[src],
        active_params_b=check["active_params"] / 1e9 if check.get("active_params") else None,
        **extra,
    )


JOB_KEYS = (
    "seq_len",
    "batch",
    "dtype",
    "gradient_checkpointing",
    "flash_attention",
    "lora_fraction",
    "lora_rank",
    "lora_targets",
    "optimizer",
    "offload",
    "stack",
    "runtime",
    "prefill_chunk",
)
SERVING_WHATS = ("decode_tokens_per_s", "prefill_tokens_per_s", "time_to_first_token_s", "max_concurrent")


def _target(check: dict, accs: dict[str, Accelerator]) -> Accelerator | ServingTarget:
    target = check.get("serving_target")
    if target is not None:  # a CPU or edge device given in the check
        return ServingTarget(
            id=target["id"],
            name=target["name"],
            memory_gb=target["memory_gb"],
            bandwidth_gbps=target.get("bandwidth_gbps"),
            description=target["name"],
            sources=[target.get("source", "calibration row")],
        )
    return accs[check.get("accelerator", "a100-80gb")]


def _serving(case: dict, check: dict, accs: dict[str, Accelerator]) -> E.Serving:
    kw: dict[str, Any] = {
        "params": case["params"],
        "target": _target(check, accs),
        "model": _model(case, check),
        "dtype": check.get("dtype", "bf16"),
        "gpus": check.get("gpus", 1),
    }
    if check.get("family") and kw["model"] is None:
        kw["family"] = check["family"]
    for key in ("input_tokens", "output_tokens", "concurrency", "runtime"):
        if key in check:
            kw[key] = check[key]
    return E.estimate_serving(**kw)


def category(case: dict, check: dict) -> str:
    """The category a comparison counts in (the issue's list), unless the check names one."""
    if check.get("category"):
        return check["category"]
    what = check["what"]
    strategy = check.get("strategy", "pretrain")
    if what == "fits":
        return "out-of-memory verdict"
    if what in SERVING_WHATS:
        return "serving speed"
    if what == "max_seq_len":
        return "longest context at batch 1"
    if what == "max_batch":
        return "max batch"
    if what in ("optimal_params", "optimal_tokens", "flops") or strategy in (
        "pretrain",
        "continued-pretraining",
    ):
        return "pre-training"
    if strategy in ("inference", "as-is"):
        return "inference memory"
    if check.get("family") == "encoder-only":
        return "encoder fine-tune"
    if what.startswith("memory"):
        return "fine-tune memory"
    return "fine-tune time"


def _job(case: dict, check: dict, accs: dict[str, Accelerator], **over: Any) -> E.JobEstimate:
    kw: dict[str, Any] = {
        "params": case["params"],
        "strategy": check.get("strategy", "pretrain"),
        "accelerator": accs[check.get("accelerator", "a100-80gb")],
        "gpus": check.get("gpus", 1),
        "tokens": check.get("tokens", case.get("tokens")),
        "model": _model(case, check),
    }
    for key in JOB_KEYS:
        if key in check:
            kw[key] = check[key]
    kw.update(over)
    return E.estimate_job(**kw)


def job_label(check: dict) -> str:
    """A short description of the job a check estimates: strategy, dtype, shape of the batch, hardware."""
    what = check["what"]
    if what in ("optimal_params", "optimal_tokens"):
        return "Chinchilla optimum"
    parts = [check.get("strategy", "pretrain")]
    if what == "lora_speedup":
        parts = ["full-finetune vs lora"]
    if what in SERVING_WHATS:
        parts = ["serve"]
    if "dtype" in check:
        parts.append(check["dtype"])
    if "seq_len" in check:
        parts.append(f"seq {check['seq_len']}")
    if "batch" in check:
        parts.append(f"batch {check['batch']}")
    for key in ("stack", "optimizer", "offload", "runtime"):
        if key in check:
            parts.append(str(check[key]))
    if "lora_rank" in check:
        parts.append(f"r {check['lora_rank']}")
    if "concurrency" in check:
        parts.append(f"{check['concurrency']} concurrent")
    if check.get("gradient_checkpointing") is False:
        parts.append("no ckpt")
    if check.get("flash_attention") is False:
        parts.append("eager attn")
    if check.get("serving_target"):
        parts.append(check["serving_target"]["name"])
    elif what not in ("flops", "memory_states", "memory_weights", "memory_activations") or "gpus" in check:
        parts.append(f"{check.get('gpus', 1)}× {check.get('accelerator', 'a100-80gb')}")
    return ", ".join(parts)


def evaluate_check(case: dict, check: dict, accs: dict[str, Accelerator]) -> Result:
    result = _evaluate(case, check, accs)
    return replace(result, job=job_label(check), category=category(case, check))


def _evaluate(case: dict, check: dict, accs: dict[str, Accelerator]) -> Result:
    what = check["what"]
    tol = check.get("tolerance")
    unit = _UNITS.get(check.get("unit", "GB"), 1e9)
    est: Any
    pub: Any
    if what == "fits":
        job = _job(case, check, accs)
        est, pub = job.fits, bool(check["expected"])
        status = "ok" if est == pub else "miss"
        return Result(
            case["id"],
            _url(case),
            what,
            est if not est else job.gpus_needed,
            pub,
            None,
            None,
            status,
            check.get("note", ""),
            bool(check.get("enforced", True)),
        )
    if what in SERVING_WHATS:
        serving = _serving(case, check, accs)
        est = getattr(serving, what)
        pub = float(_published(case, check["published"]))
        ratio = est / pub if est is not None and pub else None
        if tol is None:
            status = "info"
        elif ratio is not None and 1 / tol <= ratio <= tol:
            status = "ok"
        else:
            status = "out"
        return Result(
            case["id"], _url(case), what, est, pub, ratio, tol, status, check.get("note", ""), tol is not None
        )
    if what == "max_seq_len":
        extra = {k: check[k] for k in JOB_KEYS if k in check and k not in ("seq_len", "batch")}
        est = E.max_seq_len(
            params=case["params"],
            strategy=check["strategy"],
            accelerator=accs[check["accelerator"]],
            batch=check.get("batch", 1),
            gpus=check.get("gpus", 1),
            model=_model(case, check),
            **extra,
        )
        pub = float(_published(case, check["published"]))
        ratio = est / pub if est and pub else None
        if tol is None:
            status = "info"
        elif ratio is not None and 1 / tol <= ratio <= tol:
            status = "ok"
        else:
            status = "out"
        return Result(
            case["id"], _url(case), what, est, pub, ratio, tol, status, check.get("note", ""), tol is not None
        )
    if what == "max_batch":
        extra = {k: check[k] for k in JOB_KEYS if k in check and k not in ("seq_len", "batch")}
        est = E.max_batch(
            params=case["params"],
            strategy=check["strategy"],
            accelerator=accs[check["accelerator"]],
            seq_len=check["seq_len"],
            model=_model(case, check),
            **extra,
        )
        pub = _published(case, check["published"])
        ratio = est / pub if pub else None
        return Result(
            case["id"], _url(case), what, est, pub, ratio, None, "info", check.get("note", ""), False
        )
    raw = _published(case, check["published"]) if "published" in check else None
    if what in ("optimal_params", "optimal_tokens"):
        params, tokens = E.compute_optimal(_published(case, "flops"))
        est, pub = (params if what == "optimal_params" else tokens), float(raw)
    elif what == "gpu_hours_per_billion_tokens":
        est = _job(case, check, accs, tokens=1e9).gpu_hours
        pub = 1e9 / (float(raw) * 3600)
    elif what == "lora_speedup":
        full = _job(case, check, accs, strategy="full-finetune", tokens=1e9).gpu_hours
        lora = _job(case, check, accs, strategy="lora", tokens=1e9).gpu_hours
        est, pub = full / lora, float(raw)
    else:
        job = _job(case, check, accs)
        m = job.memory
        if what == "gpu_hours":
            est, pub = job.gpu_hours, float(raw)
        elif what == "flops":
            est, pub = job.flops, float(raw)
        elif what == "wall_clock_hours":
            est = job.wall_clock_hours
            pub = float(raw) / 3600 if check.get("unit") == "s" else _hours(raw)
        elif what == "memory_total":  # exclude_overhead: the figure is PyTorch's peak allocation
            est = m.total - (m.overhead if check.get("exclude_overhead") else 0.0)
            pub = float(raw) * unit / 1e9
        elif what == "memory_weights":
            est, pub = m.weights, float(raw) * unit / 1e9
        elif what == "memory_activations":  # the papers count the transformer layers, not the loss
            est = E.training_activations_gb(
                job.shape,
                job.seq_len,
                job.batch,
                dtype=job.dtype,
                gradient_checkpointing=check.get("gradient_checkpointing", True),
                flash_attention=check.get("flash_attention", True),
                strategy=job.strategy,
                stack=job.stack,
                include_loss=False,
            )
            pub = float(raw) * unit / 1e9
        elif what == "serving_activations":  # a runtime's measured activation peak (vLLM's profiler)
            est, pub = m.activations, float(raw) * unit / 1e9
        elif what == "kv_bytes_per_token":  # bytes of KV cache one token takes
            est = E.kv_cache_gb(job.shape, 1, 1, job.dtype) * 1e9
            pub = float(raw) * unit
        elif what == "kv_cache_available":  # what is left for the KV cache (vLLM: available_kv_cache_memory)
            usable = job.usable_gb_per_gpu * job.gpus
            est = usable - m.weights - (m.activations + m.overhead) * job.gpus
            pub = float(raw) * unit / 1e9
        elif what == "memory_states":
            est, pub = m.weights + m.gradients + m.optimizer, float(raw) * unit / 1e9
        elif what == "memory_states_per_gpu":
            est, pub = (m.weights + m.gradients + m.optimizer) / job.gpus, float(raw) * unit / 1e9
        else:
            raise ValueError(f"{case['id']}: unknown check {what!r}")
    ratio = est / pub if est is not None and pub else None
    if tol is None:
        status = "info"
    elif ratio is not None and 1 / tol <= ratio <= tol:
        status = "ok"
    else:
        status = "out"
    return Result(
        case["id"], _url(case), what, est, pub, ratio, tol, status, check.get("note", ""), tol is not None
    )


def _url(case: dict) -> str:
    return (case.get("source") or {}).get("url", "")


def evaluate_all(data: dict | None = None) -> list[Result]:
    data = data if data is not None else load_calibration()
    accs = accelerators(data)
    return [evaluate_check(case, check, accs) for case in data["cases"] for check in case.get("checks", [])]


# --- rendering -----------------------------------------------------------------------------------------------

_LABEL = {
    "gpu_hours": "GPU-hours",
    "flops": "FLOPs",
    "wall_clock_hours": "wall-clock hours",
    "memory_total": "memory GB",
    "memory_weights": "weights GB",
    "memory_states": "model states GB",
    "memory_states_per_gpu": "states GB per GPU",
    "memory_activations": "activations GB",
    "serving_activations": "serving activations GB",
    "kv_bytes_per_token": "KV bytes per token",
    "kv_cache_available": "KV cache room GB",
    "optimal_params": "optimal params",
    "optimal_tokens": "optimal tokens",
    "gpu_hours_per_billion_tokens": "GPU-hours per 1B tokens",
    "lora_speedup": "LoRA speed-up",
    "fits": "fit verdict",
    "max_batch": "max batch",
    "max_seq_len": "longest sequence",
    "decode_tokens_per_s": "decode tokens/s",
    "prefill_tokens_per_s": "prefill tokens/s",
    "time_to_first_token_s": "time to first token s",
    "max_concurrent": "concurrent sequences",
}


def _num(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "fits" if x else "does not fit"
    if isinstance(x, int):
        return str(x)
    x = float(x)
    if x == 0:
        return "0"
    if abs(x) >= 1e7 or abs(x) < 1e-2:
        mant, exp = f"{x:.3e}".split("e")
        return f"{float(mant):.3g}e{int(exp)}"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(results: list[Result]) -> str:
    lines = [
        "| case | category | quantity | job | estimate | published | est / pub | tolerance | status | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if r.what == "fits":
            est = "fits" if r.estimate not in (False, None) else "does not fit"
            if r.estimate not in (False, None, True):
                est = f"fits (needs {r.estimate})"
            pub = _num(r.published)
        else:
            est, pub = _num(r.estimate), _num(r.published)
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}"
        tol = (
            "verdict"
            if r.what == "fits" and r.enforced
            else ("—" if r.tolerance is None else f"{r.tolerance:g}×")
        )
        case = f"[{r.case}]({r.url})" if r.url else r.case
        lines.append(
            f"| {case} | {r.category} | {_LABEL.get(r.what, r.what)} | {r.job} | {est} | {pub} | {ratio} | {tol} | {r.status} | {_cell(r.note)} |"
        )
    return "\n".join(lines)


CATEGORY_ORDER = (
    "fine-tune time",
    "fine-tune memory",
    "encoder fine-tune",
    "longest context at batch 1",
    "pre-training",
    "inference memory",
    "serving speed",
    "out-of-memory verdict",
    "max batch",
)


def category_errors(results: list[Result]) -> dict[str, tuple[int, float | None]]:
    """Per category: how many comparisons, and exp(mean |ln(estimate / published)|) over those with a ratio
    (for verdicts: the share right)."""
    out: dict[str, tuple[int, float | None]] = {}
    for cat in CATEGORY_ORDER:
        rows = [r for r in results if r.category == cat]
        if not rows:
            continue
        if cat == "out-of-memory verdict":
            out[cat] = (len(rows), sum(r.status == "ok" for r in rows) / len(rows))
            continue
        logs = [abs(math.log(r.ratio)) for r in rows if r.ratio]
        out[cat] = (len(rows), math.exp(sum(logs) / len(logs)) if logs else None)
    return out


def render_categories(results: list[Result]) -> str:
    lines = [
        "| category | comparisons | error: exp(mean \\|ln(estimate / published)\\|) |",
        "|---|---|---|",
    ]
    for cat, (n, err) in category_errors(results).items():
        if cat == "out-of-memory verdict":
            text = "—" if err is None else f"{err:.0%} right"
        else:
            text = "—" if err is None else f"{err:.2f}×"
        lines.append(f"| {cat} | {n} | {text} |")
    ratios = [r.ratio for r in results if r.ratio and r.category not in ("max batch",)]
    if ratios:
        overall = math.exp(sum(abs(math.log(x)) for x in ratios) / len(ratios))
        lines.append(f"| all ratios but max batch | {len(ratios)} | {overall:.2f}× |")
    return "\n".join(lines)


def render_summary(results: list[Result]) -> str:
    tested = [r for r in results if r.enforced]
    ok = [r for r in tested if r.status == "ok"]
    ratios = [r.ratio for r in results if r.ratio is not None and r.what != "max_batch"]
    verdicts = [r for r in results if r.what == "fits"]
    right = [r for r in verdicts if r.status == "ok"]
    known = [r for r in verdicts if r.status != "ok" and not r.enforced]
    return (
        f"{len(results)} comparisons over {len({r.case for r in results})} cases: {len(ok)} of {len(tested)} tested "
        f"ones within tolerance or right; fit verdicts right {len(right)} of {len(verdicts)} "
        f"({len(known)} known, untested misses). "
        f"Estimate/published ratios range from {min(ratios):.2f} to {max(ratios):.2f}, geometric mean "
        f"{math.exp(sum(math.log(x) for x in ratios) / len(ratios)):.2f}."
    )


CONSTANTS = [
    ("FLOPS_PER_PARAM_TOKEN", "training FLOPs per parameter per token, full training"),
    ("ADAPTER_FLOPS_PER_PARAM_TOKEN", "LoRA / QLoRA (no weight gradients)"),
    ("RECOMPUTE_FLOPS_PER_PARAM_TOKEN", "gradient checkpointing's recomputed forward pass"),
    ("ENCODER_DECODER_FLOPS_FACTOR", "encoder-decoder: each token sees half the parameters"),
    ("CHINCHILLA_TOKENS_PER_PARAM", "compute-optimal tokens per parameter"),
    ("MFU_PRETRAIN", "MFU, pre-training and continued pre-training on A100-class cards"),
    ("MFU_FINETUNE_HARDWARE", "hardware utilisation of Trainer fine-tuning (A100, Qwen README)"),
    ("MFU_FINETUNE", "MFU, full fine-tuning with checkpointing = hardware × 6/8"),
    ("MFU_ADAPTER", "MFU, LoRA / QLoRA with checkpointing = hardware × 4/6"),
    ("BALANCE_EXPONENT", "MFU × (card bytes per FLOP / A100's)^this, at most 1"),
    ("SMALL_MODEL_PARAMS", "below this, MFU × (N / SMALL_MODEL_PARAMS)^exponent"),
    ("SMALL_MODEL_MFU_EXPONENT", "small-model exponent: pre-training, optimized stack (MosaicML)"),
    ("SMALL_MODEL_MFU_EXPONENT_TRAINER", "small-model exponent: plain Trainer (BERT-base GLUE)"),
    ("MICROBATCH_TOKENS_SATURATION", "tokens per micro-batch from which fine-tuning MFU is flat"),
    ("MICROBATCH_MFU_EXPONENT", "below it, MFU × (tokens / saturation)^this"),
    ("STACK_SPEEDUP_ADAPTER", "optimized stack over the Trainer, LoRA / QLoRA (Unsloth tables)"),
    ("STACK_SPEEDUP_FULL", "optimized stack over the Trainer, full fine-tuning (Liger)"),
    ("TF32_THROUGHPUT_FACTOR", "fp32 on TF32 tensor cores, relative to 16-bit"),
    ("FP32_SIMT_MFU", "fp32 without TF32: share of the card's fp32 peak"),
    ("DEQUANT_BYTES_PER_PARAM", "QLoRA dequantisation bytes per parameter per pass"),
    ("DEQUANT_BANDWIDTH_EFFICIENCY", "share of bandwidth bitsandbytes dequantises at"),
    ("MIXED_WEIGHT_BYTES", "mixed precision: weight bytes per parameter"),
    ("MIXED_GRAD_BYTES", "mixed precision: gradient bytes per parameter"),
    ("MASTER_WEIGHT_BYTES", "mixed precision: fp32 master copy"),
    ("MIXED_OPTIMIZER_BYTES", "mixed precision with AdamW: master + moments"),
    ("FP32_WEIGHT_BYTES", "fp32: weight bytes"),
    ("FP32_GRAD_BYTES", "fp32: gradient bytes"),
    ("FP32_OPTIMIZER_BYTES", "fp32: AdamW moments"),
    ("OPTIMIZER_STATE_BYTES", "optimizer state bytes per trained parameter"),
    ("OFFLOAD_RESIDENT_LAYERS", "offload all: layers of weights resident on the GPU"),
    ("LORA_RANK", "default LoRA rank"),
    ("ADAPTER_WEIGHT_BYTES", "LoRA adapter weight bytes (fp32, PEFT)"),
    ("ADAPTER_GRAD_BYTES", "LoRA adapter gradient bytes"),
    ("ADAPTER_OPTIMIZER_BYTES", "LoRA adapter AdamW bytes"),
    ("QLORA_ADAPTER_BYTES", "QLoRA adapter bytes (bf16, as published)"),
    ("LORA_TRAINABLE_FRACTION", "share of parameters LoRA trains when the shape is unknown"),
    ("QLORA_BITS_PER_PARAM", "QLoRA NF4 + double-quantised constants"),
    (
        "ACTIVATION_BYTES_PER_TOKEN_HIDDEN",
        "activation bytes per token per hidden unit per layer (GELU MLP, 16-bit)",
    ),
    ("ATTENTION_NORM_BYTES_PER_TOKEN_HIDDEN", "of which attention and norms"),
    ("ATTENTION_SCORE_BYTES", "eager attention: bytes per head per s² per layer"),
    (
        "CHECKPOINT_BYTES_PER_TOKEN_HIDDEN",
        "gradient checkpointing: bytes per token per hidden unit per layer",
    ),
    ("LOGITS_BYTES", "unfused cross-entropy: bytes per token per vocabulary entry"),
    ("LOGITS_BYTES_FUSED", "fused, chunked cross-entropy"),
    ("MLM_MASK_FRACTION", "share of tokens a masked LM predicts"),
    ("VOCAB_ASSUMED", "vocabulary when unknown"),
    ("PARAMS_PER_LAYER_HIDDEN2", "N ≈ this × L × h²"),
    ("HIDDEN_PER_LAYER", "h / L when the shape is unknown"),
    ("HEAD_DIM_SMALL", "head size when unknown, hidden < 2048"),
    ("HEAD_DIM_LARGE", "head size when unknown, hidden ≥ 2048"),
    ("KV_CACHE_MIN_BYTES", "KV cache bytes per value (at least 16-bit)"),
    (
        "SERVE_ACT_HIDDEN_BYTES",
        "serving activations: bytes per token per hidden unit (residual, normed input)",
    ),
    ("SERVE_ACT_FF_BYTES_GATED", "serving activations: bytes per token per MLP unit, gated MLP"),
    ("SERVE_ACT_FF_BYTES", "serving activations: bytes per token per MLP unit, GELU MLP"),
    ("PREFILL_CHUNK_TOKENS", "tokens in one prefill pass by runtime (None: the whole prompt)"),
    ("FRAMEWORK_OVERHEAD_GB", "CUDA context and kernels per GPU, GB"),
    ("USABLE_MEMORY_FRACTION", "usable share of a GPU's memory"),
    ("MAX_GPUS", "beyond this, 'does not fit'"),
    ("FINETUNE_EPOCHS", "default fine-tuning epochs"),
    ("TOKENS_PER_EXAMPLE", "default tokens per fine-tuning example"),
    ("TRAIN_SEQ_LEN", "default training sequence length"),
    ("TRAIN_MICRO_BATCH", "default training micro-batch"),
    ("SERVE_INPUT_TOKENS", "default serving input tokens"),
    ("SERVE_OUTPUT_TOKENS", "default serving output tokens"),
    ("DECODE_BANDWIDTH_EFFICIENCY", "share of bandwidth a decoding step reaches"),
    ("LAYER_OVERHEAD_S", "per-layer cost of one decoding step by runtime, seconds"),
    ("BNB_LAYER_OVERHEAD_S", "extra per-layer cost of bitsandbytes weights"),
    ("QUANT_BITS", "bits per weight of int4 / int8 by runtime"),
    ("PREFILL_MFU", "prefill: share of peak"),
    ("CPU_BANDWIDTH_GBPS", "CPU memory bandwidth when the catalog has none"),
    ("EDGE_BANDWIDTH_GBPS", "edge memory bandwidth when the catalog has none"),
    ("CPU_PREFILL_TFLOPS", "CPU prefill, effective TFLOP/s"),
]


def render_constants() -> str:
    lines = ["| constant | value | meaning |", "|---|---|---|"]
    for name, meaning in CONSTANTS:
        value = getattr(E, name)
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        text = (
            f"{value:.4g}".replace("e+0", "e").replace("e+", "e")
            if isinstance(value, float)
            else f"{value:,}"
            if isinstance(value, int)
            else str(value)
        )
        lines.append(f"| `{name}` | {text} | {meaning} |")
    return "\n".join(lines)


def render_generated(results: list[Result] | None = None) -> str:
    results = results if results is not None else evaluate_all()
    return "\n\n".join(
        [
            BEGIN,
            "### Constants (from `src/whichmodel/estimator.py`)",
            render_constants(),
            "### Error by category",
            render_categories(results),
            "### Estimate vs published figure",
            render_summary(results),
            render_table(results),
            END,
        ]
    )


def render_doc(current: str, generated: str | None = None) -> str:
    generated = generated if generated is not None else render_generated()
    if BEGIN not in current or END not in current:
        raise SystemExit(f"{DOC}: markers {BEGIN!r} and {END!r} not found")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + generated + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/estimates.md is not current")
    parser.add_argument("--categories", action="store_true", help="print the error by category and exit")
    args = parser.parse_args(argv)
    if args.categories:
        results = evaluate_all()
        print(render_categories(results))
        for r in results:
            if r.status == "out" or (r.what == "fits" and r.status != "ok"):
                print(
                    f"  {r.status}: {r.case} {r.what} {r.job} est={r.estimate} pub={r.published} ratio={r.ratio}"
                )
        return 0
    current = DOC.read_text(encoding="utf-8")
    new = render_doc(current)
    if args.check:
        if new != current:
            print(f"{DOC} is not current: run python scripts/gen_estimates_table.py", file=sys.stderr)
            return 1
        return 0
    if new != current:
        tmp = DOC.with_suffix(".md.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(DOC)
        print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

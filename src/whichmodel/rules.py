"""The rules: small pure functions of (context, candidate) returning points with a reason, or a veto.

Each rule returns ``Points(raw, detail)`` with ``raw`` in [-1, 1], a ``Veto(reason)``, or ``None`` when it has
nothing to say. The score of a candidate is the sum of ``weight[rule] * raw``; weights live in the catalog
(``catalog/weights.yaml``). Thresholds below are named constants, documented in docs/scoring.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from whichmodel.catalog import Catalog
from whichmodel.catalog_schema import Accelerator, License, Model, ServingTarget, Task
from whichmodel.scope import Scope

FIT_POINTS = {"good": 1.0, "possible": 0.3}
PLENTY_EXAMPLES = 1_000  # Bucher & Martini 2024: a few hundred to a thousand labels make fine-tuning pay
FEW_EXAMPLES = 100
BASE_START = (
    0.8  # fine-tuning an existing task checkpoint beats starting from a base model (HF course ch.7.4)
)
SMALL_MODEL_B = 1.0  # below this, full fine-tuning is cheap; above, adapters (Hu et al. 2021, LoRA)
LARGE_MODEL_B = 3.0
CPT_MIN_TOKENS = 10_000_000  # HF LLM course ch.7.3 adapts DistilBERT on IMDb reviews (~10M tokens) by MLM
CPT_STRONG_TOKENS = 1_000_000_000
CHUNK_VETO_FACTOR = 4  # inputs over 4x the window are vetoed; over 1x they need chunking (penalised)
MANY_LANGUAGES = 50
LONG_INPUT = 512  # the classic BERT/T5 window; an undocumented window is a risk beyond it
EDGE_FLOOR_B = 0.02  # ~20M parameters (MiniLM-L6): the smallest useful transformers, full serving points
POPULAR_DOWNLOADS = 1_000_000
KNOWN_DOWNLOADS = 10_000
STALE_DAYS = 30
PARAMS_TOLERANCE = 0.2  # a safetensors count more than 20% off the catalog's is worth a warning

FIXED_LABELS = {"label", "tags"}  # task outputs where a checkpoint is tied to the label set it was trained on


def _same_labels(ctx: Context, c: Candidate) -> bool:
    """Whether a task checkpoint's label set can be the user's: no fixed labels, or the user's words name it."""
    if not ctx.fixed_labels or "zero-shot-classification" in c.model.tasks:
        return True
    text = f"{c.model.id} {c.model.hub_id} {c.model.ready_for or ''}".lower()
    return any(h in text for h in ctx.hints)


# Tasks an instruction-tuned generative model can do by prompting alone (zero or few shot).
PROMPTABLE = {
    "text-classification",
    "zero-shot-classification",
    "question-answering",
    "table-question-answering",
    "summarization",
    "translation",
    "text2text-generation",
    "text-generation",
    "chat",
    "code-generation",
    "token-classification",
}


@dataclass(frozen=True)
class Points:
    raw: float
    detail: str
    warning: str | None = None


@dataclass(frozen=True)
class Veto:
    reason: str


Outcome = Points | Veto | None


@dataclass
class Context:
    """What every rule may read about the scope: resolved once per advice."""

    scope: Scope
    catalog: Catalog
    tasks: list[Task]
    generative: bool
    train_acc: Accelerator
    serve_acc: Accelerator | None
    serve_target: ServingTarget | None
    serve_memory_gb: float
    weights: dict[str, float]
    snapshot: Any = None  # whichmodel.hub_snapshot.Snapshot, when one exists
    now: Any = None  # datetime, for staleness

    @cached_property
    def fixed_labels(self) -> bool:
        """Whether a task's checkpoints are tied to the label set they were trained on (classes, tags)."""
        return any(t.output in FIXED_LABELS for t in self.tasks)

    @cached_property
    def hints(self) -> list[str]:
        """Words the user gave that say more than the task id (``sentiment`` for text-classification)."""
        generic = {w for t in self.tasks for w in t.id.split("-")} | {"text", "analysis", "detection"}
        out: list[str] = []
        for word in self.scope.task_words:
            for part in word.replace("_", "-").split("-"):
                if len(part) >= 3 and part not in generic and part not in out:
                    out.append(part)
        return out


@dataclass
class Candidate:
    """One model with one strategy, and its estimates."""

    model: Model
    strategy: str
    train: Any  # estimator.JobEstimate | None (None for as-is)
    serve_memory_gb: float | None
    serve_dtype: str | None
    serve_fits: bool
    hub: Any = None  # hub_snapshot.HubRecord | None
    synthetic: bool = False  # a model to pre-train, not a checkpoint
    curated: bool = True  # False for Hub discoveries the catalog does not hold
    notes: list[str] = field(default_factory=list)


def _fmt_b(params_b: float) -> str:
    return f"{params_b:.3g}B" if params_b >= 1 else f"{params_b * 1000:.3g}M"


def _hours(h: float) -> str:
    return f"{h:,.0f}" if h >= 10 else f"{h:.2g}"


# --- the rules -------------------------------------------------------------------------------------


def task_fit(ctx: Context, c: Candidate) -> Outcome:
    """Family fit for each task, from the pre-training objective; a model must be meant for the task."""
    total = 0.0
    details = []
    for task in ctx.tasks:
        fam = task.families.get(c.model.family)
        if fam is None or fam.fit == "poor":
            why = fam.reason if fam else f"the catalog gives no {c.model.family} route to {task.id}"
            return Veto(f"{c.model.family} does not suit {task.id}: {why}")
        promptable = (
            c.model.variant == "instruct" and c.model.family != "encoder-only" and task.id in PROMPTABLE
        )
        # a base checkpoint can be trained for any task its family suits well
        trainable = c.model.variant == "base" and c.strategy != "as-is" and fam.fit == "good"
        if task.id not in c.model.tasks and not (promptable or trainable or c.synthetic):
            return Veto(f"not built for {task.id} (it is meant for {', '.join(c.model.tasks)})")
        total += FIT_POINTS[fam.fit]
        details.append(f"{task.id}: {fam.fit} ({fam.reason})")
    return Points(total / len(ctx.tasks), "; ".join(details))


def ready_checkpoint(ctx: Context, c: Candidate) -> Outcome:
    """Labelled data decides between a ready checkpoint, prompting, and training."""
    n = ctx.scope.examples
    task_ids = {t.id for t in ctx.tasks}
    if c.strategy == "as-is":
        if c.model.variant == "task" and task_ids & set(c.model.tasks):
            ready = f" ({c.model.ready_for})" if c.model.ready_for else ""
            if n >= PLENTY_EXAMPLES:
                return Points(0.3, f"a ready checkpoint{ready}; with {n:,} labels, fine-tuning may beat it")
            fixed = ctx.fixed_labels
            any_labels = "zero-shot-classification" in c.model.tasks
            if fixed and not any_labels:
                if _same_labels(ctx, c):
                    return Points(
                        1.0, f"a checkpoint already trained for {'/'.join(ctx.hints)}{ready}; use it"
                    )
                return Points(
                    0.4,
                    f"a ready checkpoint{ready}: right only if those are your labels",
                    "check its label set",
                )
            if any_labels and fixed:
                return Points(0.8, f"a zero-shot checkpoint{ready}: it takes any label set, including yours")
            return Points(1.0, f"a checkpoint already trained for the task{ready}; with {n:,} labels, use it")
        if c.model.variant == "instruct":
            if n == 0:
                return Points(0.6, "instruction-tuned: prompt it zero-shot, no labelled data needed")
            if n < PLENTY_EXAMPLES:
                return Points(
                    0.4, f"instruction-tuned: put a few of your {n:,} examples in the prompt (few-shot)"
                )
            return Points(0.0, f"prompting ignores most of your {n:,} labelled examples")
        return Points(0.2, "the pre-trained model does this task as it is")
    if c.strategy == "pretrain" or (c.strategy == "continued-pretraining" and n == 0):
        return None
    head_start = c.model.variant == "task" and bool(task_ids & set(c.model.tasks)) and _same_labels(ctx, c)
    scale = 1.0 if head_start else BASE_START
    start = "; it starts from a checkpoint already trained for the task" if head_start else ""
    if n < FEW_EXAMPLES:
        return Points(-0.5, f"{n:,} labelled examples are too few to fine-tune reliably")
    if n < PLENTY_EXAMPLES:
        return Points(
            0.3 * scale,
            f"{n:,} labelled examples: enough for a small fine-tune, watch for overfitting{start}",
        )
    if n < 10 * PLENTY_EXAMPLES:
        return Points(
            0.8 * scale, f"{n:,} labelled examples: fine-tuning typically beats zero-shot use{start}"
        )
    return Points(1.0 * scale, f"{n:,} labelled examples: plenty to fine-tune on{start}")


def strategy_fit(ctx: Context, c: Candidate) -> Outcome:
    """Which adaptation suits the model's size and the data."""
    p = c.model.params_b
    s = c.strategy
    if s == "as-is":
        if ctx.scope.examples < PLENTY_EXAMPLES:
            return Points(0.5, "no training: the cheapest and fastest path")
        return Points(0.0, "no training, though your labels could improve it")
    if s == "full-finetune":
        if p <= SMALL_MODEL_B:
            return Points(1.0, f"at {_fmt_b(p)} parameters the whole model trains cheaply")
        if p <= LARGE_MODEL_B:
            return Points(0.3, f"at {_fmt_b(p)} full fine-tuning works but adapters are cheaper")
        return Points(
            -0.5,
            f"full fine-tuning {_fmt_b(p)} parameters needs ~16 bytes each; LoRA gets close for far less",
        )
    if s == "lora":
        if p >= SMALL_MODEL_B:
            return Points(1.0, "LoRA trains small adapters and keeps the base model's general abilities")
        return Points(0.0, f"at {_fmt_b(p)} full fine-tuning is affordable; LoRA saves little")
    if s == "qlora":
        if p >= LARGE_MODEL_B:
            return Points(0.8, "QLoRA trains adapters on a 4-bit base: the large model fits a small GPU")
        return Points(-0.2, f"at {_fmt_b(p)} 4-bit quantisation saves little memory")
    if s == "continued-pretraining":
        d = ctx.scope.domain_tokens
        has_domain = bool(ctx.scope.domain) and ctx.scope.domain in c.model.domains
        if has_domain:
            return Points(-0.3, f"already trained on {ctx.scope.domain} text; more pre-training adds little")
        if d >= CPT_STRONG_TOKENS:
            return Points(
                1.0, f"{d:,} in-domain tokens: continued pre-training adapts it to your domain (DAPT)"
            )
        return Points(0.3, f"{d:,} in-domain tokens: continued pre-training may help a little")
    if s == "pretrain":
        return Points(1.0, "no existing checkpoint fits as well as one trained on your data at this scale")
    return None


def language(ctx: Context, c: Candidate) -> Outcome:
    """Every language the application needs must be covered."""
    if c.synthetic:
        return Points(1.0, "trained on your own data, in your languages")
    if not c.curated:
        return Points(
            0.0, "languages unknown (a Hub candidate, not curated)", "not curated: check its languages"
        )
    have = set(c.model.languages)
    multi = "multi" in have or len(have - {"code"}) >= 10
    count = c.model.language_count or len(have - {"code", "multi"})
    raws = []
    notes = []
    for lang in ctx.scope.languages:
        if lang == "multi":
            if multi:
                raws.append(1.0)
                notes.append(f"multilingual ({count} languages)" if count else "multilingual")
            else:
                return Veto(f"covers only {', '.join(sorted(have))}; you need many languages")
        elif lang == "code":
            if "code" in have or "code" in c.model.domains:
                raws.append(1.0)
                notes.append("trained on code")
            else:
                raws.append(-0.5)
                notes.append("not trained specifically on code")
        elif lang in have:
            raws.append(1.0)
            notes.append(f"covers {lang}")
        elif "multi" in have:
            raws.append(0.7 if count >= MANY_LANGUAGES else 0.4)
            notes.append(f"claims {count or 'many'} languages; check that {lang} is among them")
        else:
            return Veto(f"does not cover {lang} (covers {', '.join(sorted(have))})")
    return Points(sum(raws) / len(raws), "; ".join(notes))


def context(ctx: Context, c: Candidate) -> Outcome:
    """The longest input must fit the context window (chunking is penalised, far beyond it vetoed)."""
    need = ctx.scope.input_tokens
    native = c.model.context_tokens
    extended = c.model.context_tokens_extended
    if native is None:
        if need > LONG_INPUT:
            return Points(
                -0.5,
                "context window unknown",
                f"its context window is not documented; {need:,} tokens may not fit",
            )
        return Points(
            0.8,
            f"window not documented; {need:,}-token inputs are within the classic {LONG_INPUT}-token window",
            "its context window is not documented; check it",
        )
    if need <= native:
        return Points(1.0, f"{need:,}-token inputs fit its {native:,}-token window")
    if extended and need <= extended:
        return Points(
            0.3,
            f"{need:,}-token inputs exceed the native {native:,} window but fit the extended {extended:,}",
            "needs its context extension (RoPE scaling / YaRN) enabled",
        )
    reach = max(native, extended or 0)
    if need > CHUNK_VETO_FACTOR * reach:
        return Veto(f"{need:,}-token inputs are over {CHUNK_VETO_FACTOR}x its {reach:,}-token window")
    return Points(
        -1.0,
        f"{need:,}-token inputs exceed its {reach:,}-token window",
        "inputs must be chunked or truncated",
    )


def memory_fit(ctx: Context, c: Candidate) -> Outcome:
    """Training must fit the GPUs given; serving must fit the serving target."""
    target = ctx.scope.serve
    if c.serve_memory_gb is None:
        return Points(0.0, "serving memory unknown")
    if not c.serve_fits:
        return Veto(
            f"needs {c.serve_memory_gb:.3g} GB to serve even at 4 bits; {target} offers {ctx.serve_memory_gb:g} GB"
        )
    raw = 1.0
    parts = [f"serves in {c.serve_memory_gb:.3g} GB ({c.serve_dtype}) on {target}"]
    warning = None
    if c.serve_dtype in ("int8", "int4"):
        raw = 0.5
        warning = f"must be quantised to {c.serve_dtype} to fit {target}"
    if c.train is not None:
        t = c.train
        if not t.fits:
            need = (
                f"{t.gpus_needed}x {t.accelerator}"
                if t.gpus_needed
                else f"more than any {t.accelerator} cluster"
            )
            return Veto(
                f"training needs {t.memory.total:.3g} GB ({need}); you have {t.gpus}x {t.accelerator}"
            )
        parts.append(f"trains in {t.memory.total:.3g} GB on {t.gpus_needed}x {t.accelerator}")
    return Points(raw, "; ".join(parts), warning)


def budget(ctx: Context, c: Candidate) -> Outcome:
    """Training GPU-hours against the budget, with headroom."""
    if c.train is None:
        return Points(1.0, "no training: nothing to spend")
    have = ctx.scope.gpu_hours
    need = c.train.gpu_hours
    if need is None:
        return Points(
            0.0, "training time unknown", f"{c.train.accelerator} has no TFLOP/s figure to estimate time"
        )
    if have <= 0:
        return Veto(f"needs ~{_hours(need)} GPU-hours of training and the budget is 0")
    ratio = need / have
    if ratio > 1:
        return Veto(f"needs ~{_hours(need)} GPU-hours; the budget is {_hours(have)}")
    raw = 1.0 if ratio <= 0.5 else 1.5 - ratio
    return Points(raw, f"~{_hours(need)} of {_hours(have)} GPU-hours ({ratio:.0%} of the budget)")


def license_rule(ctx: Context, c: Candidate) -> Outcome:
    """The licence must allow the use asked for."""
    if c.synthetic:
        return Points(1.0, "your own model, under your own terms")
    lic: License | None = ctx.catalog.licenses.get(c.model.license)
    need = ctx.scope.license
    if lic is None:
        return Points(0.0, f"licence {c.model.license} unknown", "its licence terms are not in the catalog")
    warning = None
    if (
        c.hub is not None
        and getattr(c.hub, "license", None)
        and c.hub.license.lower() != c.model.license.lower()
    ):
        warning = (
            f"the Hub lists licence {c.hub.license!r}, the catalog {c.model.license!r}: check the model card"
        )
    if need == "commercial":
        if not lic.commercial_use:
            return Veto(f"{lic.name} does not allow commercial use")
        if lic.user_cap:
            return Veto(f"{lic.name} caps use at {lic.user_cap:,} monthly users")
        if lic.use_restrictions:
            return Veto(f"{lic.name} restricts uses (see its acceptable-use terms)")
    if need == "open" and not lic.osi_approved:
        return Veto(f"{lic.name} is not an OSI-approved open-source licence")
    if lic.license_class == "permissive":
        return Points(1.0, f"{lic.name}: permissive", warning)
    if lic.license_class == "copyleft":
        return Points(0.7, f"{lic.name}: share-alike obligations", warning)
    if lic.license_class == "restricted":
        cap = f", a {lic.user_cap:,}-user cap" if lic.user_cap else ""
        return Points(0.0, f"{lic.name}: use restrictions{cap}", warning or f"{lic.name} restricts some uses")
    if lic.license_class == "non-commercial":
        return Points(-0.5, f"{lic.name}: non-commercial only", warning or "non-commercial use only")
    return Points(-0.5, "licence unknown", "no licence found: you may not be allowed to use it")


def serving(ctx: Context, c: Candidate) -> Outcome:
    """Smaller serves cheaper and faster; cpu and edge have hard size limits."""
    p = c.model.params_b
    active = c.model.active_params_b or p
    if ctx.serve_target is not None:
        limit = ctx.serve_target.max_params_b
        if limit is not None and p > limit:
            return Veto(
                f"{_fmt_b(p)} parameters is too large to answer interactively on {ctx.serve_target.id}"
            )
        # log scale: latency on a CPU or phone grows with size, so ~20M scores 1 and the profile's limit 0
        span = math.log10((limit or 10.0) / EDGE_FLOOR_B)
        raw = max(-1.0, min(1.0, 1.0 - math.log10(max(p, EDGE_FLOOR_B) / EDGE_FLOOR_B) / span))
        warning = None
        if ctx.generative and p >= 1:
            warning = f"on {ctx.serve_target.id} a {_fmt_b(p)} model generates only a few tokens per second"
        return Points(raw, f"{_fmt_b(p)} parameters on {ctx.serve_target.id}: smaller is faster", warning)
    raw = max(-1.0, min(1.0, 1.0 - math.log10(max(active, 0.01) / 0.1) / 3.0))
    # on a GPU, size is a cost, not a limit: where capability matters (open generation) it counts half
    raw *= 1.0 - 0.5 * max(t.capability for t in ctx.tasks)
    label = f"{_fmt_b(active)} active parameters" if c.model.active_params_b else f"{_fmt_b(p)} parameters"
    return Points(raw, f"{label} to serve on {ctx.scope.serve}: smaller costs less per request")


def capability(ctx: Context, c: Candidate) -> Outcome:
    """Capability grows with size and with newer generations; it matters most for generative tasks."""
    p = c.model.params_b
    # a mixture-of-experts model performs between its active and total size: use their geometric mean
    eff = math.sqrt(p * c.model.active_params_b) if c.model.active_params_b else p
    size = max(0.0, min(1.0, (math.log10(max(eff, 0.001)) + 2.0) / 4.0))
    year = c.model.year
    recency = 0.3 if year is None else max(0.0, min(1.0, (year - 2018) / 7.0))
    factor = max(t.capability for t in ctx.tasks)
    raw = factor * (0.65 * size + 0.35 * recency)
    detail = f"{_fmt_b(p)} parameters, {year or 'year unknown'}"
    if c.model.active_params_b:
        detail = (
            f"{_fmt_b(p)} parameters ({_fmt_b(c.model.active_params_b)} active), {year or 'year unknown'}"
        )
    if c.model.quality:
        q = c.model.quality[0]
        detail += f"; {q.benchmark} {q.score:g}"
        raw = min(1.0, raw + 0.05)
    if factor < 1:
        detail += " (size matters less for this task)"
    return Points(raw, detail)


def domain(ctx: Context, c: Candidate) -> Outcome:
    """A model pre-trained on the application's domain (or adapted to your in-domain text) starts ahead."""
    want = ctx.scope.domain
    if c.strategy == "continued-pretraining":
        d = ctx.scope.domain_tokens
        per_param = d / (c.model.params_b * 1e9)
        if per_param >= 1:
            return Points(
                1.0, f"continued pre-training on your {d:,} in-domain tokens adapts it to your text (DAPT)"
            )
        if per_param >= 0.1:
            return Points(0.7, f"{d:,} in-domain tokens ({per_param:.2g} per parameter) adapt it somewhat")
        return Points(
            0.0,
            f"{d:,} in-domain tokens are too few ({per_param:.2g} per parameter) to move a model this size;"
            " retrieval puts documents in the prompt instead",
        )
    if not want:
        implied = (
            {"code"} if "code" in ctx.scope.languages or any("code" in t.id for t in ctx.tasks) else set()
        )
        other = [d for d in c.model.domains if d not in implied]
        if other and not c.synthetic:
            return Points(-0.5, f"specialised in {', '.join(other)} text; you named no domain (use --domain)")
        return None
    if c.synthetic or want in c.model.domains:
        return Points(1.0, f"trained on {want} text")
    return Points(0.0, f"general-domain model (no {want} pre-training)")


def hub_health(ctx: Context, c: Candidate) -> Outcome:
    """Downloads and access on the Hub, when a snapshot exists."""
    h = c.hub
    if h is None:
        return None
    warning = None
    if getattr(h, "gated", None):
        warning = "gated on the Hub: accept its terms there (and use a token) before downloading"
    hub_params = getattr(h, "params", None)
    if hub_params and abs(hub_params / (c.model.params_b * 1e9) - 1) > PARAMS_TOLERANCE:
        note = f"the Hub counts {hub_params / 1e9:.3g}B parameters, the catalog {c.model.params_b:.3g}B"
        warning = f"{warning}; {note}" if warning else note
    downloads = getattr(h, "downloads", None)
    if downloads is None:
        return Points(0.0, "no download count on the Hub", warning)
    if downloads >= POPULAR_DOWNLOADS:
        return Points(1.0, f"{downloads:,} downloads on the Hub: widely used", warning)
    if downloads >= KNOWN_DOWNLOADS:
        return Points(0.5, f"{downloads:,} downloads on the Hub", warning)
    return Points(0.0, f"only {downloads:,} downloads on the Hub", warning)


RULES: dict[str, Callable[[Context, Candidate], Outcome]] = {
    "task_fit": task_fit,
    "language": language,
    "license": license_rule,
    "context": context,
    "serving": serving,
    "memory_fit": memory_fit,
    "budget": budget,
    "ready_checkpoint": ready_checkpoint,
    "strategy_fit": strategy_fit,
    "capability": capability,
    "domain": domain,
    "hub_health": hub_health,
}

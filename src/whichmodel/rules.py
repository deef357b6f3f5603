"""The rules: small pure functions bound to the declared specs of ``rule_specs.py``.

Constraints return a ``Veto(reason)`` or ``None``; model-level constraints read only the model and the scope and
run before any estimate, candidate-level ones read a candidate (model + strategy + estimates). Preferences return
``Points(raw, detail)`` with ``raw`` in [0, 1] (or ``None`` when they have nothing to say); each counts in one score
component (quality, fit, cost) with the weight ``catalog/weights.yaml`` gives it. Thresholds are named constants
below, each sourced or labelled an assumption; docs/scoring.md is generated from the specs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from whichmodel import quality as q
from whichmodel import units
from whichmodel.catalog import Catalog
from whichmodel.catalog_schema import Accelerator, License, Model, ServingTarget, Subtask, Task
from whichmodel.rule_specs import SPEC_BY_ID
from whichmodel.scope import Scope

FIT_POINTS = {"good": 1.0, "possible": 0.3}
PLENTY_EXAMPLES = 1_000  # Bucher & Martini 2024: a few hundred to a thousand labels make fine-tuning pay
FEW_EXAMPLES = 100
SETFIT_MIN_EXAMPLES = 8  # Tunstall et al. 2022 (SetFit): 8 labelled examples per class rival full fine-tuning
SETFIT_MAX_EXAMPLES = (
    2_000  # beyond a few thousand labels a fine-tuned cross-encoder head catches up (assumption)
)
SMALL_MODEL_B = 1.0  # below this, full fine-tuning is cheap; above, adapters (Hu et al. 2021, LoRA)
LARGE_MODEL_B = 3.0
CPT_MIN_TOKENS = 10_000_000  # HF LLM course ch.7.3 adapts DistilBERT on IMDb reviews (~10M tokens) by MLM
CPT_STRONG_TOKENS = 1_000_000_000
CHUNK_VETO_FACTOR = 4  # labels and vectors of chunked inputs: vetoed beyond 4x the window
MANY_LANGUAGES = 50
LONG_INPUT = 512  # the classic BERT/T5 window; an undocumented window is a risk beyond it
EDGE_FLOOR_B = 0.02  # ~20M parameters (MiniLM-L6): the smallest useful transformers, full serving points
POPULAR_DOWNLOADS = 1_000_000
KNOWN_DOWNLOADS = 10_000
PARAMS_TOLERANCE = 0.2  # a safetensors count more than 20% off the catalog's is worth a warning
# Quality adjustments, in points of the task's 0-100 quality scale (assumptions, documented in docs/scoring.md):
SPECIALIST_BONUS = 12.0  # a specialist for the task without a figure on it, over a generalist of its size
OFF_SPECIALITY_PENALTY = 20.0  # a specialist (code, tables, NER) prompted into another task
DOMAIN_MATCH_BONUS = 15.0  # pre-trained on the user's domain (Gururangan et al. 2020, DAPT gains of 2-8 F1)
DOMAIN_MISMATCH_PENALTY = 15.0  # specialised in another domain (a code model for a medical assistant)
NAMED_LANGUAGE_PENALTY = 0.0
MULTI_HIGH_RESOURCE_PENALTY = 4.0  # a multilingual model on a high-resource language its card does not list
MULTI_LOW_RESOURCE_PENALTY = 12.0  # ... on a low-resource one (Joshi et al. 2020: quality tracks resources)
CONTEXT_SHORTFALL_PENALTY = (
    10.0  # a generative model fed chunks of an input longer than its window loses what
)
# lies outside it (Liu et al. 2023 'Lost in the Middle', arXiv:2307.03172, on position; the size is an assumption)
REASONING_OFF_TASK_PENALTY = (
    10.0  # a thinking-only model for everyday chat, summaries or translation: R1 trails
)
# DeepSeek-V3 on multi-turn, role-play and JSON output (arXiv:2501.12948, Limitations); its measured lead comes
# from thinking-mode math and reasoning benchmarks (the size of the penalty is an assumption)
REASONING_OFF_TASKS = frozenset(["chat", "summarization", "translation", "text2text-generation"])
NO_CODE_PENALTY = 15.0  # 'code' needed, and the model was not trained on code
QUANT_PENALTY = {
    "bf16": 0.0,
    "fp16": 0.0,  # a GPU without bf16 (T4, V100: catalog/accelerators.yaml bf16_supported) serves 16-bit as fp16
    "int8": 1.0,
    "int4": 3.0,
}  # Dettmers et al. 2022/2023: int8 ~lossless, 4-bit ~1-3 pts
FINETUNE_GAIN_PER_DECADE = 0.12  # share of the remaining headroom won per 10x labelled examples (assumption,
# after the learning curves of Bucher & Martini 2024, Fig. 2)
FINETUNE_GAIN_FLOOR = 30  # examples below which fine-tuning wins nothing
FINETUNE_GAIN_CAP = 0.45
READY_GAIN = 0.25  # a checkpoint trained for the user's labels: about what ~3k labels of fine-tuning buy
SETFIT_GAIN = (
    0.25  # SetFit with 8-16 examples per class ~ full fine-tuning on ~3k (Tunstall et al. 2022, Fig. 3)
)
STRATEGY_GAIN_SHARE = {"full-finetune": 1.0, "lora": 0.95, "qlora": 0.9, "continued-pretraining": 1.0}
CPT_GAIN_MAX = 10.0  # points a continued pre-training on >= 1B in-domain tokens adds (DAPT, Gururangan et al.)  # to a model with no headroom left after fine-tuning, scaled by the headroom (its share of the remaining 100)
ZERO_SHOT_PENALTY = (
    8.0  # an NLI zero-shot classifier trails one trained on the labels (Laurer et al. 2023, Table 2)
)
TIGHT_SERVING_COST_FACTOR = (
    3.0  # on cpu and edge, size is latency the user feels: the cost component weighs 3x ...
)
# ... divided by the task's `capability` (catalog/tasks.yaml: how much raw size buys on the task). Where a small
# model closes most of the gap (embeddings, classification, extractive QA: capability 0.4) the quality spread
# among the catalog's models is a few benchmark points (MTEB: bge-small-en-v1.5 62.2 vs bge-large 64.2 at 10x the
# parameters, FlagEmbedding README; sbert docs: all-MiniLM-L6-v2 is '5 times faster and still offers good
# quality'; DistilBERT keeps 97% of BERT at 60% faster, arXiv:1910.01108), so on a latency-bound target a decade of
# size weighs against more of it; generative tasks keep 3x (the division is an assumption)
MIN_CAPABILITY = 0.25  # the divisor's floor: the cost component never weighs more than 12x


def tight_cost_factor(tasks: list[Task]) -> float:
    """How much more the cost component weighs on a latency-bound serving target (cpu, edge) for these tasks:
    ``TIGHT_SERVING_COST_FACTOR``, over the least capability-bound task's ``capability`` when no task generates text
    (a generative task keeps 3x: there a larger sibling's gain is real, and it ranks higher)."""
    if not tasks or any(t.generative for t in tasks):
        return TIGHT_SERVING_COST_FACTOR
    return TIGHT_SERVING_COST_FACTOR / max(MIN_CAPABILITY, min(t.capability for t in tasks))


PROMPTED_DISCRIMINATIVE_PENALTY = 10.0  # a generative model prompted into a non-generative task: labels, tags, spans (Bucher & Martini 2024)

# Languages with large public text corpora: Joshi et al. 2020 (arXiv:2004.09095) classes 4-5, approximately.
HIGH_RESOURCE_LANGUAGES = frozenset(
    [
        "en",
        "es",
        "de",
        "ja",
        "fr",
        "ar",
        "zh",
        "ru",
        "it",
        "pt",
        "nl",
        "ko",
        "pl",
        "tr",
        "cs",
        "sv",
        "fi",
        "hu",
        "vi",
        "fa",
        "hi",
        "ca",
        "da",
        "ro",
        "uk",
        "bg",
        "el",
        "he",
        "id",
        "sr",
        "hr",
        "no",
    ]
)
FIXED_LABELS = {"label", "tags"}  # task outputs where a checkpoint is tied to the label set it was trained on
STRIDED_OUTPUTS = {"span", "tags"}  # extractive QA and token classification read long inputs in strides
# Words that name a task, not a label set: `--task ner` says nothing about which entities (PER/ORG or drugs).
GENERIC_TASK_WORDS = frozenset(
    [
        "ner",
        "named",
        "entity",
        "entities",
        "recognition",
        "extraction",
        "classification",
        "classify",
        "classifier",
        "categorization",
        "tagging",
        "tagger",
        "sequence",
        "labeling",
        "token",
        "text",
        "analysis",
        "detection",
        "topic",
        "multi",
        "label",
    ]
)


def _norm_label(label: str) -> str:
    low = label.strip().lower()
    for prefix in ("b-", "i-", "e-", "s-", "l-", "u-"):
        if low.startswith(prefix):
            low = low[len(prefix) :]
    return LABEL_ALIASES.get(low, low)


LABEL_ALIASES = {"person": "per", "persons": "per", "people": "per", "organization": "org", "organisation": "org",
                 "location": "loc", "miscellaneous": "misc", "pos": "positive", "neg": "negative", "neu": "neutral",
                 "label_0": "negative", "label_1": "positive"}  # fmt: skip


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
        """Words the user gave that name a label set (``sentiment`` for text-classification), not the task."""
        generic = {w for t in self.tasks for w in t.id.split("-")} | GENERIC_TASK_WORDS
        out: list[str] = []
        for word in self.scope.task_words:
            for part in word.replace("_", "-").split("-"):
                if len(part) >= 3 and part not in generic and part not in out:
                    out.append(part)
        return out

    @cached_property
    def subtasks(self) -> dict[str, list[Subtask]]:
        """The sub-tasks the scope names, per task (catalog/tasks.yaml ``subtasks``): a task word that names one
        (``--task sentiment``), or ``--labels`` all within one's label vocabulary (positive, negative)."""
        words = {
            p for w in self.scope.task_words for p in (w.lower(), *w.lower().replace("_", "-").split("-"))
        }
        labels = {_norm_label(x) for x in self.scope.labels}
        out: dict[str, list[Subtask]] = {}
        for t in self.tasks:
            named = [
                sub
                for sub in t.subtasks
                if words & set(sub.words) or (labels and labels <= {_norm_label(x) for x in sub.labels})
            ]
            if named:
                out[t.id] = named
        return out

    @cached_property
    def labels_imply_no_domain(self) -> bool:
        """Whether the user's labels are a sub-task's label set used on text of every domain (sentiment), so a
        checkpoint predicting them is no evidence that the user's text is the checkpoint's domain."""
        labels = {_norm_label(x) for x in self.scope.labels}
        return any(
            sub.any_domain and labels <= {_norm_label(x) for x in sub.labels}
            for subs in self.subtasks.values()
            for sub in subs
        )

    @cached_property
    def quality_tables(self) -> list[q.TaskQuality]:
        return [subtask_quality(self.catalog, t, self.subtasks.get(t.id, [])) for t in self.tasks]

    @cached_property
    def task_ids(self) -> set[str]:
        return {t.id for t in self.tasks}

    @cached_property
    def tokenless_objectives(self) -> frozenset[str]:
        """Pre-training objectives whose released checkpoints have no token-predicting head (catalog/architectures
        ``predicts_tokens: false``: replaced-token detection)."""
        return frozenset(
            o.id for a in self.catalog.architectures.values() for o in a.objectives if not o.predicts_tokens
        )


_SUBTASK_TABLES: dict[tuple[int, str, tuple[str, ...]], tuple[Catalog, q.TaskQuality]] = {}


def measured_by(task: Task, named: list[Subtask]) -> list[str]:
    """The task's benchmarks that measure the named sub-tasks: every benchmark of the task when none is named,
    else those of the named sub-tasks and those no sub-task lists (they measure the task in general)."""
    if not named:
        return [b.id for b in task.benchmarks]
    mine = {b for sub in named for b in sub.benchmarks}
    others = {b for sub in task.subtasks for b in sub.benchmarks} - mine
    return [b.id for b in task.benchmarks if b.id not in others]


def subtask_quality(catalog: Catalog, task: Task, named: list[Subtask]) -> q.TaskQuality:
    """The task's quality table on the benchmarks that measure the named sub-tasks (``measured_by``): an MNLI
    figure does not rank sentiment classifiers. Computed once per catalog, task and sub-tasks."""
    keep = measured_by(task, named)
    if len(keep) == len(task.benchmarks):
        return q.task_quality(catalog, task)
    key = (id(catalog), task.id, tuple(sorted(sub.id for sub in named)))
    hit = _SUBTASK_TABLES.get(key)
    if hit is not None and hit[0] is catalog:
        return hit[1]
    narrowed = task.model_copy(update={"benchmarks": [b for b in task.benchmarks if b.id in keep]})
    table = q.TaskQuality(narrowed, list(catalog.models.values()), q.related_tables(catalog, task))
    if len(_SUBTASK_TABLES) > 64:
        _SUBTASK_TABLES.clear()
    _SUBTASK_TABLES[key] = (catalog, table)
    return table


def predicts_tokens(ctx: Context, m: Model) -> bool:
    """Whether the checkpoint keeps a head that predicts tokens: it fills masks or generates as it is, and its
    pre-training can be continued (an ELECTRA or DeBERTa-v3 discriminator cannot do either)."""
    return m.objective not in ctx.tokenless_objectives


def continues_pretraining(ctx: Context, m: Model) -> bool:
    """Continued pre-training starts from a base checkpoint (not an instruction-tuned or task one) whose
    pre-training head was released with it (Gururangan et al. 2020 continue RoBERTa's masked-LM objective)."""
    return m.variant == "base" and predicts_tokens(ctx, m)


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
    quality: dict[str, Any] | None = None  # set by the quality rule: the contract's `quality` object
    serve_usd_per_million: float | None = None  # the estimator's serving $ per million tokens, when known


_fmt_b = units.params  # the one formatter per figure: whichmodel.units
_hours = units.hours


# --- shared predicates -----------------------------------------------------------------------------


def is_sentence_encoder(m: Model) -> bool:
    return m.family == "encoder-only" and "sentence-similarity" in m.tasks


def setfit_route(ctx: Context, m: Model) -> bool:
    """SetFit: contrastive fine-tuning of a sentence-transformer plus a head, for text classification."""
    return ctx.task_ids == {"text-classification"} and is_sentence_encoder(m)


def promptable(m: Model, task: Task) -> bool:
    return m.variant == "instruct" and m.family != "encoder-only" and task.id in PROMPTABLE


def task_checkpoint(ctx: Context, m: Model) -> bool:
    return m.variant == "task" and bool(ctx.task_ids & set(m.tasks))


def ready_as_is(ctx: Context, m: Model) -> bool:
    """Usable with no training: a task checkpoint, a prompted instruct model, or a base model whose objective is
    the task (fill-mask, text-generation, feature-extraction)."""
    if m.variant == "task" and ctx.task_ids & set(m.tasks):
        return True
    if m.variant == "instruct" and m.family != "encoder-only" and ctx.task_ids <= (PROMPTABLE | set(m.tasks)):
        return True
    if m.variant != "base" or not ctx.task_ids <= {"fill-mask", "text-generation", "feature-extraction"}:
        return False
    return ctx.task_ids <= {"feature-extraction"} or predicts_tokens(ctx, m)


def label_evidence(ctx: Context, m: Model) -> tuple[bool, str]:
    """Whether a fixed-label checkpoint's labels are the user's, and why (or why not)."""
    if m.open_labels or "zero-shot-classification" in m.tasks:
        return True, "takes any label set"
    user = ctx.scope.labels
    if user:
        if not m.labels:
            return False, f"its label set is not in the catalog; you need {', '.join(user)}"
        have = {_norm_label(x) for x in m.labels}
        missing = [x for x in user if _norm_label(x) not in have]
        if missing:
            return False, f"its labels ({', '.join(m.labels[:8])}) lack {', '.join(missing)}"
        return True, f"its labels ({', '.join(m.labels[:8])}) cover yours"
    text = f"{m.id} {m.hub_id} {m.ready_for or ''}".lower()
    hit = [h for h in ctx.hints if h in text]
    if hit:
        return True, f"trained for {'/'.join(hit)}, the label set your task names"
    return False, "a fixed label set, and you named no labels (give --labels) or a label set (sentiment)"


# --- constraints, model level ------------------------------------------------------------------------


def task_fit(ctx: Context, m: Model) -> Veto | None:
    for task in ctx.tasks:
        fam = task.families.get(m.family)
        if fam is None or fam.fit == "poor":
            why = fam.reason if fam else f"the catalog gives no {m.family} route to {task.id}"
            return Veto(f"{m.family} does not suit {task.id}: {why}")
        trainable = m.variant == "base" and fam.fit == "good"
        if task.id not in m.tasks and not (promptable(m, task) or trainable or setfit_route(ctx, m)):
            return Veto(f"not built for {task.id} (it is meant for {', '.join(m.tasks)})")
    return None


def language(ctx: Context, m: Model) -> Veto | None:
    if not ctx.scope.languages:
        return None
    have = set(m.languages)
    multi = "multi" in have or len(have - {"code"}) >= 10
    for lang in ctx.scope.languages:
        if lang == "multi":
            if not multi:
                return Veto(f"covers only {', '.join(sorted(have))}; you need many languages")
        elif lang == "code" or lang in have or "multi" in have:
            continue
        else:
            return Veto(f"does not cover {lang} (covers {', '.join(sorted(have))})")
    return None


def tokenizer_script(ctx: Context, m: Model) -> Veto | None:
    scripts = m.tokenizer_scripts
    if not scripts:
        return None
    for lang in ctx.scope.languages:
        info = ctx.catalog.languages.get(lang)
        if info is not None and info.script not in scripts:
            return Veto(
                f"its tokenizer encodes only {', '.join(scripts)} script; {info.name} is written in {info.script}"
            )
    return None


def covers_direction(directions: list[str], need: str) -> bool:
    src, tgt = need.split("-", 1)
    for d in directions:
        a, _, b = d.partition("-")
        if (a in ("*", src)) and (b in ("*", tgt)):
            return True
    return False


def direction(ctx: Context, m: Model) -> Veto | None:
    if "translation" not in ctx.task_ids or not ctx.scope.directions:
        return None
    if not m.directions:
        if (
            m.variant == "task"
            and "translation" in m.tasks
            and len(set(m.languages) - {"multi", "code"}) == 2
        ):
            pair = sorted(set(m.languages) - {"multi", "code"})
            missing = [d for d in ctx.scope.directions if set(d.split("-")) != set(pair)]
            if missing:
                return Veto(f"translates between {' and '.join(pair)} only; you need {', '.join(missing)}")
        return None  # a general model (prompted or fine-tuned) translates among the languages it covers
    missing = [d for d in ctx.scope.directions if not covers_direction(m.directions, d)]
    if missing:
        return Veto(f"translates {', '.join(m.directions)}; it lacks {', '.join(missing)}")
    return None


def license_rule(ctx: Context, m: Model) -> Veto | None:
    need = ctx.scope.license
    if need == "any":
        return None
    lic: License | None = ctx.catalog.licenses.get(m.license)
    if lic is None:
        return Veto(f"licence {m.license} is not in the catalog, so {need} use cannot be confirmed")
    if need == "commercial":
        if not lic.commercial_use:
            return Veto(f"{lic.name} does not allow commercial use")
        if lic.user_cap:
            return Veto(f"{lic.name} caps use at {lic.user_cap:,} monthly users")
        if lic.use_restrictions:
            return Veto(f"{lic.name} restricts uses (see its acceptable-use terms)")
    if need == "open" and not lic.osi_approved:
        return Veto(f"{lic.name} is not an OSI-approved open-source licence")
    return None


def serving_size(ctx: Context, m: Model) -> Veto | None:
    target = ctx.serve_target
    if target is not None and target.max_params_b is not None and m.params_b > target.max_params_b:
        return Veto(f"{_fmt_b(m.params_b)} parameters is too large to answer interactively on {target.id}")
    return None


def ready_checkpoint(ctx: Context, m: Model) -> Veto | None:
    if ctx.scope.examples > 0 or ready_as_is(ctx, m):
        return None
    if ctx.scope.domain_tokens >= CPT_MIN_TOKENS and continues_pretraining(ctx, m):
        return None
    if (
        m.variant == "base"
        and not predicts_tokens(ctx, m)
        and ctx.task_ids & {"fill-mask", "text-generation"}
    ):
        return Veto("trained by replaced-token detection: it ships no head that predicts tokens")
    if m.variant == "base":
        return Veto("a base model needs fine-tuning, and there are no labelled examples to train on")
    return Veto("not ready for this task as it is, and there are no labelled examples to train on")


# --- constraints, candidate level --------------------------------------------------------------------


def label_set(ctx: Context, c: Candidate) -> Veto | None:
    if c.strategy != "as-is" or not ctx.fixed_labels or c.synthetic:
        return None
    m = c.model
    if not task_checkpoint(ctx, m):
        return None
    ok, why = label_evidence(ctx, m)
    if ok:
        return None
    return Veto(f"fixed-label checkpoint: {why}; fine-tune it on your labels or use a zero-shot model")


def context(ctx: Context, c: Candidate) -> Veto | None:
    need = ctx.scope.input_tokens
    reach = max(c.model.context_tokens or 0, c.model.context_tokens_extended or 0)
    if not reach or need <= reach:
        return None
    if all(t.output in STRIDED_OUTPUTS for t in ctx.tasks):
        return None  # read in strides: a cost in fit, not a veto
    if ctx.generative:  # the answer is generated from the whole input, which must sit in the window at once
        return Veto(
            f"{need:,}-token inputs exceed its {reach:,}-token window; a generative task reads the whole input at"
            " once (it cannot be strided): pick a longer-context model"
        )
    if need <= CHUNK_VETO_FACTOR * reach:
        return None  # a label or vector per chunk, pooled: a cost in fit
    return Veto(f"{need:,}-token inputs are over {CHUNK_VETO_FACTOR}x its {reach:,}-token window")


def memory_fit(ctx: Context, c: Candidate) -> Veto | None:
    if c.serve_memory_gb is not None and not c.serve_fits:
        return Veto(
            f"needs {c.serve_memory_gb:.3g} GB to serve even at 4 bits; {ctx.scope.serve} offers"
            f" {ctx.serve_memory_gb:g} GB"
        )
    t = c.train
    if t is not None and not t.fits:
        need = (
            f"{t.gpus_needed}x {t.accelerator}" if t.gpus_needed else f"more than any {t.accelerator} cluster"
        )
        return Veto(f"training needs {t.memory.total:.3g} GB ({need}); you have {t.gpus}x {t.accelerator}")
    return None


def budget(ctx: Context, c: Candidate) -> Veto | None:
    if c.train is None or c.train.gpu_hours is None:
        return None
    have = ctx.scope.gpu_hours
    need = c.train.gpu_hours
    if have <= 0:
        return Veto(f"needs ~{_hours(need)} GPU-hours of training and the budget is 0")
    if need > have:
        return Veto(f"needs ~{_hours(need)} GPU-hours; the budget is {_hours(have)}")
    return None


# --- preferences ---------------------------------------------------------------------------------------


def finetune_gain(n: int) -> float:
    """Share of the remaining quality headroom fine-tuning on n labelled examples wins (0 to the cap)."""
    if n <= FINETUNE_GAIN_FLOOR:
        return 0.0
    return min(FINETUNE_GAIN_CAP, FINETUNE_GAIN_PER_DECADE * math.log10(n / FINETUNE_GAIN_FLOOR))


def _language_adjustment(ctx: Context, m: Model) -> tuple[float, list[str]]:
    have = set(m.languages)
    total = 0.0
    notes: list[str] = []
    for lang in ctx.scope.languages:
        if lang == "code":
            if "code" not in have and "code" not in m.domains:
                total -= NO_CODE_PENALTY
                notes.append(f"-{NO_CODE_PENALTY:g} not trained on code")
        elif lang == "multi" or lang in have or lang == "en":
            continue
        else:
            low = lang not in HIGH_RESOURCE_LANGUAGES
            pen = MULTI_LOW_RESOURCE_PENALTY if low else MULTI_HIGH_RESOURCE_PENALTY
            if (m.language_count or 0) >= MANY_LANGUAGES:
                pen /= 2
            total -= pen
            notes.append(
                f"-{pen:g} {lang} not among its listed languages" + (" (low-resource)" if low else "")
            )
    return total, notes


def _foreign_domains(ctx: Context, m: Model) -> list[str]:
    """The domains the model specialises in that the scope does not ask for (its domain, or code). A fixed-label
    checkpoint whose labels cover the user's --labels (toxic-bert for toxic/insult/threat) is the specialist the
    user asked for: its domain is theirs, unless those labels are a sub-task's set used in every domain (positive /
    negative: FinBERT predicts them for financial news, and they do not make the user's reviews financial)."""
    if (
        ctx.scope.labels
        and m.labels
        and not m.open_labels
        and not ctx.labels_imply_no_domain
        and label_evidence(ctx, m)[0]
    ):
        return []
    want = ctx.scope.domain
    implied = {"code"} if ("code" in ctx.scope.languages or any("code" in t for t in ctx.task_ids)) else set()
    if want:
        implied.add(want)
    return [d for d in m.domains if d not in implied]


def _domain_adjustment(ctx: Context, m: Model) -> tuple[float, list[str]]:
    want = ctx.scope.domain
    other = _foreign_domains(ctx, m)
    if want and want in m.domains:
        return DOMAIN_MATCH_BONUS, [f"+{DOMAIN_MATCH_BONUS:g} trained on {want} text"]
    if other:
        return -DOMAIN_MISMATCH_PENALTY, [
            f"-{DOMAIN_MISMATCH_PENALTY:g} specialised in {', '.join(other)} text"
        ]
    return 0.0, []


def expected_quality(ctx: Context, c: Candidate) -> tuple[float, dict[str, Any], list[str]]:
    """The candidate's expected quality (0-100) on the user's tasks, with the contract's `quality` object."""
    m = c.model
    values: list[float] = []
    first: q.BaseQuality | None = None
    notes: list[str] = []
    for table in ctx.quality_tables:
        base = table.base(m)
        first = first or base
        v = base.value
        tid = table.task.id
        spec = q.specialities(m)
        if base.basis == "imputed":
            # a task checkpoint's head start counts as it is, or on a generative task (fine-tuning a label task
            # retrains the head, so an NLI or sentiment checkpoint starts no nearer to your labels)
            head_start = c.strategy == "as-is" or table.task.generative or bool(m.specialised_for)
            # a specialist for the task in another domain (tweets, reviews) is not the specialist the user
            # needs: it takes the domain penalty below, not this bonus
            foreign = _foreign_domains(ctx, m)
            if q.is_specialist(m, tid) and not c.synthetic and head_start and not foreign:
                v += SPECIALIST_BONUS
                notes.append(f"+{SPECIALIST_BONUS:g} specialist for {tid}")
            elif spec and tid not in spec:
                v -= OFF_SPECIALITY_PENALTY
                notes.append(f"-{OFF_SPECIALITY_PENALTY:g} a {'/'.join(spec)} specialist used for {tid}")
        zero_shot = m.open_labels or "zero-shot-classification" in m.tasks
        if (
            c.strategy == "as-is"
            and zero_shot
            and tid != "zero-shot-classification"
            and table.task.output in FIXED_LABELS
        ):
            v -= ZERO_SHOT_PENALTY
            notes.append(f"-{ZERO_SHOT_PENALTY:g} zero-shot, not trained on your labels")
        prompted = c.strategy == "as-is" and promptable(m, table.task) and tid not in m.tasks
        if prompted and not table.task.generative:
            v -= PROMPTED_DISCRIMINATIVE_PENALTY
            notes.append(f"-{PROMPTED_DISCRIMINATIVE_PENALTY:g} prompted into {tid}")
        reach = max(m.context_tokens or 0, m.context_tokens_extended or 0)
        if table.task.generative and reach and ctx.scope.input_tokens > reach:
            v -= CONTEXT_SHORTFALL_PENALTY
            notes.append(f"-{CONTEXT_SHORTFALL_PENALTY:g} inputs longer than its {reach:,}-token window")
        if m.reasoning_only and tid in REASONING_OFF_TASKS:
            v -= REASONING_OFF_TASK_PENALTY
            notes.append(f"-{REASONING_OFF_TASK_PENALTY:g} a thinking-only reasoning model used for {tid}")
        values.append(v)
    v = sum(values) / len(values)
    adj, why = _language_adjustment(ctx, m)
    v += adj
    notes += why
    if not c.synthetic:
        adj, why = _domain_adjustment(ctx, m)
        v += adj
        notes += why
    # what the adaptation buys
    n = ctx.scope.examples
    gain = 0.0
    if c.strategy == "as-is":
        zero_shot = m.open_labels or "zero-shot-classification" in m.tasks
        if task_checkpoint(ctx, m) and ctx.fixed_labels and not zero_shot and label_evidence(ctx, m)[0]:
            foreign = [] if c.synthetic else _foreign_domains(ctx, m)
            if foreign:
                # its labels were learned on tweets or financial news: no head start on the user's text
                notes.append(f"trained for your label set on {', '.join(foreign)} text, not on yours")
            else:
                gain = READY_GAIN
                notes.append("trained for your label set")
    elif c.strategy in STRATEGY_GAIN_SHARE:
        share = STRATEGY_GAIN_SHARE[c.strategy]
        g = finetune_gain(n)
        if setfit_route(ctx, m) and SETFIT_MIN_EXAMPLES <= n <= SETFIT_MAX_EXAMPLES:
            g = max(g, SETFIT_GAIN)
            notes.append(
                "SetFit: contrastive fine-tuning of a sentence-transformer is strong with few labels"
            )
        gain = share * g
        if gain:
            notes.append(f"fine-tuning on {n:,} labelled examples wins {gain:.0%} of the headroom")
    if gain:
        v = v + (100.0 - v) * gain
    if c.strategy == "continued-pretraining" and not c.synthetic:
        d = ctx.scope.domain_tokens
        already = bool(ctx.scope.domain) and ctx.scope.domain in m.domains
        cpt = 0.0 if already else CPT_GAIN_MAX * min(1.0, max(0.0, math.log10(d / CPT_MIN_TOKENS) / 2))
        # a share of the headroom left after fine-tuning, like the fine-tuning gain: added as flat points it
        # drives every candidate to the 100 ceiling, where they tie whatever their own quality
        cpt *= (100.0 - v) / 100.0
        if cpt:
            v += cpt
            notes.append(f"+{cpt:.1f} continued pre-training on {d:,} in-domain tokens")
    pen = QUANT_PENALTY.get(c.serve_dtype or "bf16", 0.0)
    if pen:
        v -= pen
        notes.append(f"-{pen:g} served in {c.serve_dtype}")
    value = round(min(100.0, max(0.0, v)), 1)
    assert first is not None
    obj = {
        "value": value,
        "basis": "imputed" if c.synthetic else first.basis,
        "benchmark": first.benchmark,
        "benchmark_score": first.benchmark_score,
        "source": first.source,
        "note": "; ".join([first.note, *notes]) if notes else first.note,
    }
    return value, obj, notes


def quality_rule(ctx: Context, c: Candidate) -> Outcome:
    value, obj, notes = expected_quality(ctx, c)
    c.quality = obj
    head = (
        f"{obj['benchmark']} {obj['benchmark_score']:g}"
        if obj["basis"] == "measured" and obj["benchmark_score"] is not None
        else "no published figure on the task's benchmarks (imputed)"
    )
    extra = f" ({'; '.join(notes)})" if notes else ""
    return Points(value / 100.0, f"expected quality {value:g}/100: {head}{extra}")


def task_fit_points(ctx: Context, c: Candidate) -> Outcome:
    total = 0.0
    details = []
    for task in ctx.tasks:
        fam = task.families.get(c.model.family)
        fit = fam.fit if fam else "poor"
        total += FIT_POINTS.get(fit, 0.0)
        details.append(f"{task.id}: {fit}" + (f" ({fam.reason})" if fam else ""))
    if c.synthetic:
        return Points(total / len(ctx.tasks), "; ".join(details))
    return Points(total / len(ctx.tasks), "; ".join(details))


def readiness(ctx: Context, c: Candidate) -> Outcome:
    n = ctx.scope.examples
    m = c.model
    if c.strategy == "as-is":
        if task_checkpoint(ctx, m):
            ready = f" ({m.ready_for})" if m.ready_for else ""
            if m.open_labels or "zero-shot-classification" in m.tasks:
                return Points(0.85, f"a zero-shot checkpoint{ready}: it takes any label set, including yours")
            if n >= PLENTY_EXAMPLES:
                return Points(0.6, f"a ready checkpoint{ready}; with {n:,} labels, fine-tuning may beat it")
            return Points(1.0, f"a checkpoint already trained for the task{ready}; use it")
        if m.variant == "instruct":
            if n == 0:
                return Points(0.75, "instruction-tuned: prompt it zero-shot, no labelled data needed")
            if n < PLENTY_EXAMPLES:
                return Points(0.65, f"instruction-tuned: put a few of your {n:,} examples in the prompt")
            return Points(0.35, f"prompting ignores most of your {n:,} labelled examples")
        return Points(0.7, "the pre-trained model does this task as it is")
    if c.strategy == "pretrain":
        return Points(0.7, "no existing checkpoint fits as well as one trained on your data at this scale")
    if c.strategy == "continued-pretraining" and n == 0:
        return Points(0.6, "continued pre-training on your text, then prompting or retrieval")
    start = " from a checkpoint already trained for the task" if task_checkpoint(ctx, m) else ""
    if setfit_route(ctx, m) and SETFIT_MIN_EXAMPLES <= n <= SETFIT_MAX_EXAMPLES:
        return Points(
            0.9, f"SetFit-style fine-tuning of a sentence-transformer suits {n:,} labelled examples"
        )
    if n < FEW_EXAMPLES:
        return Points(0.3, f"{n:,} labelled examples are few to fine-tune on reliably{start}")
    if n < PLENTY_EXAMPLES:
        return Points(0.65, f"{n:,} labelled examples: enough for a small fine-tune{start}")
    return Points(0.95 if start else 0.9, f"{n:,} labelled examples: fine-tuning beats zero-shot use{start}")


def context_fit(ctx: Context, c: Candidate) -> Outcome:
    need = ctx.scope.input_tokens
    native = c.model.context_tokens
    extended = c.model.context_tokens_extended
    if native is None:
        if need > LONG_INPUT:
            return Points(
                0.2, "context window unknown", f"its context window is not documented; {need:,} may not fit"
            )
        return Points(
            0.8, f"window not documented; {need:,}-token inputs are within the classic {LONG_INPUT}"
        )
    if need <= native:
        return Points(1.0, f"{need:,}-token inputs fit its {native:,}-token window")
    if extended and need <= extended:
        return Points(
            0.5,
            f"{need:,}-token inputs exceed the native {native:,} window but fit the extended {extended:,}",
            "needs its context extension (RoPE scaling / YaRN) enabled",
        )
    strided = all(t.output in STRIDED_OUTPUTS for t in ctx.tasks)
    how = "read in overlapping strides" if strided else "chunked or truncated"
    return Points(
        0.2,
        f"{need:,}-token inputs exceed its {max(native, extended or 0):,}-token window",
        f"inputs must be {how}",
    )


def hub_health(ctx: Context, c: Candidate) -> Outcome:
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
        return Points(0.3, "no download count on the Hub", warning)
    if downloads >= POPULAR_DOWNLOADS:
        return Points(1.0, f"{downloads:,} downloads on the Hub: widely used", warning)
    if downloads >= KNOWN_DOWNLOADS:
        return Points(0.6, f"{downloads:,} downloads on the Hub", warning)
    return Points(0.2, f"only {downloads:,} downloads on the Hub", warning)


def training_cost(ctx: Context, c: Candidate) -> Outcome:
    if c.train is None:
        return Points(1.0, "no training: nothing to spend")
    need = c.train.gpu_hours
    have = ctx.scope.gpu_hours
    if need is None:
        return Points(
            0.3, "training time unknown", f"{c.train.accelerator} has no TFLOP/s figure to estimate time"
        )
    used = need / have if have > 0 else 1.0
    raw = 1.0 if used <= 0.1 else max(0.2, 1.0 - 0.8 * (used - 0.1) / 0.9)
    p = c.model.params_b
    note = ""
    if c.strategy == "full-finetune" and p > SMALL_MODEL_B:
        raw *= 0.7
        note = f"; full fine-tuning {_fmt_b(p)} parameters needs ~16 bytes each, LoRA gets close for far less"
    if c.strategy == "qlora" and p < LARGE_MODEL_B:
        raw *= 0.8
        note = f"; at {_fmt_b(p)} 4-bit quantisation saves little"
    cost = f", ${c.train.cost_usd:,.0f}" if getattr(c.train, "cost_usd", None) else ""
    return Points(
        round(raw, 3), f"~{_hours(need)} of {_hours(have)} GPU-hours ({used:.0%} of the budget{cost}){note}"
    )


DAYS_PER_MONTH = 30


def monthly_usd(daily_tokens: int | None, per_million: float | None) -> float | None:
    """Monthly serving dollars at a daily traffic, from the estimator's $ per million tokens (None-safe)."""
    if per_million is None or not daily_tokens:
        return None
    return per_million * daily_tokens * DAYS_PER_MONTH / 1e6


def _monthly_usd(ctx: Context, c: Candidate) -> float | None:
    if not ctx.scope.daily_tokens:  # no traffic given: the serving estimate (made on first use) is not needed
        return None
    return monthly_usd(ctx.scope.daily_tokens, c.serve_usd_per_million)


def serving_cost(ctx: Context, c: Candidate) -> Outcome:
    p = c.model.params_b
    active = c.model.active_params_b or p
    warning = None
    if c.serve_dtype in ("int8", "int4"):
        warning = f"must be quantised to {c.serve_dtype} to fit {ctx.scope.serve}"
    if ctx.serve_target is not None:
        limit = ctx.serve_target.max_params_b
        span = math.log10((limit or 10.0) / EDGE_FLOOR_B)
        # latency follows the weights each token runs through: ALBERT's 11M shared weights run as a BERT-base
        p = max(p, c.model.compute_params_b or 0.0)
        raw = max(0.0, min(1.0, 1.0 - math.log10(max(p, EDGE_FLOOR_B) / EDGE_FLOOR_B) / span))
        if ctx.generative and p >= 1:
            warning = f"on {ctx.serve_target.id} a {_fmt_b(p)} model generates only a few tokens per second"
        return Points(
            round(raw, 3), f"{_fmt_b(p)} parameters on {ctx.serve_target.id}: smaller is faster", warning
        )
    monthly = _monthly_usd(ctx, c)
    if monthly is not None:
        raw = 1.0 / (1.0 + monthly / 1000.0)
        return Points(
            round(raw, 3), f"~${monthly:,.0f} a month at {ctx.scope.daily_tokens:,} tokens a day", warning
        )
    if ctx.scope.prefer == "cost":
        raw = max(0.0, min(1.0, 1.0 - math.log10(max(active, 0.1) / 0.1) / 3.0))
        return Points(
            round(raw, 3), f"{_fmt_b(active)} active parameters: smaller costs less per request", warning
        )
    mem = c.serve_memory_gb
    if mem is None:
        return Points(0.5, "serving memory unknown", warning)
    share = mem / ctx.serve_memory_gb if ctx.serve_memory_gb else 1.0
    raw = 1.0 if share <= 0.5 else max(0.3, 1.0 - (share - 0.5))
    if c.serve_dtype in ("int8", "int4"):
        raw = min(raw, 0.6)
    return Points(
        round(raw, 3), f"serves in {mem:.3g} GB ({c.serve_dtype}), {share:.0%} of {ctx.scope.serve}", warning
    )


def licence_warning(ctx: Context, m: Model, hub: Any = None) -> str | None:
    """The licence's terms as a warning (never a score): restricted, non-commercial or unknown terms."""
    lic = ctx.catalog.licenses.get(m.license)
    if hub is not None and getattr(hub, "license", None) and hub.license.lower() != m.license.lower():
        return f"the Hub lists licence {hub.license!r}, the catalog {m.license!r}: check the model card"
    if lic is None:
        return "its licence terms are not in the catalog"
    if lic.license_class == "restricted":
        cap = f" (a {lic.user_cap:,}-user cap)" if lic.user_cap else ""
        return f"{lic.name} restricts some uses{cap}"
    if lic.license_class == "non-commercial":
        return "non-commercial use only"
    if lic.license_class == "unknown":
        return "no licence found: you may not be allowed to use it"
    return None


ModelRule = Callable[[Context, Model], "Veto | None"]
CandidateRule = Callable[[Context, Candidate], Outcome]

MODEL_CONSTRAINTS: dict[str, ModelRule] = {
    "task_fit": task_fit,
    "language": language,
    "tokenizer_script": tokenizer_script,
    "direction": direction,
    "license": license_rule,
    "serving_size": serving_size,
    "ready_checkpoint": ready_checkpoint,
}
CANDIDATE_CONSTRAINTS: dict[str, CandidateRule] = {
    "label_set": label_set,
    "context": context,
    "memory_fit": memory_fit,
    "budget": budget,
}
PREFERENCES: dict[str, CandidateRule] = {
    "quality": quality_rule,
    "task_fit_points": task_fit_points,
    "readiness": readiness,
    "context_fit": context_fit,
    "hub_health": hub_health,
    "training_cost": training_cost,
    "serving_cost": serving_cost,
}
RULES: dict[str, Callable[..., Any]] = {**MODEL_CONSTRAINTS, **CANDIDATE_CONSTRAINTS, **PREFERENCES}
_unbound = (set(SPEC_BY_ID) - set(RULES)) - {"estimate"}
assert not _unbound and set(RULES) <= set(SPEC_BY_ID), f"rules and specs disagree: {_unbound}"

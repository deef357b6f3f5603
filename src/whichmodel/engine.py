"""The advice engine: for every catalog model and every strategy that applies, estimate and run the rules.

Pure and deterministic: the same scope and catalog give the same advice. No printing, no network.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from whichmodel import estimator as est
from whichmodel.advice import (
    Advice,
    ArchitectureVerdict,
    Estimates,
    FamilyRank,
    FromScratch,
    HubInfo,
    QualityInfo,
    Reason,
    Recommendation,
    Rejected,
    WhatIf,
)
from whichmodel.catalog import Catalog
from whichmodel.catalog_schema import FAMILIES, Model
from whichmodel.rule_specs import COMPONENTS, SPEC_BY_ID
from whichmodel.rules import (
    CANDIDATE_CONSTRAINTS,
    CPT_MIN_TOKENS,
    FIT_POINTS,
    MODEL_CONSTRAINTS,
    PREFERENCES,
    SMALL_MODEL_B,
    Candidate,
    Context,
    Points,
    Veto,
    continues_pretraining,
    licence_warning,
    monthly_usd,
    ready_as_is,
    setfit_route,
    tight_cost_factor,
)
from whichmodel.scope import Scope

SERVE_DTYPES = ("bf16", "int8", "int4")
TARGET_DTYPES = ("int4",)  # cpu/edge: 1B+ models at 4 bits (catalog/accelerators.yaml serving descriptions)
TRAIN_TOKENS_PER_BATCH = est.TRAIN_TOKENS_PER_MICRO_BATCH  # 8 x 512 (estimator defaults), fewer when long
GENERATED_TOKENS = 512  # room for the output of a generative task when sizing the KV cache
MIN_PRETRAIN_PARAMS = 0.1e9  # BERT-base scale: below this a from-scratch model is a toy
CHINCHILLA_TOKENS_PER_PARAM = 20
BIG_CORPUS_TOKENS = 1e10  # BloombergGPT's 363B and BioMedLM's 50B-token corpora are far above this
PUBLIC_TEXT_LANGS = {"en", "code"}  # languages with public pre-training corpora far larger than any budget
ENGINE_ASSUMPTIONS = (
    f"Fine-tuning data: labelled examples x {est.FINETUNE_EPOCHS:g} epochs x tokens per example "
    "(the longest input, capped at the model's window).",
    "Serving: bf16 weights where they fit the serving target, else int8, else int4; KV cache for the longest input"
    f" plus {GENERATED_TOKENS} generated tokens on generative tasks; batch 1. Serving speed and $ per million"
    " tokens: one request at a time (vLLM on a GPU, llama.cpp on CPU and edge; see docs/estimates.md).",
    "Continued pre-training: one pass over the in-domain tokens, then fine-tuning on the labelled examples.",
    f"Training micro-batch: {TRAIN_TOKENS_PER_BATCH} tokens (8 sequences of 512, fewer when longer); micro-batch 1"
    " with gradient accumulation when that does not fit.",
    "From scratch: the compute-optimal model for the budget has ~20 training tokens per parameter (Chinchilla,"
    " Hoffmann et al. 2022).",
)


def _family_key(m: Model) -> str:
    """A lineage key so the top N is not five sizes of one model: org + name without sizes or variants."""
    name = m.hub_id.lower()
    name = re.sub(r"[-_.]?\d+(\.\d+)?[mbk](?![a-z])", "", name)
    name = re.sub(r"-(instruct|it|chat|base|hf|v\d+(\.\d+)?|\d{4})\b", "", name)
    name = re.sub(r"-(small|base|large|xl|xxl|mini|medium|tiny)\b", "", name)
    return name


def _strategies(scope: Scope, m: Model, ctx: Context) -> list[str]:
    out: list[str] = []
    if ready_as_is(ctx, m):
        out.append("as-is")
    if scope.examples > 0:
        out.append("full-finetune")
        if not setfit_route(ctx, m) or m.params_b >= SMALL_MODEL_B:
            out.append("lora")
        if m.params_b >= SMALL_MODEL_B:
            out.append("qlora")
    # continued pre-training starts from a base checkpoint, not an instruction-tuned or task one
    if scope.domain_tokens >= CPT_MIN_TOKENS and continues_pretraining(ctx, m):
        out.append("continued-pretraining")
    return out


def _serving(ctx: Context, m: Model) -> tuple[float | None, str | None, bool]:
    window = m.context_tokens or ctx.scope.input_tokens
    tokens = min(ctx.scope.input_tokens + (GENERATED_TOKENS if ctx.generative else 0), max(window, 1))
    on_gpu = ctx.serve_acc is not None
    overhead = est.FRAMEWORK_OVERHEAD_GB if on_gpu else 0.0  # no CUDA context on a CPU or a phone
    last: float | None = None
    # on cpu and edge a billion-parameter model runs 4-bit (llama.cpp); the targets' max_params_b is defined at 4-bit
    dtypes: tuple[str, ...] = (
        TARGET_DTYPES if ctx.serve_target is not None and m.params_b >= SMALL_MODEL_B else SERVE_DTYPES
    )
    if ctx.serve_acc is not None and not ctx.serve_acc.bf16_supported:  # T4, V100: 16-bit weights are fp16
        dtypes = tuple("fp16" if d == "bf16" else d for d in dtypes)
    for dtype in dtypes:
        mem = est.inference_memory(
            params=m.params_b * 1e9,
            dtype=dtype,
            model=m,
            context_tokens=tokens,
            batch=1,
            overhead_gb=overhead,
            runtime=None if on_gpu else "llama.cpp",  # as estimate_serving: llama.cpp on cpu and edge
        )
        last = mem.total
        if mem.total <= ctx.serve_memory_gb:
            return mem.total, dtype, True
    return last, "int4", False


def _serve_speed(ctx: Context, m: Model, dtype: str | None, fits: bool) -> tuple[float | None, float | None]:
    """Serving tokens/s and $ per million tokens at the scope's input length, one request at a time."""
    if not fits or dtype is None:
        return None, None
    target = ctx.serve_acc if ctx.serve_acc is not None else ctx.serve_target
    if target is None:
        return None, None
    try:
        s = est.estimate_serving(
            params=m.params_b * 1e9,
            target=target,
            model=m,
            dtype=dtype,
            input_tokens=max(1, ctx.scope.input_tokens),
            output_tokens=GENERATED_TOKENS if ctx.generative else 1,
        )
    except est.EstimateError:
        return None, None
    if ctx.generative:
        return s.decode_tokens_per_s, s.usd_per_million_tokens
    return s.prefill_tokens_per_s, s.usd_per_million_input_tokens


class _Speed:
    """A model's serving speed and $ per million tokens (``_serve_speed``), estimated on first use: only the
    monthly serving cost (with --daily-tokens) and the estimates shown read it."""

    __slots__ = ("args", "value")

    def __init__(self, ctx: Context, m: Model, dtype: str | None, fits: bool) -> None:
        self.args = (ctx, m, dtype, fits)
        self.value: tuple[float | None, float | None] | None = None

    def get(self) -> tuple[float | None, float | None]:
        if self.value is None:
            self.value = _serve_speed(*self.args)
        return self.value


class _Candidate(Candidate):
    """A catalog candidate whose ``serve_usd_per_million`` is its model's lazily estimated serving cost."""

    speed: _Speed | None = None

    @property
    def serve_usd_per_million(self) -> float | None:
        return self.speed.get()[1] if self.speed is not None else None

    @serve_usd_per_million.setter
    def serve_usd_per_million(self, value: float | None) -> None:
        if value is not None:  # the dataclass sets its default (None); the figure is the estimate's
            raise AttributeError("serve_usd_per_million comes from the model's serving estimate")


def _train(ctx: Context, m: Model, strategy: str) -> est.JobEstimate:
    s = ctx.scope
    window = m.context_tokens or s.input_tokens
    seq = max(16, min(s.input_tokens, window))
    if strategy == "continued-pretraining":
        # one pass over the in-domain text, then the fine-tune on the labels (if any)
        tokens = float(s.domain_tokens)
        if s.examples > 0:
            tokens += est.finetune_tokens(s.examples, tokens_per_example=seq)
    elif strategy == "pretrain":
        tokens = m.params_b * 1e9 * CHINCHILLA_TOKENS_PER_PARAM
    else:
        tokens = est.finetune_tokens(s.examples, tokens_per_example=seq)
    jobs = []
    # the default micro-batch, then what a practitioner does next: micro-batch 1 with gradient accumulation
    # (same tokens, less memory); when neither fits, the default's figures are the ones reported
    for batch in dict.fromkeys((max(1, TRAIN_TOKENS_PER_BATCH // seq), 1)):
        job = est.estimate_job(
            params=m.params_b * 1e9,
            strategy=strategy,
            accelerator=ctx.train_acc,
            gpus=s.gpus,
            tokens=tokens,
            seq_len=seq,
            batch=batch,
            model=m,
            model_id=m.id,
        )
        if job.fits:
            return job
        jobs.append(job)
    return jobs[0]


DEFAULT_PREFER = {"quality": 65.0, "fit": 25.0, "cost": 10.0}


def _component_weights(ctx: Context) -> dict[str, float]:
    prefer = getattr(ctx.catalog.weights, "prefer", None) or {}
    weights = dict(prefer.get(ctx.scope.prefer) or DEFAULT_PREFER)
    if ctx.serve_target is not None:  # cpu or edge: size is latency, not a cost a bigger GPU absorbs
        weights["cost"] = weights.get("cost", 0.0) * tight_cost_factor(ctx.tasks)
    return weights


def _model_veto(ctx: Context, m: Model, curated: bool = True) -> tuple[str, str] | None:
    """The first model-level constraint that rejects the model (run before any estimate)."""
    for name, rule in MODEL_CONSTRAINTS.items():
        if not curated and name in ("language", "tokenizer_script", "direction"):
            continue  # a Hub candidate's languages are unknown: a warning, not a veto
        out = rule(ctx, m)
        if out is not None:
            return name, out.reason
    return None


# (rule, component share, rule weight, component weight sum, clipped points, detail): the Reason's points are
# computed, and the Reason built, only for the recommendations shown
ReasonItem = tuple[str, float, float, float, float, str]
Evaluation = tuple[float, list[ReasonItem], list[str], "tuple[str, str] | None", dict[str, float]]


def _reasons(items: list[ReasonItem]) -> list[Reason]:
    return [
        Reason.model_construct(
            rule=name, points=round(100.0 * share * (w / wsum if wsum else 0.0) * raw, 2), detail=detail
        )
        for name, share, w, wsum, raw, detail in items
    ]


class _Plan:
    """What the scoring of every candidate shares, resolved once per advice: each preference with its component
    and weight, and each component's share of the score."""

    def __init__(self, ctx: Context) -> None:
        comp_w = _component_weights(ctx)
        total_w = sum(comp_w.get(k, 0.0) for k in COMPONENTS) or 1.0
        self.shares = [(comp, comp_w.get(comp, 0.0) / total_w) for comp in COMPONENTS]
        self.preferences = [
            (name, rule, SPEC_BY_ID[name].component or "fit", ctx.weights.get(name, 0.0))
            for name, rule in PREFERENCES.items()
        ]


def _evaluate(ctx: Context, c: Candidate, plan: _Plan | None = None) -> Evaluation:
    reasons: list[ReasonItem] = []
    warnings: list[str] = []
    veto: tuple[str, str] | None = None
    for name, rule in CANDIDATE_CONSTRAINTS.items():
        out = rule(ctx, c)
        if isinstance(out, Veto):
            veto = (name, out.reason)
            if not c.synthetic:  # a model to train from scratch is scored anyway; its veto becomes a warning
                return 0.0, reasons, warnings, veto, {}
            break
    plan = _Plan(ctx) if plan is None else plan
    score, reasons, warnings, components = _assemble(
        plan, [rule(ctx, c) for _, rule, _, _ in plan.preferences]
    )
    if not c.synthetic:
        lw = licence_warning(ctx, c.model, c.hub)
        if lw and lw not in warnings:
            warnings.append(lw)
    return score, reasons, warnings, veto, components


def _assemble(plan: _Plan, outs: list[Any]) -> tuple[float, list[ReasonItem], list[str], dict[str, float]]:
    """The score, reason items, warnings and components of a candidate from its preferences' outcomes (one per
    ``plan.preferences``, in order)."""
    reasons: list[ReasonItem] = []
    warnings: list[str] = []
    got: dict[str, list[tuple[str, float, float, str]]] = {k: [] for k in COMPONENTS}
    for (name, _, comp, weight), out in zip(plan.preferences, outs, strict=True):
        if out is None:
            continue
        assert isinstance(out, Points)
        got[comp].append((name, weight, max(0.0, min(1.0, out.raw)), out.detail))
        if out.warning and out.warning not in warnings:
            warnings.append(out.warning)
    components: dict[str, float] = {}
    score = 0.0
    for comp, share in plan.shares:
        items = got[comp]
        wsum: float = 0  # both sums as sum() makes them (same start, same order): the same floats
        total: float = 0
        for _, w, raw, _ in items:
            wsum += w
            total += w * raw
        value = total / wsum if wsum else 0.0
        components[comp] = round(100.0 * value, 1)
        reasons += [(name, share, w, wsum, raw, detail) for name, w, raw, detail in items]
        score += 100.0 * share * value
    return round(max(0.0, min(100.0, score)), 2), reasons, warnings, components


def _estimates(
    c: Candidate, serve: tuple[float | None, float | None] = (None, None), daily_tokens: int | None = None
) -> Estimates:
    t = c.train
    return Estimates.model_construct(
        serve_tokens_per_s=_round(serve[0]),
        serve_usd_per_million_tokens=_round(serve[1]),
        train_gpu_hours=None if t is None else _round(t.gpu_hours),
        train_memory_gb=None if t is None else _round(t.memory.total),
        inference_memory_gb=_round(c.serve_memory_gb),
        gpus_needed=None if t is None else t.gpus_needed,
        cost_usd=None if t is None else _round(t.cost_usd),
        train_tokens=None if t is None else t.tokens,
        wall_clock_hours=None if t is None else _round(t.wall_clock_hours),
        serve_dtype=c.serve_dtype,
        serve_usd_per_month=_round(monthly_usd(daily_tokens, serve[1])),
    )


class _Scored:
    """A viable candidate's evaluation: its Recommendation is built only if it is shown."""

    __slots__ = ("candidate", "components", "quality_value", "reasons", "score", "warnings")

    def __init__(
        self,
        score: float,
        candidate: Candidate,
        reasons: list[ReasonItem],
        warnings: list[str],
        components: dict[str, float],
    ) -> None:
        self.score = score
        self.candidate = candidate
        self.reasons = reasons
        self.warnings = warnings
        self.components = components
        q = candidate.quality
        self.quality_value: float = q["value"] if q is not None else 0.0

    @property
    def model(self) -> str:
        return self.candidate.model.id

    @property
    def strategy(self) -> str:
        return self.candidate.strategy


def _recommendation(s: _Scored, daily_tokens: int | None) -> Recommendation:
    c = s.candidate
    m = c.model
    return Recommendation.model_construct(
        rank=0,
        model=m.id,
        hub_id=m.hub_id,
        family=m.family,
        objective=m.objective,
        params_b=m.params_b,
        strategy=c.strategy,
        score=s.score,
        components=s.components,
        quality=_quality_info(c),
        estimates=_estimates(
            c, c.speed.get() if isinstance(c, _Candidate) and c.speed else (None, None), daily_tokens
        ),
        reasons=_reasons(s.reasons),
        warnings=s.warnings,
        hub=_hub_json(c.hub),
        variant=m.variant,
        license=m.license,
        ready_for=m.ready_for,
        curated=c.curated,
    )


def _quality_info(c: Candidate) -> QualityInfo | None:
    return None if c.quality is None else QualityInfo.model_construct(**c.quality)


def _assumptions_of(job: Any) -> tuple[str, ...]:
    return job.assumptions if job is not None else ()


def _round(x: float | None) -> float | None:
    if x is None:
        return None
    return float(f"{x:.4g}")


def _hub_json(record: Any) -> HubInfo | None:
    if record is None:
        return None
    data = record.advice_json() if hasattr(record, "advice_json") else dict(record)
    return HubInfo.model_construct(**data)


def build_context(scope: Scope, catalog: Catalog, snapshot: Any = None, now: Any = None) -> Context:
    tasks = [catalog.tasks[t] for t in scope.tasks]
    serve_target = catalog.serving.get(scope.serve)
    serve_acc = None if serve_target else catalog.accelerator(scope.serve)
    memory = serve_target.memory_gb if serve_target else est.usable_memory_gb(serve_acc)  # type: ignore[arg-type]
    weights = dict(catalog.weights.rules) if catalog.weights else {}
    return Context(
        scope=scope,
        catalog=catalog,
        tasks=tasks,
        generative=any(t.generative for t in tasks),
        train_acc=catalog.accelerator(scope.gpu),
        serve_acc=serve_acc,
        serve_target=serve_target,
        serve_memory_gb=memory,
        weights=weights,
        snapshot=snapshot,
        now=now,
    )


def advise(
    scope: Scope,
    catalog: Catalog,
    *,
    snapshot: Any = None,
    now: Any = None,
    models: Sequence[Model] | None = None,
    extra: Sequence[Model] = (),
    explore: bool = True,
) -> Advice:
    """The advice for a scope. ``models`` restricts the candidates (for `compare`); ``extra`` adds uncurated ones."""
    ctx = build_context(scope, catalog, snapshot, now)
    pool = list(models if models is not None else catalog.models.values()) + list(extra)
    extra_ids = {m.id for m in extra}

    viable: list[tuple[float, _Scored, Model]] = []
    rejected: list[Rejected] = []
    best_assumptions: dict[str, Any] = {}  # model id -> its best strategy's JobEstimate (or None)
    veto_counts: dict[str, Counter[str]] = {f: Counter() for f in FAMILIES}
    plan = _Plan(ctx)

    for m in pool:
        curated = m.id not in extra_ids
        hub = snapshot.get(m.hub_id) if snapshot is not None else None
        model_veto = _model_veto(ctx, m, curated)
        strategies = _strategies(scope, m, ctx) if model_veto is None else []
        if model_veto is None and not strategies:
            model_veto = ("ready_checkpoint", "no strategy applies to this model and scope")
        if model_veto is not None:
            rejected.append(
                Rejected.model_construct(
                    model=m.id, hub_id=m.hub_id, rule=model_veto[0], reason=model_veto[1]
                )
            )
            veto_counts[m.family][model_veto[0]] += 1
            continue
        serve_mem, serve_dtype, serve_fits = _serving(ctx, m)
        speed = _Speed(ctx, m, serve_dtype, serve_fits)
        best: tuple[float, _Scored] | None = None
        vetoes: list[tuple[str, str, str]] = []
        for strategy in strategies:
            try:
                train = None if strategy == "as-is" else _train(ctx, m, strategy)
            except est.EstimateError as exc:
                vetoes.append((strategy, "estimate", f"cannot be estimated: {exc}"))
                continue
            c = _Candidate(m, strategy, train, serve_mem, serve_dtype, serve_fits, hub, curated=curated)
            c.speed = speed
            score, reasons, warnings, veto, components = _evaluate(ctx, c, plan)
            if veto is not None:
                vetoes.append((strategy, veto[0], veto[1]))
                continue
            if not curated:
                warnings.append("not curated: check its languages and licence")
            if best is None or score > best[0]:
                best = (score, _Scored(score, c, reasons, warnings, components))
                best_assumptions[m.id] = train  # rendered below, for the recommendations shown only
        if best is None:
            rule, reason = _summarize_vetoes(vetoes)
            rejected.append(Rejected.model_construct(model=m.id, hub_id=m.hub_id, rule=rule, reason=reason))
            veto_counts[m.family][rule] += 1
        else:
            viable.append((best[0], best[1], m))

    viable.sort(key=lambda item: (-item[0], -item[1].quality_value, item[2].id))
    top = [_recommendation(r, scope.daily_tokens) for r in _diverse(viable, scope.top)]
    from_scratch, pretrain_rec = _from_scratch(ctx, viable)
    if pretrain_rec is not None:
        # ranked by its score like any other candidate
        top = sorted([pretrain_rec, *top], key=lambda r: (-r.score, -_quality_of(r)))[: scope.top]
    strongest = max(viable, key=lambda v: (v[1].quality_value, v[0]))[1] if viable else None
    recs = [
        r.model_copy(update={"rank": i + 1, "reasons": _standing(ctx, r, viable, strongest)})
        for i, r in enumerate(top)
    ]
    # the constants behind the estimates shown (not every model evaluated), each once
    assumptions = list(
        dict.fromkeys(
            [*ENGINE_ASSUMPTIONS, *(a for r in recs for a in _assumptions_of(best_assumptions.get(r.model)))]
        )
    )
    architecture = _architecture(ctx, viable, veto_counts, recs)
    notes = []
    if snapshot is not None and now is not None and hasattr(snapshot, "age_days"):
        age = snapshot.age_days(now)
        if age is not None and age > 30:
            notes.append(f"The Hub snapshot is {age:.0f} days old; run `whichmodel hub refresh`.")
    if not recs:
        notes.append("No model fits every constraint; the rejected list says what stopped each one.")
    what_if = [] if not explore else _what_if(ctx, recs, viable, rejected, pool, snapshot)
    return Advice.model_construct(
        scope=scope,
        architecture=architecture,
        recommendations=recs,
        rejected=rejected,
        from_scratch=from_scratch,
        assumptions=assumptions,
        what_if=what_if,
        notes=notes,
    )


WHAT_IF_POOL = 40  # candidates re-ranked per change: the best viable ones plus those the change could free
WHAT_IF_EXAMPLES = (
    1_000,
    10_000,
)  # labelled sets a budget with no data is priced for (assumption: typical sizes)
WHAT_IF_BUDGETS = (10.0, 100.0)  # GPU-hours tried when there are labels but no budget


def _what_if(
    ctx: Context,
    recs: list[Recommendation],
    viable: list[tuple[float, _Scored, Model]],
    rejected: list[Rejected],
    pool: list[Model],
    snapshot: Any,
) -> list[WhatIf]:
    """The smallest scope changes that change the pick, and what an unused budget buys (re-ranking a small pool)."""
    s = ctx.scope
    by_id = {m.id: m for m in pool}
    top_ids = [m.id for _, _, m in viable[:WHAT_IF_POOL]]
    current = recs[0] if recs else None
    serving: dict[tuple[Any, ...], Any] = {}  # each model's serving estimate, shared by the re-rankings

    def run(change: str, freed: tuple[str, ...], **update: Any) -> Recommendation | None:
        ids = list(top_ids)
        for r in rejected:
            if r.rule in freed and len(ids) < 2 * WHAT_IF_POOL and r.model in by_id:
                ids.append(r.model)
        new_scope = s.model_copy(update={**update, "top": 1})
        sub = build_context(new_scope, ctx.catalog, snapshot)
        return _top_pick(sub, [by_id[i] for i in ids], serving)

    def item(change: str, rec: Recommendation | None, why: str) -> WhatIf:
        return WhatIf.model_construct(
            change=change,
            model=rec.model if rec else None,
            hub_id=rec.hub_id if rec else None,
            strategy=rec.strategy if rec else None,
            gpu_hours=rec.estimates.train_gpu_hours if rec else None,
            cost_usd=rec.estimates.cost_usd if rec else None,
            why=why,
        )

    def changed(rec: Recommendation | None) -> bool:
        if rec is None:
            return False
        return current is None or (rec.model, rec.strategy) != (current.model, current.strategy)

    out: list[WhatIf] = []
    training = ("ready_checkpoint", "budget", "memory_fit", "label_set")
    if s.gpu_hours > 0 and s.examples == 0:
        for n in WHAT_IF_EXAMPLES:
            rec = run(f"--examples {n}", training, examples=n)
            if rec is not None:
                hours = rec.estimates.train_gpu_hours
                spent = f"~{hours:.3g} of your {s.gpu_hours:g} GPU-hours" if hours else "none of your budget"
                out.append(
                    item(
                        f"--examples {n:,}",
                        rec,
                        f"with {n:,} labelled examples your budget buys"
                        f" {rec.strategy} of {rec.model} ({spent}); today it is unused",
                    )
                )
    if s.examples > 0 and s.gpu_hours <= 0:
        for h in WHAT_IF_BUDGETS:
            rec = run(f"--gpu-hours {h:g}", training, gpu_hours=h)
            if changed(rec):
                assert rec is not None
                out.append(
                    item(
                        f"--gpu-hours {h:g}",
                        rec,
                        f"your {s.examples:,} labelled examples need a training"
                        f" budget: {h:g} GPU-hours buy {rec.strategy} of {rec.model}",
                    )
                )
                break
    if s.gpu_hours > 0 and s.examples > 0:
        rec = run(f"--gpu-hours {s.gpu_hours * 4:g}", training, gpu_hours=s.gpu_hours * 4)
        if changed(rec):
            assert rec is not None
            out.append(item(f"--gpu-hours {s.gpu_hours * 4:g}", rec, f"4x the budget puts {rec.model} first"))
    if s.license != "any":
        rec = run("--license any", ("license",), license="any")
        if changed(rec):
            assert rec is not None
            out.append(
                item("--license any", rec, f"accepting any licence puts {rec.model} first (check its terms)")
            )
    bigger = "a100-80gb" if ctx.serve_target is not None or ctx.serve_memory_gb < 40 else None
    if bigger and bigger != s.serve and bigger in ctx.catalog.accelerators:
        rec = run(f"--serve {bigger}", ("serving_size", "memory_fit"), serve=bigger)
        if changed(rec):
            assert rec is not None
            out.append(item(f"--serve {bigger}", rec, f"serving on an 80 GB GPU puts {rec.model} first"))
    return out


class _Unknown(Exception):
    """Raised when a rule reads a training estimate that is not made yet (:data:`_PENDING`)."""


class _Pending:
    """Stands in for a candidate's training estimate while its score is bounded: reading it in any way (an
    attribute, ``getattr`` with a default, truth, comparison, formatting) raises :class:`_Unknown`, which is not
    an AttributeError, so no rule can mistake it for a missing figure. Only ``c.train is None`` sees through it
    (it is not None, as the estimate will not be)."""

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        raise _Unknown(name)

    def _unknown(self, *args: Any) -> Any:
        raise _Unknown

    __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _unknown
    __str__ = __repr__ = __format__ = __iter__ = __len__ = __float__ = __int__ = _unknown


_PENDING: Any = _Pending()
BOUND_MARGIN = 0.01  # points: one unit of the rounded score, far above any float rounding in the bound


def _bound(ctx: Context, c: Candidate, plan: _Plan) -> tuple[float, list[Any]] | None:
    """An upper bound of the candidate's score with its training estimate unknown (``c.train`` is _PENDING,
    or None for as-is), and its preferences' outcomes (``_UNKNOWN_OUT`` for each that read the estimate); None
    when a constraint vetoes it without the estimate. Exact for as-is. Every preference's points are in [0, 1]
    and every weight is >= 0, so counting an unknown one as 1 (or as given, where it would be absent) can only
    raise the score."""
    for rule in CANDIDATE_CONSTRAINTS.values():
        try:
            out = rule(ctx, c)
        except _Unknown:
            continue
        if isinstance(out, Veto):
            return None
    outs: list[Any] = []
    for _, rule, _, _ in plan.preferences:
        try:
            outs.append(rule(ctx, c))
        except _Unknown:
            outs.append(_UNKNOWN_OUT)
    return _score_bound(plan, outs), outs


_UNKNOWN_OUT = object()


def _score_bound(plan: _Plan, outs: list[Any]) -> float:
    """The score :func:`_assemble` makes of these outcomes, each unknown one (``_UNKNOWN_OUT``) counted as full
    points; the same sums in the same order, without the reasons and components."""
    sums = {comp: [0.0, 0.0] for comp in COMPONENTS}  # weight sum, weighted points
    for (_, _, comp, weight), out in zip(plan.preferences, outs, strict=True):
        if out is None:
            continue
        acc = sums[comp]
        acc[0] += weight
        acc[1] += weight * (1.0 if out is _UNKNOWN_OUT else max(0.0, min(1.0, out.raw)))
    score = 0.0
    for comp, share in plan.shares:
        wsum, total = sums[comp]
        score += 100.0 * share * (total / wsum if wsum else 0.0)
    return round(max(0.0, min(100.0, score)), 2)


def _top_pick(
    ctx: Context, pool: Sequence[Model], serving: dict[tuple[Any, ...], Any] | None = None
) -> Recommendation | None:
    """The first recommendation of ``advise(ctx.scope, ctx.catalog, models=pool, explore=False)`` (its scope's
    ``top`` is 1): the same model, strategy, score and estimates, without estimating the training of candidates
    that cannot come first. Each candidate's score is bounded first (:func:`_bound`: no estimate); then, in
    decreasing order of bound, candidates are estimated and scored in full until the next bound is below the
    best full score. Every candidate that scores at least the best is scored in full, so the ranking's ties
    (quality, then id) and each model's choice among its strategies are decided as advise decides them.
    ``serving`` keeps each model's serving estimate from one call to the next (what-ifs that keep the serving
    target, the input length and the tasks ask for the same ones)."""
    s = ctx.scope
    serving = {} if serving is None else serving
    serve_key = (s.serve, s.input_tokens, tuple(s.tasks))
    snapshot = ctx.snapshot
    plan = _Plan(ctx)
    bounded: list[tuple[float, int, _Candidate, list[Any]]] = []
    for m in pool:
        if _model_veto(ctx, m) is not None:
            continue
        strategies = _strategies(s, m, ctx)
        if not strategies:
            continue
        hub = snapshot.get(m.hub_id) if snapshot is not None else None
        key = (m.id, *serve_key)
        if key not in serving:
            serving[key] = _serving(ctx, m)
        serve_mem, serve_dtype, serve_fits = serving[key]
        speed = _Speed(ctx, m, serve_dtype, serve_fits)
        for strategy in strategies:
            pending = None if strategy == "as-is" else _PENDING
            c = _Candidate(m, strategy, pending, serve_mem, serve_dtype, serve_fits, hub)
            c.speed = speed
            b = _bound(ctx, c, plan)
            if b is not None:
                bounded.append((b[0], len(bounded), c, b[1]))
    bounded.sort(key=lambda item: (-item[0], item[1]))
    best_score = -1.0
    per_model: dict[str, tuple[float, int, _Scored]] = {}  # model id -> its best (score, order, evaluation)
    for bound, order, c, outs in bounded:
        if bound + BOUND_MARGIN < best_score:
            break
        if c.train is not None:
            try:
                c.train = _train(ctx, c.model, c.strategy)
            except est.EstimateError:
                continue
            if any(isinstance(rule(ctx, c), Veto) for rule in CANDIDATE_CONSTRAINTS.values()):
                continue
            outs = [
                rule(ctx, c) if o is _UNKNOWN_OUT else o
                for o, (_, rule, _, _) in zip(outs, plan.preferences, strict=True)
            ]
        score, reasons, warnings, components = _assemble(plan, outs)
        lw = licence_warning(ctx, c.model, c.hub)
        if lw and lw not in warnings:
            warnings.append(lw)
        best_score = max(best_score, score)
        held = per_model.get(c.model.id)
        # a model's best strategy, the first in its order on a tie (as advise keeps it)
        if held is None or score > held[0] or (score == held[0] and order < held[1]):
            per_model[c.model.id] = (score, order, _Scored(score, c, reasons, warnings, components))
    viable = sorted(
        ((score, scored, scored.candidate.model) for score, _, scored in per_model.values()),
        key=lambda item: (-item[0], -item[1].quality_value, item[2].id),
    )[:1]
    top = [_recommendation(viable[0][1], s.daily_tokens)] if viable else []
    _, pretrain_rec = _from_scratch(ctx, viable)
    if pretrain_rec is not None:
        top = sorted([pretrain_rec, *top], key=lambda r: (-r.score, -_quality_of(r)))
    return top[0] if top else None


def _standing(
    ctx: Context, rec: Recommendation, viable: list[tuple[float, _Scored, Model]], best: _Scored | None
) -> list[Reason]:
    """The quality reason, made specific to the model: where its expected quality stands among every candidate that
    fits the scope (the strongest that fits the serving target, or how far below the strongest and what it gains)."""
    if rec.quality is None or best is None:  # best: the viable candidate of the highest (quality, score)
        return rec.reasons
    gap = best.quality_value - rec.quality.value
    kind = next((t.id for t in ctx.tasks if is_specialist_of(ctx, rec.model, t.id)), None)
    what = f"{kind} specialist" if kind else "candidate"
    where = f"{ctx.scope.serve} ({ctx.serve_memory_gb:.3g} GB)"
    if gap <= 0:
        text = f"the highest expected quality of the {len(viable)} candidates that fit {where}"
        if rec.estimates.serve_dtype:
            text += f", served in {rec.estimates.serve_dtype}"
        if kind:
            text += f"; a {what}"
    else:
        gains = [
            name
            for name in ("cost", "fit")
            if rec.components.get(name, 0.0) > best.components.get(name, 0.0) + 0.5
        ]
        why = f", but ahead on {' and '.join(gains)}" if gains else ""
        text = (
            f"{gap:.3g} points below {best.model}, the strongest of the {len(viable)} that fit {where}{why}"
        )
    return [
        r.model_copy(update={"detail": f"{r.detail}; {text}"}) if r.rule == "quality" else r
        for r in rec.reasons
    ]


def is_specialist_of(ctx: Context, model_id: str, task_id: str) -> bool:
    m = ctx.catalog.models.get(model_id)
    return m is not None and task_id in m.specialised_for


def _quality_of(rec: Recommendation) -> float:
    return rec.quality.value if rec.quality is not None else 0.0


def _summarize_vetoes(vetoes: list[tuple[str, str, str]]) -> tuple[str, str]:
    rules = {rule for _, rule, _ in vetoes}
    if len(rules) == 1 and len({reason for _, _, reason in vetoes}) == 1:
        return vetoes[0][1], vetoes[0][2]
    first_rule = vetoes[0][1]
    return first_rule, "; ".join(f"{s}: {reason}" for s, _, reason in vetoes)


def _diverse(viable: list[tuple[float, _Scored, Model]], n: int) -> list[_Scored]:
    chosen: list[_Scored] = []
    seen: set[str] = set()
    rest: list[_Scored] = []
    for _, rec, m in viable:
        key = _family_key(m)
        if key in seen:
            rest.append(rec)
            continue
        seen.add(key)
        chosen.append(rec)
        if len(chosen) == n:
            return chosen
    picked = {id(rec) for rec in (chosen + rest)[:n]}  # room to spare: fill up, then rank by score again
    return [rec for _, rec, _ in viable if id(rec) in picked]


def _architecture(
    ctx: Context,
    viable: list[tuple[float, _Scored, Model]],
    veto_counts: dict[str, Counter[str]],
    recs: list[Recommendation],
) -> ArchitectureVerdict:
    ranking: list[FamilyRank] = []
    weight = 100.0 * _component_weights(ctx).get("fit", 25.0) / (sum(_component_weights(ctx).values()) or 1.0)
    for fam in FAMILIES:
        reasons: list[str] = []
        fits = []
        for t in ctx.tasks:
            ff = t.families.get(fam)
            fits.append(FIT_POINTS.get(ff.fit, 0.0) if ff else 0.0)
            if ff:
                reasons.append(f"{t.id}: {ff.fit}. {ff.reason}")
        best = next(((s, r) for s, r, m in viable if m.family == fam), None)
        if best is not None:
            score = best[0]
            reasons.append(f"Best candidate: {best[1].model} ({best[1].strategy}), score {best[0]:g}.")
        else:
            score = round(weight * sum(fits) / len(fits), 2) if fits else 0.0
            common = veto_counts[fam].most_common(1)
            if common:
                n = sum(veto_counts[fam].values())
                reasons.append(f"No {fam} model fits: {n} rejected, most for {common[0][0]}.")
            score = min(score, 0.0) if sum(fits) == 0 else round(score * 0.5, 2)
        ranking.append(FamilyRank.model_construct(family=fam, score=round(score, 2), reasons=reasons))
    ranking.sort(key=lambda r: (-r.score, FAMILIES.index(r.family)))
    recommended = (
        recs[0].family if recs else (ranking[0].family if ranking and ranking[0].score > 0 else None)
    )
    if recommended is not None:
        ranking.sort(key=lambda r: (r.family != recommended, -r.score, FAMILIES.index(r.family)))
    return ArchitectureVerdict.model_construct(recommended=recommended, ranking=ranking)


def _from_scratch(
    ctx: Context, viable: list[tuple[float, _Scored, Model]]
) -> tuple[FromScratch, Recommendation | None]:
    s = ctx.scope
    best = viable[0] if viable else None
    compared = f"{best[2].id} ({best[2].params_b:g}B, {best[1].strategy})" if best else None
    if s.gpu_hours <= 0:
        return (
            FromScratch.model_construct(
                feasible=False,
                params_b=None,
                tokens=None,
                gpu_hours_needed=None,
                reason="No training budget: pre-training from scratch is out of reach; use or adapt a checkpoint.",
                compared_to=compared,
            ),
            None,
        )
    flops = est.flops_in(s.gpu_hours, ctx.train_acc, "pretrain")
    if flops is None:
        return (
            FromScratch.model_construct(
                feasible=False,
                params_b=None,
                tokens=None,
                gpu_hours_needed=None,
                reason=f"{ctx.train_acc.name} has no TFLOP/s figure, so the model the budget buys is unknown.",
                compared_to=compared,
            ),
            None,
        )
    params, tokens = est.compute_optimal(flops)
    public = all(lang in PUBLIC_TEXT_LANGS for lang in s.languages) and not s.domain
    data_note = ""
    if s.domain_tokens > 0 or not public:
        # your own corpus is the training data: it bounds the model at ~20 tokens per parameter
        available = float(s.domain_tokens)
        if available < tokens:
            tokens = available
            params = tokens / CHINCHILLA_TOKENS_PER_PARAM
            data_note = (
                f" Your {s.domain_tokens:,} in-domain tokens limit it to ~{params / 1e9:.3g}B parameters."
                if available > 0
                else " There is no corpus to train on (give --domain-tokens)."
            )
    if tokens <= 0:
        return (
            FromScratch.model_construct(
                feasible=False,
                params_b=None,
                tokens=None,
                gpu_hours_needed=None,
                reason="There is no corpus to pre-train on: your languages or domain need your own text"
                " (give --domain-tokens).",
                compared_to=compared,
            ),
            None,
        )
    feasible = params >= MIN_PRETRAIN_PARAMS
    gpu_hours = (
        est.gpu_hours_for(est.training_flops(params, tokens, "pretrain"), ctx.train_acc, "pretrain", params)
        if params > 0
        else None
    )
    size = f"{params / 1e9:.3g}B" if params >= 1e9 else f"{params / 1e6:.3g}M"
    if not feasible:
        reason = (
            f"The budget buys a compute-optimal model of only ~{size} parameters on {tokens / 1e9:.3g}B tokens,"
            f" a toy next to existing checkpoints.{data_note}"
        )
        return (
            FromScratch.model_construct(
                feasible=False,
                params_b=params / 1e9,
                tokens=tokens,
                gpu_hours_needed=gpu_hours,
                reason=reason,
                compared_to=compared,
            ),
            None,
        )
    covered = best is not None
    fam = best[2].family if best else _best_family(ctx)
    best_params = best[2].params_b * 1e9 if best else 0.0
    big_corpus = s.domain_tokens >= tokens * 0.25 and s.domain_tokens >= BIG_CORPUS_TOKENS
    own_corpus = s.domain_tokens >= CHINCHILLA_TOKENS_PER_PARAM * MIN_PRETRAIN_PARAMS
    worth = (not covered and own_corpus and not public) or (params >= best_params and big_corpus)
    if worth and not covered:
        reason = (
            f"No existing checkpoint fits your languages or domain; your corpus and budget train a ~{size} model on"
            f" {tokens / 1e9:.3g}B tokens.{data_note}"
        )
    elif worth:
        reason = (
            f"The budget trains a ~{size} model on {tokens / 1e9:.3g}B tokens, at least the size of {compared},"
            f" and your {s.domain_tokens:,} in-domain tokens are a large share of it (the BloombergGPT recipe).{data_note}"
        )
    else:
        reason = (
            f"Feasible (~{size} parameters on {tokens / 1e9:.3g}B tokens), but not worth it: "
            + (
                f"{compared} is larger or already trained on far more text; adapting it costs a fraction."
                if params < best_params
                else f"without a large in-domain corpus it would not beat {compared}, which you can adapt for far less."
                if covered
                else "no checkpoint fits, but the gap is constraints, not a missing language or domain corpus;"
                " relax them or add models to the catalog."
            )
            + data_note
        )
    result = FromScratch.model_construct(
        feasible=True,
        params_b=params / 1e9,
        tokens=tokens,
        gpu_hours_needed=gpu_hours,
        reason=reason,
        worth_it=worth,
        compared_to=compared,
    )
    if not worth or fam is None:
        return result, None
    return result, _pretrain_recommendation(ctx, fam, params, tokens)


def _best_family(ctx: Context) -> str | None:
    scores = {
        f: sum(FIT_POINTS.get(t.families[f].fit, 0) for t in ctx.tasks if f in t.families) for f in FAMILIES
    }
    fam = max(FAMILIES, key=lambda f: (scores[f], -FAMILIES.index(f)))
    return fam if scores[fam] > 0 else None


def _pretrain_recommendation(
    ctx: Context, family: str, params: float, tokens: float
) -> Recommendation | None:
    arch = ctx.catalog.architectures.get(family)
    template = ctx.catalog.models.get((arch.pretrain_template or "").lower()) if arch else None
    if template is None:
        return None
    size = f"{params / 1e9:.3g}b" if params >= 1e9 else f"{params / 1e6:.3g}m"
    synthetic = template.model_copy(
        update={
            "id": f"{template.id}-style-{size}",
            "params_b": params / 1e9,
            "languages": list(ctx.scope.languages),
            "variant": "base",
            "domains": [ctx.scope.domain] if ctx.scope.domain else [],
            "quality": [],
            "year": None,
            "active_params_b": None,
        }
    )
    serve_mem, serve_dtype, serve_fits = _serving(ctx, synthetic)
    train = _train(ctx, synthetic, "pretrain")
    c = Candidate(synthetic, "pretrain", train, serve_mem, serve_dtype, serve_fits, None, synthetic=True)
    score, reasons, warnings, veto, components = _evaluate(ctx, c)
    if veto is not None:
        warnings.append(f"{veto[0]}: {veto[1]}")
    name = f"a {template.id}-style {size.upper()} {family} model, trained from scratch"
    return Recommendation.model_construct(
        rank=0,
        model=name,
        hub_id=None,
        family=family,
        objective=template.objective,
        params_b=round(params / 1e9, 4),
        strategy="pretrain",
        score=score,
        components=components,
        quality=_quality_info(c),
        estimates=_estimates(c),
        reasons=_reasons(reasons),
        warnings=warnings,
        hub=None,
        variant="base",
        license=None,
        template=template.id,
        curated=True,
    )


__all__ = ["advise", "build_context"]


def training_job(scope: Scope, catalog: Catalog, model: Model, strategy: str) -> est.JobEstimate:
    """The training job the advice estimated for a model and strategy: its sequence length, micro-batch and
    dtype are what `recipe` writes into a training script."""
    return _train(build_context(scope, catalog), model, strategy)

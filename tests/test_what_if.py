"""The what-if re-rankings pick what a full re-ranking picks (engine._top_pick against engine.advise).

`advise`'s what-ifs (`--examples 1,000`, `--gpu-hours 40`, `--license any`, `--serve a100-80gb`) each need only
the first recommendation of a re-ranking; `_top_pick` bounds every candidate's score without its training estimate
and estimates only those that can come first. These tests run both on the same scopes and pools and compare the
pick, and check that the bound never falls below the score and that no rule can read the missing estimate.
"""

from __future__ import annotations

import functools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whichmodel import engine
from whichmodel.catalog import Catalog, load_catalog
from whichmodel.rules import CANDIDATE_CONSTRAINTS, Veto
from whichmodel.scope import ScopeInput, normalize

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TASKS = [
    "summarization",
    "text-classification",
    "ner",
    "chat",
    "code-generation",
    "translation",
    "question-answering",
    "sentence-similarity",
    "text-generation",
]


@functools.cache
def catalog() -> Catalog:
    return load_catalog(use_env=False)


def _fields(rec):  # what a what-if reads of its pick, and what ranks it
    if rec is None:
        return None
    return (
        rec.model,
        rec.strategy,
        rec.score,
        rec.components,
        rec.quality.model_dump() if rec.quality else None,
        rec.estimates.model_dump(),
        rec.warnings,
        [(r.rule, r.points, r.detail) for r in rec.reasons],
    )


def _both(scope_fields: dict, pool_size: int | None):
    cat = catalog()
    scope = normalize(ScopeInput(**scope_fields, top=1), cat)
    models = list(cat.models.values())
    pool = models if pool_size is None else models[:pool_size]
    full = engine.advise(scope, cat, models=pool, explore=False)
    first = full.recommendations[0] if full.recommendations else None
    if first is not None:  # advise's ranking adds the standing to the quality reason; _top_pick need not
        first = first.model_copy(update={"reasons": [r for r in first.reasons if r.rule != "quality"]})
    pick = engine._top_pick(engine.build_context(scope, cat), pool)
    if pick is not None:
        pick = pick.model_copy(update={"reasons": [r for r in pick.reasons if r.rule != "quality"]})
    return _fields(first), _fields(pick)


@SETTINGS
@given(
    task=st.sampled_from(TASKS),
    examples=st.sampled_from([0, 300, 1_000, 10_000, 200_000]),
    gpu_hours=st.sampled_from([0.0, 0.5, 10.0, 50.0, 2_000.0]),
    serve=st.sampled_from(["a100-80gb", "t4", "cpu", "edge", "rtx-3060"]),
    license=st.sampled_from(["any", "open", "commercial"]),
    prefer=st.sampled_from(["balanced", "quality", "cost"]),
    domain_tokens=st.sampled_from([0, 50_000_000, 5_000_000_000]),
    languages=st.sampled_from([["en"], ["de"], ["sw"], ["en", "zh"]]),
    pool_size=st.sampled_from([None, 40, 120]),
)
def test_top_pick_is_the_first_recommendation_of_a_full_ranking(
    task, examples, gpu_hours, serve, license, prefer, domain_tokens, languages, pool_size
):
    if task == "translation" and len(languages) == 1:  # a direction needs two languages
        languages = [*languages, "de" if languages == ["en"] else "en"]
    full, pick = _both(
        {
            "tasks": [task],
            "languages": languages,
            "examples": examples,
            "gpu_hours": gpu_hours,
            "serve": serve,
            "license": license,
            "prefer": prefer,
            "domain_tokens": domain_tokens,
        },
        pool_size,
    )
    assert pick == full


@pytest.mark.parametrize(
    "fields",
    [
        {"tasks": ["summarization"], "gpu_hours": 50, "examples": 1_000},
        {"tasks": ["summarization"], "gpu_hours": 50, "examples": 10_000},
        {"tasks": ["ner"], "examples": 20_000, "serve": "cpu", "gpu_hours": 10, "license": "commercial"},
        {"tasks": ["chat"], "gpu": "t4", "gpus": 4, "gpu_hours": 80, "examples": 50_000},
        {"tasks": ["text-classification"], "examples": 5_000, "gpu_hours": 10, "daily_tokens": 10_000_000},
        {"tasks": ["text-generation"], "domain_tokens": 50_000_000_000, "gpu_hours": 100_000},
    ],
    ids=lambda f: "-".join(str(v) for v in f.values()),
)
def test_top_pick_on_the_what_if_scopes(fields):
    full, pick = _both(fields, None)
    assert full is not None
    assert pick == full


def test_top_pick_weighs_a_model_trained_from_scratch_as_advise_does():
    """No checkpoint covers Swahili finance text, and 400B in-domain tokens with 200,000 GPU-hours make
    pre-training worth it: the pick is the from-scratch model, which is not in the pool."""
    fields = {
        "tasks": ["summarization"],
        "languages": ["sw"],
        "domain": "finance",
        "domain_tokens": 400_000_000_000,
        "gpu_hours": 200_000,
    }
    full, pick = _both(fields, None)
    assert full is not None and full[1] == "pretrain"
    assert pick == full


def test_the_bound_is_never_below_the_score():
    cat = catalog()
    for fields in (
        {"tasks": ["summarization"], "gpu_hours": 50, "examples": 1_000},
        {"tasks": ["text-classification"], "examples": 500, "gpu_hours": 0.2, "serve": "cpu"},
        {"tasks": ["chat"], "examples": 10_000, "gpu_hours": 5, "prefer": "cost", "daily_tokens": 1_000_000},
    ):
        ctx = engine.build_context(normalize(ScopeInput(**fields), cat), cat)
        plan = engine._Plan(ctx)
        checked = 0
        for m in cat.models.values():
            if engine._model_veto(ctx, m) is not None:
                continue
            mem, dtype, fits = engine._serving(ctx, m)
            for strategy in engine._strategies(ctx.scope, m, ctx):
                pending = None if strategy == "as-is" else engine._PENDING
                c = engine._Candidate(m, strategy, pending, mem, dtype, fits)
                bound = engine._bound(ctx, c, plan)
                c.train = None if strategy == "as-is" else engine._train(ctx, m, strategy)
                score, _, _, veto, _ = engine._evaluate(
                    ctx, engine._Candidate(m, strategy, c.train, mem, dtype, fits), plan
                )
                if bound is None:  # vetoed without the estimate: so it is with it
                    assert veto is not None
                    continue
                if veto is None:
                    assert bound[0] >= score, (m.id, strategy, bound[0], score)
                    if strategy == "as-is":  # nothing unknown: the bound is the score
                        assert bound[0] == score, (m.id, bound[0], score)
                    checked += 1
        assert checked > 20


@pytest.mark.parametrize(
    "use",
    [
        lambda t: t.gpu_hours,
        lambda t: getattr(t, "cost_usd", None),
        lambda t: hasattr(t, "fits"),
        lambda t: bool(t),
        lambda t: t == 1,
        lambda t: f"{t}",
        lambda t: float(t),
        lambda t: list(t),
        lambda t: math.isfinite(t),
    ],
)
def test_a_pending_estimate_cannot_be_read(use):
    with pytest.raises(engine._Unknown):
        use(engine._PENDING)
    assert engine._PENDING is not None


def test_constraints_that_read_the_estimate_are_deferred_not_passed():
    """memory_fit and budget read the training estimate: with it pending they raise, and _bound skips them; the
    full scoring runs them on the real estimate (a 70B full fine-tune on one T4 fails memory_fit)."""
    cat = catalog()
    ctx = engine.build_context(
        normalize(ScopeInput(tasks=["chat"], examples=10_000, gpu="t4", gpu_hours=5), cat), cat
    )
    big = max(
        (m for m in cat.models.values() if engine._model_veto(ctx, m) is None), key=lambda m: m.params_b
    )
    mem, dtype, fits = engine._serving(ctx, big)
    c = engine._Candidate(big, "full-finetune", engine._PENDING, mem, dtype, fits)
    with pytest.raises(engine._Unknown):
        CANDIDATE_CONSTRAINTS["budget"](ctx, c)
    c.train = engine._train(ctx, big, "full-finetune")
    assert any(isinstance(rule(ctx, c), Veto) for rule in CANDIDATE_CONSTRAINTS.values())

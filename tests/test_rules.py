"""One test (or more) per rule: each returns points with a reason, or a veto, for the right cases."""

from __future__ import annotations

import pytest

from whichmodel import rules
from whichmodel.catalog import load_catalog
from whichmodel.engine import _serving, _train, build_context
from whichmodel.rules import Candidate, Points, Veto
from whichmodel.scope import ScopeInput, normalize

CAT = load_catalog(use_env=False)


def ctx_for(**fields):
    return build_context(normalize(ScopeInput(**fields), CAT), CAT)


def cand(ctx, model_id: str, strategy: str = "as-is"):
    m = CAT.model(model_id)
    mem, dtype, fits = _serving(ctx, m)
    train = None if strategy == "as-is" else _train(ctx, m, strategy)
    return Candidate(m, strategy, train, mem, dtype, fits)


def test_task_fit_rewards_the_objective_and_vetoes_poor_families():
    ctx = ctx_for(tasks=["summarization"])
    good = rules.task_fit(ctx, cand(ctx, "bart-large-cnn"))
    assert isinstance(good, Points) and good.raw == 1.0 and "Denoising" in good.detail
    possible = rules.task_fit(ctx, cand(ctx, "qwen2.5-7b-instruct"))
    assert isinstance(possible, Points) and possible.raw == pytest.approx(0.3)
    veto = rules.task_fit(ctx, cand(ctx, "bert-base-uncased"))
    assert isinstance(veto, Veto) and "encoder-only does not suit summarization" in veto.reason


def test_task_fit_vetoes_a_model_not_built_for_the_task():
    ctx = ctx_for(tasks=["translation"])
    out = rules.task_fit(ctx, cand(ctx, "bart-large-cnn"))
    assert isinstance(out, Veto) and "not built for translation" in out.reason


def test_ready_checkpoint_prefers_task_checkpoints_when_labels_are_scarce():
    scarce = ctx_for(tasks=["summarization"], examples=0)
    plenty = ctx_for(tasks=["summarization"], examples=50_000)
    a = rules.ready_checkpoint(scarce, cand(scarce, "bart-large-cnn"))
    b = rules.ready_checkpoint(plenty, cand(plenty, "bart-large-cnn"))
    assert a.raw == 1.0 and b.raw < a.raw
    prompt = rules.ready_checkpoint(scarce, cand(scarce, "qwen2.5-7b-instruct"))
    assert prompt.raw > 0 and "zero-shot" in prompt.detail
    few = ctx_for(tasks=["text-classification"], examples=50)
    out = rules.ready_checkpoint(few, cand(few, "roberta-base", "full-finetune"))
    assert out.raw < 0 and "too few" in out.detail


def test_strategy_fit_full_finetune_small_lora_large():
    ctx = ctx_for(tasks=["chat"], examples=10_000, gpu_hours=100)
    small = rules.strategy_fit(ctx, cand(ctx, "qwen2.5-0.5b-instruct", "full-finetune"))
    big_full = rules.strategy_fit(ctx, cand(ctx, "qwen2.5-7b-instruct", "full-finetune"))
    big_lora = rules.strategy_fit(ctx, cand(ctx, "qwen2.5-7b-instruct", "lora"))
    assert small.raw == 1.0 and big_full.raw < 0 and big_lora.raw == 1.0


def test_language_coverage():
    ctx = ctx_for(tasks=["text-classification"], languages=["de"])
    assert isinstance(rules.language(ctx, cand(ctx, "roberta-base")), Veto)
    out = rules.language(ctx, cand(ctx, "xlm-roberta-base"))
    assert isinstance(out, Points) and 0 < out.raw < 1 and "check that de" in out.detail
    en = ctx_for(tasks=["text-classification"], languages=["en"])
    assert rules.language(en, cand(en, "roberta-base")).raw == 1.0
    multi = ctx_for(tasks=["text-classification"], languages=["multi"])
    assert isinstance(rules.language(multi, cand(multi, "bert-base-uncased")), Veto)


def test_context_window():
    fits = ctx_for(tasks=["summarization"], input_tokens=500)
    assert rules.context(fits, cand(fits, "bart-large-cnn")).raw == 1.0
    chunk = ctx_for(tasks=["text-classification"], input_tokens=1500)
    out = rules.context(chunk, cand(chunk, "roberta-base"))
    assert isinstance(out, Points) and out.raw == -1.0 and out.warning
    far = ctx_for(tasks=["text-classification"], input_tokens=16_000)
    assert isinstance(rules.context(far, cand(far, "roberta-base")), Veto)


def test_memory_fit_vetoes_training_that_does_not_fit():
    ctx = ctx_for(tasks=["chat"], examples=10_000, gpu_hours=10_000, gpu="t4", serve="a100-80gb")
    out = rules.memory_fit(ctx, cand(ctx, "llama-3.1-70b-instruct", "full-finetune"))
    assert isinstance(out, Veto) and "training needs" in out.reason
    edge = ctx_for(tasks=["chat"], serve="edge")
    assert isinstance(rules.memory_fit(edge, cand(edge, "llama-3.1-70b-instruct")), Veto)


def test_budget_headroom_and_veto():
    ctx = ctx_for(tasks=["text-classification"], examples=5000, gpu_hours=100)
    ok = rules.budget(ctx, cand(ctx, "distilbert-base-uncased", "full-finetune"))
    assert isinstance(ok, Points) and ok.raw == 1.0
    none = ctx_for(tasks=["text-classification"], examples=5000, gpu_hours=0)
    assert isinstance(rules.budget(none, cand(none, "distilbert-base-uncased", "full-finetune")), Veto)
    as_is = rules.budget(ctx, cand(ctx, "distilbert-base-uncased"))
    assert as_is.raw == 1.0 and "no training" in as_is.detail


def test_license_classes():
    com = ctx_for(tasks=["translation"], license="commercial")
    assert isinstance(rules.license_rule(com, cand(com, "nllb-200-distilled-600m")), Veto)
    chat = ctx_for(tasks=["chat"], license="commercial")
    assert "monthly users" in rules.license_rule(chat, cand(chat, "llama-3.1-8b-instruct")).reason
    open_ = ctx_for(tasks=["chat"], license="open")
    assert isinstance(rules.license_rule(open_, cand(open_, "gemma-2-2b-it")), Veto)
    anyl = ctx_for(tasks=["chat"])
    out = rules.license_rule(anyl, cand(anyl, "llama-3.1-8b-instruct"))
    assert isinstance(out, Points) and out.raw == 0 and out.warning
    assert rules.license_rule(anyl, cand(anyl, "qwen2.5-7b-instruct")).raw == 1.0


def test_serving_prefers_small_and_vetoes_large_on_edge():
    edge = ctx_for(tasks=["chat"], serve="edge")
    assert isinstance(rules.serving(edge, cand(edge, "mistral-7b-instruct-v0.3")), Veto)
    small = rules.serving(edge, cand(edge, "smollm2-135m-instruct"))
    mid = rules.serving(edge, cand(edge, "llama-3.2-1b-instruct"))
    assert small.raw > mid.raw > 0
    gpu = ctx_for(tasks=["chat"], serve="a100-80gb")
    assert (
        rules.serving(gpu, cand(gpu, "qwen2.5-0.5b-instruct")).raw
        > rules.serving(gpu, cand(gpu, "qwen2.5-7b-instruct")).raw
    )


def test_capability_grows_with_size_and_matters_more_for_generation():
    gen = ctx_for(tasks=["chat"])
    assert (
        rules.capability(gen, cand(gen, "qwen2.5-7b-instruct")).raw
        > rules.capability(gen, cand(gen, "qwen2.5-0.5b-instruct")).raw
    )
    cls = ctx_for(tasks=["text-classification"])
    assert (
        rules.capability(cls, cand(cls, "roberta-large")).raw
        < rules.capability(gen, cand(gen, "qwen2.5-7b-instruct")).raw
    )


def test_domain_rule_only_when_a_domain_is_given():
    ctx = ctx_for(tasks=["text-classification"])
    assert rules.domain(ctx, cand(ctx, "roberta-base")) is None
    fin = ctx_for(tasks=["text-classification"], domain="finance")
    assert rules.domain(fin, cand(fin, "roberta-base")).raw == 0.0


def test_hub_health_uses_the_snapshot_record():
    class Rec:
        downloads = 5_000_000
        gated = True
        license = "apache-2.0"

    ctx = ctx_for(tasks=["chat"])
    c = cand(ctx, "qwen2.5-7b-instruct")
    assert rules.hub_health(ctx, c) is None
    c.hub = Rec()
    out = rules.hub_health(ctx, c)
    assert out.raw == 1.0 and "gated" in out.warning


def test_every_rule_has_a_weight_in_the_catalog():
    assert set(rules.RULES) <= set(CAT.weights.rules)


def test_domain_specialists_lose_points_when_no_domain_is_named():
    ctx = ctx_for(tasks=["summarization"])
    med = next(m for m in CAT.models.values() if "biomedical" in m.domains or "medical" in m.domains)
    out = rules.domain(ctx, Candidate(med, "as-is", None, 1.0, "bf16", True))
    assert isinstance(out, Points) and out.raw < 0 and "--domain" in out.detail
    code = ctx_for(tasks=["code-generation"])
    coder = next(m for m in CAT.models.values() if m.domains == ["code"])
    assert rules.domain(code, Candidate(coder, "as-is", None, 1.0, "bf16", True)) is None

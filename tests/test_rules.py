"""One test (or more) per rule: constraints veto the right cases, preferences return points in [0, 1] with a reason.

Knowledge fields the bundled catalog may not hold yet (labels, directions, tokenizer_scripts, benchmarks) are set
on copies of catalog entries, so each rule is tested on the data it reads.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from whichmodel import quality, rule_specs, rules
from whichmodel.catalog import load_catalog
from whichmodel.catalog_schema import BenchmarkScore
from whichmodel.engine import _serving, _train, build_context
from whichmodel.rules import Candidate, Points, Veto
from whichmodel.scope import ScopeInput, normalize

CAT = load_catalog(use_env=False)


def ctx_for(**fields):
    return build_context(normalize(ScopeInput(**fields), CAT), CAT)


def cand(ctx, model, strategy: str = "as-is"):
    m = CAT.model(model) if isinstance(model, str) else model
    mem, dtype, fits = _serving(ctx, m)
    train = None if strategy == "as-is" else _train(ctx, m, strategy)
    return Candidate(m, strategy, train, mem, dtype, fits)


def with_(model_id: str, **update):
    return CAT.model(model_id).model_copy(update=update)


def bare(model_id: str):
    """A catalog entry without published figures (its quality is then imputed)."""
    return with_(model_id, benchmarks=[])


# ----------------------------------------------------------------------------------------- the registry


def test_every_rule_is_declared_and_every_preference_has_a_weight():
    assert set(rules.RULES) | {"estimate"} == set(rule_specs.RULE_IDS)
    assert set(rule_specs.PREFERENCE_IDS) == set(CAT.weights.rules)
    for spec in rule_specs.SPECS:
        assert spec.doc and spec.source and spec.reads
        assert (spec.component is not None) == (spec.kind == "preference")


def test_the_catalog_validates_weights_without_importing_the_engine():
    import subprocess
    import sys

    code = (
        "import sys; from whichmodel.catalog import load_catalog; load_catalog(use_env=False); "
        "print('whichmodel.rules' in sys.modules, 'whichmodel.engine' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# ------------------------------------------------------------------------------------ model constraints


def test_task_fit_vetoes_poor_families_and_models_not_built_for_the_task():
    ctx = ctx_for(tasks=["summarization"])
    assert rules.task_fit(ctx, CAT.model("bart-large-cnn")) is None
    veto = rules.task_fit(ctx, CAT.model("bert-base-uncased"))
    assert isinstance(veto, Veto) and "encoder-only does not suit summarization" in veto.reason
    tr = ctx_for(tasks=["translation"])
    out = rules.task_fit(tr, CAT.model("bart-large-cnn"))
    assert isinstance(out, Veto) and "not built for translation" in out.reason


def test_a_sentence_transformer_is_a_setfit_route_to_classification():
    ctx = ctx_for(tasks=["text-classification"], examples=64)
    assert rules.task_fit(ctx, CAT.model("all-minilm-l6-v2")) is None
    assert rules.task_fit(ctx_for(tasks=["token-classification"]), CAT.model("all-minilm-l6-v2")) is not None


def test_language_coverage_vetoes_a_missing_language():
    ctx = ctx_for(tasks=["text-classification"], languages=["de"])
    assert isinstance(rules.language(ctx, CAT.model("distilbert-sst2")), Veto)
    assert rules.language(ctx, CAT.model("xlm-roberta-base")) is None


def test_tokenizer_script_vetoes_a_language_the_tokenizer_cannot_encode():
    latin = with_("flan-t5-base", tokenizer_scripts=["Latn"])
    assert rules.tokenizer_script(ctx_for(tasks=["summarization"], languages=["de"]), latin) is None
    out = rules.tokenizer_script(ctx_for(tasks=["summarization"], languages=["ja"]), latin)
    assert isinstance(out, Veto) and "Latn" in out.reason


def test_direction_needs_every_direction():
    many_to_en = with_("opus-mt-mul-en", directions=["*-en"])
    assert (
        rules.direction(
            ctx_for(tasks=["translation"], source_languages=["ja"], target_languages=["en"]), many_to_en
        )
        is None
    )
    out = rules.direction(
        ctx_for(tasks=["translation"], source_languages=["en"], target_languages=["ja"]), many_to_en
    )
    assert isinstance(out, Veto) and "en-ja" in out.reason
    # --language alone: every direction among them, said in assumed
    both = ctx_for(tasks=["translation"], languages=["en", "de"])
    assert both.scope.directions == ["en-de", "de-en"]
    assert any(a.field == "directions" for a in both.scope.assumed)
    one_way = with_("opus-mt-en-de", directions=["en-de"])
    assert isinstance(rules.direction(both, one_way), Veto)
    assert rules.covers_direction(["*-*"], "sw-fi") and not rules.covers_direction(["en-*"], "de-en")


def test_license_vetoes_only_when_asked():
    llama = CAT.model("llama-3.1-8b-instruct")
    assert rules.license_rule(ctx_for(tasks=["chat"]), llama) is None
    assert isinstance(rules.license_rule(ctx_for(tasks=["chat"], license="commercial"), llama), Veto)
    assert isinstance(rules.license_rule(ctx_for(tasks=["chat"], license="open"), llama), Veto)
    assert (
        rules.license_rule(ctx_for(tasks=["chat"], license="open"), CAT.model("qwen2.5-7b-instruct")) is None
    )


def test_serving_size_vetoes_large_models_on_edge():
    edge = ctx_for(tasks=["chat"], serve="edge")
    assert isinstance(rules.serving_size(edge, CAT.model("llama-3.1-70b-instruct")), Veto)
    assert rules.serving_size(edge, CAT.model("qwen2.5-0.5b-instruct")) is None


def test_ready_checkpoint_vetoes_a_base_model_with_no_labels():
    ctx = ctx_for(tasks=["text-classification"])
    out = rules.ready_checkpoint(ctx, CAT.model("roberta-base"))
    assert isinstance(out, Veto) and "base model needs fine-tuning" in out.reason
    assert (
        rules.ready_checkpoint(
            ctx_for(tasks=["text-classification"], examples=500), CAT.model("roberta-base")
        )
        is None
    )


# -------------------------------------------------------------------------------- candidate constraints


def test_a_fixed_label_checkpoint_is_as_is_only_with_label_evidence():
    conll = with_(
        "bert-base-ner",
        labels=["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"],
    )
    ctx = ctx_for(tasks=["ner"])
    assert isinstance(rules.label_set(ctx, cand(ctx, conll)), Veto)  # `ner` names no entity set
    mine = ctx_for(tasks=["ner"], labels=["PER", "ORG"])
    assert rules.label_set(mine, cand(mine, conll)) is None
    drugs = ctx_for(tasks=["ner"], labels=["DRUG", "DOSE"])
    out = rules.label_set(drugs, cand(drugs, conll))
    assert isinstance(out, Veto) and "DRUG" in out.reason
    train = ctx_for(tasks=["ner"], labels=["DRUG", "DOSE"], examples=2000, gpu_hours=5)
    assert (
        rules.label_set(train, cand(train, conll, "full-finetune")) is None
    )  # a starting point to fine-tune
    # the task words name the set: sentiment
    senti = ctx_for(tasks=["sentiment"])
    assert rules.label_set(senti, cand(senti, "distilbert-sst2")) is None
    # open labels take anything
    gliner = conll.model_copy(update={"open_labels": True, "labels": []})
    assert rules.label_set(drugs, cand(drugs, gliner)) is None


def test_context_is_a_veto_for_generation_and_a_cost_for_strided_tasks():
    long = ctx_for(tasks=["summarization"], input_tokens=20_000)
    assert isinstance(rules.context(long, cand(long, "bart-large-cnn")), Veto)
    ner = ctx_for(tasks=["ner"], input_tokens=20_000, examples=1000, gpu_hours=10)
    c = cand(ner, "bert-base-ner", "full-finetune")
    assert rules.context(ner, c) is None
    fit = rules.context_fit(ner, c)
    assert isinstance(fit, Points) and fit.raw < 0.5 and "strides" in fit.warning
    # a generative input just over the window is a veto too (S155: 500k tokens, 131k-token models), not a cost
    chat = ctx_for(tasks=["chat"], input_tokens=500_000)
    assert isinstance(rules.context(chat, cand(chat, "qwen2.5-7b-instruct")), Veto)
    assert rules.context(chat, cand(chat, "qwen2.5-7b-instruct-1m")) is None
    reach = CAT.model("qwen2.5-7b-instruct").context_tokens_extended  # 131,072 with YaRN
    at, over = ctx_for(tasks=["chat"], input_tokens=reach), ctx_for(tasks=["chat"], input_tokens=reach + 1)
    assert rules.context(at, cand(at, "qwen2.5-7b-instruct")) is None
    assert isinstance(rules.context(over, cand(over, "qwen2.5-7b-instruct")), Veto)
    # extractive QA strides, however long the input
    qa = ctx_for(tasks=["question-answering"], input_tokens=500_000)
    assert rules.context(qa, cand(qa, "deberta-v3-base-squad2")) is None


def test_memory_fit_vetoes_training_that_does_not_fit():
    ctx = ctx_for(tasks=["chat"], examples=10_000, gpu_hours=1000, gpu="t4", serve="h100-80gb")
    out = rules.memory_fit(ctx, cand(ctx, "llama-3.1-70b-instruct", "full-finetune"))
    assert isinstance(out, Veto) and "training needs" in out.reason


def test_budget_vetoes_training_over_budget():
    ctx = ctx_for(tasks=["summarization"], examples=100_000, gpu_hours=0.01)
    assert isinstance(rules.budget(ctx, cand(ctx, "flan-t5-xl", "lora")), Veto)
    assert rules.budget(ctx, cand(ctx, "bart-large-cnn")) is None


# ------------------------------------------------------------------------------------------ preferences


def test_quality_uses_measured_percentiles_and_labels_the_basis():
    task = CAT.tasks["code-generation"]
    base = [
        CAT.model(i) for i in ("qwen2.5-coder-7b-instruct", "qwen2.5-7b-instruct", "llama-3.1-8b-instruct")
    ]
    src = "EvalPlus leaderboard (test fixture)"
    scored = [
        m.model_copy(
            update={
                "benchmarks": [BenchmarkScore(name="humaneval-plus", score=s, source=src, setting="pass@1")]
            }
        )
        for m, s in zip(base, (84.1, 75.0, 60.0), strict=True)
    ]
    tq = quality.TaskQuality(task, [*scored, bare("qwen2.5-0.5b-instruct")])
    q0 = tq.base(scored[0])
    assert q0.basis == "measured" and q0.benchmark == "humaneval-plus" and q0.benchmark_score == 84.1
    assert tq.base(scored[0]).value > tq.base(scored[1]).value > tq.base(scored[2]).value
    assert tq.base(bare("qwen2.5-0.5b-instruct")).basis == "imputed"


def test_imputation_is_fitted_on_measured_models_and_never_prefers_the_smaller_sibling():
    task = CAT.tasks["chat"]
    models = [m for m in CAT.models.values() if "chat" in m.tasks][:12]
    fake = [
        m.model_copy(
            update={
                "benchmarks": [
                    BenchmarkScore(name="mmlu-pro", score=20 + 10 * i, source="fixture", setting="5-shot")
                ]
            }
        )
        for i, m in enumerate(models)
    ]
    tq = quality.TaskQuality(task, fake)
    assert tq.fit is not None and tq.fit.coef[1] >= 0
    small, big = bare("qwen2.5-0.5b-instruct"), bare("qwen2.5-7b-instruct")
    assert tq.base(big).value >= tq.base(small).value
    assert "ridge fit" in tq.base(bare("qwen2.5-14b-instruct")).note


def test_an_unmeasured_model_takes_its_standing_on_a_related_task_shifted_by_the_anchors():
    """token-classification names fill-mask as related: a 2-layer BERT with GLUE 64.2 is placed by that figure,
    not by a fit that clips its size to the smallest measured NER model (it was 82, level with BERT-base)."""
    task = CAT.tasks["token-classification"]
    assert task.related == ["fill-mask"]
    tq = quality.task_quality(CAT, task)
    assert tq.related and tq.related[0][2] >= quality.RELATED_MIN_ANCHORS
    tiny, mini, small = (
        tq.base(CAT.models[i]) for i in ("bert-tiny", "bert-mini", "electra-small-discriminator")
    )
    assert tiny.basis == mini.basis == "imputed" and "fill-mask standing" in tiny.note
    # the related task's order is kept, and a shift of the anchors' median gap is all that is added
    assert tiny.value < mini.value < small.value
    base_ner = tq.base(CAT.models["bert-base-ner"])
    assert base_ner.basis == "measured" and tiny.value < base_ner.value - 10
    # without the related table the same model falls back to the fit (the previous behaviour, for contrast)
    flat = quality.TaskQuality(task, list(CAT.models.values()))
    assert "fill-mask" not in flat.base(CAT.models["bert-tiny"]).note
    assert flat.base(CAT.models["bert-tiny"]).value > tiny.value


def test_a_checkpoint_trained_on_another_domains_text_gets_no_head_start_on_yours():
    """The sentiment labels of a tweet classifier were learned on tweets: without --domain social-media it gets the
    domain penalty and no 'trained for your label set' gain, so the general SST-2 checkpoint ranks above it; with
    the domain it gets both back (the HF text-classification page: DistilBERT-SST-2 'robust', the Twitter model
    'specialized in analyzing tweets')."""
    plain = ctx_for(tasks=["sentiment"])
    tweets = ctx_for(tasks=["sentiment"], domain="social-media")
    for ctx in (plain, tweets):
        assert rules.label_evidence(ctx, CAT.model("twitter-roberta-sentiment"))[0]
    general = rules.expected_quality(plain, cand(plain, "distilbert-sst2"))
    foreign = rules.expected_quality(plain, cand(plain, "twitter-roberta-sentiment"))
    own = rules.expected_quality(tweets, cand(tweets, "twitter-roberta-sentiment"))
    assert "trained for your label set" in general[2]
    assert any("on social-media text, not on yours" in n for n in foreign[2])
    assert "trained for your label set" in own[2] and own[0] > foreign[0] + 15
    assert general[0] > foreign[0]


def test_quality_adjusts_for_specialists_domains_and_languages():
    code = ctx_for(tasks=["code-generation"])
    coder = rules.expected_quality(code, cand(code, "qwen2.5-coder-7b-instruct"))[0]
    general = rules.expected_quality(code, cand(code, "qwen2.5-7b-instruct"))[0]
    assert coder > general
    chat = ctx_for(tasks=["chat"], domain="biomedical")
    _, obj, notes = rules.expected_quality(chat, cand(chat, "qwen2.5-coder-7b-instruct"))
    assert any("specialised in code" in n for n in notes) and obj["basis"] in ("measured", "imputed")
    sw = ctx_for(tasks=["chat"], languages=["sw"])
    fr = ctx_for(tasks=["chat"], languages=["fr"])
    m = CAT.model("qwen2.5-7b-instruct")
    if "multi" in m.languages and "sw" not in m.languages and "fr" not in m.languages:
        assert rules.expected_quality(sw, cand(sw, m))[0] < rules.expected_quality(fr, cand(fr, m))[0]


def test_fine_tuning_gains_grow_with_labels_and_setfit_is_strong_with_few():
    assert rules.finetune_gain(10) == 0 < rules.finetune_gain(1_000) < rules.finetune_gain(100_000)
    few = ctx_for(tasks=["text-classification"], examples=64, gpu_hours=1)
    st = rules.expected_quality(few, cand(few, "all-minilm-l6-v2", "full-finetune"))
    plain = rules.expected_quality(few, cand(few, "bert-base-uncased", "full-finetune"))
    assert any("SetFit" in n for n in st[2]) and not any("SetFit" in n for n in plain[2])
    assert (
        rules.readiness(few, cand(few, "all-minilm-l6-v2", "full-finetune")).raw
        > rules.readiness(few, cand(few, "bert-base-uncased", "full-finetune")).raw
    )


def test_serving_cost_has_no_small_model_bonus_on_ample_hardware():
    ctx = ctx_for(tasks=["chat"], serve="h100-80gb")
    small = rules.serving_cost(ctx, cand(ctx, "qwen2.5-0.5b-instruct"))
    mid = rules.serving_cost(ctx, cand(ctx, "qwen2.5-7b-instruct"))
    assert small.raw == mid.raw == 1.0
    cost = ctx_for(tasks=["chat"], serve="h100-80gb", prefer="cost")
    assert (
        rules.serving_cost(cost, cand(cost, "qwen2.5-0.5b-instruct")).raw
        > rules.serving_cost(cost, cand(cost, "qwen2.5-7b-instruct")).raw
    )
    edge = ctx_for(tasks=["sentence-similarity"], serve="edge")
    assert (
        rules.serving_cost(edge, cand(edge, "all-minilm-l6-v2")).raw
        > rules.serving_cost(edge, cand(edge, "all-minilm-l12-v2")).raw
    )


def test_training_cost_counts_the_share_of_the_budget():
    ctx = ctx_for(tasks=["summarization"], examples=10_000, gpu_hours=100)
    assert rules.training_cost(ctx, cand(ctx, "bart-large-cnn")).raw == 1.0
    ft = rules.training_cost(ctx, cand(ctx, "bart-large-cnn", "full-finetune"))
    assert 0 < ft.raw <= 1 and "GPU-hours" in ft.detail


def test_restricted_licences_are_warnings_not_points():
    ctx = ctx_for(tasks=["chat"])
    assert "restricts" in (rules.licence_warning(ctx, CAT.model("llama-3.1-8b-instruct")) or "")
    assert rules.licence_warning(ctx, CAT.model("qwen2.5-7b-instruct")) is None
    assert "license" not in rules.PREFERENCES


def test_hub_health_uses_the_snapshot_record():
    class Rec:
        downloads = 5_000_000
        gated = True
        license = "apache-2.0"

    ctx = ctx_for(tasks=["chat"])
    c = cand(ctx, "qwen2.5-7b-instruct")
    assert rules.hub_health(ctx, c) is None
    c = replace(c, hub=Rec())
    out = rules.hub_health(ctx, c)
    assert out.raw == 1.0 and "gated" in out.warning


@pytest.mark.parametrize("prefer", ["quality", "balanced", "cost"])
def test_every_preference_returns_points_in_range(prefer):
    ctx = ctx_for(tasks=["chat"], examples=5000, gpu_hours=50, prefer=prefer)
    c = cand(ctx, "qwen2.5-7b-instruct", "lora")
    for name, rule in rules.PREFERENCES.items():
        out = rule(ctx, c)
        assert out is None or (isinstance(out, Points) and 0 <= out.raw <= 1 and out.detail), name

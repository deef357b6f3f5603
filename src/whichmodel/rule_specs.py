"""The rule registry: every rule's declared spec (id, kind, component, what it reads, thresholds, source, doc).

A leaf module: it imports nothing from whichmodel, so the catalog can validate rule weights against it without
importing the engine (this ends the old ``catalog -> rules -> scope -> catalog`` cycle). The rule functions live in
``rules.py`` and are bound to these ids there; docs/scoring.md and ``whichmodel rules`` are generated from these specs.

Kinds: a ``constraint`` only vetoes (a candidate it rejects is listed in ``rejected`` with the rule's id); a
``preference`` returns points in [0, 1] that count in one score component (``quality``, ``fit`` or ``cost``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from whichmodel.vocab import COMPONENTS, Component
from whichmodel.vocab import PREFER as PREFERENCES

Kind = Literal["constraint", "preference"]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    kind: Kind
    doc: str
    reads: tuple[str, ...]
    source: str
    component: Component | None = None  # preferences only
    thresholds: dict[str, float | str] = field(default_factory=dict)
    stage: Literal["model", "candidate"] = "candidate"  # model-level constraints run before any estimate

    def to_json(self, weight: float | None = None) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "component": self.component,
            "stage": self.stage,
            "reads": list(self.reads),
            "thresholds": dict(self.thresholds),
            "weight": weight,
            "source": self.source,
            "doc": self.doc,
        }


HF_COURSE = "Hugging Face LLM course ch.1 'Transformer Architectures' (https://huggingface.co/learn/llm-course/chapter1/6)"

SPECS: tuple[RuleSpec, ...] = (
    # --- constraints, model level (before any estimate) --------------------------------------------
    RuleSpec(
        "task_fit",
        "constraint",
        "The model's family must have a route to every task (catalog/tasks.yaml families, fit not 'poor'), and the "
        "model must be built for the task, promptable into it (instruction-tuned generative), or trainable for it "
        "(a base checkpoint, or a sentence-transformer fine-tuned SetFit-style for classification).",
        ("model.family", "model.tasks", "model.variant", "task.families"),
        HF_COURSE,
        stage="model",
    ),
    RuleSpec(
        "language",
        "constraint",
        "Every language the application needs must be covered by the model's languages ('multi' with a language "
        "count covers an unnamed language, with a quality cost).",
        ("scope.languages", "model.languages", "model.language_count"),
        "Model cards (languages); Joshi et al. 2020 'The State and Fate of Linguistic Diversity' (arXiv:2004.09095)",
        stage="model",
    ),
    RuleSpec(
        "tokenizer_script",
        "constraint",
        "A model whose tokenizer encodes only some scripts (tokenizer_scripts) is not offered for a language written "
        "in another script (catalog/languages.yaml).",
        ("scope.languages", "model.tokenizer_scripts", "catalog.languages[].script"),
        "T5 paper (Raffel et al. 2020, arXiv:1910.10683): the 32k SentencePiece vocabulary covers English, German, "
        "French and Romanian only",
        stage="model",
    ),
    RuleSpec(
        "direction",
        "constraint",
        "A translation checkpoint must translate every needed direction (--source-language/--target-language, or "
        "every pair among --language); '*-en' covers x-en only, '*-*' every pair.",
        ("scope.directions", "model.directions"),
        "OPUS-MT and NLLB model cards (directions a checkpoint was trained on)",
        stage="model",
    ),
    RuleSpec(
        "license",
        "constraint",
        "Only when the user asks for one: 'open' needs an OSI-approved licence, 'commercial' needs commercial use "
        "with no user cap and no use-based restriction. Otherwise the terms are a warning, not a penalty.",
        ("scope.license", "model.license", "catalog.licenses"),
        "Licence texts in catalog/licenses.yaml (OSI list; Llama, Gemma, RAIL terms)",
        stage="model",
    ),
    RuleSpec(
        "serving_size",
        "constraint",
        "On cpu and edge a model above the target's max_params_b cannot answer interactively.",
        ("scope.serve", "serving_target.max_params_b", "model.params_b"),
        "catalog/accelerators.yaml serving targets (each limit sourced there)",
        stage="model",
    ),
    RuleSpec(
        "ready_checkpoint",
        "constraint",
        "With no labelled examples a model must be usable as it is: a task checkpoint for the task, an "
        "instruction-tuned generative model prompted into it, or a base model whose objective is the task and whose "
        "token-predicting head was released with it (not a replaced-token-detection discriminator).",
        ("scope.examples", "model.variant", "model.tasks", "model.objective"),
        "Hugging Face task pages (ready checkpoints per pipeline tag, https://huggingface.co/tasks)",
        stage="model",
    ),
    # --- constraints, candidate level ----------------------------------------------------------------
    RuleSpec(
        "label_set",
        "constraint",
        "A fixed-label checkpoint (classes or tags) is used as it is only when its labels cover the user's "
        "(--labels) or the user's task words name its set (sentiment); otherwise it is a fine-tuning start. "
        "open_labels models (NLI zero-shot, GLiNER) take any labels.",
        ("scope.labels", "scope.task_words", "model.labels", "model.open_labels", "model.ready_for"),
        "Hugging Face course ch.7.2 (a token-classification head is tied to its id2label set); "
        "Laurer et al. 2023 (arXiv:2312.17543); Zaratiana et al. 2023 GLiNER (arXiv:2311.08526)",
    ),
    RuleSpec(
        "context",
        "constraint",
        "Generative tasks (chat, summaries, generation) read the whole input at once: inputs longer than the "
        "model's window (its extended window when it has one) are vetoed. Extractive QA and token classification "
        "read long inputs in strides (a cost in fit, never a veto); labels and vectors of chunked inputs are "
        "pooled, vetoed beyond 4x the window.",
        ("scope.input_tokens", "scope.tasks", "model.context_tokens", "model.context_tokens_extended"),
        "transformers docs: question-answering pipeline doc_stride, token-classification stride; the window is "
        "the model's max_position_embeddings: rotary and sinusoidal models degrade past the length they were "
        "trained on (Press et al. 2022, ALiBi, arXiv:2108.12409, Fig. 1); Qwen2.5-1M card: a 1M-token input "
        "needs the 1M-context model",
        thresholds={"generative_veto_factor": 1, "chunk_veto_factor": 4, "long_input": 512},
    ),
    RuleSpec(
        "memory_fit",
        "constraint",
        "Serving must fit the serving target's memory (bf16, else int8, else int4) and training must fit the "
        "GPUs given.",
        ("estimates.inference_memory_gb", "estimates.train_memory_gb", "scope.gpus"),
        "whichmodel estimator (docs/estimates.md)",
    ),
    RuleSpec(
        "budget",
        "constraint",
        "Training must fit the GPU-hour budget (0 means none).",
        ("estimates.train_gpu_hours", "scope.gpu_hours"),
        "whichmodel estimator (docs/estimates.md)",
    ),
    RuleSpec(
        "estimate",
        "constraint",
        "A strategy whose job the estimator cannot size (no FLOP/s figure, a shape it refuses) is not offered.",
        ("estimator",),
        "whichmodel estimator (docs/estimates.md)",
    ),
    # --- preferences ---------------------------------------------------------------------------------
    RuleSpec(
        "quality",
        "preference",
        "Expected quality for the task, 0-100 within the task: the model's published benchmarks on the task's "
        "benchmark list (percentile within each benchmark among the catalog's measured models, weighted by the "
        "task's benchmark weights), else imputed from its standing on a related task (shifted by the median gap over models measured on both) or by a least-squares fit on the measured models (log parameters, "
        "year, family, variant, specialist), adjusted for specialist vs generalist, language proficiency, domain "
        "match, and what the adaptation buys (labelled examples, in-domain tokens, SetFit).",
        ("model.benchmarks", "task.benchmarks", "model.specialised_for", "model.domains", "scope.examples"),
        "Percentile normalisation as in the Open LLM Leaderboard v2 (normalised scores); fine-tuning gains: "
        "Bucher & Martini 2024 (arXiv:2406.08660); DAPT: Gururangan et al. 2020 (arXiv:2004.10964); "
        "SetFit: Tunstall et al. 2022 (arXiv:2209.11055)",
        component="quality",
        thresholds={"specialist_bonus": 12, "off_speciality_penalty": 20, "domain_mismatch_penalty": 15},
    ),
    RuleSpec(
        "task_fit_points",
        "preference",
        "How well the family suits the task (good 1, possible 0.3), from the pre-training objective.",
        ("model.family", "task.families"),
        HF_COURSE,
        component="fit",
    ),
    RuleSpec(
        "readiness",
        "preference",
        "How directly the candidate does the user's job: a checkpoint trained for their labels or task, "
        "a zero-shot model, prompting, or training on their labels.",
        ("scope.examples", "scope.labels", "model.variant", "model.labels"),
        "Hugging Face task pages; Bucher & Martini 2024 (arXiv:2406.08660)",
        component="fit",
    ),
    RuleSpec(
        "context_fit",
        "preference",
        "The longest input fits the window (1), needs a context extension (0.5) or strides/chunks (0.2).",
        ("scope.input_tokens", "model.context_tokens"),
        "transformers pipelines (stride)",
        component="fit",
    ),
    RuleSpec(
        "hub_health",
        "preference",
        "Downloads on the Hub, when a snapshot exists.",
        ("hub.downloads",),
        "Hub snapshot (whichmodel hub refresh)",
        component="fit",
        thresholds={"popular_downloads": 1_000_000, "known_downloads": 10_000},
    ),
    RuleSpec(
        "training_cost",
        "preference",
        "Training cost: as-is costs nothing; otherwise the share of the GPU-hour budget used (1 at <= 10%, 0 at "
        "100%), and adapters over full fine-tuning above 1B parameters.",
        ("estimates.train_gpu_hours", "scope.gpu_hours", "strategy"),
        "Hu et al. 2021 LoRA (arXiv:2106.09685); Dettmers et al. 2023 QLoRA (arXiv:2305.14314)",
        component="cost",
    ),
    RuleSpec(
        "serving_cost",
        "preference",
        "Serving cost: on cpu and edge latency grows with size (log scale); on a GPU, memory headroom (no "
        "small-is-cheaper bonus while the model fits with room), or active parameters under --prefer cost; with "
        "--daily-tokens, the monthly serving cost.",
        ("estimates.inference_memory_gb", "scope.serve", "scope.daily_tokens", "scope.prefer"),
        "whichmodel estimator (serving); llmfit's fit verdict (separate from the score)",
        component="cost",
    ),
)

SPEC_BY_ID: dict[str, RuleSpec] = {s.id: s for s in SPECS}
RULE_IDS: tuple[str, ...] = tuple(SPEC_BY_ID)
PREFERENCE_IDS: tuple[str, ...] = tuple(s.id for s in SPECS if s.kind == "preference")
CONSTRAINT_IDS: tuple[str, ...] = tuple(s.id for s in SPECS if s.kind == "constraint")

__all__ = ["COMPONENTS", "PREFERENCES", "RULE_IDS", "SPECS", "SPEC_BY_ID", "RuleSpec"]

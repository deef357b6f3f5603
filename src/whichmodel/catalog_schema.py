"""The catalog's documents as pydantic models: the single definition of every catalog file.

A catalog file (bundled under ``catalog/`` or passed with ``--catalog``) is a mapping whose keys are
sections (``models``, ``tasks``, ``architectures``, ``accelerators``, ``serving``, ``licenses``,
``weights``); every section is optional in any one file. The bundled files together must provide them all.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from whichmodel.vocab import FAMILIES as FAMILIES  # re-exported: the vocabularies live in whichmodel.vocab
from whichmodel.vocab import Component, Family, Prefer

Fit = Literal["good", "possible", "poor"]
Variant = Literal["base", "instruct", "task"]
# The library that loads and runs a model (recipes write code for it): transformers unless a model or its task
# says otherwise (GLiNER checkpoints need the gliner package; embedders and cross-encoders are used through
# sentence-transformers).
Library = Literal["transformers", "sentence-transformers", "gliner"]

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._+-]*$", max_length=120)]
HubId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=200)
]
# No control characters in text (an escape sequence in a note would drive the terminal that prints it),
# nor bidi controls (U+202E shows "evil" as "live": Trojan Source, CVE-2021-42574).
PLAIN_TEXT = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]*$"
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=PLAIN_TEXT)]
Source = Annotated[str, StringConstraints(min_length=3, max_length=1000, pattern=PLAIN_TEXT)]
Sources = Annotated[list[Source], Field(min_length=1)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
PositiveInt = Annotated[int, Field(gt=0)]

# Upper bounds: a value past these is a typo (or a unit mistake), and the estimator would refuse it.
MAX_PARAMS_B = 1e6  # a quadrillion parameters: the estimator's limit
MAX_TOKENS = 1_000_000_000  # context windows: the estimator's limit
MAX_DIM = 10_000_000  # layers, hidden size, heads, vocabulary
MAX_HARDWARE = 1e6  # GB of memory, TFLOP/s, GB/s or $ per hour of one device
ParamsB = Annotated[float, Field(gt=0, le=MAX_PARAMS_B, allow_inf_nan=False)]
Tokens = Annotated[int, Field(gt=0, le=MAX_TOKENS)]
Dim = Annotated[int, Field(gt=0, le=MAX_DIM)]
Hardware = Annotated[float, Field(gt=0, le=MAX_HARDWARE, allow_inf_nan=False)]


class Strict(BaseModel):
    """Base for every catalog document: unknown fields are errors, values are not coerced silently
    (``params_b: true`` or ``layers: "24"`` are errors, not 1.0 and 24)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, strict=True)


# --- architectures ---------------------------------------------------------------------------------


class Objective(Strict):
    id: Id = Field(description="Objective id models refer to, e.g. masked-lm, causal-lm, span-corruption.")
    name: Text
    description: Text = Field(description="What the model learns to do during pre-training.")
    examples: list[Text] = Field(default_factory=list, description="Models pre-trained this way.")
    predicts_tokens: bool = Field(
        default=True,
        description="Whether the released checkpoint keeps the head that predicts tokens (masked, next or span), "
        "so it fills masks or generates as it is and its pre-training can be continued; false for replaced-token "
        "detection, whose discriminator ships only a replaced/original head (its generator is thrown away).",
    )


class Architecture(Strict):
    id: Family = Field(description="The family: encoder-only, decoder-only or encoder-decoder.")
    name: Text
    attention: Text = Field(description="Attention direction, e.g. bidirectional, causal (left-to-right).")
    objectives: Annotated[list[Objective], Field(min_length=1)]
    summary: Text = Field(description="One paragraph: what the family is and why its objective shapes it.")
    good_at: list[Text] = Field(default_factory=list)
    bad_at: list[Text] = Field(default_factory=list)
    typical_tasks: list[Id] = Field(default_factory=list, description="Task ids this family suits.")
    example_models: list[Text] = Field(default_factory=list)
    pretrain_template: Id | None = Field(
        default=None,
        description="Catalog model id whose architecture serves as the template for pre-training.",
    )
    sources: Sources


# --- tasks -----------------------------------------------------------------------------------------


class FamilyFit(Strict):
    fit: Fit
    reason: Text = Field(description="One sentence rooted in the pre-training objective.")


class TaskBenchmark(Strict):
    """A published benchmark that measures a task; models' ``benchmarks`` entries name it by ``id``."""

    id: Id = Field(
        description="Benchmark id that model entries cite, e.g. humaneval-plus, mteb-en-v2, conll2003."
    )
    name: Text = Field(description="What it is called in papers and on leaderboards.")
    metric: Text = Field(
        description="The metric, e.g. 'pass@1 (%)', 'F1', 'ROUGE-L', 'chrF++', 'NDCG@10 mean'."
    )
    higher_is_better: bool = True
    scale: Annotated[
        list[Annotated[float, Field(allow_inf_nan=False)]], Field(min_length=2, max_length=2)
    ] = Field(
        description="[lowest, highest] value the metric can take, e.g. [0, 100]; Elo-like ratings give a plausible range."
    )
    weight: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = Field(
        default=1.0, description="How much this benchmark counts towards the task's expected quality, 0-1."
    )
    description: Text | None = None
    sources: Sources


class Subtask(Strict):
    """A kind of job within a task that only some of its benchmarks measure (sentiment, NLI within text
    classification): when the scope names it, a benchmark declared for another sub-task says nothing about it."""

    id: Id
    words: list[Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=PLAIN_TEXT)]] = Field(
        default_factory=list, description="Task words that name it (`--task sentiment`), lower case."
    )
    labels: list[Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=PLAIN_TEXT)]] = Field(
        default_factory=list,
        description="Its label vocabulary: `--labels` all within it name the sub-task (positive, negative).",
    )
    benchmarks: list[Id] = Field(
        default_factory=list,
        description="The task's benchmarks that measure this sub-task only; a benchmark no sub-task lists "
        "measures the task in general (GLUE).",
    )
    any_domain: bool = Field(
        default=False,
        description="Its labels are used on text of every domain (sentiment: movie reviews, finance, tweets), so "
        "a checkpoint predicting them is no evidence the user's text is the checkpoint's domain.",
    )
    sources: Sources


class Task(Strict):
    id: Id
    name: Text
    description: Text
    pipeline_tag: Id | None = Field(
        default=None, description="Hugging Face pipeline tag, or null for our own."
    )
    aliases: list[Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=PLAIN_TEXT)]] = Field(
        default_factory=list
    )
    output: Literal["label", "labels", "tags", "span", "text", "vector", "score", "answer", "token"] = Field(
        description="What the model produces."
    )
    generative: bool = Field(description="Whether the output is free text generated token by token.")
    capability: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        default=1.0,
        description="How much raw model capability (size, generation) matters for this task, 0-1: open-ended "
        "generation 1; conditional rewriting less; classification-like tasks least, since a fine-tuned small "
        "model closes most of the gap.",
    )
    families: dict[Family, FamilyFit]
    library: Library | None = Field(
        default=None,
        description="The library this task's models are used through when it is not transformers "
        "(sentence-similarity: sentence-transformers); a model's own `library` wins.",
    )
    benchmarks: list[TaskBenchmark] = Field(
        default_factory=list, description="Published benchmarks that measure the task, most telling first."
    )
    subtasks: list[Subtask] = Field(
        default_factory=list,
        description="Sub-tasks only some benchmarks measure; each names the task's benchmarks it owns.",
    )
    related: list[Id] = Field(
        default_factory=list,
        description="Tasks whose figures predict a model's standing on this one: an unmeasured model's standing "
        "there, shifted by the median gap over models measured on both, is its imputed quality here.",
    )
    sources: Sources

    @model_validator(mode="after")
    def _subtask_benchmarks_are_the_tasks(self) -> "Task":
        have = {b.id for b in self.benchmarks}
        for sub in self.subtasks:
            unknown = [b for b in sub.benchmarks if b not in have]
            if unknown:
                raise ValueError(
                    f"sub-task {sub.id} names benchmarks the task does not list: {', '.join(unknown)}"
                )
        return self


# --- languages -------------------------------------------------------------------------------------


class Language(Strict):
    """A natural language: its ISO 639-1 (or 639-3) code, its name and the script it is written in."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
    name: Text
    script: Annotated[str, StringConstraints(pattern=r"^[A-Z][a-z]{3}$")] = Field(
        description="ISO 15924 code of its usual script: Latn, Cyrl, Arab, Deva, Beng, Hani, Jpan, Kore, ..."
    )
    sources: Sources


# --- licenses --------------------------------------------------------------------------------------


class License(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._+-]*$", max_length=80)]
    name: Text
    license_class: Literal["permissive", "copyleft", "restricted", "non-commercial", "unknown"] = Field(
        description="permissive/copyleft: open-source terms; restricted: commercial use with a cap or use-based "
        "restrictions; non-commercial: research or personal use only; unknown: no licence found."
    )
    osi_approved: bool
    commercial_use: bool
    user_cap: PositiveInt | None = Field(
        default=None, description="Monthly active users above which a licence is needed."
    )
    use_restrictions: bool = Field(description="Use-based restrictions (RAIL, acceptable-use policies).")
    url: Text | None = None
    sources: Sources


# --- accelerators and serving targets -------------------------------------------------------------


class CloudInstance(Strict):
    """A cloud instance type: a name people type (``g5.xlarge``) and how many of the accelerator it holds."""

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=60)]
    gpus: PositiveInt
    usd_per_hour: Annotated[NonNegative, Field(le=MAX_HARDWARE)] | None = Field(
        default=None, description="On-demand price of the whole instance per hour."
    )
    price_date: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}){0,2}$")] | None = None
    source: Source


class Accelerator(Strict):
    id: Id
    name: Text
    aliases: list[Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=PLAIN_TEXT)]] = Field(
        default_factory=list
    )
    memory_gb: Hardware
    bf16_tflops: Hardware | None = Field(
        default=None, description="Peak dense bf16 tensor TFLOP/s (fp16 where the chip has no bf16)."
    )
    bf16_supported: bool = True
    bandwidth_gbps: Hardware | None = Field(default=None, description="Memory bandwidth in GB/s.")
    fp32_tflops: Hardware | None = Field(
        default=None,
        description="Peak fp32 TFLOP/s on the plain (non-tensor) units; used where there is no TF32.",
    )
    tf32: bool | None = Field(
        default=None,
        description="Has TF32 tensor cores (null: assumed where bf16 is supported, Ampere and later).",
    )
    usd_per_hour: Annotated[NonNegative, Field(le=MAX_HARDWARE)] | None = Field(
        default=None, description="Typical on-demand cloud price per GPU-hour."
    )
    price_source: Text | None = None
    price_date: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}){0,2}$")] | None = None
    serving_only: bool = Field(
        default=False,
        description="Only a serving target (Apple Silicon, phones): never proposed for training.",
    )
    unified_memory: bool = Field(
        default=False, description="CPU and GPU share one memory pool (Apple Silicon)."
    )
    instances: list[CloudInstance] = Field(
        default_factory=list,
        description="Cloud instance types built on this accelerator (g5.xlarge, p4d.24xlarge).",
    )
    sources: Sources
    notes: Text | None = None


class ServingTarget(Strict):
    """A non-GPU place a model may run: `cpu` (a server) or `edge` (a phone or small laptop)."""

    id: Literal["cpu", "edge"]
    name: Text
    memory_gb: Hardware = Field(description="Memory a model may use there.")
    bandwidth_gbps: Hardware | None = None
    max_params_b: ParamsB | None = Field(
        default=None, description="Largest model (billions, 4-bit) that answers interactively there."
    )
    description: Text
    sources: Sources


# --- models ----------------------------------------------------------------------------------------


class BenchmarkScore(Strict):
    """A published figure on a benchmark that one of the model's tasks names (``tasks[].benchmarks[].id``)."""

    name: Id = Field(
        description="Benchmark id, as listed by the task (e.g. humaneval-plus, mteb-en-v2, conll2003)."
    )
    score: float = Field(
        allow_inf_nan=False, description="The figure as published, on the benchmark's scale."
    )
    source: Source = Field(
        description="Where it was read: model card, paper table, leaderboard, with its date."
    )
    setting: Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=PLAIN_TEXT)] = Field(
        description="How it was measured (shots, split, version, prompt): scores of different settings differ."
    )


Direction = Annotated[str, StringConstraints(pattern=r"^([a-z]{2,3}|\*)-([a-z]{2,3}|\*)$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=PLAIN_TEXT)]


class Quality(Strict):
    benchmark: Text = Field(
        description="Benchmark and metric, e.g. 'MMLU (5-shot)', 'GLUE avg', 'ROUGE-L CNN/DM'."
    )
    score: float = Field(allow_inf_nan=False)
    source: Source


class Model(Strict):
    id: Id = Field(description="Short unique id.")
    hub_id: HubId = Field(description="Hugging Face repository id, org/name.")
    family: Family
    objective: Id = Field(description="Pre-training objective id (see architectures).")
    params_b: ParamsB = Field(description="Total parameters, in billions.")
    active_params_b: ParamsB | None = Field(
        default=None, description="Active parameters per token (mixture-of-experts)."
    )
    compute_params_b: ParamsB | None = Field(
        default=None,
        description="Parameters a token's forward pass runs through, where weight sharing makes it more than "
        "params_b (ALBERT reuses one layer's weights 12 times: the compute of the unshared model).",
    )
    context_tokens: Tokens | None = Field(description="Native context window in tokens; null where unknown.")
    context_tokens_extended: Tokens | None = Field(
        default=None, description="Context reachable with a documented extension (RoPE scaling, YaRN)."
    )
    license: Annotated[str, StringConstraints(min_length=1, max_length=80)] = Field(
        description="License id (see licenses)."
    )
    languages: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^([a-z]{2,3}|code|multi)$")]], Field(min_length=1)
    ] = Field(
        description="ISO 639-1 codes, 'code' for programming languages, 'multi' when there are too many to list."
    )
    language_count: PositiveInt | None = Field(
        default=None, description="How many natural languages, when 'multi'."
    )
    tasks: Annotated[list[Id], Field(min_length=1)]
    sources: Sources
    variant: Variant = "base"
    ready_for: Text | None = Field(
        default=None, description="For task checkpoints: the task, domain and label set it is ready for."
    )
    base_model: Annotated[str, StringConstraints(max_length=200, pattern=PLAIN_TEXT)] | None = Field(
        default=None, description="Hub id or catalog id of the model this one was fine-tuned from."
    )
    domains: list[Id] = Field(
        default_factory=list, description="Domains it specialises in: biomedical, legal, code, ..."
    )
    layers: Dim | None = None
    hidden_size: Dim | None = None
    heads: Dim | None = None
    kv_heads: Dim | None = None
    head_dim: Dim | None = None
    vocab_size: Dim | None = None
    year: Annotated[int, Field(ge=2017, le=2100)] | None = None
    paper: Text | None = None
    quality: list[Quality] = Field(
        default_factory=list,
        description="Older form of published figures (any benchmark); prefer `benchmarks`.",
    )
    benchmarks: list[BenchmarkScore] = Field(
        default_factory=list,
        description="Published figures on the benchmarks the model's tasks name (catalog/tasks.yaml).",
    )
    directions: list[Direction] = Field(
        default_factory=list,
        description="Translation checkpoints: the directions it translates, 'en-de'; '*-en' many-to-one; '*-*' many-to-many.",
    )
    labels: list[Label] = Field(
        default_factory=list,
        description="Classification and tagging checkpoints: the fixed label set its head predicts (config id2label).",
    )
    open_labels: bool = Field(
        default=False,
        description="Takes any label set at inference (NLI zero-shot classifiers, GLiNER-style zero-shot NER).",
    )
    specialised_for: list[Id] = Field(
        default_factory=list,
        description="Task ids it was trained or tuned mainly for (a code model: code-generation); empty: a generalist.",
    )
    library: Library | None = Field(
        default=None,
        description="The library that loads it when plain transformers cannot (GLiNER: gliner); null: its "
        "task's library, else transformers.",
    )
    release: Id | None = Field(
        default=None,
        description="Sibling key: models of one release (sizes of one family, one variant, one year) share it;"
        " null: derived from the hub id without its size (whichmodel.quality.release_key).",
    )
    reasoning_only: bool = Field(
        default=False,
        description="Thinks before every answer (a reasoning distill or thinking-only checkpoint): its card"
        " recommends it for math, code and reasoning rather than everyday chat.",
    )
    tokenizer_scripts: list[Annotated[str, StringConstraints(pattern=r"^[A-Z][a-z]{3}$")]] | None = Field(
        default=None,
        description="ISO 15924 scripts its tokenizer can encode when limited (T5: Latn); null: no known limit.",
    )
    notes: Text | None = None


# --- weights ---------------------------------------------------------------------------------------


class Weights(Strict):
    """Rule weights: each preference rule's weight within its component (keys are rule ids, see
    whichmodel.rule_specs), and per --prefer the weight of each component (quality, fit, cost) in the score."""

    rules: dict[Id, Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]]
    prefer: dict[
        Prefer,
        dict[Component, Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]],
    ] = Field(default_factory=dict)
    sources: Sources = Field(default_factory=lambda: ["whichmodel design"])


# --- one file --------------------------------------------------------------------------------------


class CatalogFile(Strict):
    """What one catalog file (YAML or JSON) may hold. Every section is optional in a single file."""

    models: list[Model] | None = None
    tasks: list[Task] | None = None
    architectures: list[Architecture] | None = None
    accelerators: list[Accelerator] | None = None
    serving: list[ServingTarget] | None = None
    licenses: list[License] | None = None
    languages: list[Language] | None = None
    weights: Weights | None = None


SECTIONS: tuple[str, ...] = (
    "models",
    "tasks",
    "architectures",
    "accelerators",
    "serving",
    "licenses",
    "languages",
)

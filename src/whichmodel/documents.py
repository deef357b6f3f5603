"""Every JSON document the CLI prints, as a pydantic model: the single definition behind ``--json`` and ``schema``.

``DOCUMENTS`` maps the name ``whichmodel schema DOC`` takes to the model (or a list of it) of that document.
``advise`` is :class:`whichmodel.advice.Advice` (``interview --json`` prints the same document); the catalog's own
entries are the catalog schema's models.
Every command's ``--json`` output validates against its schema (tests/test_documents.py).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from whichmodel.catalog_schema import Accelerator, Architecture, Language, Model, Task


class Document(BaseModel):
    """Base of the CLI's documents: extra keys are allowed (the contract says: add freely, never rename)."""

    model_config = ConfigDict(extra="allow")


class Problem(Document):
    file: str
    line: int | None
    field: str
    message: str


class ValidateDoc(Document):
    """`catalog validate --json`."""

    ok: bool
    problems: list[Problem]
    counts: dict[str, int] | None = Field(
        description="Entries per section; null when the catalog is invalid."
    )
    files: list[str] | None


class HubInfoDoc(Document):
    """`hub info --json`: one model's Hub metadata from the snapshot."""

    hub_id: str
    downloads: int | None
    likes: int | None
    gated: str | bool | None
    license: str | None
    params: int | None
    last_modified: str | None
    pipeline_tag: str | None
    fetched_at: str | None


class DiscoveredDoc(Document):
    """One item of `hub discover --json`."""

    hub_id: str
    family: str | None
    params_b: float | None
    downloads: int | None
    likes: int | None
    license: str | None
    pipeline_tag: str | None
    gated: str | bool | None = None
    catalog_id: str | None = None


class CompareRow(Document):
    model: str
    hub_id: str
    status: str = Field(description="recommended or rejected")
    recommendation: dict[str, Any] | None = Field(description="The recommendation, as in `advise --json`.")
    rejected: dict[str, Any] | None = Field(description="Why it was rejected, as in `advise --json`.")


class CompareDoc(Document):
    """`compare --json`: the scope and, per model asked for, its recommendation or rejection."""

    scope: dict[str, Any]
    models: list[CompareRow]


class CatalogShowDoc(Model):
    """`catalog show --json`: the entry, plus its Hub snapshot record (null without one)."""

    model_config = ConfigDict(extra="allow", strict=False)
    hub: dict[str, Any] | None = None


class MemoryDoc(Document):
    weights: float
    gradients: float
    optimizer: float
    activations: float
    total: float = Field(description="What the job needs in all, in GB.")
    kv_cache: float | None = None
    overhead: float | None = None
    offloaded: float | None = Field(default=None, description="GB moved to CPU RAM by --offload.")


class ServingDoc(Document):
    decode_tokens_per_s: float | None = Field(description="Per sequence, at the given concurrency.")
    prefill_tokens_per_s: float | None
    time_to_first_token_s: float | None
    max_concurrent: int | None = Field(description="Sequences the KV-cache room holds at once.")
    usd_per_million_tokens: float | None = Field(
        description="Per million generated tokens; null without a price."
    )
    runtime: str | None = None
    aggregate_tokens_per_s: float | None = Field(
        default=None, description="Decode tokens/s over all sequences."
    )
    usd_per_million_input_tokens: float | None = None
    dtype: str | None = Field(default=None, description="The served weights' dtype.")
    input_tokens: int | None = None
    output_tokens: int | None = None
    concurrency: int | None = None


class EstimateDoc(Document):
    """`estimate --json`: memory, compute and cost of one job (with `serving` for inference)."""

    model: str | None
    params: float
    strategy: str
    tokens: float | None
    accelerator: str
    gpus: int
    flops: float | None
    gpu_hours: float | None
    cost_usd: float | None
    memory_gb: MemoryDoc
    gpus_needed: int | None
    fits: bool
    assumptions: list[str]
    assumed: list[str] = Field(default_factory=list, description="What was defaulted, and to what.")
    wall_clock_hours: float | None = None
    family: str | None = None
    dtype: str | None = None
    seq_len: int | None = None
    batch: int | None = Field(default=None, description="Micro-batch per GPU.")
    mfu: float | None = Field(default=None, description="Model FLOPs utilisation assumed (0-1).")
    trainable_params: float | None = None
    usable_gb_per_gpu: float | None = None
    per_gpu_gb: float | None = Field(default=None, description="GB the job needs on each of the GPUs given.")
    optimizer: str | None = None
    offload: str | None = Field(default=None, description="none, optimizer or all.")
    stack: str | None = Field(default=None, description="trainer or optimized.")
    lora_rank: int | None = None
    serving: ServingDoc | None = None


class RuleDoc(Document):
    """One item of `rules --json` (and the whole of `rules ID --json`): a rule's declared spec."""

    id: str
    kind: Literal["constraint", "preference"]
    component: str | None = Field(
        description="The score component a preference counts in; null for a constraint."
    )
    stage: Literal["model", "candidate"] = Field(
        description="model: runs before any estimate; candidate: per strategy and job."
    )
    reads: list[str] = Field(description="The scope and catalog fields the rule reads.")
    thresholds: dict[str, float | str] = Field(description="The named constants the rule compares against.")
    weight: float | None = Field(
        description="The preference's weight from catalog/weights.yaml; null for a constraint."
    )
    source: str
    doc: str


class LoraSettings(Document):
    r: int
    alpha: int
    dropout: float
    targets: str


class RecipeSettings(Document):
    seq_len: int | None
    micro_batch: int | None
    gradient_accumulation: int | None
    epochs: float | None = Field(
        description="Null for an as-is (inference) recipe; likewise the training settings."
    )
    dtype: str | None
    compute_dtype: str
    gradient_checkpointing: bool | None
    learning_rate: float | None
    optimizer: str | None
    lora: LoraSettings | None = Field(description="LoRA settings for lora and qlora; null otherwise.")
    labels: list[str]


class RecipeDoc(Document):
    """`recipe --json`: the recipe's text with the recommendation and the settings written into it."""

    to: str = Field(description="trl or axolotl.")
    kind: Literal["training", "config", "inference"]
    rank: int
    model: str
    hub_id: str
    strategy: str
    settings: RecipeSettings
    estimates: dict[str, Any] = Field(description="The recommendation's estimates, as in `advise --json`.")
    recipe: str = Field(description="The script or config itself.")


class RefreshFailure(Document):
    hub_id: str
    kind: str = Field(description="The failure's kind (not_found, gated, network, ...).")
    error: str


class HubRefreshDoc(Document):
    """`hub refresh --json`: what was fetched into the snapshot, and what failed."""

    snapshot: str = Field(description="The snapshot file's path.")
    endpoint: str
    fetched_at: str | None
    requested: int
    refreshed: list[str] = Field(description="Hub ids refreshed, in the order asked.")
    failed: list[RefreshFailure]
    models_in_snapshot: int
    deadline_hit: bool
    elapsed_s: float


class HubCardDoc(Document):
    """`hub card --json`: a model card's metadata and its first prose paragraphs."""

    hub_id: str
    license: str | None
    languages: list[str]
    datasets: list[str]
    base_model: list[str]
    pipeline_tag: str | None
    paragraphs: list[str]


def _advise() -> Any:
    from whichmodel.advice import Advice

    return Advice


DOCUMENTS: dict[str, Any] = {
    "advise": _advise,
    "estimate": EstimateDoc,
    "compare": CompareDoc,
    "tasks": list[Task],
    "architectures": list[Architecture],
    "catalog-list": list[Model],
    "catalog-show": CatalogShowDoc,
    "accelerators": list[Accelerator],
    "languages": list[Language],
    "validate": ValidateDoc,
    "hub-info": HubInfoDoc,
    "hub-discover": list[DiscoveredDoc],
    "hub-refresh": HubRefreshDoc,
    "hub-card": HubCardDoc,
    "rules": list[RuleDoc],
    "rule": RuleDoc,
    "recipe": RecipeDoc,
}


# Document -> the commands that print it with --json (tests/test_documents.py walks the command tree against it;
# docs/json.md's table of documents is generated from it).
PRINTED_BY: dict[str, tuple[str, ...]] = {
    "advise": ("advise", "interview"),
    "estimate": ("estimate",),
    "compare": ("compare",),
    "tasks": ("tasks",),
    "architectures": ("architectures",),
    "catalog-list": ("catalog list",),
    "catalog-show": ("catalog show",),
    "accelerators": ("catalog accelerators",),
    "languages": ("catalog languages",),
    "validate": ("catalog validate",),
    "hub-info": ("hub info",),
    "hub-discover": ("hub discover",),
    "hub-refresh": ("hub refresh",),
    "hub-card": ("hub card",),
    "rules": ("rules",),
    "rule": ("rules ID",),
    "recipe": ("recipe",),
}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of document ``name`` (a key of :data:`DOCUMENTS`)."""
    target = DOCUMENTS[name]
    if target is _advise:
        from whichmodel.advice import json_schema as advise_schema

        return advise_schema()
    schema: dict[str, Any] = TypeAdapter(target).json_schema(mode="serialization")
    schema.setdefault("title", name)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema

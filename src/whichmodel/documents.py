"""Every JSON document the CLI prints, as a pydantic model: the single definition behind ``--json`` and ``schema``.

``DOCUMENTS`` maps the name ``whichmodel schema DOC`` takes to the model (or a list of it) of that document.
``advise`` is :class:`whichmodel.advice.Advice`; the catalog's own entries are the catalog schema's models.
Every command's ``--json`` output validates against its schema (tests/test_documents.py).
"""

from __future__ import annotations

from typing import Any

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
    serving: ServingDoc | None = None


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

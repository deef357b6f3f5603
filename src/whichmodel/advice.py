"""The advice document (`advise --json`): pydantic models, the single source of its JSON Schema."""

from collections.abc import Callable
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from whichmodel.scope import Scope
from whichmodel.vocab import Family

SCHEMA_VERSION = "1.0"


class Doc(BaseModel):
    """Base of the advice documents. The engine builds them with ``model_construct`` (its output is trusted and
    checked by the tests against this schema), and :func:`dump` serializes them without building pydantic's
    validators: `advise` starts faster. Validation and the JSON Schema use the full models."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Self:  # type: ignore[override]
        """Pydantic's ``model_construct`` for these plain documents (no alias, no private attribute, no
        post-init) in one pass over a per-class plan: the engine builds thousands of them per run. It makes the
        same instance as pydantic's: fields in declaration order, defaults filled, unknown keys ignored, the
        keys given as the fields set."""
        names, known, static, factories = _PLANS.get(cls) or _plan(cls)
        data: dict[str, Any] = {}
        for name in names:
            if name in values:
                data[name] = values[name]
            elif name in static:
                data[name] = static[name]
            elif name in factories:
                data[name] = factories[name]()
        obj = cls.__new__(cls)
        _setattr(obj, "__dict__", data)
        _setattr(
            obj,
            "__pydantic_fields_set__",
            set(_fields_set if _fields_set is not None else values.keys() & known),
        )
        _setattr(obj, "__pydantic_extra__", None)
        _setattr(obj, "__pydantic_private__", None)
        return obj


_setattr = object.__setattr__
Plan = tuple[tuple[str, ...], frozenset[str], dict[str, Any], dict[str, Callable[[], Any]]]
_PLANS: dict[type, Plan] = {}


def _plan(cls: type[BaseModel]) -> Plan:
    """(field names in declaration order, the same as a set, immutable defaults, default factories) of
    ``cls``, built once per class."""
    assert not cls.__private_attributes__ and not cls.__pydantic_post_init__, cls
    static: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for name, info in cls.__pydantic_fields__.items():
        assert info.alias is None and info.validation_alias is None, (cls, name)
        if info.default_factory is not None:
            factories[name] = info.default_factory  # type: ignore[assignment]
        elif not info.is_required():
            assert isinstance(info.default, str | int | float | bool | type(None)), (cls, name)
            static[name] = info.default
    names = tuple(cls.__pydantic_fields__)
    plan = _PLANS[cls] = (names, frozenset(names), static, factories)
    return plan


class Reason(Doc):
    rule: str = Field(description="The rule's name (see docs/scoring.md).")
    points: float = Field(description="Its contribution to the score: weight x raw points.")
    detail: str = Field(description="One sentence saying why.")


class Estimates(Doc):
    train_gpu_hours: float | None = Field(
        description="Training GPU-hours on the scope's accelerator; 0 for as-is."
    )
    train_memory_gb: float | None = Field(
        description="Memory the training job needs in all, GB; null for as-is."
    )
    inference_memory_gb: float | None = Field(
        description="Memory to serve one request at the scope's input length."
    )
    gpus_needed: int | None = Field(
        description="Training accelerators needed to hold the job; null for as-is."
    )
    cost_usd: float | None = Field(
        description="Training cost at the accelerator's typical price; null if unknown."
    )
    train_tokens: float | None = Field(default=None, description="Tokens the training job processes.")
    wall_clock_hours: float | None = Field(
        default=None, description="Training wall-clock on the scope's GPU count."
    )
    serve_dtype: str | None = Field(default=None, description="Weight precision assumed for serving.")
    serve_tokens_per_s: float | None = Field(
        default=None,
        description="Serving speed on the serving target, one request at a time: generated tokens/s for "
        "generative tasks, input tokens/s otherwise; null when the model does not fit or the speed is unknown.",
    )
    serve_usd_per_million_tokens: float | None = Field(
        default=None,
        description="Serving cost per million tokens (generated, prefill included; input tokens for "
        "non-generative tasks) at the target's price per hour; null without a price (CPU, edge).",
    )
    serve_usd_per_month: float | None = Field(
        default=None, description="Monthly serving dollars at --daily-tokens, when both are known."
    )


class QualityInfo(Doc):
    value: float = Field(description="Expected quality for the task, 0-100, comparable within the task.")
    basis: str = Field(
        description="measured (the model's published benchmarks) or imputed (fitted or prior)."
    )
    benchmark: str | None = Field(default=None, description="The task benchmark it was measured on, if any.")
    benchmark_score: float | None = Field(default=None, description="Its published figure there.")
    source: str | None = Field(default=None, description="Where the figure was read.")
    note: str = Field(default="", description="How the value was obtained and adjusted.")


class HubInfo(Doc):
    downloads: int | None = None
    likes: int | None = None
    gated: bool | str | None = None
    license: str | None = None
    last_modified: str | None = None
    fetched_at: str | None = None


class Recommendation(Doc):
    rank: int
    model: str = Field(description="Catalog id (for pretrain: a description of the model to train).")
    hub_id: str | None = Field(description="Hugging Face id; null for a model trained from scratch.")
    family: str  # one of whichmodel.vocab.FAMILIES (the engine passes a plain str)
    objective: str
    params_b: float
    strategy: str  # one of whichmodel.vocab.STRATEGIES (the engine's Candidate.strategy is a plain str)
    score: float = Field(description="0-100: the components weighted as --prefer says.")
    components: dict[str, float] = Field(
        default_factory=dict, description="quality, fit and cost, each 0-100 (see docs/scoring.md)."
    )
    quality: QualityInfo | None = None
    estimates: Estimates
    reasons: list[Reason]
    warnings: list[str]
    hub: HubInfo | None = None
    variant: str | None = None
    license: str | None = None
    ready_for: str | None = None
    template: str | None = Field(
        default=None, description="For pretrain: the catalog model whose design is copied."
    )
    curated: bool = Field(default=True, description="False for Hub candidates the catalog does not hold.")


class Rejected(Doc):
    model: str
    hub_id: str | None
    rule: str
    reason: str


class FamilyRank(Doc):
    family: Family
    score: float
    reasons: list[str]


class ArchitectureVerdict(Doc):
    recommended: str | None  # one of whichmodel.vocab.FAMILIES
    ranking: list[FamilyRank]


class FromScratch(Doc):
    feasible: bool = Field(description="Whether the budget and data can pre-train a useful model at all.")
    params_b: float | None = Field(description="The compute-optimal model size the budget buys (billions).")
    tokens: float | None = Field(description="The tokens it would train on.")
    gpu_hours_needed: float | None = Field(description="GPU-hours that pre-training takes.")
    reason: str
    worth_it: bool = Field(
        default=False, description="Whether it beats adapting the best existing checkpoint."
    )
    compared_to: str | None = Field(
        default=None, description="The existing checkpoint it was weighed against."
    )


class WhatIf(Doc):
    change: str = Field(description="The change to the scope, e.g. '--examples 5000' or '--license any'.")
    model: str | None = Field(default=None, description="The model that change would put first.")
    hub_id: str | None = None
    strategy: str | None = None
    gpu_hours: float | None = Field(default=None, description="Training GPU-hours the new pick needs.")
    cost_usd: float | None = Field(default=None, description="Its training cost, when the price is known.")
    why: str


class Advice(Doc):
    schema_version: str = SCHEMA_VERSION
    scope: Scope
    architecture: ArchitectureVerdict
    recommendations: list[Recommendation]
    rejected: list[Rejected]
    from_scratch: FromScratch
    assumptions: list[str]
    what_if: list[WhatIf] = Field(
        default_factory=list,
        description="The smallest scope changes that would change the pick, and what an unused budget would buy.",
    )
    notes: list[str] = Field(
        default_factory=list, description="Things the user should know (stale snapshot, ...)."
    )

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = dump(self)
        return doc


_LEAVES = frozenset({str, int, float, bool, type(None)})
"""Types :func:`dump` returns unchanged (exact types: a subclass of ``list`` or a model is walked)."""
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def dump(value: Any) -> Any:
    """JSON-ready data for a document: every declared field, in declaration order, recursively.

    A scalar field is taken as it is, with no call: the 100,000 rejections of a 100,000-model catalog are
    dumped in one pass over their fields."""
    if isinstance(value, BaseModel):
        cls = type(value)
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = tuple(cls.model_fields)
        return {name: x if type(x := getattr(value, name)) in _LEAVES else dump(x) for name in names}
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): dump(v) for k, v in value.items()}
    return value


def json_schema() -> dict[str, Any]:
    schema = Advice.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "whichmodel advice"
    return schema

"""A small pydantic model of an advisory scenario (tests/data/scenarios.yaml).

A scenario is a scope (exactly the fields of an `advise --scope` file, named after the contract's flags)
plus what published guidance says the advice should be. The vocabularies below are copied from the
interface contract (design.md), not from the engine, so the scenarios stay independent of it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from contract import CONTRACT_ACCELERATORS, CONTRACT_TASKS

FAMILIES = ("encoder-only", "decoder-only", "encoder-decoder")
STRATEGIES = ("as-is", "full-finetune", "lora", "qlora", "pretrain", "continued-pretraining")
TASKS = CONTRACT_TASKS
# Aliases the contract names explicitly ("aliases people type").
TASK_ALIASES = {
    "ner": "token-classification",
    "sentiment": "text-classification",
    "classification": "text-classification",
    "qa": "question-answering",
    "embeddings": "feature-extraction",
    "semantic-search": "sentence-similarity",
    "rerank": "text-ranking",
}
ACCELERATORS = CONTRACT_ACCELERATORS
SERVE_TARGETS = (*ACCELERATORS, "cpu", "edge")
SCOPE_KEYS = (
    "tasks",
    "languages",
    "examples",
    "domain_tokens",
    "input_tokens",
    "gpu_hours",
    "gpu",
    "gpus",
    "serve",
    "license",
    "labels",
    "source_languages",
    "target_languages",
    "prefer",
    "daily_tokens",
)

_NUMBER_WORD = re.compile(r"^\s*(\d+(?:\.\d+)?(?:[eE]\+?\d+)?)\s*([kKMBT]?)\s*$")
_MULTIPLIERS = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
_LANGUAGE = re.compile(r"^([a-z]{2}|code|multi)$")


def count_value(value: int | float | str) -> float:
    """The number a count stands for: 5000, 5k, 1.4T, 2e9 (the contract's number words)."""
    if isinstance(value, bool):
        raise ValueError("a count cannot be true/false")
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = _NUMBER_WORD.match(value)
        if not match:
            raise ValueError(f"{value!r} is not a count (use 5000, 5k, 300M, 7B, 1.4T or 2e9)")
        number = float(match.group(1)) * _MULTIPLIERS[match.group(2)]
    if number < 0:
        raise ValueError("a count cannot be negative")
    return number


def canonical_task(name: str) -> str:
    return TASK_ALIASES.get(name, name)


class Scope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tasks: list[str] = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    examples: int | float | str
    domain_tokens: int | float | str = 0
    input_tokens: int | float | str | None = None
    gpu_hours: float = Field(ge=0)
    gpu: str | None = None
    gpus: int | None = Field(default=None, ge=1)
    serve: str
    license: Literal["any", "open", "commercial"]
    domain: str | None = (
        None  # the application's domain (biomedical, legal, finance, ...), as the user states it
    )
    labels: list[str] | None = None  # the user's classes or entity types
    source_languages: list[str] | None = None  # translation: from
    target_languages: list[str] | None = None  # translation: into
    prefer: Literal["quality", "balanced", "cost"] | None = None
    daily_tokens: int | float | str | None = None

    @field_validator("tasks")
    @classmethod
    def _tasks(cls, value: list[str]) -> list[str]:
        for name in value:
            if canonical_task(name) not in TASKS:
                raise ValueError(f"unknown task {name!r}: use a contract task id or alias")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        for code in value:
            if not _LANGUAGE.match(code):
                raise ValueError(f"language {code!r} is not ISO 639-1, 'code' or 'multi'")
        return value

    @field_validator("examples", "domain_tokens", "input_tokens")
    @classmethod
    def _count(cls, value: int | float | str | None) -> int | float | str | None:
        if value is not None:
            count_value(value)
        return value

    @field_validator("gpu")
    @classmethod
    def _gpu(cls, value: str | None) -> str | None:
        if value is not None and value not in ACCELERATORS:
            raise ValueError(f"unknown accelerator {value!r}")
        return value

    @field_validator("serve")
    @classmethod
    def _serve(cls, value: str) -> str:
        if value not in SERVE_TARGETS:
            raise ValueError(f"unknown serving target {value!r}")
        return value

    @property
    def canonical_tasks(self) -> list[str]:
        return [canonical_task(name) for name in self.tasks]


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    family: list[Literal["encoder-only", "decoder-only", "encoder-decoder"]] = Field(min_length=1)
    strategy: list[
        Literal["as-is", "full-finetune", "lora", "qlora", "pretrain", "continued-pretraining"]
    ] = Field(min_length=1)
    models: list[str] = Field(default_factory=list)
    model_families: list[str] = Field(default_factory=list)
    top_k: int = Field(default=5, ge=1, le=20)
    not_models: list[str] = Field(default_factory=list)
    not_model_families: list[str] = Field(default_factory=list)
    pretrain_feasible: bool | None = None

    @field_validator("models", "not_models")
    @classmethod
    def _hub_ids(cls, value: list[str]) -> list[str]:
        for hub_id in value:
            if not _HUB_ID.match(hub_id):
                raise ValueError(f"{hub_id!r} is not a Hugging Face hub id (owner/name)")
        if len({v.lower() for v in value}) != len(value):
            raise ValueError("a hub id is listed twice")
        return value

    @field_validator("model_families", "not_model_families")
    @classmethod
    def _substrings(cls, value: list[str]) -> list[str]:
        for item in value:
            if not item or item != item.lower() or item.strip() != item:
                raise ValueError(f"family substring {item!r} must be non-empty, lower-case, unpadded")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Expect:
        if not self.models and not self.model_families:
            raise ValueError("give acceptable `models` or `model_families`")
        accepted = {m.lower() for m in self.models}
        clash = accepted & {m.lower() for m in self.not_models}
        if clash:
            raise ValueError(f"listed as acceptable and as forbidden: {sorted(clash)}")
        for hub_id in self.models:
            for bad in self.not_model_families:
                if bad in hub_id.lower():
                    raise ValueError(f"acceptable model {hub_id} matches forbidden substring {bad!r}")
        for family in self.model_families:
            for bad in self.not_model_families:
                if bad in family:
                    raise ValueError(f"acceptable family {family!r} contains forbidden substring {bad!r}")
        return self

    def accepts(self, hub_id: str) -> bool:
        """Whether a recommended hub id is one of the acceptable answers."""
        low = hub_id.lower()
        return low in {m.lower() for m in self.models} or any(f in low for f in self.model_families)

    def forbids(self, hub_id: str) -> bool:
        low = hub_id.lower()
        return low in {m.lower() for m in self.not_models} or any(f in low for f in self.not_model_families)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ref: str = Field(min_length=10)
    url: str = Field(pattern=r"^https://\S+$")
    repo_path: str | None = None


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^S\d{2,3}$")
    title: str = Field(min_length=10)
    scope: Scope
    expect: Expect
    rationale: str = Field(min_length=20)
    sources: list[Source] = Field(min_length=1)
    inputs_not_from_source: list[str] = Field(default_factory=list)

    @field_validator("inputs_not_from_source")
    @classmethod
    def _inputs(cls, value: list[str]) -> list[str]:
        for key in value:
            if key not in SCOPE_KEYS:
                raise ValueError(f"{key!r} is not a scope key")
        return value

    @model_validator(mode="after")
    def _given(self) -> Scenario:
        given = self.scope.model_dump(exclude_unset=True)
        missing = [key for key in self.inputs_not_from_source if key not in given]
        if missing:
            raise ValueError(f"inputs_not_from_source names keys the scope does not set: {missing}")
        return self


class ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meta: dict[str, object] = Field(default_factory=dict)
    scenarios: list[Scenario] = Field(min_length=45)

    @model_validator(mode="after")
    def _unique(self) -> ScenarioFile:
        for attr in ("id", "title"):
            values = [getattr(s, attr) for s in self.scenarios]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"duplicate scenario {attr}s: {dupes}")
        return self

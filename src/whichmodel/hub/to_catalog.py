"""Turning Hub discoveries into (uncurated) catalog models the engine can rank. Pure: no network."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from whichmodel.catalog import Catalog
from whichmodel.catalog_schema import Model, Task, Variant

INSTRUCT_WORDS = re.compile(r"(instruct|chat|-it\b|-it-|assistant)", re.IGNORECASE)


def model_id_for(hub_id: str) -> str:
    """A catalog-style id for a Hub repository: ``org--name`` in lower case."""
    slug = re.sub(r"[^a-z0-9._+-]+", "-", hub_id.lower().replace("/", "--")).strip("-.")
    return (slug or "hub-model")[:120]


def to_model(found: Any, task: Task, catalog: Catalog) -> Model | None:
    """A :class:`Model` for a discovered Hub model, or None when the Hub gave too little to rank it.

    Only what the Hub says is used: family (from the config's architecture), parameters (safetensors),
    licence (the card's, when the catalog knows that licence id). Languages and context are unknown.
    """
    if found.family is None or not found.params_b or found.params_b <= 0:
        return None
    arch = catalog.architectures.get(found.family)
    if arch is None:
        return None
    lic = (found.license or "").lower()
    license_id = lic if lic in catalog.licenses else "unknown"
    open_ended = task.generative and task.capability >= 1.0  # chat, free generation, code
    variant: Variant
    if open_ended:
        variant = "instruct" if INSTRUCT_WORDS.search(found.hub_id) else "base"
    else:
        variant = "task"  # listed under the task's pipeline tag: a checkpoint trained for it
    try:
        return Model(
            id=model_id_for(found.hub_id),
            hub_id=found.hub_id,
            family=found.family,
            objective=arch.objectives[0].id,
            params_b=found.params_b,
            context_tokens=None,
            license=license_id,
            languages=["multi"],
            tasks=[task.id],
            variant=variant,
            sources=[
                f"Hugging Face Hub listing for pipeline tag {found.pipeline_tag or task.pipeline_tag} (not curated)"
            ],
            notes="Discovered on the Hub; languages and context window unknown.",
        )
    except ValidationError:  # a Hub value no catalog entry may hold (a hub id or a size out of bounds)
        return None

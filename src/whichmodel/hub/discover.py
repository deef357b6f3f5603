"""`hub discover`: Hub models for a task's pipeline tag, most downloaded first, with their family inferred.

:func:`discover` is the pure entry point the advise engine can call (``advise --discover``); it imports
huggingface_hub inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whichmodel.hub.client import call_with_deadline, classify, prepare
from whichmodel.hub.families import infer_family
from whichmodel.hub.refresh import (
    EXPAND,
    _gated,
    _int,
    _iso_value,
    _str,
    card_license,
    config_architectures,
    safetensors_total,
)
from whichmodel.hub.settings import HubError, HubSettings

TASK_PIPELINE_FALLBACK = {"chat": "text-generation", "code-generation": "text-generation"}
"""Our own tasks (no Hub pipeline tag) and the tag whose models serve them."""
MAX_LIMIT = 1000


def pipeline_tag_for(task_id: str, pipeline_tag: str | None) -> str | None:
    """The Hub pipeline tag to search for a catalog task: its own, or the fallback for our own tasks."""
    return pipeline_tag or TASK_PIPELINE_FALLBACK.get(task_id)


@dataclass(frozen=True)
class DiscoveredModel:
    """A Hub model found by pipeline tag. It is not curated: facts come from the Hub alone."""

    hub_id: str
    family: str | None
    params_b: float | None
    downloads: int | None
    likes: int | None
    license: str | None
    pipeline_tag: str | None
    gated: bool | str | None = None
    last_modified: str | None = None
    architectures: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The `hub discover --json` item: {hub_id, family, params_b, downloads, likes, license, pipeline_tag}."""
        return {
            "hub_id": self.hub_id,
            "family": self.family,
            "params_b": self.params_b,
            "downloads": self.downloads,
            "likes": self.likes,
            "license": self.license,
            "pipeline_tag": self.pipeline_tag,
        }


def from_info(info: Any) -> DiscoveredModel:
    config = getattr(info, "config", None)
    total = safetensors_total(getattr(info, "safetensors", None))
    return DiscoveredModel(
        hub_id=str(info.id),
        family=infer_family(
            config_architectures(config), config.get("model_type") if isinstance(config, dict) else None
        ),
        params_b=round(total / 1e9, 6) if total else None,
        downloads=_int(getattr(info, "downloads", None)),
        likes=_int(getattr(info, "likes", None)),
        license=card_license(getattr(info, "card_data", None)),
        pipeline_tag=_str(getattr(info, "pipeline_tag", None)),
        gated=_gated(getattr(info, "gated", None)),
        last_modified=_iso_value(getattr(info, "last_modified", None)),
        architectures=config_architectures(config),
    )


def discover(
    task_pipeline_tag: str,
    limit: int = 10,
    endpoint: str | None = None,
    *,
    settings: HubSettings | None = None,
) -> list[DiscoveredModel]:
    """The ``limit`` most downloaded Hub models with this pipeline tag, most downloaded first.

    ``endpoint`` overrides ``HF_ENDPOINT``; timeouts and the deadline come from ``settings`` (default:
    the environment). Raises :class:`HubError` (offline, connect, timeout, deadline, server, invalid, ...).
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise HubError("setting", f"limit must be from 1 to {MAX_LIMIT}, not {limit}")
    settings = settings or HubSettings.from_env(endpoint)
    api = prepare(settings)

    def fetch() -> list[DiscoveredModel]:
        try:
            items = api.list_models(
                pipeline_tag=task_pipeline_tag, sort="downloads", limit=limit, expand=EXPAND
            )
            return [from_info(i) for i in items]
        except Exception as exc:
            raise classify(exc, settings) from None

    found = call_with_deadline(fetch, settings, f"the search for {task_pipeline_tag} models")
    # the Hub sorts already; sort again (stable) so the order never depends on the server
    return sorted(found, key=lambda m: -(m.downloads or 0))[:limit]

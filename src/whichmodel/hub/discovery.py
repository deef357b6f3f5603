"""`advise --discover`: Hub candidates for a scope's tasks that the catalog lacks (uncurated models).

The search is :func:`whichmodel.hub.discover.discover`; the conversion to catalog models is
:mod:`whichmodel.hub.to_catalog` (pure). No printing: the notes come back to the caller, and a failed search
raises :class:`whichmodel.hub.settings.HubError`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whichmodel.catalog import Catalog
    from whichmodel.catalog_schema import Model
    from whichmodel.scope import Scope

# How many Hub models `advise --discover` asks for per task (an assumption: enough to find the popular
# uncurated checkpoints; each is one listing entry, not one request).
DISCOVER_LIMIT = 20


def discover_models(
    scope: Scope,
    cat: Catalog,
    *,
    limit: int = DISCOVER_LIMIT,
    searching: Callable[[str], AbstractContextManager[object]] | None = None,
) -> tuple[list[Model], list[str]]:
    """Hub models for the scope's tasks the catalog lacks, and notes on what was left out.

    ``searching(tag)`` wraps each search (the CLI shows a spinner); it defaults to doing nothing.
    """
    from whichmodel.hub.discover import discover, pipeline_tag_for
    from whichmodel.hub.to_catalog import to_model

    known = {m.hub_id.lower() for m in cat.models.values()}
    extra: list[Model] = []
    notes: list[str] = []
    seen: set[str] = set()
    for tid in scope.tasks:
        task = cat.tasks[tid]
        tag = pipeline_tag_for(tid, task.pipeline_tag)
        if tag is None:
            continue
        with searching(tag) if searching is not None else nullcontext():
            found = discover(tag, limit=limit)
        skipped = 0
        for item in found:
            key = item.hub_id.lower()
            if key in known or key in seen:
                continue
            model = to_model(item, task, cat)
            if model is None:
                skipped += 1
                continue
            seen.add(key)
            extra.append(model)
        if skipped:
            notes.append(
                f"--discover: {skipped} Hub models for {tag} lacked a family or parameter count and were left out."
            )
    return extra, notes

"""`hub refresh`: fetch Hub metadata for many models in parallel, within a deadline, into the snapshot.

huggingface_hub is imported inside functions only (through :func:`whichmodel.hub.client.prepare`).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from whichmodel.hub.client import Call, classify, network_down, prepare
from whichmodel.hub.settings import HubError, HubSettings
from whichmodel.hub_snapshot import HubRecord, Snapshot, iso, read_snapshot, utc_now, write_snapshot

EXPAND = ["downloads", "likes", "cardData", "gated", "safetensors", "lastModified", "pipeline_tag", "config"]
"""The ``expand`` properties asked of ``model_info`` (only these come back)."""


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return (value.strip() or None) if isinstance(value, str) else None


def card_license(card_data: Any) -> str | None:
    """The card's ``license``; its ``license_name`` when the licence is ``other`` (Qwen, Gemma, ...)."""
    if card_data is None:
        return None
    get = card_data.get if isinstance(card_data, dict) else lambda k, d=None: getattr(card_data, k, d)
    lic = _str(get("license", None))
    name = _str(get("license_name", None))
    if lic == "other" and name:
        return name
    return lic


def _iso_value(value: Any) -> str | None:
    if isinstance(value, datetime):
        return iso(value)
    return _str(value)


def _gated(value: Any) -> bool | str | None:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return value
    return None


def config_architectures(config: Any) -> tuple[str, ...]:
    archs = config.get("architectures") if isinstance(config, dict) else None
    return tuple(a for a in archs if isinstance(a, str)) if isinstance(archs, list) else ()


def safetensors_total(safetensors: Any) -> int | None:
    if safetensors is None:
        return None
    total = safetensors.get("total") if isinstance(safetensors, dict) else getattr(safetensors, "total", None)
    return _int(total) if _int(total) else None


def record_from_info(info: Any, hub_id: str, fetched_at: str) -> HubRecord:
    """A snapshot record from a huggingface_hub ``ModelInfo``."""
    rid = getattr(info, "id", None)
    return HubRecord(
        hub_id=rid if isinstance(rid, str) and "/" in rid else hub_id,
        downloads=_int(getattr(info, "downloads", None)),
        likes=_int(getattr(info, "likes", None)),
        gated=_gated(getattr(info, "gated", None)),
        license=card_license(getattr(info, "card_data", None)),
        params=safetensors_total(getattr(info, "safetensors", None)),
        last_modified=_iso_value(getattr(info, "last_modified", None)),
        pipeline_tag=_str(getattr(info, "pipeline_tag", None)),
        fetched_at=fetched_at,
        architectures=config_architectures(getattr(info, "config", None)),
    )


def fetch_record(api: Any, hub_id: str, settings: HubSettings) -> HubRecord:
    """One ``model_info`` request; raises :class:`HubError`."""
    try:
        info = api.model_info(hub_id, expand=EXPAND, timeout=settings.timeout)
        return record_from_info(info, hub_id, iso(utc_now()))
    except Exception as exc:
        raise classify(exc, settings, hub_id) from None


def fetch_one(hub_id: str, settings: HubSettings | None = None) -> HubRecord:
    """`hub info --live`: one model's metadata straight from the Hub, within the deadline."""
    from whichmodel.hub.client import call_with_deadline

    settings = settings or HubSettings.from_env()
    api = prepare(settings)
    return call_with_deadline(
        lambda: fetch_record(api, hub_id, settings), settings, f"the request for {hub_id}"
    )


@dataclass
class RefreshResult:
    requested: list[str]
    records: list[HubRecord] = field(default_factory=list)
    failures: list[HubError] = field(default_factory=list)
    deadline_hit: bool = False
    elapsed_s: float = 0.0
    snapshot: Snapshot | None = None
    path: Path | None = None
    previous_kept: bool = False


POLL_S = 0.05  # how often the refresh looks for a connection failure the library is still retrying
NETWORK_KINDS = {"connect", "timeout"}


def fetch_all(
    hub_ids: Sequence[str],
    settings: HubSettings,
    progress: Callable[[str, bool], None] | None = None,
) -> RefreshResult:
    """Fetch every hub id with ``settings.workers`` parallel requests; stop waiting at ``settings.deadline``.

    Workers are daemon threads: past the deadline the command returns whatever the requests in flight
    are doing (each is bounded by ``settings.timeout`` anyway). ``progress(hub_id, ok)`` is called per model.
    """
    start = time.monotonic()
    result = RefreshResult(requested=list(hub_ids))
    api = prepare(settings)  # raises HubError("offline") before any request
    jobs: queue.Queue[str] = queue.Queue()
    for h in hub_ids:
        jobs.put(h)
    done: queue.Queue[tuple[str, HubRecord | HubError]] = queue.Queue()
    stop = threading.Event()
    call = Call()

    def worker() -> None:
        call.bind()
        while not stop.is_set():
            try:
                hub_id = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                done.put((hub_id, fetch_record(api, hub_id, settings)))
            except HubError as exc:
                done.put((hub_id, exc))
            except BaseException as exc:  # pragma: no cover - defensive
                done.put((hub_id, classify(exc, settings, hub_id)))

    for i in range(min(settings.workers, len(hub_ids))):
        threading.Thread(target=worker, name=f"whichmodel-hub-{i}", daemon=True).start()
    pending = set(hub_ids)
    deadline = start + settings.deadline
    unreachable: HubError | None = None
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            hub_id, outcome = done.get(timeout=min(left, POLL_S))
        except queue.Empty:
            if not result.records and (unreachable := network_down(call, settings)) is not None:
                break  # the library is still retrying a connection that failed: it will not get better
            continue
        pending.discard(hub_id)
        if isinstance(outcome, HubRecord):
            result.records.append(outcome)
        else:
            result.failures.append(outcome)
        if progress is not None:
            progress(hub_id, isinstance(outcome, HubRecord))
        if not result.records and isinstance(outcome, HubError) and outcome.kind in NETWORK_KINDS:
            unreachable = outcome  # the first connection failure, before anything worked, ends the refresh
            break
    stop.set()
    call.abandon()
    if unreachable is not None:
        result.failures = [unreachable]
        result.elapsed_s = time.monotonic() - start
        return result
    if pending:
        result.deadline_hit = True
        for hub_id in hub_ids:
            if hub_id in pending:
                result.failures.append(
                    HubError(
                        "deadline",
                        f"{hub_id} was not fetched within the {settings.deadline:g} s deadline",
                        "Try again later, or raise WHICHMODEL_HUB_DEADLINE",
                        hub_id,
                    )
                )
    order = {h: i for i, h in enumerate(hub_ids)}
    result.records.sort(key=lambda r: order.get(r.hub_id, len(order)))
    result.failures.sort(key=lambda e: order.get(e.hub_id or "", len(order)))
    result.elapsed_s = time.monotonic() - start
    return result


def refresh(
    hub_ids: Sequence[str],
    settings: HubSettings | None = None,
    path: Path | None = None,
    progress: Callable[[str, bool], None] | None = None,
) -> RefreshResult:
    """Fetch and merge into the snapshot at ``path`` (default location); write it atomically.

    Nothing is written when every request failed (``result.previous_kept``); a partial refresh merges
    what succeeded into the previous snapshot. Raises :class:`HubError` only for offline mode or settings.
    """
    settings = settings or HubSettings.from_env()
    result = fetch_all(hub_ids, settings, progress)
    if not result.records:
        result.previous_kept = True
        return result
    warnings: list[str] = []
    previous = read_snapshot(path, warnings) or Snapshot()
    snap = previous.merged(result.records, fetched_at=iso(utc_now()), endpoint=settings.endpoint)
    result.path = write_snapshot(snap, path)
    result.snapshot = snap
    return result


def summarize_failures(failures: Sequence[HubError]) -> HubError:
    """One error standing for a refresh where everything failed: the common cause when there is one."""
    kinds = {f.kind for f in failures}
    first = failures[0]
    if len(failures) == 1 or kinds <= {"connect"} or kinds <= {"offline"} or kinds <= {"server"}:
        return first
    if kinds <= {"timeout", "deadline", "connect"}:
        timeouts = [f for f in failures if f.kind == "timeout"]
        deadline = [f for f in failures if f.kind == "deadline"]
        if deadline and not timeouts:
            return HubError("deadline", first.message, first.hint)
        return timeouts[0] if timeouts else first
    if kinds == {"not-found"}:
        return HubError(
            "not-found",
            f"None of the {len(failures)} models was found on the Hub",
            "Check the ids and HF_ENDPOINT",
        )
    return HubError(
        first.kind,
        f"None of the {len(failures)} models could be fetched; the first failure: {first.message}",
        first.hint,
    )

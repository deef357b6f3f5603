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
from whichmodel.hub_snapshot import (
    HubRecord,
    Snapshot,
    backup,
    bounded_count,
    clean_text,
    gated_value,
    inspect_snapshot,
    iso,
    locked,
    snapshot_path,
    utc_now,
    write_snapshot,
)

EXPAND = ["downloads", "likes", "cardData", "gated", "safetensors", "lastModified", "pipeline_tag", "config"]
"""The ``expand`` properties asked of ``model_info`` (only these come back)."""


def _int(value: Any) -> int | None:
    """A count from the Hub, bounded (a 400-digit download count is unknown, not stored)."""
    return bounded_count(value)


def _str(value: Any) -> str | None:
    """A string from the Hub without control or bidi characters, cut to a sane length."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return clean_text(value)


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
    """False, "auto" or "manual"; any other value (escape codes included) is unknown."""
    return gated_value(value)


def config_architectures(config: Any) -> tuple[str, ...]:
    archs = config.get("architectures") if isinstance(config, dict) else None
    if not isinstance(archs, list):
        return ()
    return tuple(a for a in (clean_text(x) for x in archs[:20]) if a)


def safetensors_total(safetensors: Any) -> int | None:
    if safetensors is None:
        return None
    total = safetensors.get("total") if isinstance(safetensors, dict) else getattr(safetensors, "total", None)
    return _int(total) if _int(total) else None


def record_from_info(info: Any, hub_id: str, fetched_at: str) -> HubRecord:
    """A snapshot record from a huggingface_hub ``ModelInfo``, for the id that was asked for.

    The record is always filed under ``hub_id``: an answer for another repository (a redirect after a
    rename, or a wrong answer) never overwrites that repository's record. Raises ValueError when the
    answer names another repository that is not the same one spelt differently.
    """
    rid = getattr(info, "id", None)
    renamed = isinstance(rid, str) and rid.strip().lower() != hub_id.strip().lower()
    if renamed and str(rid).rsplit("/", 1)[-1].lower() != hub_id.rsplit("/", 1)[-1].lower():
        raise AnswerMismatch(f"the Hub answered for {clean_text(rid, 100)!r} when asked for {hub_id!r}")
    return HubRecord(
        hub_id=hub_id,
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


class AnswerMismatch(ValueError):
    """The Hub's answer is about another repository than the one asked for."""


def fetch_record(api: Any, hub_id: str, settings: HubSettings) -> HubRecord:
    """One ``model_info`` request; raises :class:`HubError`."""
    try:
        info = api.model_info(hub_id, expand=EXPAND, timeout=settings.timeout)
        return record_from_info(info, hub_id, iso(utc_now()))
    except AnswerMismatch as exc:
        raise HubError(
            "invalid",
            str(exc)[0].upper() + str(exc)[1:],
            "Check HF_ENDPOINT points at a Hugging Face Hub",
            hub_id,
        ) from None
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
    warnings: list[str] = field(default_factory=list)  # what happened to an unreadable previous snapshot
    backup: Path | None = None  # where an unreadable previous snapshot was moved


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
    p = path if path is not None else snapshot_path()
    before = inspect_snapshot(p)
    if before.state == "newer":  # refuse before any request: nothing fetched could be stored
        raise newer_error(p, before.reason)
    result = fetch_all(hub_ids, settings, progress)
    if not result.records:
        result.previous_kept = True
        return result
    with locked(p):  # re-read, merge and replace under the lock: concurrent refreshes all keep their records
        current = inspect_snapshot(p)
        if current.state == "newer":
            raise newer_error(p, current.reason)
        if current.state in ("corrupt", "unreadable", "partial"):
            try:
                result.backup = backup(p)
            except OSError as exc:
                raise OSError(
                    exc.errno,
                    f"the unreadable snapshot could not be kept as a backup ({exc.strerror or exc})",
                ) from None
            kept = "the readable records were kept; " if current.state == "partial" else ""
            result.warnings.append(
                f"The previous Hub snapshot could not be fully read ({current.reason}); {kept}"
                f"it was kept as {result.backup.name}."
            )
        previous = current.snapshot or Snapshot()
        snap = previous.merged(result.records, fetched_at=iso(utc_now()), endpoint=settings.shown_endpoint)
        result.path = write_snapshot(snap, p)
    result.snapshot = snap
    return result


def newer_error(path: Path, reason: str) -> HubError:
    return HubError(
        "setting",
        f"The Hub snapshot {clean_text(str(path), 300)} {reason.removeprefix('it ')}; refusing to overwrite it",
        "Upgrade whichmodel, or move the file away (or set WHICHMODEL_CACHE_DIR) to start a new snapshot",
    )


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

"""The Hub snapshot: Hugging Face Hub metadata for catalog models, as last fetched by `whichmodel hub refresh`.

This module is light on purpose (stdlib only; it never imports huggingface_hub): the advise engine and
`catalog show` read the snapshot on every run. Writing is atomic (a temporary file in the same folder,
then ``os.replace``), so a reader never sees a half-written snapshot.

File: ``<cache dir>/hub-snapshot.json`` where the cache dir is ``WHICHMODEL_CACHE_DIR`` when set, else
``platformdirs.user_cache_dir("whichmodel")``. Format::

    {"format": "whichmodel-hub-snapshot", "version": 1, "fetched_at": "2025-01-31T12:00:00Z",
     "endpoint": "https://huggingface.co",
     "models": {"openai-community/gpt2": {"hub_id": ..., "downloads": ..., ...}, ...}}
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whichmodel.paths import cache_dir

FORMAT = "whichmodel-hub-snapshot"
VERSION = 1
FILENAME = "hub-snapshot.json"
STALE_DAYS = 30.0
"""A snapshot (or record) older than this many days is stale: the advice notes it."""

_RECORD_KEYS = (
    "hub_id",
    "downloads",
    "likes",
    "gated",
    "license",
    "params",
    "last_modified",
    "pipeline_tag",
    "fetched_at",
    "architectures",
)


def snapshot_path() -> Path:
    """Where the snapshot lives (it may not exist)."""
    return cache_dir() / FILENAME


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """``2025-01-31T12:00:00Z`` (UTC, seconds)."""
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_iso(text: str | None) -> datetime | None:
    """Parse an ISO-8601 timestamp (``Z`` or an offset); None when absent or unreadable."""
    if not text or not isinstance(text, str):
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _age_days(stamp: str | None, now: datetime | None) -> float | None:
    dt = parse_iso(stamp)
    if dt is None:
        return None
    now = now or utc_now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return max(0.0, (now - dt).total_seconds() / 86400.0)


@dataclass(frozen=True)
class HubRecord:
    """What the Hub said about one repository when it was fetched. Unknown values are None.

    ``gated`` is the Hub's value: ``False``, ``"auto"`` or ``"manual"`` (None when unknown).
    ``license`` is the model card's ``license`` (its ``license_name`` when the licence is ``other``).
    ``params`` is the total parameter count from the safetensors metadata.
    """

    hub_id: str
    downloads: int | None = None
    likes: int | None = None
    gated: bool | str | None = None
    license: str | None = None
    params: int | None = None
    last_modified: str | None = None
    pipeline_tag: str | None = None
    fetched_at: str | None = None
    architectures: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_gated(self) -> bool:
        """True when users must accept conditions (or be approved) before downloading the weights."""
        return self.gated not in (None, False, "false", "False", "")

    @property
    def params_b(self) -> float | None:
        """Parameters in billions (from safetensors), or None."""
        return self.params / 1e9 if self.params else None

    def age_days(self, now: datetime | None = None) -> float | None:
        """Days since this record was fetched."""
        return _age_days(self.fetched_at, now)

    def is_stale(self, now: datetime | None = None, max_days: float = STALE_DAYS) -> bool:
        age = self.age_days(now)
        return age is None or age > max_days

    def advice_json(self) -> dict[str, Any]:
        """The ``hub`` object of an advise recommendation (and of `catalog show`)."""
        return {
            "downloads": self.downloads,
            "likes": self.likes,
            "gated": self.gated,
            "license": self.license,
            "last_modified": self.last_modified,
            "fetched_at": self.fetched_at,
        }

    def info_json(self) -> dict[str, Any]:
        """The `hub info --json` document."""
        return {
            "hub_id": self.hub_id,
            "downloads": self.downloads,
            "likes": self.likes,
            "gated": self.gated,
            "license": self.license,
            "params": self.params,
            "last_modified": self.last_modified,
            "pipeline_tag": self.pipeline_tag,
            "fetched_at": self.fetched_at,
        }

    def to_json(self) -> dict[str, Any]:
        out = self.info_json()
        out["architectures"] = list(self.architectures)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HubRecord:
        """Build a record from snapshot JSON; raises ValueError when it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("hub_id"), str) or "/" not in data["hub_id"]:
            raise ValueError("a record needs a hub_id of the form org/name")

        def _int(key: str) -> int | None:
            v = data.get(key)
            if v is None:
                return None
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ValueError(f"{key} must be a number")
            return int(v)

        def _str(key: str) -> str | None:
            v = data.get(key)
            if v is None:
                return None
            if not isinstance(v, str):
                raise ValueError(f"{key} must be a string")
            return v

        gated = data.get("gated")
        if gated is not None and not isinstance(gated, bool | str):
            raise ValueError("gated must be false, 'auto' or 'manual'")
        archs = data.get("architectures") or []
        if not isinstance(archs, list) or not all(isinstance(a, str) for a in archs):
            raise ValueError("architectures must be a list of strings")
        return cls(
            hub_id=data["hub_id"],
            downloads=_int("downloads"),
            likes=_int("likes"),
            gated=gated,
            license=_str("license"),
            params=_int("params"),
            last_modified=_str("last_modified"),
            pipeline_tag=_str("pipeline_tag"),
            fetched_at=_str("fetched_at"),
            architectures=tuple(archs),
        )


@dataclass
class Snapshot:
    """Every record of the snapshot, keyed case-insensitively by hub id."""

    fetched_at: str | None = None
    """When the last refresh that wrote this snapshot ran (ISO-8601 UTC)."""
    endpoint: str | None = None
    records: dict[str, HubRecord] = field(default_factory=dict)  # lower-case hub id -> record
    path: Path | None = None

    def get(self, hub_id: str) -> HubRecord | None:
        """The record for ``hub_id`` (case-insensitive), or None when the snapshot lacks it."""
        return self.records.get(hub_id.strip().lower())

    def __contains__(self, hub_id: object) -> bool:
        return isinstance(hub_id, str) and hub_id.strip().lower() in self.records

    def __len__(self) -> int:
        return len(self.records)

    def age_days(self, now: datetime | None = None) -> float | None:
        """Days since the last refresh (None when unknown)."""
        return _age_days(self.fetched_at, now)

    def is_stale(self, now: datetime | None = None, max_days: float = STALE_DAYS) -> bool:
        age = self.age_days(now)
        return age is None or age > max_days

    def merged(self, new: list[HubRecord], fetched_at: str, endpoint: str | None = None) -> Snapshot:
        """A new snapshot: these records replace the ones with the same hub id; the others stay."""
        records = dict(self.records)
        for r in new:
            records[r.hub_id.lower()] = r
        return Snapshot(
            fetched_at=fetched_at, endpoint=endpoint or self.endpoint, records=records, path=self.path
        )

    def to_json(self) -> dict[str, Any]:
        ordered = sorted(self.records.values(), key=lambda r: r.hub_id.lower())
        return {
            "format": FORMAT,
            "version": VERSION,
            "fetched_at": self.fetched_at,
            "endpoint": self.endpoint,
            "models": {r.hub_id: r.to_json() for r in ordered},
        }

    @classmethod
    def from_json(cls, data: Any, path: Path | None = None) -> Snapshot:
        """Raises ValueError when ``data`` is not a snapshot this version understands."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("it is not a whichmodel Hub snapshot")
        if data.get("version") != VERSION:
            raise ValueError(
                f"it has format version {data.get('version')!r}; this whichmodel reads {VERSION}"
            )
        models = data.get("models")
        if not isinstance(models, dict):
            raise ValueError("its 'models' is not a mapping")
        records: dict[str, HubRecord] = {}
        for key, value in models.items():
            try:
                rec = HubRecord.from_json(value)
            except ValueError as exc:
                raise ValueError(f"model {key!r}: {exc}") from None
            records[rec.hub_id.lower()] = rec
        fetched = data.get("fetched_at")
        endpoint = data.get("endpoint")
        return cls(
            fetched_at=fetched if isinstance(fetched, str) else None,
            endpoint=endpoint if isinstance(endpoint, str) else None,
            records=records,
            path=path,
        )


def read_snapshot(path: Path | None = None, warnings: list[str] | None = None) -> Snapshot | None:
    """The snapshot at ``path`` (default: :func:`snapshot_path`), or None when there is none.

    Never raises: a missing file gives None; an unreadable or corrupt one gives None and, when
    ``warnings`` is given, a sentence appended to it that the caller can show.
    """
    try:
        p = path if path is not None else snapshot_path()
    except Exception as exc:  # platformdirs failure: act as if there were no snapshot
        if warnings is not None:
            warnings.append(f"The Hub snapshot location could not be determined ({exc}); ignoring it.")
        return None
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        if warnings is not None:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            warnings.append(f"The Hub snapshot {p} cannot be read ({reason}); ignoring it.")
        return None
    try:
        return Snapshot.from_json(json.loads(text), path=p)
    except (ValueError, RecursionError) as exc:
        if warnings is not None:
            reason = "it is not valid JSON" if isinstance(exc, json.JSONDecodeError) else str(exc)
            warnings.append(
                f"The Hub snapshot {p} is corrupt ({reason}); ignoring it. "
                "Run `whichmodel hub refresh` to rebuild it."
            )
        return None


def write_snapshot(snapshot: Snapshot, path: Path | None = None) -> Path:
    """Write the snapshot atomically (temporary file, fsync, ``os.replace``); returns its path.

    Raises OSError when the folder cannot be created or written; the previous file is then untouched.
    """
    import tempfile

    p = path if path is not None else snapshot_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(snapshot.to_json(), indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".hub-snapshot-", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return p

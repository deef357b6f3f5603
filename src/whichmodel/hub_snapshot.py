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
import math
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whichmodel.paths import MAX_DOCUMENT_BYTES, FileTooLarge, NotRegularFile, cache_dir, read_bounded
from whichmodel.vocab import STALE_DAYS  # re-exported: a snapshot older than this is stale

FORMAT = "whichmodel-hub-snapshot"
VERSION = 1
FILENAME = "hub-snapshot.json"
MAX_COUNT = 10**15
"""The largest count (downloads, likes, parameters) taken from the Hub or a snapshot: a quadrillion, the
catalog's own limit for parameters (``MAX_PARAMS_B`` = 1e6 billion). Past it a value is not believable;
it is dropped (unknown) rather than stored, so it cannot break later arithmetic or JSON output."""
MAX_TEXT = 300
"""The longest string kept from the Hub (ids are at most 96 characters on the Hub; licences and tags less)."""
GATED_VALUES = (False, "auto", "manual")
"""What the Hub's ``gated`` may be (huggingface_hub ``ModelInfo.gated``)."""
LOCK_TIMEOUT_S = 60.0
"""How long a refresh waits for another refresh to finish writing the snapshot (an assumption)."""

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: object, limit: int = MAX_TEXT) -> str | None:
    """A string from outside without control or bidi characters, stripped and cut to ``limit``; None when empty."""
    if not isinstance(value, str):
        return None
    text = " ".join(_UNPRINTABLE.sub("", value).split())[:limit]
    return text or None


def bounded_count(value: object) -> int | None:
    """A whole number from 0 to :data:`MAX_COUNT`, else None (a bool, a string, 1e400, -5, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if not 0 <= value <= MAX_COUNT:
        return None
    return int(value)


def gated_value(value: object) -> bool | str | None:
    """The Hub's ``gated``: False, ``"auto"`` or ``"manual"`` (True reads as ``"auto"``); anything else None."""
    if value is True:
        return "auto"
    if value is False or value is None:
        return value
    if isinstance(value, str) and value.strip().lower() in ("auto", "manual"):
        return value.strip().lower()
    if isinstance(value, str) and value.strip().lower() == "false":
        return False
    return None


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

        if len(data["hub_id"]) > MAX_TEXT or clean_text(data["hub_id"]) != data["hub_id"]:
            raise ValueError("its hub_id is too long or holds control characters")

        def _int(key: str) -> int | None:
            v = data.get(key)
            if v is None:
                return None
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ValueError(f"{key} must be a number")
            if bounded_count(v) is None:
                raise ValueError(f"{key} must be a whole number from 0 to {MAX_COUNT:.0e}")
            return int(v)

        def _str(key: str) -> str | None:
            v = data.get(key)
            if v is None:
                return None
            if not isinstance(v, str):
                raise ValueError(f"{key} must be a string")
            return clean_text(v)

        gated = data.get("gated")
        if gated is not None and gated is not False and gated not in ("auto", "manual"):
            raise ValueError("gated must be false, 'auto' or 'manual'")
        archs = data.get("architectures") or []
        if not isinstance(archs, list) or not all(isinstance(a, str) for a in archs) or len(archs) > 100:
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
            architectures=tuple(a for a in (clean_text(x) for x in archs) if a),
        )


@dataclass
class Snapshot:
    """Every record of the snapshot, keyed case-insensitively by hub id."""

    fetched_at: str | None = None
    """When the last refresh that wrote this snapshot ran (ISO-8601 UTC)."""
    endpoint: str | None = None
    records: dict[str, HubRecord] = field(default_factory=dict)  # lower-case hub id -> record
    path: Path | None = None
    skipped: list[str] = field(
        default_factory=list
    )  # "model 'x': why" for each record that could not be read

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
            "endpoint": _redacted(self.endpoint) if self.endpoint else None,
            "models": {r.hub_id: r.to_json() for r in ordered},
        }

    @classmethod
    def from_json(cls, data: Any, path: Path | None = None) -> Snapshot:
        """Raises ValueError when ``data`` is not a snapshot this version understands."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("it is not a whichmodel Hub snapshot")
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            raise NewerSnapshot(
                f"it was written by a newer whichmodel (format version {version}); this one reads {VERSION}"
            )
        if version != VERSION:
            raise ValueError(f"it has format version {str(version)[:20]!r}; this whichmodel reads {VERSION}")
        models = data.get("models")
        if not isinstance(models, dict):
            raise ValueError("its 'models' is not a mapping")
        records: dict[str, HubRecord] = {}
        skipped: list[str] = []
        for key, value in models.items():
            try:
                rec = HubRecord.from_json(value)
            except (ValueError, OverflowError) as exc:  # one bad record costs that record, not the snapshot
                skipped.append(f"model {clean_text(str(key), 100)!r}: {exc}")
                continue
            records[rec.hub_id.lower()] = rec
        fetched = data.get("fetched_at")
        endpoint = data.get("endpoint")
        return cls(
            fetched_at=fetched if isinstance(fetched, str) else None,
            endpoint=_redacted(endpoint) if isinstance(endpoint, str) else None,
            records=records,
            path=path,
            skipped=skipped,
        )


def redact_url(url: str) -> str:
    """``url`` without credentials: no user or password, no query string or fragment (``?token=``).

    Used wherever an endpoint is shown (messages, ``--json``) or stored (the snapshot).
    """
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "(an invalid URL)"
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{port}" if port is not None else "")
    if parts.username is not None or parts.password is not None:
        netloc = "***@" + netloc
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _redacted(endpoint: str) -> str | None:
    """A stored endpoint without credentials (0.1 stored ``http://user:token@mirror`` as given)."""

    return clean_text(redact_url(endpoint))


class NewerSnapshot(ValueError):
    """The snapshot was written by a newer whichmodel: read nothing from it, and never overwrite it."""


@dataclass
class SnapshotFile:
    """What is at the snapshot's path: ``state`` is missing, ok, partial (some records skipped), corrupt,
    newer or unreadable; ``reason`` says why when it is not ok."""

    path: Path
    state: str
    snapshot: Snapshot | None = None
    reason: str = ""


def inspect_snapshot(p: Path) -> SnapshotFile:
    """Read the snapshot at ``p`` (bounded; a pipe or device is refused before reading). Never raises."""
    try:
        raw = read_bounded(p, MAX_DOCUMENT_BYTES)
    except FileNotFoundError:
        return SnapshotFile(p, "missing")
    except (NotRegularFile, FileTooLarge) as exc:
        return SnapshotFile(p, "unreadable", reason=str(exc))
    except OSError as exc:
        return SnapshotFile(p, "unreadable", reason=exc.strerror or type(exc).__name__)
    try:
        snap = Snapshot.from_json(json.loads(raw.decode("utf-8")), path=p)
    except NewerSnapshot as exc:
        return SnapshotFile(p, "newer", reason=str(exc))
    except UnicodeDecodeError:
        return SnapshotFile(p, "corrupt", reason="it is not UTF-8 text")
    except json.JSONDecodeError:
        return SnapshotFile(p, "corrupt", reason="it is not valid JSON; it may be truncated")
    except (ValueError, RecursionError, OverflowError) as exc:
        return SnapshotFile(
            p, "corrupt", reason=str(exc) if isinstance(exc, ValueError) else "it nests too deeply"
        )
    if snap.skipped:
        n = len(snap.skipped)
        first = snap.skipped[0]
        return SnapshotFile(
            p, "partial", snap, f"{n} record{'s' if n != 1 else ''} could not be read ({first})"
        )
    return SnapshotFile(p, "ok", snap)


def read_snapshot(path: Path | None = None, warnings: list[str] | None = None) -> Snapshot | None:
    """The snapshot at ``path`` (default: :func:`snapshot_path`), or None when there is none.

    Never raises: a missing file gives None; an unreadable or corrupt one gives None and, when
    ``warnings`` is given, a sentence appended to it that the caller can show. Records that cannot be
    read are skipped (with a warning); the others are used.
    """
    try:
        p = path if path is not None else snapshot_path()
    except Exception as exc:  # platformdirs failure: act as if there were no snapshot
        if warnings is not None:
            warnings.append(f"The Hub snapshot location could not be determined ({exc}); ignoring it.")
        return None
    found = inspect_snapshot(p)
    if warnings is not None:
        shown = clean_text(str(p), 500)
        if found.state == "unreadable":
            warnings.append(f"The Hub snapshot {shown} cannot be read ({found.reason}); ignoring it.")
        elif found.state == "newer":
            warnings.append(
                f"The Hub snapshot {shown} cannot be used: {found.reason}; ignoring it. Upgrade whichmodel to use it."
            )
        elif found.state == "corrupt":
            warnings.append(
                f"The Hub snapshot {shown} is corrupt ({found.reason}); ignoring it. "
                "`whichmodel hub refresh` keeps it as a backup and writes a new one."
            )
        elif found.state == "partial":
            warnings.append(f"The Hub snapshot {shown}: {found.reason}; those records are ignored.")
    return found.snapshot


class SnapshotBusy(OSError):
    """Another refresh holds the snapshot's lock for longer than :data:`LOCK_TIMEOUT_S`."""


@contextlib.contextmanager
def locked(path: Path | None = None, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive lock (``fcntl.flock`` on ``hub-snapshot.lock`` beside the snapshot) for a
    read-merge-write, so concurrent refreshes merge instead of losing each other's records.

    Where there is no ``fcntl`` (Windows) there is no lock. Raises :class:`SnapshotBusy` after ``timeout``.
    """
    p = path if path is not None else snapshot_path()
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(
        p.with_name(p.name.removesuffix(".json") + ".lock"),
        os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0),
        0o600,
    )
    try:
        end = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= end:
                    raise SnapshotBusy(
                        f"another `whichmodel hub refresh` has held {p} for {timeout:g} s"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def backup(path: Path) -> Path:
    """Rename the snapshot at ``path`` to ``<name>.bak-<UTC time>`` and return the new name (OSError on failure)."""
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.bak-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bak-{stamp}-{n}")
    os.replace(path, target)
    return target


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

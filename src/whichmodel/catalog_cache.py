"""The catalog cache: a validated catalog saved as plain JSON, so later runs skip parsing and validation.

Nothing in it can run code (it was a pickle before 0.2; a planted pickle ran as the user). The rules:

- **Data only.** The file is JSON: the catalog's entries as ``model_dump(mode="json", exclude_unset=True)`` wrote them, plus
  where each model came from. Reading it rebuilds the pydantic objects field by field
  (:func:`_restorer`). Only the fields the catalog file set are stored (``exclude_unset``); the others get
  their defaults back, and the set of fields given is kept (``catalog show --json`` prints only those). A
  field that is not the schema's, a missing required one, or a value of the wrong shape, makes the whole
  file count as absent.
- **Keyed by what was parsed and by what parses it.** The key is a SHA-256 of the exact bytes of every
  catalog file (the same bytes that are then parsed: a file edited during a run cannot be cached under its
  old contents), their labels, whichmodel's version, Python's version and the source of the modules that
  read and validate them (:data:`CODE_MODULES`). The key is both the file name and a field inside the file;
  a SHA-256 of the payload guards against truncation and bit rot.
- **Opened safely.** Only in a folder that is a real directory owned by this user and writable by nobody
  else; the file is opened with ``O_NOFOLLOW`` (a symlink is refused), and ownership, mode, type and size
  are checked on the open descriptor (no stat/open race).
- **Written atomically.** A temporary file in the same folder, then ``os.replace``; the temporary file is
  removed on any failure (a full disk), and stale ones from killed runs are swept.

Any failure (unreadable, mismatching, foreign, corrupt) means "no cache": the catalog is built again and
the cache rewritten. A cache is an optimisation; it never makes a command fail.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import time
import types
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whichmodel import __version__
from whichmodel.paths import cache_dir, private_dir, read_bounded

if TYPE_CHECKING:
    from whichmodel.catalog import Catalog

FORMAT = "whichmodel-catalog-cache"
VERSION = 1
PREFIX = "catalog-"
SUFFIX = ".json"
TEMP_PREFIX = ".catalog-"
MAX_CACHE_BYTES = 1024 * 1024 * 1024
"""The largest cache file read back: a catalog of 16 x 64 MB files (an assumption: far beyond any real catalog)."""
KEEP = 4
"""Cache files kept (several catalogs in turn, e.g. with and without ``--catalog``, each stay cached)."""
STALE_TEMP_S = 3600.0
"""A temporary file older than this (seconds) is left over from a killed run and is removed."""
CODE_MODULES = (
    "catalog.py",
    "catalog_schema.py",
    "catalog_cache.py",
    "rule_specs.py",
    "yamlio.py",
    "paths.py",
)
"""The modules whose source is part of the key: the code that reads, validates and caches catalog files
(rule_specs.py: weights are validated against the rule registry)."""

_SECTIONS = ("models", "tasks", "architectures", "accelerators", "serving", "licenses", "languages")


def code_digest() -> bytes:
    """A SHA-256 of whichmodel's version, Python's version and the source of :data:`CODE_MODULES`."""
    h = hashlib.sha256(f"{FORMAT}\0{VERSION}\0{__version__}\0{sys.version}\0".encode())
    here = Path(__file__).resolve().parent
    for name in CODE_MODULES:
        try:
            h.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
        except OSError:
            h.update(name.encode() + b"\0missing\0")
    return h.digest()


def cache_key(files: Sequence[tuple[str, bytes]]) -> str:
    """The key for these (label, exact bytes) pairs, in order."""
    h = hashlib.sha256(code_digest())
    for label, data in files:
        lab = label.encode("utf-8", "surrogateescape")
        h.update(len(lab).to_bytes(8, "little") + lab + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()[:40]


def _folder() -> Path | None:
    """The cache folder when it is safe to use (created private when missing), else None."""
    try:
        folder = cache_dir()
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        return folder if private_dir(folder) else None
    except (OSError, RuntimeError, ValueError):  # RuntimeError: '~' names no known home
        return None


def cache_path(key: str) -> Path | None:
    folder = _folder()
    return folder / f"{PREFIX}{key}{SUFFIX}" if folder is not None else None


# -- reading -------------------------------------------------------------------------------------------


class _Mismatch(Exception):
    """The cache file does not hold what this version would have written."""


def read(key: str, factory: Callable[[], Catalog]) -> Catalog | None:
    """The cached catalog for ``key`` (built with ``factory``, the empty :class:`Catalog`), or None (missing,
    unsafe, corrupt or written by other code)."""
    path = cache_path(key)
    if path is None:
        return None
    try:
        raw = read_bounded(path, MAX_CACHE_BYTES, nofollow=True, private=True)
        head, sep, body = raw.partition(b"\n")
        meta = json.loads(head)
        if (
            not sep
            or not isinstance(meta, dict)
            or meta.get("format") != FORMAT
            or meta.get("version") != VERSION
            or meta.get("key") != key
            or meta.get("sha256") != hashlib.sha256(body).hexdigest()
        ):
            return None
        return _catalog(json.loads(body), factory)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError, _Mismatch):
        return None


def _catalog(data: Any, factory: Callable[[], Catalog]) -> Catalog:
    from whichmodel import catalog_schema as schema

    if not isinstance(data, dict):
        raise _Mismatch
    cat = factory()
    classes = {
        "models": schema.Model,
        "tasks": schema.Task,
        "architectures": schema.Architecture,
        "accelerators": schema.Accelerator,
        "serving": schema.ServingTarget,
        "licenses": schema.License,
        "languages": schema.Language,
    }
    for section in _SECTIONS:
        restore = _restorer(classes[section])
        target: dict[str, Any] = getattr(cat, section)
        entries = data[section]
        if not isinstance(entries, list):
            raise _Mismatch
        for item in entries:
            entry = restore(item)
            target[entry.id.lower() if section == "models" else entry.id] = entry
    weights = data["weights"]
    cat.weights = None if weights is None else _restorer(schema.Weights)(weights)
    wo = data["weights_origin"]
    cat.weights_origin = None if wo is None else (_str(wo[0]), _opt_path(wo[1]))
    cat.files = [_str(f) for f in data["files"]]
    origin = data["origin"]
    if not isinstance(origin, dict) or set(origin) != set(cat.models):
        raise _Mismatch
    paths: dict[Any, Path | None] = {None: None}  # one Path object per file, not one per model
    cat.origin = {}
    for k, v in origin.items():
        where = v[1]
        if where not in paths:
            paths[where] = _opt_path(where)
        cat.origin[k] = (_str(v[0]), paths[where], _int(v[2]))
    cat.index()
    return cat


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise _Mismatch
    return v


def _int(v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise _Mismatch
    return v


def _opt_path(v: Any) -> Path | None:
    return None if v is None else Path(_str(v))


_RESTORERS: dict[type, Callable[[Any], Any]] = {}


def _restorer(cls: type) -> Callable[[Any], Any]:
    """A function that rebuilds a ``cls`` instance from its ``model_dump(mode="json")`` without re-validating.

    Validation already ran before the cache was written, and the cache is keyed by the schema's source, so
    rebuilding is what unpickling did, minus the code execution: set the instance's fields. Nested models
    (in lists, dicts, optionals) are rebuilt the same way; the plan comes from the schema's annotations, so
    a field added to the schema needs no change here.
    """
    if cls in _RESTORERS:
        return _RESTORERS[cls]
    import copy

    fields = cls.model_fields  # type: ignore[attr-defined]
    names = frozenset(fields)
    required = frozenset(name for name, info in fields.items() if info.is_required())
    convert: dict[str, Callable[[Any], Any]] = {}
    static: dict[str, Any] = {}  # immutable defaults (None, text, numbers): shared safely
    factories: dict[str, Callable[[], Any]] = {}  # mutable ones: a new value per instance
    for name, info in fields.items():
        fn = _converter(info.annotation)
        if fn is not None:
            convert[name] = fn
        if info.default_factory is not None:
            factories[name] = info.default_factory  # type: ignore[assignment,unused-ignore]
        elif not info.is_required():
            if isinstance(info.default, str | int | float | bool | type(None) | tuple):
                static[name] = info.default
            else:  # pragma: no cover - no mutable plain default in the schema today
                factories[name] = functools.partial(copy.deepcopy, info.default)
    setattr_ = object.__setattr__

    def restore(data: Any) -> Any:
        if not isinstance(data, dict):
            raise _Mismatch
        given = set(data)  # the fields the catalog file set: `catalog show --json` prints only these
        if not given <= names or not required <= given:
            raise _Mismatch
        full = {**static, **data}
        for name, factory in factories.items():
            if name not in given:
                full[name] = factory()
        for name, fn in convert.items():
            full[name] = fn(full[name])
        data = full
        obj: Any = object.__new__(cls)
        setattr_(obj, "__dict__", data)
        setattr_(obj, "__pydantic_fields_set__", given)
        setattr_(obj, "__pydantic_extra__", None)
        setattr_(obj, "__pydantic_private__", None)
        return obj

    _RESTORERS[cls] = restore
    return restore


def _restore_model(cls: type, v: Any) -> Any:
    return _restorer(cls)(v)


def _optional(fn: Callable[[Any], Any], v: Any) -> Any:
    return None if v is None else fn(v)


def _list_of(fn: Callable[[Any], Any], v: Any) -> list[Any]:
    return [fn(x) for x in _list(v)]


def _dict_of(fn: Callable[[Any], Any], v: Any) -> dict[str, Any]:
    return {k: fn(x) for k, x in _dict(v).items()}


def _tuple(v: Any) -> tuple[Any, ...]:  # pragma: no cover - no tuple field today; JSON has lists only
    return tuple(_list(v))


def _converter(annotation: Any) -> Callable[[Any], Any] | None:
    """How to rebuild a value of this type from JSON; None when JSON already is the value (str, float, ...)."""
    from pydantic import BaseModel

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _converter(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return functools.partial(_restore_model, annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            fn = _converter(inner[0])
            if fn is not None:
                return functools.partial(_optional, fn)
            return None
        if any(_converter(a) is not None for a in inner):  # pragma: no cover - no such field today
            raise TypeError(f"cannot cache a union of models: {annotation!r}")
        return None
    if origin is list:
        fn = _converter(args[0]) if args else None
        if fn is None:
            return _list
        return functools.partial(_list_of, fn)
    if origin is dict:
        fn = _converter(args[1]) if len(args) == 2 else None
        if fn is None:
            return _dict
        return functools.partial(_dict_of, fn)
    if origin is tuple:  # pragma: no cover - no tuple field today; JSON has lists only
        return _tuple
    return None


def _list(v: Any) -> list[Any]:
    if not isinstance(v, list):
        raise _Mismatch
    return v


def _dict(v: Any) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _Mismatch
    return v


# -- writing -------------------------------------------------------------------------------------------


def dump(cat: Catalog) -> dict[str, Any]:
    data: dict[str, Any] = {
        section: [e.model_dump(mode="json", exclude_unset=True) for e in getattr(cat, section).values()]
        for section in _SECTIONS
    }
    data["weights"] = (
        cat.weights.model_dump(mode="json", exclude_unset=True) if cat.weights is not None else None
    )
    wo = cat.weights_origin
    data["weights_origin"] = None if wo is None else [wo[0], str(wo[1]) if wo[1] is not None else None]
    data["files"] = list(cat.files)
    data["origin"] = {k: [v[0], str(v[1]) if v[1] is not None else None, v[2]] for k, v in cat.origin.items()}
    return data


def write(key: str, cat: Catalog) -> Path | None:
    """Save ``cat`` under ``key`` atomically; returns the path, or None when nothing could be written."""
    import tempfile

    folder = _folder()
    if folder is None:
        return None
    sweep(folder)
    try:
        body = json.dumps(dump(cat), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except (TypeError, ValueError):
        return None
    meta = {"format": FORMAT, "version": VERSION, "key": key, "sha256": hashlib.sha256(body).hexdigest()}
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(json.dumps(meta).encode() + b"\n" + body)
        target = folder / f"{PREFIX}{key}{SUFFIX}"
        os.replace(tmp, target)
        tmp = None
        return target
    except OSError:
        return None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def sweep(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` newest cache files, the pickles of whichmodel 0.1 (never read) and stale
    temporary files. A file that cannot be removed (another user's, in a sticky folder) is left alone."""
    now = time.time()
    try:
        names = os.listdir(folder)
    except OSError:
        return
    caches: list[tuple[float, Path]] = []
    for name in names:
        path = folder / name
        try:
            if name.startswith(PREFIX) and name.endswith(".pickle"):
                os.unlink(path)
            elif name.startswith(TEMP_PREFIX):
                if now - os.lstat(path).st_mtime >= STALE_TEMP_S:  # younger: another run may be writing it
                    os.unlink(path)
            elif name.startswith(PREFIX) and name.endswith(SUFFIX):
                caches.append((os.lstat(path).st_mtime, path))
        except OSError:
            continue
    caches.sort(reverse=True)
    for _, path in caches[max(0, keep - 1) :]:  # room for the one about to be written
        with contextlib.suppress(OSError):
            os.unlink(path)

"""Loading the catalog: the bundled files, then user files, validated, merged and cross-checked.

Every problem is collected (not just the first) and reported as ``file:line: field: message``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whichmodel.catalog_schema import (
    FAMILIES,
    PLAIN_TEXT,
    SECTIONS,
    Accelerator,
    Architecture,
    CatalogFile,
    Language,
    License,
    Model,
    ServingTarget,
    Task,
    Weights,
)

CATALOG_SUFFIXES = (".yaml", ".yml", ".json")
CACHE_MAX_JSON_BYTES = 16 * 1024 * 1024
"""Past this many bytes of JSON catalog files the cache is skipped: JSON parsing plus pydantic's validation
(in Rust) is about as fast as reading the cache back, so a cache would only cost disk and memory. Measured
on the development machine (loaded): 100,000 plain models (24 MB) build in 3.5 s, their cache loads in
4.7 s; 10,000 models copied from the bundled ones (8.6 MB) build in 0.78 s and load cached in 0.60 s.
YAML is what the cache is for (the bundled catalog: 150 ms to parse and validate, 5-12 ms cached)."""
ENV_CATALOG = "WHICHMODEL_CATALOG"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        # one line each, and no control or bidi character from the input (a file name, an id, an unknown key)
        file, field, message = (visible(x) for x in (self.file, self.field, self.message))
        return f"{file}:{self.line or 1}: {field or '-'}: {message}"


_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: object) -> str:
    """``text`` on one line, with control and bidi characters written as escapes (``\\x1b``, ``\\u202e``):
    an escape sequence in a catalog id or a file name must not drive the terminal that prints it."""
    one_line = " ".join(str(text).split())
    return _INVISIBLE.sub(lambda m: repr(m.group())[1:-1], one_line)


class CatalogError(Exception):
    """The catalog is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        super().__init__(str(first) if first else "invalid catalog")


class UnknownName(LookupError):
    """A model, task or accelerator name the catalog does not know; ``matches`` are the closest names."""

    def __init__(self, kind: str, name: str, matches: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.matches = list(matches)
        super().__init__(f"unknown {kind} {name!r}")


def bundled_dir() -> Path:
    """The bundled catalog: shipped inside the wheel, or ``catalog/`` at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    shipped = here / "_catalog"
    if shipped.is_dir():
        return shipped
    return here.parent.parent / "catalog"


def expand_paths(paths: Iterable[Path], problems: list[Problem] | None = None) -> list[Path]:
    """Files named directly, and the catalog files inside folders (sorted, recursively).

    A sub-folder that cannot be read is reported in ``problems`` (when given), never skipped in silence.
    """
    out: list[Path] = []
    for p in paths:
        if _is_dir(p):
            found: list[Path] = []

            def unreadable(exc: OSError, p: Path = p) -> None:
                if problems is not None:
                    where = exc.filename or p
                    problems.append(Problem(str(where), None, "-", f"cannot be read ({exc.strerror or exc})"))

            for root, dirs, names in os.walk(p, onerror=unreadable):
                dirs.sort()
                for name in names:
                    f = Path(root) / name
                    if f.suffix.lower() in CATALOG_SUFFIXES and _is_file(f):
                        found.append(f)
            out.extend(sorted(found))
        else:
            out.append(p)
    return out


def _is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except (OSError, ValueError):
        return False


def _is_file(p: Path) -> bool:
    try:
        return p.is_file()
    except (OSError, ValueError):
        return False


def user_paths(extra: Sequence[str | Path] = ()) -> list[Path]:
    """User catalogs: those in ``WHICHMODEL_CATALOG`` (path-separated), then ``--catalog`` ones."""
    env = os.environ.get(ENV_CATALOG, "")
    paths = [Path(p) for p in env.split(os.pathsep) if p.strip()]
    paths.extend(Path(p) for p in extra)
    return paths


def _loc_text(loc: tuple[Any, ...], data: Any) -> str:
    """Render a pydantic location as ``models[3].params_b`` and name the entry's id when there is one."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and 0 <= item < len(node):
                node = node[item]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label = f"[{node['id']}]"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)


def _message(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden":
        return "unknown field (not part of the catalog format; check its spelling)"
    if err.get("type") == "missing":
        return "required field is missing"
    inp = err.get("input")
    if err.get("type") == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == PLAIN_TEXT:
        char = next((c for c in str(inp) if re.match(PLAIN_TEXT, c) is None), "?")
        return f"contains the control character U+{ord(char):04X}; write plain text"
    if err.get("type") in {"literal_error", "string_pattern_mismatch"} and isinstance(inp, str | int | float):
        return f"{msg} (got {str(inp)[:60]!r})"
    return msg


@dataclass
class FileResult:
    path: Path
    doc: CatalogFile | None
    problems: list[Problem]
    document: Any = None  # the parsed yamlio.Document: its text and node tree give line numbers later


def read_file(
    path: Path, label: str | None = None, text: str | None = None, data: bytes | None = None
) -> FileResult:
    """Read and validate one catalog file (from ``text`` or ``data`` when given); never raises for bad content.

    The file is parsed (composed) once; every problem's line is looked up in that one tree, so reporting
    thousands of problems stays linear.
    """
    from pydantic import ValidationError

    from whichmodel import yamlio

    name = label or str(path)
    try:
        if text is None:
            text = yamlio.decode(path, data) if data is not None else yamlio.read_text(path)
        document = yamlio.parse_document(path, text)
    except yamlio.DocumentError as exc:
        return FileResult(path, None, [Problem(name, exc.line, "-", exc.message)])
    data = document.data
    if data is None:
        return FileResult(
            path,
            None,
            [Problem(name, 1, "-", "is empty; a catalog file is a mapping such as `models: [...]`")],
        )
    if not isinstance(data, dict):
        kind = type(data).__name__
        return FileResult(
            path,
            None,
            [Problem(name, 1, "-", f"holds a {kind}, not a mapping; write `models:` followed by a list")],
        )
    try:
        doc = CatalogFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            problems.append(Problem(name, document.line_of(loc), _loc_text(loc, data), _message(dict(err))))
        return FileResult(path, None, problems, document)
    problems = []
    for section in SECTIONS:
        entries = getattr(doc, section) or []
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries):
            key = entry.id.lower()
            if key in seen:
                problems.append(
                    Problem(
                        name,
                        document.line_of((section, i, "id")),
                        f"{section}[{entry.id}].id",
                        f"duplicate id {entry.id!r} (first at entry {seen[key] + 1}); ids must be unique in a file",
                    )
                )
            else:
                seen[key] = i
    return FileResult(path, doc if not problems else None, problems, document)


@dataclass
class Catalog:
    """The merged catalog with its lookup indexes. Build it with :func:`load_catalog`."""

    models: dict[str, Model] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    architectures: dict[str, Architecture] = field(default_factory=dict)
    accelerators: dict[str, Accelerator] = field(default_factory=dict)
    serving: dict[str, ServingTarget] = field(default_factory=dict)
    licenses: dict[str, License] = field(default_factory=dict)
    languages: dict[str, Language] = field(default_factory=dict)
    weights: Weights | None = None
    weights_origin: tuple[str, Path | None] | None = None  # (file label, path) of the last `weights:` section
    files: list[str] = field(default_factory=list)
    origin: dict[str, tuple[str, Path | None, int]] = field(
        default_factory=dict
    )  # model id -> (file, path, index)
    _model_index: dict[str, str] = field(default_factory=dict)
    _task_index: dict[str, str] = field(default_factory=dict)
    _accel_index: dict[str, str] = field(default_factory=dict)
    _documents: dict[Path, Any] = field(
        default_factory=dict, repr=False
    )  # path -> yamlio.Document (not cached)

    # -- building ----------------------------------------------------------------------------------

    def add(self, doc: CatalogFile, source: str, path: Path | None = None) -> None:
        for section in SECTIONS:
            target: dict[str, Any] = getattr(self, section)
            for i, entry in enumerate(getattr(doc, section) or []):
                key = entry.id.lower() if section == "models" else entry.id
                # a replaced entry keeps its place; a new one goes last
                target[key] = entry
                if section == "models":
                    self.origin[key] = (source, path, i)
        if doc.weights is not None:
            self.weights_origin = (source, path)
            merged = dict(self.weights.rules) if self.weights else {}
            merged.update(doc.weights.rules)
            self.weights = Weights(rules=merged, sources=doc.weights.sources)
        self.files.append(source)

    def index(self) -> None:
        self._model_index = {key: key for key in self.models}
        for key, m in self.models.items():
            self._model_index.setdefault(m.hub_id.lower(), key)
        self._task_index = {}
        for t in self.tasks.values():
            for name in (t.id, *t.aliases, t.pipeline_tag or t.id):
                self._task_index.setdefault(_norm(name), t.id)
        self._accel_index = {}
        for a in self.accelerators.values():
            for name in (a.id, *a.aliases):
                self._accel_index.setdefault(_norm(name), a.id)

    def check(self) -> list[Problem]:
        """Cross-references between sections: every name a model or task uses must exist."""
        problems: list[Problem] = []

        def add(entry_file: str, fieldname: str, message: str, line: int | None = None) -> None:
            problems.append(Problem(entry_file, line, fieldname, message))

        def line(path: Path | None, loc: tuple[Any, ...]) -> int | None:
            # from the text parsed at load time: a file is never read twice (a FIFO, a file edited meanwhile)
            document = self._documents.get(path) if path is not None else None
            return document.line_of(loc) if document is not None else None

        def model_problem(key: str, sub: str, message: str) -> None:
            label, path, i = self.origin.get(key, (bundled, None, 0))
            problems.append(
                Problem(
                    label, line(path, ("models", i, sub)), f"models[{self.models[key].id}].{sub}", message
                )
            )

        bundled = self.files[0] if self.files else "catalog"
        for section in ("tasks", "architectures", "accelerators", "licenses"):
            if not getattr(self, section):
                add(bundled, section, f"the catalog has no {section}; the bundled catalog must provide them")
        if self.weights is None:
            add(bundled, "weights", "the catalog has no rule weights")
        else:
            from whichmodel.rule_specs import PREFERENCE_IDS as RULES

            for name in [r for r in RULES if r not in self.weights.rules]:
                add(bundled, f"weights.rules.{name}", f"preference rule {name!r} has no weight")
            for name in self.weights.rules:
                if name not in RULES:
                    hint = _closest(name, list(RULES))
                    extra = f" (did you mean {hint[0]!r}?)" if hint else f"; known: {', '.join(RULES)}"
                    label, wpath = self.weights_origin or (bundled, None)
                    add(
                        label,
                        f"weights.rules.{name}",
                        f"unknown rule {name!r}{extra}",
                        line(wpath, ("weights", "rules", name)),
                    )
        missing = [f for f in FAMILIES if f not in self.architectures]
        if self.architectures and missing:
            add(
                bundled,
                "architectures",
                f"missing famil{'y' if len(missing) == 1 else 'ies'}: {', '.join(missing)}",
            )
        objectives = {o.id for a in self.architectures.values() for o in a.objectives}
        for t in self.tasks.values():
            for fam in t.families:
                if self.architectures and fam not in self.architectures:
                    add(bundled, f"tasks[{t.id}].families", f"names family {fam!r} that the catalog lacks")
            for rid in t.related:
                if rid not in self.tasks or rid == t.id:
                    add(
                        bundled,
                        f"tasks[{t.id}].related",
                        f"names task {rid!r} that is not another catalog task",
                    )
        for a in self.architectures.values():
            for tid in a.typical_tasks:
                if tid not in self.tasks:
                    add(
                        bundled,
                        f"architectures[{a.id}].typical_tasks",
                        f"names task {tid!r} that the catalog lacks",
                    )
        seen_alias: dict[str, str] = {}
        for t in self.tasks.values():
            for name in (t.id, *t.aliases):
                n = _norm(name)
                if n in seen_alias and seen_alias[n] != t.id:
                    add(bundled, f"tasks[{t.id}].aliases", f"{name!r} already names task {seen_alias[n]!r}")
                seen_alias.setdefault(n, t.id)
        hub_seen: dict[str, str] = {}
        for key, m in self.models.items():
            if self.architectures and m.family not in self.architectures:
                model_problem(key, "family", f"family {m.family!r} is not in the catalog's architectures")
            if objectives and m.objective not in objectives:
                known = ", ".join(sorted(objectives))
                model_problem(key, "objective", f"objective {m.objective!r} is unknown; known: {known}")
            for tid in m.tasks:
                if self.tasks and tid not in self.tasks:
                    hint = _closest(tid, list(self.tasks))
                    extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                    model_problem(key, "tasks", f"task {tid!r} is not in the catalog{extra}")
            if self.licenses and m.license not in self.licenses:
                model_problem(
                    key,
                    "license",
                    f"license {m.license!r} is not in the catalog's licenses (see `licenses:`)",
                )
            hub = m.hub_id.lower()
            if hub in hub_seen and hub_seen[hub] != key:
                model_problem(key, "hub_id", f"hub id {m.hub_id!r} is also used by model {hub_seen[hub]!r}")
            hub_seen.setdefault(hub, key)
        from whichmodel.catalog_checks import knowledge_problems

        bundled_root = bundled_dir().resolve()
        bundled_files: dict[
            Path | None, bool
        ] = {}  # resolved once per file, not once per model (100,000 stats)

        def is_bundled(key: str) -> bool:
            path = self.origin.get(key, ("", None, 0))[1]
            if path not in bundled_files:
                bundled_files[path] = _from(self, key, bundled_root)
            return bundled_files[path]

        for key, sub, message in knowledge_problems(self, _is_bundled=is_bundled):
            model_problem(key, sub, message)
        for a in self.architectures.values():
            if a.pretrain_template and a.pretrain_template.lower() not in self.models:
                add(
                    bundled,
                    f"architectures[{a.id}].pretrain_template",
                    f"model {a.pretrain_template!r} is not in the catalog",
                )
        return problems

    # -- lookups -----------------------------------------------------------------------------------

    def model(self, name: str) -> Model:
        key = self._model_index.get(name.strip().lower())
        if key is None:
            names = list(self.models) + [m.hub_id for m in self.models.values()]
            raise UnknownName("model", name, _closest(name, names))
        return self.models[key]

    def task(self, name: str) -> Task:
        tid = self._task_index.get(_norm(name))
        if tid is None:
            raise UnknownName(
                "task", name, _closest(_norm(name), list(self._task_index), map_to=self._task_index)
            )
        return self.tasks[tid]

    def accelerator(self, name: str) -> Accelerator:
        aid = self._accel_index.get(_norm(name))
        if aid is None:
            raise UnknownName(
                "accelerator", name, _closest(_norm(name), list(self._accel_index), map_to=self._accel_index)
            )
        return self.accelerators[aid]


def _from(cat: Catalog, key: str, root: Path) -> bool:
    """Whether model ``key`` comes from a file of the bundled catalog (whose knowledge fields are required)."""
    _label, path, _i = cat.origin.get(key, ("", None, 0))
    if path is None:
        return False
    try:
        return path.resolve().is_relative_to(root)
    except OSError:
        return False


def _norm(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def _closest(name: str, names: Sequence[str], map_to: dict[str, str] | None = None, n: int = 3) -> list[str]:
    import difflib

    lowered = {x.lower(): x for x in names}
    q = name.strip().lower()
    contains = sorted((x for x in lowered if q and q in x), key=len) if len(q) >= 2 else []
    hits = contains + difflib.get_close_matches(q, list(lowered), n=n * 2, cutoff=0.5)
    out: list[str] = []
    for h in hits:
        val = map_to[h] if map_to else lowered[h]
        if val not in out:
            out.append(val)
    return out[:n]


def load_catalog(extra: Sequence[str | Path] = (), *, use_env: bool = True, cache: bool = True) -> Catalog:
    """Load the bundled catalog plus user catalogs; raise :class:`CatalogError` listing every problem.

    Every file is read once; the cache key is computed from those exact bytes, which are then the ones
    parsed. A validated catalog is cached as JSON (:mod:`whichmodel.catalog_cache`) keyed by them and by
    the code that reads them, so later runs skip parsing and validation.

    The cyclic garbage collector is paused while the catalog is built (it would traverse every object
    made so far again and again: most of the time of a 100,000-model load), and the objects of the
    finished catalog are frozen out of its sight (``gc.freeze``), so later collections skip them too.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        cat = _load_catalog(extra, use_env=use_env, cache=cache)
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    return cat


def _load_catalog(extra: Sequence[str | Path], *, use_env: bool, cache: bool) -> Catalog:
    from whichmodel.paths import DocumentError, read_bytes  # no YAML import while the cache is warm

    base = bundled_dir()
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    if not base.is_dir():
        raise CatalogError(
            [Problem(str(base), None, "-", "the bundled catalog folder is missing; reinstall whichmodel")]
        )
    for f in expand_paths([base], problems):
        files.append((f, f"catalog/{f.relative_to(base).as_posix()}"))
    user = user_paths(extra) if use_env else [Path(p) for p in extra]
    for p in user:
        try:
            exists = p.exists()
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            problems.append(Problem(str(p), None, "-", f"cannot be checked ({reason})"))
            continue
        if not exists:
            problems.append(
                Problem(str(p), None, "-", "does not exist (check the --catalog path or WHICHMODEL_CATALOG)")
            )
            continue
        found = expand_paths([p], problems)
        if _is_dir(p) and not found:
            problems.append(Problem(str(p), None, "-", "is a folder with no .yaml, .yml or .json files"))
        files.extend((f, str(f)) for f in found)
    contents: list[tuple[Path, str, bytes | None]] = []
    for path, label in files:
        try:
            contents.append((path, label, read_bytes(path)))
        except DocumentError as exc:
            problems.append(Problem(label, exc.line, "-", exc.message))
    if problems:
        raise CatalogError(problems)
    json_bytes = sum(len(data or b"") for path, _, data in contents if path.suffix.lower() == ".json")
    if not cache or json_bytes > CACHE_MAX_JSON_BYTES:
        return build_from(contents)
    from whichmodel import catalog_cache

    key = catalog_cache.cache_key([(label, data or b"") for _, label, data in contents])
    cached = catalog_cache.read(key, Catalog)
    if cached is not None:
        return cached
    cat = build_from(contents)
    catalog_cache.write(key, cat)
    return cat


def build(files: Sequence[tuple[Path, str]], problems: list[Problem] | None = None) -> Catalog:
    """Read, validate, merge and cross-check these (path, label) files."""
    return build_from([(path, label, None) for path, label in files], problems)


def build_from(
    contents: Sequence[tuple[Path, str, bytes | None]], problems: list[Problem] | None = None
) -> Catalog:
    """Like :func:`build`, from bytes already read (None: read the file now)."""
    problems = list(problems or [])
    cat = Catalog()
    for path, label, data in contents:
        result = read_file(path, label, data=data)
        problems.extend(result.problems)
        if result.document is not None:
            cat._documents[path] = result.document
        if result.doc is not None:
            cat.add(result.doc, label, path)
    if not problems:
        problems.extend(cat.check())
    cat._documents = {}  # the texts and node trees were only needed for line numbers
    if problems:
        raise CatalogError(problems)
    cat.index()
    return cat

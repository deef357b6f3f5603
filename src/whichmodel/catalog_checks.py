"""Knowledge checks on model entries: benchmarks, translation directions, label sets, languages.

Two kinds of check, each a small function that yields ``(field, message)`` for one model:

- *consistency* checks apply to every entry, bundled or the user's: a benchmark must be one its tasks name, its
  score must lie on the benchmark's scale, a direction or script must be well formed and known;
- *required* checks apply to the bundled catalog only (in a user file the knowledge fields are optional, and any
  ISO code may be used): a translation checkpoint must say its directions, a fixed-label checkpoint its labels,
  ``multi`` its count, and every language code must be one of ``catalog/languages.yaml``.

The catalog's ``check`` turns each finding into a ``file:line: field: message`` problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whichmodel.catalog import Catalog
    from whichmodel.catalog_schema import Model

Finding = tuple[str, str]  # (field, message)

# Tasks whose checkpoints (variant: task) predict a fixed label set, unless they take any labels (open_labels).
FIXED_LABEL_TASKS = ("text-classification", "token-classification")

# ISO 15924 script codes a tokenizer limit may name (the scripts of catalog/languages.yaml, and a few more).
KNOWN_SCRIPTS = frozenset(
    [
        "Latn",
        "Cyrl",
        "Grek",
        "Arab",
        "Hebr",
        "Deva",
        "Beng",
        "Guru",
        "Gujr",
        "Orya",
        "Taml",
        "Telu",
        "Knda",
        "Mlym",
        "Sinh",
        "Thai",
        "Laoo",
        "Khmr",
        "Mymr",
        "Geor",
        "Armn",
        "Ethi",
        "Hani",
        "Hans",
        "Hant",
        "Jpan",
        "Kore",
        "Hang",
        "Tibt",
        "Thaa",
        "Cher",
    ]
)


def _benchmarks(cat: Catalog, m: Model) -> Iterator[Finding]:
    named = {b.id: b for tid in m.tasks if tid in cat.tasks for b in cat.tasks[tid].benchmarks}
    for i, b in enumerate(m.benchmarks):
        spec = named.get(b.name)
        if spec is None:
            known = ", ".join(sorted(named)) or "none"
            yield (
                f"benchmarks[{i}].name",
                f"benchmark {b.name!r} is not one its tasks ({', '.join(m.tasks)}) name; they name: {known}",
            )
            continue
        lo, hi = spec.scale
        if not lo <= b.score <= hi:
            yield f"benchmarks[{i}].score", f"score {b.score:g} is outside {b.name}'s scale [{lo:g}, {hi:g}]"


def _languages(cat: Catalog, m: Model) -> Iterator[Finding]:
    if not cat.languages:
        return
    for code in m.languages:
        if code not in ("code", "multi") and code not in cat.languages:
            yield "languages", f"language {code!r} is not in the catalog's languages (catalog/languages.yaml)"


def _directions(_cat: Catalog, m: Model) -> Iterator[Finding]:
    if m.directions and "translation" not in m.tasks:
        yield (
            "directions",
            "only translation checkpoints have directions (add the translation task or remove them)",
        )


def _direction_languages(cat: Catalog, m: Model) -> Iterator[Finding]:
    if not cat.languages:
        return
    for i, d in enumerate(m.directions):
        for code in d.split("-"):
            if code != "*" and code not in cat.languages:
                yield f"directions[{i}]", f"language {code!r} in {d!r} is not in the catalog's languages"


def _labels(_cat: Catalog, m: Model) -> Iterator[Finding]:
    if m.labels and m.open_labels:
        yield "labels", "a model with open_labels takes any label set: remove its fixed labels"
    if len({lab.lower() for lab in m.labels}) != len(m.labels):
        yield "labels", "the same label is listed twice"


def _scripts(_cat: Catalog, m: Model) -> Iterator[Finding]:
    for s in m.tokenizer_scripts or ():
        if s not in KNOWN_SCRIPTS:
            yield "tokenizer_scripts", f"script {s!r} is not an ISO 15924 code this catalog knows"


def _specialised(cat: Catalog, m: Model) -> Iterator[Finding]:
    for tid in m.specialised_for:
        if tid not in m.tasks:
            yield "specialised_for", f"task {tid!r} is not one of the model's tasks"
        elif cat.tasks and tid not in cat.tasks:
            yield "specialised_for", f"task {tid!r} is not in the catalog"


def _require_directions(_cat: Catalog, m: Model) -> Iterator[Finding]:
    if "translation" in m.tasks and m.variant == "task" and not m.directions:
        yield (
            "directions",
            "a translation checkpoint must list its directions ('en-de', '*-en', '*-*') from its card",
        )


def _require_labels(_cat: Catalog, m: Model) -> Iterator[Finding]:
    fixed = m.variant == "task" and not m.open_labels and any(t in FIXED_LABEL_TASKS for t in m.tasks)
    if fixed and not m.labels:
        yield (
            "labels",
            "a fixed-label checkpoint must list its labels (config id2label or its card), or set open_labels",
        )


def _require_language_count(_cat: Catalog, m: Model) -> Iterator[Finding]:
    if "multi" in m.languages and m.language_count is None:
        yield "language_count", "'multi' needs the documented number of languages (language_count)"


Check = Callable[["Catalog", "Model"], Iterator[Finding]]

CONSISTENCY: tuple[Check, ...] = (_benchmarks, _directions, _labels, _scripts, _specialised)
# Required of the bundled catalog, by name; a check is listed once the bundled data satisfies it.
REQUIRED: dict[str, Check] = {
    "known_languages": _languages,
    "direction_languages": _direction_languages,
    "directions": _require_directions,
    "labels": _require_labels,
    "language_count": _require_language_count,
}
ENFORCED: tuple[str, ...] = (
    "known_languages",
    "direction_languages",
    "directions",
    "language_count",
    "labels",
)


def knowledge_problems(cat: Catalog, *, _is_bundled: Callable[[str], bool]) -> Iterator[tuple[str, str, str]]:
    """Every knowledge finding of the catalog's models, as ``(model key, field, message)``."""
    required = [REQUIRED[name] for name in ENFORCED]
    consistency = list(CONSISTENCY)
    for key, m in cat.models.items():
        bundled = bool(required) and _is_bundled(key)
        # Fast path (100,000-model user catalogs): an entry with no knowledge fields has nothing to check.
        if not bundled and not (
            m.benchmarks or m.directions or m.labels or m.tokenizer_scripts or m.specialised_for
        ):
            continue
        for check in consistency + required if bundled else consistency:
            for sub, message in check(cat, m):
                yield key, sub, message


def missing_knowledge(cat: Catalog) -> dict[str, list[tuple[str, str, str]]]:
    """What each required check finds in ``cat`` (enforced or not yet): for tests and coverage reports."""
    return {
        name: [(key, sub, msg) for key, m in cat.models.items() for sub, msg in check(cat, m)]
        for name, check in REQUIRED.items()
    }

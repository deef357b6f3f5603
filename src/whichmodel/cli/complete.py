"""Shell completion of option values: tasks, accelerators, serving targets, strategies, formats, licences,
languages, domains and model ids.

Each function is a Typer ``autocompletion`` callback: it gets what was typed so far and returns
``(value, help)`` pairs. They read the catalog through its cache (no Hub import, no network) and never
raise: a broken catalog completes nothing rather than printing a traceback into the shell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from whichmodel import vocab

if TYPE_CHECKING:
    from whichmodel.catalog import Catalog

Pairs = list[tuple[str, str]]


def _described(values: Iterable[str], help_of: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """``(value, help)`` for each vocabulary value, in the vocabulary's order (a value without help fails at import)."""
    return tuple((v, help_of[v]) for v in values)


# The values come from whichmodel.vocab (one home each); the descriptions shown beside them live here.
FORMATS = _described(
    vocab.OUTPUT_FORMATS,
    {
        "table": "a table for people",
        "json": "JSON for scripts",
        "markdown": "Markdown for documents",
        "html": "a self-contained HTML report",
    },
)
LICENSE_NEEDS = _described(vocab.LICENSE_NEEDS, vocab.LICENSE_NEED_HELP)
FAMILIES = _described(
    vocab.FAMILIES,
    {
        "encoder-only": "BERT-like: read and label text",
        "decoder-only": "GPT-like: write text",
        "encoder-decoder": "T5/BART-like: turn one text into another",
    },
)
DTYPES = _described(
    vocab.DTYPES,
    {"fp32": "32-bit", "bf16": "16-bit bfloat", "fp16": "16-bit float", "int8": "8-bit", "int4": "4-bit"},
)
AUTO = ("auto", "this machine's GPU (nvidia-smi), Apple Silicon or CPU")


def _catalog() -> Catalog | None:
    try:
        from whichmodel.catalog import load_catalog

        return load_catalog([])
    except Exception:  # completion must never break the shell
        return None


def _filter(pairs: Iterable[tuple[str, str]], incomplete: str) -> Pairs:
    typed = incomplete.lower()
    seen: dict[str, str] = {}
    for value, text in pairs:
        if value.lower().startswith(typed) and value not in seen and not any(c.isspace() for c in value):
            seen[value] = " ".join(text.split())[:70]
    return list(seen.items())


def _from_catalog(build: Callable[..., Iterable[tuple[str, str]]]) -> Callable[[str], Pairs]:
    def complete(incomplete: str) -> Pairs:
        cat = _catalog()
        if cat is None:
            return []
        try:
            return _filter(build(cat), incomplete)
        except Exception:
            return []

    complete.__doc__ = build.__doc__
    return complete


def _tasks(cat: Catalog) -> Iterable[tuple[str, str]]:
    for t in cat.tasks.values():
        yield t.id, t.description
        for alias in t.aliases:
            yield alias.lower(), t.id


def _accelerators(cat: Catalog) -> Iterable[tuple[str, str]]:
    for a in cat.accelerators.values():
        yield a.id, f"{a.name} · {a.memory_gb:g} GB"
    for a in cat.accelerators.values():
        for alias in a.aliases:
            yield alias.lower(), a.id


def _gpu(cat: Catalog) -> Iterable[tuple[str, str]]:
    yield from _accelerators(cat)
    yield AUTO


def _serve(cat: Catalog) -> Iterable[tuple[str, str]]:
    for s in cat.serving.values():
        yield s.id, s.name
    yield from _accelerators(cat)
    yield AUTO


def _models(cat: Catalog) -> Iterable[tuple[str, str]]:
    for m in cat.models.values():
        yield m.id, m.hub_id or ""
    for m in cat.models.values():
        if m.hub_id:
            yield m.hub_id, m.id


def _domains(cat: Catalog) -> Iterable[tuple[str, str]]:
    for d in sorted({d for m in cat.models.values() for d in m.domains}):
        yield d, ""


def _languages(cat: Catalog) -> Iterable[tuple[str, str]]:
    from whichmodel.questions import LANGUAGE_NAMES

    yield "en", "english"
    for name, code in LANGUAGE_NAMES.items():
        yield code, name


tasks = _from_catalog(_tasks)
accelerators = _from_catalog(_accelerators)
gpu = _from_catalog(_gpu)
serve = _from_catalog(_serve)
models = _from_catalog(_models)
domains = _from_catalog(_domains)
languages = _from_catalog(_languages)


def formats(incomplete: str) -> Pairs:
    return _filter(FORMATS, incomplete)


def licenses(incomplete: str) -> Pairs:
    return _filter(LICENSE_NEEDS, incomplete)


def families(incomplete: str) -> Pairs:
    return _filter(FAMILIES, incomplete)


def dtypes(incomplete: str) -> Pairs:
    return _filter(DTYPES, incomplete)


def strategies(incomplete: str) -> Pairs:
    return _filter(((s, "") for s in vocab.STRATEGIES), incomplete)

"""One home per vocabulary (whichmodel.vocab) and per figure formatter (whichmodel.units)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from whichmodel import units, vocab
from whichmodel.catalog import load_catalog

SRC = Path(__file__).resolve().parents[1] / "src" / "whichmodel"


def test_the_catalog_speaks_the_vocabulary():
    cat = load_catalog([])
    assert set(cat.architectures) == set(vocab.FAMILIES)
    assert {m.family for m in cat.models.values()} <= set(vocab.FAMILIES)


@pytest.mark.parametrize(
    "values",
    [vocab.FAMILIES, vocab.LICENSE_NEEDS, vocab.PREFER, vocab.DTYPES, vocab.OUTPUT_FORMATS, vocab.STRATEGIES],
)
def test_each_vocabulary_is_written_out_once(values):
    """The tuple of a vocabulary's words appears as a literal only in vocab.py (elsewhere it is imported)."""
    words = r",\s*".join(rf'"{re.escape(v)}"' for v in values)
    pattern = re.compile(words)
    homes = [
        str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert homes == ["vocab.py"], homes


@pytest.mark.parametrize(
    "fn, value, text",
    [
        (units.count, 7.0e9, "7B"),
        (units.count, 1.4e12, "1.4T"),
        (units.count, 50_000, "50k"),
        (units.count, None, "?"),
        (units.params, 0.125, "125M"),
        (units.params, 70.6, "70.6B"),
        (units.hours, 1234.4, "1,234"),
        (units.hours, 0.25, "0.25"),
        (units.num, 0, "0"),
        (units.num, 12_345.6, "12,346"),
        (units.usd, 3.2, "$3.20"),
        (units.usd, 1234.5, "$1,234"),
    ],
)
def test_figures(fn, value, text):
    assert fn(value) == text


def test_the_stale_note_names_the_threshold():
    from whichmodel.cli import hub

    assert "30 days" not in Path(hub.__file__).read_text(encoding="utf-8")  # the figure comes from vocab

"""The renderer registry (cli/formats.py): one renderer per document and format, --format checked against it."""

from __future__ import annotations

import json

import pytest

from whichmodel import vocab
from whichmodel.cli import formats
from whichmodel.errors import UsageError


def test_advice_has_every_output_format_and_compare_table_and_json():
    assert formats.names("advice") == vocab.OUTPUT_FORMATS
    assert formats.names("compare") == ("table", "json")
    for document, row in formats.FORMATS.items():
        assert set(row) <= set(vocab.OUTPUT_FORMATS), document


@pytest.mark.parametrize(
    "document, json_, fmt, expected",
    [
        ("advice", False, None, "table"),
        ("advice", True, None, "json"),
        ("advice", False, "Markdown", "markdown"),
    ],
)
def test_choose(document, json_, fmt, expected):
    assert formats.choose(document, json_, fmt) == expected


def test_an_unknown_or_unsupported_format_names_the_document_s_formats():
    with pytest.raises(UsageError) as info:
        formats.choose("advice", False, "pdf")
    assert str(info.value) == "--format: unknown format 'pdf'. Use table, json, markdown or html."
    with pytest.raises(UsageError) as info:
        formats.choose("compare", False, "html")
    assert info.value.hint == "Use table or json"
    with pytest.raises(UsageError, match="disagree"):
        formats.choose("advice", True, "table")


def test_compare_json_is_the_comparison_document(run):
    code, out, err = run("compare", "bart-large-cnn", "t5-base", "--task", "summarization", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"scope", "models"}
    assert [m["model"] for m in doc["models"]] == ["bart-large-cnn", "t5-base"]
    assert {m["status"] for m in doc["models"]} <= {"recommended", "rejected"}

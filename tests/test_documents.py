"""Every `--json` output validates against the schema `whichmodel schema DOC` prints for it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from whichmodel.documents import DOCUMENTS


def _schema(run, name: str) -> dict:
    code, out, err = run("schema", name)
    assert code == 0, err
    return json.loads(out)


def _valid(run, name: str, *args: str, expect_code: int = 0) -> object:
    code, out, err = run(*args)
    assert code == expect_code, err
    doc = json.loads(out)
    jsonschema.validate(doc, _schema(run, name))
    return doc


CASES = [
    ("advise", ("advise", "--task", "ner", "--examples", "5k", "--gpu", "t4", "--serve", "cpu", "--json")),
    ("advise", ("advise", "--task", "chat", "--serve", "rtx-4090", "--json")),
    (
        "estimate",
        ("estimate", "--params", "7B", "-s", "qlora", "--examples", "10k", "--gpu", "rtx-4090", "--json"),
    ),
    ("estimate", ("estimate", "llama-3.1-8b-instruct", "-s", "inference", "--gpu", "h100-80gb", "--json")),
    ("compare", ("compare", "bert-base-ner", "distilbert-base-uncased", "--task", "ner", "--json")),
    ("tasks", ("tasks", "--json")),
    ("architectures", ("architectures", "--json")),
    ("catalog-list", ("catalog", "list", "--json")),
    ("catalog-show", ("catalog", "show", "bert-base-ner", "--json")),
    ("accelerators", ("catalog", "accelerators", "--json")),
    ("languages", ("catalog", "languages", "--json")),
    ("validate", ("catalog", "validate", "--json")),
]


@pytest.mark.parametrize(("name", "args"), CASES, ids=[f"{n}:{' '.join(a[:3])}" for n, a in CASES])
def test_each_json_output_validates_against_its_schema(run, name, args):
    _valid(run, name, *args)


def test_an_invalid_catalog_validate_document_validates_too(run, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n- id: x\n")
    doc = _valid(run, "validate", "catalog", "validate", str(bad), "--json", expect_code=1)
    assert doc["ok"] is False and doc["problems"]


def test_hub_info_validates_against_its_schema(run):
    from whichmodel.hub_snapshot import HubRecord, Snapshot, write_snapshot

    rec = HubRecord(
        hub_id="dslim/bert-base-NER", downloads=5, likes=2, gated=False, license="mit", params=108_000_000
    )
    run("tasks")  # sets the cache folder for this test
    write_snapshot(Snapshot(records={rec.hub_id.lower(): rec}, fetched_at="2026-01-01T00:00:00Z"))
    doc = _valid(run, "hub-info", "hub", "info", "bert-base-ner", "--json")
    assert doc["downloads"] == 5


def test_a_schema_rejects_a_document_that_breaks_it(run):
    # The check can fail: a validate document whose `ok` is a string is refused by its schema.
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"ok": "yes", "problems": [], "counts": None, "files": None}, _schema(run, "validate")
        )


def test_every_document_has_a_schema_and_unknown_names_are_usage_errors(run):
    for name in DOCUMENTS:
        assert _schema(run, name)["$schema"].startswith("https://json-schema.org/")
    code, out, err = run("schema", "advice")
    assert code == 2 and out == "" and "advise" in err


def test_hub_discover_validates_against_its_schema(run, monkeypatch, tmp_path):
    import fakehub

    hub = fakehub.start(monkeypatch, tmp_path)
    try:
        hub.add(
            "x/bart-sum",
            downloads=900,
            pipeline_tag="summarization",
            architectures=["BartForConditionalGeneration"],
        )
        hub.add("x/qwen-sum", downloads=50, pipeline_tag="summarization", architectures=["Qwen2ForCausalLM"])
        doc = _valid(run, "hub-discover", "hub", "discover", "--task", "summarization", "--json")
    finally:
        hub.stop()
    assert [m["hub_id"] for m in doc] == ["x/bart-sum", "x/qwen-sum"]

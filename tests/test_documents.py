"""Every `--json` output validates against the schema `whichmodel schema DOC` prints for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from whichmodel.documents import DOCUMENTS, PRINTED_BY


def _schema(run, name: str) -> dict:
    code, out, err = run("schema", name)
    assert code == 0, err
    return json.loads(out)


def closed(schema: Any) -> Any:
    """The schema with every object that lists its properties closed to other keys.

    The models allow extra keys (the contract: add freely), so the printed schema is open; the tests close it, so
    a key a command prints that its model does not declare fails here: the model stays the single definition.
    """
    if isinstance(schema, dict):
        out = {k: closed(v) for k, v in schema.items()}
        if "properties" in out and out.get("additionalProperties", True) is True:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [closed(v) for v in schema]
    return schema


def _valid(run, name: str, *args: str, expect_code: int = 0, input: str | None = None, env=None) -> Any:
    code, out, err = run(*args, input=input, env=env)
    assert code == expect_code, err
    doc = json.loads(out)
    jsonschema.validate(doc, closed(_schema(run, name)))
    return doc


CASES = [
    ("advise", ("advise", "--task", "ner", "--examples", "5k", "--gpu", "t4", "--serve", "cpu", "--json")),
    ("advise", ("advise", "--task", "chat", "--serve", "rtx-4090", "--json")),
    ("advise", ("advise", "--task", "summarization", "--gpu-hours", "50", "--explain", "--json")),
    # nothing fits: no recommendation, every model rejected
    (
        "advise",
        ("advise", "--task", "summarization", "--input-tokens", "2000000", "--serve", "cpu", "--json"),
    ),
    (
        "advise",
        ("advise", "--task", "translation", "--source-language", "de", "--target-language", "en", "--json"),
    ),
    (
        "estimate",
        ("estimate", "--params", "7B", "-s", "qlora", "--examples", "10k", "--gpu", "rtx-4090", "--json"),
    ),
    ("estimate", ("estimate", "llama-3.1-8b-instruct", "-s", "inference", "--gpu", "h100-80gb", "--json")),
    # does not fit, on a card without a price: cost is null
    ("estimate", ("estimate", "--params", "7B", "-s", "full", "--gpu", "t4", "--json")),
    (
        "estimate",
        (
            "estimate",
            "--params",
            "70B",
            "-s",
            "lora",
            "--offload",
            "optimizer",
            "--gpu",
            "a100-80gb",
            "--json",
        ),
    ),
    ("compare", ("compare", "bert-base-ner", "distilbert-base-uncased", "--task", "ner", "--json")),
    # one recommended, one rejected (a decoder for NER on a CPU)
    (
        "compare",
        ("compare", "bert-base-ner", "llama-3.1-8b-instruct", "--task", "ner", "--serve", "cpu", "--json"),
    ),
    ("tasks", ("tasks", "--json")),
    ("architectures", ("architectures", "--json")),
    ("catalog-list", ("catalog", "list", "--json")),
    ("catalog-list", ("catalog", "list", "--task", "summarization", "--family", "encoder-decoder", "--json")),
    ("catalog-show", ("catalog", "show", "bert-base-ner", "--json")),
    ("catalog-show", ("catalog", "show", "llama-3.1-8b-instruct", "--json")),
    ("accelerators", ("catalog", "accelerators", "--json")),
    ("languages", ("catalog", "languages", "--json")),
    ("validate", ("catalog", "validate", "--json")),
    ("rules", ("rules", "--json")),
    ("rule", ("rules", "task_fit", "--json")),
    ("rule", ("rules", "budget", "--json")),
    ("recipe", ("recipe", "--task", "ner", "--examples", "5k", "--gpu", "t4", "--json")),
    (
        "recipe",
        (
            "recipe",
            "--task",
            "chat",
            "--examples",
            "10k",
            "--gpu",
            "rtx-4090",
            "--gpu-hours",
            "20",
            "--to",
            "axolotl",
            "--json",
        ),
    ),
    ("recipe", ("recipe", "--task", "summarization", "--examples", "0", "--json")),
]


@pytest.mark.parametrize(("name", "args"), CASES, ids=[f"{n}:{' '.join(a[:3])}" for n, a in CASES])
def test_each_json_output_validates_against_its_schema(run, name, args):
    doc = _valid(run, name, *args)
    if name == "advise":
        # every rejection and every reason names a declared rule, which `whichmodel rules ID` explains
        from whichmodel.rule_specs import RULE_IDS

        named = {r["rule"] for r in doc["rejected"]}
        named |= {x["rule"] for rec in doc["recommendations"] for x in rec["reasons"]}
        assert named and named <= set(RULE_IDS), named - set(RULE_IDS)


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


def test_an_empty_list_is_a_valid_document(run):
    # a filter that matches nothing prints [], which its schema accepts
    doc = _valid(
        run, "catalog-list", "catalog", "list", "--task", "ner", "--family", "encoder-decoder", "--json"
    )
    assert doc == []


def test_the_interview_prints_the_advise_document(run):
    doc = _valid(
        run,
        "advise",
        "interview",
        "--json",
        input="summarization\ndone\n\n",
        env={"WHICHMODEL_INTERVIEW_FORCE": "1"},
    )
    assert doc["scope"]["tasks"] == ["summarization"]


def test_a_printed_key_the_model_does_not_declare_fails(run):
    # closed(): the check catches a command that prints a key its model lacks
    code, out, err = run("rules", "budget", "--json")
    assert code == 0, err
    doc = {**json.loads(out), "undeclared": 1}
    with pytest.raises(jsonschema.ValidationError, match="undeclared"):
        jsonschema.validate(doc, closed(_schema(run, "rule")))


@pytest.mark.parametrize(
    "args",
    [
        ("advise", "--task", "nosuchtask", "--json"),
        ("estimate", "--params", "7B", "-s", "sideways", "--json"),
        ("compare", "nosuchmodel", "bert-base-ner", "--task", "ner", "--json"),
        ("catalog", "show", "nosuchmodel", "--json"),
        ("rules", "nosuchrule", "--json"),
        ("recipe", "--task", "ner", "--rank", "0", "--json"),
        ("hub", "info", "bert-base-ner", "--json"),  # no snapshot yet
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_failing_json_command_prints_no_document(run, args):
    # an error is one line on stderr: stdout stays empty, so a consumer never parses half a document
    code, out, err = run(*args)
    assert code in (1, 2) and out == "", out
    assert err.startswith("Error: ") and "Traceback" not in err


def test_hub_refresh_and_card_validate_against_their_schemas(run, monkeypatch, tmp_path):
    import fakehub

    hub = fakehub.start(monkeypatch, tmp_path)
    try:
        hub.add("openai-community/gpt2", readme=CARD, downloads=7, license="mit", params=124_000_000)
        doc = _valid(run, "hub-refresh", "hub", "refresh", "gpt2", "--json")
        assert doc["refreshed"] == ["openai-community/gpt2"] and doc["failed"] == []
        # one found, one missing: the failure is listed in the document
        doc = _valid(run, "hub-refresh", "hub", "refresh", "gpt2", "nobody/missing", "--json")
        assert [f["hub_id"] for f in doc["failed"]] == ["nobody/missing"]
        doc = _valid(run, "hub-info", "hub", "info", "gpt2", "--json")
        assert doc["downloads"] == 7
        doc = _valid(run, "hub-card", "hub", "card", "gpt2", "--json")
        assert doc["license"] == "mit" and doc["paragraphs"]
        # an empty search result is the empty list
        doc = _valid(run, "hub-discover", "hub", "discover", "--task", "summarization", "--json")
        assert doc == []
    finally:
        hub.stop()


CARD = """---
license: mit
language: en
---

# GPT-2

Pretrained model on English language using a causal language modeling objective, first released here.
"""


def _json_commands() -> set[str]:
    import typer

    from whichmodel.cli.app import make_app

    found: set[str] = set()

    def walk(cmd, path: str) -> None:
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, f"{path} {name}".strip())
        if any("--json" in getattr(p, "opts", ()) for p in cmd.params):
            found.add(path)

    walk(typer.main.get_command(make_app()), "")
    return found


def test_every_json_command_has_a_document_and_every_document_a_test():
    # every command with --json prints a declared document, and every document is printed by a command
    printed = {c.removesuffix(" ID") for cmds in PRINTED_BY.values() for c in cmds}
    assert _json_commands() == printed
    assert set(PRINTED_BY) == set(DOCUMENTS)
    # each document is validated by at least one run of its command above
    tested = {n for n, _ in CASES} | {"hub-info", "hub-discover", "hub-refresh", "hub-card"}
    assert tested == set(DOCUMENTS), set(DOCUMENTS) - tested

"""The engine end to end through the CLI: determinism, the JSON contract, rendering, errors."""

from __future__ import annotations

import json

import jsonschema
import pytest

MISSION = ("advise", "--task", "summarization", "--gpu-hours", "50")


def advise_json(run, *args):
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_mission_example_recommends_a_seq2seq_summarizer(run):
    doc = advise_json(run, *MISSION)
    assert doc["architecture"]["recommended"] == "encoder-decoder"
    top = doc["recommendations"][0]
    assert top["family"] == "encoder-decoder" and "summarization" in top["model"] + top["hub_id"] + " ".join(
        r["detail"] for r in top["reasons"]
    )
    assert top["strategy"] == "as-is"  # no labelled data: use a ready summarizer
    assert doc["from_scratch"]["worth_it"] is False


def test_json_has_the_contract_keys_and_validates_against_schema(run):
    doc = advise_json(run, *MISSION)
    for key in (
        "schema_version",
        "scope",
        "architecture",
        "recommendations",
        "rejected",
        "from_scratch",
        "assumptions",
    ):
        assert key in doc
    rec = doc["recommendations"][0]
    for key in ("rank", "model", "hub_id", "family", "objective", "params_b", "strategy", "score", "estimates",
                "reasons", "warnings", "hub"):  # fmt: skip
        assert key in rec
    for key in ("train_gpu_hours", "train_memory_gb", "inference_memory_gb", "gpus_needed", "cost_usd"):
        assert key in rec["estimates"]
    assert {"feasible", "params_b", "tokens", "gpu_hours_needed", "reason"} <= set(doc["from_scratch"])
    assert {a["field"] for a in doc["scope"]["assumed"]} >= {"languages", "examples", "gpu"}
    code, schema_out, _ = run("schema")
    assert code == 0
    jsonschema.validate(doc, json.loads(schema_out))


def test_same_input_gives_the_same_json(run):
    assert advise_json(run, *MISSION) == advise_json(run, *MISSION)


def test_ranks_are_ordered_and_top_respected(run):
    doc = advise_json(run, "advise", "--task", "chat", "--examples", "20k", "--gpu-hours", "40", "--top", "3")
    recs = doc["recommendations"]
    assert [r["rank"] for r in recs] == [1, 2, 3]
    assert all(recs[i]["score"] >= recs[i + 1]["score"] for i in range(len(recs) - 1))


def test_diversity_no_two_sizes_of_one_lineage_in_top(run):
    doc = advise_json(
        run, "advise", "--task", "chat", "--examples", "20k", "--gpu-hours", "200", "--top", "5"
    )
    ids = [r["hub_id"] for r in doc["recommendations"]]
    qwen25 = [i for i in ids if i and i.lower().startswith("qwen/qwen2.5-") and "coder" not in i.lower()]
    assert len(qwen25) <= 1, ids


def test_scope_file_and_flag_override(run, tmp_path):
    f = tmp_path / "scope.yaml"
    f.write_text("tasks: [ner]\nexamples: 5k\ngpu_hours: 2\ngpu: t4\nserve: cpu\n")
    doc = advise_json(run, "advise", "--scope", str(f))
    assert doc["scope"]["tasks"] == ["token-classification"] and doc["scope"]["examples"] == 5000
    doc = advise_json(run, "advise", "--scope", str(f), "--examples", "0")
    assert doc["scope"]["examples"] == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("advise",), "no task given"),
        (("advise", "--task", "sumarize"), "closest"),
        (("advise", "--task", "qa", "--examples", "-5"), "--examples: must be at least 0 (got '-5')"),
        (("advise", "--task", "qa", "--gpu-hours", "lots"), "--gpu-hours"),
        (("advise", "--task", "qa", "--gpu", "a1000"), "unknown accelerator"),
        (("advise", "--task", "qa", "--serve", "toaster"), "unknown serving target"),
        (("advise", "--task", "qa", "--license", "free"), "--license"),
        (("advise", "--task", "qa", "--top", "0"), "--top"),
        (("advise", "--task", "qa", "--language", "english"), "--language"),
        (("advise", "--task", "qa", "--format", "html"), "--format"),
        (("advise", "--task", "qa", "--gpu-hours", "nan"), "--gpu-hours"),
    ],
)
def test_bad_flags_are_usage_errors(run, args, needle):
    code, out, err = run(*args, "--json")
    assert code == 2 and out == ""
    assert needle in err and err.startswith("Error:") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "is empty"),
        ("- a\n", "not a mapping"),
        ("tasks: [\n", "not valid YAML"),
        ("colour: red\n", "Unknown scope field"),
    ],
)
def test_bad_scope_files(run, tmp_path, text, needle):
    f = tmp_path / "s.yaml"
    f.write_text(text)
    code, out, err = run("advise", "--scope", str(f))
    assert code == 2 and out == "" and needle in err
    code, out, err = run("advise", "--scope", str(tmp_path / "missing.yaml"))
    assert code == 2 and "does not exist" in err


def test_rich_view_at_80_columns_and_no_color(run):
    code, out, err = run(*MISSION, env={"COLUMNS": "80"})
    assert code == 0, err
    assert "Architecture: encoder-decoder" in out and "Recommendations" in out and "From scratch" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "\x1b[" not in out


def test_explain_lists_rules_and_rejections(run):
    code, out, _ = run(*MISSION, "--explain", env={"COLUMNS": "120"})
    assert code == 0
    assert "quality:" in out and "task_fit_points:" in out and "Rejected (" in out and "Assumptions:" in out


def test_markdown_format(run):
    code, out, _ = run(*MISSION, "--format", "markdown")
    assert code == 0 and out.startswith("# whichmodel advice") and "| # | model |" in out


def test_nothing_fits_is_exit_0_with_reasons(run):
    doc = advise_json(run, "advise", "--task", "chat", "--serve", "edge", "--license", "open", "--language", "sw",
                      "--input-tokens", "200k")  # fmt: skip
    assert doc["recommendations"] == [] and doc["notes"]
    assert all(r["reason"] for r in doc["rejected"])


def test_compare_side_by_side(run):
    code, out, err = run(
        "compare", "bart-large-cnn", "bert-base-uncased", "--task", "summarization", "--json"
    )
    assert code == 0, err
    rows = {r["model"]: r for r in json.loads(out)["models"]}
    assert rows["bart-large-cnn"]["status"] == "recommended"
    assert (
        rows["bert-base-uncased"]["status"] == "rejected"
        and rows["bert-base-uncased"]["rejected"]["rule"] == "task_fit"
    )
    code, out, _ = run("compare", "bart-large-cnn", "t5-base", "--task", "summarization")
    assert code == 0 and "bart-large-cnn" in out
    code, _, err = run("compare", "bart-large-cnn", "--task", "summarization")
    assert code == 2 and "at least two" in err

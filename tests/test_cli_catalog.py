"""Browse commands through the runner, and the installed entry point from another directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from contract import CONTRACT_ACCELERATORS
from whichmodel.catalog import load_catalog


def test_catalog_list_json_round_trips_through_catalog(run, tmp_path):
    code, out, err = run("catalog", "list", "--json")
    assert code == 0, err
    entries = json.loads(out)
    assert len(entries) == len(load_catalog(use_env=False).models)
    user = tmp_path / "all.json"
    user.write_text(json.dumps({"models": entries}))
    code, out2, err = run("catalog", "list", "--json", "--catalog", str(user))
    assert code == 0, err
    assert json.loads(out2) == entries


def test_catalog_list_filters(run):
    code, out, _ = run("catalog", "list", "--family", "encoder-decoder", "--json")
    assert code == 0 and {e["family"] for e in json.loads(out)} == {"encoder-decoder"}
    code, out, _ = run("catalog", "list", "--task", "ner", "--json")
    assert code == 0 and all("token-classification" in e["tasks"] for e in json.loads(out))
    code, out, err = run("catalog", "list", "--family", "decoders")
    assert code == 2 and out == "" and err.startswith("Error: Unknown family")


def test_catalog_show_by_id_or_hub_id_and_unknown(run):
    code, out, _ = run("catalog", "show", "Google-BERT/bert-base-uncased", "--json")
    assert code == 0 and json.loads(out)["id"] == "bert-base-uncased"
    code, out, _ = run("catalog", "show", "t5-base")
    assert code == 0 and "google-t5/t5-base" in out
    code, out, err = run("catalog", "show", "robreta-base")
    assert code == 2 and out == ""
    assert "roberta-base" in err and err.count("\n") == 1


def test_catalog_validate_ok_and_bad(run, tmp_path):
    code, _, err = run("catalog", "validate")
    assert code == 0 and err.startswith("OK:")
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n- {id: x, hub_id: nope}\n")
    code, out, err = run("catalog", "validate", str(bad))
    assert code == 1
    assert all(line.startswith(f"{bad}:2: models[x].") for line in out.splitlines())
    assert "problems" in err and "Traceback" not in err


def test_bad_user_catalog_on_any_command_is_exit_1_without_traceback(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: [\n")
    code, out, err = run("tasks", "--catalog", str(bad))
    assert code == 1 and out == "" and "Traceback" not in err
    code, out, err = run("tasks", "--catalog", str(tmp_path / "missing.yaml"))
    assert code == 2 and "does not exist" in err


def test_accelerators_tasks_architectures(run):
    code, out, _ = run("catalog", "accelerators", "--json")
    accs = json.loads(out)
    ids = {a["id"] for a in accs}
    assert code == 0 and set(CONTRACT_ACCELERATORS) <= ids
    assert all({"id", "memory_gb", "bf16_tflops", "bandwidth_gbps", "usd_per_hour"} <= set(a) for a in accs)
    code, out, _ = run("tasks", "--json")
    assert code == 0 and any(t["id"] == "summarization" for t in json.loads(out))
    code, out, _ = run("architectures")
    assert code == 0
    for word in (
        "Masked language modelling",
        "Causal language modelling",
        "Span corruption",
        "Encoder-decoder",
    ):
        assert word in out
    code, out, _ = run("architectures", "--json")
    assert code == 0 and len(json.loads(out)) == 3


def test_usage_errors_are_one_line(run):
    code, out, err = run("catalog", "list", "--bogus")
    assert code == 2 and out == ""
    assert err.startswith("Error: No such option") and err.count("\n") == 1


def test_installed_entry_point_from_another_directory(tmp_path):
    exe = shutil.which("whichmodel", path=os.path.dirname(sys.executable)) or shutil.which("whichmodel")
    assert exe, "the whichmodel console script is not installed"
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.run([exe, "catalog", "validate"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "whichmodel", "tasks", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0 and json.loads(proc.stdout)


def test_a_closed_output_pipe_is_not_a_failure(tmp_path):
    exe = shutil.which("whichmodel", path=os.path.dirname(sys.executable)) or shutil.which("whichmodel")
    env = dict(os.environ, NO_COLOR="1", COLUMNS="80")
    for args in (["catalog", "list"], ["catalog", "list", "--json"]):
        proc = subprocess.Popen(
            [exe, *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        assert proc.stdout is not None and proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, (args, err)
        assert b"Traceback" not in err

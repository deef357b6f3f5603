"""advise with the Hub: the snapshot feeds the advice; --discover adds uncurated candidates (fake Hub only)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import fakehub
from whichmodel.hub_snapshot import HubRecord, Snapshot, write_snapshot


@pytest.fixture()
def hub(monkeypatch, tmp_path):
    h = fakehub.start(monkeypatch, tmp_path)
    yield h
    h.stop()


def advise_json(run, *args):
    code, out, err = run("advise", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_refresh_then_advise_shows_live_downloads_and_warnings(run, hub):
    hub.add("facebook/bart-large-cnn", downloads=4_321_000, license="mit", params=406_000_000,
            architectures=["BartForConditionalGeneration"], pipeline_tag="summarization")  # fmt: skip
    hub.add("google/pegasus-xsum", downloads=12_345, gated="manual", license="apache-2.0", params=570_000_000,
            pipeline_tag="summarization")  # fmt: skip
    code, _, err = run("hub", "refresh", "bart-large-cnn", "google/pegasus-xsum")
    assert code == 0, err
    doc = advise_json(run, "--task", "summarization", "--top", "50")
    recs = {r["hub_id"]: r for r in doc["recommendations"]}
    bart = recs["facebook/bart-large-cnn"]
    assert bart["hub"]["downloads"] == 4_321_000 and bart["hub"]["fetched_at"]
    assert any(r["rule"] == "hub_health" and "4,321,000 downloads" in r["detail"] for r in bart["reasons"])
    others = [r for h, r in recs.items() if h not in ("facebook/bart-large-cnn", "google/pegasus-xsum")]
    assert others and all(r["hub"] is None for r in others)  # not in the snapshot: null
    if "google/pegasus-xsum" in recs:
        assert any("gated" in w for w in recs["google/pegasus-xsum"]["warnings"])


def test_advise_without_snapshot_has_null_hub(run):
    doc = advise_json(run, "--task", "summarization")
    assert all(r["hub"] is None for r in doc["recommendations"])


def test_stale_snapshot_is_noted_and_params_disagreement_warned(run, tmp_path, monkeypatch):
    monkeypatch.setenv("WHICHMODEL_CACHE_DIR", str(tmp_path / "cache"))
    rec = HubRecord(hub_id="facebook/bart-large-cnn", downloads=10, likes=1, gated=False, license="mit",
                    params=900_000_000, last_modified=None, pipeline_tag="summarization",
                    fetched_at="2020-01-01T00:00:00Z", architectures=())  # fmt: skip
    write_snapshot(Snapshot(records={rec.hub_id.lower(): rec}, fetched_at="2020-01-01T00:00:00Z"))
    doc = advise_json(run, "--task", "summarization", "--top", "50")
    assert any("days old" in n for n in doc["notes"])
    bart = next(r for r in doc["recommendations"] if r["hub_id"] == "facebook/bart-large-cnn")
    assert any("the Hub counts 0.9B parameters" in w for w in bart["warnings"])


def test_corrupt_snapshot_is_a_warning_not_a_failure(run, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("WHICHMODEL_CACHE_DIR", str(cache))
    (cache / "hub-snapshot.json").write_text("{not json")
    code, out, err = run("advise", "--task", "summarization", "--json")
    assert code == 0 and json.loads(out)["recommendations"]
    assert "Warning:" in err and "Traceback" not in err


def test_discover_adds_uncurated_candidates(run, hub):
    hub.add("acme/tiny-summarizer", downloads=9_000_000, license="mit", params=60_000_000,
            architectures=["BartForConditionalGeneration"], pipeline_tag="summarization")  # fmt: skip
    hub.add("acme/mystery", downloads=8_000_000, license="mit", params=None, architectures=None,
            pipeline_tag="summarization")  # fmt: skip
    hub.add("facebook/bart-large-cnn", downloads=7_000_000, license="mit", params=406_000_000,
            architectures=["BartForConditionalGeneration"], pipeline_tag="summarization")  # fmt: skip
    code, out, err = run("advise", "--task", "summarization", "--discover", "--top", "100", "--json")
    assert code == 0, err
    doc = json.loads(out)
    every = doc["recommendations"] + doc["rejected"]
    tiny = [r for r in every if r["hub_id"] == "acme/tiny-summarizer"]
    assert len(tiny) == 1
    rec = next((r for r in doc["recommendations"] if r["hub_id"] == "acme/tiny-summarizer"), None)
    assert rec is not None, tiny
    assert rec["curated"] is False and rec["family"] == "encoder-decoder" and rec["strategy"] == "as-is"
    assert any("not curated" in w for w in rec["warnings"])
    assert all(r["curated"] for r in doc["recommendations"] if r["hub_id"] != "acme/tiny-summarizer")
    assert not any(r["hub_id"] == "acme/mystery" for r in every)  # no family, no size: left out
    assert "lacked a family or parameter count" in err
    assert (
        sum(1 for r in every if r["hub_id"] == "facebook/bart-large-cnn") == 1
    )  # catalog entry, not duplicated


def test_discover_with_unreachable_hub_is_exit_1(run, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("WHICHMODEL_HUB_TIMEOUT", "2")
    monkeypatch.setenv("WHICHMODEL_HUB_DEADLINE", "3")
    code, out, err = run("advise", "--task", "summarization", "--discover", "--json")
    assert code == 1 and out == ""
    assert err.startswith("Error: --discover:") and err.count("\n") == 1


def test_discover_offline_says_so(run):
    code, out, err = run("advise", "--task", "summarization", "--discover")
    assert code == 1 and out == "" and "offline" in err.lower()


def test_advise_does_not_import_huggingface_hub():
    code = (
        "import sys\n"
        "from whichmodel.cli.main import main\n"
        "try:\n"
        "    main(['advise', '--task', 'summarization', '--gpu-hours', '50', '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('huggingface_hub' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stderr.strip().splitlines()[-1] == "False", proc.stderr


def test_the_api_discovers_without_the_cli(hub, caplog):
    # whichmodel.advise(discover=True) asks the Hub through whichmodel.hub.discovery: no CLI module, no printing
    import logging

    import whichmodel
    from whichmodel.errors import RuntimeProblem

    hub.add("acme/tiny-summarizer", downloads=9_000_000, license="mit", params=60_000_000,
            architectures=["BartForConditionalGeneration"], pipeline_tag="summarization")  # fmt: skip
    hub.add("acme/mystery", downloads=8_000_000, license="mit", params=None, architectures=None,
            pipeline_tag="summarization")  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="whichmodel"):
        advice = whichmodel.advise(task="summarization", discover=True, top=100)
    tiny = [r for r in advice.recommendations if r.hub_id == "acme/tiny-summarizer"]
    assert len(tiny) == 1 and tiny[0].curated is False
    assert any("lacked a family or parameter count" in r.getMessage() for r in caplog.records)
    hub.faults["list"] = 500
    with pytest.raises(RuntimeProblem, match=r"^--discover: "):
        whichmodel.advise(task="summarization", discover=True)

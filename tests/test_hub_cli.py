"""`whichmodel hub ...` with the real huggingface_hub client against a fake Hub on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

import fakehub
from whichmodel.catalog import load_catalog
from whichmodel.hub_snapshot import HubRecord, Snapshot, read_snapshot, write_snapshot

TOKEN = "hf_fakeTOKENvalue0123456789"
GPT2_README = """---
license: mit
language: en
datasets:
- openwebtext
tags: [exbert]
---

# GPT-2

![banner](gpt2.png)

Test the whole generation capabilities here: https://transformer.huggingface.co/doc/gpt2-large

Pretrained model on English language using a causal language modeling (CLM) objective. It was
introduced in this paper and first released at this page.

```python
from transformers import pipeline
```

## Model description

GPT-2 is a transformers model pretrained on a very large corpus of English data.
"""


@pytest.fixture()
def hub(monkeypatch, tmp_path):
    h = fakehub.start(monkeypatch, tmp_path)
    yield h
    h.stop()


@pytest.fixture()
def snap_path(tmp_path) -> Path:
    return tmp_path / "cache" / "hub-snapshot.json"


def _seed(hub) -> None:
    hub.add(
        "openai-community/gpt2",
        readme=GPT2_README,
        downloads=5_000_000,
        likes=2500,
        license="mit",
        params=137_022_720,
        pipeline_tag="text-generation",
        architectures=["GPT2LMHeadModel"],
        model_type="gpt2",
    )
    hub.add(
        "google-bert/bert-base-uncased",
        downloads=60_000_000,
        likes=2000,
        license="apache-2.0",
        params=110_106_428,
        pipeline_tag="fill-mask",
        architectures=["BertForMaskedLM"],
    )
    hub.add(
        "meta-llama/Llama-3.1-8B-Instruct",
        downloads=4_000_000,
        gated="manual",
        license="llama3.1",
        params=8_030_261_248,
        pipeline_tag="text-generation",
        architectures=["LlamaForCausalLM"],
    )


def _old_snapshot(path: Path) -> bytes:
    old = Snapshot(fetched_at="2024-01-01T00:00:00Z", endpoint="https://old.example").merged(
        [
            HubRecord("openai-community/gpt2", downloads=1, fetched_at="2024-01-01T00:00:00Z"),
            HubRecord("google-bert/bert-base-uncased", downloads=2, fetched_at="2024-01-01T00:00:00Z"),
        ],
        fetched_at="2024-01-01T00:00:00Z",
    )
    write_snapshot(old, path)
    return path.read_bytes()


def _one_error_line(code, out, err, expected_code=1):
    assert code == expected_code, err
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


# -- refresh ------------------------------------------------------------------------------------------


def test_refresh_every_catalog_model_writes_the_snapshot(run, hub, snap_path):
    cat = load_catalog()
    for i, m in enumerate(cat.models.values()):
        hub.add(m.hub_id, downloads=1000 + i, architectures=["BertModel"], params=(i + 1) * 1_000_000)
    hub.add("openai-community/gpt2", downloads=5_000_000, license="mit", params=137_022_720)
    code, out, err = run("hub", "refresh", "--json")
    assert code == 0, err
    summary = json.loads(out)
    hub_ids = list(dict.fromkeys(m.hub_id for m in cat.models.values()))
    assert summary["requested"] == len(hub_ids) and summary["refreshed"] == hub_ids
    assert summary["failed"] == [] and summary["models_in_snapshot"] == len(hub_ids)
    assert summary["snapshot"] == str(snap_path) and summary["endpoint"] == hub.url
    snap = read_snapshot(snap_path)
    rec = snap.get("OpenAI-Community/GPT2")
    assert rec.downloads == 5_000_000 and rec.license == "mit" and rec.params == 137_022_720
    # every model_info request asked for exactly the expanded properties, with no revision
    info_requests = [r for r in hub.requests if r["path"].startswith("/api/models/")]
    assert len(info_requests) == len(hub_ids)
    assert all(
        set(r["query"]["expand"])
        == {
            "downloads",
            "likes",
            "cardData",
            "gated",
            "safetensors",
            "lastModified",
            "pipeline_tag",
            "config",
        }
        for r in info_requests
    )
    # no telemetry, no agent registry, nothing but the API
    assert {r["path"].split("/")[2] for r in hub.requests} == {"models"}


def test_refresh_some_models_merges_and_reports_in_text(run, hub, snap_path):
    _seed(hub)
    _old_snapshot(snap_path)
    code, out, err = run("hub", "refresh", "gpt2", "meta-llama/llama-3.1-8b-instruct")
    assert code == 0 and out == ""
    assert "Refreshed 2 models" in err and str(snap_path) in err and "(3 models)" in err
    snap = read_snapshot(snap_path)
    assert snap.get("google-bert/bert-base-uncased").downloads == 2  # untouched
    assert snap.get("openai-community/gpt2").downloads == 5_000_000
    llama = snap.get("meta-llama/Llama-3.1-8B-Instruct")
    assert (
        llama.gated == "manual"
        and llama.license == "llama3.1"
        and llama.architectures == ("LlamaForCausalLM",)
    )
    assert snap.endpoint == hub.url and snap.fetched_at != "2024-01-01T00:00:00Z"


def test_partial_refresh_keeps_failed_models_previous_data_and_says_what_failed(run, hub, snap_path):
    _seed(hub)
    _old_snapshot(snap_path)
    hub.faults["google-bert/bert-base-uncased"] = 503
    code, out, err = run("hub", "refresh", "gpt2", "bert-base-uncased", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["refreshed"] == ["openai-community/gpt2"]
    assert summary["failed"] == [
        {
            "hub_id": "google-bert/bert-base-uncased",
            "kind": "server",
            "error": "The Hub answered with a server error (HTTP 503).",
        }
    ]
    assert "Warning: google-bert/bert-base-uncased: The Hub answered with a server error (HTTP 503)." in err
    snap = read_snapshot(snap_path)
    assert snap.get("google-bert/bert-base-uncased").downloads == 2
    assert snap.get("openai-community/gpt2").downloads == 5_000_000


@pytest.mark.parametrize(
    "fault, needle",
    [
        (404, "was not found on the Hub (HTTP 404"),
        ("private", "was not found on the Hub (HTTP 401"),
        ("gated", "is gated and the Hub refused access (HTTP 403)"),
        ("bad-token", "The Hub rejected the token in HF_TOKEN (HTTP 401)"),
        (403, "The Hub refused access to openai-community/gpt2 (HTTP 403)"),
        (401, "The Hub refused access to openai-community/gpt2 (HTTP 401)"),
        (429, "rate-limiting"),
        (500, "server error (HTTP 500)"),
        (502, "server error (HTTP 502)"),
        ("bad-json", "not valid model metadata"),
        ("not-a-model", "not valid model metadata"),
        ("drop", "Cannot reach the Hugging Face Hub at http://127.0.0.1:"),
    ],
)
def test_a_failed_refresh_exits_1_with_one_sentence_and_leaves_the_snapshot_byte_identical(
    run, hub, snap_path, fault, needle
):
    _seed(hub)
    before = _old_snapshot(snap_path)
    hub.faults["openai-community/gpt2"] = fault
    code, out, err = run("hub", "refresh", "gpt2", env={"HF_TOKEN": TOKEN})
    line = _one_error_line(
        code, out, err.replace("Fetching Hub metadata for 1 model from", "").split("...\n", 1)[-1]
    )
    assert needle in line
    assert "the previous snapshot (2 models, fetched" in line and "is unchanged" in line
    assert TOKEN not in err
    assert snap_path.read_bytes() == before
    assert not list(snap_path.parent.glob(".hub-snapshot-*"))


def test_refresh_sends_the_token_and_never_prints_it(run, hub):
    _seed(hub)
    code, out, err = run("hub", "refresh", "gpt2", "--json", env={"HF_TOKEN": TOKEN})
    assert code == 0 and TOKEN not in out + err
    headers = {k.lower(): v for k, v in hub.requests[-1]["headers"].items()}
    assert headers["authorization"] == f"Bearer {TOKEN}" and headers["user-agent"].startswith("whichmodel/")


def test_refresh_without_any_snapshot_when_everything_fails_writes_nothing(run, hub, snap_path):
    hub.faults["*"] = 500
    code, out, err = run("hub", "refresh", "gpt2", "bert-base-uncased", "--json")
    line = _one_error_line(code, out, err)
    assert "server error (HTTP 500)" in line and "no snapshot was written" in line
    leftovers = (
        [p for p in snap_path.parent.glob("*") if not p.name.startswith("catalog-")]
        if snap_path.parent.exists()
        else []
    )
    assert not leftovers  # only the compiled catalog cache may be there


def test_refresh_of_unknown_models_all_404(run, hub):
    code, out, err = run("hub", "refresh", "nobody/one", "nobody/two")
    line = _one_error_line(code, out, err.split("...\n", 1)[-1])
    assert "None of the 2 models was found on the Hub" in line


def test_refresh_with_mixed_failures_lists_each_model_then_one_error(run, hub):
    hub.faults["a/one"] = 500
    code, out, err = run("hub", "refresh", "a/one", "a/two", "--json")
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("a/one: The Hub answered with a server error")
    assert lines[1].startswith("a/two: a/two was not found")
    assert lines[-1].startswith("Error: None of the 2 models could be fetched; the first failure:")


def test_refresh_unknown_name_is_a_usage_error(run, hub):
    code, out, err = run("hub", "refresh", "robreta-base")
    assert _one_error_line(code, out, err, 2).startswith("Error: Unknown model 'robreta-base'; closest: ")
    assert hub.requests == []


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_connection_refused_is_one_sentence_and_quick(run, hub, snap_path):
    before = _old_snapshot(snap_path)
    url = f"http://127.0.0.1:{_free_port()}"
    t0 = time.monotonic()
    code, out, err = run("hub", "refresh", env={"HF_ENDPOINT": url})
    elapsed = time.monotonic() - t0
    line = _one_error_line(code, out, err.split("...\n", 1)[-1])
    assert line.startswith(f"Error: Cannot reach the Hugging Face Hub at {url}.")
    assert snap_path.read_bytes() == before and elapsed < 5
    for argv in (
        ("hub", "info", "gpt2", "--live"),
        ("hub", "discover", "--task", "ner"),
        ("hub", "card", "gpt2"),
    ):
        t0 = time.monotonic()
        code, out, err = run(*argv, env={"HF_ENDPOINT": url})
        assert _one_error_line(code, out, err).startswith(
            f"Error: Cannot reach the Hugging Face Hub at {url}."
        )
        assert time.monotonic() - t0 < 3, argv  # no 23 s of library retries


def test_timeout_on_a_silent_hub(run, hub, snap_path):
    _seed(hub)
    before = _old_snapshot(snap_path)
    hub.faults["*"] = "sleep"
    t0 = time.monotonic()
    code, out, err = run("hub", "refresh", "gpt2", env={"WHICHMODEL_HUB_TIMEOUT": "0.5"})
    elapsed = time.monotonic() - t0
    line = _one_error_line(code, out, err.split("...\n", 1)[-1])
    assert f"Error: The Hugging Face Hub at {hub.url} did not answer within 0.5 s." in line
    assert elapsed < 3 and snap_path.read_bytes() == before


def test_the_deadline_bounds_a_whole_refresh(run, hub, snap_path):
    """A Hub that answers slowly: each request would succeed within its timeout, but not all of them in time."""
    for i in range(6):
        hub.add(f"slow/m{i}")
    hub.faults["*"] = "sleep"
    hub.sleep_s = 1.0  # all six: 6 s; the 3 s deadline cuts it (the bounds leave room for a loaded CI)
    before = _old_snapshot(snap_path)
    env = {"WHICHMODEL_HUB_TIMEOUT": "5", "WHICHMODEL_HUB_DEADLINE": "3", "WHICHMODEL_HUB_WORKERS": "1"}
    t0 = time.monotonic()
    code, out, err = run("hub", "refresh", *[f"slow/m{i}" for i in range(6)], "--json", env=env)
    elapsed = time.monotonic() - t0
    assert code == 0 and elapsed < 5.5, (elapsed, err)
    summary = json.loads(out)
    assert summary["deadline_hit"] is True
    done = summary["refreshed"]  # one at a time, 1 s each: two or three of them
    assert 1 <= len(done) < 6 and done == [f"slow/m{i}" for i in range(len(done))]
    assert [f["kind"] for f in summary["failed"]] == ["deadline"] * (6 - len(done))
    assert "slow/m5" in err and "was not fetched within the 3 s deadline." in err
    assert len(err.strip().splitlines()) == 1  # one warning for every model the deadline cut, not one each
    snap = read_snapshot(snap_path)
    assert len(snap) == 2 + len(done) and snap.get("openai-community/gpt2").downloads == 1
    # nothing at all within the deadline: exit 1, old snapshot untouched
    write_snapshot(read_snapshot(snap_path), snap_path)
    hub.sleep_s = 30
    before = snap_path.read_bytes()
    t0 = time.monotonic()
    code, out, err = run("hub", "refresh", "slow/m0", "slow/m1", env=env)
    assert time.monotonic() - t0 < 10.0  # a 30 s answer: only the deadline ends it this soon
    line = _one_error_line(code, out, err.split("...\n", 1)[-1])
    assert "within the 3 s deadline" in line and snap_path.read_bytes() == before


def test_offline_refresh_says_so_and_touches_nothing(run, hub, snap_path):
    before = _old_snapshot(snap_path)
    code, out, err = run("hub", "refresh", env={"HF_HUB_OFFLINE": "1"})
    line = _one_error_line(code, out, err)
    assert line.startswith("Error: Cannot refresh the Hub snapshot: offline mode is on (HF_HUB_OFFLINE=1).")
    assert hub.requests == [] and snap_path.read_bytes() == before
    # everything else keeps working from the snapshot and the catalog
    code, out, err = run("hub", "info", "gpt2", "--json", env={"HF_HUB_OFFLINE": "1"})
    assert code == 0 and json.loads(out)["downloads"] == 1
    code, out, err = run("catalog", "show", "gpt2", "--json", env={"HF_HUB_OFFLINE": "1"})
    assert code == 0 and json.loads(out)["hub"]["downloads"] == 1
    for argv in (("hub", "info", "gpt2", "--live"), ("hub", "discover", "--task", "ner")):
        code, out, err = run(*argv, env={"HF_HUB_OFFLINE": "1"})
        assert "offline mode is on (HF_HUB_OFFLINE=1)" in _one_error_line(code, out, err)
    assert hub.requests == []


def test_bad_settings_are_usage_errors(run, hub):
    code, out, err = run("hub", "refresh", "gpt2", env={"WHICHMODEL_HUB_DEADLINE": "never"})
    assert "WHICHMODEL_HUB_DEADLINE must be a positive number" in _one_error_line(code, out, err, 2)
    code, out, err = run("hub", "discover", "--task", "ner", env={"HF_ENDPOINT": "ftp://x"})
    assert "HF_ENDPOINT must be an http(s) URL" in _one_error_line(code, out, err, 2)


def test_unwritable_cache_dir_is_one_sentence(run, hub, tmp_path):
    _seed(hub)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run("hub", "refresh", "gpt2", env={"WHICHMODEL_CACHE_DIR": str(blocker / "sub")})
    line = _one_error_line(code, out, err.split("...\n", 1)[-1])
    assert line.startswith(f"Error: Cannot write the Hub snapshot to {blocker / 'sub' / 'hub-snapshot.json'}")


# -- info / catalog show ---------------------------------------------------------------------------------


def test_info_from_snapshot_and_live(run, hub, snap_path):
    _seed(hub)
    code, out, err = run("hub", "info", "gpt2")
    line = _one_error_line(code, out, err)
    assert line == (
        "Error: There is no Hub snapshot yet. Run `whichmodel hub refresh` "
        "(or `whichmodel hub refresh openai-community/gpt2`), or use --live."
    )
    assert run("hub", "refresh", "gpt2")[0] == 0
    code, out, err = run("hub", "info", "OpenAI-Community/GPT2", "--json")
    assert code == 0
    info = json.loads(out)
    assert list(info) == [
        "hub_id",
        "downloads",
        "likes",
        "gated",
        "license",
        "params",
        "last_modified",
        "pipeline_tag",
        "fetched_at",
    ]
    assert info["hub_id"] == "openai-community/gpt2" and info["downloads"] == 5_000_000
    assert info["params"] == 137_022_720 and info["last_modified"] == "2024-05-01T12:00:00Z"
    code, out, err = run("hub", "info", "gpt2")
    assert code == 0 and "5,000,000" in out and "137M" in out and "GPT2LMHeadModel" in out
    n = len(hub.requests)
    code, out, err = run("hub", "info", "bert-base-uncased")
    assert "The Hub snapshot has no data for google-bert/bert-base-uncased" in _one_error_line(code, out, err)
    assert "hub refresh google-bert/bert-base-uncased" in err and len(hub.requests) == n
    code, out, err = run("hub", "info", "meta-llama/Llama-3.1-8B-Instruct", "--live", "--json")
    assert code == 0 and json.loads(out)["gated"] == "manual" and len(hub.requests) == n + 1
    assert read_snapshot(snap_path).get("meta-llama/Llama-3.1-8B-Instruct") is None  # --live does not write
    hub.faults["x/y"] = "gated"
    code, out, err = run("hub", "info", "x/y", "--live")
    assert "x/y is gated and the Hub refused access (HTTP 403)" in _one_error_line(code, out, err)


def test_corrupt_snapshot_is_a_warning_then_treated_as_missing(run, hub, snap_path):
    snap_path.parent.mkdir(parents=True)
    snap_path.write_text("{oops")
    code, out, err = run("catalog", "show", "gpt2", "--json")
    assert code == 0 and json.loads(out)["hub"] is None
    assert err.startswith(
        f"Warning: The Hub snapshot {snap_path} is corrupt (it is not valid JSON; it may be truncated)"
    )
    code, out, err = run("hub", "info", "gpt2")
    assert code == 1 and "corrupt" in err and "There is no Hub snapshot yet" in err
    _seed(hub)
    code, out, err = run("hub", "refresh", "gpt2")  # a refresh keeps the corrupt file as a backup (D15)
    assert code == 0 and read_snapshot(snap_path).get("openai-community/gpt2") is not None
    [backup] = snap_path.parent.glob("hub-snapshot.json.bak-*")
    assert backup.read_text() == "{oops" and backup.name in err


def test_catalog_show_carries_the_hub_block(run, hub):
    code, out, _ = run("catalog", "show", "gpt2", "--json")
    assert code == 0 and json.loads(out)["hub"] is None
    code, out, _ = run("catalog", "show", "gpt2")
    assert "no Hub data (run `whichmodel hub refresh`)" in out
    _seed(hub)
    assert run("hub", "refresh", "gpt2")[0] == 0
    code, out, _ = run("catalog", "show", "openai-community/gpt2", "--json")
    block = json.loads(out)["hub"]
    assert list(block) == ["downloads", "likes", "gated", "license", "last_modified", "fetched_at"]
    assert block["downloads"] == 5_000_000 and block["gated"] is False and block["license"] == "mit"
    code, out, _ = run("catalog", "show", "gpt2")
    assert "5,000,000 downloads" in out


# -- card ------------------------------------------------------------------------------------------------


def test_card_shows_metadata_and_first_paragraphs(run, hub):
    _seed(hub)
    code, out, err = run("hub", "card", "gpt2")
    assert code == 0, err
    assert "license    mit" in out and "languages  en" in out and "datasets   openwebtext" in out
    assert (
        "Pretrained model on English language using a causal language modeling (CLM) objective."
        in " ".join(out.split())
    )
    assert "GPT-2 is a transformers model" not in out  # only the first two paragraphs
    assert "banner" not in out and "pipeline" not in out  # images and code are skipped
    code, out, err = run("hub", "card", "gpt2", "--json", "--paragraphs", "3")
    card = json.loads(out)
    assert card["license"] == "mit" and card["languages"] == ["en"] and card["datasets"] == ["openwebtext"]
    assert card["base_model"] == [] and len(card["paragraphs"]) == 3
    assert card["paragraphs"][2].startswith("GPT-2 is a transformers model")
    assert any(r["method"] == "HEAD" and r["path"].endswith("/resolve/main/README.md") for r in hub.requests)


def test_card_offline_comes_from_the_hugging_face_cache(run, hub):
    _seed(hub)
    code, out, err = run("hub", "card", "gpt2", env={"HF_HUB_OFFLINE": "1"})
    assert "offline mode is on" in _one_error_line(code, out, err)
    assert run("hub", "card", "gpt2", env={"HF_HUB_OFFLINE": "0"})[0] == 0  # (run's env persists)
    n = len(hub.requests)
    code, out, err = run("hub", "card", "gpt2", env={"HF_HUB_OFFLINE": "1"})
    assert code == 0 and "license    mit" in out and len(hub.requests) == n


@pytest.mark.parametrize(
    "setup, needle",
    [
        ("no-readme", "openai-community/gpt2 has no model card (README.md) on the Hub"),
        ("unknown", "nobody/nothing was not found on the Hub"),
        ("gated", "is gated and the Hub refused access (HTTP 403)"),
    ],
)
def test_card_failures(run, hub, setup, needle):
    _seed(hub)
    target = "gpt2"
    if setup == "no-readme":
        del hub.readmes["openai-community/gpt2"]
    elif setup == "unknown":
        target = "nobody/nothing"
    else:
        hub.faults["openai-community/gpt2"] = "gated"
    code, out, err = run("hub", "card", target)
    assert needle in _one_error_line(code, out, err)


# -- discover --------------------------------------------------------------------------------------------


def _seed_many(hub) -> None:
    _seed(hub)
    hub.add(
        "x/t5-sum", downloads=300, pipeline_tag="summarization", architectures=["T5ForConditionalGeneration"]
    )
    hub.add(
        "x/bart-sum",
        downloads=900,
        pipeline_tag="summarization",
        architectures=["BartForConditionalGeneration"],
    )
    hub.add(
        "x/led-sum",
        downloads=100,
        pipeline_tag="summarization",
        architectures=["LEDForConditionalGeneration"],
    )
    hub.add(
        "x/pegasus",
        downloads=500,
        pipeline_tag="summarization",
        architectures=["PegasusForConditionalGeneration"],
    )
    hub.add("x/qwen-sum", downloads=700, pipeline_tag="summarization", architectures=["Qwen2ForCausalLM"])
    hub.add(
        "x/odd",
        downloads=50,
        pipeline_tag="summarization",
        architectures=["Mystery"],
        params=None,
        license=None,
    )
    hub.add("x/qwen", downloads=800, pipeline_tag="text-generation", license="other", license_name="qwen")


def test_discover_paginates_sorts_and_infers_families(run, hub):
    _seed_many(hub)
    code, out, err = run("hub", "discover", "--task", "summarization", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert [m["hub_id"] for m in found] == [
        "x/bart-sum",
        "x/qwen-sum",
        "x/pegasus",
        "x/t5-sum",
        "x/led-sum",
        "x/odd",
    ]
    fam = {m["hub_id"]: m["family"] for m in found}
    assert fam == {
        "x/bart-sum": "encoder-decoder",
        "x/qwen-sum": "decoder-only",
        "x/pegasus": "encoder-decoder",
        "x/t5-sum": "encoder-decoder",
        "x/led-sum": "encoder-decoder",
        "x/odd": None,
    }
    odd = found[-1]
    assert odd["params_b"] is None and odd["license"] is None and odd["catalog_id"] is None
    assert found[0]["params_b"] == 0.1 and found[0]["pipeline_tag"] == "summarization"
    assert set(found[0]) >= {"hub_id", "family", "params_b", "downloads", "likes", "license", "pipeline_tag"}
    lists = [r for r in hub.requests if r["path"] == "/api/models"]
    assert len(lists) == 3  # 6 models, 2 per page: the client followed the Link header twice
    assert lists[0]["query"]["pipeline_tag"] == ["summarization"] and lists[0]["query"]["sort"] == [
        "downloads"
    ]
    assert "cursor" in lists[1]["query"] and "cursor" in lists[2]["query"]


def test_discover_limit_stops_paging_and_maps_our_own_tasks(run, hub):
    _seed_many(hub)
    code, out, err = run("hub", "discover", "--task", "chat", "--limit", "3", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert [m["hub_id"] for m in found] == [
        "openai-community/gpt2",
        "meta-llama/Llama-3.1-8B-Instruct",
        "x/qwen",
    ]
    assert (
        found[0]["catalog_id"] == "gpt2" and found[1]["gated"] == "manual" and found[2]["license"] == "qwen"
    )
    lists = [r for r in hub.requests if r["path"] == "/api/models"]
    assert lists[0]["query"]["pipeline_tag"] == ["text-generation"] and len(lists) == 2
    code, out, err = run("hub", "discover", "--task", "summarization", "--limit", "2")
    assert code == 0 and "x/bart-sum" in out and "encoder-decoder" in out and "x/pegasus" not in out


def test_discover_failures(run, hub):
    _seed_many(hub)
    code, out, err = run("hub", "discover", "--task", "no-such-task")
    assert "Unknown task" in _one_error_line(code, out, err, 2)
    code, out, err = run("hub", "discover", "--task", "ner", "--limit", "0")
    assert code == 2 and out == ""
    hub.faults["list"] = "bad-json"
    code, out, err = run("hub", "discover", "--task", "ner", "--json")
    assert "not valid model metadata" in _one_error_line(code, out, err)
    hub.faults["list"] = 503  # the library retries 5xx (1, 2, 4 ... s): the deadline ends it, saying why
    t0 = time.monotonic()
    code, out, err = run("hub", "discover", "--task", "ner", env={"WHICHMODEL_HUB_DEADLINE": "1.5"})
    line = _one_error_line(code, out, err)
    assert "did not complete the search for token-classification models within 1.5 s" in line
    assert "(it kept answering HTTP 503)" in line and time.monotonic() - t0 < 3
    hub.faults["list"] = "sleep"
    code, out, err = run("hub", "discover", "--task", "ner", env={"WHICHMODEL_HUB_TIMEOUT": "0.5"})
    assert "did not answer within 0.5 s" in _one_error_line(code, out, err)


def test_discover_function_for_the_engine(hub, monkeypatch):
    _seed_many(hub)
    from whichmodel.hub.discover import DiscoveredModel, discover, pipeline_tag_for

    assert pipeline_tag_for("chat", None) == "text-generation"
    assert pipeline_tag_for("code-generation", None) == "text-generation"
    assert pipeline_tag_for("summarization", "summarization") == "summarization"
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:1")  # the endpoint argument wins
    found = discover("summarization", 2, endpoint=hub.url)
    assert all(isinstance(m, DiscoveredModel) for m in found)
    assert [(m.hub_id, m.family, m.params_b) for m in found] == [
        ("x/bart-sum", "encoder-decoder", 0.1),
        ("x/qwen-sum", "decoder-only", 0.1),
    ]
    assert found[0].architectures == ("BartForConditionalGeneration",)


def test_a_real_process_prints_one_line_without_library_noise(hub, tmp_path):
    """huggingface_hub logs its retries on stderr; whichmodel silences them and prints its own sentence."""
    import os
    import subprocess
    import sys

    hub.faults["list"] = 503
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    env.update(WHICHMODEL_HUB_DEADLINE="1.5", PYTHONPATH=str(Path(__file__).parent.parent / "src"))
    for endpoint, needle in (
        (hub.url, "kept answering HTTP 503"),
        (f"http://127.0.0.1:{_free_port()}", "Cannot reach"),
    ):
        env["HF_ENDPOINT"] = endpoint
        p = subprocess.run(
            [sys.executable, "-m", "whichmodel", "hub", "discover", "--task", "ner"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert p.returncode == 1 and p.stdout == ""
        assert len(p.stderr.splitlines()) == 1 and needle in p.stderr, p.stderr

"""The Hub snapshot (reading, writing atomically, staleness), the family inference, and lazy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from whichmodel.hub.families import family_of_architecture, infer_family
from whichmodel.hub.settings import DEFAULT_DEADLINE, DEFAULT_TIMEOUT, HubError, HubSettings
from whichmodel.hub_snapshot import (
    HubRecord,
    Snapshot,
    cache_dir,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)

REC = HubRecord(
    hub_id="Org/Model-A",
    downloads=1234,
    likes=5,
    gated="manual",
    license="llama3.1",
    params=8_030_261_248,
    last_modified="2024-09-25T14:34:00Z",
    pipeline_tag="text-generation",
    fetched_at="2025-01-01T00:00:00Z",
    architectures=("LlamaForCausalLM",),
)


def test_cache_dir_honours_env_and_defaults_to_platformdirs(monkeypatch, tmp_path):
    monkeypatch.setenv("WHICHMODEL_CACHE_DIR", str(tmp_path / "c"))
    assert snapshot_path() == tmp_path / "c" / "hub-snapshot.json"
    monkeypatch.delenv("WHICHMODEL_CACHE_DIR")
    import platformdirs

    assert cache_dir() == Path(platformdirs.user_cache_dir("whichmodel", appauthor=False))


def test_missing_snapshot_is_none_without_warning(tmp_path):
    warnings: list[str] = []
    assert read_snapshot(tmp_path / "nope.json", warnings) is None
    assert warnings == []
    assert read_snapshot(tmp_path / "nope.json") is None


@pytest.mark.parametrize(
    "content, reason",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a whichmodel Hub snapshot"),
        ('{"format": "whichmodel-hub-snapshot", "version": 1, "models": []}', "not a mapping"),
        ("", "not valid JSON"),
    ],
)
def test_corrupt_snapshot_is_missing_plus_a_warning(tmp_path, content, reason):
    p = tmp_path / "hub-snapshot.json"
    p.write_text(content)
    warnings: list[str] = []
    assert read_snapshot(p, warnings) is None
    assert len(warnings) == 1 and reason in warnings[0] and str(p) in warnings[0]
    assert "hub refresh" in warnings[0]


def test_a_newer_snapshot_is_ignored_with_an_upgrade_hint(tmp_path):
    """D15: a snapshot from a newer whichmodel is not "corrupt", and `hub refresh` is not the advice."""
    p = tmp_path / "hub-snapshot.json"
    p.write_text('{"format": "whichmodel-hub-snapshot", "version": 99, "models": {}}')
    warnings: list[str] = []
    assert read_snapshot(p, warnings) is None
    assert len(warnings) == 1 and "format version 99" in warnings[0] and "Upgrade whichmodel" in warnings[0]


def test_a_bad_record_is_skipped_and_the_others_kept(tmp_path):
    """D15: one record that is not a record costs that record only, with a warning naming it."""
    p = tmp_path / "hub-snapshot.json"
    p.write_text(
        '{"format": "whichmodel-hub-snapshot", "version": 1, "models": {"a/b": {"hub_id": "a/b", "downloads": "x"},'
        ' "c/d": {"hub_id": "c/d", "downloads": 3}}}'
    )
    warnings: list[str] = []
    snap = read_snapshot(p, warnings)
    assert snap is not None and list(snap.records) == ["c/d"]
    assert len(warnings) == 1 and "downloads must be a number" in warnings[0] and "'a/b'" in warnings[0]


def test_unreadable_bytes_are_a_warning_not_an_exception(tmp_path):
    p = tmp_path / "hub-snapshot.json"
    p.write_bytes(b"\xff\xfe\x00garbage")
    warnings: list[str] = []
    assert read_snapshot(p, warnings) is None and len(warnings) == 1


def test_round_trip_case_insensitive_get_and_json_shapes(tmp_path):
    snap = Snapshot(fetched_at="2025-01-02T00:00:00Z", endpoint="https://huggingface.co").merged(
        [REC], fetched_at="2025-01-02T00:00:00Z"
    )
    p = write_snapshot(snap, tmp_path / "sub" / "hub-snapshot.json")
    back = read_snapshot(p)
    assert back is not None and len(back) == 1 and back.fetched_at == "2025-01-02T00:00:00Z"
    assert back.get("org/model-a") == REC and back.get(" ORG/MODEL-A ") == REC
    assert back.get("org/other") is None and "org/MODEL-a" in back
    assert list(REC.advice_json()) == [
        "downloads",
        "likes",
        "gated",
        "license",
        "last_modified",
        "fetched_at",
    ]
    assert list(REC.info_json()) == [
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
    assert REC.is_gated and REC.params_b == pytest.approx(8.030261248)
    assert not HubRecord("a/b", gated=False).is_gated and not HubRecord("a/b").is_gated
    data = json.loads(p.read_text())
    assert data["format"] == "whichmodel-hub-snapshot" and list(data["models"]) == ["Org/Model-A"]


def test_merge_keeps_other_records_and_replaces_same_id():
    old = Snapshot(fetched_at="2024-01-01T00:00:00Z").merged(
        [REC, HubRecord("x/y", downloads=1)], fetched_at="2024-01-01T00:00:00Z"
    )
    new = old.merged([HubRecord("ORG/model-a", downloads=99)], fetched_at="2025-01-01T00:00:00Z")
    assert new.get("x/y").downloads == 1 and new.get("org/model-a").downloads == 99 and len(new) == 2
    assert old.get("org/model-a").downloads == 1234  # the old snapshot is not mutated


def test_age_days_and_staleness():
    now = datetime(2025, 1, 31, tzinfo=UTC)
    snap = Snapshot(fetched_at="2025-01-01T00:00:00Z")
    assert snap.age_days(now) == pytest.approx(30.0)
    assert not snap.is_stale(now) and snap.is_stale(now + timedelta(days=1))
    assert Snapshot().age_days(now) is None and Snapshot().is_stale(now)
    assert REC.age_days(now) == pytest.approx(30.0)
    assert Snapshot(fetched_at="2025-01-01T00:00:00+00:00").age_days(datetime(2025, 1, 2)) == pytest.approx(
        1.0
    )


def test_write_is_atomic_a_failed_replace_leaves_the_old_file_byte_identical(tmp_path, monkeypatch):
    p = tmp_path / "hub-snapshot.json"
    write_snapshot(Snapshot(fetched_at="2024-01-01T00:00:00Z").merged([REC], "2024-01-01T00:00:00Z"), p)
    before = p.read_bytes()

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_snapshot(Snapshot().merged([HubRecord("a/b")], "2025-01-01T00:00:00Z"), p)
    assert p.read_bytes() == before
    assert [f.name for f in tmp_path.iterdir()] == ["hub-snapshot.json"]  # no temporary file left


# -- families ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arch, family",
    [
        ("T5ForConditionalGeneration", "encoder-decoder"),
        ("MT5ForConditionalGeneration", "encoder-decoder"),
        ("BartForConditionalGeneration", "encoder-decoder"),
        ("MBartForConditionalGeneration", "encoder-decoder"),
        ("MarianMTModel", "encoder-decoder"),
        ("LEDForConditionalGeneration", "encoder-decoder"),
        ("PegasusForConditionalGeneration", "encoder-decoder"),
        ("M2M100ForConditionalGeneration", "encoder-decoder"),
        ("BartForSequenceClassification", "encoder-decoder"),
        ("LlamaForCausalLM", "decoder-only"),
        ("Qwen2ForCausalLM", "decoder-only"),
        ("GPT2LMHeadModel", "decoder-only"),
        ("BertForMaskedLM", "encoder-only"),
        ("BertModel", "encoder-only"),
        ("RobertaForSequenceClassification", "encoder-only"),
        ("XLMRobertaForTokenClassification", "encoder-only"),
        ("XLMRobertaModel", "encoder-only"),
        ("DebertaV2ForSequenceClassification", "encoder-only"),
        ("ElectraForPreTraining", "encoder-only"),
        ("ModernBertForMaskedLM", "encoder-only"),
        ("MPNetForMaskedLM", "encoder-only"),
        ("DistilBertForQuestionAnswering", "encoder-only"),
        ("T5EncoderModel", "encoder-only"),
        ("Gemma3ForConditionalGeneration", None),  # a decoder with a vision tower: not guessed
        ("WhisperForConditionalGeneration", None),
        ("BertGenerationDecoder", None),
        ("SomethingNew", None),
    ],
)
def test_family_of_architecture(arch, family):
    assert family_of_architecture(arch) == family


def test_infer_family_first_known_then_model_type():
    assert infer_family(["Unknown", "BertForMaskedLM"]) == "encoder-only"
    assert infer_family([], "t5") == "encoder-decoder"
    assert infer_family(None, "xlm-roberta") == "encoder-only"
    assert infer_family(None, "llama") is None and infer_family(None) is None


# -- settings ---------------------------------------------------------------------------------------


def test_settings_defaults_give_up_within_30_s_and_env_overrides(monkeypatch):
    for k in (
        "HF_ENDPOINT",
        "HF_TOKEN",
        "WHICHMODEL_HUB_TIMEOUT",
        "WHICHMODEL_HUB_DEADLINE",
        "WHICHMODEL_HUB_WORKERS",
    ):
        monkeypatch.delenv(k, raising=False)
    s = HubSettings.from_env()
    assert s.endpoint == "https://huggingface.co" and s.token is None
    assert s.timeout == DEFAULT_TIMEOUT and s.deadline == DEFAULT_DEADLINE <= 30 and 4 <= s.workers <= 8
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9/")
    monkeypatch.setenv("HF_TOKEN", "hf_secret_value")
    monkeypatch.setenv("WHICHMODEL_HUB_TIMEOUT", "5")
    monkeypatch.setenv("WHICHMODEL_HUB_DEADLINE", "2")
    s = HubSettings.from_env()
    assert s.endpoint == "http://127.0.0.1:9" and s.timeout == 5 and s.deadline == 2
    assert "hf_secret_value" not in repr(s) and "hf_secret_value" not in str(s)
    for name, bad in (
        ("WHICHMODEL_HUB_TIMEOUT", "soon"),
        ("WHICHMODEL_HUB_DEADLINE", "-1"),
        ("WHICHMODEL_HUB_WORKERS", "99"),
    ):
        monkeypatch.setenv(name, bad)
        with pytest.raises(HubError) as exc:
            HubSettings.from_env()
        assert exc.value.kind == "setting" and name in str(exc.value)
        monkeypatch.delenv(name)


# -- lazy imports -----------------------------------------------------------------------------------


def _modules_after(code: str) -> set[str]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent.parent / "src"))
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_reading_the_snapshot_does_not_import_huggingface_hub(tmp_path):
    mods = _modules_after(
        "from whichmodel.hub_snapshot import read_snapshot\n"
        f"read_snapshot(__import__('pathlib').Path({str(tmp_path / 'x.json')!r}))\n"
        "import whichmodel.hub, whichmodel.hub.settings, whichmodel.hub.families"
    )
    assert "whichmodel.hub_snapshot" in mods
    assert not any(m == "huggingface_hub" or m.startswith("huggingface_hub.") for m in mods)
    assert "pydantic" not in mods and "rich" not in mods


@pytest.mark.parametrize(
    "argv", [["catalog", "list", "--json"], ["catalog", "show", "gpt2", "--json"], ["hub", "--help"]]
)
def test_cli_paths_that_do_not_talk_to_the_hub_do_not_import_it(tmp_path, argv):
    mods = _modules_after(
        "import os, sys\n"
        f"os.environ['WHICHMODEL_CACHE_DIR'] = {str(tmp_path)!r}\n"
        "from whichmodel.cli.main import main\n"
        "import io, contextlib\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit as e:\n"
        "        assert not e.code, e.code\n"
    )
    assert "whichmodel.cli.main" in mods
    assert not any(m == "huggingface_hub" or m.startswith("huggingface_hub.") for m in mods)

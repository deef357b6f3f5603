"""`whichmodel estimate` through the in-process runner."""

from __future__ import annotations

import json

import pytest

from contract import CONTRACT_ACCELERATORS
from whichmodel import estimator as E
from whichmodel.catalog import load_catalog


def _json(run, *args):
    code, out, err = run("estimate", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_json_document_follows_the_contract(run):
    doc = _json(run, "llama-3.1-8b-instruct", "--strategy", "lora", "--tokens", "1B")
    assert {
        "model",
        "params",
        "strategy",
        "tokens",
        "accelerator",
        "gpus",
        "flops",
        "gpu_hours",
        "cost_usd",
        "memory_gb",
        "gpus_needed",
        "fits",
        "assumptions",
    } <= set(doc)
    assert {"weights", "gradients", "optimizer", "activations", "total"} <= set(doc["memory_gb"])
    assert doc["model"] == "llama-3.1-8b-instruct" and doc["params"] == 8e9 and doc["tokens"] == 1e9
    assert doc["strategy"] == "lora" and doc["accelerator"] == "a100-80gb" and doc["gpus"] == 1
    assert doc["flops"] == pytest.approx(4 * 8e9 * 1e9)
    assert doc["fits"] is True and doc["gpus_needed"] == 1
    # the default accelerator is reported, never silent
    assert any("a100-80gb (default" in a for a in doc["assumptions"])
    assert any("a100-80gb" in a for a in doc["assumed"])


def test_json_matches_the_estimator(run):
    cat = load_catalog([], use_env=False)
    doc = _json(
        run, "--params", "7B", "-s", "full-finetune", "--tokens", "2B", "--gpu", "H100", "--gpus", "4"
    )
    job = E.estimate_job(
        params=7e9, strategy="full-finetune", accelerator=cat.accelerator("h100-80gb"), gpus=4, tokens=2e9
    )
    assert doc["accelerator"] == "h100-80gb" and doc["model"] is None
    assert doc["gpu_hours"] == pytest.approx(job.gpu_hours, rel=1e-5)
    assert doc["wall_clock_hours"] == pytest.approx(job.gpu_hours / 4, rel=1e-5)
    assert doc["memory_gb"]["total"] == pytest.approx(job.memory.total, abs=1e-3)
    assert doc["gpus_needed"] == job.gpus_needed and doc["fits"] == job.fits


def test_examples_make_tokens(run):
    doc = _json(run, "--params", "350M", "-s", "full-finetune", "--examples", "50k")
    assert doc["tokens"] == 50_000 * 3 * 512  # the defaults advise uses too (estimator.DEFAULTS)
    assert any("50k examples × 3 epochs × 512 tokens" in a for a in doc["assumptions"])
    doc = _json(
        run,
        "--params",
        "350M",
        "-s",
        "lora",
        "--examples",
        "2k",
        "--epochs",
        "2",
        "--tokens-per-example",
        "128",
    )
    assert doc["tokens"] == 2000 * 2 * 128


def test_number_words_hub_ids_and_overrides(run):
    doc = _json(run, "--params", "1.4T", "-s", "pretrain", "--tokens", "2e9", "--gpu", "b200")
    assert doc["params"] == 1.4e12 and doc["tokens"] == 2e9
    doc = _json(run, "google-bert/bert-base-uncased", "-s", "inference")
    assert doc["model"] == "bert-base-uncased" and doc["memory_gb"]["kv_cache"] == 0
    doc = _json(run, "gpt2", "--params", "1B", "-s", "inference")
    assert doc["params"] == 1e9 and any("replaces gpt2" in a for a in doc["assumptions"])


def test_pretrain_without_tokens_assumes_chinchilla(run):
    doc = _json(run, "--params", "1B", "-s", "pretrain")
    assert doc["tokens"] == 20e9 and doc["gpu_hours"] > 0


def test_inference_defaults_and_ignored_tokens(run):
    doc = _json(run, "gpt2", "-s", "inference", "--tokens", "1B")
    assert doc["tokens"] is None and doc["flops"] is None and doc["gpu_hours"] is None
    assert doc["seq_len"] == 768  # 512 input + 256 output tokens (the serving defaults)
    assert doc["batch"] == 1
    assert any("ignored" in a for a in doc["assumptions"])
    capped = _json(run, "gpt2", "-s", "inference", "--input-tokens", "2000")
    assert capped["seq_len"] == 1024  # gpt2's context window caps the 2,256
    doc = _json(run, "--params", "7B", "-s", "as-is", "--dtype", "int4", "--seq-len", "8k", "--batch", "4")
    # int4 on a GPU is vLLM's AWQ/GPTQ: 4.25 bits with its scales, embeddings and LM head 16-bit
    from whichmodel.estimator import model_shape

    embed = model_shape(7e9).embedding_params
    weights = ((7e9 - embed) * 4.25 / 8 + embed * 2) / 1e9
    assert doc["memory_gb"]["weights"] == pytest.approx(weights, abs=1e-3)
    assert doc["seq_len"] == 8000 and doc["batch"] == 4


def test_gradient_checkpointing_flag(run):
    on = _json(run, "--params", "1B", "-s", "full-finetune")
    off = _json(run, "--params", "1B", "-s", "full-finetune", "--no-gradient-checkpointing")
    assert off["memory_gb"]["activations"] > on["memory_gb"]["activations"]


@pytest.mark.parametrize("gpu", CONTRACT_ACCELERATORS)
def test_every_contract_accelerator_and_strategy(run, gpu):
    for strategy in E.STRATEGIES:
        code, out, err = run(
            "estimate", "--params", "3B", "-s", strategy, "--tokens", "1B", "--gpu", gpu, "--json"
        )
        assert code == 0, f"{gpu} {strategy}: {err}"
        doc = json.loads(out)
        assert doc["accelerator"] == gpu and doc["strategy"] == strategy
        assert doc["memory_gb"]["total"] > 0 and isinstance(doc["fits"], bool)


def test_rich_view(run):
    code, out, err = run("estimate", "llama-3.1-8b-instruct", "-s", "qlora", "--examples", "10k")
    assert code == 0, err
    for needle in (
        "Memory",
        "weights",
        "optimizer",
        "activations",
        "total",
        "GPU-hours",
        "Wall-clock",
        "Cost",
    ):
        assert needle in out, needle
    assert "█" in out
    assert "Verdict:    fits on 1× a100-80gb" in out
    assert "Assumptions" in out and "4.127 bits" in out
    assert all(len(line) <= 100 for line in out.splitlines())


NO_TFLOPS_GPU = """\
accelerators:
- {id: mystery-gpu, name: A card with no published TFLOP/s, memory_gb: 24, sources: [a test]}
"""


def test_rich_verdicts(run, tmp_path):
    code, out, _ = run("estimate", "--params", "70B", "-s", "full-finetune", "--gpu", "a100-80gb")
    assert code == 0 and "needs " in out and "× a100-80gb (you gave 1)" in out
    code, out, _ = run("estimate", "--params", "70B", "-s", "full-finetune", "--gpus", "32")
    assert code == 0 and "fits on 32× a100-80gb (needs" in out
    code, out, _ = run(
        "estimate", "--params", "1B", "-s", "full-finetune", "--seq-len", "200k", "--batch", "64"
    )
    assert code == 0 and "does not fit on any number of a100-80gb" in out
    code, out, _ = run(
        "estimate", "--params", "20T", "-s", "full-finetune", "--seq-len", "128", "--batch", "1"
    )
    assert code == 0 and "does not fit: more than 4,096" in out
    code, out, _ = run("estimate", "--params", "7B", "-s", "full-finetune")
    assert code == 0 and "not estimated (no training tokens" in out
    extra = tmp_path / "gpu.yaml"
    extra.write_text(NO_TFLOPS_GPU)
    code, out, _ = run(
        "estimate",
        "--params",
        "7B",
        "-s",
        "lora",
        "--tokens",
        "1B",
        "--gpu",
        "mystery-gpu",
        "--catalog",
        str(extra),
    )
    assert code == 0 and "no TFLOP/s figure" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--params", "0", "-s", "lora"), "--params"),
        (("--params", "-7B", "-s", "lora"), "--params"),
        (("--params", "nan", "-s", "lora"), "--params"),
        (("--params", "seven", "-s", "lora"), "not a number"),
        (("--params", "7B", "-s", "lora", "--tokens", "0"), "--tokens"),
        (("--params", "7B", "-s", "lora", "--tokens", "lots"), "--tokens"),
        (("--params", "7B", "-s", "lora", "--gpus", "0"), "--gpus"),
        (("--params", "7B", "-s", "lora", "--gpus", "2.5"), "whole number"),
        (("--params", "7B", "-s", "lora", "--seq-len", "-1"), "--seq-len"),
        (("--params", "7B", "-s", "lora", "--batch", "inf"), "--batch"),
        (("--params", "7B", "-s", "lora", "--examples", "10", "--epochs", "0"), "--epochs"),
        (("--params", "7B", "-s", "teleport"), "Unknown strategy"),
        (("--params", "7B"), "Missing --strategy"),
        (("-s", "lora"), "MODEL"),
        (("--params", "7B", "-s", "lora", "--dtype", "fp8"), "Unknown dtype"),
        (("--params", "7B", "-s", "full-finetune", "--dtype", "int4"), "qlora"),
        (("--params", "7B", "-s", "lora", "--tokens", "1B", "--examples", "5"), "not both"),
        (("--params", "7B", "-s", "lora", "--epochs", "2"), "--examples"),
        (("--params", "1e300", "-s", "pretrain"), "beyond"),
        (("no-such-model", "-s", "lora"), "Unknown model"),
    ],
)
def test_bad_values_are_one_line_usage_errors(run, args, needle):
    code, out, err = run("estimate", *args)
    assert code == 2, err
    assert out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1 and needle in err
    assert "Traceback" not in err


def test_unknown_accelerator_names_the_closest(run):
    code, out, err = run("estimate", "--params", "7B", "-s", "lora", "--gpu", "h101", "--json")
    assert code == 2 and out == ""
    assert "Unknown accelerator 'h101'" in err and "h100" in err and err.count("\n") == 1


def test_help(run):
    code, out, _ = run("estimate", "--help")
    assert code == 0 and "--strategy" in out and "--examples" in out


def test_inference_serving_document(run):
    doc = _json(run, "llama-3.1-8b-instruct", "-s", "inference", "--gpu", "h100")
    serving = doc["serving"]
    assert {
        "decode_tokens_per_s",
        "prefill_tokens_per_s",
        "time_to_first_token_s",
        "max_concurrent",
        "usd_per_million_tokens",
    } <= set(serving)
    assert serving["runtime"] == "vllm" and serving["input_tokens"] == 512 and serving["output_tokens"] == 256
    # decode is bound by bandwidth: 16 GB of weights over 3,350 GB/s is at most ~210 tokens/s
    assert 100 < serving["decode_tokens_per_s"] < 3350 / 16
    assert serving["prefill_tokens_per_s"] > 50 * serving["decode_tokens_per_s"]
    assert any("512 input tokens" in a for a in doc["assumed"])
    busy = _json(run, "llama-3.1-8b-instruct", "-s", "inference", "--gpu", "h100", "--concurrency", "32")
    assert busy["serving"]["concurrency"] == 32 and busy["batch"] == 32
    assert busy["serving"]["usd_per_million_tokens"] < serving["usd_per_million_tokens"] / 5
    slow = _json(
        run, "llama-3.1-8b-instruct", "-s", "inference", "--gpu", "h100", "--runtime", "transformers"
    )
    assert slow["serving"]["decode_tokens_per_s"] < serving["decode_tokens_per_s"]
    cpu = _json(run, "llama-3.1-8b-instruct", "-s", "inference", "--gpu", "cpu")
    assert cpu["dtype"] == "int4" and cpu["serving"]["runtime"] == "llama.cpp"
    assert cpu["serving"]["usd_per_million_tokens"] is None and cpu["memory_gb"]["overhead"] == 0
    assert cpu["serving"]["decode_tokens_per_s"] < serving["decode_tokens_per_s"] / 5


def test_training_flags(run):
    base = ("--params", "8B", "-s", "full-finetune", "--gpu", "4090", "--batch", "1")
    plain = _json(run, *base)
    offloaded = _json(run, *base, "--optimizer", "adamw-8bit", "--offload", "all")
    assert not plain["fits"] and offloaded["fits"] and offloaded["memory_gb"]["offloaded"] > 50
    assert offloaded["optimizer"] == "adamw-8bit" and offloaded["offload"] == "all"
    q = _json(
        run,
        "llama-3.1-8b-instruct",
        "-s",
        "qlora",
        "--lora-rank",
        "64",
        "--stack",
        "optimized",
        "--tokens",
        "1B",
    )
    r = _json(run, "llama-3.1-8b-instruct", "-s", "qlora", "--lora-rank", "8", "--tokens", "1B")
    assert q["lora_rank"] == 64 and q["stack"] == "optimized" and q["optimizer"] == "paged-adamw-8bit"
    assert q["trainable_params"] == pytest.approx(8 * r["trainable_params"], rel=1e-5)
    assert q["gpu_hours"] < r["gpu_hours"]  # the optimized stack


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--params", "7B", "-s", "lora", "--optimizer", "sgd"), "optimizer"),
        (("--params", "7B", "-s", "lora", "--offload", "disk"), "offload"),
        (("--params", "7B", "-s", "lora", "--stack", "turbo"), "stack"),
        (("--params", "7B", "-s", "lora", "--lora-targets", "mlp"), "--lora-targets"),
        (("--params", "7B", "-s", "lora", "--lora-rank", "0"), "--lora-rank"),
        (("--params", "7B", "-s", "inference", "--runtime", "tgi"), "runtime"),
        (("--params", "7B", "-s", "inference", "--concurrency", "1.5"), "--concurrency"),
        (("--params", "7B", "-s", "lora", "--input-tokens", "100"), "inference"),
        (("--params", "7B", "-s", "lora", "--gpu", "cpu"), "serving target"),
    ],
)
def test_bad_serving_and_training_flags(run, args, needle):
    code, out, err = run("estimate", *args)
    assert code == 2 and out == "" and needle in err and "Traceback" not in err


def test_json_keys_are_documented(run):
    """Every key of the `estimate --json` document is listed in docs/estimates.md."""
    import re
    from pathlib import Path

    doc_text = (Path(__file__).resolve().parent.parent / "docs" / "estimates.md").read_text(encoding="utf-8")
    section = doc_text.split("## The `estimate --json` document", 1)[1].split("\n## ", 1)[0]
    training = _json(run, "llama-3.1-8b-instruct", "-s", "qlora", "--tokens", "1B")
    serving = _json(run, "llama-3.1-8b-instruct", "-s", "inference")
    keys = set(training) | set(serving) | set(training["memory_gb"]) | set(serving["serving"])
    missing = sorted(k for k in keys if not re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", section))
    assert not missing, missing

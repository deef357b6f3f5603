"""The Python API gives what the CLI gives: the same documents, the same errors, and a light import."""

from __future__ import annotations

import doctest
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import whichmodel

ROOT = Path(__file__).resolve().parent.parent

# (CLI flags, API keywords) for the same scope
SCOPES = [
    (
        ["--task", "ner", "--examples", "5k", "--gpu", "t4", "--serve", "cpu", "--gpu-hours", "10"],
        {"task": "ner", "examples": "5k", "gpu": "t4", "serve": "cpu", "gpu_hours": 10},
    ),
    (["--task", "summarization", "--gpu-hours", "50"], {"task": "summarization", "gpu_hours": 50}),
    (
        ["--task", "chat", "--examples", "10k", "--gpu", "rtx-4090", "--gpu-hours", "20"],
        {"task": "chat", "examples": 10_000, "gpu": "rtx-4090", "gpu_hours": "20"},
    ),
    (
        ["--task", "translation", "-l", "en", "-l", "de", "--license", "commercial", "--top", "3"],
        {"task": ["translation"], "language": ["en", "de"], "license": "commercial", "top": 3},
    ),
    (
        ["--task", "text-classification", "--examples", "2000", "--input-tokens", "256", "--gpus", "2"],
        {"task": "text-classification", "examples": 2000, "input_tokens": 256, "gpus": 2},
    ),
]


@pytest.mark.parametrize(("argv", "kwargs"), SCOPES, ids=[" ".join(a[:2]) for a, _ in SCOPES])
def test_advise_equals_the_cli_json(run, argv, kwargs):
    code, out, err = run("advise", *argv, "--json")
    assert code == 0, err
    advice = whichmodel.advise(**kwargs)
    assert isinstance(advice, whichmodel.Advice)
    assert advice.model_dump(mode="json") == json.loads(out)


def test_advise_takes_a_scope_mapping_and_a_scope_file(run, tmp_path):
    path = tmp_path / "scope.yaml"
    path.write_text("tasks: [qa]\nexamples: 1000\ngpu: l4\n")
    code, out, _ = run("advise", "--scope", str(path), "--gpu-hours", "3", "--json")
    assert code == 0
    expected = json.loads(out)
    assert whichmodel.advise(scope=str(path), gpu_hours=3).model_dump(mode="json") == expected
    mapping = {"tasks": ["qa"], "examples": 1000, "gpu": "l4"}
    assert whichmodel.advise(scope=mapping, gpu_hours=3).model_dump(mode="json") == expected


ESTIMATES = [
    (
        ["qwen2.5-7b-instruct", "-s", "qlora", "--examples", "10k"],
        {"model": "qwen2.5-7b-instruct", "strategy": "qlora", "examples": "10k"},
    ),
    (
        ["--params", "7B", "-s", "lora", "--gpu", "rtx-4090", "--tokens", "5M"],
        {"params": "7B", "strategy": "lora", "gpu": "rtx-4090", "tokens": 5e6},
    ),
    (
        ["bert-base-uncased", "-s", "inference", "--gpu", "t4"],
        {"model": "bert-base-uncased", "strategy": "inference", "gpu": "t4"},
    ),
    (
        ["gpt2", "-s", "full-finetune", "--seq-len", "1024", "--batch", "4", "--gpus", "2"],
        {"model": "gpt2", "strategy": "full-finetune", "seq_len": 1024, "batch": 4, "gpus": 2},
    ),
]


@pytest.mark.parametrize(("argv", "kwargs"), ESTIMATES, ids=[" ".join(a[:3]) for a, _ in ESTIMATES])
def test_estimate_equals_the_cli_json(run, argv, kwargs):
    code, out, err = run("estimate", *argv, "--json")
    assert code == 0, err
    result = whichmodel.estimate(**kwargs)
    assert isinstance(result, whichmodel.Estimate)
    assert result.model_dump(mode="json") == json.loads(out)


def _cli_error(run, *argv: str) -> tuple[int, str]:
    code, out, err = run(*argv)
    assert out == ""
    line = err.strip().splitlines()[-1]
    assert line.startswith("Error: ")
    return code, line.removeprefix("Error: ")


@pytest.mark.parametrize(
    ("argv", "call", "kind"),
    [
        (["advise", "--task", "nre"], lambda: whichmodel.advise(task="nre"), whichmodel.UsageError),
        (["advise"], lambda: whichmodel.advise(), whichmodel.UsageError),
        (
            ["advise", "--task", "ner", "--examples", "-3"],
            lambda: whichmodel.advise(task="ner", examples=-3),
            whichmodel.UsageError,
        ),
        (
            ["advise", "--task", "ner", "--gpu", "h1000"],
            lambda: whichmodel.advise(task="ner", gpu="h1000"),
            whichmodel.UsageError,
        ),
        (
            ["advise", "--task", "ner", "--license", "gpl"],
            lambda: whichmodel.advise(task="ner", license="gpl"),
            whichmodel.UsageError,
        ),
        (
            ["estimate", "no-such-model", "-s", "lora"],
            lambda: whichmodel.estimate("no-such-model", strategy="lora"),
            whichmodel.UsageError,
        ),
        (["estimate", "gpt2"], lambda: whichmodel.estimate("gpt2"), whichmodel.UsageError),
        (
            ["estimate", "gpt2", "-s", "lora", "--batch", "0"],
            lambda: whichmodel.estimate("gpt2", strategy="lora", batch=0),
            whichmodel.UsageError,
        ),
    ],
)
def test_errors_are_the_cli_errors(run, argv, call, kind):
    code, line = _cli_error(run, *argv)
    with pytest.raises(kind) as info:
        call()
    assert str(info.value) == line
    assert info.value.code == code == 2


def test_an_invalid_catalog_is_a_catalog_error_with_every_problem(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  - id: x\n    family: nonsense\n")
    code, line = _cli_error(run, "advise", "--task", "ner", "--catalog", str(bad))
    with pytest.raises(whichmodel.CatalogError) as info:
        whichmodel.advise(task="ner", catalog=bad)
    assert str(info.value) == line
    assert info.value.code == code == 1
    assert info.value.details and all(str(bad) in d for d in info.value.details)
    assert isinstance(info.value, whichmodel.WhichmodelError)


def test_a_value_of_the_wrong_type_is_a_usage_error():
    with pytest.raises(whichmodel.UsageError, match="--examples"):
        whichmodel.advise(task="ner", examples=True)
    with pytest.raises(whichmodel.UsageError, match="--gpu"):
        whichmodel.advise(task="ner", gpu=object())  # type: ignore[arg-type]
    with pytest.raises(whichmodel.UsageError, match="--colour"):
        whichmodel.advise(task="ner", colour="red")


def test_import_is_light_and_the_calls_stay_light():
    code = (
        "import sys, whichmodel\n"
        "heavy = ('rich', 'typer', 'huggingface_hub', 'click', 'pydantic')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "whichmodel.advise(task='ner', gpu_hours=1)\n"
        "whichmodel.estimate('gpt2', strategy='lora')\n"
        "print(sorted(m for m in heavy[:4] if m in sys.modules))\n"
    )
    env = {**os.environ, "WHICHMODEL_CACHE_DIR": os.environ["WHICHMODEL_CACHE_DIR"]}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert proc.stdout.splitlines() == ["[]", "[]"], proc.stdout + proc.stderr
    assert proc.stderr == ""


def test_public_names():
    for name in whichmodel.__all__:
        assert getattr(whichmodel, name) is not None
    with pytest.raises(AttributeError):
        _ = whichmodel.no_such_thing  # type: ignore[attr-defined]


FENCE = re.compile(r"```pycon\n(.*?)```", re.S)


def test_the_python_api_doc_runs():
    text = (ROOT / "docs" / "python-api.md").read_text()
    blocks = FENCE.findall(text)
    assert len(blocks) >= 4
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    # one session: later blocks use names the earlier ones defined
    test = parser.get_doctest("\n".join(blocks), {}, "python-api.md", "docs/python-api.md", 0)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0 and result.attempted >= 10

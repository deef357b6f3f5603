"""`whichmodel recipe`: scripts that compile, configs with the tool's own keys, the estimator's settings."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import yaml

import whichmodel
from whichmodel import recipes as rcp

DATA = Path(__file__).parent / "data"
CHAT = ["--task", "chat", "--examples", "10k", "--gpu", "rtx-4090", "--gpu-hours", "20"]
# on a T4 (no bf16) QLoRA appears among the first twenty chat picks (7B models in 4 bits)
QLORA_SCOPE = {"task": "chat", "examples": "10k", "gpu": "t4", "gpu_hours": 20, "top": 20}


def axolotl_keys() -> tuple[set[str], set[str]]:
    section: set[str] | None = None
    top: set[str] = set()
    dataset: set[str] = set()
    for line in (DATA / "axolotl-config-keys.txt").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line == "[config]":
            section = top
        elif line == "[dataset]":
            section = dataset
        else:
            assert section is not None
            section.add(line.strip())
    return top, dataset


def qlora_rank() -> tuple[whichmodel.Advice, int]:
    advice = whichmodel.advise(**QLORA_SCOPE)
    ranks = [r.rank for r in advice.recommendations if r.strategy == "qlora" and r.family == "decoder-only"]
    assert ranks, "no QLoRA pick in this scope"
    return advice, ranks[0]


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", None)) == name
    ]


def _kwargs(call: ast.Call) -> dict[str, object]:
    out: dict[str, object] = {}
    for kw in call.keywords:
        try:
            out[str(kw.arg)] = ast.literal_eval(kw.value)
        except ValueError:
            out[str(kw.arg)] = ast.unparse(kw.value)
    return out


def lora_pick(run) -> tuple[list[str], dict]:
    """CHAT's first LoRA recommendation, as recipe flags (--rank N) and its advice entry (the ranking decides
    which strategy leads; this test needs a LoRA pick)."""
    _, adv, _ = run("advise", *CHAT, "--top", "20", "--json")
    recs = [r for r in json.loads(adv)["recommendations"] if r["strategy"] == "lora"]
    assert recs, "no LoRA pick in this scope"
    return [*CHAT, "--rank", str(recs[0]["rank"])], recs[0]


def test_trl_script_for_a_lora_pick_compiles_and_carries_the_estimate(run):
    flags, top = lora_pick(run)
    code, out, err = run("recipe", *flags, "--top", "20")
    assert code == 0, err
    compile(out, "train.py", "exec")
    assert top["strategy"] == "lora"
    tree = ast.parse(out)
    (sft,) = _calls(tree, "SFTConfig")
    args = _kwargs(sft)
    # the estimator's job: 4096 tokens per step at the scope's 512-token input
    assert args["max_length"] == 512
    assert args["per_device_train_batch_size"] * args["gradient_accumulation_steps"] == 4096 // 512
    assert args["num_train_epochs"] == 3 and args["gradient_checkpointing"] is True
    assert args["bf16"] is True and args["fp16"] is False  # an RTX 4090 has bf16
    (lora,) = _calls(tree, "LoraConfig")
    assert {"r", "lora_alpha", "target_modules", "lora_dropout"} <= set(_kwargs(lora))
    assert not _calls(tree, "BitsAndBytesConfig")
    assert f"MODEL = {top['hub_id']!r}" in out
    assert f"{top['estimates']['train_gpu_hours']:.3g} GPU-hours" in out.splitlines()[3]
    assert _kwargs(_calls(tree, "SFTTrainer")[0])["peft_config"] == "lora"


def test_trl_script_for_a_qlora_pick_quantises_in_4_bit():
    advice, rank = qlora_rank()
    script = whichmodel.recipe(advice, rank=rank, to="trl")
    tree = ast.parse(script)
    (bnb,) = _calls(tree, "BitsAndBytesConfig")
    assert _kwargs(bnb) == {
        "load_in_4bit": True,
        "bnb_4bit_quant_type": "nf4",
        "bnb_4bit_use_double_quant": True,
        "bnb_4bit_compute_dtype": "torch.float16",  # a T4 has no bf16
    }
    args = _kwargs(_calls(tree, "SFTConfig")[0])
    assert args["fp16"] is True and args["bf16"] is False
    # the optimizer the estimator costed, by the name transformers gives it
    from whichmodel.engine import training_job
    from whichmodel.inputs import load

    cat = load([])
    rec = advice.recommendations[rank - 1]
    job = training_job(advice.scope, cat, cat.models[rec.model], rec.strategy)
    assert args["optim"] == rcp.OPTIM_NAMES[getattr(job, "optimizer", None) or "adamw"]
    assert "quantization_config" in _kwargs(_calls(tree, "from_pretrained")[-1])


def test_axolotl_config_uses_only_documented_keys():
    top, dataset = axolotl_keys()
    advice = whichmodel.advise(task="chat", examples="10k", gpu="rtx-4090", gpu_hours=20)
    q_advice, rank = qlora_rank()
    for adv, n in ((advice, 1), (q_advice, rank)):
        text = whichmodel.recipe(adv, rank=n, to="axolotl")
        config = yaml.safe_load(text)
        rec = adv.recommendations[n - 1]
        assert set(config) <= top, set(config) - top
        for entry in config["datasets"]:
            assert set(entry) <= dataset
        assert config["base_model"] == rec.hub_id
        assert config["adapter"] == rec.strategy
        assert config["load_in_4bit"] is (rec.strategy == "qlora")
        assert (
            config["micro_batch_size"] * config["gradient_accumulation_steps"]
            == 4096 // config["sequence_len"]
        )
        assert config["lora_target_linear"] is True and config["lora_r"] > 0


def test_an_encoder_gets_a_trainer_script_with_its_task_head(run):
    code, out, err = run("recipe", "--task", "ner", "--examples", "5k", "--gpu", "t4", "--gpu-hours", "10")
    assert code == 0, err
    tree = ast.parse(out)
    assert _calls(tree, "Trainer") and not _calls(tree, "SFTTrainer")
    assert "AutoModelForTokenClassification" in out
    args = _kwargs(_calls(tree, "TrainingArguments")[0])
    assert args["fp16"] is True  # a T4 trains in fp16
    code, out, _ = run("recipe", "--task", "qa", "--examples", "5k", "--gpu-hours", "10")
    assert code == 0 and "AutoModelForQuestionAnswering" in out
    compile(out, "qa.py", "exec")


def test_labels_fill_the_head(monkeypatch):
    advice = whichmodel.advise(task="ner", examples="5k", gpu="t4", gpu_hours=10)
    scope = advice.scope.model_copy(update={"labels": ["DRUG", "DOSE"]})
    advice = advice.model_copy(update={"scope": scope})
    script = whichmodel.recipe(advice, to="trl")
    tree = ast.parse(script)
    labels = next(
        ast.literal_eval(n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "LABELS"
    )
    assert labels == ["O", "B-DRUG", "I-DRUG", "B-DOSE", "I-DOSE"]
    assert "num_labels=len(LABELS)" in script


def test_as_is_picks_get_an_inference_snippet(run):
    code, out, _ = run("recipe", "--task", "summarization", "--gpu-hours", "0")
    assert code == 0
    tree = ast.parse(out)
    (pipe,) = _calls(tree, "pipeline")
    assert ast.literal_eval(pipe.args[0]) == "summarization"
    code, out, _ = run("recipe", "--task", "chat", "--gpu", "h100", "--gpu-hours", "0")
    assert code == 0
    assert _calls(ast.parse(out), "LLM"), out  # a decoder served on a GPU: vLLM
    code, out, _ = run("recipe", "--task", "chat", "--serve", "cpu", "--gpu-hours", "0")
    assert code == 0
    assert _calls(ast.parse(out), "pipeline") and "vllm" not in out


def test_axolotl_refuses_what_it_cannot_train(run):
    code, _, err = run("recipe", "--task", "ner", "--examples", "5k", "--gpu-hours", "10", "--to", "axolotl")
    assert code == 2 and "Axolotl fine-tunes decoders" in err and "--to trl" in err
    code, _, err = run("recipe", "--task", "chat", "--gpu", "h100", "--gpu-hours", "0", "--to", "axolotl")
    assert code == 2 and "nothing to train" in err


def test_bad_arguments_are_usage_errors(run):
    code, out, err = run("recipe", *CHAT, "--to", "deepspeed")
    assert (code, out) == (2, "") and "--to: unknown target 'deepspeed'" in err and "trl, axolotl" in err
    code, _, err = run("recipe", *CHAT, "--top", "3", "--rank", "4")
    assert code == 2 and "--rank: 4 is out of range (the advice has 3 recommendations)" in err
    code, _, err = run("recipe", *CHAT, "--rank", "0")
    assert code == 2 and "--rank" in err
    code, _, err = run("recipe", *CHAT, "--rank", "two")
    assert code == 2 and "--rank" in err and "Traceback" not in err
    code, _, err = run("recipe", "--task", "nre")
    assert code == 2 and "unknown task 'nre'" in err


def test_rank_beyond_five_raises_top(run):
    code, out, err = run("recipe", *CHAT, "--rank", "7")
    assert code == 0, err
    _, adv, _ = run("advise", *CHAT, "--top", "7", "--json")
    assert json.loads(adv)["recommendations"][6]["hub_id"] in out


def test_output_file_is_written_whole_and_not_replaced_without_force(run, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "train.py"
    code, out, _ = run("recipe", *CHAT, "-o", str(target))
    assert code == 0 and out == ""
    first = target.read_text()
    compile(first, "train.py", "exec")
    target.write_text("# my edits\n")
    code, _, err = run("recipe", *CHAT, "-o", str(target))
    assert code == 2 and "exists" in err and "--force" in err
    assert target.read_text() == "# my edits\n"
    code, _, _ = run("recipe", *CHAT, "-o", str(target), "--force")
    assert code == 0 and target.read_text() == first
    assert sorted(p.name for p in folder.iterdir()) == ["train.py"]  # no temporary file left behind
    code, _, err = run("recipe", *CHAT, "-o", str(folder))
    assert code == 2 and "is a folder" in err
    code, _, err = run("recipe", *CHAT, "-o", str(tmp_path / "missing" / "x.py"))
    assert code == 2 and "does not exist" in err


def test_catalog_text_cannot_become_code():
    """Hostile text in a recommendation (a warning, a licence, a hub id) lands in literals and one-line comments."""
    advice = whichmodel.advise(task="chat", examples="10k", gpu="rtx-4090", gpu_hours=20)
    top = advice.recommendations[0]
    evil = top.model_copy(
        update={
            "warnings": ["fine\nimport os; os.system('echo owned')\u2028import sys"],
            "license": "mit\rimport shutil",
            "hub_id": "org/x'); import os; ('",
        }
    )
    advice = advice.model_copy(update={"recommendations": [evil, *advice.recommendations[1:]]})
    for target in ("trl", "axolotl"):
        text = whichmodel.recipe(advice, to=target)
        if target == "trl":
            tree = ast.parse(text)
            imported = {
                a.name.split(".")[0]
                for n in ast.walk(tree)
                if isinstance(n, ast.Import | ast.ImportFrom)
                for a in (n.names if isinstance(n, ast.Import) else [ast.alias(n.module or "")])
            }
            assert imported <= {"torch", "datasets", "peft", "transformers", "trl"}, imported
            assert not _calls(tree, "system")
        else:
            assert yaml.safe_load(text)["base_model"] == evil.hub_id
        assert all(not line.lstrip().startswith("import os") for line in text.splitlines())


def test_settings_cite_their_sources():
    for name, (value, source) in rcp.SETTINGS.items():
        assert value is not None and len(source) > 10, name


def test_json_holds_the_recipe_and_its_settings(run):
    flags, _ = lora_pick(run)
    flags = [*flags, "--top", "20"]
    code, out, err = run("recipe", *flags, "--json")
    assert code == 0, err
    doc = json.loads(out)
    _, script, _ = run("recipe", *flags)
    assert doc["recipe"] == script and doc["kind"] == "training" and doc["to"] == "trl"
    assert f"max_length={doc['settings']['seq_len']}," in script
    # the rank is the estimator's (when it sized the adapters) or the recipe's default; the JSON and script agree
    assert doc["settings"]["lora"]["r"] > 0 and f"r={doc['settings']['lora']['r']}," in script
    code, _, err = run("recipe", *CHAT, "--json", "-o", "x.py")
    assert code == 2 and "--json" in err

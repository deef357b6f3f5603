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
    # rank 3: the first pick loaded with transformers (GLiNER picks lead; they get the gliner library, below)
    code, out, err = run(
        "recipe", "--task", "ner", "--examples", "5k", "--gpu", "t4", "--gpu-hours", "10", "--labels",
        "PER,ORG,LOC", "--rank", "3",
    )  # fmt: skip
    assert code == 0, err
    assert "gliner" not in out.split("\n", 2)[1]
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
    from whichmodel.catalog import load_catalog

    cat = load_catalog([])  # a token-classification head (GLiNER picks take label names, see below)
    rank = next(r.rank for r in advice.recommendations if cat.models[r.model].library is None)
    script = whichmodel.recipe(advice, rank=rank, to="trl")
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


# --- libraries from the catalog: gliner, sentence-transformers, SetFit ---------------------------------------


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and n.module:
            names.add(n.module.split(".")[0])
        elif isinstance(n, ast.Import):
            names.update(a.name.split(".")[0] for a in n.names)
    return names


def _assigned(tree: ast.AST, name: str) -> object:
    return next(
        ast.literal_eval(n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == name
    )


def test_a_gliner_pick_gets_the_gliner_library_with_the_users_labels():
    from whichmodel.catalog import load_catalog

    cat = load_catalog([])
    advice = whichmodel.advise(task="ner", labels="drug,dosage", top=10)
    gliner = [r for r in advice.recommendations if cat.models[r.model].library == "gliner"]
    assert gliner, "no GLiNER pick for arbitrary entity types"
    for r in advice.recommendations:
        tree = ast.parse(whichmodel.recipe(advice, rank=r.rank))
        uses_gliner = "gliner" in _imports(tree)
        assert uses_gliner == (r in gliner), r.model
        if uses_gliner:
            assert "transformers" not in _imports(tree)
            assert not _calls(tree, "pipeline") and not _calls(tree, "AutoModelForTokenClassification")
            (load,) = _calls(tree, "from_pretrained")
            assert (
                ast.unparse(load.func) == "GLiNER.from_pretrained"
                and ast.literal_eval(load.args[0]) == r.hub_id
            )
            assert _calls(tree, "predict_entities") and _assigned(tree, "LABELS") == ["drug", "dosage"]


def test_fine_tuning_a_gliner_model_uses_gliners_trainer():
    advice = whichmodel.advise(task="ner", labels="drug,dosage", examples="2k", gpu_hours=5, top=10)
    from whichmodel.catalog import load_catalog

    cat = load_catalog([])
    rank = next(r.rank for r in advice.recommendations if cat.models[r.model].library == "gliner")
    script = whichmodel.recipe(advice, rank=rank)
    tree = ast.parse(script)
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert {"gliner", "gliner.training", "gliner.data_processing.collator"} <= modules
    assert "transformers" not in _imports(tree) and _calls(tree, "Trainer")


def test_the_library_is_catalog_knowledge_not_a_name(tmp_path):
    """A model named nothing like GLiNER, with `library: gliner` in a user catalog, gets the gliner recipe;
    the same entry without it gets transformers."""
    from whichmodel import inputs
    from whichmodel.engine import advise

    entry = """models:
- id: span-tagger
  hub_id: me/span-tagger
  family: encoder-only
  objective: replaced-token-detection
  params_b: 0.2
  context_tokens: 512
  license: apache-2.0
  languages: [en]
  tasks: [token-classification]
  variant: task
  open_labels: true
  sources: [my notes]
"""
    for library, module in (("  library: gliner\n", "gliner"), ("", "transformers")):
        path = tmp_path / f"m{len(library)}.yaml"
        path.write_text(entry + library)
        cat = inputs.load([path])
        scope = inputs.build_scope(cat, None, {"tasks": ["ner"], "labels": ["drug"]})
        result = advise(scope, cat, models=[cat.models["span-tagger"]])
        assert [r.model for r in result.recommendations] == ["span-tagger"]
        assert module in _imports(ast.parse(rcp.build(result, cat)))


def test_embedders_and_rerankers_as_is_use_sentence_transformers(run):
    code, out, _ = run("recipe", "--task", "semantic-search")
    assert code == 0
    tree = ast.parse(out)
    assert "sentence_transformers" in _imports(tree) and _calls(tree, "SentenceTransformer")
    assert _calls(tree, "encode") and not _calls(tree, "pipeline")
    code, out, _ = run("recipe", "--task", "rerank")
    assert code == 0
    tree = ast.parse(out)
    assert _calls(tree, "CrossEncoder") and _calls(tree, "rank") and not _calls(tree, "pipeline")


def test_setfit_for_a_sentence_transformer_with_few_labels_and_a_trainer_for_a_base_encoder():
    from whichmodel.catalog import load_catalog
    from whichmodel.rules import is_sentence_encoder

    cat = load_catalog([])
    advice = whichmodel.advise(
        task="text-classification", examples=128, labels="spam,ham", gpu_hours=2, top=15
    )
    kinds = set()
    for r in advice.recommendations:
        if r.strategy != "full-finetune":
            continue
        tree = ast.parse(whichmodel.recipe(advice, rank=r.rank))
        setfit = "setfit" in _imports(tree)
        assert setfit == is_sentence_encoder(cat.models[r.model]), r.model
        if setfit:
            assert _calls(tree, "SetFitModel.from_pretrained") or _calls(tree, "from_pretrained")
            assert _assigned(tree, "LABELS") == ["spam", "ham"]
        kinds.add(setfit)
    assert kinds == {True, False}, "the scope should hold both a sentence-transformer and a base encoder"
    # beyond the engine's SetFit range the same model gets a transformers Trainer
    from whichmodel.rules import SETFIT_MAX_EXAMPLES

    many = whichmodel.advise(
        task="text-classification", examples=SETFIT_MAX_EXAMPLES * 5, labels="spam,ham", gpu_hours=20, top=15
    )
    for r in many.recommendations:
        if r.strategy == "full-finetune" and is_sentence_encoder(cat.models[r.model]):
            assert "setfit" not in _imports(ast.parse(whichmodel.recipe(many, rank=r.rank)))


def test_an_nli_classifier_as_is_runs_zero_shot_on_the_users_labels_and_a_chat_model_is_prompted(run):
    code, out, _ = run(
        "recipe", "--task", "text-classification", "--labels", "spam,ham", "--top", "10", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    tree = ast.parse(doc["recipe"])
    (pipe,) = _calls(tree, "pipeline")
    assert ast.literal_eval(pipe.args[0]) == "zero-shot-classification", doc["model"]
    (call,) = [c for c in _calls(tree, "pipe")]
    assert _kwargs(call)["candidate_labels"] == ["spam", "ham"]
    advice = whichmodel.advise(task="text-classification", labels="spam,ham", serve="cpu", top=10)
    decoder = next(r for r in advice.recommendations if r.family == "decoder-only" and r.strategy == "as-is")
    tree = ast.parse(whichmodel.recipe(advice, rank=decoder.rank))
    (pipe,) = _calls(tree, "pipeline")
    assert ast.literal_eval(pipe.args[0]) == "text-generation"

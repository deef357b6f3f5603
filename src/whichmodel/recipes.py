"""Recipes: a recommendation turned into something to run (a training script, a config, an inference snippet).

Pure: it returns text and prints nothing. Every value in a recipe is the advice's (hub id, strategy) or the
estimator's (sequence length, micro-batch, dtype, epochs, GPU-hours); the hyper-parameters the estimator does
not model (LoRA rank, alpha, dropout, learning rate) come from the published recipes cited in ``SETTINGS``.
Every string from the catalog or the Hub is written as a Python or YAML literal (``repr`` / ``yaml.safe_dump``),
and comments are stripped of line breaks, so no catalog text can become code.

Targets (library names as of current releases, checked against their sources):
- ``trl``: a Python script. Decoders: transformers + PEFT + TRL (``SFTTrainer``/``SFTConfig``, ``max_length``),
  ``LoraConfig``, and for QLoRA a ``BitsAndBytesConfig`` (4-bit NF4, double quantisation). Encoders: a
  transformers ``Trainer`` with the task's head; encoder-decoders: ``Seq2SeqTrainer``; embedders:
  sentence-transformers. ``as-is`` picks: an inference snippet (transformers ``pipeline``, or vLLM for a
  decoder served on a GPU).
- ``axolotl``: an Axolotl config YAML (decoders only; Axolotl fine-tunes causal LMs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from whichmodel.advice import Advice, Recommendation
from whichmodel.catalog import Catalog
from whichmodel.errors import UsageError

TARGETS = ("trl", "axolotl")

# Hyper-parameters the estimator does not model, each with its source.
SETTINGS: dict[str, tuple[Any, str]] = {
    "lora_r": (64, "QLoRA (Dettmers et al. 2023), Appendix B: r=64 on all linear layers"),
    "lora_alpha": (16, "QLoRA (Dettmers et al. 2023), Appendix B: alpha=16"),
    "lora_dropout": (0.1, "QLoRA (Dettmers et al. 2023), Appendix B: 0.1 for models up to 13B"),
    "lora_dropout_large": (0.05, "QLoRA (Dettmers et al. 2023), Appendix B: 0.05 for 33B and 65B"),
    "adapter_lr": (2e-4, "QLoRA (Dettmers et al. 2023), Appendix B: 2e-4 for 7B and 13B"),
    "adapter_lr_large": (1e-4, "QLoRA (Dettmers et al. 2023), Appendix B: 1e-4 for 33B and 65B"),
    "decoder_full_lr": (2e-5, "Stanford Alpaca fine-tuning recipe: learning rate 2e-5, 3 epochs"),
    "encoder_lr": (
        2e-5,
        "BERT (Devlin et al. 2019) fine-tuning grid {5e-5, 4e-5, 3e-5, 2e-5}; 2e-5 as run_glue",
    ),
    "seq2seq_lr": (3e-5, "fairseq BART README, CNN/DailyMail fine-tuning: lr 3e-05"),
    "warmup_ratio": (0.03, "QLoRA and Stanford Alpaca: warm-up ratio 0.03"),
    "max_grad_norm": (0.3, "QLoRA (Dettmers et al. 2023), Appendix B: max grad norm 0.3"),
}
# The estimator's optimizer names -> the names transformers' TrainingArguments.optim and Axolotl's `optimizer`
# take for them (both use the OptimizerNames of transformers.training_args).
OPTIM_NAMES = {
    "adamw": "adamw_torch",
    "adamw-8bit": "adamw_bnb_8bit",
    "paged-adamw-8bit": "paged_adamw_8bit",
    "adafactor": "adafactor",
}
LARGE_ADAPTER_B = 20.0  # between the QLoRA paper's 13B and 33B settings
# Task id -> the transformers head an encoder gets for it, and whether its labels are BIO tags.
ENCODER_HEADS = {
    "text-classification": "AutoModelForSequenceClassification",
    "zero-shot-classification": "AutoModelForSequenceClassification",
    "text-ranking": "AutoModelForSequenceClassification",
    "token-classification": "AutoModelForTokenClassification",
    "question-answering": "AutoModelForQuestionAnswering",
    "fill-mask": "AutoModelForMaskedLM",
}
PIPELINE_FALLBACK = {"chat": "text-generation", "code-generation": "text-generation"}
NO_GPU_SERVING = ("cpu", "edge")  # vLLM is written for GPUs; these get a transformers pipeline


def setting(name: str) -> Any:
    return SETTINGS[name][0]


@dataclass(frozen=True)
class Plan:
    """What a recipe needs: the recommendation, its catalog entry, and the estimated job's settings."""

    rec: Recommendation
    hub_id: str
    task: str
    pipeline_tag: str
    seq_len: int | None
    micro_batch: int | None
    grad_accum: int | None
    epochs: float
    dtype: str | None  # bf16 | fp16 | fp32 | int4 | int8 (the frozen weights, for qlora)
    compute_dtype: str  # bf16 | fp16 | fp32
    gradient_checkpointing: bool
    lora_r: int
    lora_r_source: str
    optimizer: str  # the estimator's optimizer (adamw, adamw-8bit, paged-adamw-8bit, adafactor)
    lora_alpha: int
    lora_dropout: float
    learning_rate: float
    labels: list[str]
    serve: str
    gpu: str
    gpus: int
    library: str = "transformers"  # what loads the model (catalog: the model's `library`, else its task's)
    model_tasks: tuple[str, ...] = ()  # the catalog entry's tasks (an NLI model's zero-shot-classification)
    examples: int = 0  # the scope's labelled examples
    generative: bool = True  # whether the task's output is generated text (catalog tasks: generative)


def library_for(catalog: Catalog, model: Any, task: str) -> str:
    """The library a recipe uses: the model's own ``library`` (GLiNER: gliner), else the user's task's
    (sentence-similarity: sentence-transformers), else, for a checkpoint trained for a task (variant task),
    that task's (a sentence encoder asked to classify is still a sentence-transformer), else transformers.
    Knowledge from the catalog, not from model names."""
    if model is not None and getattr(model, "library", None):
        return str(model.library)
    t = catalog.tasks.get(task)
    if t is not None and t.library:
        return str(t.library)
    if getattr(model, "variant", None) != "task":
        return "transformers"  # a base checkpoint is loaded with transformers whatever tasks it can learn
    for tid in getattr(model, "tasks", None) or []:
        mt = catalog.tasks.get(tid)
        if mt is not None and mt.library:
            return str(mt.library)
    return "transformers"


def _comment(text: Any) -> str:
    """Catalog or Hub text made safe for a one-line comment."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", str(text)).strip()


def pick(advice: Advice, rank: int) -> Recommendation:
    recs = advice.recommendations
    if not recs:
        raise UsageError(
            "No model fits every constraint, so there is no recipe to write",
            "See `whichmodel advise --explain`",
        )
    if not 1 <= rank <= len(recs):
        raise UsageError(
            f"--rank: {rank} is out of range (the advice has {len(recs)} recommendation{'s' if len(recs) != 1 else ''})",
            f"Use --rank 1 to {len(recs)}, or raise --top",
        )
    return recs[rank - 1]


def plan(advice: Advice, catalog: Catalog, rank: int = 1) -> Plan:
    from whichmodel import estimator as est
    from whichmodel.engine import TRAIN_TOKENS_PER_BATCH, training_job

    rec = pick(advice, rank)
    if rec.hub_id is None or rec.strategy == "pretrain":
        raise UsageError(
            f"Recommendation {rank} is a model to pre-train from scratch; recipe writes fine-tuning and inference recipes",
            "Pick another --rank",
        )
    scope = advice.scope
    task = scope.tasks[0]
    t = catalog.tasks.get(task)
    tag = (getattr(t, "pipeline_tag", None) if t is not None else None) or PIPELINE_FALLBACK.get(task, task)
    model = catalog.models.get(rec.model)
    seq = batch = accum = None
    job = None
    dtype: str | None = rec.estimates.serve_dtype
    checkpointing = True
    if rec.strategy != "as-is" and model is not None:
        job = training_job(scope, catalog, model, rec.strategy)
        seq, batch, dtype = job.seq_len, job.batch, job.dtype
        accum = max(1, (TRAIN_TOKENS_PER_BATCH // max(seq, 1)) // max(batch, 1))
        checkpointing = True  # the estimator's default (estimate --gradient-checkpointing)
    acc = catalog.accelerators.get(scope.gpu)
    bf16 = acc is None or acc.bf16_supported
    compute = "bf16" if bf16 else "fp16"
    if dtype in ("bf16", "fp16", "fp32"):
        compute = dtype
    large = rec.params_b >= LARGE_ADAPTER_B
    if rec.strategy in ("lora", "qlora"):
        lr = setting("adapter_lr_large" if large else "adapter_lr")
    elif rec.family == "encoder-only":
        lr = setting("encoder_lr")
    elif rec.family == "encoder-decoder":
        lr = setting("seq2seq_lr")
    else:
        lr = setting("decoder_full_lr")
    # the estimator's LoRA rank when it models one (its job or its default), else the published recipe's
    est_rank = getattr(job, "lora_rank", None) if job is not None else None
    est_rank = est_rank or getattr(est, "LORA_RANK", None)
    rank, rank_source = (
        (int(est_rank), "the estimator's LoRA rank")
        if isinstance(est_rank, int)
        else (setting("lora_r"), SETTINGS["lora_r"][1])
    )
    labels = [str(x) for x in (getattr(scope, "labels", None) or getattr(model, "labels", None) or [])]
    return Plan(
        rec=rec,
        hub_id=rec.hub_id,
        task=task,
        pipeline_tag=tag,
        seq_len=seq,
        micro_batch=batch,
        grad_accum=accum,
        epochs=est.FINETUNE_EPOCHS,
        dtype=dtype,
        compute_dtype=compute,
        gradient_checkpointing=checkpointing,
        lora_r=rank,
        lora_r_source=rank_source,
        optimizer=str(getattr(job, "optimizer", None) or "adamw"),
        lora_alpha=setting("lora_alpha"),
        lora_dropout=setting("lora_dropout_large" if large else "lora_dropout"),
        learning_rate=lr,
        labels=labels,
        serve=scope.serve,
        gpu=scope.gpu,
        gpus=scope.gpus,
        library=library_for(catalog, model, task),
        model_tasks=tuple(getattr(model, "tasks", None) or ()),
        examples=scope.examples,
        generative=bool(getattr(t, "generative", True)),
    )


def build(advice: Advice, catalog: Catalog, rank: int = 1, to: str = "trl") -> str:
    """The recipe for recommendation ``rank`` of ``advice`` in the ``to`` format."""
    text: str = document(advice, catalog, rank, to)["recipe"]
    return text


def document(advice: Advice, catalog: Catalog, rank: int = 1, to: str = "trl") -> dict[str, Any]:
    """`recipe --json`: the recipe's text with the recommendation and the settings written into it."""
    target = to.strip().lower()
    if target not in TARGETS:
        raise UsageError(f"--to: unknown target {to!r}", f"Use one of: {', '.join(TARGETS)}")
    p = plan(advice, catalog, rank)
    text = render(p, target)
    kind = "config" if target == "axolotl" else "inference" if p.rec.strategy == "as-is" else "training"
    return {
        "to": target,
        "kind": kind,
        "rank": p.rec.rank,
        "model": p.rec.model,
        "hub_id": p.hub_id,
        "strategy": p.rec.strategy,
        "settings": {
            "seq_len": p.seq_len,
            "micro_batch": p.micro_batch,
            "gradient_accumulation": p.grad_accum,
            "epochs": p.epochs if p.rec.strategy != "as-is" else None,
            "dtype": p.dtype,
            "compute_dtype": p.compute_dtype,
            "gradient_checkpointing": p.gradient_checkpointing if p.rec.strategy != "as-is" else None,
            "learning_rate": p.learning_rate if p.rec.strategy != "as-is" else None,
            "optimizer": p.optimizer if p.rec.strategy != "as-is" else None,
            "lora": {"r": p.lora_r, "alpha": p.lora_alpha, "dropout": p.lora_dropout, "targets": "all-linear"}
            if p.rec.strategy in ("lora", "qlora")
            else None,
            "labels": p.labels,
        },
        "estimates": p.rec.estimates.model_dump(mode="json"),
        "recipe": text,
    }


def render(p: Plan, target: str) -> str:
    if target == "axolotl":
        return axolotl(p)
    stage = "as-is" if p.rec.strategy == "as-is" else "train"
    special = LIBRARY_RECIPES.get((p.library, stage, p.task)) or LIBRARY_RECIPES.get((p.library, stage, "*"))
    if special is not None:
        return str(special(p))
    if stage == "as-is":
        return inference_script(p)
    if p.rec.family == "decoder-only":
        return sft_script(p)
    if p.rec.family == "encoder-decoder":
        return seq2seq_script(p)
    return encoder_script(p)


# --- shared pieces ----------------------------------------------------------------------------------------

TORCH_DTYPE = {"bf16": "torch.bfloat16", "fp16": "torch.float16", "fp32": "torch.float32"}


def header(p: Plan, what: str) -> list[str]:
    r, e = p.rec, p.rec.estimates
    lines = [
        f"# {what}",
        f"# Generated by whichmodel: recommendation {r.rank} for task {p.task}: {_comment(r.model)} ({_comment(p.hub_id)}),",
        f"# {r.family}, {r.params_b:g}B parameters, strategy {r.strategy}, licence {_comment(r.license or '?')}.",
    ]
    if r.strategy != "as-is":
        hours = "?" if e.train_gpu_hours is None else f"{e.train_gpu_hours:.3g}"
        cost = "?" if e.cost_usd is None else f"${e.cost_usd:,.2f}"
        mem = "?" if e.train_memory_gb is None else f"{e.train_memory_gb:.3g} GB"
        lines.append(
            f"# Estimate: {hours} GPU-hours on {p.gpus}x {_comment(p.gpu)}, {cost}, "
            f"training memory {mem}, {_tokens(e.train_tokens)} training tokens."
        )
        lines.append(
            f"# Settings: sequence length {p.seq_len}, micro-batch {p.micro_batch} x gradient accumulation "
            f"{p.grad_accum}, {p.epochs:g} epochs, {p.dtype}, gradient checkpointing "
            f"{'on' if p.gradient_checkpointing else 'off'}."
        )
    serve_gb = e.inference_memory_gb
    lines.append(
        f"# Serving on {_comment(p.serve)}: {'?' if serve_gb is None else f'{serve_gb:.3g}'} GB in "
        f"{e.serve_dtype or '?'}."
    )
    for w in r.warnings:
        lines.append(f"# Warning: {_comment(w)}")
    lines.append(
        "# Replace the dataset below with your data; the estimate assumed the scope's example count."
    )
    return lines


def _tokens(n: float | None) -> str:
    from whichmodel.numbers import human

    return human(n)


def _py(lines: list[str]) -> str:
    return "\n".join(lines).rstrip() + "\n"


def _training_args(p: Plan, cls: str, extra: list[str]) -> list[str]:
    dt = p.compute_dtype
    lines = [
        f"args = {cls}(",
        f"    output_dir={('out-' + re.sub(r'[^A-Za-z0-9._-]+', '-', p.hub_id.split('/')[-1]))!r},",
        *extra,
        f"    per_device_train_batch_size={p.micro_batch},",
        f"    gradient_accumulation_steps={p.grad_accum},",
        f"    num_train_epochs={p.epochs:g},",
        f"    learning_rate={p.learning_rate:g},",
        f"    warmup_ratio={setting('warmup_ratio'):g},",
        '    lr_scheduler_type="cosine",',
        f"    optim={OPTIM_NAMES.get(p.optimizer, 'adamw_torch')!r},  # the estimator's optimizer ({p.optimizer})",
        f"    bf16={dt == 'bf16'},",
        f"    fp16={dt == 'fp16'},",
        f"    gradient_checkpointing={p.gradient_checkpointing},",
        "    logging_steps=10,",
        '    save_strategy="epoch",',
        '    report_to="none",',
        ")",
    ]
    return lines


def _lora(p: Plan, task_type: str, targets: str = '"all-linear"') -> list[str]:
    return [
        "lora = LoraConfig(",
        f"    r={p.lora_r},  # {p.lora_r_source}",
        f"    lora_alpha={p.lora_alpha},",
        f"    lora_dropout={p.lora_dropout:g},",
        f"    target_modules={targets},  # every linear layer but the output head, as QLoRA does",
        '    bias="none",',
        f'    task_type="{task_type}",',
        ")",
    ]


# --- decoders: TRL ----------------------------------------------------------------------------------------


def sft_script(p: Plan) -> str:
    s = p.rec.strategy
    adapter = s in ("lora", "qlora")
    cpt = s == "continued-pretraining"
    what = {
        "lora": "LoRA fine-tuning with TRL's SFTTrainer",
        "qlora": "QLoRA fine-tuning (4-bit base, LoRA adapters) with TRL's SFTTrainer",
        "full-finetune": "Full fine-tuning with TRL's SFTTrainer",
        "continued-pretraining": "Continued pre-training on in-domain text (plain language modelling) with TRL",
    }.get(s, f"{s} with TRL's SFTTrainer")
    lines = header(p, what)
    lines += [
        "# pip install torch transformers peft trl datasets" + (" bitsandbytes" if s == "qlora" else ""),
        "import torch",
        "from datasets import load_dataset",
    ]
    if adapter:
        lines.append("from peft import LoraConfig")
    lines.append(
        "from transformers import AutoModelForCausalLM, AutoTokenizer"
        + (", BitsAndBytesConfig" if s == "qlora" else "")
    )
    lines += ["from trl import SFTConfig, SFTTrainer", "", f"MODEL = {p.hub_id!r}", ""]
    if cpt:
        lines += [
            "# One document per row in a 'text' column (your in-domain corpus).",
            'dataset = load_dataset("text", data_files={"train": "corpus.txt"})["train"]',
        ]
    else:
        lines += [
            "# A 'messages' column of chat turns ([{'role': 'user', 'content': ...}, ...]) or a 'text' column.",
            'dataset = load_dataset("json", data_files={"train": "train.jsonl"})["train"]',
        ]
    lines += ["", "tokenizer = AutoTokenizer.from_pretrained(MODEL)"]
    load_kwargs = [f"    dtype={TORCH_DTYPE[p.compute_dtype]},"]
    if s == "qlora":
        lines += [
            "bnb = BitsAndBytesConfig(",
            "    load_in_4bit=True,",
            '    bnb_4bit_quant_type="nf4",',
            "    bnb_4bit_use_double_quant=True,",
            f"    bnb_4bit_compute_dtype={TORCH_DTYPE[p.compute_dtype]},",
            ")",
        ]
        load_kwargs.append("    quantization_config=bnb,")
    lines += ["model = AutoModelForCausalLM.from_pretrained(", "    MODEL,", *load_kwargs, ")", ""]
    if adapter:
        lines += [*_lora(p, "CAUSAL_LM"), ""]
    extra = [f"    max_length={p.seq_len},  # the estimator's sequence length"]
    if cpt:
        extra.append("    packing=True,")
    if adapter:
        extra.append(f"    max_grad_norm={setting('max_grad_norm'):g},")
    lines += _training_args(p, "SFTConfig", extra)
    lines += [
        "",
        "trainer = SFTTrainer(",
        "    model=model,",
        "    args=args,",
        "    train_dataset=dataset,",
        "    processing_class=tokenizer,",
    ]
    if adapter:
        lines.append("    peft_config=lora,")
    lines += [")", "trainer.train()", "trainer.save_model(args.output_dir)"]
    return _py(lines)


def axolotl(p: Plan) -> str:
    import yaml

    r = p.rec
    if r.family != "decoder-only":
        raise UsageError(
            f"--to axolotl: Axolotl fine-tunes decoders, and {r.model} is {r.family}",
            "Use --to trl for a transformers Trainer script",
        )
    if r.strategy == "as-is":
        raise UsageError(
            f"--to axolotl: recommendation {r.rank} uses {r.model} as it is, so there is nothing to train",
            "Use --to trl for an inference snippet, or pick a --rank that trains",
        )
    adapter = r.strategy in ("lora", "qlora")
    cpt = r.strategy == "continued-pretraining"
    config: dict[str, Any] = {"base_model": p.hub_id}
    if adapter:
        config["adapter"] = r.strategy
    config["load_in_4bit"] = r.strategy == "qlora"
    config["load_in_8bit"] = False
    dataset = (
        {"path": "corpus.jsonl", "type": "completion"}
        if cpt
        else {"path": "train.jsonl", "type": "chat_template", "field_messages": "messages"}
    )
    config["datasets"] = [dataset]
    config["val_set_size"] = 0.0
    config["output_dir"] = "./out-" + re.sub(r"[^A-Za-z0-9._-]+", "-", p.hub_id.split("/")[-1])
    config["sequence_len"] = p.seq_len
    config["sample_packing"] = cpt
    if adapter:
        config.update(
            lora_r=p.lora_r,
            lora_alpha=p.lora_alpha,
            lora_dropout=p.lora_dropout,
            lora_target_linear=True,
        )
    config.update(
        micro_batch_size=p.micro_batch,
        gradient_accumulation_steps=p.grad_accum,
        num_epochs=int(p.epochs) if float(p.epochs).is_integer() else p.epochs,
        learning_rate=p.learning_rate,
        lr_scheduler="cosine",
        warmup_ratio=setting("warmup_ratio"),
        optimizer=OPTIM_NAMES.get(p.optimizer, "adamw_torch"),
        bf16=p.compute_dtype == "bf16",
        fp16=p.compute_dtype == "fp16",
        gradient_checkpointing=p.gradient_checkpointing,
        logging_steps=10,
    )
    if adapter:
        config["max_grad_norm"] = setting("max_grad_norm")
    head = header(p, f"Axolotl config: {r.strategy} of {_comment(r.model)}; run: axolotl train config.yaml")
    return "\n".join(head) + "\n" + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


# --- encoders and encoder-decoders: transformers ----------------------------------------------------------


def _labels_block(p: Plan, bio: bool) -> list[str]:
    if p.labels:
        names = ["O"] + [f"{x}-{lab}" for lab in p.labels for x in ("B", "I")] if bio else list(p.labels)
        return [f"LABELS = {names!r}  # from --labels" + (" (BIO tags)" if bio else "")]
    return [
        "# Your classes" + (" as BIO tags (O, B-X, I-X)" if bio else "") + ": pass --labels to fill them in.",
        "LABELS = " + ("['O', 'B-ENT', 'I-ENT']" if bio else "['negative', 'positive']"),
    ]


def encoder_script(p: Plan) -> str:
    r = p.rec
    head = ENCODER_HEADS.get(p.task, "AutoModelForSequenceClassification")
    token = head == "AutoModelForTokenClassification"
    qa = head == "AutoModelForQuestionAnswering"
    mlm = head == "AutoModelForMaskedLM"
    adapter = r.strategy in ("lora", "qlora")
    lines = header(p, f"{r.strategy} of an encoder for {p.task} with the transformers Trainer ({head})")
    lines += [
        "# pip install torch transformers datasets" + (" peft" if adapter else ""),
        "from datasets import load_dataset",
    ]
    if adapter:
        lines.append("from peft import LoraConfig, get_peft_model")
    collator = (
        "DataCollatorForTokenClassification"
        if token
        else "DataCollatorForLanguageModeling"
        if mlm
        else "DataCollatorWithPadding"
    )
    lines += [
        f"from transformers import {head}, AutoTokenizer, {collator}, Trainer, TrainingArguments",
        "",
        f"MODEL = {p.hub_id!r}",
        f"MAX_LENGTH = {p.seq_len}  # the estimator's sequence length",
    ]
    if not (qa or mlm):
        lines += _labels_block(p, token)
        lines += [
            "label2id = {name: i for i, name in enumerate(LABELS)}",
            "id2label = dict(enumerate(LABELS))",
        ]
    lines += ["", "tokenizer = AutoTokenizer.from_pretrained(MODEL)"]
    if qa or mlm:
        lines.append(f"model = {head}.from_pretrained(MODEL)")
    else:
        lines += [
            f"model = {head}.from_pretrained(",
            "    MODEL, num_labels=len(LABELS), id2label=id2label, label2id=label2id, ignore_mismatched_sizes=True",
            ")",
        ]
    if adapter:
        task_type = "TOKEN_CLS" if token else "QUESTION_ANS" if qa else "SEQ_CLS"
        lines += [*_lora(p, task_type), "model = get_peft_model(model, lora)"]
    lines.append("")
    if token:
        lines += [
            "# Rows with 'tokens' (words) and 'tags' (their label names).",
            'dataset = load_dataset("json", data_files={"train": "train.jsonl"})["train"]',
            "",
            "",
            "def encode(row):",
            "    enc = tokenizer(row['tokens'], is_split_into_words=True, truncation=True, max_length=MAX_LENGTH)",
            "    labels, previous = [], None",
            "    for word in enc.word_ids():",
            "        labels.append(-100 if word is None or word == previous else label2id[row['tags'][word]])",
            "        previous = word",
            "    enc['labels'] = labels",
            "    return enc",
        ]
    elif qa:
        lines += [
            "# SQuAD-style rows: 'question', 'context', 'answers' {'text': [...], 'answer_start': [...]}.",
            'dataset = load_dataset("json", data_files={"train": "train.jsonl"})["train"]',
            "",
            "",
            "def encode(row):",
            "    enc = tokenizer(row['question'], row['context'], truncation='only_second', max_length=MAX_LENGTH,",
            "                    return_offsets_mapping=True)",
            "    start_char = row['answers']['answer_start'][0]",
            "    end_char = start_char + len(row['answers']['text'][0])",
            "    seq = enc.sequence_ids()",
            "    start = end = 0",
            "    for i, (a, b) in enumerate(enc.pop('offset_mapping')):",
            "        if seq[i] == 1 and a <= start_char < b:",
            "            start = i",
            "        if seq[i] == 1 and a < end_char <= b:",
            "            end = i",
            "    enc['start_positions'], enc['end_positions'] = start, end",
            "    return enc",
        ]
    elif mlm:
        lines += [
            "# One document per line (your in-domain corpus).",
            'dataset = load_dataset("text", data_files={"train": "corpus.txt"})["train"]',
            "",
            "",
            "def encode(row):",
            "    return tokenizer(row['text'], truncation=True, max_length=MAX_LENGTH)",
        ]
    else:
        lines += [
            "# Rows with 'text' and 'label' (a label name).",
            'dataset = load_dataset("json", data_files={"train": "train.jsonl"})["train"]',
            "",
            "",
            "def encode(row):",
            "    enc = tokenizer(row['text'], truncation=True, max_length=MAX_LENGTH)",
            "    enc['label'] = label2id[row['label']]",
            "    return enc",
        ]
    lines += [
        "",
        "",
        "train = dataset.map(encode, remove_columns=dataset.column_names)",
    ]
    lines += _training_args(p, "TrainingArguments", [])
    collate = f"{collator}(tokenizer)" if not mlm else f"{collator}(tokenizer, mlm_probability=0.15)"
    lines += [
        "",
        f"trainer = Trainer(model=model, args=args, train_dataset=train, data_collator={collate})",
        "trainer.train()",
        "trainer.save_model(args.output_dir)",
    ]
    return _py(lines)


def seq2seq_script(p: Plan) -> str:
    r = p.rec
    adapter = r.strategy in ("lora", "qlora")
    lines = header(p, f"{r.strategy} of an encoder-decoder for {p.task} with the transformers Seq2SeqTrainer")
    lines += [
        "# pip install torch transformers datasets" + (" peft" if adapter else ""),
        "from datasets import load_dataset",
    ]
    if adapter:
        lines.append("from peft import LoraConfig, get_peft_model")
    lines += [
        "from transformers import (",
        "    AutoModelForSeq2SeqLM,",
        "    AutoTokenizer,",
        "    DataCollatorForSeq2Seq,",
        "    Seq2SeqTrainer,",
        "    Seq2SeqTrainingArguments,",
        ")",
        "",
        f"MODEL = {p.hub_id!r}",
        f"MAX_LENGTH = {p.seq_len}  # the estimator's sequence length",
        "",
        "tokenizer = AutoTokenizer.from_pretrained(MODEL)",
        "model = AutoModelForSeq2SeqLM.from_pretrained(MODEL)",
    ]
    if adapter:
        lines += [*_lora(p, "SEQ_2_SEQ_LM"), "model = get_peft_model(model, lora)"]
    lines += [
        "",
        "# Rows with 'source' (the input) and 'target' (the summary or translation).",
        'dataset = load_dataset("json", data_files={"train": "train.jsonl"})["train"]',
        "",
        "",
        "def encode(row):",
        "    return tokenizer(row['source'], text_target=row['target'], truncation=True, max_length=MAX_LENGTH)",
        "",
        "",
        "train = dataset.map(encode, remove_columns=dataset.column_names)",
    ]
    lines += _training_args(p, "Seq2SeqTrainingArguments", ["    predict_with_generate=True,"])
    lines += [
        "",
        "trainer = Seq2SeqTrainer(",
        "    model=model, args=args, train_dataset=train, data_collator=DataCollatorForSeq2Seq(tokenizer, model=model)",
        ")",
        "trainer.train()",
        "trainer.save_model(args.output_dir)",
    ]
    return _py(lines)


def embedding_script(p: Plan) -> str:
    r = p.rec
    lines = header(p, f"{r.strategy} of an embedding model with sentence-transformers")
    lines += [
        "# pip install torch sentence-transformers datasets",
        "from datasets import load_dataset",
        "from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments",
        "from sentence_transformers.losses import MultipleNegativesRankingLoss",
        "",
        f"MODEL = {p.hub_id!r}",
        "",
        "model = SentenceTransformer(MODEL)",
        f"model.max_seq_length = {p.seq_len}  # the estimator's sequence length",
        "# Rows of ('anchor', 'positive') pairs: a query and a text that matches it.",
        'dataset = load_dataset("json", data_files={"train": "pairs.jsonl"})["train"]',
        "loss = MultipleNegativesRankingLoss(model)",
    ]
    lines += _training_args(p, "SentenceTransformerTrainingArguments", [])
    lines += [
        "",
        "trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=dataset, loss=loss)",
        "trainer.train()",
        "model.save(args.output_dir)",
    ]
    return _py(lines)


# --- as-is: inference -------------------------------------------------------------------------------------


def inference_script(p: Plan) -> str:
    r = p.rec
    quant = p.dtype if p.dtype in ("int8", "int4") else None
    if r.family == "decoder-only" and p.serve not in NO_GPU_SERVING:
        lines = header(p, f"Serve {_comment(r.model)} as it is with vLLM (no training)")
        lines += [
            "# pip install vllm" + (" bitsandbytes" if quant else ""),
            "from vllm import LLM, SamplingParams",
            "",
            "llm = LLM(",
            f"    model={p.hub_id!r},",
        ]
        if quant:
            lines.append('    quantization="bitsandbytes",  # the advice serves it quantised to fit')
        lines += [
            ")",
            "params = SamplingParams(temperature=0.7, max_tokens=512)",
            "messages = [{'role': 'user', 'content': 'Hello! What can you do?'}]",
            "print(llm.chat(messages, params)[0].outputs[0].text)",
        ]
        return _py(lines)
    lines = header(p, f"Use {_comment(r.model)} as it is with a transformers pipeline (no training)")
    lines += [
        "# pip install torch transformers" + (" bitsandbytes" if quant else ""),
        "from transformers import pipeline",
        "",
    ]
    tag = _as_is_tag(p)
    kwargs = [f"    {tag!r},", f"    model={p.hub_id!r},"]
    if quant:
        bits = "load_in_4bit" if quant == "int4" else "load_in_8bit"
        lines.append("from transformers import BitsAndBytesConfig")
        lines.append("")
        kwargs.append(f"    model_kwargs={{'quantization_config': BitsAndBytesConfig({bits}=True)}},")
    if p.serve in NO_GPU_SERVING:
        kwargs.append('    device="cpu",')
    lines += ["pipe = pipeline(", *kwargs, ")"]
    labels = list(p.labels) or ["positive", "negative"]
    sample = {
        "question-answering": "pipe(question='Who wrote it?', context='It was written by Ada Lovelace.')",
        "zero-shot-classification": f"pipe('I loved it', candidate_labels={labels!r})",
        "translation": "pipe('The weather is nice today.')",
        "summarization": "pipe('Paste a long article here ...')",
        "text-generation": "pipe([{'role': 'user', 'content': "
        + repr(_prompt(p))
        + "}], max_new_tokens=64)[0]['generated_text'][-1]",
    }.get(tag, "pipe('Your text here.')")
    lines.append(f"print({sample})")
    return _py(lines)


def _as_is_tag(p: Plan) -> str:
    """The pipeline a model runs in as it is: a model that takes any label set through NLI runs in the
    zero-shot pipeline; a model prompted into a task it was not trained for (a chat model asked to classify)
    in text generation; otherwise the task's own pipeline."""
    if "zero-shot-classification" in p.model_tasks and p.task in (
        "text-classification",
        "zero-shot-classification",
    ):
        return "zero-shot-classification"
    if p.rec.family == "decoder-only" and (
        not p.generative or (p.model_tasks and p.task not in p.model_tasks)
    ):
        return "text-generation"  # a causal LM labels, tags or ranks by writing its answer
    return p.pipeline_tag


def _prompt(p: Plan) -> str:
    if p.labels:
        return f"Answer with one of {', '.join(p.labels)}. Text: Your text here."
    return f"{p.task}: Your text here."


# --- libraries other than transformers: catalog `library` (model or task) -> recipe ---------------------


def gliner_inference(p: Plan) -> str:
    """GLiNER finds spans of any entity types named at run time: GLiNER.from_pretrained + predict_entities
    (github.com/urchade/GLiNER README)."""
    r = p.rec
    labels = list(p.labels) or ["person", "organization", "location"]
    lines = header(
        p, f"Use {_comment(r.model)} as it is with the gliner library (zero-shot NER, no training)"
    )
    lines += [
        "# pip install gliner",
        "from gliner import GLiNER",
        "",
        f"model = GLiNER.from_pretrained({p.hub_id!r})",
        f"LABELS = {labels!r}" + ("  # from --labels" if p.labels else "  # pass --labels to fill in yours"),
        "text = 'Your text here.'",
        "for entity in model.predict_entities(text, LABELS, threshold=0.5):",
        "    print(entity['text'], '=>', entity['label'])",
    ]
    return _py(lines)


def gliner_finetune(p: Plan) -> str:
    """Fine-tuning a GLiNER checkpoint on labelled spans: gliner's Trainer and DataCollator (GLiNER README,
    'Fine-tuning': gliner.training.Trainer/TrainingArguments, gliner.data_processing.collator.DataCollator)."""
    r = p.rec
    lines = header(p, f"{r.strategy} of a GLiNER model with the gliner library")
    lines += [
        "# pip install gliner datasets",
        "import json",
        "",
        "from gliner import GLiNER",
        "from gliner.data_processing.collator import DataCollator",
        "from gliner.training import Trainer, TrainingArguments",
        "",
        f"MODEL = {p.hub_id!r}",
        *_labels_block(p, False),
        "",
        "model = GLiNER.from_pretrained(MODEL)",
        "# Rows with 'tokenized_text' (words) and 'ner': [[first word, last word, label], ...].",
        "with open('train.json', encoding='utf-8') as f:",
        "    train = json.load(f)",
        "collator = DataCollator(model.config, data_processor=model.data_processor, prepare_labels=True)",
    ]
    lines += _training_args(p, "TrainingArguments", [])
    lines += [
        "",
        "trainer = Trainer(",
        "    model=model,",
        "    args=args,",
        "    train_dataset=train,",
        "    tokenizer=model.data_processor.transformer_tokenizer,",
        "    data_collator=collator,",
        ")",
        "trainer.train()",
        "model.save_pretrained(args.output_dir)",
    ]
    return _py(lines)


def sentence_transformer_inference(p: Plan) -> str:
    """Embeddings with sentence-transformers: SentenceTransformer(model).encode and its similarity (sbert.net)."""
    r = p.rec
    lines = header(
        p, f"Use {_comment(r.model)} as it is with sentence-transformers (embeddings, no training)"
    )
    lines += [
        "# pip install sentence-transformers",
        "from sentence_transformers import SentenceTransformer",
        "",
        f"model = SentenceTransformer({p.hub_id!r})",
        "docs = ['The cat sits on the mat.', 'Stock markets fell sharply today.']",
        "query = 'Where is the cat?'",
        "scores = model.similarity(model.encode([query]), model.encode(docs))",
        "print(scores)",
    ]
    return _py(lines)


def cross_encoder_inference(p: Plan) -> str:
    """Reranking with a sentence-transformers CrossEncoder: CrossEncoder(model).rank(query, documents)
    (sbert.net/docs/cross_encoder/usage/usage.html)."""
    r = p.rec
    lines = header(
        p, f"Use {_comment(r.model)} as it is with a sentence-transformers CrossEncoder (reranking)"
    )
    lines += [
        "# pip install sentence-transformers",
        "from sentence_transformers import CrossEncoder",
        "",
        f"model = CrossEncoder({p.hub_id!r})",
        "docs = ['The cat sits on the mat.', 'Stock markets fell sharply today.']",
        "for hit in model.rank('Where is the cat?', docs):",
        "    print(round(float(hit['score']), 3), docs[hit['corpus_id']])",
    ]
    return _py(lines)


def setfit_script(p: Plan) -> str:
    """SetFit: contrastive fine-tuning of a sentence-transformer plus a classification head, strong with 8-16
    examples per class (Tunstall et al. 2022, arXiv:2209.11055; setfit README: SetFitModel, Trainer)."""
    r = p.rec
    lines = header(
        p, f"SetFit fine-tuning of {_comment(r.model)} (a sentence-transformer) for text classification"
    )
    lines += [
        "# pip install setfit datasets",
        "from datasets import load_dataset",
        "from setfit import SetFitModel, Trainer, TrainingArguments",
        "",
        f"MODEL = {p.hub_id!r}",
        *_labels_block(p, False),
        "",
        "model = SetFitModel.from_pretrained(MODEL, labels=LABELS)",
        "# Rows with 'text' and 'label' (a label name); 8 to 16 per class are enough to start.",
        'dataset = load_dataset("json", data_files={"train": "train.jsonl"})["train"]',
        f"args = TrainingArguments(batch_size={p.micro_batch or 16}, num_epochs=1)",
        "trainer = Trainer(model=model, args=args, train_dataset=dataset)",
        "trainer.train()",
        "model.save_pretrained('out-setfit')",
        "print(model.predict(['Your text here.']))",
    ]
    return _py(lines)


def sentence_encoder_classifier(p: Plan) -> str:
    """A sentence-transformer trained to classify: SetFit up to the example count where the engine prefers it
    (rules.SETFIT_MAX_EXAMPLES), a transformers Trainer with a classification head beyond."""
    from whichmodel.rules import SETFIT_MAX_EXAMPLES

    return setfit_script(p) if p.examples <= SETFIT_MAX_EXAMPLES else encoder_script(p)


# (library, stage, task or "*") -> the recipe; anything not listed gets the transformers recipe for its family.
LIBRARY_RECIPES: dict[tuple[str, str, str], Any] = {
    ("gliner", "as-is", "*"): gliner_inference,
    ("gliner", "train", "*"): gliner_finetune,
    ("sentence-transformers", "as-is", "text-ranking"): cross_encoder_inference,
    ("sentence-transformers", "as-is", "feature-extraction"): sentence_transformer_inference,
    ("sentence-transformers", "as-is", "sentence-similarity"): sentence_transformer_inference,
    ("sentence-transformers", "train", "feature-extraction"): embedding_script,
    ("sentence-transformers", "train", "sentence-similarity"): embedding_script,
    ("sentence-transformers", "train", "text-classification"): sentence_encoder_classifier,
}

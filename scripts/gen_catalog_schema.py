"""Generate the catalog's reference files from the code, so they never drift from it.

Writes:
- ``docs/catalog.schema.json``: the JSON Schema of one catalog file (``CatalogFile``), from pydantic;
- the generated blocks of ``docs/catalog.md``: the model field table (from ``Model``), the counts of the bundled
  catalog (per family, task, licence class, ...), the knowledge coverage (per task: how many models carry a published
  figure on a benchmark the task names; directions, label sets, tokenizer limits) and the accelerator summary, between
  ``<!-- BEGIN name -->`` / ``<!-- END name -->`` markers.

Usage: ``python scripts/gen_catalog_schema.py`` (write) or ``python scripts/gen_catalog_schema.py --check``
(exit 1 when a file is stale; the test suite runs the same check).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from whichmodel.catalog import load_catalog
from whichmodel.catalog_schema import FAMILIES, CatalogFile, Model

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "docs" / "catalog.schema.json"
DOC_PATH = ROOT / "docs" / "catalog.md"

# Context windows at or above this count as long-context in the summary.
LONG_CONTEXT = 8192

# Meanings for the fields whose pydantic definition carries no description (the schema module is not ours to edit).
FIELD_NOTES = {
    "family": "The transformer family.",
    "tasks": "Task ids (see `whichmodel tasks`): what a base model can be fine-tuned for, what a task checkpoint is ready for.",
    "sources": "Where each fact comes from: model card, paper, config.json, with what it states. At least one.",
    "variant": "base (pre-trained), instruct (instruction / chat tuned) or task (fine-tuned for one task). Default base.",
    "layers": "Transformer layers (the decoder's for encoder-decoders), from config.json.",
    "hidden_size": "Model width (d_model), from config.json.",
    "heads": "Attention (query) heads per layer.",
    "kv_heads": "Key/value heads per layer (fewer than heads with grouped-query attention); null for latent attention.",
    "head_dim": "Dimension of one attention head.",
    "vocab_size": "Vocabulary size of the checkpoint's config.",
    "year": "Release year.",
    "paper": "arXiv id or citation of the paper.",
    "quality": "Published benchmark results: {benchmark, score, source}.",
    "notes": "Caveats: derived numbers, licence conditions, anything a reader should know.",
}


def schema_text() -> str:
    """The JSON Schema of a catalog file, as committed (sorted keys, 2-space indent, trailing newline)."""
    schema = CatalogFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "whichmodel catalog file"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _type_text(info: dict) -> str:
    if "anyOf" in info:
        kinds = [_type_text(x) for x in info["anyOf"]]
        return " or ".join(k for k in kinds if k != "null") + (" or null" if "null" in kinds else "")
    if "enum" in info:
        return " / ".join(str(v) for v in info["enum"])
    if info.get("type") == "array":
        return f"list of {_type_text(info.get('items', {}))}"
    if "$ref" in info:
        return info["$ref"].rsplit("/", 1)[-1]
    return str(info.get("type", "any"))


def field_table() -> str:
    """A Markdown table of the model entry's fields, from the pydantic model."""
    schema = Model.model_json_schema()
    props = schema["properties"]
    required = set(schema.get("required", []))
    rows = ["| field | type | required | meaning |", "| --- | --- | --- | --- |"]
    for name, info in props.items():
        desc = (info.get("description") or FIELD_NOTES.get(name, "")).replace("|", "\\|")
        rows.append(f"| `{name}` | {_type_text(info)} | {'yes' if name in required else 'no'} | {desc} |")
    return "\n".join(rows)


def _table(counter: Counter, head: str) -> str:
    rows = [f"| {head} | models |", "| --- | ---: |"]
    rows += [f"| {key} | {n} |" for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(rows)


def is_multilingual(model: Model) -> bool:
    """'multi', or more than one natural language listed."""
    natural = [code for code in model.languages if code != "code"]
    return "multi" in natural or len(natural) > 1


def longest_context(model: Model) -> int:
    return max(model.context_tokens or 0, model.context_tokens_extended or 0)


def counts_markdown() -> str:
    """The counts of the bundled catalog, as Markdown tables."""
    cat = load_catalog(use_env=False)
    models = list(cat.models.values())
    fam = Counter(m.family for m in models)
    lines = [
        f"**{len(models)} models**, {len(cat.licenses)} licences, {len(cat.accelerators)} accelerators.",
        "",
    ]
    lines.append(
        "| family | models | task checkpoints | instruct | base | long context (8k+) | under 1B | multilingual |"
    )
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for f in FAMILIES:
        ms = [m for m in models if m.family == f]
        lines.append(
            f"| {f} | {fam[f]} | {sum(m.variant == 'task' for m in ms)} | {sum(m.variant == 'instruct' for m in ms)}"
            f" | {sum(m.variant == 'base' for m in ms)} | {sum(longest_context(m) >= LONG_CONTEXT for m in ms)}"
            f" | {sum(m.params_b < 1 for m in ms)} | {sum(is_multilingual(m) for m in ms)} |"
        )
    lines += ["", "Per task (a model counts once for each task it lists):", ""]
    lines.append(_table(Counter(t for m in models for t in m.tasks), "task"))
    lines += ["", "Per licence class and licence:", ""]
    lines.append(_table(Counter(cat.licenses[m.license].license_class for m in models), "licence class"))
    lines += [""]
    lines.append(_table(Counter(m.license for m in models), "licence"))
    moe = [m for m in models if m.active_params_b is not None]
    sized = sorted(models, key=lambda m: m.params_b)
    lines += [
        "",
        f"Sizes run from {sized[0].params_b * 1000:g}M (`{sized[0].id}`) to {sized[-1].params_b:g}B (`{sized[-1].id}`);"
        f" {len(moe)} mixture-of-experts models give their active parameters.",
        "",
        "Domains:",
        "",
        _table(Counter(d for m in models for d in m.domains), "domain"),
        "",
        "Published quality signals (benchmark families):",
        "",
        _table(Counter(q.benchmark.split(" (")[0] for m in models for q in m.quality), "benchmark"),
    ]
    return "\n".join(lines)


def knowledge_markdown() -> str:
    """Per-task benchmark coverage and the other knowledge fields of the bundled catalog, as Markdown."""
    cat = load_catalog(use_env=False)
    models = list(cat.models.values())
    rows = [
        "| task | models | with a figure on a benchmark the task names | share | figures per benchmark id |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for tid in sorted(cat.tasks):
        named = {b.id for b in cat.tasks[tid].benchmarks}
        ms = [m for m in models if tid in m.tasks]
        covered = [m for m in ms if any(b.name in named for b in m.benchmarks)]
        per = Counter(b.name for m in ms for b in m.benchmarks if b.name in named)
        ids = ", ".join(f"{k} {n}" for k, n in sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))) or "-"
        share = f"{len(covered) / len(ms):.0%}" if ms else "-"
        rows.append(f"| {tid} | {len(ms)} | {len(covered)} | {share} | {ids} |")
    with_any = sum(1 for m in models if m.benchmarks)
    translators = [m for m in models if "translation" in m.tasks and m.variant == "task"]
    fixed = [m for m in models if m.labels]
    lines = [
        f"{with_any} of {len(models)} models carry at least one `benchmarks` figure.",
        "",
        *rows,
        "",
        "| knowledge field | models |",
        "| --- | ---: |",
        f"| `directions` (translation checkpoints: {len(translators)}) | {sum(1 for m in models if m.directions)} |",
        f"| `labels` (fixed label sets) | {len(fixed)} |",
        f"| `open_labels` (any labels at run time) | {sum(1 for m in models if m.open_labels)} |",
        f"| `specialised_for` (not generalists) | {sum(1 for m in models if m.specialised_for)} |",
        f"| `tokenizer_scripts` (tokenizer limited to some scripts) | {sum(1 for m in models if m.tokenizer_scripts)} |",
    ]
    return "\n".join(lines)


def accelerators_markdown() -> str:
    """The accelerators of the bundled catalog: what is known of each, and the cloud instances."""
    cat = load_catalog(use_env=False)
    accs = list(cat.accelerators.values())
    rows = [
        "| id | memory GB | bf16 TFLOP/s | bandwidth GB/s | $/h | use | instances |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for a in accs:
        use = (
            "serving only" + (", unified memory" if a.unified_memory else "")
            if a.serving_only
            else "train + serve"
        )
        inst = ", ".join(f"{i.name} ({i.gpus})" for i in a.instances) or "-"
        rows.append(
            f"| `{a.id}` | {a.memory_gb:g} | {'-' if a.bf16_tflops is None else f'{a.bf16_tflops:g}'}"
            f" | {'-' if a.bandwidth_gbps is None else f'{a.bandwidth_gbps:g}'}"
            f" | {'-' if a.usd_per_hour is None else f'{a.usd_per_hour:g}'} | {use} | {inst} |"
        )
    n_inst = sum(len(a.instances) for a in accs)
    head = (
        f"{len(accs)} accelerators ({sum(a.serving_only for a in accs)} serving only), "
        f"{sum(a.usd_per_hour is not None for a in accs)} with a price, {n_inst} cloud instance types."
    )
    return "\n".join([head, "", *rows])


def render_doc(text: str) -> str:
    """The document with its generated blocks replaced by fresh content."""
    blocks = {
        "fields": field_table(),
        "counts": counts_markdown(),
        "knowledge": knowledge_markdown(),
        "accelerators": accelerators_markdown(),
    }
    for name, body in blocks.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(
                f"{DOC_PATH}: missing the '<!-- BEGIN {name} -->' / '<!-- END {name} -->' markers"
            )
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    wanted = {SCHEMA_PATH: schema_text(), DOC_PATH: render_doc(DOC_PATH.read_text(encoding="utf-8"))}
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if check:
        for p in stale:
            print(
                f"{p.relative_to(ROOT)} is stale: run python scripts/gen_catalog_schema.py", file=sys.stderr
            )
        return 1 if stale else 0
    for p in stale:
        p.write_text(wanted[p], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

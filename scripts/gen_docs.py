"""Regenerate the generated sections of docs/ from the code: rule table (scoring.md), JSON Schema (json.md).

Run: python scripts/gen_docs.py        (tests/test_docs.py fails when the committed docs are stale)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- BEGIN GENERATED: {name} -->"
END = "<!-- END GENERATED: {name} -->"


def rule_table() -> str:
    from whichmodel.catalog import load_catalog
    from whichmodel.rule_specs import SPECS

    weights = load_catalog(use_env=False).weights.rules
    lines = [
        "| rule | kind | component | weight | reads | what it checks | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec in SPECS:
        kind = spec.kind if spec.kind == "preference" else f"constraint ({spec.stage})"
        weight = f"{weights.get(spec.id, 0):g}" if spec.kind == "preference" else "-"
        reads = ", ".join(f"`{r}`" for r in spec.reads)
        lines.append(
            f"| `{spec.id}` | {kind} | {spec.component or '-'} | {weight} | {reads} | {spec.doc} | {spec.source} |"
        )
    return "\n".join(lines)


def prefer_table() -> str:
    from whichmodel.catalog import load_catalog

    prefer = load_catalog(use_env=False).weights.prefer
    lines = ["| --prefer | quality | fit | cost |", "|---|---|---|---|"]
    for name, comp in prefer.items():
        lines.append(
            f"| `{name}` | {comp.get('quality', 0):g} | {comp.get('fit', 0):g} | {comp.get('cost', 0):g} |"
        )
    return "\n".join(lines)


def constants_table() -> str:
    from whichmodel import engine, quality, rules

    names = [
        (rules, "PLENTY_EXAMPLES"), (rules, "FEW_EXAMPLES"), (rules, "SETFIT_MIN_EXAMPLES"),
        (rules, "SETFIT_MAX_EXAMPLES"), (rules, "SMALL_MODEL_B"), (rules, "LARGE_MODEL_B"),
        (rules, "CPT_MIN_TOKENS"), (rules, "CPT_STRONG_TOKENS"), (rules, "CHUNK_VETO_FACTOR"), (rules, "MANY_LANGUAGES"),
        (rules, "SPECIALIST_BONUS"), (rules, "OFF_SPECIALITY_PENALTY"), (rules, "DOMAIN_MATCH_BONUS"),
        (rules, "DOMAIN_MISMATCH_PENALTY"), (rules, "MULTI_HIGH_RESOURCE_PENALTY"), (rules, "MULTI_LOW_RESOURCE_PENALTY"),
        (rules, "NO_CODE_PENALTY"), (rules, "REASONING_OFF_TASK_PENALTY"), (rules, "CONTEXT_SHORTFALL_PENALTY"), (rules, "ZERO_SHOT_PENALTY"), (rules, "PROMPTED_DISCRIMINATIVE_PENALTY"),
        (rules, "FINETUNE_GAIN_PER_DECADE"), (rules, "FINETUNE_GAIN_FLOOR"), (rules, "FINETUNE_GAIN_CAP"),
        (rules, "READY_GAIN"), (rules, "SETFIT_GAIN"), (rules, "CPT_GAIN_MAX"), (rules, "TIGHT_SERVING_COST_FACTOR"),
        (rules, "POPULAR_DOWNLOADS"), (rules, "KNOWN_DOWNLOADS"), (quality, "MIN_FIT_MODELS"), (quality, "RIDGE"),
        (quality, "PRIOR_SIZE_SHARE"), (engine, "GENERATED_TOKENS"),
        (engine, "MIN_PRETRAIN_PARAMS"), (engine, "CHINCHILLA_TOKENS_PER_PARAM"),
    ]  # fmt: skip
    lines = ["| constant | value |", "|---|---|"]
    for mod, name in names:
        lines.append(f"| `{mod.__name__.split('.')[-1]}.{name}` | {getattr(mod, name):,} |")
    return "\n".join(lines)


def advice_schema() -> str:
    from whichmodel.advice import json_schema

    return "```json\n" + json.dumps(json_schema(), indent=2) + "\n```"


def _advise(args: list[str], columns: int) -> str:
    import os
    import subprocess

    env = dict(os.environ, COLUMNS=str(columns), NO_COLOR="1", TERM="dumb")
    env.pop("WHICHMODEL_CATALOG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "whichmodel", "advise", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return proc.stdout


def _text(out: str, lines: int | None = None) -> str:
    body = [line.rstrip() for line in out.splitlines()]
    return "```text\n" + "\n".join(body[:lines] if lines else body).rstrip() + "\n```"


NER = ["--task", "ner", "--examples", "5k", "--gpu", "t4", "--serve", "cpu", "--gpu-hours", "10"]


def readme_summarization() -> str:
    return _text(_advise(["--task", "summarization", "--gpu-hours", "50"], 80))


def readme_ner() -> str:
    out = _advise(NER, 100)
    cut = out.index("GB: training/serving")
    return _text(out[: out.index("\n", cut)])


def readme_json() -> str:
    doc = json.loads(_advise([*NER, "--json"], 100))
    top = doc["recommendations"][0]
    top["reasons"] = top["reasons"][:3]
    return "```json\n" + json.dumps(top, indent=2, ensure_ascii=False) + "\n```"


def documents_table() -> str:
    from whichmodel.documents import DOCUMENTS, PRINTED_BY

    lines = ["| `whichmodel schema NAME` | printed by | pydantic model |", "|---|---|---|"]
    for name, target in DOCUMENTS.items():
        model = target() if name == "advise" else target  # advise's model is imported on first use
        args = getattr(model, "__args__", None)  # list[X]
        item = args[0] if args else model
        where = f"`{item.__module__.removeprefix('whichmodel.')}.{item.__name__}`"
        cmds = ", ".join(f"`{c} --json`" for c in PRINTED_BY[name])
        lines.append(f"| `{name}` | {cmds} | {f'a list of {where}' if args else where} |")
    return "\n".join(lines)


SECTIONS = {
    "README.md": {
        "readme-summarization": readme_summarization,
        "readme-ner": readme_ner,
        "readme-json": readme_json,
    },
    "docs/scoring.md": {"rules": rule_table, "prefer": prefer_table, "constants": constants_table},
    "docs/json.md": {"advice-schema": advice_schema, "documents": documents_table},
}


def render(path: str) -> str:
    text = (ROOT / path).read_text(encoding="utf-8")
    for name, fn in SECTIONS[path].items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise SystemExit(f"{path}: missing markers for {name}")
        text = pattern.sub(lambda _m: f"{begin}\n{fn()}\n{end}", text)  # noqa: B023
    return text


def main() -> int:
    check = "--check" in sys.argv
    stale = []
    for path in SECTIONS:
        new = render(path)
        if (ROOT / path).read_text(encoding="utf-8") != new:
            stale.append(path)
            if not check:
                (ROOT / path).write_text(new, encoding="utf-8")
    if check and stale:
        print("stale: " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

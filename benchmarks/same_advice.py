"""Same advice before and after a speed-up: `advise --json` for ~35 varied scopes, this tree against a git revision.

A speed-up of the engine must not change one recommendation, score, reason, rejection or what-if. This script
builds the advice document (exactly what `advise --json` prints, through ``advice.dump``) for scopes over the
bundled catalog (tasks, serving targets, budgets, labels, languages, licences, preferences, a Hub snapshot) and
over synthetic 10,000-model and 20,000-model catalogs (the scale benchmark's files), once with this tree's code
and once with the code of ``--against`` (``git archive`` of its ``src/``, run in a child process over this tree's
catalog), and compares them document by document. It prints the first difference of each scope that differs and
exits 1 when any does. Usage: python benchmarks/same_advice.py [--against main] [--no-scale]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-06-01T00:00:00+00:00"  # a fixed clock: the snapshot's age is part of the advice

# (name, flags as the CLI gives them, use the Hub snapshot)
SCOPES: list[tuple[str, dict[str, Any], bool]] = [
    ("summarization-50h", {"tasks": ["summarization"], "gpu_hours": "50"}, False),
    ("textclass-5k-10h", {"tasks": ["text-classification"], "examples": "5k", "gpu_hours": "10"}, False),
    ("ner-20k-cpu-commercial", {"tasks": ["ner"], "examples": "20k", "serve": "cpu", "license": "commercial"}, False),
    ("chat-edge", {"tasks": ["chat"], "serve": "edge"}, False),
    ("chat-de-open", {"tasks": ["chat"], "languages": ["de"], "license": "open"}, False),
    ("translation-en-de", {"tasks": ["translation"], "source_languages": ["en"], "target_languages": ["de"]}, False),
    ("translation-fr-de", {"tasks": ["translation"], "languages": ["fr", "de"]}, False),
    ("qa-4096", {"tasks": ["question-answering"], "input_tokens": "4096"}, False),
    ("code-100h-2k", {"tasks": ["code-generation"], "languages": ["code"], "gpu_hours": "100", "examples": "2k"}, False),
    ("textclass-labels", {"tasks": ["text-classification"], "labels": ["positive,negative"]}, False),
    ("textclass-toxic-cpu", {"tasks": ["text-classification"], "labels": ["toxic,insult"], "serve": "cpu"}, False),
    ("ner-labels-500", {"tasks": ["token-classification"], "labels": ["PER,ORG,LOC"], "examples": "500", "gpu_hours": "5"}, False),
    ("zeroshot-3060", {"tasks": ["zero-shot-classification"], "serve": "rtx-3060"}, False),
    ("summ-biomed-cpt", {"tasks": ["summarization"], "domain": "biomedical", "domain_tokens": "2B", "gpu_hours": "500"}, False),
    ("textgen-50m", {"tasks": ["text-generation"], "domain_tokens": "50M", "gpu_hours": "20"}, False),
    ("chat-cost-traffic", {"tasks": ["chat"], "prefer": "cost", "daily_tokens": "10M"}, False),
    ("chat-quality-h100", {"tasks": ["chat"], "prefer": "quality", "serve": "h100-80gb"}, False),
    ("summ-32k-a10g", {"tasks": ["summarization"], "input_tokens": "32000", "serve": "a10g"}, False),
    ("similarity-1k", {"tasks": ["sentence-similarity"], "examples": "1k"}, False),
    ("features-multi", {"tasks": ["feature-extraction"], "languages": ["multi"]}, False),
    ("t2t-10k-nobudget", {"tasks": ["text2text-generation"], "examples": "10k"}, False),
    ("textclass-sw", {"tasks": ["text-classification"], "languages": ["sw"], "examples": "300", "gpu_hours": "5"}, False),
    ("fillmask-ja", {"tasks": ["fill-mask"], "languages": ["ja"]}, False),
    ("tableqa", {"tasks": ["table-question-answering"]}, False),
    ("summ+translation-es-en", {"tasks": ["summarization", "translation"], "languages": ["es", "en"]}, False),
    ("chat-t4x4", {"tasks": ["chat"], "gpu": "t4", "gpus": "4", "gpu_hours": "20", "examples": "50k"}, False),
    ("ner-zh-top10", {"tasks": ["ner"], "languages": ["zh"], "top": "10"}, False),
    ("textclass-edge-top3", {"tasks": ["text-classification"], "examples": "100", "gpu_hours": "2", "serve": "edge", "top": "3"}, False),
    ("code-m2-commercial", {"tasks": ["code-generation"], "serve": "apple-m2-max", "license": "commercial"}, False),
    ("chat-hi-4090", {"tasks": ["chat"], "languages": ["hi"], "serve": "rtx-4090", "examples": "5k", "gpu_hours": "40"}, False),
    ("ranking-legal", {"tasks": ["text-ranking"], "domain": "legal", "examples": "2k", "gpu_hours": "8"}, False),
    ("summ-snapshot", {"tasks": ["summarization"], "top": "20"}, True),
    ("textclass-snapshot", {"tasks": ["text-classification"], "examples": "2k", "gpu_hours": "10", "top": "10"}, True),
    ("chat-snapshot-commercial", {"tasks": ["chat"], "license": "commercial", "gpu_hours": "10"}, True),
]  # fmt: skip
SCALE_SCOPES: list[tuple[str, dict[str, Any]]] = [
    ("summarization-50h", {"tasks": ["summarization"], "gpu_hours": "50"}),
    ("ner-20k-cpu", {"tasks": ["ner"], "examples": "20k", "serve": "cpu", "license": "commercial"}),
    ("chat-commercial-10h", {"tasks": ["chat"], "license": "commercial", "gpu_hours": "10", "examples": "1k"}),
    ("textclass-labels", {"tasks": ["text-classification"], "labels": ["positive,negative"], "top": "8"}),
]  # fmt: skip


def snapshot() -> Any:
    """A small Hub snapshot: popular, gated, small-download and mislabelled records for bundled models."""
    from whichmodel.hub_snapshot import HubRecord, Snapshot

    def rec(hub_id: str, **kw: Any) -> HubRecord:
        base = dict(downloads=None, likes=1, gated=False, license=None, params=None, last_modified=None,
                    pipeline_tag=None, fetched_at="2026-05-01T00:00:00Z", architectures=())  # fmt: skip
        return HubRecord(hub_id=hub_id, **{**base, **kw})

    records = [
        rec("facebook/bart-large-cnn", downloads=4_321_000, license="mit", params=406_000_000),
        rec("google/pegasus-xsum", downloads=12_345, gated="manual", license="apache-2.0"),
        rec("distilbert/distilbert-base-uncased", downloads=900, params=67_000_000),
        rec("FacebookAI/roberta-base", downloads=20_000_000, license="other"),
        rec("Qwen/Qwen2.5-7B-Instruct", downloads=2_000_000, gated="auto", params=7_600_000_000),
        rec("meta-llama/Llama-3.1-8B-Instruct", downloads=5_000_000, gated="manual", license="llama3.1"),
    ]
    return Snapshot(records={r.hub_id.lower(): r for r in records}, fetched_at="2026-05-01T00:00:00Z")


def dumps(scale: dict[str, str]) -> dict[str, Any]:
    """Every scope's advice document, as `advise --json` builds it, with the code importable here."""
    from datetime import datetime

    from whichmodel.advice import dump
    from whichmodel.catalog import load_catalog
    from whichmodel.cli.scopeargs import build_scope
    from whichmodel.engine import advise

    now = datetime.fromisoformat(NOW)
    out: dict[str, Any] = {}
    timings: dict[str, float] = {}
    cat = load_catalog(use_env=False)
    snap = snapshot()
    for name, flags, with_snap in SCOPES:
        scope = build_scope(cat, None, dict(flags))
        out[name] = dump(advise(scope, cat, snapshot=snap if with_snap else None, now=now))
    for label, path in scale.items():
        big = load_catalog([path], use_env=False)
        for name, flags in SCALE_SCOPES:
            t = time.perf_counter()
            scope = build_scope(big, None, dict(flags))
            out[f"{label}/{name}"] = dump(advise(scope, big, snapshot=None, now=now))
            timings[f"{label}/{name}"] = time.perf_counter() - t
    return {"advice": out, "timings": timings}


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'after' if k not in a else 'before'}"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        if list(a) != list(b):
            return f"{path}: keys in another order"
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        if len(a) != len(b):
            return f"{path}: {len(a)} items before, {len(b)} after"
        return None
    return None if a == b else f"{path}: {a!r} before, {b!r} after"


def old_tree(ref: str, folder: Path) -> Path:
    """``src/`` of ``ref``, with this tree's catalog where its bundled catalog is looked for."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "src"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "catalog").symlink_to(ROOT / "catalog")
    return folder / "src"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", default="main", help="git revision to compare with (default: main)")
    parser.add_argument(
        "--no-scale", action="store_true", help="skip the synthetic 10,000/20,000-model catalogs"
    )
    parser.add_argument("--dump", help=argparse.SUPPRESS)  # internal: the child writes its documents here
    parser.add_argument("--scale", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        Path(args.dump).write_text(json.dumps(dumps(json.loads(args.scale))))
        return 0
    sys.path.insert(0, str(Path(__file__).parent))
    from scale import plain, synthetic

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scale: dict[str, str] = {}
        if not args.no_scale:
            synthetic(10_000, folder / "catalog-10k.json")
            plain(20_000, folder / "catalog-20k-plain.json")
            scale = {
                "10k": str(folder / "catalog-10k.json"),
                "20k-plain": str(folder / "catalog-20k-plain.json"),
            }
        src = old_tree(args.against, folder / "old")
        docs = {}
        for label, pythonpath in (("before", str(src)), ("after", str(ROOT / "src"))):
            cache = folder / f"cache-{label}"
            cache.mkdir(mode=0o700)
            env = dict(os.environ, PYTHONPATH=pythonpath, WHICHMODEL_CACHE_DIR=str(cache), HF_HUB_OFFLINE="1")
            out = folder / f"{label}.json"
            cmd = [sys.executable, __file__, "--dump", str(out), "--scale", json.dumps(scale)]
            subprocess.run(cmd, env=env, check=True, cwd=folder)
            docs[label] = json.loads(out.read_text())
    before, after = docs["before"]["advice"], docs["after"]["advice"]
    differ = 0
    for name in before:
        d = first_difference(before[name], after.get(name))
        if d:
            differ += 1
            print(f"DIFFERS {name}: {d}")
    for name, t in docs["after"]["timings"].items():
        print(f"{name}: engine {docs['before']['timings'][name]:.2f} s before, {t:.2f} s after")
    print(f"{len(before) - differ} of {len(before)} scopes give the same advice as {args.against}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

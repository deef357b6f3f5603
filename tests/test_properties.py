"""Property-based tests (hypothesis): the engine, the catalog loader and the estimator on random input.

- Random scopes (every task, alias and accelerator, several tasks at once, unknown-but-valid language
  codes, counts across their whole range): the engine never raises, every number in the advice is
  finite, ranks run 1..N with scores non-increasing (a from-scratch model the verdict favours leads by
  design), the same input gives the same JSON (in-process and across hash seeds), every rejected model
  has a rule and a reason, and the document validates against its pydantic model and JSON Schema.
- Random catalog fragments (valid and subtly invalid model entries, as YAML or JSON files passed with
  --catalog): loading succeeds or raises CatalogError whose lines read ``file:line: field: message``;
  the commands given such a file exit 0 (2 for a combination a command refuses) when it loads and 1
  with those lines when it does not, never anything else.
- The estimator on random valid inputs: finite, non-negative figures.

Derandomized (the same examples on every run, so CI is deterministic) and sized to run in seconds.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from whichmodel import estimator as est
from whichmodel.advice import Advice, json_schema
from whichmodel.catalog import Catalog, CatalogError, load_catalog
from whichmodel.catalog_schema import FAMILIES
from whichmodel.engine import advise
from whichmodel.scope import ScopeInput, ScopeProblem, normalize

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,  # nothing written to the working directory
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported at once (and reproducible)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PROBLEM_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<field>\S.*?): (?P<message>\S.*)$")


@functools.cache
def catalog() -> Catalog:
    return load_catalog(use_env=False)


@functools.cache
def schema_validator():
    import jsonschema

    return jsonschema.Draft202012Validator(json_schema())


def spread(lo: float, hi: float, *, whole: bool = True) -> st.SearchStrategy:
    """Values from lo to hi spread over every order of magnitude (and the bounds themselves)."""
    top = math.log10(hi)
    magnitude = st.floats(0, top, allow_nan=False, allow_infinity=False).map(lambda x: 10**x)
    values = magnitude.map(lambda v: min(hi, max(lo, round(v) if whole else v)))
    return st.one_of(st.sampled_from([lo, hi]), values)


def finite_numbers(obj: Any, path: str = "$") -> None:
    if obj is None or isinstance(obj, bool | str):
        return
    if isinstance(obj, int | float):
        assert math.isfinite(obj), f"{path} is {obj!r}"
    elif isinstance(obj, dict):
        for k, v in obj.items():
            finite_numbers(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            finite_numbers(v, f"{path}[{i}]")
    else:
        raise AssertionError(f"{path} holds a {type(obj).__name__}, not JSON")


# --- random scopes ------------------------------------------------------------------------------------------


def _task_words() -> list[str]:
    cat = catalog()
    words = set(cat.tasks)
    for t in cat.tasks.values():
        words.update(t.aliases)
    return sorted(words)


def _accelerator_words() -> list[str]:
    cat = catalog()
    words = set(cat.accelerators)
    for a in cat.accelerators.values():
        words.update(a.aliases)
    return sorted(words)


def _domains() -> list[str]:
    return sorted({d for m in catalog().models.values() for d in m.domains} | {"aerospace", "retail"})


# Every language the catalog knows (a code it does not know is refused, see tests/test_scope_lists.py), the
# specials, an alias and an upper-case code; a scope names each language and each task once.
LANGUAGES = st.sampled_from([*sorted(catalog().languages), "code", "multi", "many", "EN"])


def _language_key(code: str) -> str:
    low = code.lower()
    return "multi" if low in ("many", "multilingual") else low


def _valid(d: dict[str, Any]) -> bool:
    """Scopes normalize accepts: a translation with one natural language and no 'multi' is refused (it
    needs two), so the generator leaves it out."""
    try:
        normalize(ScopeInput(**d), catalog())
    except ScopeProblem:
        return False
    return True


def scope_inputs() -> st.SearchStrategy[ScopeInput]:
    required = {
        "tasks": st.lists(
            st.sampled_from(_task_words()), min_size=1, max_size=3, unique_by=lambda w: catalog().task(w).id
        ),
    }
    optional = {
        "languages": st.lists(LANGUAGES, min_size=1, max_size=3, unique_by=_language_key),
        "examples": spread(0, 1e9),
        "domain_tokens": spread(0, 1e13),
        "input_tokens": spread(1, 1e7),
        "gpu_hours": st.one_of(spread(0, 1e8, whole=False), st.floats(0, 1)),
        "gpu": st.sampled_from(_accelerator_words()),
        "gpus": spread(1, 4096),
        "serve": st.sampled_from([*sorted(catalog().accelerators), "cpu", "edge", "CPU"]),
        "license": st.sampled_from(["any", "open", "commercial"]),
        "top": st.integers(1, 50),
        "domain": st.one_of(st.none(), st.sampled_from(_domains())),
    }
    return st.fixed_dictionaries(required, optional=optional).filter(_valid).map(lambda d: ScopeInput(**d))


def run_engine(raw: ScopeInput) -> dict[str, Any]:
    cat = catalog()
    return advise(normalize(raw, cat), cat).to_json()


@settings(SETTINGS, max_examples=100)
@given(raw=scope_inputs())
def test_engine_on_random_scopes(raw: ScopeInput):
    doc = run_engine(raw)
    cat = catalog()

    # finite and JSON: allow_nan=False refuses NaN and infinity
    finite_numbers(doc)
    text = json.dumps(doc, allow_nan=False, sort_keys=True)

    # deterministic: the same input gives the same document
    assert json.dumps(run_engine(raw), allow_nan=False, sort_keys=True) == text

    # the document is what its model and its JSON Schema say
    assert Advice.model_validate(doc).to_json() == doc
    schema_validator().validate(doc)

    # ranks 1..N in order, best score first, no more than asked for
    recs = doc["recommendations"]
    top = doc["scope"]["top"]
    assert [r["rank"] for r in recs] == list(range(1, len(recs) + 1))
    assert len(recs) <= top
    # best score first, a model to train from scratch included (it is ranked by its score like any other,
    # and offered only when the from-scratch verdict says it is worth it); scores and components in 0-100
    scratch = [r for r in recs if r["hub_id"] is None]
    assert all(r["strategy"] == "pretrain" and r["template"] for r in scratch)
    if scratch:
        assert len(scratch) == 1 and doc["from_scratch"]["worth_it"] is True
    scores = [r["score"] for r in recs]
    assert scores == sorted(scores, reverse=True), scores
    for r in recs:
        assert 0 <= r["score"] <= 100
        assert set(r["components"]) == {"quality", "fit", "cost"}
        assert all(0 <= v <= 100 for v in r["components"].values())
        assert r["quality"]["basis"] in ("measured", "imputed") and 0 <= r["quality"]["value"] <= 100
    for r in recs:
        for key, value in r["estimates"].items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert value >= 0, (r["model"], key, value)

    # every rejection says which rule and why; nothing is both recommended and rejected
    rejected = doc["rejected"]
    for r in rejected:
        assert isinstance(r["rule"], str) and r["rule"].strip(), r
        assert isinstance(r["reason"], str) and r["reason"].strip(), r
    rejected_ids = [r["model"] for r in rejected]
    assert len(rejected_ids) == len(set(rejected_ids))
    curated = {r["model"] for r in recs if r["strategy"] != "pretrain"}
    assert not curated & set(rejected_ids)
    assert curated | set(rejected_ids) <= set(cat.models)
    if len(recs) < top:  # room to spare: every model is either recommended or rejected with a reason
        assert curated | set(rejected_ids) == set(cat.models)

    # the scope echoes the input, normalized
    assert doc["scope"]["tasks"] and set(doc["scope"]["tasks"]) <= set(cat.tasks)
    assert doc["architecture"]["recommended"] in (*FAMILIES, None)


SCRIPT = """
import json, sys
from whichmodel.catalog import load_catalog
from whichmodel.engine import advise
from whichmodel.scope import ScopeInput, normalize
cat = load_catalog(use_env=False)
for raw in json.load(sys.stdin):
    print(json.dumps(advise(normalize(ScopeInput(**raw), cat), cat).to_json(), sort_keys=True))
"""


def test_engine_output_does_not_depend_on_hash_seed(tmp_path):
    """Set iteration order changes with PYTHONHASHSEED; the advice must not."""
    import random

    rng = random.Random(8)
    tasks, accs = sorted(catalog().tasks), sorted(catalog().accelerators)
    scopes = [
        {
            "tasks": rng.sample(tasks, rng.randint(1, 3)),
            "languages": rng.sample(["en", "fr", "de", "zh", "code", "multi", "sw"], rng.randint(1, 3)),
            "examples": rng.choice([0, 300, 20_000, 5_000_000]),
            "domain_tokens": rng.choice([0, 10**8, 5 * 10**10]),
            "gpu_hours": rng.choice([0, 8, 500, 200_000]),
            "gpu": rng.choice(accs),
            "serve": rng.choice([*accs, "cpu", "edge"]),
            "license": rng.choice(["any", "open", "commercial"]),
            "top": rng.randint(1, 12),
            "domain": rng.choice([None, "biomedical", "code", "legal"]),
        }
        for _ in range(12)
    ]
    outputs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "WHICHMODEL_CACHE_DIR": str(tmp_path / seed)}
        proc = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            input=json.dumps(scopes),
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == len(scopes)


# --- random catalog fragments ------------------------------------------------------------------------------

REQUIRED = ("id", "hub_id", "family", "objective", "params_b", "context_tokens", "license", "languages")
REQUIRED += ("tasks", "sources")


@st.composite
def model_entries(draw, n: int) -> dict[str, Any]:
    """A valid model entry (id prop-<n>-..., so ids and hub ids never clash)."""
    cat = catalog()
    objectives = sorted({o.id for a in cat.architectures.values() for o in a.objectives})
    mid = f"prop-{n}-" + draw(st.from_regex(r"[a-z0-9][a-z0-9.+-]{0,12}", fullmatch=True))
    entry: dict[str, Any] = {
        "id": mid,
        "hub_id": f"prop-org/{mid.replace('+', '-')}",
        "family": draw(st.sampled_from(FAMILIES)),
        "objective": draw(st.sampled_from(objectives)),
        "params_b": draw(st.one_of(spread(0.001, 2000, whole=False), st.integers(1, 500))),
        "context_tokens": draw(st.one_of(st.none(), spread(16, 10**7))),
        "license": draw(st.sampled_from(sorted(cat.licenses))),
        "languages": draw(
            st.lists(LANGUAGES.map(str.lower).filter(lambda c: c != "many"), min_size=1, max_size=4)
        ),
        "tasks": draw(st.lists(st.sampled_from(sorted(cat.tasks)), min_size=1, max_size=3, unique=True)),
        "sources": ["property test"],
    }
    optional = {
        "variant": st.sampled_from(["base", "instruct", "task"]),
        "domains": st.lists(st.sampled_from(_domains()), max_size=2, unique=True),
        "layers": st.integers(1, 200),
        "hidden_size": st.integers(1, 20_000),
        "heads": st.integers(1, 128),
        "kv_heads": st.integers(1, 128),
        "head_dim": st.integers(1, 512),
        "vocab_size": st.integers(1, 300_000),
        "active_params_b": spread(0.001, 500, whole=False),
        "year": st.integers(2017, 2100),
        "context_tokens_extended": spread(16, 10**8),
        "quality": st.lists(
            st.fixed_dictionaries(
                {"benchmark": st.just("MMLU"), "score": st.floats(-100, 100), "source": st.just("a paper")}
            ),
            max_size=2,
        ),
    }
    for key, strat in optional.items():
        if draw(st.booleans()):
            entry[key] = draw(strat)
    # languages need not be unique in the catalog format, but must match its pattern
    entry["languages"] = [
        c if re.fullmatch(r"[a-z]{2,3}|code|multi", c) else "en" for c in entry["languages"]
    ]
    return entry


NUMERIC = ("params_b", "context_tokens", "layers", "hidden_size", "heads", "vocab_size", "active_params_b")
BAD_VALUES = {
    "params_b": [0, -1, 1e300, float("nan"), float("inf"), True, "seven", "7B", [1], {"a": 1}, None, ""],
    "context_tokens": [0, -5, 10**12, 1.5, "long", True, [2048]],
    "layers": [0, -1, 10**9, 2.5, False],
    "id": ["../../etc/passwd", "/tmp/x", "", "🙂", "a" * 500, "has space", 42, None],
    "hub_id": ["org/name/extra", "noslash", "/abs", "", "org/", 7],
    "family": ["decoder-ish", "", "Decoder-Only", 1, None],
    "objective": ["no-such-objective", "", 3],
    "license": ["no-such-licence", "", None],
    "languages": [[], ["EN"], ["english"], "en", [1], None],
    "tasks": [[], ["no-such-task"], "summarization", [None], {"a": 1}],
    "sources": [[], "a source", [""], None],
    "variant": ["chat", "", 1],
    "year": [2016, 2101, 2020.5, "2020"],
}


@st.composite
def mutations(draw, entry: dict[str, Any]) -> tuple[dict[str, Any] | Any, str]:
    """An invalid version of ``entry`` and what was done to it."""
    kind = draw(st.sampled_from(["drop", "unknown-key", "bad-value", "not-a-mapping"]))
    bad = dict(entry)
    if kind == "drop":
        key = draw(st.sampled_from(REQUIRED))
        del bad[key]
        return bad, f"drop {key}"
    if kind == "unknown-key":
        key = draw(st.sampled_from(["colour", "param_b", "Params_b", "tasks ", "ID"]))
        bad[key] = 1
        return bad, f"unknown key {key!r}"
    if kind == "bad-value":
        key = draw(st.sampled_from(sorted(BAD_VALUES)))
        value = draw(st.sampled_from(BAD_VALUES[key]))
        bad[key] = value
        return bad, f"{key}: {value!r}"
    return draw(st.sampled_from(["just text", 5, None, [entry]])), "entry is not a mapping"


@st.composite
def fragments(draw) -> tuple[str, str, list[dict[str, Any]], list[str]]:
    """(file suffix, file text, the valid entries, what makes it invalid: empty when it is valid)."""
    n = draw(st.integers(1, 3))
    entries = [draw(model_entries(i)) for i in range(n)]
    written: list[Any] = list(entries)
    broken: list[str] = []
    for i in range(n):
        if draw(st.integers(0, 2)) == 0:
            written[i], what = draw(mutations(entries[i]))
            broken.append(what)
    if draw(st.integers(0, 9)) == 0 and isinstance(written[0], dict):
        written.append(dict(written[0]))  # the same id twice in one file
        broken.append("duplicate id")
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    doc = {"models": written}
    if suffix == ".json":
        text = json.dumps(doc, ensure_ascii=draw(st.booleans()))  # NaN/Infinity are refused by the loader
    else:
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=draw(st.booleans()))
    valid = [e for e, w in zip(entries, written, strict=False) if e is w]
    return suffix, text, valid, broken


def check_problem_lines(lines: list[str], where: str) -> None:
    assert lines, "a catalog error lists at least one problem"
    for line in lines:
        m = PROBLEM_LINE.match(line)
        assert m, f"not file:line: field: message: {line!r}"
        assert m["file"] == where or m["file"].startswith("catalog/"), line


def cli(*args: str) -> tuple[int, str, str]:
    from whichmodel.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def fragment_dir():
    with tempfile.TemporaryDirectory(prefix="whichmodel-fragments-") as d:
        yield Path(d)


@settings(SETTINGS, max_examples=50)
@given(frag=fragments(), command=st.sampled_from(["advise", "validate", "compare", "estimate", "show"]))
def test_catalog_fragments_load_or_fail_cleanly(fragment_dir, frag, command):
    suffix, text, valid, broken = frag
    path = fragment_dir / f"fragment{suffix}"
    path.write_text(text, encoding="utf-8")
    where = str(path)

    try:
        cat = load_catalog([path], use_env=False, cache=False)
    except CatalogError as exc:
        assert broken, f"a valid fragment was refused: {[str(p) for p in exc.problems]}"
        check_problem_lines([str(p) for p in exc.problems], where)
        loaded = False
    else:
        assert not broken, f"an invalid fragment loaded: {broken}"
        for e in valid:
            m = cat.model(e["id"])
            assert m.hub_id == e["hub_id"] and m.params_b == pytest.approx(e["params_b"])
        loaded = True

    first = valid[0] if valid else None
    task = first["tasks"][0] if first else "summarization"
    args = {
        "advise": ["advise", "--task", task, "--gpu-hours", "100", "--examples", "5k", "--json"],
        "validate": ["catalog", "validate", where],
        "compare": ["compare", first["id"] if first else "t5-base", "t5-base", "--task", task, "--json"],
        "estimate": [
            "estimate",
            first["id"] if first else "t5-base",
            "-s",
            "lora",
            "--tokens",
            "1B",
            "--json",
        ],
        "show": ["catalog", "show", first["id"] if first else "t5-base", "--json"],
    }[command]
    if command != "validate":
        args += ["--catalog", where]
    code, out, err = cli(*args)
    assert "Traceback" not in err and "Internal error" not in err, err
    err_lines = err.splitlines()
    if loaded:
        assert code in (0, 2), (code, err)  # 2: a combination the command refuses (lora on an encoder...)
        if code == 0:
            if command == "validate":
                assert out == "" and err.startswith("OK: ")
            else:
                finite_numbers(json.loads(out))
        else:
            assert out == "" and len(err_lines) == 1 and err_lines[0].startswith("Error: "), err
    else:
        assert code == 1, (code, out, err)
        assert err_lines[-1].startswith("Error: ")
        # validate lists the problems on stdout; the other commands on stderr, and nothing on stdout
        problems = out.splitlines() if command == "validate" else err_lines[:-1]
        if command != "validate":
            assert out == ""
        check_problem_lines(problems, where)


@SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".yaml", ".json", ".yml"]))
def test_arbitrary_bytes_as_a_catalog_load_or_fail_cleanly(fragment_dir, data, suffix):
    path = fragment_dir / f"bytes{suffix}"
    path.write_bytes(data)
    try:
        load_catalog([path], use_env=False, cache=False)
    except CatalogError as exc:
        check_problem_lines([str(p) for p in exc.problems], str(path))


# --- the estimator -----------------------------------------------------------------------------------------

VALID_DTYPES = {
    "inference": [None, "fp32", "bf16", "fp16", "int8", "int4"],
    "as-is": [None, "fp32", "bf16", "fp16", "int8", "int4"],
    "full-finetune": [None, "fp32", "bf16", "fp16"],
    "continued-pretraining": [None, "fp32", "bf16", "fp16"],
    "pretrain": [None, "fp32", "bf16", "fp16"],
    "lora": [None, "fp32", "bf16", "fp16"],
    "qlora": [None, "int4", "int8"],
}


@st.composite
def jobs(draw) -> dict[str, Any]:
    cat = catalog()
    strategy = draw(st.sampled_from(est.STRATEGIES))
    model = draw(st.one_of(st.none(), st.sampled_from(sorted(cat.models)).map(cat.models.get)))
    return {
        "params": draw(spread(1e6, 1e12, whole=False)),
        "strategy": strategy,
        "accelerator": draw(st.sampled_from(sorted(cat.accelerators)).map(cat.accelerators.get)),
        "gpus": draw(spread(1, 4096)),
        "tokens": draw(st.one_of(st.none(), spread(1e3, 1e13, whole=False))),
        "seq_len": draw(spread(1, 131072)),
        "batch": draw(spread(1, 256)),
        "dtype": draw(st.sampled_from(VALID_DTYPES[strategy])),
        "model": model,
        "gradient_checkpointing": draw(st.booleans()),
        "family": None if model is not None else draw(st.sampled_from([None, *FAMILIES])),
    }


@settings(SETTINGS, max_examples=100)
@given(job=jobs())
def test_estimate_job_is_finite_and_non_negative(job):
    result = est.estimate_job(**job)
    doc = result.to_json()
    finite_numbers(doc)
    json.dumps(doc, allow_nan=False)
    for key in ("flops", "gpu_hours", "wall_clock_hours", "cost_usd", "usable_gb_per_gpu", "per_gpu_gb"):
        assert doc[key] is None or doc[key] >= 0, (key, doc[key])
    for key, value in doc["memory_gb"].items():
        assert value >= 0, (key, value)
    m = result.memory
    assert m.total == pytest.approx(
        m.weights + m.gradients + m.optimizer + m.activations + m.kv_cache + m.overhead
    )
    assert result.gpus_needed is None or 1 <= result.gpus_needed <= est.MAX_GPUS
    assert result.fits == (result.gpus_needed is not None and result.gpus_needed <= job["gpus"])
    if result.training and job["tokens"] is not None:
        assert doc["flops"] is not None and doc["flops"] > 0
    if not result.training:
        assert doc["flops"] is None and m.gradients == 0 and m.optimizer == 0


@SETTINGS
@given(
    params=spread(1e6, 1e12, whole=False),
    dtype=st.sampled_from(list(est.DTYPE_BYTES)),
    model=st.one_of(st.none(), st.sampled_from(sorted(catalog().models))),
    context=spread(1, 10**7),
    batch=spread(1, 512),
    family=st.sampled_from([None, *FAMILIES]),
    overhead=st.sampled_from([0.0, est.FRAMEWORK_OVERHEAD_GB]),
)
def test_inference_memory_is_finite_and_grows_with_context_and_batch(
    params, dtype, model, context, batch, family, overhead
):
    entry = catalog().models[model] if model is not None else None
    kwargs = {"params": params, "dtype": dtype, "model": entry, "family": family if entry is None else None}
    mem = est.inference_memory(**kwargs, context_tokens=context, batch=batch, overhead_gb=overhead)
    parts = (mem.weights, mem.gradients, mem.optimizer, mem.activations, mem.kv_cache, mem.overhead)
    for value in (*parts, mem.total):
        assert math.isfinite(value) and value >= 0
    assert mem.total == pytest.approx(sum(parts))
    assert mem.total >= params * est.DTYPE_BYTES[dtype] / est.GB * (1 - 1e-9)
    longer = est.inference_memory(**kwargs, context_tokens=context * 2, batch=batch, overhead_gb=overhead)
    bigger = est.inference_memory(**kwargs, context_tokens=context, batch=batch * 2, overhead_gb=overhead)
    assert longer.total >= mem.total * (1 - 1e-12)
    assert bigger.total >= mem.total * (1 - 1e-12)

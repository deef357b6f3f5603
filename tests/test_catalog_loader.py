"""The loader: the bundled catalog validates; every malformed shape gives a clean, located error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract import CONTRACT_TASKS
from whichmodel.catalog import CatalogError, bundled_dir, load_catalog
from whichmodel.catalog_schema import CatalogFile

GOOD_MODEL = {
    "id": "my-bert",
    "hub_id": "me/my-bert",
    "family": "encoder-only",
    "objective": "masked-lm",
    "params_b": 0.11,
    "context_tokens": 512,
    "license": "apache-2.0",
    "languages": ["en"],
    "tasks": ["text-classification"],
    "sources": ["my model card"],
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def problems(*paths: Path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog([str(p) for p in paths], use_env=False)
    return [str(p) for p in info.value.problems]


def test_bundled_catalog_loads_with_every_family_and_contract_task():
    cat = load_catalog(use_env=False)
    assert set(cat.architectures) == {"encoder-only", "decoder-only", "encoder-decoder"}
    assert set(CONTRACT_TASKS) <= set(cat.tasks)
    assert len(cat.models) >= 30
    for alias, task in [("ner", "token-classification"), ("sentiment", "text-classification"), ("qa", "question-answering"),
                        ("embeddings", "feature-extraction"), ("semantic-search", "sentence-similarity"),
                        ("rerank", "text-ranking"), ("Classification", "text-classification")]:  # fmt: skip
        assert cat.task(alias).id == task
    assert cat.accelerator("A100").id == "a100-80gb"
    assert cat.accelerator("h100").id == "h100-80gb"


def test_schema_round_trip_of_every_bundled_entry():
    cat = load_catalog(use_env=False)
    for m in cat.models.values():
        dumped = m.model_dump(mode="json", exclude_unset=True)
        again = CatalogFile.model_validate({"models": [dumped]}).models[0]
        assert again == m


def test_user_entry_replaces_bundled_and_adds(tmp_path):
    replaced = dict(GOOD_MODEL, id="bert-base-uncased", hub_id="google-bert/bert-base-uncased", params_b=0.5)
    p = write(tmp_path, "user.json", json.dumps({"models": [GOOD_MODEL, replaced]}))
    cat = load_catalog([str(p)], use_env=False)
    assert cat.model("my-bert").hub_id == "me/my-bert"
    assert cat.model("bert-base-uncased").params_b == 0.5
    assert cat.model("ME/MY-BERT").id == "my-bert"


def test_folder_and_env_var(tmp_path, monkeypatch):
    d = tmp_path / "cat"
    d.mkdir()
    write(d, "a.yaml", "models:\n" + "\n".join("  " + line for line in json.dumps([GOOD_MODEL]).splitlines()))
    monkeypatch.setenv("WHICHMODEL_CATALOG", str(d))
    assert "my-bert" in load_catalog().models


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "is empty"),
        ("- a\n- b\n", "not a mapping"),
        ("models: [\n", "not valid YAML"),
        ("models: !!python/object/apply:os.system ['echo hi']\n", "tag that is not allowed"),
        ("models:\n  - {id: x}\n", "required field is missing"),
        ("modles: []\n", "unknown field"),
        ("models: 3\n", "valid list"),
    ],
)
def test_malformed_files_give_located_problems(tmp_path, text, needle):
    p = write(tmp_path, "bad.yaml", text)
    lines = problems(p)
    assert any(needle in line for line in lines), lines
    assert all(line.startswith(f"{p}:") for line in lines)


def test_every_problem_is_reported_with_its_line(tmp_path):
    bad1 = dict(GOOD_MODEL, id="a", params_b=-1)
    bad2 = dict(GOOD_MODEL, id="b", family="decoder", extra_field=1)
    text = "models:\n"
    for m in (bad1, bad2):
        text += "- " + json.dumps(m) + "\n"
    p = write(tmp_path, "two.yaml", text)
    lines = problems(p)
    assert any(line.startswith(f"{p}:2: models[a].params_b:") for line in lines), lines
    assert any(line.startswith(f"{p}:3: models[b].family:") for line in lines), lines
    assert any("models[b].extra_field: unknown field" in line for line in lines), lines


def test_references_are_checked(tmp_path):
    m = dict(GOOD_MODEL, tasks=["sumarization"], license="no-such-license", objective="guessing")
    p = write(tmp_path, "refs.yaml", "models:\n- " + json.dumps(m) + "\n")
    text = "\n".join(problems(p))
    assert "task 'sumarization' is not in the catalog (did you mean 'summarization'?)" in text
    assert "license 'no-such-license'" in text
    assert "objective 'guessing'" in text


def test_duplicate_id_in_one_file_is_an_error(tmp_path):
    p = write(
        tmp_path, "dup.yaml", "models:\n- " + json.dumps(GOOD_MODEL) + "\n- " + json.dumps(GOOD_MODEL) + "\n"
    )
    lines = problems(p)
    assert any(":3: models[my-bert].id: duplicate id" in line for line in lines), lines


def test_duplicate_hub_id_under_two_ids_is_an_error(tmp_path):
    other = dict(GOOD_MODEL, id="my-bert-2")
    p = write(
        tmp_path, "dup.yaml", "models:\n- " + json.dumps(GOOD_MODEL) + "\n- " + json.dumps(other) + "\n"
    )
    assert any("also used by model" in line for line in problems(p))


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    prev = "a"
    for i in range(9):
        name = f"l{i}"
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
        prev = name
    p = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    assert any("alias bomb" in line for line in problems(p))


def test_binary_json_nan_and_directory(tmp_path):
    b = tmp_path / "bin.yaml"
    b.write_bytes(b"\x00\x01\x02")
    assert any("binary" in line for line in problems(b))
    j = write(tmp_path, "nan.json", '{"models": [{"params_b": NaN}]}')
    assert any("not valid JSON" in line for line in problems(j))
    missing = tmp_path / "nope.yaml"
    assert any("does not exist" in line for line in problems(missing))
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    assert any("no .yaml" in line for line in problems(empty_dir))


def test_bundled_dir_is_found():
    assert (bundled_dir() / "tasks.yaml").is_file()


def test_unknown_rule_in_weights_is_an_error(tmp_path):
    p = write(tmp_path, "w.yaml", "weights:\n  rules:\n    servng: 30\n")
    lines = problems(p)
    assert any(
        "weights.rules.servng: unknown rule 'servng' (did you mean 'serving_cost'?)" in line for line in lines
    ), lines


def test_cache_is_used_only_when_this_user_owns_it(tmp_path, monkeypatch):
    import os

    from whichmodel import catalog as catalog_module

    monkeypatch.setenv("WHICHMODEL_CACHE_DIR", str(tmp_path / "cache"))
    first = load_catalog(use_env=False)
    cached = list((tmp_path / "cache").glob("catalog-*.pickle"))
    assert len(cached) == 1 and not cached[0].stat().st_mode & 0o077
    assert load_catalog(use_env=False).models.keys() == first.models.keys()
    os.chmod(cached[0], 0o666)  # writable by others: never unpickled
    assert catalog_module._trusted(cached[0]) is False
    assert load_catalog(use_env=False).models.keys() == first.models.keys()

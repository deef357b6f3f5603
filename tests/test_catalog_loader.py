"""The loader: the bundled catalog validates; every malformed shape gives a clean, located error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract import CONTRACT_TASKS
from whichmodel.catalog import Catalog, CatalogError, bundled_dir, load_catalog
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


# -- the catalog cache (findings H1, H2, H3, D8, D12, D14 of the 0.1 reliability review) -------------------


def _cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalog-*.json"))


def _same(a, b) -> bool:
    sections = ("models", "tasks", "architectures", "accelerators", "serving", "licenses")
    dumps = [  # what `catalog show --json` prints: the fields each entry set, nested ones included
        [e.model_dump(mode="json", exclude_unset=True) for e in getattr(c, s).values()]
        for c in (a, b)
        for s in sections
    ]
    half = len(dumps) // 2
    if dumps[:half] != dumps[half:]:
        return False
    return all(getattr(a, s) == getattr(b, s) for s in sections) and (a.weights, a.origin, a.files) == (
        b.weights,
        b.origin,
        b.files,
    )


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("WHICHMODEL_CACHE_DIR", str(folder))
    return folder


def test_cache_round_trip_is_exact_and_data_only(cache, tmp_path):
    """H3: the cache is JSON (no pickle) and rebuilds exactly the catalog that was validated."""
    user = write(tmp_path, "mine.json", json.dumps({"models": [GOOD_MODEL]}))
    built = load_catalog([user], use_env=False, cache=False)
    first = load_catalog([user], use_env=False)
    [path] = _cache_files(cache)
    head = path.read_bytes().split(b"\n", 1)[0]
    assert json.loads(head)["format"] == "whichmodel-catalog-cache"
    assert not list(cache.glob("*.pickle"))
    again = load_catalog([user], use_env=False)
    assert _same(again, built) and _same(first, built)
    assert again.model("me/my-bert").id == "my-bert"  # the indexes are rebuilt too
    assert _same(load_catalog(use_env=False), load_catalog(use_env=False, cache=False))  # the bundled one


def _pickle_payload(marker: Path) -> bytes:
    import pickle

    class Payload:
        def __reduce__(self):
            return (Path.write_text, (marker, "ran"))

    return pickle.dumps(Payload())


def test_a_planted_cache_file_never_runs_and_is_rebuilt(cache, tmp_path):
    """H1/H3: a pickle planted at the cache's name (or the 0.1 name) is never executed; the cache is rebuilt."""
    load_catalog(use_env=False)
    [path] = _cache_files(cache)
    good = path.read_bytes()
    marker = tmp_path / "pwned"
    path.write_bytes(_pickle_payload(marker))
    (cache / "catalog-0123456789abcdef0123456789abcdef.pickle").write_bytes(_pickle_payload(marker))
    cat = load_catalog(use_env=False)
    assert not marker.exists()
    assert "bert-base-uncased" in cat.models
    assert path.read_bytes() == good, "the planted file was not replaced by a rebuilt cache"
    assert not list(cache.glob("*.pickle")), "0.1's pickles are removed, never read"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b.replace(b'"params_b":0.11', b'"params_b":999.0'),  # edited payload (checksum)
        lambda b: b"{}\n" + b.split(b"\n", 1)[1],  # no header
        lambda b: b"",  # empty
        lambda b: b"\xff\xfe" * 100,  # not text
    ],
    ids=["truncated", "edited", "no-header", "empty", "binary"],
)
def test_a_corrupt_or_edited_cache_is_treated_as_absent(cache, tmp_path, tamper):
    """H3: any cache that does not verify is ignored and rebuilt, never half-used."""
    user = write(tmp_path, "mine.json", json.dumps({"models": [GOOD_MODEL]}))
    load_catalog([user], use_env=False)
    [path] = _cache_files(cache)
    path.write_bytes(tamper(path.read_bytes()))
    cat = load_catalog([user], use_env=False)
    assert cat.model("my-bert").params_b == 0.11
    assert json.loads(path.read_bytes().split(b"\n", 1)[0])["key"] in path.name


def test_a_cache_symlink_is_not_followed(cache, tmp_path):
    """H1: a symlink at the cache's name (to a file this user owns, holding a valid cache) is refused."""
    user = write(tmp_path, "mine.json", json.dumps({"models": [GOOD_MODEL]}))
    load_catalog([user], use_env=False)
    [path] = _cache_files(cache)
    decoy = tmp_path / "decoy.json"
    decoy.write_bytes(path.read_bytes().replace(b'"params_b":0.11', b'"params_b":0.5'))
    path.unlink()
    path.symlink_to(decoy)
    from whichmodel import catalog_cache

    key = path.name[len("catalog-") : -len(".json")]
    assert catalog_cache.read(key, Catalog) is None  # O_NOFOLLOW
    assert load_catalog([user], use_env=False).model("my-bert").params_b == 0.11
    assert not path.is_symlink(), "the link was replaced by a real cache file"


def test_cache_is_used_only_in_a_private_folder(cache, tmp_path):
    """H1/H2: in a folder others can write (a shared /opt/whichmodel-cache), no cache is read or written."""
    cache.mkdir(mode=0o700)
    cache.chmod(0o1777)
    cat = load_catalog(use_env=False)
    assert "bert-base-uncased" in cat.models and not _cache_files(cache)
    cache.chmod(0o700)
    load_catalog(use_env=False)
    [path] = _cache_files(cache)
    from whichmodel import catalog_cache

    key = path.name[len("catalog-") : -len(".json")]
    assert catalog_cache.read(key, Catalog) is not None
    path.chmod(0o666)  # a cache file others can write: not trusted
    assert catalog_cache.read(key, Catalog) is None
    path.chmod(0o600)
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0:  # another user's file (only root can make one here)
        os.chown(path, 54321, -1)
        assert catalog_cache.read(key, Catalog) is None


def test_cache_checks_the_open_file_not_the_name(tmp_path):
    """H2: type, owner and mode are checked with fstat on the descriptor read (no stat-then-open race)."""
    import os

    from whichmodel import paths

    f = tmp_path / "f"
    f.write_bytes(b"x")
    f.chmod(0o666)
    with pytest.raises(paths.NotPrivate):
        paths.read_bounded(f, private=True)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(paths.NotRegularFile):  # opened non-blocking: no hang without a writer
        paths.read_bounded(fifo)
    link = tmp_path / "link"
    link.symlink_to(f)
    with pytest.raises(OSError):
        paths.read_bounded(link, nofollow=True)


def test_cache_key_is_the_bytes_parsed(cache, tmp_path, monkeypatch):
    """D8: every file is read once and the key comes from those bytes, so an edit cannot be cached under the
    old contents; switching contents back and forth always shows the file's current facts."""
    from whichmodel import paths as paths_module

    user = tmp_path / "o.yaml"
    reads: list[str] = []
    real = paths_module.read_bounded

    def counting(path, *a, **k):
        reads.append(str(path))
        return real(path, *a, **k)

    monkeypatch.setattr(paths_module, "read_bounded", counting)  # every document is read through paths
    for params in (0.1, 0.2, 0.1, 0.2):
        user.write_text(json.dumps({"models": [dict(GOOD_MODEL, params_b=params)]}))
        reads.clear()
        cat = load_catalog([user], use_env=False)
        assert cat.model("my-bert").params_b == params
        assert reads.count(str(user)) == 1


def test_a_failed_cache_write_leaves_no_temporary_file(cache, monkeypatch):
    """D14: on a full disk the temporary file is removed; stale ones from killed runs are swept."""
    import errno
    import os
    import time

    from whichmodel import catalog_cache

    cache.mkdir(mode=0o700)
    stale = cache / ".catalog-stale"
    stale.write_bytes(b"x" * 100)
    old = time.time() - 2 * catalog_cache.STALE_TEMP_S
    os.utime(stale, (old, old))

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(catalog_cache.os, "replace", full)
    assert "bert-base-uncased" in load_catalog(use_env=False).models
    assert sorted(p.name for p in cache.iterdir()) == []


def test_a_file_that_cannot_be_deleted_does_not_disable_the_cache(cache, monkeypatch):
    """D12: a planted cache file the user cannot remove (sticky shared folder) is left alone; caching goes on."""
    import os

    from whichmodel import catalog_cache

    cache.mkdir(mode=0o700)
    planted = cache / "catalog-00.json"
    planted.write_text("{}")
    real_unlink = os.unlink

    def unlink(path, *a, **k):
        if Path(path).name == planted.name:
            raise PermissionError(1, "Operation not permitted")
        return real_unlink(path, *a, **k)

    monkeypatch.setattr(catalog_cache.os, "unlink", unlink)
    load_catalog(use_env=False)
    assert len(_cache_files(cache)) == 2  # the planted one and the real cache

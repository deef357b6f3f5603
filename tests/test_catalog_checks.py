"""Knowledge checks: benchmarks, directions, labels and languages are catalog errors with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from whichmodel.catalog import CatalogError, load_catalog
from whichmodel.catalog_checks import ENFORCED, REQUIRED, missing_knowledge

ENTRY = """\
models:
- id: test-model
  hub_id: test/test-model
  family: {family}
  objective: {objective}
  params_b: 0.1
  context_tokens: 512
  license: apache-2.0
  languages: {languages}
  tasks: {tasks}
  variant: {variant}
  sources: [a test]
{extra}
"""


def _write(tmp_path: Path, **kw: str) -> Path:
    fields = {
        "family": "encoder-only",
        "objective": "masked-lm",
        "languages": "[en]",
        "tasks": "[text-classification]",
        "variant": "base",
        "extra": "",
    }
    fields.update(kw)
    path = tmp_path / "mine.yaml"
    path.write_text(ENTRY.format(**fields))
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(CatalogError) as err:
        load_catalog([path], use_env=False, cache=False)
    return [str(p) for p in err.value.problems]


def test_a_benchmark_its_tasks_do_not_name_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        extra="  benchmarks:\n  - {name: no-such-benchmark, score: 50, source: a paper, setting: test}",
    )
    problems = _problems(path)
    assert any("mine.yaml:" in p and "no-such-benchmark" in p and "benchmarks[0].name" in p for p in problems)


def test_a_score_outside_the_benchmark_scale_is_an_error(tmp_path: Path) -> None:
    cat = load_catalog(use_env=False, cache=False)
    tid = next(t.id for t in cat.tasks.values() if t.benchmarks)
    bench = cat.tasks[tid].benchmarks[0]
    too_high = bench.scale[1] + 1
    path = _write(
        tmp_path,
        tasks=f"[{tid}]",
        extra=f"  benchmarks:\n  - {{name: {bench.id}, score: {too_high}, source: a paper, setting: test}}",
    )
    problems = _problems(path)
    assert any("benchmarks[0].score" in p and "outside" in p for p in problems)


def test_a_language_the_catalog_does_not_know_is_found_but_allowed_in_a_user_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        family="encoder-decoder",
        objective="span-corruption",
        tasks="[translation]",
        languages="[en, qq]",
        extra="  directions: [en-qq]",
    )
    cat = load_catalog([path], use_env=False, cache=False)
    found = missing_knowledge(cat)
    assert any(k == "test-model" and "'qq'" in msg for k, _s, msg in found["known_languages"])
    assert any(k == "test-model" and sub == "directions[0]" for k, sub, _m in found["direction_languages"])


def test_directions_outside_translation_are_an_error(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, extra="  directions: [en-de]"))
    assert any("only translation checkpoints" in p and "mine.yaml:" in p for p in problems)


def test_fixed_labels_and_open_labels_together_are_an_error(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, variant="task", extra="  labels: [a, b]\n  open_labels: true"))
    assert any("open_labels" in p for p in problems)


def test_a_user_file_need_not_carry_the_required_knowledge(tmp_path: Path) -> None:
    # A user's fixed-label checkpoint without labels loads: the knowledge fields are required of the bundled catalog only.
    path = _write(tmp_path, variant="task", languages="[multi]")
    cat = load_catalog([path], use_env=False, cache=False)
    assert "test-model" in cat.models


def test_every_required_check_finds_a_real_gap_in_a_synthetic_entry(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        family="encoder-decoder",
        objective="span-corruption",
        tasks="[translation, text-classification]",
        variant="task",
        languages="[multi, qq]",
        extra="  directions: [qq-zz]",
    )
    cat = load_catalog([path], use_env=False, cache=False)
    found = missing_knowledge(cat)
    for name in REQUIRED:
        if name == "directions":  # this entry has directions; the next one lacks them
            continue
        assert any(key == "test-model" for key, _sub, _msg in found[name]), name
    bare = _write(
        tmp_path, family="encoder-decoder", objective="span-corruption", tasks="[translation]", variant="task"
    )
    found = missing_knowledge(load_catalog([bare], use_env=False, cache=False))
    assert any(key == "test-model" for key, _sub, _msg in found["directions"])


def test_the_bundled_catalog_satisfies_every_enforced_check() -> None:
    cat = load_catalog(use_env=False, cache=False)
    found = missing_knowledge(cat)
    for name in ENFORCED:
        assert found[name] == [], (name, found[name][:5])


def test_the_languages_section_gives_every_language_a_script() -> None:
    cat = load_catalog(use_env=False, cache=False)
    assert cat.languages["bn"].script == "Beng"
    assert cat.languages["en"].script == "Latn"
    assert "no" in cat.languages  # quoted: YAML 1.1 would read a bare no as false


def test_a_related_task_the_catalog_lacks_is_an_error(tmp_path: Path) -> None:
    import yaml

    cat = load_catalog(use_env=False, cache=False)
    task = cat.tasks["fill-mask"].model_dump(mode="json", exclude_defaults=True)
    task.update(id="my-task", aliases=[], pipeline_tag=None, related=["no-such-task"])
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"tasks": [task]}))
    problems = _problems(path)
    assert any("tasks[my-task].related" in p and "'no-such-task'" in p for p in problems)

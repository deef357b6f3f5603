"""List and vocabulary fields of a scope (tasks, languages, labels, source/target languages, prefer, licence):
one parser for flags, scope files and the Python API, so the three accept the same values and refuse the same
ones with the same message. An empty item, an item given twice, a language code the catalog does not know and
a translation direction that cannot exist are errors, never dropped silently."""

from __future__ import annotations

import json

import pytest

import whichmodel
from whichmodel.catalog import load_catalog
from whichmodel.errors import UsageError
from whichmodel.inputs import build_scope


@pytest.fixture(scope="module")
def cat():
    return load_catalog([])


# (scope fields, the message the error must hold): each one through flags, a scope file and the API.
BAD = [
    ({"tasks": ["text-classification"], "labels": ","}, "',' has an empty item"),
    ({"tasks": ["text-classification"], "labels": "a,,b"}, "'a,,b' has an empty item"),
    ({"tasks": ["ner"], "labels": ""}, "empty; give one or more labels"),
    ({"tasks": ["ner"], "labels": ["PER", "ORG", "per"]}, "'per' is given twice"),
    ({"tasks": ["ner", "ner"]}, "'ner' is given twice"),
    ({"tasks": ["ner", "token-classification"]}, "name the same task (token-classification)"),
    ({"tasks": ["chat"], "languages": ["xx"]}, "'xx' is not a language code the catalog knows"),
    ({"tasks": ["chat"], "languages": ["Japanese"]}, "closest: 'ja'"),
    ({"tasks": ["chat"], "languages": ["en", "EN"]}, "'EN' is given twice"),
    ({"tasks": ["chat"], "languages": ["multi", "multilingual"]}, "name the same language"),
    (
        {"tasks": ["translation"], "source_languages": ["xx"], "target_languages": ["en"]},
        "'xx' is not a language",
    ),
    (
        {"tasks": ["translation"], "source_languages": ["en"], "target_languages": ["zz"]},
        "'zz' is not a language",
    ),
    ({"tasks": ["translation"], "source_languages": ["en"], "target_languages": ["en"]}, "en into en"),
    ({"tasks": ["translation"], "source_languages": ["de"]}, "one side of the translation"),
    ({"tasks": ["translation"], "languages": ["en"]}, "needs two languages"),
    ({"tasks": ["summarization"], "target_languages": ["de"]}, "the task is not translation"),
    ({"tasks": ["chat"], "prefer": "fastest"}, "'fastest' is not one of quality, balanced, cost"),
    ({"tasks": ["chat"], "license": "free"}, "'free' is not one of any, open, commercial"),
]
FLAG = {
    "tasks": "--task",
    "languages": "--language",
    "labels": "--labels",
    "source_languages": "--source-language",
    "target_languages": "--target-language",
    "prefer": "--prefer",
    "license": "--license",
}
API = {"tasks": "task", "languages": "language"}


def _argv(fields: dict) -> list[str]:
    argv: list[str] = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            argv += [FLAG[key], item]
    return argv


@pytest.mark.parametrize(("fields", "message"), BAD, ids=[m for _, m in BAD])
def test_flags_scope_files_and_the_api_refuse_the_same_values(run, tmp_path, fields, message):
    code, out, err = run("advise", *_argv(fields), "--json")
    assert code == 2 and out == "", err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err

    path = tmp_path / "scope.json"
    path.write_text(json.dumps(fields))
    code, out, err = run("advise", "--scope", str(path), "--json")
    assert code == 2 and out == "" and message in err, err
    assert len(err.strip().splitlines()) == 1, err

    with pytest.raises(UsageError) as exc:
        whichmodel.advise(**{API.get(k, k): v for k, v in fields.items()})
    assert message in str(exc.value) and exc.value.code == 2


def test_a_comma_list_and_a_repeated_flag_are_the_same_list(run):
    code, out, _ = run(
        "advise", "--task", "ner", "--labels", "PER, ORG", "--labels", "LOC", "-l", "en,de", "--json"
    )
    assert code == 0
    scope = json.loads(out)["scope"]
    assert scope["labels"] == ["PER", "ORG", "LOC"] and scope["languages"] == ["en", "de"]
    code, out2, _ = run(
        "advise", "--task", "ner", "--labels", "PER,ORG,LOC", "-l", "en", "-l", "de", "--json"
    )
    assert code == 0 and json.loads(out2)["scope"] == scope


def test_several_tasks_in_one_flag(cat):
    scope = build_scope(cat, None, {"tasks": ["summarization,ner"]})
    assert scope.tasks == ["summarization", "token-classification"]


def test_every_catalog_language_is_accepted_and_nothing_else(cat):
    """Each code in catalog/languages.yaml is a language for every language field; a code two letters long
    that the catalog lacks is refused (the check reads the catalog, not a list in the code)."""
    for code in cat.languages:
        other = "en" if code != "en" else "de"
        scope = build_scope(
            cat, None, {"tasks": ["translation"], "source_languages": [code], "target_languages": [other]}
        )
        assert scope.directions == [f"{code}-{other}"] and code in scope.languages
    unknown = next(f"{a}{b}" for a in "zyxwq" for b in "zyxwq" if f"{a}{b}" not in cat.languages)
    with pytest.raises(UsageError, match="not a language code the catalog knows"):
        build_scope(cat, None, {"tasks": ["chat"], "languages": [unknown]})


def test_a_user_catalog_language_is_accepted(tmp_path, cat):
    """A language added by a --catalog file is known from then on."""
    from whichmodel import inputs

    extra = tmp_path / "lang.yaml"
    extra.write_text("languages:\n- {id: qu, name: Quechua, script: Latn, sources: [ISO 639-1]}\n")
    with pytest.raises(UsageError):
        build_scope(cat, None, {"tasks": ["chat"], "languages": ["qu"]})
    mine = inputs.load([extra])
    assert build_scope(mine, None, {"tasks": ["chat"], "languages": ["qu"]}).languages == ["qu"]


def test_translation_directions_from_source_and_target(cat):
    scope = build_scope(
        cat, None, {"tasks": ["translation"], "source_languages": ["en"], "target_languages": ["de,fr"]}
    )
    assert scope.directions == ["en-de", "en-fr"]
    both = build_scope(cat, None, {"tasks": ["translation"], "languages": ["en", "ja"]})
    assert both.directions == ["en-ja", "ja-en"]
    # a source that is also a target is skipped for that target only
    some = build_scope(
        cat, None, {"tasks": ["translation"], "source_languages": ["en", "de"], "target_languages": ["de"]}
    )
    assert some.directions == ["en-de"]


def test_compare_refuses_a_model_given_twice(run):
    code, out, err = run("compare", "t5-base", "bart-large-cnn", "T5-BASE", "--task", "summarization")
    assert code == 2 and out == ""
    assert "'T5-BASE' and 't5-base' name the same model (t5-base)" in err


def test_catalog_languages_lists_the_catalog(run, cat):
    code, out, _ = run("catalog", "languages", "--json")
    assert code == 0
    assert [lang["id"] for lang in json.loads(out)] == list(cat.languages)
    code, out, _ = run("catalog", "languages")
    assert code == 0
    english = next(line for line in out.splitlines() if line.startswith("en "))
    n_en = sum("en" in m.languages for m in cat.models.values())
    assert "English" in english and english.split()[-1] == str(n_en)

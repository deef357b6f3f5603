"""`whichmodel interview` driven with scripted input (WHICHMODEL_INTERVIEW_FORCE=1 lets stdin be a pipe)."""

from __future__ import annotations

import io
import json
import shlex
import sys
from pathlib import Path

import pytest
import yaml

from whichmodel import questions as qs
from whichmodel.catalog import load_catalog

FORCE = {"WHICHMODEL_INTERVIEW_FORCE": "1"}


@pytest.fixture(scope="module")
def cat():
    return load_catalog(use_env=False)


def script(cat, answers: dict[str, str | list[str]], extra: list[str] = (), catalog=None) -> str:
    """Input lines for the questions that apply, in order: the given answer (lines) or Enter for the default.

    Which questions apply is worked out from the answers as the interview reads them, so the script
    stays right when the catalog grows a question (the domain question appears once a model has domains).
    """
    ctx = qs.Context(catalog or cat)
    lines: list[str] = []
    for q in qs.QUESTIONS:
        if not q.applies(ctx):
            continue
        given = answers.get(q.id, "")
        given = [given] if isinstance(given, str) else list(given)
        lines.extend(given)
        ctx.answers[q.id] = _final(q, given, ctx)
    return "".join(line + "\n" for line in [*lines, *extra])


def _final(q: qs.Question, given: list[str], ctx: qs.Context):
    """The value the interview ends with: the last answer it can use, or a suggestion confirmed after it."""
    for text in reversed(given):
        try:
            return qs.answer(q, text, ctx)
        except qs.Invalid as exc:
            if exc.suggestion is not None:
                return qs.answer(q, exc.suggestion, ctx)
    raise AssertionError(f"no usable answer for {q.id} in {given}")


def interview(run, text: str, *args: str):
    return run("interview", *args, input=text, env=FORCE)


def interview_json(run, text: str, *args: str) -> tuple[dict, str]:
    code, out, err = interview(run, text, "--json", *args)
    assert code == 0, err
    return json.loads(out), err


# -- the whole flow -----------------------------------------------------------------------------------


def test_one_word_and_enter_gives_the_advise_recommendation(run, cat):
    doc, err = interview_json(run, script(cat, {"tasks": "summarization"}, ["n"]))
    assert doc["scope"]["tasks"] == ["summarization"]
    code, out, _ = run("advise", "--task", "summarization", "--json")
    assert code == 0
    direct = json.loads(out)
    # accepting every default gives exactly what `advise` gives with the same defaults
    for key in ("architecture", "recommendations", "rejected", "from_scratch"):
        assert doc[key] == direct[key], key
    assert doc["recommendations"], "no recommendation"
    # every question showed its default and why it matters; the prompts went to stderr only
    for prompt in ("task [text-classification]:", "languages [en]:", "labelled examples [0]:",
                   "longest input [512]:", "licence [any]:", "training budget (GPU-hours) [0]:"):  # fmt: skip
        assert prompt in err
    for q in qs.applicable(qs.Context(cat, {"tasks": ["summarization"], "gpu_hours": 0.0})):
        assert q.why in " ".join(err.split()), q.id
    assert "Your answers" in err and "Save these answers" in err


def test_task_list_is_numbered_with_descriptions_and_a_number_answers(run, cat):
    ids = list(cat.tasks)
    n = ids.index("translation") + 1
    doc, err = interview_json(run, script(cat, {"tasks": str(n)}, ["n"]))
    assert doc["scope"]["tasks"] == ["translation"]
    first = cat.tasks[ids[0]]
    assert f"1  {first.id}" in err and first.description[:30] in err
    assert f"{len(ids)}  {ids[-1]}" in err
    # translation asks for the source language (any: the directions left open, many languages assumed)
    assert "translate from [any]:" in err and doc["scope"]["languages"] == ["multi"]


def test_table_view_by_default_and_markdown(run, cat):
    code, out, err = interview(run, script(cat, {"tasks": "ner"}, ["n"]))
    assert code == 0, err
    assert "Recommendations" in out and "Architecture: " in out
    assert "What should the model do?" not in out  # questions never on stdout
    code, out, _ = interview(run, script(cat, {"tasks": "ner"}, ["n"]), "--format", "markdown")
    assert code == 0 and out.startswith("# whichmodel advice")


# -- validation: explained, asked again -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "bad", "good", "message", "value"),
    [
        ("examples", "5x", "5k", "'5x' is not a number", 5000),
        ("examples", "-3", "none", "negative", 0),
        ("examples", "2.5", "1.5M", "not a whole number", 1_500_000),
        ("domain_tokens", "lots", "200M", "'lots' is not a number", 200_000_000),
        ("input_tokens", "0", "4k", "greater than 0", 4000),
        ("input_tokens", "1e30", "32k", "too large", 32000),
        ("languages", "klingon", "en, fr", "not a language", ["en", "fr"]),
        ("languages", "", "german", None, None),
        ("license", "maybe", "comm", "not one of any, open or commercial", "commercial"),
        ("serve", "gpu", "cpu", "name the GPU", "cpu"),
        ("serve", "the moon", "phone", "not a place I know", "edge"),
        ("gpu_hours", "ten", "12.5", "'ten' is not a number", 12.5),
    ],
)
def test_bad_answers_are_explained_and_asked_again(run, cat, field, bad, good, message, value):
    if message is None:  # a language name is read as its code
        doc, _ = interview_json(run, script(cat, {"tasks": "chat", field: good}, ["n"]))
        assert doc["scope"][field] == ["de"]
        return
    base = {"tasks": "chat", "examples": "1k"}  # some labels, so in-domain text makes a full plan
    doc, err = interview_json(run, script(cat, {**base, field: [bad, good]}, ["n"]))
    assert message in err and "Try again." in err
    assert doc["scope"][field] == value


def test_unknown_task_number_and_nonsense_are_asked_again(run, cat):
    doc, err = interview_json(run, script(cat, {"tasks": ["99", "qwertyuiop", "qa"]}, ["n"]))
    assert f"there is no task number 99; pick 1 to {len(cat.tasks)}" in err
    assert "'qwertyuiop' is not a task I know" in err and "Did you mean" not in err
    assert doc["scope"]["tasks"] == ["question-answering"]


def test_translation_into_its_own_source_is_asked_again(run, cat):
    doc, err = interview_json(
        run,
        script(
            cat, {"tasks": "translation", "source_languages": "en", "target_languages": ["en", "de"]}, ["n"]
        ),
    )
    assert "translating en into en needs no model" in err
    assert doc["scope"]["languages"] == ["en", "de"] and doc["scope"]["directions"] == ["en-de"]


def test_several_tasks_and_aliases(run, cat):
    doc, _ = interview_json(run, script(cat, {"tasks": "ner, sentiment"}, ["n"]))
    assert doc["scope"]["tasks"] == ["token-classification", "text-classification"]


# -- near misses: "did you mean" ------------------------------------------------------------------------


def test_misspelled_task_is_offered_and_enter_accepts(run, cat):
    # the script answers the task "sumarization", then Enter accepts the suggestion
    doc, err = interview_json(run, script(cat, {"tasks": ["sumarization", ""]}, ["n"]))
    assert "'sumarization' is not a task I know. Did you mean 'summarization'? [Y/n]" in err
    assert doc["scope"]["tasks"] == ["summarization"]


def test_declined_suggestion_asks_the_task_again(run, cat):
    doc, err = interview_json(run, script(cat, {"tasks": ["sumarization", "n", "chat"]}, ["n"]))
    assert "Did you mean 'summarization'?" in err
    assert err.count("task [text-classification]:") == 2
    assert doc["scope"]["tasks"] == ["chat"]


def test_a_sentence_is_read_for_a_task_name(run, cat):
    doc, err = interview_json(run, script(cat, {"tasks": ["I want to summarize news articles", "y"]}, ["n"]))
    assert "Did you mean 'summarization'?" in err
    assert doc["scope"]["tasks"] == ["summarization"]


def test_misspelled_accelerator_is_offered(run, cat):
    doc, err = interview_json(
        run, script(cat, {"tasks": "chat", "gpu_hours": "50", "gpu": ["h10", "y"]}, ["n"])
    )
    assert "Did you mean 'h100-80gb'?" in err
    assert doc["scope"]["gpu"] == "h100-80gb"


def test_an_answer_that_is_neither_yes_nor_no_is_asked_again(run, cat):
    doc, err = interview_json(run, script(cat, {"tasks": ["sumarization", "perhaps", "yes"]}, ["n"]))
    assert "'perhaps' is neither yes nor no" in err
    assert doc["scope"]["tasks"] == ["summarization"]


# -- skipping -------------------------------------------------------------------------------------------


def test_no_budget_skips_the_training_gpu_questions(run, cat):
    doc, err = interview_json(run, script(cat, {"tasks": "chat", "gpu_hours": "0"}, ["n"]))
    assert "Which GPU will you train on?" not in err and "How many of them?" not in err
    assert "not asked (no training budget)" in err
    assumed = {a["field"] for a in doc["scope"]["assumed"]}
    assert {"gpu", "gpus"} <= assumed  # the engine's defaults, reported as assumed


def test_a_budget_asks_for_the_gpu_and_defaults_to_where_it_runs(run, cat):
    doc, err = interview_json(run, script(cat, {"tasks": "chat", "serve": "l4", "gpu_hours": "2k"}, ["n"]))
    assert "Which GPU will you train on?" in err and "training GPU [l4]:" in err
    assert "How many of them?" in err
    assert doc["scope"]["gpu"] == "l4" and doc["scope"]["gpu_hours"] == 2000
    assert not {"gpu", "gpus"} & {a["field"] for a in doc["scope"]["assumed"]}


def test_the_domain_question_appears_only_when_the_catalog_knows_domains(run, cat, tmp_path):
    _, err = interview_json(run, script(cat, {"tasks": "ner"}, ["n"]))
    asked = "Is the text from a specialised domain?" in err
    assert asked == any(m.domains for m in cat.models.values())
    _, out, _ = run("catalog", "list", "--json")
    entry = next(m for m in json.loads(out) if "token-classification" in m["tasks"])
    entry.update(id="bio-tagger", hub_id="example/bio-tagger", domains=["biomedical"])
    extra = tmp_path / "bio.yaml"
    extra.write_text(yaml.safe_dump({"models": [entry]}), encoding="utf-8")
    with_bio = load_catalog([extra], use_env=False)
    text = script(cat, {"tasks": "ner", "domain": ["biomedcal", "y"]}, ["n"], catalog=with_bio)
    doc, err = interview_json(run, text, "--catalog", str(extra))
    assert "Is the text from a specialised domain?" in err and "Did you mean 'biomedical'?" in err
    assert doc["scope"]["domain"] == "biomedical"


# -- saving ---------------------------------------------------------------------------------------------


def test_save_writes_a_scope_that_advise_replays_exactly(run, cat, tmp_path):
    target = tmp_path / "scope.yaml"
    answers = {"tasks": "chat", "languages": "en, de", "examples": "20k", "serve": "a10g", "license": "open",
               "gpu_hours": "40", "gpu": "A100", "gpus": "2"}  # fmt: skip
    doc, err = interview_json(run, script(cat, answers), "--save", str(target))
    assert "Save these answers" not in err  # --save saves without asking
    saved = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert saved["tasks"] == ["chat"] and saved["gpu"] == "a100-80gb" and saved["gpus"] == 2
    code, out, err2 = run("advise", "--scope", str(target), "--json")
    assert code == 0, err2
    assert json.loads(out) == doc
    # the advise command line the summary prints gives the same advice too
    line = next(x.strip() for x in err.splitlines() if x.strip().startswith("whichmodel advise "))
    code, out, _ = run(*shlex.split(line)[1:], "--json")
    assert code == 0 and json.loads(out) == doc


def test_defaults_only_session_replays_exactly(run, cat, tmp_path):
    target = tmp_path / "s.yaml"
    doc, _ = interview_json(run, script(cat, {"tasks": "summarization"}), "--save", str(target))
    code, out, _ = run("advise", "--scope", str(target), "--json")
    assert code == 0 and json.loads(out) == doc


@pytest.fixture()
def here(tmp_path, monkeypatch) -> Path:
    """An empty working folder of its own (the run fixture keeps its cache beside it, in tmp_path)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_offer_to_save_defaults_to_no(run, cat, here):
    _, err = interview_json(run, script(cat, {"tasks": "chat"}, [""]))
    assert "[y/N]" in err and not list(here.iterdir())


def test_offer_to_save_asks_for_a_path_and_explains_bad_ones(run, cat, here):
    (here / "taken.yaml").write_text("old\n", encoding="utf-8")
    (here / "folder").mkdir()
    extra = ["y", "folder", "missing/x.yaml", "taken.yaml", "", "taken.yaml", "y"]
    doc, err = interview_json(run, script(cat, {"tasks": "chat"}, extra))
    assert "'folder' is a folder" in err
    assert "the folder 'missing' does not exist" in err
    assert "'taken.yaml' exists; overwrite it? [y/N]" in err
    code, out, _ = run("advise", "--scope", str(here / "taken.yaml"), "--json")
    assert code == 0 and json.loads(out) == doc
    assert sorted(p.name for p in here.iterdir()) == ["folder", "taken.yaml"]  # no temp file left


def test_offer_to_save_uses_the_default_name(run, cat, here):
    _, err = interview_json(run, script(cat, {"tasks": "chat"}, ["y", ""]))
    assert (here / "whichmodel-scope.yaml").is_file()
    assert "Saved the answers to whichmodel-scope.yaml" in err


def test_save_to_a_missing_folder_fails_before_any_question(run, tmp_path):
    code, out, err = interview(run, "chat\n", "--save", str(tmp_path / "nope" / "s.yaml"))
    assert code == 2 and out == ""
    assert "--save: the folder" in err and "does not exist" in err
    assert "What should the model do?" not in err


# -- leaving: end of input, Ctrl-C, no terminal ---------------------------------------------------------


def test_end_of_input_mid_way_exits_130_and_writes_nothing(run, here):
    target = here / "s.yaml"
    code, out, err = interview(run, "summarization\n\n", "--json", "--save", str(target))
    assert code == 130 and out == ""
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: The input ended before the interview finished; nothing was saved. "
        "To script it, use `whichmodel advise` with flags or --scope FILE."
    ]
    assert not target.exists() and not list(here.iterdir())


def test_end_of_input_at_the_save_offer_exits_130_after_the_advice(run, cat, here):
    code, out, err = interview(run, script(cat, {"tasks": "chat"}), "--json")
    assert code == 130 and json.loads(out)["scope"]["tasks"] == ["chat"]
    assert "input ended at the offer to save" in err and not list(here.iterdir())


class _CtrlC(io.StringIO):
    """A stdin whose next read after the scripted lines is Ctrl-C."""

    def readline(self, *args) -> str:  # type: ignore[override]
        line = super().readline(*args)
        if line == "":
            raise KeyboardInterrupt
        return line


def test_ctrl_c_mid_way_exits_130_with_one_line(monkeypatch, capsys, tmp_path):
    from whichmodel.cli.main import main

    target = tmp_path / "s.yaml"
    monkeypatch.setenv("WHICHMODEL_INTERVIEW_FORCE", "1")
    monkeypatch.setattr(sys, "stdin", _CtrlC("summarization\nen\n"))
    with pytest.raises(SystemExit) as exc:
        main(["interview", "--save", str(target)])
    out, err = capsys.readouterr()
    assert exc.value.code == 130 and out == ""
    assert err.rstrip().splitlines()[-1] == "Interrupted."
    assert "Traceback" not in err and not target.exists() and not list(tmp_path.iterdir())


def test_without_a_terminal_it_exits_2_and_points_to_advise(run):
    code, out, err = run("interview", input="summarization\n")
    assert code == 2 and out == ""
    assert "needs a terminal" in err and "whichmodel advise" in err and "--scope" in err
    assert len(err.strip().splitlines()) == 1


def test_help_mentions_scripting(run):
    code, out, _ = run("interview", "--help")
    assert code == 0 and "--save" in out and "WHICHMODEL_INTERVIEW_FORCE" in out


# -- the questions as data ------------------------------------------------------------------------------


def test_every_question_has_a_reason_and_a_default_its_parser_accepts(cat):
    for tasks in ([t] for t in cat.tasks):
        ctx = qs.Context(cat, {"tasks": tasks, "gpu_hours": 10.0, "serve": "cpu"})
        for q in qs.QUESTIONS:
            assert q.why.endswith(".") and q.text.endswith("?") and q.label
            if q.applies(ctx):
                qs.answer(q, "", ctx)  # the default is always a valid answer


NUMBER_WORDS = [("5k", 5000), ("1,000", 1000), ("2B", 2_000_000_000), ("none", 0), ("3e3", 3000),
                ("10k examples", 10000), ("about 3000", 3000), ("~2 million", 2_000_000), ("3 thousand", 3000)]  # fmt: skip


@pytest.mark.parametrize(("text", "value"), NUMBER_WORDS)
def test_number_words(cat, text, value):
    q = next(q for q in qs.QUESTIONS if q.id == "examples")
    assert qs.answer(q, text, qs.Context(cat)) == value


def test_scope_file_text_is_plain_yaml_in_question_order():
    text = qs.dump_scope({"gpu_hours": 5.0, "tasks": ["chat"], "languages": ["no"], "domain": None})
    assert text.startswith("# A whichmodel scope")
    data = yaml.safe_load(text)
    assert list(data) == ["tasks", "languages", "gpu_hours"]
    assert data["languages"] == ["no"]  # Norwegian stays a string, not YAML's false


def test_write_atomic_leaves_no_temp_file_on_failure(tmp_path, monkeypatch):
    from whichmodel.cli import interview as iv

    target = tmp_path / "s.yaml"
    target.write_text("before\n", encoding="utf-8")

    def boom(*_a):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(iv.os, "replace", boom)
    with pytest.raises(OSError):
        iv.write_atomic(target, "after\n")
    assert target.read_text(encoding="utf-8") == "before\n"
    assert [p.name for p in tmp_path.iterdir()] == ["s.yaml"]


def test_paths_are_checked_before_writing(tmp_path):
    from whichmodel.cli.interview import save_problem

    assert save_problem(tmp_path) and "is a folder" in save_problem(tmp_path)
    assert "does not exist" in save_problem(tmp_path / "a" / "b.yaml")
    assert save_problem(tmp_path / "ok.yaml") is None
    assert save_problem(Path("relative.yaml")) is None


def test_done_takes_the_defaults_for_the_rest(run, cat):
    doc, err = interview_json(run, "summarization\nde\ndone\nn\n")
    assert "Taking the defaults for the remaining questions." in err
    assert "How long is the longest input" not in err  # not asked once `done` was typed
    scope = doc["scope"]
    assert scope["tasks"] == ["summarization"] and scope["languages"] == ["de"]
    assert scope["examples"] == 0 and scope["input_tokens"] == 512 and scope["license"] == "any"
    assert {"gpu", "gpus"} <= {a["field"] for a in scope["assumed"]}  # still skipped: no budget


def test_done_at_the_first_question_takes_every_default(run, cat):
    doc, _ = interview_json(run, "done\nn\n")
    assert doc["scope"]["tasks"] == [next(iter(cat.tasks))]


DOC = Path(__file__).resolve().parent.parent / "docs" / "interview.md"


def test_the_docs_list_every_question_and_why():
    text = DOC.read_text(encoding="utf-8")
    for q in qs.QUESTIONS:
        assert f"| {q.text} | {q.why} |" in text, q.id


def test_the_docs_scripting_example_runs(run):
    line = next(x for x in DOC.read_text(encoding="utf-8").splitlines() if x.startswith("printf "))
    answers = shlex.split(line.split("|")[0])[1].replace("\\n", "\n")
    code, out, err = run("interview", "--json", input=answers, env=FORCE)
    assert code == 0, err
    scope = json.loads(out)["scope"]
    assert scope["tasks"] == ["summarization"] and scope["languages"] == ["en", "de"]
    assert scope["examples"] == 0  # `done`: the default


def test_save_keeps_the_answers_even_when_the_advice_fails(run, cat, here, monkeypatch):
    from whichmodel.cli import interview as iv

    def broken(*_a):
        raise RuntimeError("engine down")

    monkeypatch.setattr(iv, "run_advice", broken)
    code, out, err = interview(run, script(cat, {"tasks": "chat", "examples": "2k"}), "--save", "s.yaml")
    assert code == 1 and out == "" and "engine down" in err and "Traceback" not in err
    assert yaml.safe_load((here / "s.yaml").read_text(encoding="utf-8"))["examples"] == 2000


# -- the questions as data: counts, checks as you type, completions, one source of defaults ----------


def test_plan_counts_the_questions_the_answers_lead_to(cat):
    ctx = qs.Context(cat)
    asked, most = qs.plan(ctx)
    assert most == len(qs.QUESTIONS)
    default_task = qs.answer(qs.QUESTIONS[0], "", ctx)
    base = {"tasks": default_task, "gpu_hours": 0}
    assert asked == len([q for q in qs.QUESTIONS if q.applies(qs.Context(cat, base))])
    ctx.answers.update(tasks=["summarization"], gpu_hours=20.0)
    # summarization predicts no labels (one question fewer); a budget brings in the training GPU and their number
    assert qs.plan(ctx)[0] == asked - 1 + 2


def test_check_as_you_type_names_the_fix(cat):
    ctx = qs.Context(cat)
    task = next(q for q in qs.QUESTIONS if q.id == "tasks")
    assert qs.check(task, "summarization", ctx) is None
    assert qs.check(task, "", ctx) is None and qs.check(task, "<", ctx) is None
    assert qs.check(task, "done", ctx) is None
    msg = qs.check(task, "sumarization", ctx)
    assert msg is not None and "Did you mean summarization?" in msg
    count = next(q for q in qs.QUESTIONS if q.id == "examples")
    assert "not a number" in (qs.check(count, "5x", ctx) or "")


def test_tab_completes_the_last_item_and_corrects_a_typo(cat):
    ctx = qs.Context(cat)
    task = next(q for q in qs.QUESTIONS if q.id == "tasks")
    langs = next(q for q in qs.QUESTIONS if q.id == "languages")
    assert "summarization" in [c.key for c in qs.complete(task, "summ", ctx)]
    assert "summarization" in [c.key for c in qs.complete(task, "ner, sumarization", ctx)]
    assert [c.key for c in qs.complete(langs, "en, germ", ctx)] == ["de"]
    assert "fr" in [c.key for c in qs.complete(langs, "frenhc", ctx)]


@pytest.mark.parametrize("task", ["summarization", "code-generation", "translation", "chat"])
def test_the_interview_and_advise_assume_the_same_languages(cat, run, task):
    ctx = qs.Context(cat, {"tasks": [task]})
    langs = next(q for q in qs.QUESTIONS if q.id == "languages")
    interview_default = qs.answer(langs, "", ctx)
    code, out, _ = run("advise", "--task", task, "--json")
    assert code == 0
    assert json.loads(out)["scope"]["languages"] == interview_default


def test_every_terminal_question_offers_what_its_parser_accepts(cat):
    ctx = qs.Context(cat, {"tasks": ["summarization"], "gpu_hours": 10.0})
    for q in qs.QUESTIONS:
        if q.kind == "select":
            assert q.options is not None
            for option in q.options(ctx):
                qs.answer(q, option.key, ctx)  # every entry of the list is a valid answer
            assert qs.as_text(qs.answer(q, "", ctx)) in [
                o.key for o in q.options(ctx)
            ]  # the default is listed


# -- labels, translation directions, preference ---------------------------------------------------------------


def _same_advice(doc: dict, direct: dict) -> None:
    for key in ("architecture", "recommendations", "rejected"):
        assert doc[key] == direct[key], key


@pytest.mark.parametrize(
    ("answers", "flags"),
    [
        (
            {"tasks": "ner", "labels": "drug, dosage", "prefer": "quality"},
            ["--task", "ner", "--labels", "drug,dosage", "--prefer", "quality"],
        ),
        (
            {"tasks": "text-classification", "labels": "spam,ham", "prefer": "cost"},
            ["--task", "text-classification", "--labels", "spam,ham", "--prefer", "cost"],
        ),
        (
            {"tasks": "translation", "source_languages": "english", "target_languages": "ja"},
            ["--task", "translation", "--source-language", "en", "--target-language", "ja"],
        ),
        ({"tasks": "translation"}, ["--task", "translation"]),  # directions left open, as advise assumes
        (
            {"tasks": "chat", "daily_tokens": "20M", "prefer": "cost", "serve": "l4"},
            ["--task", "chat", "--daily-tokens", "20M", "--prefer", "cost", "--serve", "l4"],
        ),
    ],
    ids=["ner-labels", "classes-cost", "en-ja", "translation-open", "chat-daily-tokens"],
)
def test_the_interview_reaches_the_advice_of_the_same_flags(run, cat, answers, flags):
    doc, _ = interview_json(run, script(cat, answers, ["n"]))
    code, out, err = run("advise", *flags, "--json")
    assert code == 0, err
    direct = json.loads(out)
    _same_advice(doc, direct)
    for key in ("labels", "prefer", "directions", "languages", "daily_tokens"):
        assert doc["scope"][key] == direct["scope"][key], key


def test_questions_are_asked_only_where_they_matter(cat):
    def asked(tasks: list[str], **answers) -> set[str]:
        ctx = qs.Context(cat, {"tasks": tasks, **answers})
        return {q.id for q in qs.applicable(ctx)}

    assert "labels" in asked(["ner"]) and "labels" in asked(["sentiment"])
    assert "labels" not in asked(["summarization"]) and "labels" not in asked(["chat"])
    assert {"source_languages", "target_languages"} & asked(["chat"]) == set()
    assert "languages" not in asked(["translation"]) and "source_languages" in asked(["translation"])
    assert "target_languages" not in asked(["translation"])  # the source left open: no target asked
    assert "target_languages" in asked(["translation"], source_languages=["en"])
    assert "prefer" in asked(["chat"]) and "prefer" in asked(["ner"])


def test_bad_labels_and_languages_are_refused_as_advise_refuses_them(run, cat):
    text = script(
        cat,
        {"tasks": "translation", "source_languages": ["xx", "en"], "target_languages": ["", "en", "ja"]},
        ["n"],
    )
    doc, err = interview_json(run, text)
    err = " ".join(err.split())  # the prompts wrap long lines
    assert "'xx' is not a language code the catalog knows" in err
    assert "name the language to translate into" in err.lower()  # Enter: a source needs a target
    assert "translating en into en needs no model" in err
    assert doc["scope"]["directions"] == ["en-ja"]
    doc, err = interview_json(
        run, script(cat, {"tasks": "ner", "labels": ["PER,,ORG", "PER,per", "PER,ORG"]}, ["n"])
    )
    err = " ".join(err.split())
    assert "has an empty item" in err and "'per' is given twice" in err
    assert doc["scope"]["labels"] == ["PER", "ORG"]


def test_saved_answers_replay_through_advise_scope(run, cat, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    answers = {"tasks": "ner", "labels": "drug,dosage", "prefer": "quality"}
    doc, _ = interview_json(run, script(cat, answers, ["y", "scope.yaml"]))
    saved = yaml.safe_load((tmp_path / "scope.yaml").read_text())
    assert saved["labels"] == ["drug", "dosage"] and saved["prefer"] == "quality"
    code, out, _ = run("advise", "--scope", "scope.yaml", "--json")
    assert code == 0
    _same_advice(doc, json.loads(out))


def test_daily_tokens_unknown_by_default_and_a_count_otherwise(run, cat):
    q = next(q for q in qs.QUESTIONS if q.id == "daily_tokens")
    ctx = qs.Context(cat, {"tasks": ["chat"]})
    assert q.applies(ctx) and qs.answer(q, "", ctx) is None  # as advise without --daily-tokens
    assert qs.answer(q, "about 2 million", ctx) == 2_000_000 and qs.answer(q, "0", ctx) == 0
    assert qs.as_text(None, q) == "unknown" and qs.answer(q, qs.as_text(None, q), ctx) is None
    with pytest.raises(qs.Invalid, match="not a number"):
        qs.answer(q, "lots", ctx)
    doc, err = interview_json(
        run, script(cat, {"tasks": "chat", "daily_tokens": ["-5", "lots", "5M"]}, ["n"])
    )
    assert "is negative" in err and "'lots' is not a number" in err
    assert doc["scope"]["daily_tokens"] == 5_000_000
    doc, _ = interview_json(run, script(cat, {"tasks": "chat"}, ["n"]))
    assert doc["scope"]["daily_tokens"] is None


def test_enter_on_a_question_with_no_default_is_refused_as_you_type(cat, capsys):
    """The terminal prompt (prompt_toolkit, driven through a pipe): Enter on "translate into" with nothing
    typed says what it needs and waits; it is not taken as an empty answer (it used to end in an internal
    error). Going back to it later, Enter keeps the answer given before."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from whichmodel.cli import interview as iv

    into = next(q for q in qs.QUESTIONS if q.id == "target_languages")
    ctx = qs.Context(cat, {"tasks": ["translation"], "source_languages": ["en"]})
    assert qs.check(into, "", ctx) == "Name the language to translate into (fr, ja, ...)."
    assert qs.check(into, "", ctx, default="ja") is None
    prompter = iv.Prompter.__new__(iv.Prompter)
    prompter.term = iv.Terminal()
    with create_pipe_input() as pipe:
        prompter.io = {"input": pipe, "output": DummyOutput()}
        pipe.send_text("\r" + "ja\r")
        assert prompter._text(into, ctx, False) == ["ja"]
        err = capsys.readouterr().err
        assert "An answer is needed (no default)" in err and "done: defaults" not in err
        pipe.send_text("done\r" + "\x15" + "fr\r")  # done refused as you type; Ctrl-U clears it
        assert prompter._text(into, ctx, False) == ["fr"]
        assert qs.check(into, "done", ctx) == qs.errors_sentence(qs.NO_DEFAULT_DONE)
        ctx.answers["target_languages"] = ["ja"]
        pipe.send_text("\r")
        assert prompter._text(into, ctx, False) == ["ja"]  # Enter: the answer given before


def test_done_at_a_question_with_no_default_says_to_answer_it_first(run, cat):
    # task, translate from, translate into (done refused, then de), done for the rest, do not save
    doc, err = interview_json(run, "translation\nen\ndone\nde\ndone\nn\n")
    err = " ".join(err.split())
    assert "this question has no default: answer it first, then done takes the defaults" in err.lower()
    assert err.count("Taking the defaults for the remaining questions") == 1  # the second done only
    assert doc["scope"]["directions"] == ["en-de"]

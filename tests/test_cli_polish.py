"""Polish: --version, shell completion, --json on every data command, and tables that read well at 80 columns."""

from __future__ import annotations

import json
import re

import pytest

NARROW = {"COLUMNS": "80"}
# Commands that print data but need no --json: `schema` always prints JSON.
ALWAYS_JSON = {"whichmodel schema"}


def _leaves():
    from whichmodel.cli.app import build_command

    def walk(cmd, ctx):
        if hasattr(cmd, "list_commands"):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    yield from walk(sub, sub.make_context(name, [], parent=ctx, resilient_parsing=True))
        else:
            yield ctx.command_path, cmd, ctx

    root = build_command()
    yield from walk(root, root.make_context("whichmodel", [], resilient_parsing=True))


def test_version(run):
    from whichmodel import __version__

    code, out, err = run("--version")
    assert code == 0 and out == f"whichmodel {__version__}\n" and err == ""


def test_shell_completion_is_available(run):
    code, out, _ = run("--show-completion", "bash")
    assert code == 0 and "complete" in out and "whichmodel" in out


def test_every_command_that_prints_data_has_json():
    leaves = list(_leaves())
    assert len(leaves) >= 12
    missing = []
    for path, cmd, ctx in leaves:
        opts = {o for p in cmd.get_params(ctx) for o in getattr(p, "opts", [])}
        if path not in ALWAYS_JSON and "--json" not in opts:
            missing.append(path)
    assert not missing, f"no --json: {missing}"


def test_catalog_validate_json(run, tmp_path):
    code, out, err = run("catalog", "validate", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["ok"] is True and doc["problems"] == [] and err == ""
    assert doc["counts"]["models"] > 100 and "catalog/tasks.yaml" in doc["files"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n- {id: x, hub_id: nope}\n")
    code, out, err = run("catalog", "validate", str(bad), "--json")
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False and doc["counts"] is None
    assert {p["field"] for p in doc["problems"]} >= {"models[x].hub_id", "models[x].family"}
    assert all(p["file"] == str(bad) and p["line"] == 2 for p in doc["problems"])
    assert err.startswith("Error: Found") and err.count("\n") == 1


def _lines_fit(out: str, width: int = 80) -> None:
    long = [line for line in out.splitlines() if len(line.rstrip()) > width]
    assert not long, long[:3]


def test_catalog_list_at_80_columns_keeps_every_id_whole(run):
    code, out, _ = run("catalog", "list", env=NARROW)
    assert code == 0
    _lines_fit(out)
    _, js, _ = run("catalog", "list", "--json")
    ids = [m["id"] for m in json.loads(js)]
    words = set(out.split())
    assert [i for i in ids if i not in words] == []


def test_catalog_list_is_one_line_per_model_when_wide(run):
    code, out, _ = run("catalog", "list", "--family", "encoder-decoder", env={"COLUMNS": "200"})
    _, js, _ = run("catalog", "list", "--family", "encoder-decoder", "--json")
    ids = [m["id"] for m in json.loads(js)]
    first_words = [line.split()[0] for line in out.splitlines() if line.split()]
    assert code == 0 and all(i in first_words for i in ids)
    assert "license" in out and "tasks" in out


@pytest.mark.parametrize(
    ("args", "key"),
    [(("tasks",), "id"), (("catalog", "accelerators"), "id"), (("architectures",), None)],
)
def test_tables_at_80_columns_keep_ids_whole(run, args, key):
    code, out, _ = run(*args, env=NARROW)
    assert code == 0
    _lines_fit(out)
    if key:
        _, js, _ = run(*args, "--json")
        words = {w.strip(",:") for w in out.split()}
        assert [d[key] for d in json.loads(js) if d[key] not in words] == []


def test_tasks_table_shows_every_alias(run):
    _, out, _ = run("tasks", env=NARROW)
    _, js, _ = run("tasks", "--json")
    words = {w.strip(",") for w in out.split()}
    aliases = [a for t in json.loads(js) for a in t["aliases"]]
    assert aliases and [a for a in aliases if a not in words] == []


# -- shell completion of values ----------------------------------------------------------------------


def _complete(words: str, tmp_path) -> list[str]:
    """What bash completion offers for the last word of ``words`` (the real completion protocol)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("whichmodel")
    argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "whichmodel"]
    parts = words.split(" ")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHICHMODEL_")}
    env.update(
        _WHICHMODEL_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(len(parts) - 1),
        WHICHMODEL_CACHE_DIR=str(tmp_path / "cache"),
    )
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected", "absent"),
    [
        ("whichmodel advise --task summ", {"summarization"}, {"translation"}),
        ("whichmodel advise --task ne", {"ner"}, {"summarization"}),
        ("whichmodel advise --gpu h1", {"h100-80gb", "h100-pcie"}, {"a100-80gb", "cpu"}),
        ("whichmodel advise --gpu au", {"auto"}, set()),
        ("whichmodel advise --serve ", {"cpu", "edge", "rtx-4090", "auto"}, set()),
        ("whichmodel compare --serve e", {"edge"}, {"cpu"}),
        ("whichmodel advise --license c", {"commercial"}, {"open", "any"}),
        ("whichmodel advise --format m", {"markdown"}, {"json"}),
        ("whichmodel advise --language fr", {"fr"}, set()),
        ("whichmodel estimate --strategy q", {"qlora"}, {"lora"}),
        ("whichmodel estimate --dtype int", {"int8", "int4"}, {"bf16"}),
        ("whichmodel estimate --gpu rtx", {"rtx-4090", "rtx-3090"}, set()),
        ("whichmodel catalog list --family enc", {"encoder-only", "encoder-decoder"}, {"decoder-only"}),
        ("whichmodel catalog show bart-large", {"bart-large-cnn"}, set()),
        ("whichmodel catalog show facebook/bart", {"facebook/bart-large-cnn"}, set()),
        ("whichmodel compare bert-base-unc", {"bert-base-uncased"}, set()),
        ("whichmodel hub discover --task summ", {"summarization"}, set()),
    ],
)
def test_option_values_complete(words, expected, absent, tmp_path):
    offered = set(_complete(words, tmp_path))
    assert expected <= offered, offered
    assert not (absent & offered)


def test_completions_are_single_shell_words(tmp_path):
    from whichmodel.cli import complete

    offered = [v for v, _ in complete.serve("")] + [v for v, _ in complete.models("")]
    assert offered and not [v for v in offered if any(c.isspace() for c in v)]


def test_completion_is_fast_and_never_imports_the_hub(tmp_path):
    import time

    _complete("whichmodel advise --task s", tmp_path)  # fills the catalog cache
    started = time.monotonic()
    assert _complete("whichmodel catalog show distil", tmp_path)
    assert time.monotonic() - started < 5
    import subprocess
    import sys

    code = (
        "import sys; from whichmodel.cli import complete; complete.models('bert'); complete.tasks('s');"
        "print('huggingface_hub' in sys.modules, 'questionary' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.split() == ["False", "False"]


# -- narrow and wide terminals: ids are never split ------------------------------------------------

WIDTHS = ("60", "80", "120", "200")
ADVISE_CASES = (
    ("--task", "summarization", "--gpu-hours", "50", "--examples", "5k"),
    ("--task", "ner", "--examples", "20k", "--gpu-hours", "10"),
    ("--task", "chat", "--serve", "rtx-4090", "--gpu-hours", "200", "--examples", "50k"),
    ("--task", "code-generation", "--serve", "cpu"),
)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", ADVISE_CASES, ids=lambda c: c[1])
def test_advise_table_keeps_ids_whole(run, width, case):
    code, out, _ = run("advise", *case, "--json")
    ids = [r["model"] for r in json.loads(out)["recommendations"]]
    assert ids
    code, out, err = run("advise", *case, env={"COLUMNS": width})
    assert code == 0, err
    table = out[out.index("Recommendations") : out.index("\n\n", out.index("Recommendations"))]
    _lines_fit(table, int(width))
    for rank, mid in enumerate(ids, 1):
        assert re.search(rf"(?m)^{rank}\s+{re.escape(mid)}(\s|$)", table), (mid, table)
    header = table.splitlines()[1]
    assert "model" in header and "score" in header  # the id and the score always stay
    if int(width) >= 120:
        assert all(h in header for h in ("strategy", "GPU-h", "GB", "$", "fit"))
        assert "not shown at this width" not in " ".join(out.split())
    elif not all(h in header for h in ("strategy", "GPU-h", "GB", "$", "fit")):
        assert "not shown at this width" in " ".join(out.split())  # what was left out is said


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_never_splits_an_id(run, width):
    ids = ["bart-large-cnn", "falconsai-text-summarization", "distilbart-cnn-12-6"]
    code, out, err = run("compare", *ids, "--task", "summarization", env={"COLUMNS": width})
    assert code == 0, err
    _lines_fit(out, int(width))
    for mid in ids:  # every model is shown, under its whole id
        assert re.search(rf"(?m)^\s+.*\b{re.escape(mid)}(\s|$)", out), (mid, out)


@pytest.mark.parametrize("width", WIDTHS)
def test_catalog_list_never_splits_an_id(run, width):
    code, out, _ = run("catalog", "list", "--task", "summarization", "--json")
    ids = (
        [m["id"] for m in json.loads(out)["models"]]
        if isinstance(json.loads(out), dict)
        else [m["id"] for m in json.loads(out)]
    )
    code, out, err = run("catalog", "list", "--task", "summarization", env={"COLUMNS": width})
    assert code == 0, err
    _lines_fit(out, int(width))
    firsts = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert set(ids) <= firsts


# -- the Hub politely ----------------------------------------------------------------------------------


@pytest.fixture()
def hub(monkeypatch, tmp_path):
    import fakehub

    h = fakehub.start(monkeypatch, tmp_path)
    yield h
    h.stop()


def test_timeout_flag_beats_the_environment(run, hub):
    import time

    hub.add("x/slow")
    hub.faults["*"] = "sleep"
    hub.sleep_s = 5
    started = time.monotonic()
    code, out, err = run(
        "hub", "info", "x/slow", "--live", "--timeout", "0.5", env={"WHICHMODEL_HUB_TIMEOUT": "4"}
    )
    assert time.monotonic() - started < 3
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        f"Error: The Hugging Face Hub at {hub.url} did not answer within 0.5 s. "
        "Try again later, or raise WHICHMODEL_HUB_TIMEOUT."
    ]
    code, _, err = run("hub", "refresh", "x/slow", "--timeout", "0")
    assert code == 2 and "--timeout" in err


def test_a_dropping_hub_ends_a_refresh_at_the_first_failure_with_one_line(run, hub):
    import time

    ids = [f"org/m{i}" for i in range(20)]
    for h in ids:
        hub.add(h)
    hub.faults["*"] = "drop"
    started = time.monotonic()
    code, _out, err = run("hub", "refresh", *ids)
    assert time.monotonic() - started < 5
    lines = [x for x in err.strip().splitlines() if not x.startswith("Fetching")]
    assert code == 1 and lines == [
        f"Error: Cannot reach the Hugging Face Hub at {hub.url}. Check the network or HF_ENDPOINT; the other "
        "commands keep working from the snapshot and catalog; no snapshot was written."
    ]
    assert len(hub.requests) < 20  # it stopped asking


def test_many_failures_of_one_kind_are_one_warning(run, hub):
    hub.add("org/ok")
    missing = [f"org/gone{i}" for i in range(12)]
    code, _out, err = run("hub", "refresh", "org/ok", *missing)
    assert code == 0, err
    warnings = [x for x in err.splitlines() if x.startswith("Warning")]
    assert len(warnings) == 1, err
    assert "12 models (org/gone0" in warnings[0] and "and 4 more" in warnings[0]
    assert "was not found on the Hub" in warnings[0]


def test_a_spinner_shows_while_the_hub_is_asked_on_a_terminal(hub, tmp_path):
    """Under a pseudo-terminal: the spinner's text is drawn on stderr, then cleared."""
    import os
    import pty
    import select
    import sys
    import time
    from pathlib import Path

    hub.add("org/slow", pipeline_tag="token-classification")
    hub.faults["list"] = "sleep"
    hub.sleep_s = 1.5
    exe = Path(sys.executable).with_name("whichmodel")
    argv = [str(exe), "hub", "discover", "--task", "ner"]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execv(argv[0], argv)
    seen = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    os.waitpid(pid, 0)
    text = seen.decode("utf-8", "replace")
    assert "Searching the Hub for token-classification models" in text
    assert "Traceback" not in text


def test_no_spinner_when_stderr_is_not_a_terminal(run, hub):
    hub.add("org/a", pipeline_tag="token-classification")
    code, _out, err = run("hub", "discover", "--task", "ner")
    assert code == 0 and "Searching the Hub" not in err


# -- help that teaches ------------------------------------------------------------------------------


def test_every_command_shows_real_examples(run):
    from whichmodel.cli.helpdoc import EXAMPLES

    paths = [path for path, _, _ in _leaves()] + ["whichmodel", "whichmodel catalog", "whichmodel hub"]
    for path in paths:
        assert EXAMPLES.get(path), f"{path} has no example"
        code, out, _ = run(*path.split()[1:], "--help", env={"COLUMNS": "80"})
        assert code == 0 and "Examples:" in out, path
        for command, _what in EXAMPLES[path]:
            assert f"$ {command}\n" in out, (path, command)  # whole, never wrapped


def test_examples_are_commands_the_app_accepts(run, tmp_path):
    """Each example parses; those that need no Hub, terminal or file of yours run and exit 0."""
    import shlex

    from whichmodel.cli.app import build_command
    from whichmodel.cli.helpdoc import EXAMPLES

    needs_more = ("interview", "hub", ">", "validate my-models")
    for examples in EXAMPLES.values():
        for command, _ in examples:
            argv = shlex.split(command)[1:]
            if not any(word in command for word in needs_more):
                code, _, err = run(*argv)
                assert code == 0, (command, err)
            else:  # parse only: every option and argument exists
                root = build_command(argv)
                ctx = root.make_context(
                    "whichmodel", [a for a in argv if a != ">"][:1], resilient_parsing=True
                )
                sub = root
                words = [a for a in argv if not a.startswith("-")]
                while hasattr(sub, "get_command") and words:
                    nxt = sub.get_command(ctx, words.pop(0))
                    assert nxt is not None, command
                    sub = nxt
                opts = {o for p in sub.params for o in getattr(p, "opts", [])}
                for word in argv:
                    if word.startswith("-"):
                        assert word in opts, (command, word)


@pytest.mark.parametrize("width", ["60", "100"])
def test_help_never_cuts_a_summary(run, width):
    for args in ((), ("catalog",), ("hub",)):
        code, out, _ = run(*args, "--help", env={"COLUMNS": width})
        assert code == 0 and "..." not in out.split("Commands:")[1].split("Examples:")[0]


def test_options_are_grouped_and_argument_names_readable(run):
    code, out, _ = run("advise", "--help")
    assert code == 0
    for panel in ("Your application:", "Budget and hardware:", "Files:", "Output:", "Hub:"):
        assert f"\n{panel}\n" in out
    assert out.index("Your application:") < out.index("Budget and hardware:") < out.index("Output:")
    code, out, _ = run("compare", "--help")
    assert code == 0
    assert "Usage: whichmodel compare [OPTIONS] MODEL..." in out and "<list[str]>" not in out
    assert "{MODEL}" not in out


def test_advise_never_loads_the_interview_prompt_or_detection(tmp_path):
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from whichmodel.cli.main import main\n"
        "try:\n"
        "    main(['advise', '--task', 'ner', '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('questionary', 'prompt_toolkit', 'whichmodel.hardware') if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "WHICHMODEL_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.stderr.strip().splitlines()[-1] == "[]"

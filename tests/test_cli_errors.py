"""The error table (cli/errors.py): one row per exception kind, subclasses first, each row's outcome.

Like the hf CLI's tests/test_cli_errors.py: the formatters are tested one by one, and the CLI tests check
that commands let domain errors through to the table unchanged.
"""

from __future__ import annotations

import typer

from whichmodel.catalog import UnknownName
from whichmodel.cli import errors
from whichmodel.errors import CatalogError, RuntimeProblem, UsageError
from whichmodel.hub.settings import HubError


def test_every_row_comes_before_its_bases():
    kinds = [kind for kind, _ in errors.error_map()]
    for i, kind in enumerate(kinds):
        for later in kinds[i + 1 :]:
            assert not issubclass(later, kind) or later is kind, (later, kind)
    assert kinds[-1] is Exception  # the catch-all is last


def test_a_whichmodel_error_keeps_its_code_message_and_details():
    err = CatalogError("The catalog has 2 problems", "Fix them", details=["a.yaml:1: x", "a.yaml:2: y"])
    out = errors.outcome(err)
    assert (out.code, out.error, out.internal) == (1, err, False)
    assert errors.outcome(UsageError("bad")).code == 2
    assert errors.outcome(RuntimeProblem("failed")).code == 1


def test_an_unknown_name_names_the_closest_and_the_listing_of_its_kind():
    out = errors.outcome(UnknownName("task", "nerr", ["ner"]))
    assert out.code == 2 and out.error is not None
    assert str(out.error) == "Unknown task 'nerr'; closest: 'ner'. Run `whichmodel tasks` to see them all."
    acc = errors.outcome(UnknownName("accelerator", "h200x", []))
    assert acc.error is not None and "whichmodel catalog accelerators" in acc.error.hint


def test_a_hub_setting_is_a_usage_error_and_a_hub_failure_a_runtime_one():
    setting = errors.outcome(HubError("setting", "WHICHMODEL_HUB_TIMEOUT: 'x' is not a number", "Use 10"))
    assert setting.code == 2 and setting.error is not None and setting.error.hint == "Use 10"
    down = errors.outcome(HubError("connect", "Cannot reach the Hub", "Check the network"))
    assert down.code == 1
    both = errors.hub_error(HubError("offline", "Offline", "Unset HF_HUB_OFFLINE"), "drop --live")
    assert both.hint == "Unset HF_HUB_OFFLINE; drop --live"


def test_interrupts_and_a_closed_pipe():
    for exc in (errors.Interrupted(), typer.Abort()):
        out = errors.outcome(exc)
        assert (out.code, out.stderr, out.error) == (130, "Interrupted.\n", None)
    pipe = errors.outcome(BrokenPipeError())
    assert (pipe.code, pipe.error, pipe.stderr) == (0, None, "")


def test_a_framework_error_is_a_usage_error_naming_the_help():
    out = errors.outcome(typer.BadParameter("'x' is not a valid integer."))
    assert out.code == 2 and out.error is not None
    assert out.error.hint == "Run `whichmodel --help` for the options"


def test_anything_else_is_an_internal_error():
    out = errors.outcome(ZeroDivisionError("division by zero"))
    assert out.internal and out.code == 1 and out.error is not None
    assert "ZeroDivisionError" in out.error.message and "WHICHMODEL_DEBUG=1" in out.error.hint


def test_commands_let_domain_errors_through(run):
    code, out, err = run("hub", "discover", "--task", "nerr")
    assert code == 2 and out == ""
    assert err.startswith("Error: Unknown task 'nerr'; closest: 'token-classification'")
    assert err.count("\n") == 1 and err.rstrip().endswith("Run `whichmodel tasks` to see them all.")
    code, out, err = run("hub", "info", "no-such-model-xyz")
    assert code == 2 and err.startswith("Error: Unknown model 'no-such-model-xyz'")
    assert "whichmodel catalog list" in err


def test_a_bad_hub_setting_is_reported_by_the_table(run):
    code, out, err = run(
        "hub", "info", "gpt2", "--live", env={"HF_HUB_OFFLINE": "0", "WHICHMODEL_HUB_TIMEOUT": "x"}
    )
    assert code == 2 and out == "" and err.count("Error:") == 1 and "WHICHMODEL_HUB_TIMEOUT" in err


def test_only_public_typer_names_are_used():
    """Typer 0.29 vendors Click as the private ``typer._click``; whichmodel catches its errors by the public
    ``typer.TyperException`` / ``typer.Abort`` instead, so a Typer refactor of ``_click`` cannot break it."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = [
        str(p.relative_to(root))
        for folder in ("src", "scripts")
        for p in (root / folder).rglob("*.py")
        if "typer._click" in p.read_text(encoding="utf-8") or "from typer._" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []

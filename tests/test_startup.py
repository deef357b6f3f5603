"""The start-up shortcuts keep the CLI's behaviour: the lazily built run command (cli/app.py) parses as Typer does;
the pydantic modules on the `advise` path keep their cheap class definitions."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from whichmodel.cli import app as cli_app

ARGVS = [
    ["advise", "--task", "summarization", "--gpu-hours", "50", "--json"],
    ["advise", "--task", "ner", "--labels", "PER", "--labels", "ORG", "--top", "3", "--explain"],
    ["advise", "--language", "en", "--language", "de", "--examples", "20k"],
    ["estimate", "t5-base", "--strategy", "lora", "--examples", "1000", "--gpus", "2"],
    ["hub", "info", "t5-base"],
    ["hub", "discover", "--task", "summarization", "--limit", "7"],
]


def _params(cmd: Any, argv: list[str]) -> list[dict[str, Any]]:
    """The parsed parameters of each command on the path ``argv`` takes, coerced by the command's own code."""
    out = []
    ctx = cmd.make_context("whichmodel", list(argv), resilient_parsing=False)
    out.append(dict(ctx.params))
    while hasattr(cmd, "commands") and (rest := [*getattr(ctx, "_protected_args", []), *ctx.args]):
        name, cmd, rest = cmd.resolve_command(ctx, rest)
        ctx = cmd.make_context(name, rest, parent=ctx)
        out.append(dict(ctx.params))
    return out


@pytest.mark.parametrize("argv", ARGVS, ids=lambda a: " ".join(a[:2]))
def test_the_run_command_parses_as_typer_does(argv: list[str]) -> None:
    """The command a run builds (only the invoked command's module loaded, help examples taught) parses every
    value as the plain Typer app of all the commands does."""
    plain = typer.main.get_command(cli_app.make_app())
    assert _params(cli_app.build_command(argv), argv) == _params(plain, argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["hub", "discover", "--task", "summarization", "--limit", "5000"],
        ["advise", "--task", "summarization", "--json", "--explain=maybe"],
        ["estimate", "t5-base", "--strategy", "lora", "--bogus"],
    ],
    ids=lambda a: " ".join(a[:2] + a[-1:]),
)
def test_bad_values_are_refused_as_typer_refuses_them(argv: list[str]) -> None:
    messages = []
    for cmd in (typer.main.get_command(cli_app.make_app()), cli_app.build_command(argv)):
        with pytest.raises(typer.TyperException) as info:
            _params(cmd, argv)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_the_cli_uses_no_private_typer_parameter_state() -> None:
    """Issue 17: public Typer/Click API only. 0.1 swapped each parameter's private lazy ``_runtime_param``
    coercion for a deferred one (about 2 ms of start-up once the what-ifs got cheap); Typer's own coercion
    runs now."""
    from pathlib import Path

    import whichmodel.cli

    private = ("_runtime_param", "get_runtime_param", "type_descriptor", "_custom_shell_complete")
    offenders = [
        f"{p.name}: {name}"
        for p in Path(whichmodel.cli.__file__).parent.glob("*.py")
        for name in private
        if name in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


@pytest.mark.parametrize("module", ["whichmodel.catalog_schema", "whichmodel.scope", "whichmodel.advice"])
def test_pydantic_modules_on_the_advise_path_have_evaluated_annotations(module: str) -> None:
    """With ``from __future__ import annotations`` pydantic compiles and evaluates every field's annotation
    string when the classes are made (~6 ms of `advise`'s start-up for these three modules)."""
    import importlib

    from pydantic import BaseModel

    mod = importlib.import_module(module)
    assert (
        "annotations" not in vars(mod) or vars(mod)["annotations"] is not __import__("__future__").annotations
    )
    models = [v for v in vars(mod).values() if isinstance(v, type) and issubclass(v, BaseModel)]
    own = [m for m in models if m.__module__ == module]
    assert own and all(not isinstance(a, str) for m in own for a in m.__annotations__.values()), (
        "string annotations: pydantic evaluates them at import"
    )


def _doc_classes() -> list[type]:
    from whichmodel import advice

    return [
        v
        for v in vars(advice).values()
        if isinstance(v, type) and issubclass(v, advice.Doc) and v is not advice.Doc
    ]


@pytest.mark.parametrize("cls", _doc_classes(), ids=lambda c: c.__name__)
def test_doc_model_construct_is_pydantics(cls: type) -> None:
    """advice.Doc.model_construct (both of its paths) makes the instance pydantic's model_construct makes."""
    from pydantic import BaseModel

    fields = cls.model_fields  # type: ignore[attr-defined]
    every = {name: f"value-{i}" for i, name in enumerate(fields)}
    required = {name: every[name] for name, info in fields.items() if info.is_required()}
    cases = [
        every,
        dict(reversed(every.items())),
        required,
        {**required, "not_a_field": 1},
        {**every, "x": 2},
    ]
    for values in cases:
        ours = cls.model_construct(**values)  # type: ignore[attr-defined]
        theirs = BaseModel.model_construct.__func__(cls, **values)  # type: ignore[attr-defined]
        assert list(vars(ours).items()) == list(vars(theirs).items())
        assert ours.model_fields_set == theirs.model_fields_set
        assert ours.__pydantic_extra__ == theirs.__pydantic_extra__
    chosen = cls.model_construct({"a"}, **every)  # type: ignore[attr-defined]
    assert chosen.model_fields_set == BaseModel.model_construct.__func__(cls, {"a"}, **every).model_fields_set


@pytest.mark.parametrize(("argv0", "expected"), [("/usr/bin/whichmodel", 200_000), ("python", None)])
def test_the_command_runs_the_garbage_collector_less_often(argv0: str, expected: int | None) -> None:
    """Run as the `whichmodel` command, the cyclic collector's first threshold is raised (whichmodel/__init__.py);
    imported as a library, Python's own thresholds are kept."""
    import subprocess
    import sys

    code = f"import gc, sys; default = gc.get_threshold(); sys.argv = [{argv0!r}]; import whichmodel; print(gc.get_threshold()[0], default[0])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    got, default = int(out[0]), int(out[1])
    assert got == (expected if expected is not None else default)


def test_the_advise_command_has_evaluated_annotations() -> None:
    """Typer evaluates string annotations of a command's parameters when it builds the command."""
    from whichmodel.cli import advise

    assert all(not isinstance(a, str) for a in advise.advise.__annotations__.values())

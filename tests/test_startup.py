"""The start-up shortcuts keep the CLI's behaviour: deferred option coercion (cli/app.py)."""

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
def test_deferred_coercion_parses_as_typer_does(argv: list[str]) -> None:
    names = [argv[0]]
    plain = typer.main.get_command(cli_app.make_app(names))
    deferred = cli_app.defer_coercion(typer.main.get_command(cli_app.make_app(names)))
    assert _params(deferred, argv) == _params(plain, argv)


def test_absent_options_build_no_coercion() -> None:
    cmd = cli_app.build_command(ARGVS[0])
    _params(cmd, ARGVS[0])
    advise = cmd.commands["advise"]
    states = {p.name: type(p._runtime_param).__name__ for p in advise.params}
    assert states["language"] == states["labels"] == "_Unset"  # never given: no TypeAdapter built
    assert states["task"] != "_Unset" and states["gpu_hours"] != "_Unset"  # given: Typer's own coercion


def test_bad_value_is_refused_as_before() -> None:
    argv = ["hub", "discover", "--task", "summarization", "--limit", "5000"]
    plain = typer.main.get_command(cli_app.make_app(["hub"]))
    deferred = cli_app.build_command(argv)
    messages = []
    for cmd in (plain, deferred):
        with pytest.raises(typer.TyperException) as info:
            _params(cmd, argv)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


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

"""The Typer application: one module per command group, registered here."""

from __future__ import annotations

from typing import Annotated

import typer

from whichmodel import __version__

# Command name -> (module in whichmodel.cli, "command" | "group"). Modules load lazily: a run imports only the
# module of the command it runs (help and completion load them all), which keeps start-up fast.
COMMANDS: dict[str, tuple[str, str]] = {
    "advise": ("advise", "command"),
    "interview": ("interview", "command"),
    "compare": ("compare", "command"),
    "estimate": ("estimate", "command"),
    "catalog": ("catalog", "group"),
    "hub": ("hub", "group"),
    "tasks": ("tasks", "command"),
    "architectures": ("architectures", "command"),
    "schema": ("schema", "command"),
    "rules": ("rules", "command"),
    "recipe": ("recipe", "command"),
}


def _version(value: bool) -> None:
    if value:
        print(f"whichmodel {__version__}")
        raise typer.Exit(0)


def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Which transformer should I use, and how should I adapt it within my budget?"""


def make_app(names: list[str] | None = None) -> typer.Typer:
    """The Typer application with the given commands (default: all of them)."""
    import importlib

    app = typer.Typer(
        name="whichmodel",
        help="Which transformer should I use, and how should I adapt it within my budget?",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name in names or list(COMMANDS):
        module_name, kind = COMMANDS[name]
        module = importlib.import_module(f"whichmodel.cli.{module_name}")
        if kind == "group":
            app.add_typer(module.app, name=name)
        else:
            module.register(app)
    return app


def build_command(argv: list[str] | None = None):  # -> click.Command
    """The click command for a run: only the invoked command's module is loaded when it is known. Built with
    Typer's public API only (issue 17): Typer coerces every parameter of the command that runs, given or not."""
    from whichmodel.cli.helpdoc import teach

    first = next((a for a in argv or [] if not a.startswith("-")), None)
    names = [first] if first in COMMANDS else None
    return teach(typer.main.get_command(make_app(names)))


def __getattr__(name: str):
    if name == "app":
        return make_app()
    raise AttributeError(name)

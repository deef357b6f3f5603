"""The Typer application: one module per command group, registered here."""

from __future__ import annotations

from typing import Annotated

import typer

from whichmodel import __version__

app = typer.Typer(
    name="whichmodel",
    help="Which transformer should I use, and how should I adapt it within my budget?",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"whichmodel {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Which transformer should I use, and how should I adapt it within my budget?"""


def _register() -> None:
    from whichmodel.cli import (
        advise,
        architectures,
        catalog,
        compare,
        estimate,
        hub,
        interview,
        schema,
        tasks,
    )

    advise.register(app)
    compare.register(app)
    interview.register(app)
    app.add_typer(catalog.app, name="catalog")
    app.add_typer(hub.app, name="hub")
    tasks.register(app)
    architectures.register(app)
    schema.register(app)
    estimate.register(app)


_register()


def build_command():  # -> click.Command
    return typer.main.get_command(app)

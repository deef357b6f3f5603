"""`whichmodel tasks`: the tasks the advisor knows, their aliases, and which family suits each."""

from __future__ import annotations

import typer

from whichmodel.cli import output
from whichmodel.cli.common import CatalogOpt, JsonOpt, load

_ICON = {"good": "✔ good", "possible": "~ possible", "poor": "✘ poor"}


def register(app: typer.Typer) -> None:
    app.command("tasks")(tasks)


def tasks(json_: JsonOpt = False, catalog: CatalogOpt = None) -> None:
    """List the tasks (Hugging Face pipeline tags plus our own), their aliases and the family fit."""
    cat = load(catalog)
    if json_:
        output.emit_json([t.model_dump(mode="json") for t in cat.tasks.values()])
        return
    from rich.table import Table

    table = Table(title="Tasks", title_justify="left")
    table.add_column("task", style="bold", overflow="fold")
    table.add_column("what", overflow="fold")
    table.add_column("best family", overflow="fold")
    table.add_column("aliases", overflow="fold")
    for t in cat.tasks.values():
        best = [f for f, fit in t.families.items() if fit.fit == "good"]
        table.add_row(t.id, t.description, ", ".join(best), ", ".join(t.aliases[:6]))
    output.console().print(table)

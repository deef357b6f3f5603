"""`whichmodel tasks`: the tasks the advisor knows, their aliases, and which family suits each."""

from __future__ import annotations

import typer

from whichmodel.cli import output
from whichmodel.cli.common import CatalogOpt, JsonOpt, load


def register(app: typer.Typer) -> None:
    app.command("tasks")(tasks)


def tasks(json_: JsonOpt = False, catalog: CatalogOpt = None) -> None:
    """List the tasks (Hugging Face pipeline tags plus our own), their aliases and the family fit."""
    cat = load(catalog)
    if json_:
        output.emit_json([t.model_dump(mode="json") for t in cat.tasks.values()])
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Tasks", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("task", style="bold", no_wrap=True)
    table.add_column("best family", no_wrap=True)
    table.add_column("what it does", overflow="fold", ratio=1)
    for t in cat.tasks.values():
        best = [f for f, fit in t.families.items() if fit.fit == "good"]
        what = Text(t.description)
        if t.aliases:
            what.append("\naliases: " + ", ".join(t.aliases), style="dim")
        table.add_row(t.id, "\n".join(best), what)
    con = output.console()
    con.print(table)
    con.print(Text("Any alias works wherever a task is asked for (--task ner).", style="dim"))

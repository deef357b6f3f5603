"""`whichmodel architectures`: the three families, their pre-training objectives, and why each suits its tasks."""

from __future__ import annotations

import typer

from whichmodel.cli import output
from whichmodel.cli.common import CatalogOpt, JsonOpt, load


def register(app: typer.Typer) -> None:
    app.command("architectures")(architectures)


def architectures(json_: JsonOpt = False, catalog: CatalogOpt = None) -> None:
    """Explain the three transformer families: objectives, attention, strengths, limits, example models."""
    cat = load(catalog)
    if json_:
        output.emit_json([a.model_dump(mode="json") for a in cat.architectures.values()])
        return
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    def grid() -> Table:
        g = Table.grid(padding=(0, 1))
        g.add_column(style="bold", no_wrap=True)
        g.add_column(overflow="fold")
        return g

    con = output.console()
    for a in cat.architectures.values():
        facts = grid()
        facts.add_row("Attention", a.attention)
        objectives = Table.grid(padding=(0, 1))
        objectives.add_column(no_wrap=True)
        objectives.add_column(overflow="fold")
        for o in a.objectives:
            objectives.add_row("•", Text.assemble((o.name, "bold"), f" ({o.id}): {o.description}"))
        facts.add_row("Objectives", objectives)
        facts.add_row(Text("Good at", style="bold green"), "; ".join(a.good_at))
        facts.add_row(Text("Weak at", style="bold red"), "; ".join(a.bad_at))
        facts.add_row("Typical tasks", ", ".join(a.typical_tasks))
        facts.add_row("Example models", ", ".join(a.example_models))
        body = Group(Text(a.summary), Text(), facts)
        con.print(Panel(body, title=Text(a.name, style="bold"), title_align="left"))
        why = grid()
        for tid in a.typical_tasks[:3]:
            t = cat.tasks.get(tid)
            if t and a.id in t.families:
                why.add_row(f"  Why {tid}:", t.families[a.id].reason)
        if why.row_count:
            con.print(why)
        con.print()

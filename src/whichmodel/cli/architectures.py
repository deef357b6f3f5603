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
    from rich.panel import Panel
    from rich.text import Text

    con = output.console()
    for a in cat.architectures.values():
        body = Text()
        body.append(a.summary + "\n\n")
        body.append("Attention: ", style="bold")
        body.append(a.attention + "\n")
        body.append("Pre-training objectives:\n", style="bold")
        for o in a.objectives:
            body.append(f"  • {o.name}", style="bold")
            body.append(f": {o.description}\n")
        body.append("Good at: ", style="bold green")
        body.append("; ".join(a.good_at) + "\n")
        body.append("Weak at: ", style="bold red")
        body.append("; ".join(a.bad_at) + "\n")
        tasks = []
        for tid in a.typical_tasks:
            t = cat.tasks.get(tid)
            fit = t.families.get(a.id) if t else None
            tasks.append(tid if fit is None else f"{tid}")
        body.append("Typical tasks: ", style="bold")
        body.append(", ".join(tasks) + "\n")
        body.append("Example models: ", style="bold")
        body.append(", ".join(a.example_models))
        con.print(Panel(body, title=Text(a.name, style="bold"), title_align="left"))
        for tid in a.typical_tasks[:3]:
            t = cat.tasks.get(tid)
            if t and a.id in t.families:
                con.print(Text.assemble(("  Why " + tid + ":", "dim"), " " + t.families[a.id].reason))
        con.print()

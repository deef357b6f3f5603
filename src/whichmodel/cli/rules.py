"""`whichmodel rules [ID]`: every rule the engine applies, from the rule registry (whichmodel.rule_specs)."""

from __future__ import annotations

from typing import Annotated

import typer

from whichmodel.cli import errors, output
from whichmodel.cli.common import CatalogOpt, JsonOpt, load


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)


def rules(
    rule_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="One rule's id.", show_default=False)
    ] = None,
    json_: JsonOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """List the rules: constraints that veto and preferences that score (id, kind, reads, weight, source)."""
    from whichmodel.rule_specs import SPEC_BY_ID, SPECS

    cat = load(catalog)
    weights = cat.weights.rules if cat.weights else {}
    specs = list(SPECS)
    if rule_id is not None:
        key = rule_id.strip().lower()
        if key not in SPEC_BY_ID:
            from difflib import get_close_matches

            close = get_close_matches(key, list(SPEC_BY_ID), n=3)
            hint = f"Did you mean {', '.join(close)}?" if close else "Run `whichmodel rules` to list them"
            raise errors.usage(f"unknown rule {rule_id!r}", hint)
        specs = [SPEC_BY_ID[key]]
    docs = [s.to_json(weights.get(s.id) if s.kind == "preference" else None) for s in specs]
    if json_:
        output.emit_json(docs[0] if rule_id is not None else docs)
        return
    from rich.text import Text

    con = output.console()
    for d in docs:
        where = f"{d['kind']}, {d['component']}" if d["component"] else f"{d['kind']}, {d['stage']} level"
        weight = f", weight {d['weight']:g}" if d["weight"] is not None else ""
        con.print(Text.assemble((str(d["id"]), "bold"), f"  ({where}{weight})"))
        con.print(Text(f"  {d['doc']}"))
        con.print(Text(f"  reads: {', '.join(d['reads'])}", style="dim"))  # type: ignore[arg-type]
        if d["thresholds"]:
            th = ", ".join(f"{k}={v}" for k, v in dict(d["thresholds"]).items())  # type: ignore[call-overload]
            con.print(Text(f"  thresholds: {th}", style="dim"))
        con.print(Text(f"  source: {d['source']}", style="dim"))

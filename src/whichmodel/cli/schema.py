"""`whichmodel schema`: the JSON Schema of the `advise --json` document, generated from its pydantic model."""

from __future__ import annotations

import typer

from whichmodel.cli import output


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)


def schema() -> None:
    """Print the JSON Schema of the `advise --json` document."""
    from whichmodel.advice import json_schema

    output.emit_json(json_schema())

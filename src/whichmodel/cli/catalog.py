"""`whichmodel catalog ...`: browse and validate the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from whichmodel.catalog import CatalogError, load_catalog
from whichmodel.cli import errors, output
from whichmodel.cli.common import CatalogOpt, JsonOpt, load, resolve_model, resolve_task

app = typer.Typer(help="Browse and validate the model catalog.", no_args_is_help=True)


def entry_json(model) -> dict:
    """A model entry exactly as the catalog holds it (fields that were written), for round trips."""
    return model.model_dump(mode="json", exclude_unset=True)


@app.command("list")
def list_models(
    family: Annotated[
        str | None, typer.Option(help="Only this family: encoder-only, decoder-only, encoder-decoder.")
    ] = None,
    task: Annotated[str | None, typer.Option(help="Only models for this task (id or alias).")] = None,
    json_: JsonOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """List the catalog's models."""
    cat = load(catalog)
    models = list(cat.models.values())
    if family is not None:
        fam = family.strip().lower()
        if fam not in cat.architectures:
            raise errors.usage(
                f"Unknown family {family!r}", "Use encoder-only, decoder-only or encoder-decoder"
            )
        models = [m for m in models if m.family == fam]
    if task is not None:
        tid = resolve_task(cat, task).id
        models = [m for m in models if tid in m.tasks]
    if json_:
        output.emit_json([entry_json(m) for m in models])
        return
    from rich.table import Table

    table = Table(title=f"{len(models)} models", title_justify="left")
    for col in ("id", "family", "params", "variant", "context", "license", "tasks"):
        table.add_column(col, overflow="fold", justify="right" if col in ("params", "context") else "left")
    for m in models:
        table.add_row(
            m.id,
            m.family,
            output.fmt_params(m.params_b),
            m.variant,
            f"{m.context_tokens:,}" if m.context_tokens else "?",
            m.license,
            ", ".join(m.tasks),
        )
    output.console().print(table)


@app.command("show")
def show(
    model: Annotated[str, typer.Argument(help="Catalog id or Hugging Face hub id (case-insensitive).")],
    json_: JsonOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """Show one model entry with its sources."""
    cat = load(catalog)
    m = resolve_model(cat, model)
    lic = cat.licenses.get(m.license)
    hub = _hub_block(m.hub_id)
    if json_:
        output.emit_json({**entry_json(m), "hub": hub})
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    data = m.model_dump(mode="json", exclude_defaults=True)
    for key, value in data.items():
        if key in ("sources", "quality"):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if key == "license" and lic is not None:
            value = f"{value} ({lic.license_class}{', commercial use' if lic.commercial_use else ', no commercial use'})"
        table.add_row(key, str(value))
    for q in m.quality:
        table.add_row("quality", f"{q.benchmark}: {q.score} ({q.source})")
    for s in m.sources:
        table.add_row("source", s)
    table.add_row("hub", _hub_text(hub))
    con = output.console()
    con.print(Text.assemble((m.id, "bold"), f"  {m.hub_id}"))
    con.print(table)


def _hub_block(hub_id: str) -> dict | None:
    """The snapshot's {downloads, likes, gated, license, last_modified, fetched_at}, or None."""
    from whichmodel.hub_snapshot import read_snapshot

    warnings: list[str] = []
    snap = read_snapshot(None, warnings)
    for w in warnings:
        output.note(f"Warning: {w}")
    rec = snap.get(hub_id) if snap is not None else None
    return rec.advice_json() if rec is not None else None


def _hub_text(hub: dict | None) -> str:
    if hub is None:
        return "no Hub data (run `whichmodel hub refresh`)"
    parts = [
        f"{hub['downloads']:,} downloads" if hub["downloads"] is not None else "downloads ?",
        f"{hub['likes']:,} likes" if hub["likes"] is not None else "likes ?",
    ]
    if hub["gated"]:
        parts.append(f"gated ({hub['gated']})")
    if hub["license"]:
        parts.append(f"license {hub['license']}")
    parts.append(f"fetched {hub['fetched_at'] or '?'}")
    return ", ".join(parts)


@app.command("validate")
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Catalog files or folders to check (default: bundled + user).")
    ] = None,
) -> None:
    """Check catalog files: every problem on its own line as file:line: field: message."""
    try:
        cat = load_catalog([str(p) for p in paths or []], use_env=not paths)
    except CatalogError as exc:
        for p in exc.problems:
            print(str(p))
        n = len(exc.problems)
        raise errors.runtime(
            f"Found {n} problem{'s' if n != 1 else ''} in the catalog", "Fix the lines above"
        ) from None
    output.note(
        f"OK: {len(cat.models)} models, {len(cat.tasks)} tasks, {len(cat.architectures)} architectures, "
        f"{len(cat.accelerators)} accelerators, {len(cat.licenses)} licenses in {len(cat.files)} files."
    )


@app.command("accelerators")
def accelerators(json_: JsonOpt = False, catalog: CatalogOpt = None) -> None:
    """List the accelerators (training and serving) and the cpu/edge serving profiles."""
    cat = load(catalog)
    accs = list(cat.accelerators.values())
    if json_:
        output.emit_json([a.model_dump(mode="json") for a in accs])
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Accelerators", title_justify="left")
    for col in ("id", "name", "memory", "bf16 TFLOP/s", "GB/s", "$/hour", "aliases"):
        table.add_column(col, overflow="fold")
    for a in accs:
        table.add_row(
            a.id,
            a.name,
            f"{a.memory_gb:g} GB",
            output.fmt_num(a.bf16_tflops) + ("" if a.bf16_supported else " (fp16)"),
            output.fmt_num(a.bandwidth_gbps),
            output.fmt_usd(a.usd_per_hour) if a.usd_per_hour is not None else "?",
            ", ".join(a.aliases),
        )
    con = output.console()
    con.print(table)
    for s in cat.serving.values():
        con.print(Text.assemble((s.id, "bold"), f": {s.description}"))

"""`whichmodel catalog ...`: browse and validate the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from whichmodel.catalog import CatalogError, load_catalog
from whichmodel.cli import complete, errors, output
from whichmodel.cli.common import CatalogOpt, JsonOpt, load, path_value, resolve_model, resolve_task
from whichmodel.vocab import FAMILY_SHORT

app = typer.Typer(help="Browse and validate the model catalog.", no_args_is_help=True)


def entry_json(model) -> dict:
    """A model entry exactly as the catalog holds it (fields that were written), for round trips."""
    return model.model_dump(mode="json", exclude_unset=True)


@app.command("list")
def list_models(
    family: Annotated[
        str | None,
        typer.Option(
            metavar="FAMILY",
            help="Only this family: encoder-only, decoder-only, encoder-decoder.",
            autocompletion=complete.families,
        ),
    ] = None,
    task: Annotated[
        str | None,
        typer.Option(
            metavar="TASK", help="Only models for this task (id or alias).", autocompletion=complete.tasks
        ),
    ] = None,
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
    _render_list(models)


def _render_list(models: list) -> None:
    """One row per model; the id never wraps. Wide terminals get one line per model, narrow ones put the
    licence and tasks on a dim second line under the id."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    con = output.console()
    id_width = max((len(m.id) for m in models), default=2)
    lic_width = max((len(m.license) for m in models), default=7)
    # id, family, params, variant, context, licence, then at least 30 columns of tasks, 2 between columns
    wide = con.width >= id_width + 15 + 6 + 8 + 9 + lic_width + 30 + 2 * 6
    table = Table(
        title=f"{len(models)} models",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("id" if wide else "id / licence · tasks", min_width=min(id_width, 40), overflow="fold")
    table.add_column("family", no_wrap=True)
    table.add_column("params", justify="right", no_wrap=True)
    table.add_column("variant", no_wrap=True)
    table.add_column("context", justify="right", no_wrap=True)
    if wide:
        table.add_column("license", no_wrap=True)
        table.add_column("tasks", overflow="fold", ratio=1)
    for m in models:
        cells = [
            m.family if wide else FAMILY_SHORT.get(m.family, m.family),
            output.fmt_params(m.params_b),
            m.variant,
            f"{m.context_tokens:,}" if m.context_tokens else "?",
        ]
        if wide:
            table.add_row(m.id, *cells, m.license, ", ".join(m.tasks))
        else:
            first = Text.assemble((m.id, "bold"), ("\n" + f"{m.license} · {', '.join(m.tasks)}", "dim"))
            table.add_row(first, *cells)
    con.print(table)
    if not wide:
        con.print(Text("family: enc encoder-only, dec decoder-only, enc-dec encoder-decoder", style="dim"))


@app.command("show")
def show(
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL",
            help="Catalog id or Hugging Face hub id (case-insensitive).",
            autocompletion=complete.models,
        ),
    ],
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
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Catalog files or folders to check (default: bundled + user).",
            parser=path_value("catalog validate PATH"),
        ),
    ] = None,
    json_: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print {ok, problems: [{file, line, field, message}], counts, files} on stdout (exit 1 when not ok).",
        ),
    ] = False,
) -> None:
    """Check catalog files: every problem on its own line as file:line: field: message."""
    try:
        cat = load_catalog([str(p) for p in paths or []], use_env=not paths)
    except CatalogError as exc:
        n = len(exc.problems)
        if json_:
            output.emit_json(
                {
                    "ok": False,
                    "problems": [
                        {"file": p.file, "line": p.line, "field": p.field, "message": p.message}
                        for p in exc.problems
                    ],
                    "counts": None,
                    "files": None,
                }
            )
        else:
            for p in exc.problems:
                print(str(p))
        raise errors.runtime(
            f"Found {n} problem{'s' if n != 1 else ''} in the catalog",
            "Fix the problems listed in the JSON" if json_ else "Fix the lines above",
        ) from None
    counts = {
        "models": len(cat.models),
        "tasks": len(cat.tasks),
        "architectures": len(cat.architectures),
        "accelerators": len(cat.accelerators),
        "licenses": len(cat.licenses),
    }
    if json_:
        output.emit_json({"ok": True, "problems": [], "counts": counts, "files": list(cat.files)})
        return
    output.note(
        f"OK: {counts['models']} models, {counts['tasks']} tasks, {counts['architectures']} architectures, "
        f"{counts['accelerators']} accelerators, {counts['licenses']} licenses in {len(cat.files)} files."
    )


@app.command("accelerators")
def accelerators(json_: JsonOpt = False, catalog: CatalogOpt = None) -> None:
    """List the accelerators (training and serving) and the cpu/edge serving profiles."""
    cat = load(catalog)
    accs = list(cat.accelerators.values())
    if json_:
        output.emit_json([a.model_dump(mode="json") for a in accs])
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title="Accelerators", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False
    )
    table.add_column("id", no_wrap=True)
    table.add_column("name · aliases", overflow="fold", ratio=1)
    table.add_column("memory", justify="right", no_wrap=True)
    table.add_column("TFLOP/s", justify="right", no_wrap=True)
    table.add_column("GB/s", justify="right", no_wrap=True)
    table.add_column("$/hour", justify="right", no_wrap=True)
    for a in accs:
        name = Text(a.name)
        if a.aliases:
            name.append("\n" + ", ".join(a.aliases), style="dim")
        table.add_row(
            a.id,
            name,
            f"{a.memory_gb:g} GB",
            output.fmt_num(a.bf16_tflops) + ("" if a.bf16_supported else " fp16"),
            output.fmt_num(a.bandwidth_gbps),
            output.fmt_usd(a.usd_per_hour) if a.usd_per_hour is not None else "?",
        )
    con = output.console()
    con.print(table)
    con.print(
        Text(
            "TFLOP/s: peak dense bf16 (fp16 where the chip has no bf16) · GB/s: memory bandwidth · "
            "$/hour: a typical on-demand price (? where the catalog has none)",
            style="dim",
        )
    )
    con.print()
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for s in cat.serving.values():
        grid.add_row(f"{s.id}:", s.description)
    con.print(Text("Serving profiles (--serve), besides any accelerator id:", style="bold"))
    con.print(grid)


@app.command("languages")
def languages(json_: JsonOpt = False, catalog: CatalogOpt = None) -> None:
    """List the language codes --language, --source-language and --target-language take, with each one's
    script and how many catalog models list it."""
    cat = load(catalog)
    langs = list(cat.languages.values())
    if json_:
        output.emit_json([lang.model_dump(mode="json") for lang in langs])
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    counts = {lang.id: 0 for lang in langs}
    for m in cat.models.values():
        for code in set(m.languages):
            if code in counts:
                counts[code] += 1
    table = Table(
        title="Languages", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False
    )
    table.add_column("code", no_wrap=True)
    table.add_column("name", overflow="fold", ratio=1)
    table.add_column("script", no_wrap=True)
    table.add_column("models", justify="right", no_wrap=True)
    for lang in langs:
        table.add_row(lang.id, lang.name, lang.script, str(counts[lang.id]))
    con = output.console()
    con.print(table)
    con.print(
        Text(
            "models: catalog models that list the language · --language also takes 'code' (programming "
            "languages) and 'multi' (many languages)",
            style="dim",
        )
    )

"""`whichmodel hub ...`: the Hugging Face Hub snapshot, model cards and discovery.

huggingface_hub is imported only when a command actually talks to the Hub (through whichmodel.hub.*).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Annotated

import typer

from whichmodel.catalog import Catalog, UnknownName
from whichmodel.cli import complete, errors, output
from whichmodel.cli.common import CatalogOpt, JsonOpt, load, resolve_task
from whichmodel.hub.settings import HubError, HubSettings, is_offline, offline_error
from whichmodel.vocab import STALE_DAYS

app = typer.Typer(
    help="Hugging Face Hub metadata: refresh the snapshot, show a model's Hub data or card, discover models.",
    no_args_is_help=True,
)

_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


def _settings(timeout: float | None = None) -> HubSettings:
    return HubSettings.from_env(timeout=timeout)  # a bad setting: HubError, reported by cli/errors.py


TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=0.1,
        max=600,
        metavar="SECONDS",
        help="Seconds each Hub request may take (default: WHICHMODEL_HUB_TIMEOUT, else 10).",
        show_default=False,
        rich_help_panel="Hub",
    ),
]


@contextlib.contextmanager
def spinner(text: str, quiet: bool = False) -> Iterator[None]:
    """A spinner on stderr while the Hub is asked (only when stderr is a terminal and not ``quiet``)."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    with output.console(stderr=True).status(text, spinner="dots"):
        yield


SHOWN_IDS = 8  # a grouped warning names this many models, then counts the rest


def group_failures(failures: list[HubError]) -> list[str]:
    """One warning per distinct problem (not one per model): "Cannot reach ... (12 models: a, b, c, ...)"."""
    groups: dict[str, list[str]] = {}
    for f in failures:
        text = errors.sentence(f.message)
        key = text.replace(f.hub_id, "{id}") if f.hub_id else text
        groups.setdefault(key, []).append(f.hub_id or "")
    lines = []
    for key, ids in groups.items():
        named = [i for i in ids if i]
        if len(named) == 1 and "{id}" not in key:
            lines.append(f"Warning: {named[0]}: {key}")
        elif len(named) == 1:
            lines.append("Warning: " + key.replace("{id}", named[0]))
        else:
            more = f" and {len(named) - SHOWN_IDS} more" if len(named) > SHOWN_IDS else ""
            shown = ", ".join(named[:SHOWN_IDS]) + more
            lines.append(f"Warning: {len(named)} models ({shown}): " + key.replace("{id}", "the model"))
    return lines


def hub_id_of(cat: Catalog, name: str) -> tuple[str, str | None]:
    """(hub id, catalog id or None): a catalog id or hub id from the catalog, or any ``org/name`` hub id."""
    try:
        m = cat.model(name)
        return m.hub_id, m.id
    except UnknownName:
        if _HUB_ID.match(name.strip()):
            return name.strip(), None
        raise


def _snapshot_notes():  # -> Snapshot | None
    from whichmodel.hub_snapshot import read_snapshot

    warnings: list[str] = []
    snap = read_snapshot(None, warnings)
    for w in warnings:
        output.note(f"Warning: {w}")
    return snap


def _models(n: int) -> str:
    return f"{n} model{'s' if n != 1 else ''}"


def _age_text(days: float | None) -> str:
    if days is None:
        return "unknown age"
    if days < 1:
        return "today" if days < 0.5 else "less than a day ago"
    return f"{days:.0f} day{'s' if round(days) != 1 else ''} ago"


# -- refresh ---------------------------------------------------------------------------------------------


@app.command("refresh")
def refresh(
    models: Annotated[
        list[str] | None,
        typer.Argument(
            help="Catalog ids or hub ids to refresh (default: every catalog model).",
            show_default=False,
            metavar="MODEL",
            autocompletion=complete.models,
        ),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
    catalog: CatalogOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Fetch Hub metadata (downloads, likes, licence, gated, parameters, last modified) into the snapshot."""
    from whichmodel.hub_snapshot import read_snapshot, snapshot_path

    cat = load(catalog)
    if models:
        hub_ids: list[str] = []
        for name in models:
            hid, _ = hub_id_of(cat, name)
            if hid.lower() not in {h.lower() for h in hub_ids}:
                hub_ids.append(hid)
    else:
        hub_ids = list(dict.fromkeys(m.hub_id for m in cat.models.values()))
    if is_offline():
        raise offline_error("refresh the Hub snapshot")
    settings = _settings(timeout)
    if not hub_ids:
        raise errors.usage("The catalog has no models to refresh")
    try:
        path = snapshot_path()
    except Exception as exc:
        raise errors.runtime(
            f"Cannot locate the cache directory for the Hub snapshot ({exc})", "Set WHICHMODEL_CACHE_DIR"
        ) from None

    from whichmodel.hub.refresh import refresh as do_refresh
    from whichmodel.hub.refresh import summarize_failures

    n = len(hub_ids)
    if not json_:
        output.note(
            f"Fetching Hub metadata for {n} model{'s' if n != 1 else ''} from {settings.shown_endpoint} ..."
        )
    progress = _progress(n) if (not json_ and sys.stderr.isatty()) else None
    try:
        if progress is not None:
            with progress as (bar, task):
                result = do_refresh(hub_ids, settings, path, lambda h, ok: bar.advance(task))
        else:
            result = do_refresh(hub_ids, settings, path)
    except OSError as exc:  # a Hub failure (HubError) goes through to cli/errors.py
        raise errors.runtime(
            f"Cannot write the Hub snapshot to {path} ({exc.strerror or exc or type(exc).__name__})",
            "Check the folder's permissions or set WHICHMODEL_CACHE_DIR; the previous snapshot is unchanged",
        ) from None

    if not result.records:
        err = summarize_failures(result.failures)
        previous = read_snapshot(path)
        kept = (
            f"the previous snapshot ({_models(len(previous))}, fetched {_age_text(previous.age_days())}) is unchanged"
            if previous is not None
            else "no snapshot was written"
        )
        details: list[str] = []
        if len({f.kind for f in result.failures}) > 1:
            details = [f"{f.hub_id}: {errors.sentence(f.message)}" for f in result.failures[:20]]
        cli_err = errors.hub_error(err, kept)
        cli_err.details = details
        raise cli_err

    for w in result.warnings:
        output.note(f"Warning: {output.printable(w)}")
    for warning in group_failures(result.failures):
        output.note(output.printable(warning))
    snap = result.snapshot
    assert snap is not None and result.path is not None
    if json_:
        output.emit_json(
            {
                "snapshot": str(result.path),
                "endpoint": settings.shown_endpoint,
                "fetched_at": snap.fetched_at,
                "requested": len(hub_ids),
                "refreshed": [r.hub_id for r in result.records],
                "failed": [
                    {"hub_id": f.hub_id, "kind": f.kind, "error": errors.sentence(f.message)}
                    for f in result.failures
                ],
                "models_in_snapshot": len(snap),
                "deadline_hit": result.deadline_hit,
                "elapsed_s": round(result.elapsed_s, 2),
            }
        )
        return
    done = len(result.records)
    if result.failures:
        output.note(
            f"Refreshed {done} of {n} models in {result.elapsed_s:.1f} s; {len(result.failures)} failed "
            f"(listed above) and keep their previous data. Snapshot: {result.path} ({_models(len(snap))})."
        )
    else:
        output.note(
            f"Refreshed {done} model{'s' if done != 1 else ''} in {result.elapsed_s:.1f} s. "
            f"Snapshot: {result.path} ({_models(len(snap))})."
        )


class _progress:
    """A Rich progress bar on stderr (terminal only), yielding (progress, task id)."""

    def __init__(self, total: int) -> None:
        self.total = total

    def __enter__(self):  # -> tuple[Progress, TaskID]
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("Hub"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=output.console(stderr=True),
            transient=True,
        )
        self.bar.__enter__()
        return self.bar, self.bar.add_task("refresh", total=self.total)

    def __exit__(self, *exc) -> None:
        self.bar.__exit__(*exc)


# -- info ------------------------------------------------------------------------------------------------


@app.command("info")
def info(
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL", help="Catalog id or hub id (org/name).", autocompletion=complete.models
        ),
    ],
    json_: JsonOpt = False,
    live: Annotated[
        bool, typer.Option("--live", help="Ask the Hub now instead of reading the snapshot.")
    ] = False,
    catalog: CatalogOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Show a model's Hub metadata from the snapshot (or live from the Hub)."""
    cat = load(catalog)
    hub_id, _ = hub_id_of(cat, model)
    if live:
        if is_offline():
            raise errors.hub_error(
                offline_error(f"ask the Hub about {hub_id}"), "drop --live to read the snapshot"
            )
        settings = _settings(timeout)
        from whichmodel.hub.refresh import fetch_one

        with spinner(f"Asking the Hub about {hub_id} ...", quiet=json_):
            rec = fetch_one(hub_id, settings)
        source = f"live from {settings.shown_endpoint}"
    else:
        snap = _snapshot_notes()
        if snap is None:
            raise errors.runtime(
                "There is no Hub snapshot yet",
                f"Run `whichmodel hub refresh` (or `whichmodel hub refresh {hub_id}`), or use --live",
            )
        rec = snap.get(hub_id)
        if rec is None:
            raise errors.runtime(
                f"The Hub snapshot has no data for {hub_id}",
                f"Run `whichmodel hub refresh {hub_id}`, or use --live",
            )
        source = f"snapshot {snap.path}"
    if json_:
        output.emit_json(rec.info_json())
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("downloads", f"{rec.downloads:,}" if rec.downloads is not None else "?")
    table.add_row("likes", f"{rec.likes:,}" if rec.likes is not None else "?")
    table.add_row(
        "gated",
        "no"
        if rec.gated is False
        else ("?" if rec.gated is None else f"yes ({output.printable(str(rec.gated))})"),
    )
    table.add_row("license", output.printable(rec.license or "?"))
    table.add_row(
        "params",
        f"{rec.params:,} ({output.fmt_params(rec.params_b)})" if rec.params else "? (no safetensors)",
    )
    table.add_row("last modified", output.printable(rec.last_modified or "?"))
    table.add_row("pipeline tag", output.printable(rec.pipeline_tag or "?"))
    if rec.architectures:
        table.add_row("architectures", output.printable(", ".join(rec.architectures)))
    fetched = output.printable(rec.fetched_at or "?")
    table.add_row("fetched", f"{fetched} ({_age_text(rec.age_days())}; {source})")
    con = output.console()
    con.print(Text(output.printable(rec.hub_id), style="bold"))
    con.print(table)
    if not live and rec.is_stale():
        output.note(
            f"Note: this Hub data is more than {STALE_DAYS:g} days old; `whichmodel hub refresh` updates it."
        )


# -- card ------------------------------------------------------------------------------------------------


@app.command("card")
def card(
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL", help="Catalog id or hub id (org/name).", autocompletion=complete.models
        ),
    ],
    paragraphs: Annotated[
        int,
        typer.Option(
            "--paragraphs", min=1, max=20, metavar="N", help="How many paragraphs of the card to show."
        ),
    ] = 2,
    json_: JsonOpt = False,
    catalog: CatalogOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Show a model card: licence, languages, datasets, base model and its first paragraphs."""
    cat = load(catalog)
    hub_id, _ = hub_id_of(cat, model)
    settings = _settings(timeout)
    from whichmodel.hub.card import fetch_card

    with spinner(f"Fetching the model card of {hub_id} ...", quiet=json_):
        summary = fetch_card(hub_id, settings, paragraphs)
    if json_:
        output.emit_json(summary.to_json())
        return
    import textwrap

    width = output.console().width or 100

    def line(label: str, values: list[str] | str | None) -> str:
        if isinstance(values, list):
            values = ", ".join(values) if values else None
        return f"{label:<11}{values or '?'}"

    lines = [
        summary.hub_id,
        line("license", summary.license),
        line("languages", summary.languages),
        line("datasets", summary.datasets),
        line("base model", summary.base_model),
    ]
    if summary.pipeline_tag:
        lines.append(line("task", summary.pipeline_tag))
    print(output.printable("\n".join(lines)))
    for para in summary.paragraphs:
        print()
        print(textwrap.fill(output.printable(para), width=max(40, width)))
    if not summary.paragraphs:
        output.note("The model card has no prose paragraphs to show.")


# -- discover --------------------------------------------------------------------------------------------


@app.command("discover")
def discover(
    task: Annotated[
        str,
        typer.Option(
            "--task",
            metavar="TASK",
            help="Task id or alias (see `whichmodel tasks`).",
            autocompletion=complete.tasks,
        ),
    ],
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, metavar="N", help="How many models to list.")
    ] = 10,
    json_: JsonOpt = False,
    catalog: CatalogOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """List the most downloaded Hub models for a task, with the family inferred from their config."""
    cat = load(catalog)
    t = resolve_task(cat, task)
    from whichmodel.hub.discover import pipeline_tag_for

    tag = pipeline_tag_for(t.id, t.pipeline_tag)
    if tag is None:
        raise errors.usage(
            f"Task {t.id!r} has no Hugging Face pipeline tag to search by", "Pick another task"
        )
    if is_offline():
        raise offline_error(f"search the Hub for {tag} models")
    settings = _settings(timeout)
    from whichmodel.hub.discover import discover as do_discover

    with spinner(f"Searching the Hub for {tag} models ...", quiet=json_):
        found = do_discover(tag, limit, settings=settings)
    curated = {m.hub_id.lower(): m.id for m in cat.models.values()}
    if json_:
        output.emit_json(
            [{**m.to_json(), "gated": m.gated, "catalog_id": curated.get(m.hub_id.lower())} for m in found]
        )
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    title = f"{len(found)} Hub models for {t.id}" + (f" (pipeline tag {tag})" if tag != t.id else "")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("hub id", overflow="fold", ratio=1)
    table.add_column("family", no_wrap=True)
    for col in ("params", "downloads", "likes"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("license", overflow="fold")
    for m in found:
        hub_cell = Text(output.printable(m.hub_id))
        if m.hub_id.lower() in curated:
            hub_cell.append(f"\ncatalog: {curated[m.hub_id.lower()]}", style="dim")
        table.add_row(
            hub_cell,
            m.family or "?",
            output.fmt_params(m.params_b),
            f"{m.downloads:,}" if m.downloads is not None else "?",
            f"{m.likes:,}" if m.likes is not None else "?",
            output.printable(m.license or "?"),
        )
    output.console().print(table)
    if not found:
        output.note(f"The Hub returned no models with pipeline tag {tag}.")

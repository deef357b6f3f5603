"""Rendering advice: a Rich view for terminals and Markdown for design documents."""

from __future__ import annotations

from whichmodel.advice import Advice, Recommendation
from whichmodel.cli.output import console, fmt_num, fmt_params, fmt_usd
from whichmodel.cli.tables import Column, fit
from whichmodel.vocab import FAMILY_SHORT

SUMMARY_RULES = ("quality", "readiness", "training_cost")
SCOPE_LABELS = (
    ("tasks", "task"),
    ("languages", "languages"),
    ("examples", "labelled examples"),
    ("domain_tokens", "in-domain tokens"),
    ("input_tokens", "longest input"),
    ("gpu_hours", "GPU-hours"),
    ("gpu", "training GPU"),
    ("gpus", "GPUs"),
    ("serve", "serving on"),
    ("license", "licence"),
    ("domain", "domain"),
)


def _value(v: object) -> str:
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return f"{int(v):,}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def scope_items(advice: Advice) -> list[tuple[str, str, bool]]:
    s = advice.scope
    assumed = {a.field for a in s.assumed}
    out = []
    for key, label in SCOPE_LABELS:
        v = getattr(s, key)
        if v is None:
            continue
        out.append((label, _value(v), key in assumed))
    return out


def _fit_icon(r: Recommendation) -> str:
    if r.estimates.serve_dtype in ("int8", "int4"):
        return "~"
    return "✔"


def _bar(score: float, top: float, width: int = 8) -> str:
    if top <= 0 or score <= 0:
        return ""
    eighths = round(width * 8 * min(score / top, 1.0))
    full, part = divmod(eighths, 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")


def _compact(x: float | None) -> str:
    """A short figure for a narrow table column: <0.1, 3.3, 17, 1,234."""
    if x is None:
        return "?"
    if x < 0.1:
        return "<0.1"
    return f"{x:.1f}" if x < 10 else f"{x:,.0f}"


def _hours(r: Recommendation) -> str:
    if r.strategy == "as-is":
        return "-"
    return _compact(r.estimates.train_gpu_hours)


def _memory(r: Recommendation) -> str:
    e = r.estimates
    serve = _compact(e.inference_memory_gb)
    if r.strategy == "as-is" or e.train_memory_gb is None:
        return serve
    return f"{_compact(e.train_memory_gb)}/{serve}"


def _cost(r: Recommendation) -> str:
    if r.strategy == "as-is":
        return "-"
    return fmt_usd(r.estimates.cost_usd)


def components_line(r: Recommendation) -> str:
    """'quality 72 (measured) · fit 80 · cost 95': the score's named components."""
    c = r.components or {}
    basis = f" ({r.quality.basis})" if r.quality is not None else ""
    parts = [f"quality {c.get('quality', 0):.0f}{basis}"] + [
        f"{k} {c[k]:.0f}" for k in ("fit", "cost") if k in c
    ]
    return " · ".join(parts)


def what_if_lines(advice: Advice) -> list[str]:
    out = []
    for w in advice.what_if:
        cost = f", ${w.cost_usd:,.0f}" if w.cost_usd else ""
        out.append(f"{w.change}: {w.why}{cost}")
    return out


LEGEND = {
    "GB": "GB: training/serving memory",
    "fit": "fit: ✔ fits, ~ fits once quantised",
    "$": "$: training cost",
    "Q": "Q: expected quality (0-100 within the task)",
}


def recommendation_columns(top_score: float) -> list[Column]:
    """The recommendations table; ``drop`` orders what a narrow terminal leaves out (highest first). Add a
    column here (e.g. a quality figure) with a ``drop`` rank and, if it can shrink, a ``compact`` cell."""
    from rich.text import Text

    def model(r: Recommendation) -> Text:
        return Text.assemble(
            r.model, ("\n" + f"{FAMILY_SHORT.get(r.family, r.family)} · {fmt_params(r.params_b)}", "dim")
        )

    return [
        Column("#", lambda r: str(r.rank), justify="right"),
        Column("model", model, key=True),
        Column("strategy", lambda r: r.strategy, drop=1),
        Column("GPU-h", _hours, justify="right", drop=4),
        Column("GB", _memory, justify="right", drop=3),
        Column("$", _cost, justify="right", drop=5),
        Column("fit", _fit_icon, justify="center", drop=2),
        Column("Q", lambda r: f"{r.quality.value:.0f}" if r.quality else "-", justify="right", drop=6),
        Column(
            "score",
            lambda r: f"{r.score:>4.0f} {_bar(r.score, top_score, 3)}",
            drop=0,
            compact=lambda r: f"{r.score:.0f}",
        ),
    ]


def render(advice: Advice, explain: bool = False) -> None:
    from rich.table import Table
    from rich.text import Text

    con = console()
    items = scope_items(advice)
    line = Text("Scope: ", style="bold")
    for i, (label, value, assumed) in enumerate(items):
        if i:
            line.append(" · ")
        line.append(f"{label} ")
        line.append(value + ("*" if assumed else ""), style="dim" if assumed else "bold")
    con.print(line)
    if any(assumed for _, _, assumed in items):
        con.print(Text("* assumed (not given); see --explain for why", style="dim"))
    con.print()

    arch = advice.architecture
    if arch.recommended:
        top = arch.ranking[0]
        con.print(Text.assemble(("Architecture: ", "bold"), (arch.recommended, "bold green")))
        for reason in top.reasons[: len(advice.scope.tasks)]:
            con.print(Text("  " + reason))
    else:
        con.print(Text("Architecture: none fits", style="bold red"))
    if explain:
        for fam in arch.ranking:
            con.print(Text(f"  {fam.family}: {fam.score:g}", style="dim"))
            for reason in fam.reasons:
                con.print(Text(f"    - {reason}", style="dim"))
    con.print()

    if advice.recommendations:
        top_score = max(r.score for r in advice.recommendations)
        from rich import box

        fitted = fit(
            con,
            recommendation_columns(top_score),
            advice.recommendations,
            title="Recommendations",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=True,
            padding=(0, 1),
            show_edge=False,
        )
        con.print(fitted.table)
        legend = [
            text for header, text in zip(LEGEND, LEGEND.values(), strict=True) if header not in fitted.dropped
        ]
        if fitted.dropped:
            legend.append(
                f"not shown at this width: {', '.join(fitted.dropped)} (widen the terminal or use --json)"
            )
        con.print(Text(" · ".join(legend), style="dim"))
        con.print()
        for r in advice.recommendations:
            head = Text.assemble((f"{r.rank}. {r.model}", "bold"), f"  {r.hub_id or '(train it yourself)'}")
            con.print(head)
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")
            if explain:
                for rsn in r.reasons:
                    grid.add_row(f"  {rsn.points:+6.1f}", f"{rsn.rule}: {rsn.detail}")
            else:
                by_rule = {x.rule: x.detail for x in r.reasons}
                keys = [k for k in SUMMARY_RULES if not (k == "training_cost" and r.strategy == "as-is")]
                shown = [by_rule[k] for k in keys if by_rule.get(k)]
                if shown:
                    grid.add_row("  ", "; ".join(shown))
            if r.components:
                grid.add_row("  ", Text(components_line(r), style="dim"))
            for w in r.warnings:
                grid.add_row(Text("  !", style="yellow"), Text(w, style="yellow"))
            if r.hub is not None and r.hub.downloads is not None:
                grid.add_row(
                    "  ",
                    Text(f"Hub: {r.hub.downloads:,} downloads (fetched {r.hub.fetched_at})", style="dim"),
                )
            con.print(grid)
    else:
        con.print(Text("No model fits every constraint.", style="bold red"))
    con.print()

    n = len(advice.rejected)
    if n:
        if explain:
            con.print(Text(f"Rejected ({n}):", style="bold"))
            for rej in advice.rejected:
                con.print(Text(f"  ✘ {rej.model} [{rej.rule}]: {rej.reason}"))
        else:
            from collections import Counter

            counts = Counter(r.rule for r in advice.rejected)
            parts = ", ".join(f"{k} {v}" for k, v in counts.most_common())
            con.print(Text(f"Rejected: {n} models ({parts}); --explain lists them.", style="dim"))
    for change in what_if_lines(advice):
        con.print(Text.assemble(("What if ", "bold"), change))
    fs = advice.from_scratch
    verdict = "worth it" if fs.worth_it else ("feasible, not worth it" if fs.feasible else "not feasible")
    con.print(Text.assemble(("From scratch: ", "bold"), (verdict + ". ", "bold"), fs.reason))
    for note in advice.notes:
        con.print(Text(f"Note: {note}", style="yellow"))
    if explain:
        con.print()
        con.print(Text("Assumptions:", style="bold"))
        for a in advice.scope.assumed:
            con.print(Text(f"  * {a.field} = {_value(a.value)}: {a.why}"))
        for assumption in advice.assumptions:
            con.print(Text(f"  - {assumption}"))
    else:
        con.print(
            Text(f"{len(advice.assumptions)} estimator assumptions; --explain shows them.", style="dim")
        )


def markdown(advice: Advice) -> str:
    lines: list[str] = ["# whichmodel advice", ""]
    lines.append("## Scope")
    lines.append("")
    for label, value, assumed in scope_items(advice):
        lines.append(f"- **{label}**: {value}{' *(assumed)*' if assumed else ''}")
    lines.append("")
    arch = advice.architecture
    lines.append(f"## Architecture: {arch.recommended or 'none fits'}")
    lines.append("")
    for fam in arch.ranking:
        lines.append(f"- **{fam.family}** (score {fam.score:g})")
        for reason in fam.reasons:
            lines.append(f"  - {reason}")
    lines.append("")
    lines.append("## Recommendations")
    lines.append("")
    if advice.recommendations:
        lines.append(
            "| # | model | family | params | strategy | GPU-h | train GB | serve GB | cost | score |"
        )
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in advice.recommendations:
            e = r.estimates
            lines.append(
                f"| {r.rank} | {r.model} | {r.family} | {fmt_params(r.params_b)} | {r.strategy} | {_hours(r)} | "
                f"{fmt_num(e.train_memory_gb, 2) if e.train_memory_gb is not None else '-'} | "
                f"{fmt_num(e.inference_memory_gb, 2)} | {_cost(r)} | {r.score:g} |"
            )
        lines.append("")
        for r in advice.recommendations:
            lines.append(f"### {r.rank}. {r.model}" + (f" (`{r.hub_id}`)" if r.hub_id else ""))
            lines.append("")
            if r.components:
                lines.append(f"Score {r.score:g}: {components_line(r)}.")
                lines.append("")
            for rsn in r.reasons:
                lines.append(f"- {rsn.rule} ({rsn.points:+g}): {rsn.detail}")
            for w in r.warnings:
                lines.append(f"- **warning**: {w}")
            lines.append("")
    else:
        lines.append("No model fits every constraint.")
        lines.append("")
    if advice.what_if:
        lines.append("## What if")
        lines.append("")
        lines += [f"- {line}" for line in what_if_lines(advice)]
        lines.append("")
    fs = advice.from_scratch
    lines.append("## Training from scratch")
    lines.append("")
    lines.append(fs.reason)
    lines.append("")
    if advice.rejected:
        lines.append(f"## Rejected ({len(advice.rejected)})")
        lines.append("")
        for rej in advice.rejected:
            lines.append(f"- {rej.model} ({rej.rule}): {rej.reason}")
        lines.append("")
    lines.append("## Assumptions")
    lines.append("")
    for a in advice.scope.assumed:
        lines.append(f"- {a.field} = {_value(a.value)}: {a.why}")
    for assumption in advice.assumptions:
        lines.append(f"- {assumption}")
    for note in advice.notes:
        lines.append(f"- Note: {note}")
    return "\n".join(lines) + "\n"

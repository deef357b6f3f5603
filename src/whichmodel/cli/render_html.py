"""`advise --format html`: a self-contained report (one file: no scripts, no fonts, no external CSS or images).

Every string from the catalog, the Hub or the user is escaped with ``html.escape``; the chart is inline SVG
drawn from :mod:`whichmodel.tradeoff` (quality against cost, recommendations highlighted, Pareto front drawn).
"""

from __future__ import annotations

import math
from collections import Counter
from html import escape
from typing import Any

from whichmodel import __version__
from whichmodel.cli.output import fmt_num, fmt_params, fmt_usd
from whichmodel.cli.render_advice import FAMILY_SHORT, _value, scope_items
from whichmodel.tradeoff import Chart, Point

CSS = """
:root { --ink: #1d2430; --muted: #5b6573; --line: #d9dee5; --pick: #1f5fbf; --front: #d0661c; --bg: #fbfcfd; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; background: var(--bg); color: var(--ink);
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 4px; }
.sub, .muted, figcaption, .note { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: #f0f3f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.pick td { background: #eef4fd; }
tr.pick td:first-child { border-left: 4px solid var(--pick); }
.assumed { color: var(--muted); font-style: italic; }
.tag { display: inline-block; padding: 0 6px; border-radius: 8px; background: #e7ebf0; font-size: 12px; }
.warn { color: #8a4b00; }
.scope { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
.scope dt { font-weight: 600; } .scope dd { margin: 0; }
figure { margin: 8px 0 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; fill: var(--ink); }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .grid { stroke: #edf0f4; stroke-width: 1; }
svg .other { fill: #aab3bf; }
svg .onfront { fill: var(--front); }
svg .pick { fill: var(--pick); stroke: #fff; stroke-width: 1.5; }
svg .front { fill: none; stroke: var(--front); stroke-width: 2; stroke-dasharray: 5 3; }
svg .label { font-weight: 700; fill: #fff; }
svg .onfront-ring { stroke: var(--front); stroke-width: 3; }
details { margin: 6px 0; } summary { cursor: pointer; }
ul.reasons { margin: 4px 0 8px; padding-left: 20px; }
"""

W, H = 900, 440  # the chart's size in SVG units
PAD_L, PAD_R, PAD_T, PAD_B = 64, 24, 20, 56
LOG_SPAN = 10.0


def e(value: Any) -> str:
    """Escaped text (quotes too: the same helper serves attributes)."""
    return escape("" if value is None else str(value), quote=True)


def _x_text(v: float, unit: str) -> str:
    if unit == "$":
        return "$0" if v == 0 else fmt_usd(v)
    return f"{v:.3g} GB"


class Scale:
    def __init__(self, lo: float, hi: float, a: float, b: float, log: bool) -> None:
        self.lo, self.hi, self.a, self.b, self.log = lo, hi, a, b, log

    def __call__(self, v: float) -> float:
        if self.log:
            v = max(v, self.lo)
            t = (math.log10(v) - math.log10(self.lo)) / max(math.log10(self.hi) - math.log10(self.lo), 1e-9)
        else:
            t = (v - self.lo) / (self.hi - self.lo) if self.hi > self.lo else 0.5
        return self.a + t * (self.b - self.a)


def svg_chart(chart: Chart) -> str:
    pts = [p for p in chart.points if p.x is not None]
    if not pts:
        return ""
    xs = [float(p.x) for p in pts if p.x is not None]
    positive = [x for x in xs if x > 0]
    has_zero = any(x <= 0 for x in xs)
    lo = min(positive) if positive else 1.0
    hi = max(positive) if positive else 1.0
    log = bool(positive) and hi / lo > LOG_SPAN
    left = PAD_L + (36 if has_zero and positive else 0)  # room for a "free" column
    if log:
        lo_t, hi_t = 10 ** math.floor(math.log10(lo)), 10 ** math.ceil(math.log10(hi))
    else:
        lo_t, hi_t = (0.0 if has_zero else lo), hi
        if hi_t <= lo_t:
            hi_t = lo_t + 1
        lo_t, hi_t = lo_t - 0.05 * (hi_t - lo_t), hi_t + 0.05 * (hi_t - lo_t)
    sx = Scale(lo_t, hi_t, left, W - PAD_R, log)
    qs = [p.quality for p in pts]
    q_lo, q_hi = min(qs), max(qs)
    margin = max(1.0, 0.08 * (q_hi - q_lo))
    sy = Scale(q_lo - margin, q_hi + margin, H - PAD_B, PAD_T, False)

    def px(p: Point) -> float:
        assert p.x is not None
        return PAD_L + 8 if (p.x <= 0 and (log or left > PAD_L)) else sx(float(p.x))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" '
        f'aria-label="{e("Quality against cost for " + str(len(pts)) + " candidates")}">'
    ]
    # grid and ticks
    ticks: list[float]
    if log:
        ticks = [10.0**k for k in range(round(math.log10(lo_t)), round(math.log10(hi_t)) + 1)]
    else:
        step = (hi_t - lo_t) / 5
        ticks = [lo_t + step * (i + 0.5) for i in range(5)]
    for t in ticks:
        x = sx(t)
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{PAD_T}" x2="{x:.1f}" y2="{H - PAD_B}"/>')
        out.append(
            f'<text x="{x:.1f}" y="{H - PAD_B + 18}" text-anchor="middle">{e(_x_text(t, chart.x_unit))}</text>'
        )
    if has_zero and (log or left > PAD_L):
        out.append(
            f'<text x="{PAD_L + 8}" y="{H - PAD_B + 18}" text-anchor="middle">{e(_x_text(0, chart.x_unit))}</text>'
        )
    for i in range(5):
        q = q_lo - margin + (q_hi - q_lo + 2 * margin) * i / 4
        y = sy(q)
        out.append(f'<line class="grid" x1="{PAD_L}" y1="{y:.1f}" x2="{W - PAD_R}" y2="{y:.1f}"/>')
        out.append(f'<text x="{PAD_L - 8}" y="{y + 4:.1f}" text-anchor="end">{q:.0f}</text>')
    out.append(f'<line class="axis" x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}"/>')
    out.append(f'<line class="axis" x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}"/>')
    scale = " (log scale)" if log else ""
    out.append(
        f'<text x="{(PAD_L + W - PAD_R) / 2:.0f}" y="{H - 12}" text-anchor="middle">'
        f"{e(chart.x_label + scale)} →</text>"
    )
    out.append(
        f'<text transform="translate(16 {(PAD_T + H - PAD_B) / 2:.0f}) rotate(-90)" text-anchor="middle">'
        f"{e(chart.quality_label)} →</text>"
    )
    # the Pareto front, cheapest first
    front = sorted((p for p in pts if p.pareto), key=lambda p: (p.x or 0.0, -p.quality))
    if len(front) > 1:
        path = " ".join(f"{px(p):.1f},{sy(p.quality):.1f}" for p in front)
        out.append(f'<polyline class="front" points="{path}"><title>Pareto front</title></polyline>')
    # the points: others, then the front, then the recommendations on top
    for p in sorted(pts, key=lambda p: (p.recommended, p.pareto, -p.rank)):  # rank 1 on top
        x, y = px(p), sy(p.quality)
        tip = e(
            f"{p.model} ({p.strategy}): {chart.quality_label} {p.quality:.1f}, "
            f"{_x_text(float(p.x or 0.0), chart.x_unit)}"
            + (" · recommended" if p.recommended else "")
            + (" · Pareto front" if p.pareto else "")
        )
        if p.recommended and p.rank:
            out.append(f'<g class="rec" data-model="{e(p.model)}"><title>{tip}</title>')
            ring = " onfront-ring" if p.pareto else ""
            out.append(f'<circle class="pick{ring}" cx="{x:.1f}" cy="{y:.1f}" r="9"/>')
            out.append(
                f'<text class="label" x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">{p.rank}</text>'
            )
            out.append("</g>")
        else:
            cls = "onfront" if p.pareto else "other"
            out.append(
                f'<circle class="{cls}" data-model="{e(p.model)}" cx="{x:.1f}" cy="{y:.1f}" r="4.5">'
                f"<title>{tip}</title></circle>"
            )
    out.append("</svg>")
    return "\n".join(out)


def _rec_cells(r: Any) -> list[str]:
    est = r.estimates
    as_is = r.strategy == "as-is"
    return [
        f'<td class="num">{r.rank}</td>',
        f"<td><strong>{e(r.model)}</strong><br><span class=muted>{e(r.hub_id or '(train it yourself)')}</span></td>",
        f"<td>{e(FAMILY_SHORT.get(r.family, r.family))} · {e(fmt_params(r.params_b))}</td>",
        f"<td>{e(r.strategy)}</td>",
        f'<td class="num">{"-" if as_is else e(fmt_num(est.train_gpu_hours, 2))}</td>',
        f'<td class="num">{"-" if est.train_memory_gb is None else e(fmt_num(est.train_memory_gb, 3))}</td>',
        f'<td class="num">{e(fmt_num(est.inference_memory_gb, 3))} <span class=tag>{e(est.serve_dtype or "?")}</span></td>',
        f'<td class="num">{"-" if as_is else e(fmt_usd(est.cost_usd))}</td>',
        f"<td>{e(r.license or '?')}</td>",
        f'<td class="num">{r.score:.1f}</td>',
    ]


def render(advice: Any, chart: Chart | None = None, what_if: list[dict[str, Any]] | None = None) -> str:
    """The report as one HTML document."""
    s = advice.scope
    title = f"whichmodel advice: {', '.join(s.tasks)}"
    parts: list[str] = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>{e(title)}</h1>",
        f'<p class="sub">Which transformer to use and how to adapt it, for this scope. Generated by whichmodel '
        f"{e(__version__)} (advice document {e(advice.schema_version)}).</p>",
        "<h2>Scope</h2>",
        '<dl class="scope">',
    ]
    for label, value, assumed in scope_items(advice):
        cls = ' class="assumed"' if assumed else ""
        parts.append(f"<dt>{e(label)}</dt><dd{cls}>{e(value)}{' (assumed)' if assumed else ''}</dd>")
    parts.append("</dl>")
    if s.assumed:
        parts.append("<details><summary>What was assumed, and why</summary><ul>")
        for a in s.assumed:
            parts.append(f"<li><strong>{e(a.field)}</strong> = {e(_value(a.value))}: {e(a.why)}</li>")
        parts.append("</ul></details>")

    arch = advice.architecture
    parts.append(f"<h2>Architecture: {e(arch.recommended or 'none fits')}</h2>")
    if arch.ranking:
        parts.append("<ul>")
        for fam in arch.ranking:
            reasons = " ".join(r if r.endswith((".", "!", "?")) else r + "." for r in fam.reasons)
            parts.append(f"<li><strong>{e(fam.family)}</strong> ({fam.score:g}): {e(reasons)}</li>")
        parts.append("</ul>")

    if chart is not None and chart.points:
        parts.append("<h2>Quality against cost</h2>")
        parts.append("<figure>")
        parts.append(svg_chart(chart))
        n_rec = sum(1 for p in chart.points if p.recommended)
        parts.append(
            f"<figcaption>{len(chart.points)} candidates; the {n_rec} recommendations in blue with their rank "
            "(the table below names them); the Pareto front (no other candidate is both cheaper and better) in "
            "orange, with an orange ring on recommendations that lie on it. Hover a point for its "
            f"figures. {' '.join(e(n) for n in chart.notes)}</figcaption>"
        )
        parts.append("</figure>")

    parts.append("<h2>Recommendations</h2>")
    if advice.recommendations:
        heads = [
            "#",
            "model",
            "family",
            "strategy",
            "GPU-h",
            "train GB",
            "serve GB",
            "cost",
            "licence",
            "score",
        ]
        parts.append("<table><thead><tr>")
        for h in heads:
            cls = ' class="num"' if h in ("#", "GPU-h", "train GB", "serve GB", "cost", "score") else ""
            parts.append(f"<th{cls}>{e(h)}</th>")
        parts.append("</tr></thead><tbody>")
        for i, r in enumerate(advice.recommendations):
            cls = ' class="pick"' if i == 0 else ""
            parts.append(f"<tr{cls}>" + "".join(_rec_cells(r)) + "</tr>")
        parts.append("</tbody></table>")
        for r in advice.recommendations:
            parts.append(f"<h3>{r.rank}. {e(r.model)} <span class=muted>{e(r.hub_id or '')}</span></h3>")
            if r.ready_for:
                parts.append(f"<p class=muted>Ready for: {e(r.ready_for)}</p>")
            parts.append('<ul class="reasons">')
            for reason in r.reasons:
                parts.append(
                    f"<li><strong>{reason.points:+.1f}</strong> {e(reason.rule)}: {e(reason.detail)}</li>"
                )
            parts.append("</ul>")
            for w in r.warnings:
                parts.append(f'<p class="warn">⚠ {e(w)}</p>')
    else:
        parts.append("<p><strong>No model fits every constraint.</strong></p>")

    if what_if:
        parts.append("<h2>What would change the answer</h2>")
        parts.append(
            '<table><thead><tr><th>change</th><th>pick</th><th>strategy</th><th class="num">GPU-h</th>'
            '<th class="num">cost</th><th>why</th></tr></thead><tbody>'
        )
        for row in what_if:
            hours = row.get("gpu_hours")
            cost = row.get("cost_usd")
            parts.append(
                f"<tr><td><strong>{e(row.get('change'))}</strong></td>"
                f"<td>{e(row.get('model'))}<br><span class=muted>{e(row.get('hub_id') or '')}</span></td>"
                f"<td>{e(row.get('strategy') or '')}</td>"
                f'<td class="num">{e(fmt_num(hours, 3)) if isinstance(hours, int | float) else "-"}</td>'
                f'<td class="num">{e(fmt_usd(cost)) if isinstance(cost, int | float) else "-"}</td>'
                f"<td>{e(row.get('why') or '')}</td></tr>"
            )
        parts.append("</tbody></table>")

    if advice.rejected:
        counts = Counter(r.rule for r in advice.rejected)
        summary = ", ".join(f"{rule} {n}" for rule, n in counts.most_common())
        parts.append(f"<h2>Rejected: {len(advice.rejected)} models</h2>")
        parts.append(f"<p>By the rule that rejected them: {e(summary)}.</p>")
        parts.append("<details><summary>Every rejected model and why</summary><table><tbody>")
        for rej in advice.rejected:
            parts.append(
                f"<tr><td>{e(rej.model)}</td><td><span class=tag>{e(rej.rule)}</span></td><td>{e(rej.reason)}</td></tr>"
            )
        parts.append("</tbody></table></details>")

    fs = advice.from_scratch
    verdict = "worth it" if fs.worth_it else ("feasible, not worth it" if fs.feasible else "not feasible")
    parts.append(f"<h2>Training from scratch: {e(verdict)}</h2><p>{e(fs.reason)}</p>")

    parts.append("<h2>Estimator assumptions</h2><ul>")
    for a in advice.assumptions:
        parts.append(f"<li>{e(a)}</li>")
    parts.append("</ul>")
    for note in advice.notes:
        parts.append(f'<p class="note">Note: {e(note)}</p>')
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def report(advice: Any, cat: Any, extra: Any = ()) -> str:
    """The report for an advice: its chart's candidates are the same scope ranked to 40 places."""
    from datetime import UTC, datetime

    from whichmodel import tradeoff
    from whichmodel.cli.chart import what_if_rows
    from whichmodel.inputs import load_snapshot

    candidates = tradeoff.wider(
        advice, cat, snapshot=load_snapshot([]), now=datetime.now(UTC), extra=list(extra)
    )
    return render(advice, tradeoff.build(advice, candidates), what_if_rows(advice))

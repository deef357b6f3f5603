"""Quality against cost: the points the charts draw (terminal and HTML), and their Pareto front.

Pure. It reads an advice document through a small adapter, so that it works before and after the advice
gains its quality and serving-cost fields:
- quality: ``rec.quality.value`` (0-100, comparable within the task) when the advice has it, else the score;
- cost: the training cost (``estimates.cost_usd``; nothing for ``as-is``) plus, when the advice has a serving
  rate (``estimates.serve_usd_per_million_tokens``), 30 days of serving at the scope's ``daily_tokens``
  (:data:`ASSUMED_DAILY_TOKENS` when the scope has none: an assumption, stated on the chart).
When no candidate costs anything (every one used as it is, no serving rate known), the cost axis falls back
to serving memory in GB, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

DAYS = 30  # a month of serving
ASSUMED_DAILY_TOKENS = 1_000_000  # an assumption (a small production service), used when the scope gives none


@dataclass(frozen=True)
class Point:
    rank: int
    model: str
    hub_id: str | None
    strategy: str
    quality: float
    x: float | None  # the cost axis value (USD, or GB in the memory fallback); None when unknown
    train_usd: float | None
    serve_usd: float | None
    recommended: bool = False
    pareto: bool = False


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    quality_label: str  # "expected quality" or "score"
    x_label: str
    x_unit: str  # "$" or "GB"
    notes: list[str]
    unknown: int  # candidates left out for want of a cost


def quality_of(rec: Any) -> tuple[float, bool]:
    """(quality, measured-as-quality): ``rec.quality.value`` when present, else the score."""
    q = getattr(rec, "quality", None)
    value = q.get("value") if isinstance(q, dict) else getattr(q, "value", None)
    if isinstance(value, int | float):
        return float(value), True
    return float(rec.score), False


def _serve_rate(rec: Any) -> float | None:
    value = getattr(rec.estimates, "serve_usd_per_million_tokens", None)
    return float(value) if isinstance(value, int | float) else None


def daily_tokens(scope: Any) -> tuple[float, bool]:
    """(tokens per day, given): the scope's ``daily_tokens`` when it has one, else the assumption."""
    value = getattr(scope, "daily_tokens", None)
    if isinstance(value, int | float) and value > 0:
        return float(value), True
    return float(ASSUMED_DAILY_TOKENS), False


def costs_of(rec: Any, tokens_per_day: float) -> tuple[float | None, float | None]:
    """(training USD, serving USD for a month); training is 0 for as-is, None when unknown."""
    train = 0.0 if rec.strategy == "as-is" else rec.estimates.cost_usd
    rate = _serve_rate(rec)
    serve = None if rate is None else rate * tokens_per_day * DAYS / 1e6
    return (None if train is None else float(train)), serve


def pareto(points: Sequence[Point]) -> set[int]:
    """Indexes of the points no other point beats on both axes (at least as good on both, better on one)."""
    front: set[int] = set()
    known = [(i, p) for i, p in enumerate(points) if p.x is not None]
    for i, p in known:
        dominated = any(
            q.x is not None
            and p.x is not None
            and q.x <= p.x
            and q.quality >= p.quality
            and (q.x < p.x or q.quality > p.quality)
            for j, q in known
            if j != i
        )
        if not dominated:
            front.add(i)
    return front


def build(advice: Any, candidates: Iterable[Any] | None = None) -> Chart:
    """The chart's points: ``candidates`` (recommendations of a wider run, default the advice's own) with the
    advice's recommendations marked."""
    recs = list(advice.recommendations)
    pool = list(candidates) if candidates is not None else recs
    picked = {(r.model, r.strategy) for r in recs}
    tokens, given = daily_tokens(advice.scope)
    notes: list[str] = []
    rows = []
    any_quality = False
    any_rate = False
    for rec in pool:
        quality, measured = quality_of(rec)
        any_quality = any_quality or measured
        train, serve = costs_of(rec, tokens)
        any_rate = any_rate or serve is not None
        rows.append((rec, quality, train, serve))
    total = [None if train is None else train + (serve or 0.0) for _, _, train, serve in rows]
    use_cost = any(t is not None and t > 0 for t in total)
    if use_cost:
        x_label = "training + 30 days of serving, USD" if any_rate else "training cost, USD"
        unit = "$"
        if any_rate and not given:
            notes.append(
                f"Serving cost assumes {ASSUMED_DAILY_TOKENS:,} tokens a day (pass --daily-tokens for yours)."
            )
        if not any_rate:
            notes.append("No serving cost is known for these candidates: the cost is training alone.")
        xs = total
    else:
        x_label = "serving memory, GB (nothing to train or pay for)"
        unit = "GB"
        notes.append(
            "Every candidate costs nothing to train here: the axis shows the memory it needs to serve."
        )
        xs = [rec.estimates.inference_memory_gb for rec, *_ in rows]
    points = [
        Point(
            rank=i + 1,
            model=rec.model,
            hub_id=rec.hub_id,
            strategy=rec.strategy,
            quality=quality,
            x=None if x is None else float(x),
            train_usd=train,
            serve_usd=serve,
            recommended=(rec.model, rec.strategy) in picked,
        )
        for i, ((rec, quality, train, serve), x) in enumerate(zip(rows, xs, strict=True))
    ]
    rank_of = {(r.model, r.strategy): r.rank for r in recs}
    points = [Point(**{**p.__dict__, "rank": rank_of.get((p.model, p.strategy), 0)}) for p in points]
    front = pareto(points)
    points = [Point(**{**p.__dict__, "pareto": i in front}) for i, p in enumerate(points)]
    unknown = sum(1 for p in points if p.x is None)
    if unknown:
        notes.append(f"{unknown} candidate{'s' if unknown != 1 else ''} without a cost estimate left out.")
    return Chart(
        points=[p for p in points if p.x is not None],
        quality_label="expected quality (0-100)" if any_quality else "score",
        x_label=x_label,
        x_unit=unit,
        notes=notes,
        unknown=unknown,
    )


def wider(advice: Any, catalog: Any, top: int = 40, **kwargs: Any) -> list[Any]:
    """The candidates behind an advice: the same scope ranked to ``top`` places (the chart's grey points)."""
    from whichmodel.engine import advise as engine_advise

    if top <= len(advice.recommendations):
        return list(advice.recommendations)
    scope = advice.scope.model_copy(update={"top": top})
    return list(engine_advise(scope, catalog, **kwargs).recommendations)

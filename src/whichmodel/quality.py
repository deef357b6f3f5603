"""Expected quality of a model for a task, 0-100 and comparable within the task.

Measured: the model's published ``benchmarks`` on the task's benchmark list (catalog/tasks.yaml). Each benchmark is
normalised across the catalog's models measured on it (mid-rank percentile: the share of measured models it beats,
ties counting half), and the benchmarks a model has are combined by the task's benchmark weights.

Imputed: where a model has no figure on the task's benchmarks, a ridge least-squares fit of the measured models'
percentiles on (log10 effective parameters, year, family, variant, specialist flag) predicts it. The fit is made
once per catalog and task (deterministic, cached), with each feature clipped to the range the measured models span
(no extrapolation) and the size coefficient held at 0 or above (a bigger sibling is never predicted worse). With
fewer than ``MIN_FIT_MODELS`` measured models the prior below stands in: size and generation, scaled by how much
capability matters for the task (``task.capability``), labelled as the prior in the note.

Related tasks: where the task names ``related`` tasks (catalog/tasks.yaml) and a model has no figure here but one on
a related task, its standing there, shifted by the median gap between the two tasks over the models measured on
both, is the model's own evidence and stands in for the fit (a 4-layer BERT with GLUE 65.8 is not assumed as good at
NER as a fine-tuned BERT-base: fine-tuned encoders keep their order across GLUE, SQuAD and CoNLL-2003, Devlin et
al. 2018 arXiv:1810.04805 Tables 1-3 and 6; Turc et al. 2019 arXiv:1908.08962).

Pure: no printing, no I/O.
"""

from __future__ import annotations

import bisect
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from whichmodel.catalog_schema import Model, Task

MIN_FIT_MODELS = 6  # fewer measured models than this and a 8-feature fit is noise: use the prior
SHRINK_MODELS = (
    3  # a percentile among n models counts n/(n+3): one lucky figure on a rare benchmark is not 100
)
IMPUTED_CEILING = 0.75  # an unmeasured model is not assumed better than 3/4 of the measured ones (assumption)
RELATED_MIN_ANCHORS = (
    2  # models measured on both tasks before a related task's standing is shifted (assumption)
)
RIDGE = 1.0  # ridge penalty on standardised features (not the intercept): stable fits on small catalogs
PRIOR_SIZE_RANGE = (-2.0, 2.0)  # log10 billions: 10M parameters score 0 on size, 100B score 1 (assumption)
PRIOR_YEARS = (2018, 2025)  # BERT (2018) to the newest generation in the catalog (assumption)
PRIOR_SIZE_SHARE = (
    0.65  # in the prior, size weighs about twice the generation (assumption, as in v1 capability)
)


@dataclass(frozen=True)
class BaseQuality:
    """A model's quality on one task before the scope's adjustments."""

    value: float  # 0-100
    basis: str  # measured | imputed
    benchmark: str | None = None  # the heaviest benchmark it was measured on
    benchmark_score: float | None = None  # its published figure there
    source: str | None = None
    note: str = ""


def effective_params_b(m: Model) -> float:
    """A mixture-of-experts model performs between its active and total size: their geometric mean."""
    if m.active_params_b:
        return math.sqrt(m.params_b * m.active_params_b)
    return m.params_b


MEASURED_NOTE = "percentile among the catalog's measured models on "

_SIZE = re.compile(r"[-_.]?\d+(\.\d+)?[mbk](?![a-z])")


def release_key(m: Model) -> str:
    """Which release a model belongs to, so sizes of one release are siblings: the catalog's ``release`` when set,
    else the hub id without its size tokens (Qwen/Qwen2.5-7B-Instruct and Qwen/Qwen2.5-14B-Instruct both give
    qwen/qwen2.5-instruct), with the variant and the year (a later long-context or thinking edition is another
    release)."""
    if m.release:
        return m.release
    return f"{_SIZE.sub('', m.hub_id.lower())}|{m.variant}|{m.year}"


def specialities(m: Model) -> list[str]:
    """Tasks the model is a specialist for: ``specialised_for``; where the catalog has not filled it yet, a
    code-domain model counts as a code-generation specialist (its card says it was trained mainly on code)."""
    if m.specialised_for:
        return list(m.specialised_for)
    if "code" in m.domains:
        return ["code-generation"]
    return []


def is_specialist(m: Model, task_id: str) -> bool:
    spec = specialities(m)
    if spec:
        return task_id in spec
    return m.variant == "task" and task_id in m.tasks


def _features(m: Model, task_id: str) -> list[float]:
    year = float(m.year) if m.year else float("nan")
    return [
        math.log10(max(effective_params_b(m), 1e-3)),
        year,
        1.0 if m.family == "decoder-only" else 0.0,
        1.0 if m.family == "encoder-decoder" else 0.0,
        1.0 if m.variant == "instruct" else 0.0,
        1.0 if m.variant == "task" else 0.0,
        1.0 if is_specialist(m, task_id) else 0.0,
    ]


FEATURE_NAMES = (
    "log10 params",
    "year",
    "decoder",
    "encoder-decoder",
    "instruct",
    "task checkpoint",
    "specialist",
)


def _solve(a: list[list[float]], b: list[float]) -> list[float] | None:
    """Gaussian elimination with partial pivoting; None when singular."""
    n = len(a)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    return [m[i][n] / m[i][i] for i in range(n)]


@dataclass
class Fit:
    """A ridge fit of percentile quality on the features; ``None`` coefficients mean the prior is used."""

    means: list[float]
    scales: list[float]
    lows: list[float]
    highs: list[float]
    coef: list[float]  # intercept first
    n: int

    def predict(self, x: list[float]) -> float:
        y = self.coef[0]
        for i, v in enumerate(x):
            if math.isnan(v):
                v = self.means[i]
            v = min(max(v, self.lows[i]), self.highs[i])
            y += self.coef[i + 1] * (v - self.means[i]) / self.scales[i]
        return min(100.0, max(0.0, y))


def fit_ridge(xs: list[list[float]], ys: list[float]) -> Fit | None:
    if len(xs) < MIN_FIT_MODELS:
        return None
    k = len(xs[0])
    means, scales, lows, highs = [], [], [], []
    for j in range(k):
        col = [x[j] for x in xs if not math.isnan(x[j])]
        mu = sum(col) / len(col) if col else 0.0
        sd = math.sqrt(sum((v - mu) ** 2 for v in col) / len(col)) if col else 0.0
        means.append(mu)
        scales.append(sd if sd > 1e-9 else 1.0)
        lows.append(min(col) if col else 0.0)
        highs.append(max(col) if col else 0.0)

    def design(x: list[float]) -> list[float]:
        return [1.0] + [
            0.0 if math.isnan(v) or (scales[j] == 1.0 and highs[j] == lows[j]) else (v - means[j]) / scales[j]
            for j, v in enumerate(x)
        ]

    rows = [design(x) for x in xs]

    def solve(drop: set[int]) -> list[float] | None:
        p = k + 1
        ata = [[0.0] * p for _ in range(p)]
        atb = [0.0] * p
        for r, y in zip(rows, ys, strict=True):
            for i in range(p):
                if i in drop:
                    continue
                atb[i] += r[i] * y
                for j in range(p):
                    if j not in drop:
                        ata[i][j] += r[i] * r[j]
        for i in range(1, p):
            ata[i][i] += RIDGE if i not in drop else 1.0
        return _solve(ata, atb)

    coef = solve(set())
    if coef is None:
        return None
    if coef[1] < 0:  # size never hurts: hold its coefficient at 0 and refit the rest
        coef = solve({1})
        if coef is None:
            return None
        coef[1] = 0.0
    return Fit(means, scales, lows, highs, coef, len(xs))


class TaskQuality:
    """Quality of every catalog model on one task: measured percentiles, a fit for the rest."""

    def __init__(self, task: Task, models: list[Model], related: Sequence[TaskQuality] = ()) -> None:
        self.task = task
        self.weights = {b.id: b.weight for b in task.benchmarks}
        self._base: dict[int, tuple[Model, BaseQuality]] = {}
        self._base_limit = len(models) + 1024
        self.higher = {b.id: b.higher_is_better for b in task.benchmarks}
        scores: dict[str, list[float]] = {}
        for m in models:
            for b in m.benchmarks:
                if b.name in self.weights:
                    scores.setdefault(b.name, []).append(b.score)
        self.sorted_scores = {k: sorted(v) for k, v in scores.items()}
        measured = [(m, q) for m in models if (q := self.measured(m)) is not None]
        self.n_measured = len(measured)
        self.measured_families = {m.family for m, _ in measured}
        self.measured_values = sorted(q.value for _, q in measured)
        self.fit = fit_ridge([_features(m, task.id) for m, _ in measured], [q.value for _, q in measured])
        # related tasks with enough models measured on both: (table, median gap here minus there, anchors)
        self.related: list[tuple[TaskQuality, float, int]] = []
        for table in related:
            gaps = [qv.value - rq.value for m, qv in measured if (rq := table.measured(m)) is not None]
            if len(gaps) >= RELATED_MIN_ANCHORS:
                self.related.append((table, statistics.median(gaps), len(gaps)))
        # siblings of one release (quality.release_key): a larger sibling is never expected worse than a smaller one
        self.releases: dict[str, list[Model]] = {}
        for m in models:
            self.releases.setdefault(release_key(m), []).append(m)
        self._own: dict[int, tuple[Model, BaseQuality]] = {}

    def percentile(self, bench: str, score: float) -> float:
        """0-100 on one benchmark: half the mid-rank percentile among the measured models (shrunk toward 50 when few
        models share the benchmark), half the score relative to the best measured one (percentiles alone turn a
        2-point gap into a 40-point one)."""
        values = self.sorted_scores.get(bench, [])
        if not values:
            return 50.0
        n = len(values)
        below = bisect.bisect_left(values, score)  # the values are sorted: counted in O(log n)
        equal = bisect.bisect_right(values, score) - below
        pct = (below + 0.5 * equal) / n * 100.0
        higher = self.higher.get(bench, True)
        if not higher:
            pct = 100.0 - pct
        pct = 50.0 + (pct - 50.0) * n / (n + SHRINK_MODELS)
        best = values[-1] if higher else values[0]
        if higher:
            ratio = 100.0 * score / best if best > 0 else 50.0
        else:
            ratio = 100.0 * best / score if score > 0 else 50.0
        return min(100.0, max(0.0, 0.5 * pct + 0.5 * ratio))

    def measured(self, m: Model) -> BaseQuality | None:
        mine: dict[str, list[Any]] = {}
        for b in m.benchmarks:
            if b.name in self.weights:
                mine.setdefault(b.name, []).append(b)
        if not mine:
            return None
        total = sum(self.weights[k] for k in mine)
        value = sum(
            self.weights[k] * sum(self.percentile(k, b.score) for b in v) / len(v) for k, v in mine.items()
        )
        value /= total
        head = max(mine, key=lambda k: (self.weights[k], k))
        first = mine[head][0]
        note = ", ".join(f"{k} {max(b.score for b in v):g}" for k, v in sorted(mine.items()))
        return BaseQuality(
            value=round(value, 1),
            basis="measured",
            benchmark=head,
            benchmark_score=first.score,
            source=first.source if isinstance(first.source, str) else str(first.source),
            note=f"{MEASURED_NOTE}{note}",
        )

    def prior(self, m: Model) -> float:
        lo, hi = PRIOR_SIZE_RANGE
        size = min(1.0, max(0.0, (math.log10(max(effective_params_b(m), 1e-3)) - lo) / (hi - lo)))
        y0, y1 = PRIOR_YEARS
        recency = 0.3 if m.year is None else min(1.0, max(0.0, (m.year - y0) / (y1 - y0)))
        raw = 100.0 * (PRIOR_SIZE_SHARE * size + (1 - PRIOR_SIZE_SHARE) * recency)
        scale = self.task.capability
        return 50.0 + scale * (raw - 50.0)

    def base(self, m: Model) -> BaseQuality:
        """The model's expected quality for the task, computed once per model (held with the model, so a
        transient model, such as a from-scratch candidate, never meets another's entry)."""
        hit = self._base.get(id(m))
        if hit is not None and hit[0] is m:
            return hit[1]
        got = self._sibling_base(m)
        if len(self._base) > self._base_limit:  # transient models must not pile up in a long-lived process
            self._base.clear()
        self._base[id(m)] = (m, got)
        return got

    def _sibling_base(self, m: Model) -> BaseQuality:
        """The model's own quality, lifted to at least a smaller sibling's plus the size gain the fit predicts between
        them (or the size prior predicts, when larger): figures on different benchmark subsets (a 270M model measured on IFEval only, its 1B sibling on MMLU-Pro
        and GPQA too) must not rank a release's sizes backwards (scaling within one training recipe: Kaplan et al.
        2020, arXiv:2001.08361; Hoffmann et al. 2022, arXiv:2203.15556)."""
        own = self._own_base(m)
        group = self.releases.get(release_key(m), ())
        if not any(x is m for x in group):  # not a catalog model (a from-scratch candidate): no siblings
            return own
        best = own.value
        lifted_by: str | None = None
        for s in group:
            if s is m or s.params_b >= m.params_b:
                continue
            # the larger of the fit's size gain and the size-and-year prior's (same release, same year: a pure size
            # term): a fit on few measured models can flatten the size slope of one task to nothing
            gain = max(0.0, self.prior(m) - self.prior(s))
            if self.fit is not None:
                gain = max(
                    gain,
                    self.fit.predict(_features(m, self.task.id))
                    - self.fit.predict(_features(s, self.task.id)),
                )
            floor = self._own_base(s).value + gain
            if floor > best:
                best, lifted_by = floor, s.id
        if lifted_by is None:
            return own
        note = f"{own.note}; at least its smaller sibling {lifted_by} plus the fitted size gain"
        return BaseQuality(
            round(min(100.0, best), 1), own.basis, own.benchmark, own.benchmark_score, own.source, note
        )

    def _own_base(self, m: Model) -> BaseQuality:
        """A catalog model's quality from its own figures (or the fit), memoised by identity like ``base``."""
        hit = self._own.get(id(m))
        if hit is not None and hit[0] is m:
            return hit[1]
        got = self._compute_base(m)
        if len(self._own) > self._base_limit:
            self._own.clear()
        self._own[id(m)] = (m, got)
        return got

    def _compute_base(self, m: Model) -> BaseQuality:
        got = self.measured(m)
        if got is not None:
            return got
        for table, gap, anchors in self.related:
            there = table.measured(m)
            if there is None:
                continue
            value = min(100.0, max(0.0, there.value + gap))
            note = (
                f"imputed from its {table.task.id} standing {there.value:g} ({there.note.removeprefix(MEASURED_NOTE)})"
                f" {gap:+.1f}, the median gap over {anchors} models measured on both"
            )
            if self.measured_values:
                vals = self.measured_values
                ceiling = vals[min(len(vals) - 1, int(IMPUTED_CEILING * len(vals)))]
                if value > ceiling:
                    value = ceiling
                    note += (
                        f"; capped at the {IMPUTED_CEILING:.0%} quantile of the measured models ({ceiling:g})"
                    )
            return BaseQuality(value=round(value, 1), basis="imputed", note=note)
        if self.fit is not None:
            value = self.fit.predict(_features(m, self.task.id))
            note = (
                f"imputed: ridge fit on {self.fit.n} measured models"
                f" ({', '.join(FEATURE_NAMES[:2])}, family, variant, specialist)"
            )
        else:
            value = self.prior(m)
            note = (
                f"imputed: prior from size and year ({self.n_measured} measured models on {self.task.id}'s"
                f" benchmarks, fewer than the {MIN_FIT_MODELS} a fit needs)"
            )
        if self.measured_values:  # imputation does not extrapolate past what was measured
            vals = self.measured_values
            ceiling = vals[min(len(vals) - 1, int(IMPUTED_CEILING * len(vals)))]
            if m.family not in self.measured_families:
                # no measured model of its architecture family: the fit's family term is unknown for it, so it is
                # not placed above the median measured model (a chat decoder prompted into text classification)
                ceiling = min(ceiling, vals[len(vals) // 2])
            cap_name = (
                "median (no measured model of its family)"
                if m.family not in self.measured_families
                else f"{IMPUTED_CEILING:.0%} quantile"
            )
            if value > ceiling:
                value = ceiling
                note += f"; capped at the {cap_name} of the measured models ({ceiling:g})"
            value = max(value, vals[0])
        return BaseQuality(value=round(value, 1), basis="imputed", note=note)


_CACHE: dict[tuple[int, str], tuple[Any, TaskQuality]] = {}


def related_tables(catalog: Any, task: Task) -> list[TaskQuality]:
    """The quality tables of the task's related tasks (their own related tasks are not followed: one hop)."""
    models = list(catalog.models.values())
    return [
        TaskQuality(catalog.tasks[r], models) for r in task.related if r in catalog.tasks and r != task.id
    ]


def task_quality(catalog: Any, task: Task) -> TaskQuality:
    """The quality table for a task, computed once per loaded catalog (keyed by identity)."""
    key = (id(catalog), task.id)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is catalog:
        return hit[1]
    tq = TaskQuality(task, list(catalog.models.values()), related_tables(catalog, task))
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[key] = (catalog, tq)
    return tq


__all__ = [
    "BaseQuality",
    "TaskQuality",
    "effective_params_b",
    "is_specialist",
    "related_tables",
    "release_key",
    "specialities",
    "task_quality",
]

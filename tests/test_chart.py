"""Quality against cost: the adapter, the Pareto front, and the terminal chart of `advise --explain` and `compare`."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest

import whichmodel
from whichmodel import tradeoff
from whichmodel.tradeoff import Point

NER = ["--task", "ner", "--examples", "5k", "--gpu", "t4", "--serve", "cpu", "--gpu-hours", "10"]
ANSI = re.compile(r"\x1b\[")


def _point(q: float, x: float | None, name: str = "m") -> Point:
    return Point(0, name, None, "lora", q, x, x, None)


def test_pareto_front_keeps_exactly_the_undominated():
    pts = [
        _point(90, 1.0, "a"),
        _point(80, 1.0, "b"),
        _point(95, 5.0, "c"),
        _point(95, 9.0, "d"),
        _point(70, 0.5, "e"),
    ]
    front = {pts[i].model for i in tradeoff.pareto(pts)}
    # b is beaten by a (same cost, better); d by c (same quality, cheaper)
    assert front == {"a", "c", "e"}
    assert tradeoff.pareto([_point(50, None), _point(40, 2.0)]) == {1}


def _rec(**kw):
    base = {
        "rank": 1,
        "model": "x",
        "hub_id": "o/x",
        "strategy": "lora",
        "score": 80.0,
        "estimates": SimpleNamespace(cost_usd=2.0, inference_memory_gb=3.0),
    }
    base.update(kw)
    return SimpleNamespace(**base)


def test_the_adapter_prefers_quality_and_adds_serving_when_known():
    plain = _rec()
    assert tradeoff.quality_of(plain) == (80.0, False)
    rated = _rec(model="rated", quality=SimpleNamespace(value=61.5), score=99.0)
    assert tradeoff.quality_of(rated) == (61.5, True)
    assert tradeoff.quality_of(_rec(quality={"value": 40}))[0] == 40.0
    served = _rec(
        estimates=SimpleNamespace(cost_usd=2.0, inference_memory_gb=3.0, serve_usd_per_million_tokens=0.5)
    )
    assert tradeoff.costs_of(served, 2e6) == (2.0, 0.5 * 2 * 30)
    assert tradeoff.costs_of(_rec(strategy="as-is", estimates=SimpleNamespace(cost_usd=None)), 1e6) == (
        0.0,
        None,
    )

    advice = SimpleNamespace(scope=SimpleNamespace(), recommendations=[rated, served])
    chart = tradeoff.build(advice)
    assert chart.quality_label.startswith("expected quality")
    assert "serving" in chart.x_label and any("--daily-tokens" in n for n in chart.notes)
    advice = SimpleNamespace(scope=SimpleNamespace(daily_tokens=2e6), recommendations=[rated, served])
    chart = tradeoff.build(advice)
    assert not any("--daily-tokens" in n for n in chart.notes)
    assert [p.x for p in chart.points] == [2.0, 2.0 + 30.0]


def test_free_candidates_fall_back_to_serving_memory():
    free = [
        _rec(model=f"m{i}", strategy="as-is", estimates=SimpleNamespace(cost_usd=None, inference_memory_gb=g))
        for i, g in enumerate((1.0, 4.0))
    ]
    chart = tradeoff.build(SimpleNamespace(scope=SimpleNamespace(), recommendations=free))
    assert chart.x_unit == "GB" and [p.x for p in chart.points] == [1.0, 4.0]


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _chart_block(out: str) -> list[str]:
    lines = _lines(out)
    start = next(i for i, line in enumerate(lines) if line.startswith("Quality against cost"))
    return lines[start:]


def test_explain_draws_the_chart_at_80_columns_without_colour(run):
    code, out, err = run("advise", *NER, "--explain", env={"COLUMNS": "80"})
    assert code == 0, err
    assert not ANSI.search(out)
    block = _chart_block(out)
    assert all(len(line) <= 80 for line in block)
    plot = [line for line in block if "┤" in line or "│" in line]
    assert len(plot) == 10
    # the five recommendations appear as their rank digits
    drawn = "".join(line.split("┤")[-1].split("│")[-1] for line in plot)
    assert set("12345") <= set(drawn)
    assert any("Pareto front" in line for line in block)
    assert any("training cost, USD" in line for line in block)


def test_chart_places_points_by_quality():
    advice = whichmodel.advise(task="ner", examples="5k", gpu="t4", serve="cpu", gpu_hours=10)
    from whichmodel.cli.chart import cells

    chart = tradeoff.build(advice)
    rows = cells(chart, 80)
    best = max(chart.points, key=lambda p: p.quality)
    top_row = "".join(c for c, _ in rows[1][1:])  # rows[0] is the axis title
    assert str(best.rank) in top_row


def test_compare_draws_the_chart(run):
    code, out, err = run(
        "compare", "bert-base-ner", "roberta-base", "albert-base-v2", *NER, env={"COLUMNS": "80"}
    )
    assert code == 0, err
    block = _chart_block(out)
    assert "the models ranked by score" in block[1]
    assert all(len(line) <= 80 for line in block)


def test_what_if_is_rendered_when_the_advice_has_it():
    from rich.console import Console

    from whichmodel.cli.chart import show_what_if

    advice = SimpleNamespace(
        what_if=[
            {
                "change": "--gpu-hours 40",
                "model": "llama-3.1-8b-instruct",
                "hub_id": "meta-llama/Llama-3.1-8B-Instruct",
                "strategy": "lora",
                "gpu_hours": 12.5,
                "cost_usd": 14.2,
                "why": "an 8B model fits the larger budget",
            },
            SimpleNamespace(
                change="--license any\x1b[31m",
                model="x",
                hub_id=None,
                strategy=None,
                gpu_hours=None,
                cost_usd=None,
                why=None,
            ),
        ]
    )
    buf = io.StringIO()
    show_what_if(advice, Console(file=buf, width=200, no_color=True))
    text = buf.getvalue()
    assert "What would change the answer" in text
    assert (
        "--gpu-hours 40 → llama-3.1-8b-instruct (lora): 12.5 GPU-h, $14 (an 8B model fits the larger budget)"
        in text
    )
    assert "\x1b" not in text
    buf = io.StringIO()
    show_what_if(SimpleNamespace(), Console(file=buf))
    assert buf.getvalue() == ""


@pytest.mark.parametrize("width", [60, 80, 120])
def test_chart_fits_the_width(width):
    from whichmodel.cli.chart import cells

    advice = whichmodel.advise(task="chat", examples="10k", gpu="rtx-4090", gpu_hours=20, top=15)
    for row in cells(tradeoff.build(advice), width):
        assert len("".join(c for c, _ in row)) <= width

"""`advise --format html`: one self-contained file, every outside string escaped, a chart a browser draws."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import whichmodel
from whichmodel import tradeoff
from whichmodel.cli.render_html import render

CHAT = ["--task", "chat", "--examples", "10k", "--gpu", "rtx-4090", "--gpu-hours", "20"]
VOID = {"meta", "br", "hr", "img", "input", "link", "circle", "line", "polyline", "path", "rect"}


class Tags(HTMLParser):
    """Tag balance and what the document would load from outside."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.external: list[str] = []
        self.count: dict[str, int] = {}
        self.classes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        a = dict(attrs)
        self.classes.append((tag, a.get("class") or "", a.get("data-model") or ""))
        for key in ("src", "href", "xlink:href"):
            if key in a:
                self.external.append(f"{tag} {key}={a[key]}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        a = dict(attrs)
        self.classes.append((tag, a.get("class") or "", a.get("data-model") or ""))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()


def parse(text: str) -> Tags:
    t = Tags()
    t.feed(text)
    t.close()
    return t


def test_report_is_self_contained_and_complete(run):
    code, out, err = run("advise", *CHAT, "--format", "html")
    assert code == 0, err
    _, doc, _ = run("advise", *CHAT, "--json")
    advice = whichmodel.Advice.model_validate_json(doc)
    tags = parse(out)
    assert tags.problems == [] and tags.stack == []
    assert tags.external == []  # no script, stylesheet, font or image from anywhere
    assert "script" not in tags.count and "link" not in tags.count
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", out)
    assert out.startswith("<!doctype html>")
    for r in advice.recommendations:
        assert r.model in out and r.hub_id in out
    assert f"Rejected: {len(advice.rejected)} models" in out
    for a in advice.assumptions:
        assert (
            a.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("'", "&#x27;")
            in out
        )
    for a in advice.scope.assumed:
        assert a.why.replace("'", "&#x27;") in out
    assert "Quality against cost" in out


def test_chart_draws_every_candidate_and_highlights_the_picks(run):
    code, out, _ = run("advise", *CHAT, "--format", "html")
    assert code == 0
    tags = parse(out)
    picks = [m for tag, cls, m in tags.classes if tag == "g" and cls == "rec"]
    others = [m for tag, cls, m in tags.classes if tag == "circle" and cls in ("other", "onfront")]
    advice = whichmodel.advise(task="chat", examples="10k", gpu="rtx-4090", gpu_hours=20)
    assert picks and set(picks) == {r.model for r in advice.recommendations}
    assert len(picks) + len(others) == tags.count["circle"] >= 20
    assert not set(picks) & set(others)
    assert tags.count.get("polyline", 0) == 1  # the Pareto front


def test_every_outside_string_is_escaped():
    advice = whichmodel.advise(task="chat", examples="10k", gpu="rtx-4090", gpu_hours=20)
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    top = advice.recommendations[0].model_copy(
        update={"model": evil, "hub_id": evil, "warnings": [evil], "license": evil, "ready_for": evil}
    )
    advice = advice.model_copy(
        update={"recommendations": [top, *advice.recommendations[1:]], "notes": [evil], "assumptions": [evil]}
    )
    text = render(advice, tradeoff.build(advice), [{"change": evil, "model": evil, "why": evil}])
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    tags = parse(text)
    assert tags.problems == [] and tags.external == []


def test_what_if_rows_are_shown_when_present():
    advice = whichmodel.advise(task="ner", examples="5k", gpu="t4", gpu_hours=10)
    rows = [
        {
            "change": "--gpu-hours 40",
            "model": "m-x",
            "hub_id": "o/m-x",
            "strategy": "lora",
            "gpu_hours": 3.2,
            "cost_usd": 4.5,
            "why": "bigger fits",
        }
    ]
    text = render(advice, tradeoff.build(advice), rows)
    assert "What would change the answer" in text and "--gpu-hours 40" in text and "$4.50" in text
    assert "What would change the answer" not in render(advice, tradeoff.build(advice), [])


def test_unknown_format_names_html(run):
    code, _, err = run("advise", *CHAT, "--format", "pdf")
    assert code == 2 and "html" in err


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)")
def test_a_real_browser_renders_the_report(run, tmp_path):
    code, out, _ = run("advise", *CHAT, "--format", "html")
    assert code == 0
    page = tmp_path / "report.html"
    page.write_text(out, encoding="utf-8")
    home = {"HOME": str(tmp_path)}
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        env=home,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    # the browser built the SVG: as many circles as the source has
    assert dom.stdout.count("<circle") == out.count("<circle") >= 20
    assert "<svg" in dom.stdout and "Quality against cost" in dom.stdout
    png = tmp_path / "shot.png"
    shot = subprocess.run(
        [CHROMIUM, *FLAGS, "--window-size=1200,1700", f"--screenshot={png}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        env=home,
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_docs_show_the_screenshot():
    root = Path(__file__).resolve().parent.parent
    image = root / "docs" / "images" / "report.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "images/report.png" in (root / "docs" / "report.md").read_text()

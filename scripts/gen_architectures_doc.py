"""Regenerate the generated sections of docs/architectures.md from catalog/architectures.yaml and tasks.yaml.

    python scripts/gen_architectures_doc.py          # rewrite the generated sections
    python scripts/gen_architectures_doc.py --check  # exit 1 if they are out of date

The prose around the sections is written by hand; only the text between the
`<!-- BEGIN GENERATED: name -->` and `<!-- END GENERATED: name -->` markers is replaced.
tests/test_readme.py fails while the committed page is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/ when imported by a test
from generated import write_or_check

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "architectures.md"
BEGIN = "<!-- BEGIN GENERATED: {name} -->"
END = "<!-- END GENERATED: {name} -->"
FIT = {"good": "good", "possible": "possible", "poor": "poor (vetoed)"}


def _catalog():  # -> Catalog
    from whichmodel.catalog import load_catalog

    return load_catalog(use_env=False)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def overview() -> str:
    cat = _catalog()
    lines = ["| family | attention | pre-training objectives | typical tasks |", "|---|---|---|---|"]
    for a in cat.architectures.values():
        objectives = ", ".join(f"{o.name} (`{o.id}`)" for o in a.objectives)
        lines.append(
            f"| [{a.id}](#{a.id}) | {_cell(a.attention)} | {_cell(objectives)} | "
            f"{_cell(', '.join(a.typical_tasks))} |"
        )
    return "\n".join(lines)


def families() -> str:
    cat = _catalog()
    out: list[str] = []
    for a in cat.architectures.values():
        out += [f"### {a.id}", "", f"**{a.name}.** {' '.join(a.summary.split())}", ""]
        out += [f"**Attention:** {a.attention}.", ""]
        out += ["**Pre-training objectives:**", ""]
        for o in a.objectives:
            examples = f" Examples: {', '.join(o.examples)}." if o.examples else ""
            out.append(f"- **{o.name}** (`{o.id}`): {' '.join(o.description.split())}{examples}")
        out += ["", "**Good at:**", ""]
        out += [f"- {x}" for x in a.good_at]
        out += ["", "**Weak at:**", ""]
        out += [f"- {x}" for x in a.bad_at]
        out += ["", f"**Example models:** {', '.join(a.example_models)}.", ""]
        if a.pretrain_template:
            out += [
                f"**Template for training from scratch:** `{a.pretrain_template}` (its shape sizes a "
                f"`pretrain` recommendation of this family).",
                "",
            ]
        out += ["**Sources:**", ""]
        out += [f"- {s}" for s in a.sources]
        out.append("")
    return "\n".join(out).rstrip()


def fit_matrix() -> str:
    cat = _catalog()
    fams = list(cat.architectures)
    lines = ["| task | " + " | ".join(fams) + " |", "|---|" + "---|" * len(fams)]
    for t in cat.tasks.values():
        cells = [FIT.get(t.families[f].fit, t.families[f].fit) if f in t.families else "-" for f in fams]
        lines.append(f"| [`{t.id}`](#{t.id}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def task_reasons() -> str:
    cat = _catalog()
    out: list[str] = []
    for t in cat.tasks.values():
        tag = f"Hugging Face pipeline tag `{t.pipeline_tag}`" if t.pipeline_tag else "our own task id"
        aliases = f" Aliases: {', '.join(f'`{a}`' for a in t.aliases)}." if t.aliases else ""
        out += [f"#### {t.id}", "", f"{t.name}: {' '.join(t.description.split())} ({tag}.){aliases}", ""]
        for fam, fit in t.families.items():
            out.append(f"- **{fam}**, {FIT.get(fit.fit, fit.fit)}: {' '.join(fit.reason.split())}")
        out += ["", "Sources: " + "; ".join(" ".join(s.split()) for s in t.sources), ""]
    return "\n".join(out).rstrip()


SECTIONS = {
    "overview": overview,
    "families": families,
    "fit-matrix": fit_matrix,
    "task-reasons": task_reasons,
}


def render() -> str:
    text = TARGET.read_text(encoding="utf-8")
    for name, fn in SECTIONS.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise SystemExit(f"{TARGET.relative_to(ROOT)}: missing markers for {name}")
        body = fn()
        text = pattern.sub(lambda _m, body=body, b=begin, e=end: f"{b}\n{body}\n{e}", text)
    return text


def main() -> int:
    return write_or_check(TARGET, render(), "gen_architectures_doc.py", "--check" in sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

"""Help that teaches: real example commands under every command's help, options grouped in panels,
readable argument names, and command summaries that wrap instead of being cut with "...".

:func:`teach` walks the click command tree Typer builds and gives every command the examples in
:data:`EXAMPLES` and the option groups in :data:`PANELS` (an option's own ``rich_help_panel`` wins).
Plain click formatting is kept (no Rich at start-up); only the layout changes.
"""

from __future__ import annotations

import re
from typing import Any

# command path -> (example command, what it does). Every example is a real command line:
# tests/test_cli_polish.py parses each one against the app.
EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "whichmodel": [
        ("whichmodel interview", "answer a few questions and get a recommendation"),
        ("whichmodel advise --task summarization --gpu-hours 50", "advise in one command"),
    ],
    "whichmodel advise": [
        ("whichmodel advise --task summarization --gpu-hours 50", "a summarizer with a 50 GPU-hour budget"),
        (
            "whichmodel advise --task ner --examples 20k --serve auto --license commercial",
            "a tagger with 20k labels, served on this machine, for a product",
        ),
    ],
    "whichmodel interview": [
        ("whichmodel interview", "the guided questionnaire"),
        ("whichmodel interview --save scope.yaml", "keep the answers; replay with advise --scope scope.yaml"),
    ],
    "whichmodel recipe": [
        (
            "whichmodel recipe --task chat --examples 10k --gpu rtx-4090 --gpu-hours 20",
            "a TRL training script for the top pick",
        ),
        (
            "whichmodel recipe --task chat --examples 10k --gpu rtx-4090 --gpu-hours 20 --to axolotl",
            "the same as an Axolotl config",
        ),
        (
            "whichmodel recipe --task ner --examples 5k --gpu t4 --rank 2",
            "a Trainer script for the second pick",
        ),
    ],
    "whichmodel compare": [
        (
            "whichmodel compare bart-large-cnn distilbart-cnn-12-6 --task summarization",
            "two summarizers side by side",
        ),
    ],
    "whichmodel estimate": [
        ("whichmodel estimate llama-3.1-8b --strategy qlora --examples 10k", "QLoRA on 10k examples"),
        (
            "whichmodel estimate --params 7B --strategy inference --gpu rtx-4090",
            "serving a 7B model on an RTX 4090",
        ),
    ],
    "whichmodel tasks": [("whichmodel tasks", "every task, its aliases and family fit")],
    "whichmodel architectures": [("whichmodel architectures", "the three transformer families explained")],
    "whichmodel schema": [
        ("whichmodel schema > advice.schema.json", "the JSON Schema of advise --json"),
        ("whichmodel schema estimate", "the JSON Schema of estimate --json"),
    ],
    "whichmodel rules": [
        ("whichmodel rules", "every rule: constraints that veto, preferences that score"),
        ("whichmodel rules quality --json", "how expected quality is computed, as JSON"),
    ],
    "whichmodel catalog": [("whichmodel catalog list --task ner", "the catalog's models for a task")],
    "whichmodel catalog list": [
        ("whichmodel catalog list --task summarization", "models for a task"),
        ("whichmodel catalog list --family encoder-only --json", "every encoder, as JSON"),
    ],
    "whichmodel catalog show": [("whichmodel catalog show bert-base-uncased", "one entry with its sources")],
    "whichmodel catalog validate": [
        ("whichmodel catalog validate my-models.yaml", "check your own catalog file"),
    ],
    "whichmodel catalog accelerators": [("whichmodel catalog accelerators", "GPUs and serving targets")],
    "whichmodel catalog languages": [("whichmodel catalog languages", "the language codes --language takes")],
    "whichmodel hub": [("whichmodel hub refresh", "fetch downloads and licences for every catalog model")],
    "whichmodel hub refresh": [
        ("whichmodel hub refresh", "every catalog model"),
        ("whichmodel hub refresh bert-base-uncased --timeout 5", "one model, 5 s per request"),
    ],
    "whichmodel hub info": [("whichmodel hub info bert-base-uncased --live", "ask the Hub now")],
    "whichmodel hub card": [
        ("whichmodel hub card google-bert/bert-base-uncased", "licence, languages, datasets")
    ],
    "whichmodel hub discover": [
        ("whichmodel hub discover --task ner --limit 5", "the top 5 Hub models for NER")
    ],
}

# option -> the group its help shows it in (when the option sets no rich_help_panel itself)
PANELS: dict[str, str] = {
    **dict.fromkeys(
        ("--task", "--language", "--examples", "--domain-tokens", "--input-tokens", "--domain", "--license"),
        "Your application",
    ),
    **dict.fromkeys(("--gpu-hours", "--gpu", "--gpus", "--serve"), "Budget and hardware"),
    **dict.fromkeys(("--scope", "--catalog", "--save", "--output", "--force"), "Files"),
    **dict.fromkeys(("--json", "--format", "--explain", "--top"), "Output"),
    **dict.fromkeys(("--discover", "--timeout", "--live"), "Hub"),
}
OTHER = "Options"
PANEL_ORDER = ("Your application", "Budget and hardware", "Files", "Hub", "Output")


def _panel(param: Any) -> str:
    own = getattr(param, "rich_help_panel", None)
    if own:
        return str(own)
    names = getattr(param, "opts", [])
    return next((PANELS[n] for n in names if n in PANELS), OTHER)


class Teaching:
    """The help layout :func:`teach` gives each command (bound to the command object itself)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = type(self).collect_usage_pieces(self, ctx)
        return [re.sub(r"\{([A-Z_]+)\}", r"\1", p) for p in pieces]  # "{MODEL}..." -> "MODEL..."

    def format_options(self, ctx: Any, formatter: Any) -> None:
        params = [p for p in self.get_params(ctx) if not getattr(p, "hidden", False)]  # type: ignore[attr-defined]
        args = []
        for p in params:
            if p.param_type_name == "argument":
                record = p.get_help_record(ctx)
                if record is not None:
                    name = p.metavar or p.human_readable_name.upper()
                    args.append((name + ("..." if p.nargs == -1 else ""), record[1]))
        if args:
            with formatter.section("Arguments"):
                formatter.write_dl(args)
        groups: dict[str, list[tuple[str, str]]] = {}
        for p in params:
            if p.param_type_name == "argument":
                continue
            record = p.get_help_record(ctx)
            if record is not None:
                groups.setdefault(_panel(p), []).append(record)
        order = [g for g in PANEL_ORDER if g in groups] + [g for g in groups if g not in PANEL_ORDER]
        for name in order:
            with formatter.section(name):
                formatter.write_dl(groups[name])
        if hasattr(self, "list_commands"):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command with its whole first paragraph (wrapped, never cut with "...")."""
        rows = []
        for name in self.list_commands(ctx):  # type: ignore[attr-defined]
            cmd = self.get_command(ctx, name)  # type: ignore[attr-defined]
            if cmd is None or cmd.hidden:
                continue
            rows.append((name, summary(cmd)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        examples = getattr(self, "examples", None)
        if not examples:
            return
        with formatter.section("Examples"):
            pad = " " * formatter.current_indent
            for i, (command, what) in enumerate(examples):
                if i:
                    formatter.write("\n")
                formatter.write(f"{pad}# {what}\n{pad}$ {command}\n")  # a command is never wrapped


def summary(cmd: Any) -> str:
    """A command's first paragraph, on one line."""
    import inspect

    text = inspect.cleandoc(cmd.help or "").split("\n\n", 1)[0]
    return " ".join(text.split())


METHODS = ("collect_usage_pieces", "format_options", "format_commands", "format_epilog")


def teach(cmd: Any, path: str = "whichmodel") -> Any:
    """Give ``cmd`` and every subcommand their examples and the teaching help layout; returns ``cmd``."""
    import types

    for name in METHODS:
        if name == "format_commands" and not hasattr(cmd, "list_commands"):
            continue
        setattr(cmd, name, types.MethodType(getattr(Teaching, name), cmd))
    cmd.examples = EXAMPLES.get(path, [])
    for name, sub in getattr(cmd, "commands", {}).items():
        teach(sub, f"{path} {name}")
    return cmd

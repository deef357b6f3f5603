"""docs/cli.md is generated from the Typer app and stays current; it covers every command and option."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI_MD = ROOT / "docs" / "cli.md"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_cli_reference", ROOT / "scripts" / "gen_cli_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree():
    """Every visible command as (path, command, context)."""
    gen = _generator()
    from whichmodel.cli.app import build_command

    root = build_command()
    return [(c.command_path, cmd, c) for cmd, c in gen._walk(root, gen._context(root, "whichmodel"))]


def test_cli_reference_is_current():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_reference_covers_every_command_and_option():
    text = CLI_MD.read_text(encoding="utf-8")
    headings = set(re.findall(r"^## `(whichmodel[^`]*)`$", text, re.M))
    tree = _tree()
    assert len(tree) >= 15, [p for p, _, _ in tree]
    for path, cmd, ctx in tree:
        assert path in headings, f"{path} has no section in docs/cli.md"
        section = text.split(f"## `{path}`\n", 1)[1].split("\n## ", 1)[0]
        for param in cmd.get_params(ctx):
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert f"{opt}" in section, f"{path}: {opt} is not documented"
    # and nothing documented that the app no longer has
    assert headings == {p for p, _, _ in tree}


def test_every_internal_link_of_the_reference_resolves():
    text = CLI_MD.read_text(encoding="utf-8")
    anchors = {h.replace(" ", "-") for h in re.findall(r"^## `([^`]*)`$", text, re.M)}
    for target in re.findall(r"\]\(#([^)]+)\)", text):
        assert target in anchors, target
    for target in re.findall(r"\]\(([a-z0-9_-]+\.md)\)", text):
        assert (ROOT / "docs" / target).exists(), target

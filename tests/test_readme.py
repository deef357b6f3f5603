"""The README: its two set-up commands are exactly what CI runs; it mentions every command; its links work."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_readme_has_two_setup_commands_and_ci_runs_them():
    commands = readme_setup_commands()
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci, f"{command!r} is not a line of .ci/run"
    assert "pip install" in commands[0] and "whichmodel advise" in commands[0]


def _top_level_commands() -> list[str]:
    from whichmodel.cli.app import build_command

    root = build_command()
    ctx = root.make_context("whichmodel", [], resilient_parsing=True)
    return [name for name in root.list_commands(ctx) if not root.get_command(ctx, name).hidden]


def test_readme_mentions_every_top_level_command():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _top_level_commands()
    assert {"advise", "catalog", "hub"} <= set(commands)
    for name in commands:
        assert f"whichmodel {name}" in text, f"the README does not mention `whichmodel {name}`"


def _relative_links(path: Path) -> list[str]:
    """Relative link targets of a Markdown page (with any #anchor), outside code blocks."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # links inside code blocks are not links
    return [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if "://" not in t]


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    out = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


def _check_link(page: Path, target: str) -> None:
    file_part, _, anchor = target.partition("#")
    dest = (page.parent / file_part) if file_part else page
    assert dest.exists(), f"{page.name} links to {target}: {file_part} does not exist"
    if anchor and dest.suffix == ".md":
        assert anchor in _anchors(dest), f"{page.name} links to {target}: no such heading in {dest.name}"


def test_every_docs_link_in_the_readme_exists():
    readme = ROOT / "README.md"
    links = [t for t in _relative_links(readme) if t.startswith("docs/")]
    assert len(links) >= 10, links
    for target in _relative_links(readme):
        _check_link(readme, target)


def test_every_relative_link_in_the_docs_exists():
    for page in sorted((ROOT / "docs").glob("*.md")):
        for target in _relative_links(page):
            _check_link(page, target)


def test_docs_index_lists_every_page():
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs").glob("*.md")):
        if page.name != "index.md":
            assert f"({page.name})" in index, f"docs/index.md does not link {page.name}"


def test_architectures_page_is_current():
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_architectures_doc.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr

"""The write-or-check step every docs generator ends with."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(target: Path, new: str, script: str, check: bool) -> int:
    """With ``check``: 1 (and a line saying so) when ``target`` differs from ``new``. Else write it if it differs."""
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    if old == new:
        return 0
    name = target.relative_to(ROOT)
    if check:
        print(f"stale: {name} (run: python scripts/{script})")
        return 1
    target.write_text(new, encoding="utf-8")
    print(f"wrote {name}")
    return 0

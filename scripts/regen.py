"""Regenerate (default) or check (``--check``) every generated doc and README block, in one run.

    python scripts/regen.py            # rewrite what is stale
    python scripts/regen.py --check    # exit 1 and name each stale file (CI, pre-commit, tests/test_docs.py)

Each generator is a script beside this one that takes ``--check``; adding one means adding its name here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATORS = (
    "gen_docs.py",  # rule table, JSON schema, README examples
    "gen_catalog_schema.py",  # docs/catalog.schema.json, catalog counts in docs/catalog.md
    "gen_architectures_doc.py",
    "gen_cli_reference.py",  # docs/cli.md
    "gen_estimates_table.py",  # calibration table in docs/estimates.md
    "gen_scenarios_doc.py",  # docs/scenarios.md
)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    failed = []
    for script in GENERATORS:
        path = HERE / script
        if not path.exists():
            continue
        args = [sys.executable, str(path)] + (["--check"] if check else [])
        if subprocess.run(args, check=False).returncode != 0:
            failed.append(script)
    if failed:
        print(f"{'stale' if check else 'failed'}: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""How often the guidance's model is #1 and in the top 3 over tests/data/scenarios.yaml.

Usage: python scripts/scenario_hits.py [--verbose] [--json]
A scenario counts as a hit at k when one of the first k recommendations is an acceptable model (its `models` or
`model_families`). Runs the engine in-process on the bundled catalog; prints the rates and, with --verbose, each miss.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "data" / "scenarios.yaml"
sys.path.insert(0, str(ROOT / "tests"))


def hits(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per scenario: id, hit@1, hit@3, hit@top_k and the first three hub ids."""
    from scenario_schema import Scenario  # tests/
    from whichmodel.catalog import load_catalog
    from whichmodel.engine import advise
    from whichmodel.scope import ScopeInput, normalize

    catalog = load_catalog()
    rows = []
    for entry in raw["scenarios"]:
        scenario = Scenario.model_validate(entry)
        k = max(3, scenario.expect.top_k)
        scope = normalize(ScopeInput.model_validate({**entry["scope"], "top": k}), catalog)
        recs = advise(scope, catalog).recommendations
        ids = [str(r.hub_id) for r in recs]
        ok = [scenario.expect.accepts(h) for h in ids]
        rows.append(
            {
                "id": scenario.id,
                "top1": bool(ok[:1] and ok[0]),
                "top3": any(ok[:3]),
                "topk": any(ok[: scenario.expect.top_k]),
                "picks": ids[:3],
                "strategy": recs[0].strategy if recs else None,
            }
        )
    return rows


def main(argv: list[str]) -> int:
    raw = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    rows = hits(raw)
    n = len(rows)
    summary = {k: sum(r[k] for r in rows) for k in ("top1", "top3", "topk")}
    if "--json" in argv:
        print(json.dumps({"n": n, **summary, "rows": rows}, indent=1))
        return 0
    if "--verbose" in argv:
        for r in rows:
            if not r["top1"]:
                mark = "top3" if r["top3"] else "MISS"
                print(f"{r['id']:5} {mark:4} {r['strategy']}: {', '.join(r['picks'])}")
    print(
        f"scenarios {n}: #1 {summary['top1']}/{n}, top 3 {summary['top3']}/{n}, top k {summary['topk']}/{n}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Scale benchmark: advise over a 10,000- and a 20,000-model catalog passed with --catalog, in one run.

Writes synthetic catalogs (copies of the bundled models under new ids), times `advise --json` on each
(interleaved, medians). Targets: 10k under 3 s; 20k at most 2.3x the time of 10k.
Usage: python benchmarks/scale.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import WHICHMODEL, timed


def synthetic(n: int, path: Path) -> None:
    out = subprocess.run(
        [WHICHMODEL, "catalog", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    base = json.loads(out.stdout)
    models = []
    for i in range(n):
        m = dict(base[i % len(base)])
        m["id"] = f"synthetic-{i:05d}-{m['id']}"
        m["hub_id"] = f"synthetic/{m['id']}"
        models.append(m)
    path.write_text(json.dumps({"models": models}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    exe = WHICHMODEL
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, WHICHMODEL_CACHE_DIR=str(Path(tmp) / "cache"))
        files = {}
        for n in (10_000, 20_000):
            files[n] = Path(tmp) / f"catalog-{n}.json"
            synthetic(n, files[n])
        cmds = {
            n: [exe, "advise", "--task", "summarization", "--gpu-hours", "50", "--json", "--catalog", str(p)]
            for n, p in files.items()
        }
        times: dict[int, list[float]] = {n: [] for n in cmds}
        for n in cmds:  # warm-up (builds the compiled cache where there is one)
            timed(cmds[n], env)
        for _ in range(args.rounds):
            for n in cmds:
                times[n].append(timed(cmds[n], env))
    t10, t20 = statistics.median(times[10_000]), statistics.median(times[20_000])
    print(f"10,000 models: median {t10:.2f} s (target < 3 s)")
    print(f"20,000 models: median {t20:.2f} s")
    print(f"growth 20k/10k: {t20 / t10:.2f} (target <= 2.3)")
    return 0 if t10 < 3 and t20 / t10 <= 2.3 else 1


if __name__ == "__main__":
    sys.exit(main())

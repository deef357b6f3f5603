"""Scale benchmark, in one run: a 10,000-model catalog (warm cache), a 100,000-model plain JSON catalog,
and the growth of validation time with the number of broken entries.

1. 10,000 models (copies of the bundled ones under new ids, passed with --catalog): the catalog load and
   the engine, in this process, cache warm (medians of --rounds). Target: load + engine < 0.4 s.
2. 100,000 plain JSON models (the reliability review's D6 file): `whichmodel advise --json` end to end,
   cold and warm, wall time and peak memory of the child. Target: < 3 s and < 600 MB.
3. Validation of 1,000 / 2,000 / 4,000 broken entries (`catalog validate`, in process): the time for 4,000
   over the time for 1,000. Target: <= 6 (linear is 4; 0.1 was quadratic, 16 and more).

Prints every figure and exits 1 when a target is missed. On a shared machine wall times grow with the load:
compare revisions back to back (``PYTHONPATH=<other tree>/src python benchmarks/scale.py``), and check with
``benchmarks/same_advice.py`` that a speed-up changed no advice. Usage: python benchmarks/scale.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import WHICHMODEL, timed


def synthetic(n: int, path: Path) -> None:
    """``n`` models: the bundled catalog's, over and over under new ids."""
    out = subprocess.run(
        [WHICHMODEL, "catalog", "list", "--json"], capture_output=True, text=True, check=True
    )
    base = json.loads(out.stdout)
    models = []
    for i in range(n):
        m = dict(base[i % len(base)])
        m["id"] = f"synthetic-{i:06d}-{m['id']}"[:120]
        m["hub_id"] = f"synthetic/{m['id']}"
        models.append(m)
    path.write_text(json.dumps({"models": models}))


def plain(n: int, path: Path) -> None:
    """``n`` minimal encoder models, as the reliability review's D6 command writes them."""
    m = {
        "family": "encoder-only",
        "objective": "masked-lm",
        "params_b": 0.1,
        "context_tokens": 512,
        "license": "mit",
        "languages": ["en"],
        "tasks": ["text-classification"],
        "sources": ["my notes"],
    }
    path.write_text(json.dumps({"models": [dict(m, id=f"big-{i}", hub_id=f"me/big-{i}") for i in range(n)]}))


def child_run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak MB) of one run of ``cmd``, measured by a fresh wrapper process (so the peak is its own)."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *cmd], env=env, capture_output=True, text=True, check=True
    )
    seconds, kb = out.stdout.split()
    return float(seconds), int(kb) / 1024


def in_process_10k(path: Path, rounds: int) -> tuple[float, float]:
    """Median (load, engine) seconds for advise over ``path`` in this process, cache warm."""
    from datetime import UTC, datetime

    from whichmodel.catalog import load_catalog
    from whichmodel.cli.scopeargs import build_scope
    from whichmodel.engine import advise

    load_catalog([path], use_env=False)  # warm the cache
    loads, engines = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        cat = load_catalog([path], use_env=False)
        t1 = time.perf_counter()
        scope = build_scope(
            cat, None, {"tasks": ["summarization"], "gpu_hours": "50"}
        )  # as the flags give it
        advise(scope, cat, snapshot=None, now=datetime.now(UTC))
        t2 = time.perf_counter()
        loads.append(t1 - t)
        engines.append(t2 - t1)
    return statistics.median(loads), statistics.median(engines)


def validation_growth(folder: Path) -> dict[int, float]:
    """Seconds to validate files of 1,000, 2,000 and 4,000 broken entries (each reported with its line)."""
    from whichmodel.catalog import read_file

    times = {}
    for n in (1000, 2000, 4000):
        p = folder / f"broken-{n}.yaml"
        p.write_text("models:\n" + "".join(f"- {{id: m{i}}}\n" for i in range(n)))
        t = time.perf_counter()
        result = read_file(p)
        times[n] = time.perf_counter() - t
        assert len({pr.line for pr in result.problems}) == n
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cache = folder / "cache"
        cache.mkdir(mode=0o700)
        os.environ["WHICHMODEL_CACHE_DIR"] = str(cache)
        env = dict(os.environ, HF_HUB_OFFLINE="1")

        p10 = folder / "catalog-10k.json"
        synthetic(10_000, p10)
        load, engine = in_process_10k(p10, args.rounds)
        total = load + engine
        print(
            f"10,000 models, cache warm: load {load:.3f} s + engine {engine:.3f} s = {total:.3f} s (target < 0.4 s)"
        )
        ok &= total < 0.4
        t10 = statistics.median(
            timed([WHICHMODEL, "advise", "--task", "summarization", "--json", "--catalog", str(p10)], env)
            for _ in range(args.rounds)
        )
        print(f"10,000 models, `advise --json` end to end: median {t10:.2f} s")

        p100 = folder / "catalog-100k.json"
        plain(100_000, p100)
        cmd = [WHICHMODEL, "advise", "--task", "text-classification", "--json", "--catalog", str(p100)]
        cold = child_run(cmd, env)
        warm = min((child_run(cmd, env) for _ in range(args.rounds)), key=lambda r: r[0])
        for label, (secs, mb) in (("first run", cold), ("best later run", warm)):
            print(
                f"100,000 plain JSON models, {label}: {secs:.2f} s, peak {mb:.0f} MB (target < 3 s, < 600 MB)"
            )
        ok &= cold[0] < 3 and max(cold[1], warm[1]) < 600

        growth = validation_growth(folder)
        ratio = growth[4000] / growth[1000]
        print(
            "validation of broken entries: "
            + ", ".join(f"{n:,}: {s:.2f} s" for n, s in growth.items())
            + f"; 4,000/1,000 = {ratio:.1f} (target <= 6; linear is 4)"
        )
        ok &= ratio <= 6
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

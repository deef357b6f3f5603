"""Start-up benchmark: `whichmodel advise ... --json` against the smallest Typer app, in one run.

Runs both commands interleaved (N rounds), reports the medians and their ratio. Target: ratio <= 1.2
(issue 14; 0.1 measured 1.41-1.45; 2026-12-02 ~1.6, four fifths of the gap being the engine's run, mostly its
`what_if` re-rankings: docs/performance.md).
Usage: python benchmarks/startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import WHICHMODEL


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds: user + system) of one run of ``cmd`` (output discarded; a failure
    raises). The CPU time is what the run itself costs: on a shared, loaded machine the wall clock also counts
    the time spent waiting for a core. It is the child's own resource usage (``os.wait4``), to the microsecond:
    ``os.times()`` counts in clock ticks (10 ms), as coarse as the difference being measured."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return wall, usage.ru_utime + usage.ru_stime


TARGET = 1.2

MINIMAL_APP = """
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


@app.command()
def bye() -> None:
    print("bye")


if __name__ == "__main__":
    app()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    exe = WHICHMODEL
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "minimal_app.py"
        app.write_text(MINIMAL_APP)
        env = dict(os.environ, WHICHMODEL_CACHE_DIR=str(Path(tmp) / "cache"))
        typer_cmd = [sys.executable, str(app), "hello", "--name", "x"]
        wm_cmd = [exe, "advise", "--task", "summarization", "--gpu-hours", "50", "--json"]
        # Byte-compile whichmodel as `pip install` does (an editable install under PYTHONDONTWRITEBYTECODE=1
        # would otherwise recompile every module on every run), then warm up: page cache, compiled catalog.
        import whichmodel

        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(Path(whichmodel.__file__).parent)], check=True
        )
        timed(typer_cmd, env)
        timed(wm_cmd, env)
        t_typer, t_wm = [], []
        for _ in range(args.rounds):
            t_typer.append(timed(typer_cmd, env))
            t_wm.append(timed(wm_cmd, env))
    m_typer, m_wm = (statistics.median(w for w, _ in t) for t in (t_typer, t_wm))
    c_typer, c_wm = (statistics.median(c for _, c in t) for t in (t_typer, t_wm))
    ratio = m_wm / m_typer
    print(
        f"minimal Typer app:        median {m_typer * 1000:7.1f} ms ({c_typer * 1000:6.1f} ms CPU) over {args.rounds} runs"
    )
    print(
        f"whichmodel advise --json: median {m_wm * 1000:7.1f} ms ({c_wm * 1000:6.1f} ms CPU) over {args.rounds} runs"
    )
    print(f"ratio: {ratio:.2f} (target <= {TARGET}); CPU time ratio {c_wm / c_typer:.2f}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

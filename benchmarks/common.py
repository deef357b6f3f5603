"""Shared pieces of the benchmark scripts: the installed executable and a timed subprocess run."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

WHICHMODEL = str(Path(sys.executable).with_name("whichmodel"))


def timed(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds one run of ``cmd`` takes (output discarded; a failure raises)."""
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - start

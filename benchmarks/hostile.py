"""Hostile-input benchmark: how fast each bomb of the 0.1 reliability review is refused, in one run.

Each bomb is timed twice: the refusal itself in this process (the target: under 1 s each), and the whole
command in a subprocess (start-up included, for reference). Bombs:

- D1 merge-key bomb: 6,000 `<<: *b` merges of a 6,000-key mapping (119 KB; 0.1 took 30 s and 1.5 GB);
- alias bomb: nine levels of ten aliases (a billion nodes);
- oversized file: a 65 MB scope file (the limit is 64 MB) and a FIFO without a writer;
- D17 gzip bomb: a Hub answer of ~1 MB of gzip that expands to 256 MiB (0.1 inflated it all);
- D17 huge body: a Hub answer declaring 2 GB.

Usage: python benchmarks/hostile.py   (exits 1 when a refusal takes 1 s or more)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import WHICHMODEL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import fakehub  # the tests' fake Hub: no network

TARGET_S = 1.0


def merge_bomb(k: int = 6000) -> str:
    big = "big: &b {" + ", ".join(f"k{i}: 0" for i in range(k)) + "}\n"
    return big + "l: [" + ", ".join(["{<<: *b}"] * k) + "]\n"


def alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def refuse_file(path: Path) -> float:
    from whichmodel import yamlio

    start = time.perf_counter()
    try:
        yamlio.load(path)
    except yamlio.DocumentError:
        return time.perf_counter() - start
    raise AssertionError(f"{path.name} was not refused")


def refuse_response(hub: fakehub.FakeHub, fault: str) -> float:
    from whichmodel.hub.refresh import fetch_one
    from whichmodel.hub.settings import HubError, HubSettings

    hub.faults["google-t5/t5-base"] = fault
    settings = HubSettings.from_env()
    fetch_one("openai-community/gpt2", settings)  # warm: imports, client
    start = time.perf_counter()
    try:
        fetch_one("google-t5/t5-base", settings)
    except HubError as exc:
        assert "abandoned" in exc.message, exc.message
        return time.perf_counter() - start
    raise AssertionError(f"the {fault} answer was accepted")


def command(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([WHICHMODEL, *args], env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    assert proc.returncode in (1, 2) and "Traceback" not in proc.stderr, proc.stderr[-500:]
    return elapsed


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "cache").mkdir(mode=0o700)
        env = dict(os.environ, WHICHMODEL_CACHE_DIR=str(folder / "cache"), HF_HUB_OFFLINE="1", NO_COLOR="1")
        files = {
            "merge-key bomb (D1)": ("m.yaml", merge_bomb()),
            "alias bomb": ("a.yaml", alias_bomb()),
            "65 MB scope file": ("big.yaml", None),
            "FIFO without a writer (D7)": ("f.yaml", "fifo"),
        }
        for label, (name, text) in files.items():
            p = folder / name
            if text is None:
                with open(p, "wb") as f:
                    f.truncate(65 * 1024 * 1024)
            elif text == "fifo":
                os.mkfifo(p)
            else:
                p.write_text(text)
            inner = refuse_file(p)
            outer = command(["advise", "--scope", str(p), "--json"], env)
            ok &= inner < TARGET_S
            print(f"{label:32} refused in {inner * 1000:7.1f} ms; `advise --scope` exits in {outer:.2f} s")

        hub = fakehub.FakeHub().start()
        try:
            hub.add("google-t5/t5-base")
            hub.add("openai-community/gpt2")
            fakehub.gzip_bomb()
            os.environ.update(HF_ENDPOINT=hub.url, WHICHMODEL_HUB_TIMEOUT="10", WHICHMODEL_HUB_DEADLINE="20")
            os.environ.pop("HF_HUB_OFFLINE", None)
            live = dict(env, HF_ENDPOINT=hub.url)
            live.pop("HF_HUB_OFFLINE")
            for label, fault in (("gzip bomb answer (D17)", "gzip-bomb"), ("2 GB answer (D17)", "huge")):
                inner = refuse_response(hub, fault)
                outer = command(["hub", "info", "t5-base", "--live", "--json"], live)
                ok &= inner < TARGET_S
                print(
                    f"{label:32} refused in {inner * 1000:7.1f} ms; `hub info --live` exits in {outer:.2f} s"
                )
        finally:
            hub.stop()
    print(f"target: every refusal under {TARGET_S:g} s -> {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

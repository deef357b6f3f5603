"""Hostile pass II: classes of bad input found outside the 0.1 findings, run end to end with the installed
script (the standard streams, the environment and special files cannot be faked in-process)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ADVISE = ["advise", "--task", "summarization"]


def _script() -> str:
    exe = Path(sys.executable).with_name("whichmodel")
    found = str(exe) if exe.exists() else shutil.which("whichmodel")
    if not found:
        pytest.skip("the whichmodel script is not installed")
    return found


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache folder for the compiled catalog, so each run does not rebuild it."""
    return tmp_path_factory.mktemp("cache")


def whichmodel(
    args: list[str], cache: Path, env: dict[str, str] | None = None, **kw
) -> subprocess.CompletedProcess:
    full = {
        k: v for k, v in os.environ.items() if k not in ("WHICHMODEL_DEBUG", "WHICHMODEL_CATALOG", "COLUMNS")
    }
    full.update({"WHICHMODEL_CACHE_DIR": str(cache), "NO_COLOR": "1", "HF_HUB_OFFLINE": "1", **(env or {})})
    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [_script(), *args],
        env=full,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
        **kw,
    )


def no_crash(err: str) -> None:
    for marker in ("Traceback", "Internal error", "Exception ignored"):
        assert marker not in err, err


# --- the standard streams: an encoding without the characters, a full disk, a closed stream ----------------

ENCODED = [
    ("ascii", [*ADVISE]),
    ("ascii", [*ADVISE, "--format", "markdown"]),
    ("ascii", ["catalog", "list"]),
    ("latin-1", [*ADVISE, "--format", "html"]),
    ("latin-1", ["estimate", "t5-base", "-s", "lora"]),
    ("ascii", [*ADVISE, "--json"]),
]


@pytest.mark.parametrize("encoding, args", ENCODED, ids=[f"{e} {' '.join(a)}" for e, a in ENCODED])
def test_output_in_an_encoding_without_its_characters_still_prints(encoding, args, cache):
    """PYTHONIOENCODING=ascii or a latin-1 terminal: "·", "→", "×" are written as "?", not an internal error
    half-way through a table."""
    proc = whichmodel(args, cache, env={"PYTHONIOENCODING": encoding})
    err = proc.stderr.decode(encoding, "replace")
    no_crash(err)
    assert proc.returncode == 0, err
    out = proc.stdout.decode(encoding)  # every byte is in the encoding
    assert "t5" in out or "pegasus" in out or "bart" in out or "model" in out, out[:300]
    if "--json" in args:
        assert json.loads(out)["recommendations"]


UNWRITABLE = [
    (target, args)
    for target in ("full", "closed")
    for args in (["tasks"], [*ADVISE, "--json"], [*ADVISE, "--format", "html"], ["schema"])
]


@pytest.mark.parametrize("target, args", UNWRITABLE, ids=[f"{t} {' '.join(a)}" for t, a in UNWRITABLE])
def test_an_unwritable_stdout_is_one_line_and_exit_1(target, args, cache):
    """`> /dev/full` and `>&-`: one line naming the problem and the fix, exit 1 (as `ls > /dev/full`), never an
    internal error, an AttributeError, or the interpreter's "Exception ignored" at exit."""
    if target == "full":
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full")
        with open("/dev/full", "w") as full:
            proc = whichmodel(args, cache, stdout=full)
    else:
        proc = whichmodel(args, cache, stdout=None, preexec_fn=lambda: os.close(1))
    err = proc.stderr.decode()
    no_crash(err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Cannot write the output"), err
    assert ("/dev/null" in lines[0]) == (target == "closed"), lines[0]
    assert proc.returncode == 1


def test_a_closed_stderr_keeps_the_exit_code(cache):
    proc = whichmodel(["advise", "--task", "nosuch"], cache, preexec_fn=lambda: os.close(2))
    assert proc.returncode == 2
    assert proc.stdout == b""

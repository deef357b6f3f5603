from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("COLUMNS", "100")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"  # no test touches the internet; Hub tests set their own endpoint
os.environ.pop("WHICHMODEL_CATALOG", None)
os.environ["WHICHMODEL_CACHE_DIR"] = tempfile.mkdtemp(prefix="whichmodel-test-cache-")

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def run(monkeypatch, tmp_path, capsys):
    """Run the CLI in-process; returns (exit_code, stdout, stderr)."""
    import io
    import sys

    from whichmodel.cli.main import main

    monkeypatch.setenv("WHICHMODEL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")

    def _run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(input or ""))
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return _run

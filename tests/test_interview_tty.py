"""`whichmodel interview` in a real terminal: the installed command run under a pseudo-terminal.

No WHICHMODEL_INTERVIEW_FORCE here: stdin is a terminal, as for a person at the keyboard. Skipped only
where the platform has no pseudo-terminals.
"""

from __future__ import annotations

import json
import os
import re
import select
import shlex
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")
termios = pytest.importorskip("termios")
fcntl = pytest.importorskip("fcntl")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|[\x01\x02\r]")
TIMEOUT = 30.0


def command() -> list[str]:
    exe = Path(sys.executable).with_name("whichmodel")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "whichmodel"]


def child_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHICHMODEL_")}
    env.update(
        TERM="xterm-256color",
        NO_COLOR="1",
        COLUMNS="100",
        LINES="50",
        WHICHMODEL_CACHE_DIR=str(tmp_path / "cache"),
        HF_HUB_OFFLINE="1",
        PYTHONIOENCODING="utf-8",
    )
    return env


class Terminal:
    """A process on a pseudo-terminal: type into it, read what it shows."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        try:
            pid, fd = pty.fork()
        except OSError as exc:  # pragma: no cover - no pseudo-terminals on this platform
            pytest.skip(f"no pseudo-terminal: {exc}")
        if pid == 0:  # the child: the pty is its controlling terminal and stdin/stdout/stderr
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 100, 0, 0))
                os.chdir(cwd)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.raw = b""
        self.seen = 0
        self.code: int | None = None

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def _pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not chunk:
            return False
        self.raw += chunk
        return True

    def expect(self, pattern: str | re.Pattern[str], timeout: float = TIMEOUT) -> re.Match[str]:
        """Read until ``pattern`` matches the end of the screen text (a prompt waiting for input)."""
        rx = re.compile(re.escape(pattern) + r"\s*$") if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text
            match = rx.search(text, self.seen)
            if match:
                self.seen = len(text)  # the next expect looks only at what comes after this
                return match
            if not self._pump(0.2):
                break
        raise AssertionError(f"waited for {rx.pattern!r}; the terminal shows:\n{self.text[-3000:]}")

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            alive = self._pump(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self._pump(0.05) and select.select([self.fd], [], [], 0)[0]:
                    pass
                self.code = os.waitstatus_to_exitcode(status)
                os.close(self.fd)
                return self.code
            if not alive:
                time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError(f"the interview did not end; the terminal shows:\n{self.text[-3000:]}")


def answer_defaults_until_save_offer(term: Terminal) -> int:
    """Press Enter at every question; stop at the offer to save. Returns how many defaults were taken."""
    for taken in range(30):
        match = term.expect(re.compile(r"(?P<prompt>[^\n]*)\[[^\]\n]*\]: $"))
        if "Save these answers" in match.group("prompt"):
            return taken
        term.type("\r")
    raise AssertionError("no offer to save after 30 questions")


def test_one_word_then_enter_to_everything_in_a_real_terminal(tmp_path):
    term = Terminal([*command(), "interview"], tmp_path, child_env(tmp_path))
    term.expect("task [text-classification]: ")
    assert "What should the model do?" in term.text and "1  text-classification" in term.text
    term.type("summarization\r")
    taken = answer_defaults_until_save_offer(term)
    assert taken >= 6  # languages, examples, in-domain text, input length, where it runs, licence, budget
    term.type("y\r")
    term.expect("file [whichmodel-scope.yaml]: ")
    term.type("\r")
    assert term.wait() == 0, term.text[-2000:]
    screen = term.text
    assert "Traceback" not in screen
    assert "Your answers" in screen and "not asked (no training budget)" in screen
    saved = tmp_path / "whichmodel-scope.yaml"
    assert saved.is_file() and "Saved the answers to whichmodel-scope.yaml" in screen

    # the recommendation printed is the one `advise` gives for the saved file
    proc = subprocess.run(
        [*command(), "advise", "--scope", str(saved), "--json"],
        capture_output=True,
        text=True,
        env=child_env(tmp_path),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["scope"]["tasks"] == ["summarization"]
    assert f"Architecture: {doc['architecture']['recommended']}" in screen
    models = [r["model"] for r in doc["recommendations"]]
    assert models, "advise recommends nothing"
    body = screen[screen.index("Recommendations") :]
    positions = [
        re.search(rf"(?m)^{r['rank']}\s+{re.escape(r['model'][:20])}", body).start()
        for r in doc["recommendations"]
    ]
    assert positions == sorted(positions)  # same models, same order


def test_ctrl_c_leaves_cleanly_in_a_real_terminal(tmp_path):
    target = tmp_path / "s.yaml"
    term = Terminal([*command(), "interview", "--save", str(target)], tmp_path, child_env(tmp_path))
    term.expect("task [text-classification]: ")
    term.type("chat\r")
    term.expect("languages [en]: ")
    # a person's pause: a SIGINT that lands while readline is still drawing its prompt, before it waits
    # for a key, is only noticed at the next key (CPython's readline loop), which no person can hit
    time.sleep(0.5)
    term.type("\x03")  # Ctrl-C
    assert term.wait() == 130
    tail = term.text.rstrip().splitlines()
    assert tail[-1] == "Interrupted."
    assert "Traceback" not in term.text
    assert not target.exists() and [p.name for p in tmp_path.iterdir() if p.name != "cache"] == []


def test_json_goes_to_stdout_alone_while_questions_stay_on_the_terminal(tmp_path):
    out = tmp_path / "advice.json"
    script = f"{shlex.join([*command(), 'interview', '--json'])} > {shlex.quote(str(out))}"
    term = Terminal(["/bin/sh", "-c", script], tmp_path, child_env(tmp_path))
    term.expect("task [text-classification]: ")
    term.type("sumarization\r")
    term.expect("Did you mean 'summarization'? [Y/n]: ")
    term.type("\r")
    answer_defaults_until_save_offer(term)
    term.type("\r")  # default: no
    assert term.wait() == 0, term.text[-2000:]
    doc = json.loads(out.read_text(encoding="utf-8"))  # nothing but the JSON document
    assert doc["scope"]["tasks"] == ["summarization"]
    assert '"recommendations"' not in term.text
    assert not (tmp_path / "whichmodel-scope.yaml").exists()

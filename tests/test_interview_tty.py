"""`whichmodel interview` in a real terminal: the installed command run under a pseudo-terminal.

No WHICHMODEL_INTERVIEW_FORCE here: stdin is a terminal, as for a person at the keyboard, so the arrow-key
prompt (questionary) runs: keys are sent as a terminal sends them (arrows, Tab, Shift-Tab, Ctrl-C).
Skipped only where the platform has no pseudo-terminals.
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
pyte = pytest.importorskip("pyte")  # a terminal emulator: what the screen shows after redraws

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
        PROMPT_TOOLKIT_NO_CPR="1",  # no terminal emulator here to answer cursor-position requests
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
        self.screen = pyte.Screen(100, 50)
        self.stream = pyte.ByteStream(self.screen)
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
        self.stream.feed(chunk)
        return True

    @property
    def shown(self) -> str:
        """The screen as it is now (after every redraw), one line per row."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def see(self, pattern: str | re.Pattern[str], timeout: float = TIMEOUT) -> re.Match[str]:
        """Wait until the screen shows ``pattern``."""
        rx = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = rx.search(self.shown)
            if match:
                return match
            if not self._pump(0.1):
                break
        raise AssertionError(f"waited for {rx.pattern!r}; the screen shows:\n{self.shown}")

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

    def key(self, keys: str, then: str | re.Pattern[str]) -> re.Match[str]:
        """Send one key (or a word) and wait until the screen shows ``then``."""
        self.type(keys)
        return self.see(then)

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


DOWN, UP, TAB, BACK, ENTER, CTRL_C = "\x1b[B", "\x1b[A", "\t", "\x1b[Z", "\r", "\x03"


def start(tmp_path: Path, *args: str) -> Terminal:
    term = Terminal([*command(), "interview", *args], tmp_path, child_env(tmp_path))
    term.see(re.compile(r"Question 1 of (\d+): What should the model do\?"))
    term.see(re.compile(r"\? task"))
    return term


def test_the_intro_counts_the_questions_it_asks(tmp_path):
    term = start(tmp_path)
    intro = re.search(r"interview: (\d+) questions \(up to (\d+)", term.shown)
    assert intro, term.shown
    asked, most = int(intro.group(1)), int(intro.group(2))
    assert re.search(rf"Question 1 of {asked}:", term.shown)
    term.key("done", "done")
    term.key(ENTER, "» ▶ Get the advice")
    # the review lists exactly the questions the defaults lead to
    review = term.shown[term.shown.rindex("Review your answers") :]
    from whichmodel import questions as qs

    labels = [q.label for q in qs.QUESTIONS]
    listed = [label for label in labels if re.search(rf"(?m)^\s*(» )?{re.escape(label)}  ", review)]
    assert len(listed) == asked and most == len(labels) and most > asked
    term.type(CTRL_C)
    assert term.wait() == 130


def test_typo_tab_arrows_back_and_review_in_a_real_terminal(tmp_path):
    term = start(tmp_path)
    # a typo is flagged as it is typed, with the fix; Tab completes it
    term.key("sumarization", "Did you mean summarization? (Tab completes)")
    term.key(TAB, re.compile(r"\? task summarization"))
    term.key(ENTER, "Question 2 of")
    term.key(ENTER, "Question 3 of")  # languages: the default (en)
    # the domain list: the default highlighted, arrows move, typing filters
    term.see(re.compile(r"» general"))
    term.key(DOWN, re.compile(r"» biomedical"))
    term.key("leg", re.compile(r"» legal"))
    term.key(ENTER, "Question 4 of")
    term.key("5k", "5k")
    term.key(ENTER, "Question 5 of")
    # Shift-Tab goes back; the earlier answer is the default offered
    term.key(BACK, "back to the previous question")
    term.see(re.compile(r"Question 4 of \d+: How many labelled"))
    term.see(re.compile(r"Enter: 5000"))
    term.key(ENTER, "Question 5 of")
    term.key("done", "done")
    term.key(ENTER, "» ▶ Get the advice")
    review = term.shown[term.shown.rindex("Review your answers") :]
    assert re.search(r"domain\s+legal", review) and re.search(r"labelled examples\s+5,000", review)
    assert "training GPU" not in review  # not asked: no training budget
    # change an answer from the review: the budget (the entry above "Get the advice")
    term.key(UP, re.compile(r"» training budget"))
    term.key(ENTER, re.compile(r"Change: How many GPU-hours"))
    term.key("20", "20")
    term.key(ENTER, re.compile(r"Change: Which GPU will you train on\?"))  # a question the budget brings in
    term.key(ENTER, re.compile(r"Change: How many of them\?"))
    term.type(ENTER)
    review = term.see(re.compile(r"Review your answers[^\n]*\n(.*\n)*.*» ▶ Get the advice")).group(0)
    assert re.search(r"training budget \(GPU-hours\)\s+20", review) and "training GPU" in review
    term.key(ENTER, "Save these answers")  # "Get the advice" is highlighted
    term.key("y", re.compile(r"\? file"))
    term.type(ENTER)
    assert term.wait() == 0, term.text[-2000:]
    screen = term.text
    assert "Traceback" not in screen
    saved = tmp_path / "whichmodel-scope.yaml"
    assert saved.is_file() and "Saved the answers to whichmodel-scope.yaml" in screen
    import yaml

    doc = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert doc["tasks"] == ["summarization"] and doc["domain"] == "legal" and doc["examples"] == 5000
    assert doc["gpu_hours"] == 20 and doc["gpu"] == "a100-80gb" and doc["gpus"] == 1

    # the recommendation printed is the one `advise` gives for the saved file
    proc = subprocess.run(
        [*command(), "advise", "--scope", str(saved), "--json"],
        capture_output=True,
        text=True,
        env=child_env(tmp_path),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    advice = json.loads(proc.stdout)
    assert f"Architecture: {advice['architecture']['recommended']}" in screen
    assert advice["recommendations"], "advise recommends nothing"
    body = screen[screen.index("Recommendations") :]
    positions = [
        re.search(rf"(?m)^{r['rank']}\s+{re.escape(r['model'][:20])}", body).start()
        for r in advice["recommendations"]
    ]
    assert positions == sorted(positions)  # same models, same order


def test_a_near_miss_cannot_be_entered(tmp_path):
    term = start(tmp_path)
    term.key("sumarization", "Did you mean summarization?")
    term.type(ENTER)  # refused: the check runs on Enter too
    time.sleep(0.5)
    term._pump(0.5)
    assert "Question 2 of" not in term.shown
    term.type(CTRL_C)
    assert term.wait() == 130


def test_ctrl_c_leaves_cleanly_in_a_real_terminal(tmp_path):
    target = tmp_path / "s.yaml"
    term = start(tmp_path, "--save", str(target))
    term.key("chat", "chat")
    term.key(ENTER, "Question 2 of")
    term.see(re.compile(r"\? languages"))
    time.sleep(0.3)
    term.type(CTRL_C)
    assert term.wait() == 130
    tail = term.shown.rstrip().splitlines()
    assert tail[-1] == "Interrupted."
    assert "Traceback" not in term.text
    assert not target.exists() and [p.name for p in tmp_path.iterdir() if p.name != "cache"] == []


def test_json_goes_to_stdout_alone_while_questions_stay_on_the_terminal(tmp_path):
    out = tmp_path / "advice.json"
    script = f"{shlex.join([*command(), 'interview', '--json'])} > {shlex.quote(str(out))}"
    term = Terminal(["/bin/sh", "-c", script], tmp_path, child_env(tmp_path))
    term.see(re.compile(r"\? task"))
    term.key("summ", "summ")
    term.key(TAB, re.compile(r"\? task summarization"))
    term.key(ENTER, "Question 2 of")
    term.key("done", "done")
    term.key(ENTER, "» ▶ Get the advice")
    term.key(ENTER, "Save these answers")
    term.type(ENTER)  # default: no
    assert term.wait() == 0, term.text[-2000:]
    doc = json.loads(out.read_text(encoding="utf-8"))  # nothing but the JSON document
    assert doc["scope"]["tasks"] == ["summarization"]
    assert '"recommendations"' not in term.text
    assert not (tmp_path / "whichmodel-scope.yaml").exists()

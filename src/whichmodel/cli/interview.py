"""`whichmodel interview`: the guided questionnaire, from "I want to build X" to a recommendation.

The questions are data (:mod:`whichmodel.questions`); this module only asks them and renders the
answer. Everything it says goes to the terminal (stderr, or the terminal itself when both ends are
one), so stdout holds only the recommendation (the JSON document alone with ``--json``).
Ctrl-C or end of input at any prompt: one line on stderr, exit 130, nothing written.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from whichmodel import questions as qs
from whichmodel.cli import errors, formats, output
from whichmodel.cli.advise import run_advice
from whichmodel.cli.common import CatalogOpt, ExplainOpt, FormatOpt, load, path_value
from whichmodel.cli.scopeargs import FLAG, build_scope

if TYPE_CHECKING:
    from rich.console import Console

FORCE_ENV = "WHICHMODEL_INTERVIEW_FORCE"
DEFAULT_SAVE = "whichmodel-scope.yaml"
INTERRUPTED = 130


def register(app: typer.Typer) -> None:
    app.command("interview")(interview)


def forced() -> bool:
    return os.environ.get(FORCE_ENV, "") not in ("", "0", "false", "no")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (ValueError, AttributeError):  # closed or not a real stream
        return False


def _colour() -> bool:
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM", "") != "dumb"


# -- the terminal ---------------------------------------------------------------------------------------


class Terminal:
    """Says things on stderr and reads answers line by line from stdin."""

    def __init__(self) -> None:
        self.con: Console = output.console(stderr=True)
        self.echo = not _isatty(sys.stdin)  # scripted input: show the answers so the transcript reads well
        self.readline = _isatty(sys.stdin) and _isatty(sys.stdout)  # line editing when both are a terminal

    def say(self, text: Any = "", style: str | None = None, indent: int = 0) -> None:
        """Print on stderr; wrapped lines keep the indent."""
        from rich.padding import Padding
        from rich.text import Text

        shown = Text(text, style=style or "") if isinstance(text, str) else text
        self.con.print(Padding(shown, (0, 0, 0, indent), expand=False) if indent else shown)

    def ask(self, label: str, default: str | None = None) -> str:
        """One line of input after a prompt ``label [default]: ``."""
        from rich.text import Text

        try:
            if self.readline:
                line = self._read_with_readline(label, default)
            else:
                prompt = Text(label, style="bold")
                if default:
                    prompt.append(" [").append(default, style="cyan").append("]")
                prompt.append(": ")
                self.con.print(prompt, end="")
                sys.stderr.flush()
                line = sys.stdin.readline()
                if line == "":
                    raise EOFError
                line = line.rstrip("\r\n")
                if self.echo:
                    sys.stderr.write(line + "\n")
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            raise errors.Interrupted() from None
        except EOFError:
            sys.stderr.write("\n")
            raise errors.CliError(
                "The input ended before the interview finished; nothing was saved",
                "To script it, use `whichmodel advise` with flags or --scope FILE",
                INTERRUPTED,
            ) from None
        return line.strip()

    def _read_with_readline(self, label: str, default: str | None) -> str:
        with contextlib.suppress(ImportError):  # not on every platform
            import readline  # noqa: F401  (line editing and history for input())
        if _colour():

            def style(text: str, code: str) -> str:  # \001 and \002 tell readline the codes take no room
                return f"\001\033[{code}m\002{text}\001\033[0m\002"
        else:

            def style(text: str, code: str) -> str:
                return text

        prompt = style(label, "1") + (f" [{style(default, '36')}]" if default else "") + ": "
        sys.stderr.flush()
        return input(prompt)

    def confirm(self, label: str, default: bool) -> bool:
        while True:
            text = self.ask(f"{label} {'[Y/n]' if default else '[y/N]'}")
            try:
                return qs.parse_yes_no(text, default)
            except qs.Invalid as exc:
                self.problem(exc.message)

    def problem(self, message: str) -> None:
        self.say("✘ " + errors.sentence(message) + " Try again.", "red", indent=3)


# -- asking -----------------------------------------------------------------------------------------------


def show_question(term: Terminal, number: int, q: qs.Question, ctx: qs.Context, total: int = 0) -> None:
    from rich.table import Table
    from rich.text import Text

    term.say()
    of = f" (of {total})" if total else ""
    term.say(Text.assemble((f"{number}. ", "bold"), (q.text, "bold"), (of, "dim")))
    term.say(q.why, "dim", indent=3)
    if q.choices is not None:
        choices = q.choices(ctx)
        num_w, key_w = len(str(len(choices))), max(len(c.key) for c in choices)
        room = max(term.con.width - 3 - num_w - key_w - 4, 10)  # descriptions are cut to one line
        grid = Table.grid(padding=(0, 2), pad_edge=False)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(no_wrap=True)
        for i, choice in enumerate(choices, 1):
            desc = Text(choice.description, style="dim")
            desc.truncate(room, overflow="ellipsis")
            grid.add_row(str(i), choice.key, desc)
        term.say(grid, indent=3)
    term.say(q.hint_text(ctx), "dim", indent=3)


class _Done(Exception):
    """The user typed `done`: take the defaults for this and every later question."""


class _Back(Exception):
    """The user asked to go back to the previous question."""


def default_text(q: qs.Question, ctx: qs.Context) -> str:
    """What Enter stands for: the answer given before (when going back or changing it), else the default."""
    if q.id in ctx.answers:
        return qs.as_text(ctx.answers[q.id], q)
    return q.default(ctx)


def ask_one(term: Terminal, q: qs.Question, ctx: qs.Context) -> Any:
    """Ask until the answer is usable; a near miss is offered back as "did you mean ...?"."""
    while True:
        text = term.ask("   " + q.label, default_text(q, ctx))
        if qs.is_done(text):
            if not qs.has_default(q, ctx) and q.id not in ctx.answers:
                term.problem(qs.NO_DEFAULT_DONE)
                continue
            raise _Done
        if text == qs.BACK:
            raise _Back
        if not text and q.id in ctx.answers:
            text = default_text(q, ctx)
        try:
            return qs.answer(q, text, ctx)
        except qs.Invalid as exc:
            if exc.suggestion is None:
                term.problem(exc.message)
                continue
            if term.confirm(f"   {errors.sentence(exc.message)} Did you mean {exc.label!r}?", default=True):
                try:
                    value = qs.answer(q, exc.suggestion, ctx)
                except qs.Invalid as again:
                    term.problem(again.message)
                    continue
                term.say(f"{q.label}: {qs.show_value(value, q)}", "dim", indent=3)
                return value


def ask_all(term: Terminal, ctx: qs.Context) -> dict[str, Any]:
    """The line prompt: every question that applies, in order (``<`` goes back, ``done`` ends)."""

    def ask(q: qs.Question, number: int, total: int, can_back: bool) -> Any:
        show_question(term, number, q, ctx, total)
        return ask_one(term, q, ctx)

    return walk(
        ctx, ask, lambda: term.say("Taking the defaults for the remaining questions.", "dim", indent=3)
    )


def walk(ctx: qs.Context, ask: Any, on_done: Any = None) -> dict[str, Any]:
    """Ask the questions that apply, in order; ``ask(q, number, total, can_back)`` returns the value or raises
    :class:`_Back` (to the previous question asked) or :class:`_Done` (defaults for this and the rest)."""
    k = 0
    history: list[int] = []
    done = False
    while k < len(qs.QUESTIONS):
        q = qs.QUESTIONS[k]
        if not q.applies(ctx):
            ctx.answers.pop(q.id, None)
            k += 1
            continue
        if done:
            try:
                ctx.answers[q.id] = qs.answer(q, "", ctx)
                k += 1
                continue
            except qs.Invalid:  # no default (translate into): asked even after `done`
                pass
        total, _ = qs.plan(ctx)
        try:
            ctx.answers[q.id] = ask(q, len(history) + 1, total, bool(history))
        except _Back:
            if history:
                k = history.pop()
            continue
        except _Done:
            done = True
            if on_done is not None:
                on_done()
            continue
        history.append(k)
        k += 1
    return ctx.answers


# -- the terminal prompt (questionary, on prompt_toolkit) -------------------------------------------------

BACK_KEYS = "Shift-Tab"
RUN = "\x00run"  # the review's "get the advice" entry (no answer can be this)


class Prompter:
    """Asks on a real terminal: arrow-key lists with the default highlighted, type to filter, Tab completion,
    answers checked as you type, Shift-Tab (or ``<`` Enter, or "← back" in a list) to the previous question.

    questionary is imported here only: the rest of whichmodel never loads it. Prompts draw on stderr, so
    stdout keeps only the advice."""

    def __init__(self, term: Terminal) -> None:
        from prompt_toolkit.input import create_input
        from prompt_toolkit.output import create_output

        self.term = term
        self.io: dict[str, Any] = {
            "input": create_input(sys.stdin),
            "output": create_output(stdout=sys.stderr),
        }

    # the questions

    def ask(self, q: qs.Question, number: int, total: int, can_back: bool, ctx: qs.Context) -> Any:
        from rich.text import Text

        self.term.say()
        head = f"Question {number} of {total}: " if number else "Change: "
        self.term.say(Text.assemble((head, "bold"), (q.text, "bold")))
        self.term.say(q.why, "dim", indent=3)
        if q.kind == "select" and q.options is not None:
            return self._select(q, ctx, can_back)
        return self._text(q, ctx, can_back)

    def _select(self, q: qs.Question, ctx: qs.Context, can_back: bool) -> Any:
        import questionary

        options = q.options(ctx) if q.options else []
        current = qs.answer(q, default_text(q, ctx), ctx)
        width = max(len(o.key) for o in options)
        choices: list[Any] = [
            questionary.Choice(f"{o.key:<{width}}  {o.description}".rstrip(), value=o.key) for o in options
        ]
        if can_back:
            choices += [questionary.Separator(), questionary.Choice("← back", value=qs.BACK)]
        default = next((c for c in choices if getattr(c, "value", None) == qs.as_text(current, q)), None)
        back = f", {BACK_KEYS} back" if can_back else ""
        question = questionary.select(
            q.label,
            choices=choices,
            default=default,
            use_search_filter=True,
            use_jk_keys=False,
            instruction=f"(↑/↓ move, type to filter, Enter picks{back})",
            **self.io,
        )
        picked = self._run(question, can_back)
        if picked == qs.BACK:
            self.term.say("← back to the previous question", "dim", indent=3)
            raise _Back
        return qs.answer(q, str(picked), ctx)

    def _text(self, q: qs.Question, ctx: qs.Context, can_back: bool) -> Any:
        import questionary
        from prompt_toolkit.completion import Completer, Completion

        class Words(Completer):
            def get_completions(self, document: Any, complete_event: Any) -> Any:
                text = document.text_before_cursor
                last = text.rpartition(",")[2] if q.multiple else text
                start = -len(last.lstrip())
                for c in qs.complete(q, text, ctx):
                    yield Completion(c.key, start_position=start, display_meta=c.description[:60])

        default = default_text(q, ctx)
        self.term.say(q.tty_hint or q.hint_text(ctx), "dim", indent=3)
        back = f" · {BACK_KEYS} or < back" if can_back else ""
        tab = " · Tab completes" if q.completions is not None else ""
        done = " · done: defaults for the rest" if default else ""
        enter = f"Enter: {default}" if default else "An answer is needed (no default)"
        self.term.say(f"{enter}{tab}{back}{done}", "dim", indent=3)
        from prompt_toolkit.formatted_text import FormattedText

        question = questionary.text(
            q.label,
            validate=lambda text: qs.check(q, text, ctx, default) or True,
            completer=Words() if q.completions is not None else None,
            complete_while_typing=q.completions is not None,
            placeholder=FormattedText([("fg:ansibrightblack", default)]),
            **self.io,
        )
        text = str(self._run(question, can_back)).strip()
        if qs.is_done(text):
            raise _Done
        if text == qs.BACK:
            self.term.say("← back to the previous question", "dim", indent=3)
            raise _Back
        return qs.answer(q, text or default, ctx)

    def _run(self, question: Any, can_back: bool) -> Any:
        """Ask, with Shift-Tab bound to going back; Ctrl-C: exit 130; Ctrl-D: the interview ends."""
        from prompt_toolkit.filters import has_completions
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        if can_back:
            keys = KeyBindings()

            @keys.add("s-tab", filter=~has_completions)
            def _(event: Any) -> None:
                event.app.exit(result=qs.BACK)

            app = question.application
            app.key_bindings = merge_key_bindings([app.key_bindings, keys]) if app.key_bindings else keys
        try:
            return question.unsafe_ask()
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            raise errors.Interrupted() from None
        except EOFError:
            raise errors.CliError(
                "The input ended before the interview finished; nothing was saved",
                "To script it, use `whichmodel advise` with flags or --scope FILE",
                INTERRUPTED,
            ) from None

    # the review

    def review(self, ctx: qs.Context) -> None:
        """Every answer in one list: Enter on one asks it again; "Get the advice" goes on."""
        import questionary

        while True:
            self.term.say()
            asked = [q for q in qs.QUESTIONS if q.id in ctx.answers]
            width = max(len(q.label) for q in asked)
            choices: list[Any] = [
                questionary.Choice(f"{q.label:<{width}}  {qs.show_value(ctx.answers[q.id], q)}", value=q.id)
                for q in asked
            ]
            run = questionary.Choice("▶ Get the advice", value=RUN)
            choices += [questionary.Separator(), run]
            picked = self._run(
                questionary.select(
                    "Review your answers",
                    choices=choices,
                    default=run,
                    use_search_filter=False,
                    instruction="(↑/↓ move, Enter on an answer changes it)",
                    **self.io,
                ),
                can_back=False,
            )
            if picked == RUN:
                return
            self.change(ctx, str(picked))

    def change(self, ctx: qs.Context, qid: str) -> None:
        """Ask one question again, then any question its new answer brings in; drop those it rules out."""
        q = next(x for x in qs.QUESTIONS if x.id == qid)
        try:
            ctx.answers[qid] = self.ask(q, 0, 0, False, ctx)
        except (_Back, _Done):
            return
        for other in qs.QUESTIONS:
            if not other.applies(ctx):
                ctx.answers.pop(other.id, None)
            elif other.id not in ctx.answers:
                try:
                    ctx.answers[other.id] = self.ask(other, 0, 0, False, ctx)
                except (_Back, _Done):
                    with contextlib.suppress(qs.Invalid):  # no default: left out, advise then says so
                        ctx.answers[other.id] = qs.answer(other, "", ctx)

    # saving

    def confirm(self, label: str, default: bool) -> bool:
        import questionary

        return bool(self._run(questionary.confirm(label, default=default, **self.io), can_back=False))

    def path(self, default: str) -> str:
        import questionary

        def check(text: str) -> bool | str:
            problem = save_problem(Path(text.strip() or default).expanduser())
            return errors.sentence(problem) if problem else True

        return (
            str(
                self._run(
                    questionary.text("file", default=default, validate=check, **self.io), can_back=False
                )
            ).strip()
            or default
        )


def ask_all_tty(prompter: Prompter, ctx: qs.Context) -> dict[str, Any]:
    def ask(q: qs.Question, number: int, total: int, can_back: bool) -> Any:
        return prompter.ask(q, number, total, can_back, ctx)

    walk(
        ctx,
        ask,
        lambda: prompter.term.say("Taking the defaults for the remaining questions.", "dim", indent=3),
    )
    prompter.review(ctx)
    return ctx.answers


def offer_save_tty(prompter: Prompter, answers: dict[str, Any]) -> Path | None:
    prompter.term.say()
    if not prompter.confirm("Save these answers as a scope file for `advise --scope`?", default=False):
        return None
    while True:
        path = Path(prompter.path(DEFAULT_SAVE)).expanduser()
        if path.exists() and not prompter.confirm(f"{str(path)!r} exists; overwrite it?", default=False):
            continue
        try:
            save(path, answers)
        except errors.CliError as exc:
            prompter.term.problem(exc.message)
            continue
        return path


def advise_command(answers: dict[str, Any]) -> str:
    """The `whichmodel advise` command line that gives the same advice."""
    words = ["whichmodel", "advise"]
    for key, value in qs.scope_document(answers).items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            text = f"{v:g}" if isinstance(v, float) else str(v)
            words += [FLAG[key], text]
    return " ".join(shlex.quote(w) for w in words)


def show_summary(term: Terminal, ctx: qs.Context) -> None:
    from rich.table import Table
    from rich.text import Text

    term.say()
    term.say("Your answers", "bold")
    grid = Table.grid(padding=(0, 2), pad_edge=False)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for q in qs.QUESTIONS:
        if q.id in ctx.answers:
            grid.add_row(q.label, Text(qs.show_value(ctx.answers[q.id], q), style="bold"))
        else:
            grid.add_row(q.label, Text(f"not asked ({q.skipped_because})", style="dim"))
    term.say(grid, indent=3)
    term.say("The same advice without questions:", "dim")
    term.con.print(Text("   " + advise_command(ctx.answers), style="dim"), soft_wrap=True)  # one line to copy
    term.say()


# -- saving -----------------------------------------------------------------------------------------------


def save_problem(path: Path) -> str | None:
    """Why ``path`` cannot take a scope file, or None."""
    try:
        return _save_problem(path)
    except OSError as exc:  # a name too long, a folder that cannot be searched
        return f"cannot use {str(path)!r} ({exc.strerror})"


def _save_problem(path: Path) -> str | None:
    if path.is_dir():
        return f"{str(path)!r} is a folder; give a file name such as {str(path / DEFAULT_SAVE)!r}"
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        return f"the folder {str(parent)!r} does not exist"
    if not parent.is_dir():
        return f"{str(parent)!r} is not a folder"
    if not os.access(parent, os.W_OK):
        return f"the folder {str(parent)!r} is not writable"
    return None


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder: never a half-written file."""
    parent = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save(path: Path, answers: dict[str, Any]) -> None:
    try:
        write_atomic(path, qs.dump_scope(answers))
    except OSError as exc:
        raise errors.runtime(
            f"Could not write {str(path)!r} ({exc.strerror or exc})", "Check the path and try again"
        ) from None


def offer_save(term: Terminal, answers: dict[str, Any]) -> Path | None:
    try:
        return _offer_save(term, answers)
    except errors.CliError as exc:
        if exc.code != INTERRUPTED:
            raise
        raise errors.CliError(
            "The input ended at the offer to save; the advice above stands, nothing was saved",
            "Answer n to leave without saving, or pass --save FILE",
            INTERRUPTED,
        ) from None


def _offer_save(term: Terminal, answers: dict[str, Any]) -> Path | None:
    term.say()
    if not term.confirm("Save these answers as a scope file for `advise --scope`?", default=False):
        return None
    while True:
        text = term.ask("   file", DEFAULT_SAVE) or DEFAULT_SAVE
        path = Path(text).expanduser()
        problem = save_problem(path)
        if problem:
            term.problem(problem)
            continue
        if path.exists() and not term.confirm(f"   {str(path)!r} exists; overwrite it?", default=False):
            continue
        try:
            save(path, answers)
        except errors.CliError as exc:
            term.problem(exc.message)
            continue
        return path


# -- the command ------------------------------------------------------------------------------------------


def interview(
    save_to: Annotated[
        Path | None,
        typer.Option(
            "--save",
            help="Write the answers to FILE as a scope file (replay: advise --scope FILE), without asking.",
            show_default=False,
            metavar="FILE",
            parser=path_value("--save"),
        ),
    ] = None,
    catalog: CatalogOpt = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print the advice as JSON (alone on stdout; questions on stderr).")
    ] = False,
    fmt: FormatOpt = None,
    explain: ExplainOpt = False,
) -> None:
    """Answer a few questions, review the answers, and get a recommendation.

    In a terminal: arrow keys pick from lists (type to filter), Tab completes tasks and languages,
    answers are checked as you type, Shift-Tab goes back, and a review of every answer comes before the
    advice. Needs a terminal; for scripts use `whichmodel advise` with flags or --scope FILE (a file this
    command writes with --save). Setting WHICHMODEL_INTERVIEW_FORCE=1 reads answers from any stdin, one
    per line (for testing and scripting).
    """
    kind = formats.choose("advice", json_, fmt)
    if not _isatty(sys.stdin) and not forced():
        raise errors.usage(
            "`whichmodel interview` asks questions and needs a terminal on stdin",
            "In scripts use `whichmodel advise` with flags or --scope FILE (`interview --save FILE` writes one)",
        )
    if save_to is not None:
        problem = save_problem(save_to)
        if problem:
            raise errors.usage(f"--save: {problem}", "Give a path to a file in an existing folder")
    cat = load(catalog)
    term = Terminal()
    ctx = qs.Context(cat)
    asked, most = qs.plan(ctx)
    more = f" (up to {most}, depending on your answers)" if most > asked else ""
    prompter = Prompter(term) if rich_terminal() else None
    if prompter is not None:
        keys = f"Arrow keys move, Tab completes, {BACK_KEYS} goes back, Enter accepts the default"
    else:
        keys = "Enter accepts the answer in [brackets]; `<` goes back"
    term.say(
        f"whichmodel interview: {asked} questions{more}, then a review of your answers and a recommendation. "
        f"{keys}; `done` takes the defaults for the rest; Ctrl-C quits.",
        "bold",
    )
    if prompter is not None:
        answers = ask_all_tty(prompter, ctx)
    else:
        answers = ask_all(term, ctx)
    show_summary(term, ctx)
    scope = build_scope(cat, None, qs.scope_document(answers))
    if save_to is not None:  # saved first: the answers are kept even if the advice fails
        save(save_to, answers)
        saved(term, save_to)
    advice = run_advice(scope, cat)
    formats.render("advice", kind, advice, formats.Options(explain, cat))
    sys.stdout.flush()
    if save_to is None:
        if prompter is not None:
            written = offer_save_tty(prompter, answers)
        else:
            written = offer_save(term, answers)
        if written is not None:
            saved(term, written)


def rich_terminal() -> bool:
    """The arrow-key prompt needs a terminal on stdin and on stderr (where it draws); else the line prompt."""
    return not forced() and _isatty(sys.stdin) and _isatty(sys.stderr) and os.environ.get("TERM") != "dumb"


def saved(term: Terminal, path: Path) -> None:
    term.say(f"Saved the answers to {path}. Replay: whichmodel advise --scope {shlex.quote(str(path))}")

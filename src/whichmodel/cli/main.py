"""Entry point: runs the Typer app and turns every failure into one line on stderr and an exit code."""

from __future__ import annotations

import sys


def typer_abort() -> type[BaseException]:
    try:
        from typer.exceptions import Abort
    except ImportError:  # pragma: no cover - older Typer re-exports click's Abort
        from click.exceptions import Abort  # type: ignore[no-redef]
    return Abort


def main(argv: list[str] | None = None) -> None:
    try:  # Typer >= 0.29 vendors click as typer._click
        from typer._click import exceptions as click
    except ImportError:  # pragma: no cover - older Typer
        from click import exceptions as click  # type: ignore[no-redef]

    from whichmodel.cli import errors
    from whichmodel.cli.app import build_command

    args = sys.argv[1:] if argv is None else argv
    command = build_command(args)
    try:
        rv = command.main(args=args, prog_name="whichmodel", standalone_mode=False)
    except errors.WhichmodelError as exc:
        errors.report(exc)
        sys.exit(exc.code)
    except click.NoArgsIsHelpError as exc:
        sys.stdout.write(exc.ctx.get_help() + "\n") if exc.ctx else None
        sys.exit(errors.USAGE)
    except click.UsageError as exc:
        where = (
            f"whichmodel {exc.ctx.command_path.split(' ', 1)[1]}"
            if exc.ctx and " " in exc.ctx.command_path
            else "whichmodel"
        )
        errors.report_text(exc.format_message(), f"Run `{where} --help` for the options")
        sys.exit(errors.USAGE)
    except (errors.Interrupted, typer_abort()):
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    except click.ClickException as exc:
        errors.report_text(exc.format_message())
        sys.exit(exc.exit_code or errors.RUNTIME)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # the last line of defence: never a traceback unless debugging
        if errors.debug():
            raise
        errors.report_text(
            f"Internal error ({type(exc).__name__}: {exc})",
            "Please report it; run with WHICHMODEL_DEBUG=1 for the traceback",
        )
        sys.exit(errors.RUNTIME)
    sys.exit(rv if isinstance(rv, int) else 0)

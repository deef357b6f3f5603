"""whichmodel: which transformer should I use, and how should I adapt it within my budget?"""

import os as _os
import sys as _sys

__version__ = "0.1.0"

if _os.path.basename(_sys.argv[0] if _sys.argv else "").lower() in ("whichmodel", "whichmodel.exe"):
    # Run as the `whichmodel` command: Ctrl-C during start-up (imports take a few hundred milliseconds)
    # ends the process with "Interrupted." and exit 130, never a traceback. `cli.main` takes over from here.
    import _signal  # built in: importing it cannot itself be interrupted half-way, as signal.py could

    def _interrupted_early(signum: int, frame: object) -> None:  # pragma: no cover - timing dependent
        try:
            _os.write(2, b"Interrupted.\n")
        finally:
            _os._exit(130)

    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        _signal.signal(_signal.SIGINT, _interrupted_early)

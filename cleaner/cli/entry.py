"""The `cleaner` program (the console script and `python -m cleaner`): the command line, then a quick exit.

Once a command has returned, a normal interpreter exit tears down every module and object the run
built (the rule set, its compiled patterns, the caches of line facts), which took 0.03-0.04 s of CPU
after a folder run of 1,000 small documents: a tenth of that run's own overhead over cleaning the same
files in one process. Nothing is left to do by then (outputs, the manifest and the lock are closed by
the command itself), so the program flushes stdout and stderr and leaves with `os._exit`.

It exits the normal way when something could still need the teardown: a thread other than the main
one or a child process still running (their atexit joins), or coverage measuring the process (it
saves its data at exit). Tests drive `cleaner.cli.main.main` with click's runner, never this.
"""

from __future__ import annotations

import os
import sys
import threading

from cleaner.cli.main import main


def run() -> None:
    """Run the command line and exit with its status (see the module's docstring)."""
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if not quick_exit_safe():
        sys.exit(code)
    status = _status(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: let the interpreter report it as usual
        sys.exit(code)
    os._exit(status)


def quick_exit_safe() -> bool:
    """Whether nothing but the main thread runs and no child process or coverage needs the normal exit."""
    multiprocessing = sys.modules.get("multiprocessing")  # not imported (a run in this process): no child
    return (threading.active_count() == 1 and not (multiprocessing and multiprocessing.active_children())
            and "coverage" not in sys.modules)


def _status(code: object) -> int:
    """The exit status `sys.exit(code)` gives: None is 0, an int itself, anything else printed and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1

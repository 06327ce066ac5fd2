"""Ctrl+C under `make run` stops the service, not make.

A terminal sends Ctrl+C to its whole foreground process group. Under `make run` that group
holds make, and GNU make answers SIGINT by waiting for its recipe and then killing itself
with the same signal, so the shell reports 130 however cleanly the service stopped. Doing
what a shell's job control does (a process group of our own, made the terminal's
foreground) sends Ctrl+C to the service alone: it stops cleanly, exits 0, and make exits 0
after it. The terminal is handed back on exit.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys


def _set_foreground(fd: int, group: int) -> None:
    # a process outside the foreground group that sets it is sent SIGTTOU unless it ignores it
    previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        os.tcsetpgrp(fd, group)
    finally:
        signal.signal(signal.SIGTTOU, previous)


def take_foreground_under_make() -> bool:
    """Take the terminal's foreground when started by make from a terminal; True if taken.

    Only under make (MAKELEVEL is set) and only when our group is the foreground one: a
    service started by a supervisor, a container or a pipe keeps its group untouched."""
    if "MAKELEVEL" not in os.environ:
        return False
    try:
        fd = sys.stdin.fileno()
        if not os.isatty(fd) or os.tcgetpgrp(fd) != os.getpgrp():
            return False
        before = os.getpgrp()
        os.setpgid(0, 0)
        _set_foreground(fd, os.getpgrp())
    except (OSError, ValueError):
        return False

    def give_back() -> None:
        try:
            _set_foreground(fd, before)
        except OSError:
            pass  # make has gone already: the shell takes its terminal back itself

    atexit.register(give_back)
    return True

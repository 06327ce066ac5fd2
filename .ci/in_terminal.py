"""Run a command in a terminal of its own (a pty) as a person at a keyboard would, copying
what it prints to a log; SIGUSR1 presses Ctrl+C in that terminal, and so does SIGTERM (a
clean-up), which gives the command 30 seconds before killing its session. Exits with the command's
status as a shell reports it (128 + the signal for a command killed by one).

Usage: python3 .ci/in_terminal.py LOG COMMAND [ARG...]
"""

import os
import pty
import select
import signal
import sys
import time


def main() -> int:
    log_path, command = sys.argv[1], sys.argv[2:]
    pid, terminal = pty.fork()
    if pid == 0:
        # a shell without job control starts `&` commands with Ctrl+C ignored, and make would
        # inherit that: restore what a terminal's foreground job has
        for sig in (signal.SIGINT, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        os.execvp(command[0], command)
    pressed: list[float] = []
    deadline = [float("inf")]

    def stop(*_: object) -> None:
        pressed.append(time.monotonic())
        deadline[0] = min(deadline[0], time.monotonic() + 30)

    signal.signal(signal.SIGUSR1, lambda *_: pressed.append(time.monotonic()))
    signal.signal(signal.SIGTERM, stop)
    with open(log_path, "wb", buffering=0) as log:
        while True:
            if pressed:
                pressed.clear()
                os.write(terminal, b"\x03")
            if time.monotonic() > deadline[0]:
                os.killpg(os.getpgid(pid), signal.SIGKILL)
            try:
                ready, _, _ = select.select([terminal], [], [], 0.2)
                if ready:
                    data = os.read(terminal, 65536)
                    if not data:
                        break
                    log.write(data)
            except InterruptedError:
                continue
            except OSError:  # the terminal closed: the command has ended
                break
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main())

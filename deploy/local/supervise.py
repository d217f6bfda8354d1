#!/usr/bin/env python3
"""Keep one process of the demo running, as systemd keeps them in production.

    supervise.py NAME [--pid-file FILE] -- COMMAND [ARG ...]

Runs COMMAND. When it ends without having been asked to (a crash, an out-of-memory kill, a
`kill -9`), says so on stderr with how it ended and starts it again: at once the first time,
then waiting longer (up to 30 s) while it keeps dying within seconds of starting, so a command
that cannot start does not spin. SIGTERM or SIGINT is passed on to COMMAND, which is given 30 s
to finish its work before it is killed; then the supervisor exits with COMMAND's status.

Standard library only: it runs before and beside the project's own virtualenv.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

STOP_GRACE_SECONDS = 30
# A command that lived at least this long is taken to have started well: the wait is reset.
HEALTHY_AFTER_SECONDS = 10
LONGEST_WAIT_SECONDS = 30


def how_it_ended(status: int) -> str:
    if status < 0:
        return f"killed by {signal.Signals(-status).name}"
    return f"exit status {status}"


class Supervisor:
    def __init__(self, name: str, command: list[str], pid_file: str | None) -> None:
        self.name = name
        self.command = command
        self.pid_file = pid_file
        self.stopping = False
        self.child: subprocess.Popen | None = None

    def say(self, message: str) -> None:
        print(f"[{self.name}] {message}", file=sys.stderr, flush=True)

    def stop(self, signum, _frame) -> None:
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def start(self) -> subprocess.Popen:
        child = subprocess.Popen(self.command)
        if self.pid_file:
            with open(f"{self.pid_file}.new", "w") as handle:
                handle.write(f"{child.pid}\n")
            os.replace(f"{self.pid_file}.new", self.pid_file)
        return child

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        wait_seconds = 0.0
        while True:
            started = time.monotonic()
            self.child = self.start()
            if self.stopping:  # asked to stop while the command was starting
                self.child.send_signal(signal.SIGTERM)
            status = self._wait_for_child()
            if self.stopping:
                return status if status >= 0 else 128 - status
            lived = time.monotonic() - started
            wait_seconds = 0.0 if lived >= HEALTHY_AFTER_SECONDS else wait_seconds
            self.say(
                f"stopped unexpectedly ({how_it_ended(status)}) after {lived:.0f} s; "
                + (
                    f"starting it again in {wait_seconds:.0f} s."
                    if wait_seconds
                    else "starting it again."
                )
            )
            self._sleep(wait_seconds)
            if self.stopping:
                return 0
            wait_seconds = min(max(wait_seconds * 2, 1.0), LONGEST_WAIT_SECONDS)

    def _wait_for_child(self) -> int:
        assert self.child is not None
        while True:
            try:
                return self.child.wait(timeout=STOP_GRACE_SECONDS if self.stopping else None)
            except subprocess.TimeoutExpired:
                self.say(f"did not stop within {STOP_GRACE_SECONDS} s; killing it.")
                self.child.kill()

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        usage="supervise.py NAME [--pid-file FILE] -- COMMAND [ARG ...]",
    )
    parser.add_argument("name", help="what the command is, in the messages (e.g. worker)")
    parser.add_argument("--pid-file", help="write the running command's process id here")
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        parser.error("give the command to run after --")
    split = argv.index("--")
    args = parser.parse_args(argv[:split])
    return Supervisor(args.name, argv[split + 1 :], args.pid_file).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

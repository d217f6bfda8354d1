"""Separate hosts on one machine: Linux network namespaces joined by veth pairs to a bridge
that lives in a namespace of its own, so every address is inside the namespaces and the
machine's own network is never touched. Needs root.

Everything made here is named `mh<pid>-...` after the test process. `Network.remove` kills
every process inside and deletes the namespaces (the veths go with them); a run that was
killed before it could clean up is cleaned up by the next one (`remove_stale_networks`).
"""

import concurrent.futures
import contextlib
import ctypes
import os
import re
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
SUBNET = "10.231.77"
_NAME = re.compile(r"^mh(\d+)-")


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=30)


def _end_with_the_test() -> None:
    # The kernel stops the process if the test process dies (lost again by programs that
    # change their user, such as PostgreSQL under runuser: removing the namespace ends those).
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _pids_in(namespace: str) -> list[int]:
    listed = ip("netns", "pids", namespace, check=False)
    return [int(pid) for pid in listed.stdout.split()]


def _kill_everything_in(namespace: str) -> None:
    for pid in _pids_in(namespace):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def remove_stale_networks() -> None:
    """Namespaces left by a test process that no longer exists (it was killed)."""
    for line in ip("netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        match = _NAME.match(name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            _kill_everything_in(name)
            ip("netns", "del", name, check=False)


class Host:
    """One namespace with one address on the shared bridge."""

    def __init__(self, network: "Network", name: str, number: int):
        self.network = network
        self.name = name
        self.namespace = f"{network.tag}-{name}"
        self.address = f"{SUBNET}.{number}"
        self.processes: list[subprocess.Popen] = []
        self._client: concurrent.futures.ThreadPoolExecutor | None = None

    def create(self) -> None:
        hub, link = self.network.hub, f"v-{self.name}"
        ip("netns", "add", self.namespace)
        # Both ends made inside their namespaces: no name is ever taken on the machine itself.
        ip(
            "link", "add", "eth0", "netns", self.namespace,
            "type", "veth", "peer", "name", link, "netns", hub,
        )  # fmt: skip
        ip("-n", hub, "link", "set", "dev", link, "master", "br0")
        ip("-n", hub, "link", "set", "dev", link, "up")
        ip("-n", self.namespace, "addr", "add", f"{self.address}/24", "dev", "eth0")
        ip("-n", self.namespace, "link", "set", "dev", "eth0", "up")
        ip("-n", self.namespace, "link", "set", "dev", "lo", "up")

    def pids(self) -> list[int]:
        """Every process running on this host."""
        return _pids_in(self.namespace)

    def command(self, args: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.namespace, *args]

    def run(self, args: list[str], *, env: dict[str, str], cwd: Path | None = None, timeout=300):
        return subprocess.run(
            self.command(args),
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_end_with_the_test,
            check=False,
        )

    def start(
        self, args: list[str], *, env: dict[str, str], log: Path, cwd: Path | None = None
    ) -> subprocess.Popen:
        with log.open("ab") as output:
            process = subprocess.Popen(
                self.command(args),
                env=env,
                cwd=cwd,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_end_with_the_test,
            )
        self.processes.append(process)
        return process

    def call(self, function: Callable[..., Any], *args, **kwargs) -> Any:
        """Run `function` in a thread of this process that has entered the namespace, so its
        connections leave from this host (the test acting as, say, a council's system)."""
        if self._client is None:
            self._client = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, initializer=_enter, initargs=(self.namespace,)
            )
        return self._client.submit(function, *args, **kwargs).result()

    def pause(self) -> None:
        """Every process on the host stops where it is (SIGSTOP), as a host that hangs."""
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)

    def resume(self) -> None:
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def lose(self) -> None:
        """The host is gone at once, as when it loses power: first its link (so no peer hears
        its connections close), then every process on it."""
        ip("-n", self.network.hub, "link", "del", f"v-{self.name}", check=False)
        _kill_everything_in(self.namespace)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)

    def remove(self) -> None:
        if self._client is not None:
            self._client.shutdown(wait=False, cancel_futures=True)
        _kill_everything_in(self.namespace)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
        ip("netns", "del", self.namespace, check=False)


def _enter(namespace: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    descriptor = os.open(f"/run/netns/{namespace}", os.O_RDONLY)
    try:
        if libc.setns(descriptor, CLONE_NEWNET) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"setns into {namespace}: {os.strerror(error)}")
    finally:
        os.close(descriptor)


class Network:
    """A bridge in a namespace of its own, and hosts joined to it."""

    def __init__(self) -> None:
        self.tag = f"mh{os.getpid()}"
        self.hub = f"{self.tag}-hub"
        self.hosts: dict[str, Host] = {}

    def create(self) -> "Network":
        remove_stale_networks()
        ip("netns", "add", self.hub)
        ip("-n", self.hub, "link", "add", "br0", "type", "bridge")
        ip("-n", self.hub, "link", "set", "dev", "br0", "up")
        return self

    def add(self, name: str) -> Host:
        host = Host(self, name, len(self.hosts) + 2)
        self.hosts[name] = host
        host.create()
        return host

    def remove(self) -> None:
        for host in self.hosts.values():
            host.remove()
        _kill_everything_in(self.hub)
        ip("netns", "del", self.hub, check=False)

    def namespaces(self) -> list[str]:
        listed = ip("netns", "list", check=False).stdout.split()
        return [name for name in listed if name.startswith(f"{self.tag}-")]

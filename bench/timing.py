"""How the benchmark times a command: wall time, CPU time and peak memory of all its processes,
and a local Dask cluster (a scheduler and its workers as processes of this machine) whose own
CPU and memory are counted with the build that uses it.

CPU time is user + system time of the command and every process it waited for (`os.wait4`: the
kernel adds a reaped child's time, and its reaped children's, to its parent's); a cluster's
processes are not the command's children, so their time is read from /proc before and after.
Peak memory is the most resident memory the processes held at once, sampled every 50 ms.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    wall_s: float
    cpu_s: float
    peak_mb: float

    def as_dict(self) -> dict:
        return {"wall_s": round(self.wall_s, 2), "cpu_s": round(self.cpu_s, 2), "peak_mb": round(self.peak_mb)}


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc; a process that ended meanwhile is left out)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (from /proc), in KB."""
    total = 0
    for current in _tree(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def tree_cpu_s(pids: list[int]) -> float:
    """User + system time so far of these processes and their descendants, the ones they reaped
    included (/proc/PID/stat: utime, stime, cutime, cstime)."""
    ticks = 0
    for pid in pids:
        for current in _tree(pid):
            try:
                # the command name (2nd field) may hold spaces: count fields after its ')'
                fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS


def measure(command: list[str], cwd: Path, env: dict | None = None, also: Sequence[int] = ()) -> Run:
    """Run a command to its end and measure it; `also`: processes that work for it without being
    its children (a Dask cluster's), whose CPU time and memory are counted with it."""
    with tempfile.TemporaryFile() as errors:
        also_before = tree_cpu_s(list(also))
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        ended, peak = threading.Event(), 0

        def sample():
            nonlocal peak
            while not ended.is_set():
                peak = max(peak, _tree_rss_kb(child.pid) + sum(_tree_rss_kb(pid) for pid in also))
                ended.wait(0.05)

        # the sampler must not poll() the child: that would reap it, and its rusage with it
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        ended.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime + tree_cpu_s(list(also)) - also_before
        if child.returncode:
            errors.seek(0)
            raise subprocess.CalledProcessError(child.returncode, command,
                                                stderr=errors.read().decode("utf-8", "replace")[-3000:])
    return Run(wall, cpu, peak / 1024)


class LocalCluster:
    """A Dask scheduler and `workers` workers of one thread each, started as processes on
    127.0.0.1 (as tests/build/test_dask_engine.py starts them) and stopped on leaving the `with`
    block, whatever happened in it.

    The scheduler picks its own free port and writes its address to a scheduler file, which the
    workers read: no port is guessed."""

    def __init__(self, folder: Path, workers: int = 2):
        self.folder, self.workers = folder, workers
        self.processes: list[subprocess.Popen] = []
        self.address = ""
        self.bin = Path(sys.executable).parent

    def __enter__(self) -> "LocalCluster":
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        with open(self.folder / f"{name}.log", "wb") as log:
            # a session of its own: a nanny and the worker process it starts are stopped together
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                       cwd=self.folder)
        self.processes.append(process)
        return process

    def _start(self) -> None:
        scheduler_file = self.folder / "scheduler.json"
        scheduler = self._spawn("scheduler", [str(self.bin / "dask"), "scheduler", "--host", "127.0.0.1",
                                              "--port", "0", "--no-dashboard", "--scheduler-file",
                                              str(scheduler_file)])
        deadline = time.monotonic() + 120
        while not self.address:
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Dask scheduler did not start: " + self.log("scheduler"))
            try:
                self.address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        for number in range(1, self.workers + 1):
            self._spawn(f"worker{number}", [str(self.bin / "dask"), "worker", "--scheduler-file", str(scheduler_file),
                                            "--nworkers", "1", "--nthreads", "1", "--host", "127.0.0.1",
                                            "--no-dashboard"])
        from distributed import Client

        with Client(self.address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(self.workers, timeout=180)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")[-2000:]

    def stop(self) -> None:
        """SIGTERM to each process group, SIGKILL to one still there after 20 s, and to every group
        in the end (a worker process its nanny left behind)."""
        for process in self.processes:
            _signal_group(process, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=20)
            _signal_group(process, signal.SIGKILL)
        self.processes.clear()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


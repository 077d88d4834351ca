"""Engine side: start the worker through the launcher, watch it, kill it."""

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .. import settings
from .cgroup import Cgroup
from .limits import Limits, SandboxError, cpu_budget
from .paths import compiled_package, copy_package, remove_files_of
from .proc import cpu_seconds_of, memory_mb, processes_of
from .zygote import ForkedLauncher, Zygote

REPORT_TIMEOUT = 60.0  # seconds for the launcher to set everything up
WATCH_EVERY = 0.5  # the engine checks the limits this often while it waits


class Sandbox:
    """Engine side: start the worker through the launcher, watch it, kill it.

    Each start gets its own cgroup where one is usable (see Cgroup), removed when
    the worker is killed; without one, `over_limit` counts memory (shared memory
    included) and CPU time over the process tree instead. CPU time adds up over
    restarts: `cpu_seconds` is the submission's budget, not one worker's."""

    def __init__(self, root: Path, limits: Limits, *, hide=(), data=(), cache=None):
        self.root = Path(root)
        self.limits = limits
        # the worker's autograder, at root/lib/autograder: bound there, or copied
        self.package = str(compiled_package(settings.PACKAGE_ROOT))
        self.hide = [str(p) for p in hide]
        self.data = [str(p) for p in data]
        self.cache = dict(cache or {})  # env name -> folder the worker may write privately
        self.process: subprocess.Popen | None = None
        self.report: dict = {}
        self._report_fd = -1  # the launcher's report, between launch and set_up
        self.uids: list[int] = []  # every uid a worker ran as, for checks afterwards
        self.cgroup: Cgroup | None = None
        self.cgroup_used = ""  # the last cgroup's version and controllers, for describe
        self.cgroup_lines: list[str] = []
        self.no_cgroup = ""  # why there was none
        self.cpu_spent = 0.0  # by workers already gone
        self._cpu_seen: dict = {}  # (pid, start time) -> CPU seconds, without a cgroup
        self._unused: Cgroup | None = None

    def start(
        self, argv: list[str], env: dict, workdir: str, zygote: Zygote | None = None, **popen
    ) -> subprocess.Popen | ForkedLauncher:
        """Run argv (cwd = root/workdir) in the sandbox; returns the launcher's Popen,
        or with a zygote the launcher it forked (the worker then runs argv's module
        without an exec; popen must be stdin=PIPE, stdout=PIPE, stderr=a file)."""
        self.launch(argv, env, workdir, zygote, **popen)
        return self.set_up()

    def launch(
        self, argv: list[str], env: dict, workdir: str, zygote: Zygote | None = None, **popen
    ) -> None:
        """The first half of start: the cgroup made, the launcher started; set_up waits
        for its report (a caller may do other work meanwhile)."""
        self.cgroup, self.no_cgroup = Cgroup.create(self.limits)
        read_end, write_end = os.pipe()
        plan = {
            "root": str(self.root),
            "workdir": workdir,
            "package": self.package,
            "argv": argv,
            "env": env,
            "limits": asdict(self.limits),
            "hide": self.hide,
            "data": self.data,
            "cache": self.cache,
            "report_fd": write_end,
            "parent": os.getpid(),
            "best_mode": settings.env(settings.ENV_SANDBOX, "namespaces"),
            "cgroup": self.cgroup.procs_files() if self.cgroup else [],
        }
        flags = ["-P"] if sys.version_info >= (3, 11) else []
        try:
            if zygote is not None:
                self.process = _forked(zygote, plan, popen)
            else:  # a new interpreter: it imports the launcher from root/lib
                copy_package(self.package, str(self.root))
                self.process = subprocess.Popen(
                    [sys.executable, *flags, "-s", "-m", "autograder.sandbox", json.dumps(plan)],
                    cwd=self.root,
                    env=env,
                    pass_fds=(write_end,),
                    start_new_session=True,
                    **popen,
                )
        except BaseException:
            os.close(read_end)
            if self.cgroup:
                self.cgroup.remove()
            raise
        finally:
            os.close(write_end)
        self._report_fd = read_end

    def set_up(self) -> subprocess.Popen | ForkedLauncher:
        """The second half of start: the launcher's report read (SandboxError if it
        could not set the sandbox up); the launcher returned."""
        try:
            self.report = self._read_report(self._report_fd)
        finally:
            os.close(self._report_fd)
        if self.report.get("uid") is not None:
            self.uids.append(self.report["uid"])
        if self.cgroup and self.report.get("ok") and not self.report.get("cgroup_joined"):
            self.no_cgroup = f"the worker could not join it ({self.report.get('cgroup_error')})"
            self._unused, self.cgroup = self.cgroup, None  # removed with the worker
        if self.cgroup:
            self.cgroup_lines = self.cgroup.describe(self.limits)
        if not self.report.get("ok"):
            self.kill()
            raise SandboxError(
                "The sandbox for student code could not be set up: "
                + self.report.get("error", "no report from the launcher")
            )
        return self.process

    def _read_report(self, fd: int) -> dict:
        data, deadline = b"", time.monotonic() + REPORT_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
        report = {}
        for line in data.decode(errors="replace").splitlines():
            try:
                report.update(json.loads(line))
            except ValueError:
                pass
        return report

    @property
    def uid(self) -> int | None:
        return self.report.get("uid")

    def contained(self) -> bool:
        """Whether every process of the sandbox but the launcher is in its cgroup for
        good: the launcher moved the worker there before any student code ran, and
        under its own uid nothing it starts can leave (cgroup.procs is root's)."""
        return self.cgroup is not None and self.uid is not None and bool(self.report.get("ok"))

    def pids(self) -> list[int]:
        """The launcher and every process of the sandbox: its tree, its uid, its cgroup
        (only the cgroup where that holds them all: a fraction of a /proc scan)."""
        if self.process is None:
            return []
        if self.contained():
            return sorted({self.process.pid, *self.cgroup.pids()})
        found = set(processes_of(self.process.pid, self.uid))
        if self.cgroup:
            found |= set(self.cgroup.pids())
        return sorted(found)

    def worker_pids(self) -> list[int]:
        launcher = self.process.pid if self.process else None
        return [p for p in self.pids() if p != launcher]

    def usage(self) -> tuple[int, float]:
        """(processes, memory in MB) of the worker and all it started, launcher left out.
        The count matters where RLIMIT_NPROC cannot (a worker left running as root)."""
        pids = self.worker_pids()
        if self.cgroup:
            return len(pids), self.cgroup.memory_mb()
        return len(pids), memory_mb(pids, above_mb=self.limits.memory_mb)

    def cpu_used(self, pids=None) -> float:
        """CPU seconds of all the submission's processes so far, every worker together."""
        used = self.cgroup.cpu_seconds() if self.cgroup else None
        if used is not None:
            return self.cpu_spent + used
        for pid in self.worker_pids() if pids is None else pids:
            key, seconds = cpu_seconds_of(pid)
            self._cpu_seen[key] = max(seconds, self._cpu_seen.get(key, 0.0))
        return self.cpu_spent + sum(self._cpu_seen.values())

    def memory_killed(self) -> bool:
        """Whether the kernel killed one of its processes for the memory limit."""
        return bool(self.cgroup and self.cgroup.oom_kills())

    def over_limit(self) -> str:
        """The limit (a LIMIT_WORDS key) all the worker's processes together are over
        now, or ''. Called by the engine while it waits and after each probe."""
        if self.process is None:
            return ""
        pids = self.worker_pids()
        if self.cgroup and self.cgroup.oom_kills():
            return "memory"
        if not self.cgroup and memory_mb(pids, self.limits.memory_mb) > self.limits.memory_mb:
            return "memory"
        if len(pids) > self.limits.processes:
            return "processes"
        if self.limits.cpu_seconds and self.cpu_used(pids) > self.limits.cpu_seconds:
            return "cpu"
        return ""

    def kill_strays(self) -> int:
        """Kill every process of the sandbox but the launcher and the worker, so what
        student code started does not run on between probes. Returns how many."""
        if self.process is None or not self.report.get("worker"):
            return 0
        keep = {self.process.pid, self.report["worker"]}
        killed = set()
        for _ in range(200):  # until they are gone (a throttled one dies at its next slice)
            strays = [p for p in self.pids() if p not in keep]
            if not strays:
                break
            if not killed:
                self.cpu_used(strays)  # counted before they go, where no cgroup counts
            for pid in strays:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            killed |= set(strays)
            time.sleep(0.005)
        return len(killed)

    def kill(self) -> None:
        """SIGKILL every process of this sandbox, until none is left; then add up its
        CPU time, remove its cgroup and (uid mode) the files its user left in the
        host's shared temporary folders."""
        if self.process is None:
            return
        for attempt in range(50):
            pids = self.pids()  # a process leaves its cgroup only as it ends
            if self.process.poll() is None:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except OSError:
                    pass
            alive = [p for p in pids if p != self.process.pid or self.process.poll() is None]
            if not alive:
                break
            for pid in alive:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            step = min(0.001 * 2**attempt, 0.01)  # most are gone within a few ms
            if self.process.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=step)  # woken as soon as the launcher ends
            else:  # its worker can take longer to die (freeing GBs of shared memory)
                time.sleep(step)
        self.process.wait()
        if self.cgroup:
            self.cpu_spent += self.cgroup.cpu_seconds() or 0.0
            self.cgroup.remove()
            self.cgroup = None
        else:
            self.cpu_spent += sum(self._cpu_seen.values())
        if self._unused:
            self._unused.remove()
            self._unused = None
        self._cpu_seen = {}
        if self.report.get("mode") == "uid" and self.uid is not None:
            remove_files_of(self.uid)

    def describe(self) -> list[str]:
        lines = list(self.report.get("measures", []))
        missing = list(self.report.get("missing", []))
        if self.cgroup_lines:
            lines += self.cgroup_lines
        else:
            lines += [
                f"memory: {self.limits.memory_mb} MB for all its processes together, "
                f"shared mappings, memfds and deleted tmpfs files held open included "
                f"(watchdog, every {WATCH_EVERY:g} s while a test runs)",
                f"CPU time: {cpu_budget(self.limits)} for all its processes together "
                f"(watchdog, summing the process tree every {WATCH_EVERY:g} s)",
            ]
            missing += [
                f"kernel-enforced limits for all its processes together and a CPU "
                f"share cap (no cgroup: {self.no_cgroup})"
            ]
        lines.append("processes its code started are killed when each test's probe returns")
        if self.report.get("mode") == "uid":
            lines.append(
                "files its user left in /tmp, /var/tmp, /run/lock and /dev/shm are "
                "removed when it is done"
            )
        return lines + ["NOT: " + text for text in missing]


def _forked(zygote: Zygote, plan: dict, popen: dict) -> ForkedLauncher:
    """The launcher forked by the zygote, with the pipes a Popen would have made."""
    stdin_r, stdin_w = os.pipe()
    stdout_r, stdout_w = os.pipe()
    stderr = popen["stderr"]
    stderr_fd = stderr if isinstance(stderr, int) else stderr.fileno()
    try:
        process = zygote.launch(plan, stdin_r, stdout_w, stderr_fd)
    except BaseException:
        for fd in (stdin_r, stdin_w, stdout_r, stdout_w):
            os.close(fd)
        raise
    os.close(stdin_r)
    os.close(stdout_w)
    process.stdin = os.fdopen(stdin_w, "wb")
    process.stdout = os.fdopen(stdout_r, "rb")
    return process

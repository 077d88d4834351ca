"""The worker's own cgroup (engine side): memory, processes, CPU share and CPU time
of all its processes together, enforced by the kernel (cgroup v2, else v1)."""

import os
import signal
import time

from ..settings import ENV_CGROUP, env
from .limits import Limits, cpu_budget
from .paths import is_under
from .proc import _alive

CGROUP_PERIOD_US = 100_000


def _read(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def _put(path: str, value) -> None:
    with open(path, "w") as f:
        f.write(str(value))


def _cgroup_mounts() -> list[tuple[str, str, str, set]]:
    """(fstype, mount root, mount point, controllers) of every cgroup hierarchy."""
    found = []
    for line in _read("/proc/self/mountinfo").splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        tail = fields[fields.index("-") + 1 :]
        if len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            found.append((tail[0], fields[3], fields[4], set(tail[2].split(","))))
    return found


def _own_cgroups() -> dict[str, str]:
    """Controller (or '' for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    own = {}
    for line in _read("/proc/self/cgroup").splitlines():
        if line.count(":") < 2:
            continue
        _, names, path = line.split(":", 2)
        for name in names.split(",") if names else [""]:
            own[name] = path
    return own


def _place(mount_root: str, mount_point: str, path: str) -> str:
    """The folder of cgroup `path` under a hierarchy mounted at mount_point."""
    if is_under(path, mount_root):
        inner = os.path.join(mount_point, os.path.relpath(path, mount_root))
        if os.path.isdir(inner):
            return os.path.normpath(inner)
    return mount_point


class Cgroup:
    """The worker's own cgroup: memory (shared memory and tmpfs included), processes,
    CPU share and CPU time of all its processes together, enforced by the kernel.
    cgroup v2 where memory, pids and cpu are delegated to the grader's cgroup, else
    the cgroup v1 hierarchies there are; `create` says why not where none is usable."""

    WANTED = ("memory", "pids", "cpu", "cpuacct")
    made = 0

    def __init__(self, version: str, dirs: dict[str, str]):
        self.version = version
        self.dirs = dirs  # controller -> folder ('cpuacct' is 'cpu' in v2)
        self.cpu_before = 0.0

    @classmethod
    def create(cls, limits: Limits) -> tuple["Cgroup | None", str]:
        if env(ENV_CGROUP) == "0":
            return None, "turned off (AUTOGRADER_CGROUP=0)"
        cls.made += 1
        name = f"autograder-{os.getpid()}-{cls.made}"
        mounts, own = _cgroup_mounts(), _own_cgroups()
        why = "no cgroup hierarchy is mounted"
        for fstype, mount_root, point, _ in mounts:
            if fstype != "cgroup2":
                continue
            parent = _place(mount_root, point, own.get("", "/"))
            try:
                have = set(_read(f"{parent}/cgroup.controllers").split())
                if not {"memory", "pids", "cpu"} <= have:
                    raise OSError(f"controllers {' '.join(sorted(have)) or 'none'} delegated")
                if not {"memory", "pids", "cpu"} <= set(
                    _read(f"{parent}/cgroup.subtree_control").split()
                ):
                    _put(f"{parent}/cgroup.subtree_control", "+memory +pids +cpu")
                cls._sweep(parent)
                folder = f"{parent}/{name}"
                os.mkdir(folder)
                group = cls("v2", {c: folder for c in cls.WANTED})
                try:
                    group._limit(limits)
                except OSError:
                    group.remove()
                    raise
                return group, ""
            except OSError as exc:
                why = f"cgroup v2 at {parent} is not usable ({exc.strerror or exc})"
        dirs = {}
        try:
            for fstype, mount_root, point, options in mounts:
                for controller in cls.WANTED:
                    if fstype == "cgroup" and controller in options and controller not in dirs:
                        parent = _place(mount_root, point, own.get(controller, "/"))
                        if os.access(parent, os.W_OK):
                            same = [d for d in dirs.values() if os.path.dirname(d) == parent]
                            folder = same[0] if same else f"{parent}/{name}"
                            if not same:
                                cls._sweep(parent)
                                os.mkdir(folder)
                            dirs[controller] = folder
            if "memory" not in dirs:
                raise OSError(why if not dirs else "no writable cgroup v1 memory hierarchy")
            group = cls("v1", dirs)
            group._limit(limits)
            return group, ""
        except OSError as exc:
            if dirs:
                cls("v1", dirs).remove()
            return None, f"{why}; cgroup v1: {exc.strerror or exc}"

    @staticmethod
    def _sweep(parent: str) -> None:
        """Remove cgroups left by graders that died (their pid is in the name)."""
        try:
            names = os.listdir(parent)
        except OSError:
            return
        for entry in names:
            parts = entry.split("-")
            if (
                len(parts) == 3
                and parts[0] == "autograder"
                and parts[1].isdigit()
                and not _alive(int(parts[1]))
            ):
                try:
                    os.rmdir(f"{parent}/{entry}")
                except OSError:
                    pass

    def _limit(self, limits: Limits) -> None:
        memory = limits.memory_mb * 2**20
        quota = int(limits.cpus * CGROUP_PERIOD_US)
        d = self.dirs
        if self.version == "v2":
            _put(f"{d['memory']}/memory.max", memory)
            if os.path.exists(f"{d['memory']}/memory.swap.max"):
                _put(f"{d['memory']}/memory.swap.max", 0)
            _put(f"{d['pids']}/pids.max", limits.processes)
            if quota > 0:
                _put(f"{d['cpu']}/cpu.max", f"{quota} {CGROUP_PERIOD_US}")
            return
        _put(f"{d['memory']}/memory.limit_in_bytes", memory)
        try:  # swap too, where the kernel accounts it
            _put(f"{d['memory']}/memory.memsw.limit_in_bytes", memory)
        except OSError:
            pass
        if "pids" in d:
            _put(f"{d['pids']}/pids.max", limits.processes)
        if "cpu" in d and quota > 0:
            _put(f"{d['cpu']}/cpu.cfs_period_us", CGROUP_PERIOD_US)
            _put(f"{d['cpu']}/cpu.cfs_quota_us", quota)

    def controllers(self) -> list[str]:
        return [
            c
            for c in self.WANTED
            if c in self.dirs and not (self.version == "v2" and c == "cpuacct")
        ]

    def procs_files(self) -> list[str]:
        return sorted({f"{d}/cgroup.procs" for d in self.dirs.values()})

    def pids(self) -> list[int]:
        found = set()
        for path in self.procs_files():
            found |= {int(p) for p in _read(path).split()}
        return sorted(found)

    def memory_mb(self) -> float:
        name = "memory.current" if self.version == "v2" else "memory.usage_in_bytes"
        text = _read(f"{self.dirs['memory']}/{name}").strip()
        return int(text) / 2**20 if text.isdigit() else 0.0

    def oom_kills(self) -> int:
        """How often the kernel killed a process of this cgroup for memory (v1 kernels
        without an oom_kill count: how often the limit was hit and nothing reclaimable)."""
        text = _read(
            f"{self.dirs['memory']}/"
            + ("memory.events" if self.version == "v2" else "memory.oom_control")
        )
        for line in text.splitlines():
            if line.startswith("oom_kill "):
                return int(line.split()[1])
        if self.version == "v1" and "under_oom 1" in text:
            return 1
        return 0

    def cpu_seconds(self) -> float | None:
        if self.version == "v2":
            for line in _read(f"{self.dirs['cpu']}/cpu.stat").splitlines():
                if line.startswith("usage_usec "):
                    return int(line.split()[1]) / 1e6
            return None
        if "cpuacct" not in self.dirs:
            return None
        text = _read(f"{self.dirs['cpuacct']}/cpuacct.usage").strip()
        return int(text) / 1e9 if text.isdigit() else None

    def remove(self) -> None:
        """Remove the cgroup (once its processes are gone: the caller kills them)."""
        for folder in sorted(set(self.dirs.values())):
            for _ in range(100):
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    for pid in {int(p) for p in _read(f"{folder}/cgroup.procs").split()}:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except OSError:
                            pass
                    time.sleep(0.01)

    def describe(self, limits: Limits) -> list[str]:
        v, files = (
            self.version,
            {
                "v2": ("memory.max", "pids.max", "cpu.max", "cpu.stat"),
                "v1": ("memory.limit_in_bytes", "pids.max", "cpu.cfs_quota_us", "cpuacct.usage"),
            }[self.version],
        )
        lines = [
            f"memory: {limits.memory_mb} MB for all its processes together, shared "
            f"memory, memfds and tmpfs files it writes included (cgroup {v} {files[0]}); an "
            f"out-of-memory kill is reported as the memory limit"
        ]
        if "pids" in self.dirs:
            lines.append(
                f"processes and threads: {limits.processes} for all together "
                f"(cgroup {v} {files[1]})"
            )
        if "cpu" in self.dirs and limits.cpus > 0:
            lines.append(f"CPU share: at most {limits.cpus} cores at once (cgroup {v} {files[2]})")
        if self.cpu_seconds() is not None:
            lines.append(
                f"CPU time: {cpu_budget(limits)} for all its processes together "
                f"(cgroup {v} {files[3]})"
            )
        return lines

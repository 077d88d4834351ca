"""Process accounting from /proc (engine side): the process tree, memory and CPU
time of a group of processes, without a cgroup."""

import os
import stat


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, uid) of every live process (zombies left out), from /proc."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
            uid = os.stat(f"/proc/{name}").st_uid
        except OSError:
            continue
        fields = data[data.rindex(b")") + 2 :].split()
        if fields[0] not in (b"Z", b"X"):
            table[int(name)] = (int(fields[1]), uid)
    return table


def processes_of(root_pid: int, uid: int | None = None) -> list[int]:
    """root_pid and its live descendants, plus every live process owned by `uid`."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root_pid] if root_pid in table else []
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo += children.get(pid, [])
    if uid is not None:
        found |= {pid for pid, (_, owner) in table.items() if owner == uid}
    return sorted(found)


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _rollup_kb(pid: int, keys=("Pss_Anon:", "Pss_Shmem:")) -> int:
    total, found = 0, False
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith(keys):
                    total += int(line.split()[1])
                    found = True
    except (OSError, ValueError, IndexError):
        pass
    return total if found else _status_kb(pid, "RssAnon:") + _status_kb(pid, "RssShmem:")


def _held_shared_kb(pids) -> int:
    """Memfds and deleted or /dev/shm files these processes hold open but none of them
    maps (mapped pages are in Pss_Shmem already): each file once, by inode."""
    held, mapped = {}, set()
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if not (link.startswith(("/memfd:", "/dev/shm/")) or link.endswith("(deleted)")):
                    continue
                info = os.stat(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                held[(info.st_dev, info.st_ino)] = info.st_blocks // 2
    if not held:
        return 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/maps") as f:
                for line in f:
                    fields = line.split(maxsplit=5)
                    if len(fields) > 4 and fields[4] != "0":
                        major, minor = (int(x, 16) for x in fields[3].split(":"))
                        mapped.add((os.makedev(major, minor), int(fields[4])))
        except (OSError, ValueError):
            continue
    return sum(kb for key, kb in held.items() if key not in mapped)


def memory_mb(pids, above_mb: float = 0.0) -> float:
    """Memory of these processes together, in MB: anonymous and shared (shared
    mappings, memfds, deleted tmpfs files held open), each shared page or file once.
    RssAnon + RssShmem (cheap) count pages shared after fork once per process;
    only when that is over `above_mb` is the proportional Pss (slower) summed."""
    pids = list(pids)
    held = _held_shared_kb(pids) / 1024
    quick = sum(_status_kb(p, "RssAnon:") + _status_kb(p, "RssShmem:") for p in pids) / 1024
    if quick + held <= above_mb or len(pids) <= 1 and not held:
        return quick + held
    return sum(_rollup_kb(p) for p in pids) / 1024 + held


anonymous_memory_mb = memory_mb  # the name it had before shared memory counted


def cpu_seconds_of(pid: int) -> tuple[tuple[int, int], float]:
    """((pid, start time), user + system CPU seconds) of one process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return (pid, 0), 0.0
    fields = data[data.rindex(b")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (pid, int(fields[19])), (int(fields[11]) + int(fields[12])) / ticks


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except OSError:
        return True


def _user_thread_count(uid: int) -> int:
    count = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{name}/task"))
            except OSError:
                pass
    return count

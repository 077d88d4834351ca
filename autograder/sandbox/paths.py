"""The path policy: which folders are the system's, which the worker's Python needs,
what other users can read, and the host's shared temporary folders."""

import os
import shutil
import stat
import sys
from pathlib import Path

SYSTEM_DIRS = {
    "/",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/lib32",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/var",
    "/opt",
    "/home",
    "/tmp",
    "/boot",
    "/srv",
    "/mnt",
    "/media",
}


def outside_system_dirs() -> list[str]:
    """Top-level folders that are not the operating system's (e.g. /work, /root,
    /autograder). Hidden by default: another checkout of the course repo, an
    instructor's files or other graders' work elsewhere on the machine stays out of
    reach; what the worker needs (runtime, venv, data) is bound back read-only."""
    return sorted(
        f"/{name}"
        for name in os.listdir("/")
        if f"/{name}" not in SYSTEM_DIRS
        and os.path.isdir(f"/{name}")
        and not os.path.islink(f"/{name}")
    )


def is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def world_usable(path: str) -> bool:
    """Whether a user with no relation to the owner can reach and read `path`."""
    path = os.path.realpath(path)
    parts = Path(path).parents
    try:
        for folder in reversed(list(parts)):
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return False
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        return bool(mode & stat.S_IROTH and mode & stat.S_IXOTH)
    return bool(mode & stat.S_IROTH)


def runtime_paths() -> list[str]:
    """What the worker's Python needs to read: its installation and import path."""
    found = {
        sys.prefix,
        sys.exec_prefix,
        sys.base_prefix,
        sys.base_exec_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
        os.path.dirname(os.path.abspath(sys.executable)),
    }
    found |= {p for p in sys.path if p and os.path.isabs(p)}
    return sorted(p for p in {os.path.realpath(p) for p in found} | found if os.path.exists(p))


def _minimal(paths) -> list[str]:
    keep = []
    for p in sorted(set(paths), key=lambda p: (p.count("/"), p)):
        if not any(is_under(p, k) for k in keep):
            keep.append(p)
    return keep


SHARED_TMP = ("/tmp", "/var/tmp", "/run/lock", "/dev/shm")


def remove_files_of(uid: int, folders=SHARED_TMP) -> None:
    """Remove what a sandbox user left in the host's world-writable folders ('uid'
    mode: no private /tmp). Only entries that user owns, never following links."""
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass

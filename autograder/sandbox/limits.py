"""What one submission may use (Limits), the words a results file shows when a
limit is hit (LIMIT_WORDS), and the grader's own failure (SandboxError)."""

from dataclasses import dataclass


@dataclass
class Limits:
    """What one submission may use. Wall-clock limits live in the config's timeouts."""

    memory_mb: int = 2048  # RLIMIT_DATA per process; watchdog on all processes together
    processes: int = 64  # processes + threads of the worker (RLIMIT_NPROC)
    file_size_mb: int = 256  # largest file it may write, its printed output included
    disk_mb: int = 512  # private /tmp, /dev/shm and working copy (namespaces mode)
    files: int = 20000  # files and folders in that private disk (tmpfs nr_inodes)
    cpu_seconds: int = 0  # CPU time of all its processes together (0: none)
    cpus: int = 2  # cores its processes may use at once (cgroup cpu quota)
    open_files: int = 1024
    restarts: int = 8  # worker restarts after crashes before the rest is not run

    @classmethod
    def from_config(cls, table: dict | None, cpu_seconds: float = 0) -> "Limits":
        known = {k: int(v) for k, v in (table or {}).items() if k in cls.__dataclass_fields__}
        known.setdefault("cpu_seconds", int(cpu_seconds))
        return cls(**known)


LIMIT_WORDS = {  # status label and the plain sentence a results file shows
    "time": ("time limit", "ran past the time limit of a test"),
    "submission time": ("time limit", "ran past the time limit for the whole submission"),
    "memory": ("memory limit", "used more than the {memory_mb} MB of memory allowed"),
    "processes": ("process limit", "started more than the {processes} processes/threads allowed"),
    "file size": (
        "file size limit",
        "wrote a file (or printed output) over the {file_size_mb} MB allowed",
    ),
    "cpu": (
        "CPU limit",
        "used more than the {cpu_seconds} s of CPU time allowed (all its processes together)",
    ),
    "disk": (
        "disk limit",
        "filled its private disk space ({disk_mb} MB and {files} files and folders allowed)",
    ),
    "crash": ("crashed", "crashed the process running it (or exited early)"),
    "tamper": ("tampering", "wrote into the grader's channel or answered in its place"),
}


class SandboxError(RuntimeError):
    """The grader could not set the sandbox up: the grader's fault, not the student's."""


def cpu_budget(limits: Limits) -> str:
    return (
        f"{limits.cpu_seconds} s"
        if limits.cpu_seconds
        else "the submission's budget (import_timeout + submission_timeout)"
    )


def what_it_did(limit: str, limits: dict) -> str:
    """What code that reached `limit` did, e.g. 'used more than 2048 MB of memory'."""
    return LIMIT_WORDS[limit][1].format(**limits)


def limit_sentence(limit: str, limits: dict, tail: str = "") -> str:
    """'Memory limit: your code used more than ...<tail>.': how the worker's replies
    and a report's problems say it."""
    label = LIMIT_WORDS[limit][0]
    return f"{label[0].upper() + label[1:]}: your code {what_it_did(limit, limits)}{tail}."

"""Isolation and limits for the process that runs student code.

The engine never starts the worker directly: it runs

    python -m autograder.sandbox PLAN      (the launcher, as the grader's user)

which sets the measures below up, forks, and executes the worker in the
child. The launcher reports on a pipe which measures applied (and the worker's
pid), so a results file can say what was and was not guaranteed on this machine.
Where the grading process could fork a zygote (zygote.py), the launcher is
forked from it instead and the worker runs without an exec, torch already
loaded; the measures are the same.

Modes, best first (the launcher picks the first that works):

* ``namespaces`` (grader is root and may unshare, e.g. a VM, CI box or a
  privileged container): the worker runs
    - as a dedicated user id (UID_BASE + launcher pid, no passwd entry, no
      groups, no_new_privs), so it cannot write grader files, signal the
      grader or touch another submission's files (each has its own uid);
    - in its own network namespace (no network at all, loopback down);
    - in its own PID namespace with a fresh /proc (cannot see other
      processes; when the worker dies every process it started dies too);
    - in its own mount namespace, in a root built from an allowlist and
      pivoted into: read-only /usr, /bin, /sbin, /lib*, /etc, the Python
      runtime and venv, the data folders, a minimal /dev (null, zero, full,
      random, urandom, tty), /proc, a fresh read-only /sys, caches through a
      private overlay. Everything else of the host (the repository, /root,
      /home, /opt, /srv, /mnt, /media, /var and /run but for the two below)
      is simply absent;
    - with one private tmpfs of ``disk_mb`` and ``files`` inodes for /tmp,
      /var/tmp, /run/lock, /dev/shm, its home and its copy of the submission
      (the only places it can write besides its output, which goes to a file
      capped by RLIMIT_FSIZE); it dies with the namespace.
* ``uid`` (root, but namespaces refused, e.g. Docker's default seccomp on
  Gradescope): the dedicated uid and the rlimits; files stay as readable as
  their permission bits say (use `prepare_container` to close secrets); the
  host's /tmp, /var/tmp, /run/lock and /dev/shm are shared (what its user
  leaves there is removed when it is done).
* ``limits`` (grader is not root): rlimits only.

$AUTOGRADER_SANDBOX=uid or =limits caps the mode (to try a weaker one, or where
namespaces are allowed but unwanted).

Whatever the mode, the engine puts each worker in its own cgroup where one is
usable (class Cgroup; $AUTOGRADER_CGROUP=0 turns it off): cgroup v2 where the
memory, pids and cpu controllers are delegated to the grader's cgroup, else
the cgroup v1 memory, pids, cpu and cpuacct hierarchies (this is what the repo's
CI has). There the kernel holds, for all the worker's processes together:
memory (memory.max / memory.limit_in_bytes: shared mappings, memfds and tmpfs
files count; an OOM kill is read from the cgroup and reported as the memory
limit, not a crash), processes and threads (pids.max), a CPU share (cpu.max /
cfs quota: `cpus` cores); CPU time is read from cpu.stat / cpuacct.usage. The
cgroup is removed when the worker is killed. The launcher moves the worker into
it before any student code runs; where the worker also has its own uid, nothing
it starts can leave, so its processes are listed from the cgroup (not by a scan
of /proc). Without one, the engine's
watchdog (every 0.5 s while it waits, and after each probe) counts the same
memory over the process tree (Pss_Anon + Pss_Shmem, plus memfds and deleted
tmpfs files held open but not mapped, each inode once) and CPU time (utime +
stime of every process it saw).

In every mode: RLIMIT_DATA (memory per process), RLIMIT_NPROC (processes and
threads; per uid, so exact with a dedicated uid), RLIMIT_FSIZE (largest file,
including printed output), RLIMIT_CPU (backstop per process), RLIMIT_CORE 0;
the engine adds wall-clock limits, the CPU-time budget of the submission
(`cpu_seconds`, import_timeout + submission_timeout by default) for all its
processes and workers together, kills every process of the sandbox but the
worker when each probe returns (what student code starts never runs between
tests; a DataLoader with persistent workers kept across tests would lose
them), and kills every process of the sandbox (process tree, uid, cgroup)
when it is done.

Limits come from sandbox.Limits, overridden per assignment by a [limits] table
in config.toml (memory_mb, processes, file_size_mb, disk_mb, files, cpu_seconds,
cpus, open_files, restarts).
Measured here (torch 2.14 CPU, Python 3.11): importing torch reserves 3.26 GB of
address space (so RLIMIT_AS below ~4 GB breaks the import: it is not used), has
787 MB of data mappings (RLIMIT_DATA 600 MB fails, 1 GB works) and 287 MB of
anonymous resident memory; the default memory_mb = 2048 leaves ~1.2 GB to the
student's data.

What is guaranteed (namespaces mode with a cgroup; `python -m autograder.sandbox
--check` says which mode and cgroup a machine gives, and every results.json lists
the measures that applied, and those that did not, in extra_data.sandbox):
  - the score comes from judges in the grading process, on plain data (torch.load
    with weights_only): printing, exiting, patching torch/builtins/checks in the
    worker, or returning Tensor subclasses changes nothing there;
  - results files are written by the grader after the worker is gone, in folders
    the worker cannot see or write; frames written into the grader's channel are
    caught (every reply must carry the nonce of its request): status "tampering";
  - the grader's repository (hidden tests, solutions), classmates' submissions,
    the output folder and the rest of the host are not in its root; other
    processes are not visible, and cannot be signalled (other uid); no network;
    nothing it writes outlives it, and no file passes between two submissions;
  - time per test and per submission, memory of all its processes together
    (shared memory included), processes, CPU share and CPU time of all its
    processes together, file size, disk bytes and files are capped; every process
    of the sandbox is killed when it is done (PID namespace + tree + uid + cgroup).
What is not:
  - probes run in the student's process, so deliberately adversarial code can
    change what a probe observes of its own objects (e.g. rewrite the worker in
    memory to report another grad_fn name): checks of values against the judge's
    own expectations cannot be faked without computing those values, but checks
    of properties can; such code is plain to see in the submission;
  - the probes of hidden tests are in the worker (their inputs, not the judges);
  - without a cgroup, memory and CPU time summed over processes are checked every
    0.5 s while the grader waits (RLIMIT_DATA per process always holds), memory
    of SysV segments or tmpfs files no process holds open is not counted, and
    there is no CPU-share cap;
  - 'uid' mode hides only what permissions hide (see prepare_container) and has
    no network isolation, no private /tmp, /var/tmp, /run/lock or /dev/shm (two
    submissions graded at once could pass files there) and no disk quota or
    inode cap; 'limits' mode has no user separation at all: a submission could
    read or change whatever the grader's user can (a batch warns if the
    grader's files change).

This package imports nothing outside the standard library (and
autograder.settings, which neither does): the launcher runs before torch is
loaded. Its modules, by concern: libc (mount, unshare, prctl, pivot_root),
limits (Limits, LIMIT_WORDS, SandboxError), paths (the path policy), proc
(/proc accounting), cgroup (Cgroup), host (the engine-side Sandbox), launcher
(the launcher process), selfcheck (--check), container (prepare_container);
__main__ runs the launcher or the check.
"""

from .cgroup import Cgroup, _cgroup_mounts  # noqa: F401  (re-exported, as below)
from .container import prepare_container
from .host import REPORT_TIMEOUT, WATCH_EVERY, Sandbox
from .launcher import MODES, SANDBOX_DIR, UID_BASE, launch
from .limits import (
    LIMIT_WORDS,
    Limits,
    SandboxError,
    cpu_budget,
    limit_sentence,
    what_it_did,
)
from .paths import (
    SHARED_TMP,
    compiled_package,
    is_under,
    outside_system_dirs,
    remove_files_of,
    runtime_paths,
    world_usable,
)
from .proc import (
    _process_table,  # noqa: F401
    _status_kb,  # noqa: F401
    anonymous_memory_mb,
    cpu_seconds_of,
    memory_mb,
    processes_of,
)
from .selfcheck import check
from .zygote import ForkedLauncher, Zygote, thread_count, why_not_fork

__all__ = [
    "Cgroup",
    "LIMIT_WORDS",
    "limit_sentence",
    "what_it_did",
    "Limits",
    "MODES",
    "REPORT_TIMEOUT",
    "SANDBOX_DIR",
    "SHARED_TMP",
    "Sandbox",
    "SandboxError",
    "UID_BASE",
    "WATCH_EVERY",
    "anonymous_memory_mb",
    "check",
    "compiled_package",
    "cpu_budget",
    "cpu_seconds_of",
    "is_under",
    "launch",
    "memory_mb",
    "outside_system_dirs",
    "prepare_container",
    "processes_of",
    "remove_files_of",
    "runtime_paths",
    "world_usable",
    "ForkedLauncher",
    "Zygote",
    "thread_count",
    "why_not_fork",
]

"""Warm workers: launchers forked from a process that has torch imported already.

A cold worker is a new Python process that imports torch (seconds) before it can
run anything. A `Zygote` is a child forked from the grading process itself, at a
moment when that process holds nothing the student may not see (no test file
loaded yet) and runs a single thread: it keeps torch and the worker's modules in
memory and, for each start, forks a launcher. The launcher sets the sandbox up
exactly as `python -m autograder.sandbox PLAN` does (launcher.launch), and the
worker it forks then runs `autograder.core.worker` in place of an exec: afresh
from the worker's own copy of the package (every autograder module is dropped
and imported again from lib/), but with torch, numpy and the rest of the
interpreter already loaded. So a worker, and each restart after a crash or a
time limit, costs a few forks instead of a torch import.

The engine passes the worker's stdin, stdout, log and report pipe over a unix
socket (SCM_RIGHTS); the zygote answers with the launcher's pid and, when it
ends, its exit status (`ForkedLauncher` stands for the Popen the cold path has).
Only the standard library is imported here, like the rest of the sandbox.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

from .libc import PR_SET_PDEATHSIG, prctl
from .paths import private_folder

MESSAGE_BYTES = 1 << 22  # a plan (argv, env, paths) is a few KB
FD_LIMIT = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1 << 16
REPLY_TIMEOUT = 30.0


def close_all_but(keep: int) -> None:
    """Close every file descriptor from 3 up but keep (a fork starting clean)."""
    os.closerange(3, keep)
    os.closerange(keep + 1, FD_LIMIT)


def thread_count() -> int:
    """Threads of this process, OpenMP's included (threading sees only Python's)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def why_not_fork() -> str:
    """Why this process cannot fork a zygote safely, or ''."""
    if not hasattr(os, "fork") or not hasattr(socket, "send_fds") or sys.platform != "linux":
        return "not Linux"
    threads = thread_count()
    if threads != 1:  # a fork copies one thread; locks held by the others stay held
        return f"the grading process runs {threads} threads"
    return ""


class Zygote:
    """A single-threaded child of the grading process that forks launchers."""

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # nothing buffered here is written twice
        pid = os.fork()
        if pid == 0:
            ours.close()
            _serve(theirs)  # never returns
        theirs.close()
        self.pid = pid
        self.sock = ours
        self.exited: dict[int, int] = {}  # launcher pid -> exit code, as the zygote reports
        # No close(): the zygote ends with this process (EOF on the socket, PDEATHSIG).

    def launch(self, plan: dict, stdin: int, stdout: int, stderr: int) -> "ForkedLauncher":
        """Fork a launcher for plan, with these fds as its 0, 1 and 2; plan's
        report_fd is sent too. Raises OSError when the zygote is gone."""
        fds = [stdin, stdout, stderr, plan["report_fd"]]
        socket.send_fds(self.sock, [json.dumps(plan).encode()], fds)
        while True:
            message = self._next(REPLY_TIMEOUT)
            if message is None:
                raise OSError("the warm process did not answer")
            if "pid" in message:
                return ForkedLauncher(self, message["pid"])
            if "error" in message:
                raise OSError(message["error"])

    def _next(self, seconds: float | None) -> dict | None:
        """The zygote's next message, None if none came in time; exit codes are
        recorded as they pass. Raises OSError when the zygote is gone."""
        ready, _, _ = select.select([self.sock], [], [], seconds)
        if not ready:
            return None
        data = self.sock.recv(65536)
        if not data:
            raise OSError("the warm process is gone")
        message = json.loads(data)
        if "exit" in message:
            self.exited[message["exit"]] = message["code"]
        return message

    def poll_exits(self) -> None:
        """Record every exit code the zygote has reported so far."""
        try:
            while self._next(0) is not None:
                pass
        except OSError:
            pass


class ForkedLauncher:
    """What the engine needs of a Popen, for a launcher the zygote forked."""

    def __init__(self, zygote: Zygote, pid: int):
        self.zygote, self.pid = zygote, pid
        self.returncode: int | None = None
        self.stdin = self.stdout = None  # set by the caller: its ends of the pipes

    def poll(self) -> int | None:
        if self.returncode is None:
            self.zygote.poll_exits()
            self.returncode = self.zygote.exited.pop(self.pid, None)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Its exit code, as Popen.wait (TimeoutExpired after timeout seconds)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            try:
                self.zygote._next(left)
            except OSError:  # the zygote died: so did its launchers (PDEATHSIG)
                self.returncode = -signal.SIGKILL
        return self.returncode


def _send(sock: socket.socket, message: dict) -> None:
    try:
        sock.send(json.dumps(message).encode())
    except OSError:
        os._exit(0)  # the grader is gone


def _serve(sock: socket.socket) -> None:
    """The zygote: fork a launcher per request, report pids and exit codes."""
    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the grader died: so do we
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # ^C reaches the grader, which closes us
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        close_all_but(sock.fileno())
        _interpreter_path[:] = interpreter_path()
        namespaces = namespaces_answer()  # once: every launcher forked here may do the same
        # The standby forks its worker ahead too where that worker will be namespaced
        # (unless a plan caps the mode: then the standby is not used).
        ahead = not namespaces and os.geteuid() == 0 and _best_mode() == "namespaces"
        standby = _fork_standby(sock, ahead)
        children: dict[int, int] = {}  # launcher pid -> a pidfd readable when it ends, or -1
        while True:
            ends = [fd for fd in children.values() if fd >= 0]
            polled = -1 in children.values()  # no pidfd (an old kernel): look every 20 ms
            ready, _, _ = select.select([sock, *ends], [], [], 0.02 if polled else None)
            for pid, fd in list(children.items()):  # reaped here: the exit code reaches the engine
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    if fd >= 0:
                        os.close(fd)
                    del children[pid]
                    _send(sock, {"exit": pid, "code": os.waitstatus_to_exitcode(status)})
            if sock not in ready:
                continue
            data, fds, _, _ = socket.recv_fds(sock, MESSAGE_BYTES, 4)
            if not data:
                os._exit(0)
            if len(fds) != 4:
                for fd in fds:
                    os.close(fd)
                _send(sock, {"error": "the launcher's pipes did not arrive"})
                continue
            plan = {**json.loads(data), "namespaces_work": namespaces}
            if standby and ahead and plan.get("best_mode") != "namespaces":
                _discard(standby)
                standby = None
            pid = _hand_to_standby(standby, plan, fds) if standby else 0
            standby = None  # used once: a restart forks its launcher when asked
            if not pid:
                pid = os.fork()
                if pid == 0:
                    _become_launcher(sock, plan, fds)
            for fd in fds:
                os.close(fd)
            children[pid] = _pidfd(pid)
            _send(sock, {"pid": pid})
    except BaseException:  # noqa: BLE001  (the engine sees the socket close)
        os._exit(1)


def _best_mode() -> str:
    from ..settings import ENV_SANDBOX, env

    return env(ENV_SANDBOX, "namespaces")


def _fork_standby(sock: socket.socket, ahead: bool) -> tuple[int, socket.socket]:
    """The first launcher, forked ahead while the grader prepares the submission; it
    waits for its plan and pipes (and with `ahead`, unshares and forks its worker
    meanwhile: launcher.fork_ahead), so the first start costs no fork on the way."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        try:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the zygote ended without using it
            ours.close()
            sock.close()
            worker = None
            if ahead:
                from .launcher import fork_ahead

                os.setsid()  # its own session, the worker's too (as _become_launcher gives)
                worker = fork_ahead()
            data, fds, _, _ = socket.recv_fds(theirs, MESSAGE_BYTES, 4)
            if data and len(fds) == 4:  # the plan says whether namespaces work
                _become_launcher(theirs, json.loads(data), fds, worker)
        finally:
            os._exit(0)
    theirs.close()
    return pid, ours


def _discard(standby: tuple[int, socket.socket]) -> None:
    """End an unused standby (its worker forked ahead dies with it: PDEATHSIG)."""
    pid, channel = standby
    channel.close()
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _hand_to_standby(standby: tuple[int, socket.socket], plan: dict, fds: list[int]) -> int:
    """Pass plan and pipes to the standby launcher: its pid, or 0 if it is gone."""
    try:
        socket.send_fds(standby[1], [json.dumps(plan).encode()], fds)
        standby[1].close()
        return standby[0]
    except OSError:
        _discard(standby)
        return 0


def _pidfd(pid: int) -> int:
    """A file descriptor that becomes readable when child pid ends, or -1."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return -1


def _become_launcher(
    sock: socket.socket, plan: dict, fds: list[int], worker: tuple | None = None
) -> None:
    """In the forked launcher: the fds a Popen would have given it, then launch (with
    the worker forked ahead, if there is one: its channel kept as fd 4)."""
    try:
        sock.close()
        channel = None
        if worker is not None:  # out of the way of the fds placed below
            channel = fcntl.fcntl(worker[1].detach(), fcntl.F_DUPFD, 64)
        stdin, stdout, stderr, report = fds
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
        os.dup2(report, 3)
        if channel is not None:
            os.dup2(channel, 4)
            worker = (worker[0], socket.socket(fileno=4))
        os.closerange(5 if worker else 4, FD_LIMIT)  # nothing of the grader's stays open
        if os.getsid(0) != os.getpid():
            os.setsid()  # its own session, as start_new_session gives the cold launcher
        os.chdir(plan["root"])
        os.environ.clear()
        os.environ.update(plan["env"])
        fresh_sys_path(plan["env"])  # the launcher reads it (runtime_paths), as a new one would
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        plan = {**plan, "report_fd": 3, "parent": os.getppid(), "warm": True}
        from .launcher import launch

        launch(plan, worker)
    finally:
        os._exit(97)


_interpreter_path: list[str] = []  # sys.path of a new `python -I`, read once by the zygote


def _kept(kind: str, key, compute):
    """compute(), kept as JSON in the private folder under kind and key: read back
    while the key holds (and marked used), else computed and written whole."""
    home = private_folder()
    kept = home / f"{kind}-{key.hexdigest()[:20]}.json" if home else None
    if kept is not None:
        with contextlib.suppress(OSError, ValueError):
            value = json.loads(kept.read_text())
            os.utime(kept)  # in use: kept (paths._forget_unused)
            return value
    value = compute()
    if kept is not None:
        with contextlib.suppress(OSError):
            partial = kept.with_suffix(f".{os.getpid()}")
            partial.write_text(json.dumps(value))
            os.rename(partial, kept)  # whole or not at all, for a grader reading it now
    return value


def interpreter_path() -> list[str]:
    """The import path a new interpreter starts with before PYTHONPATH: the standard
    library, site-packages and what .pth files add there; none of the grader's own
    additions (its script's or working folder, a test runner's). Asked of a new
    `python -I` once per interpreter and state of its site-packages folders (a .pth
    file added or removed changes a folder's mtime), then kept in the private folder."""
    import site

    key = hashlib.sha256(f"{sys.executable}\0{sys.version}".encode())
    for folder in sorted(set(site.getsitepackages())):
        with contextlib.suppress(OSError):
            key.update(f"{folder}\0{os.stat(folder).st_mtime_ns}\n".encode())

    def ask() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-I", "-c", "import sys, json; print(json.dumps(sys.path))"],
            capture_output=True,
            text=True,
            check=True,
        )
        return [p for p in json.loads(done.stdout) if p]

    return list(_kept("interpreter-path", key, ask))


STANDING = ("Uid:", "CapEff:", "CapBnd:", "NoNewPrivs:", "Seccomp:", "Seccomp_filters:")


def namespaces_answer() -> str:
    """launcher.namespaces_work() ('' or why not), which costs a fork of this process
    (15 ms with torch loaded), kept in the private folder for what decides it: this
    boot, the namespaces this process is in, its user, capabilities, seccomp filters
    and security label."""
    from .launcher import namespaces_work

    key = hashlib.sha256()
    for path in ("/proc/sys/kernel/random/boot_id", "/proc/self/attr/current"):
        with contextlib.suppress(OSError), open(path, "rb") as f:
            key.update(f.read())
    for name in ("mnt", "pid", "net", "user", "ipc", "uts", "cgroup"):
        with contextlib.suppress(OSError):
            key.update(f"{name}:{os.stat(f'/proc/self/ns/{name}').st_ino}\n".encode())
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        key.update("".join(line for line in status if line.startswith(STANDING)).encode())
    return str(_kept("namespaces", key, namespaces_work))


def fresh_sys_path(env: dict) -> None:
    """sys.path as a new `python -P -s` with env starts: its PYTHONPATH, then
    interpreter_path()."""
    extra = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = extra + _interpreter_path


def _default_signals() -> None:
    """Signal handling as a new interpreter sets it, whatever the grader had: every
    signal at its default, but ^C raising KeyboardInterrupt, and SIGPIPE and SIGXFSZ
    ignored (so a file past RLIMIT_FSIZE fails with EFBIG, which the worker reports)."""
    for number in signal.valid_signals():
        if number in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            signal.signal(number, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _new_std_streams(env: dict) -> None:
    """sys.stdin/stdout/stderr as a new interpreter makes them for these fds and env:
    UTF-8 (the C locale is coerced), stdin and stdout with surrogateescape, stderr
    line-buffered with backslashreplace, or what PYTHONIOENCODING says."""
    encoding, _, errors = env.get("PYTHONIOENCODING", "").partition(":")
    streams = []
    for fd, mode, default, line in (
        (0, "r", "surrogateescape", False),
        (1, "w", "surrogateescape", False),
        (2, "w", "backslashreplace", True),
    ):
        streams.append(
            open(  # noqa: SIM115  (fds 0-2 are the worker's pipes and log, kept open)
                fd,
                mode,
                encoding=encoding or "utf-8",
                errors=errors or default,
                buffering=1 if line else -1,  # 1: line-buffered
                closefd=False,
            )
        )
    sys.stdin, sys.stdout, sys.stderr = streams
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = streams


def run_worker_in_place(argv: list[str], env: dict) -> None:
    """In the worker, instead of execve(argv): run argv's `-m module` with the
    interpreter already loaded. The grader's autograder modules are dropped, so the
    worker imports its own from PYTHONPATH (lib/, as a cold worker does)."""
    module = argv[argv.index("-m") + 1]
    args = argv[argv.index("-m") + 2 :]
    os.environ.clear()
    os.environ.update(env)
    fresh_sys_path(env)
    for name in list(sys.modules):
        if name.split(".")[0] == "autograder" or name.startswith(("agtests_", "agsupport_")):
            del sys.modules[name]
    sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
    _default_signals()
    _new_std_streams(env)
    sys.argv = [module, *args]
    import runpy

    code = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001  (as an uncaught exception ends a process)
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001, S110
                pass
    os._exit(code)

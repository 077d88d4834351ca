"""The launcher (`python -m autograder.sandbox PLAN`, as the grader's user): set the
measures up, fork, and execute the worker in the child; report on a pipe which
measures applied and the worker's pid; wait for it and pass its fate on."""

import json
import os
import resource
import shutil
import signal
import socket
import stat

from .libc import (
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    CLONE_NEWPID,
    CLONE_NEWUTS,
    MNT_DETACH,
    MS_BIND,
    MS_NODEV,
    MS_NOEXEC,
    MS_NOSUID,
    MS_PRIVATE,
    MS_RDONLY,
    MS_REC,
    MS_REMOUNT,
    PR_SET_CHILD_SUBREAPER,
    PR_SET_NO_NEW_PRIVS,
    PR_SET_PDEATHSIG,
    ST_FLAGS,
    _call,
    libc,
    mount,
    pivot_root,
    prctl,
    unshare,
)
from .paths import _minimal, copy_package, is_under, runtime_paths, world_usable
from .proc import _user_thread_count, processes_of
from .zygote import FD_LIMIT, MESSAGE_BYTES, close_all_but, run_worker_in_place

UID_BASE = 2_000_000_000  # dedicated uids: UID_BASE + launcher pid (pid_max <= 2**22)
SANDBOX_DIR = "/tmp/sandbox"  # where the worker sees its folder when /tmp is private

NAMESPACES = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
MODES = ("namespaces", "uid", "limits")  # best first; $AUTOGRADER_SANDBOX caps it


def namespaces_work() -> str:
    """'' if this process may unshare and mount (tried in a throwaway child), else why not."""
    if os.geteuid() != 0:
        return "the grader does not run as root"
    pid = os.fork()
    if pid == 0:
        try:
            unshare(NAMESPACES)
            mount(None, "/", None, MS_REC | MS_PRIVATE)
            mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k")
            os.mkdir("/tmp/.old")
            os.chdir("/tmp")
            pivot_root(".", ".old")  # the worker's root is pivoted into, so try it too
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return (
        ""
        if os.waitstatus_to_exitcode(status) == 0
        else "this machine does not allow new namespaces (unshare/mount/pivot_root refused)"
    )


def _bind(source_fd: int, target: str, readonly: bool) -> None:
    mount(f"/proc/self/fd/{source_fd}", target, None, MS_BIND | MS_REC)
    if readonly:
        flags = sum(v for k, v in ST_FLAGS.items() if os.statvfs(target).f_flag & k)
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)


def _mountpoint(path: str, like_fd: int) -> None:
    if stat.S_ISDIR(os.fstat(like_fd).st_mode):
        os.makedirs(path, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "a").close()


def _chown_tree(path: str, uid: int) -> None:
    os.chown(path, uid, uid)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


SYSTEM_BINDS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
PRIVATE_PLACES = {"/var/tmp": ".var-tmp", "/run/lock": ".run-lock", "/dev/shm": ".shm"}


def setup_namespaces(
    plan: dict, uid: int | None, measures: list, missing: list, unshared: bool = False
) -> str:
    """Unshare, then build the worker's root from an allowlist and pivot into it:
    read-only system folders, the Python runtime and the data folders bound back,
    a minimal /dev, /proc, /sys read-only, and one private tmpfs (disk_mb, files)
    for /tmp, /var/tmp, /run/lock, /dev/shm, the home and the submission's copy.
    Everything else of the host is absent. Returns the worker's folder. (unshared:
    done already, by fork_ahead.)"""
    if not unshared:
        unshare(NAMESPACES)
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing below leaks to the host
    limits = plan["limits"]
    root_fd = os.open(plan["root"], os.O_RDONLY | os.O_DIRECTORY)
    package_fd = os.open(plan["package"], os.O_PATH | os.O_DIRECTORY)
    view = _allowlist(plan)
    system, links, binds, caches = view["system"], view["links"], view["binds"], view["caches"]
    opened = {
        p: os.open(p, os.O_PATH) for p in [*system, *binds, *caches.values()] if p not in links
    }
    devices = {}
    for name in DEVICES:
        try:
            devices[name] = os.open(f"/dev/{name}", os.O_PATH)
        except OSError:
            pass
    _pivot_into_new_root()
    # The private tmpfs first: what is bound back from under the host's /tmp (a
    # checkout or venv in /tmp, as on CI) gets its mount point inside it.
    os.mkdir("/tmp", mode=0o1777)
    mount(
        "tmpfs",
        "/tmp",
        "tmpfs",
        MS_NOSUID | MS_NODEV,
        f"size={limits['disk_mb']}m,nr_inodes={limits['files']},mode=1777",
    )
    covered = _bind_back(system + binds, links, opened, view["hidden"], system)
    _make_dev(devices)
    sys_line = _mount_sys(missing)
    _bind_private_places()
    _overlay_caches(caches, opened, uid, measures, missing)
    box = _make_box(root_fd, package_fd, uid)
    _drop_host_root()
    for fd in [*opened.values(), *devices.values(), root_fd, package_fd]:
        os.close(fd)
    measures += [
        "no network (own network namespace)",
        "own process namespace and /proc (sees no other process)",
        "its own root folder built from an allowlist: read-only "
        + ", ".join(f"{p} -> {links[p]}" if p in links else p for p in system)
        + f", a minimal /dev ({' '.join(DEVICES)}), /proc, {sys_line}",
        f"private /tmp, /var/tmp, /run/lock, /dev/shm and home: one tmpfs of "
        f"{limits['disk_mb']} MB and {limits['files']} files and folders that also "
        f"holds its copy of the submission",
    ]
    if view["absent"]:
        measures.append(
            "hidden (absent from its root but for what is bound back): " + ", ".join(view["absent"])
        )
    if binds:
        measures.append("bound back read-only: " + ", ".join(binds))
    if covered:
        measures.append(
            "hidden inside folders bound back (empty read-only mounts): " + ", ".join(covered)
        )
    if view["refused"]:
        missing.append(
            "Python paths left out because they hold a hidden folder: " + ", ".join(view["refused"])
        )
    return box


def _allowlist(plan: dict) -> dict:
    """What of the host the worker's root gets: system folders (and which are links),
    the runtime and data folders bound back (none that holds a hidden folder),
    caches, and the top-level folders that stay absent."""
    root = plan["root"]
    hidden = [os.path.realpath(p) for p in plan["hide"]]
    system = [p for p in SYSTEM_BINDS if os.path.lexists(p)]
    links = {p: os.readlink(p) for p in system if os.path.islink(p)}
    wanted = runtime_paths() + [os.path.realpath(p) for p in plan["data"] if os.path.exists(p)]
    wanted = [p for p in wanted if os.path.isdir(p) or os.path.isfile(p)]
    refused = sorted({p for p in wanted if any(is_under(h, p) for h in hidden)})
    binds = _minimal(
        p
        for p in wanted
        if p not in refused and not is_under(p, root) and not any(is_under(p, s) for s in system)
    )
    caches = {
        name: os.path.realpath(p)
        for name, p in plan["cache"].items()
        if os.path.isdir(p) and not any(is_under(h, os.path.realpath(p)) for h in hidden)
    }
    absent = sorted(
        f"/{n}"
        for n in os.listdir("/")
        if os.path.isdir(f"/{n}") and f"/{n}" not in system + ["/dev", "/proc", "/sys", "/tmp"]
    )
    return {
        "hidden": hidden,
        "system": system,
        "links": links,
        "refused": refused,
        "binds": binds,
        "caches": caches,
        "absent": absent,
    }


def _pivot_into_new_root() -> None:
    """The new root: a small tmpfs (over /tmp, in this namespace only), then pivot
    into it; the host's root stays at /.old until everything is bound from it."""
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=755")
    os.mkdir("/tmp/proc")
    mount("proc", "/tmp/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)  # the launcher's
    os.mkdir("/tmp/.old", 0o700)
    os.chdir("/tmp")
    pivot_root(".", ".old")
    os.chdir("/")


def _bind_back(paths: list, links: dict, opened: dict, hidden: list, system: list) -> list:
    """Bind the system folders and runtime read-only (links as links); cover the hidden
    folders inside them with empty read-only mounts. Returns those covered."""
    for path in paths:
        if path in links:
            os.symlink(links[path], path)
        else:
            _mountpoint(path, opened[path])
            _bind(opened[path], path, readonly=True)
    covered = [
        h
        for h in hidden
        if os.path.isdir(h) and h not in system and any(is_under(h, b) for b in paths)
    ]
    for path in covered:  # named hidden, yet inside a folder bound back: covered
        mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=755")
    return covered


def _make_dev(devices: dict) -> None:
    os.mkdir("/dev")
    mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,nr_inodes=64,mode=755")
    for name, fd in devices.items():
        _mountpoint(f"/dev/{name}", fd)
        _bind(fd, f"/dev/{name}", readonly=False)
    for name, target in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        os.symlink(target, f"/dev/{name}")


def _mount_sys(missing: list) -> str:
    os.mkdir("/sys")
    try:
        mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
        return "/sys read-only"
    except OSError as exc:
        missing.append(f"/sys (sysfs refused: {exc.strerror}); torch reads it for CPU counts")
        return "no /sys"


def _bind_private_places() -> None:
    """/var/tmp, /run/lock and /dev/shm: folders of the private tmpfs."""
    for path, name in PRIVATE_PLACES.items():
        os.makedirs(path, exist_ok=True)
        os.mkdir(f"/tmp/{name}")
        os.chmod(f"/tmp/{name}", 0o1777)
        inner = os.open(f"/tmp/{name}", os.O_PATH)
        _bind(inner, path, readonly=False)
        os.close(inner)


def _overlay_caches(caches: dict, opened: dict, uid, measures: list, missing: list) -> None:
    """Each cache read-only with private writes (an overlay in the private tmpfs)."""
    for index, (name, path) in enumerate(sorted(caches.items())):
        layer = f"/tmp/.cache-layers/{index}"
        os.makedirs(f"{layer}/upper")
        os.makedirs(f"{layer}/work")
        if uid is not None:
            os.chown(f"{layer}/upper", uid, uid)
        _mountpoint(path, opened[path])
        try:
            mount(
                "overlay",
                path,
                "overlay",
                MS_NOSUID | MS_NODEV,
                f"lowerdir=/proc/self/fd/{opened[path]},upperdir={layer}/upper,"
                f"workdir={layer}/work",
            )
            measures.append(f"cache {path}: read-only, private writes (overlay)")
        except OSError as exc:
            _bind(opened[path], path, readonly=True)
            missing.append(f"cache {path} is read-only for the worker ({exc.strerror})")


def _make_box(root_fd: int, package_fd: int, uid) -> str:
    """The worker's folder: lib (with the package in it) and probes bound read-only,
    its own copy of the submission and its home in the private tmpfs."""
    box = SANDBOX_DIR
    os.makedirs(box, mode=0o755)
    for name in ("lib", "probes"):
        os.mkdir(f"{box}/{name}")
        inner = os.open(f"/proc/self/fd/{root_fd}/{name}", os.O_PATH)
        _bind(inner, f"{box}/{name}", readonly=True)
        os.close(inner)
    _bind(package_fd, f"{box}/lib/autograder", readonly=True)  # one compiled copy for all
    shutil.copytree(f"/proc/self/fd/{root_fd}/submission", f"{box}/submission", symlinks=True)
    os.makedirs(f"{box}/home/tmp")
    if uid is not None:
        _chown_tree(f"{box}/submission", uid)
        _chown_tree(f"{box}/home", uid)
    return box


def _drop_host_root() -> None:
    _call(libc().umount2(b"/.old", MNT_DETACH), "umount the host's root")
    os.rmdir("/.old")
    for path in ("/", "/dev"):  # no new files outside the private tmpfs
        mount(
            None,
            path,
            None,
            MS_REMOUNT
            | MS_BIND
            | MS_RDONLY
            | MS_NOSUID
            | (MS_NOEXEC if path == "/dev" else MS_NODEV),
        )


def prepare_in_place(plan: dict, uid: int, measures: list, missing: list) -> None:
    """Without namespaces: make the sandbox folder usable by the worker's uid only."""
    root = plan["root"]
    os.chmod(root, 0o711)
    for name in ("submission", "home"):
        os.makedirs(f"{root}/{name}", exist_ok=True)
        _chown_tree(f"{root}/{name}", uid)
        os.chmod(f"{root}/{name}", 0o700)
    for path in [os.path.realpath(p) for p in plan["hide"]]:
        if os.path.exists(path) and world_usable(path):
            missing.append(
                f"{path} is readable by any user (no mount namespace to hide it; "
                f"remove read permission for others, e.g. chmod o-rwx)"
            )


def set_limits(limits: dict, dedicated_uid: bool) -> None:
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limits["memory_mb"] * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_size_mb"] * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    processes = limits["processes"]
    if not dedicated_uid:  # RLIMIT_NPROC counts every process of the user
        processes += _user_thread_count(os.getuid())
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    files = (
        limits["open_files"] if hard == resource.RLIM_INFINITY else min(limits["open_files"], hard)
    )
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
    if limits.get("cpu_seconds"):
        resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_seconds"], limits["cpu_seconds"] + 5))


def _write(fd: int, data: dict) -> None:
    os.write(fd, (json.dumps(data) + "\n").encode())


def _rewrite(value, old: str, new: str):
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_rewrite(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite(v, old, new) for k, v in value.items()}
    return value


def launch(plan: dict, ahead: tuple[int, socket.socket] | None = None) -> None:
    """The launcher: set up, fork the worker (or hand the plan to the one forked
    ahead, see fork_ahead), wait for it, pass its fate on."""
    report_fd = plan["report_fd"]
    _start_up(plan)
    limits = plan["limits"]
    is_root = os.geteuid() == 0
    uid = UID_BASE + os.getpid() if is_root else None
    best = plan.get("best_mode", "namespaces")
    if best not in MODES:
        best = "namespaces"
    if best == "limits":
        uid = None
    cgroup_fds, cgroup_error = _open_cgroups(plan.get("cgroup", []))
    try:
        if ahead and (best != "namespaces" or plan.get("namespaces_work")):
            raise SandboxSetupError("a worker forked ahead for namespaces, in another mode")
        mode, uid, root, argv, env, measures, missing = _isolate(
            plan, best, uid, is_root, unshared=bool(ahead)
        )
    except BaseException as exc:  # noqa: BLE001
        _write(report_fd, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        os._exit(97)
    measures += _rlimit_measures(limits, uid)
    worker = {
        "plan": {k: plan[k] for k in ("workdir", "limits", "warm") if k in plan},
        "mode": mode,
        "root": root,
        "uid": uid,
        "launcher": os.getpid(),
        "argv": argv,
        "env": env,
        "report": {"ok": True, "mode": mode, "uid": uid, "measures": measures, "missing": missing},
    }
    if ahead:
        child, channel = ahead
        socket.send_fds(channel, [json.dumps(worker).encode()], [0, 1, 2, report_fd])
        channel.close()
    else:
        child = os.fork()
        if child == 0:
            for fd in cgroup_fds:
                os.close(fd)
            _run_worker(worker, report_fd)
    # The worker is moved into its cgroup from here, while it imports the grader's
    # modules (each move waits on the kernel's cgroup lock); the grader reads this
    # report to its end, so it lets the worker import student code only after it.
    joined, cgroup_error = _join_cgroups(cgroup_fds, cgroup_error, child)
    _write(report_fd, {"worker": child, "cgroup_joined": joined, "cgroup_error": cgroup_error})
    os.close(report_fd)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    status = _wait_for(child)
    _kill_orphans(os.getpid())
    _pass_on(status, os.getpid())


class SandboxSetupError(Exception):
    """The launcher cannot set the sandbox up as asked."""


def fork_ahead() -> tuple[int, socket.socket]:
    """In a launcher forked before its plan arrives (the zygote's standby): unshare
    the namespaces and fork the worker now, off the path of the first start; the
    worker waits for what launch sends it. Returns (its pid, the channel to it)."""
    unshare(NAMESPACES)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    child = os.fork()
    if child == 0:
        try:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # its launcher died unused: so does it
            ours.close()
            close_all_but(theirs.fileno())  # nothing of the zygote's
            data, fds, _, _ = socket.recv_fds(theirs, MESSAGE_BYTES, 4)
            if not data or len(fds) != 4:
                os._exit(0)
            theirs.close()
            for fd, target in zip(fds[:3], (0, 1, 2)):
                os.dup2(fd, target)
            report_fd = os.dup(fds[3])
            for fd in fds:
                os.close(fd)
            _run_worker(json.loads(data), report_fd)
        finally:
            os._exit(97)
    theirs.close()
    return child, ours


def _run_worker(worker: dict, report_fd: int) -> None:
    """In the worker's process: enter the sandbox, report, then run the worker."""
    argv = worker["argv"]
    try:
        _become_worker(
            worker["plan"], worker["mode"], worker["root"], worker["uid"], worker["launcher"]
        )
        if worker["uid"] is not None and not os.access(argv[0], os.X_OK):
            raise PermissionError(f"the sandbox user cannot run {argv[0]}")
        _write(report_fd, worker["report"])
        if worker["plan"].get("warm"):  # forked from a warm process: no exec, no torch import
            os.closerange(3, FD_LIMIT)  # as the exec would: all but 0, 1, 2
            run_worker_in_place(argv, worker["env"])
        os.set_inheritable(report_fd, False)
        os.execve(argv[0], argv, worker["env"])
    except BaseException as exc:  # noqa: BLE001
        try:
            _write(report_fd, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        finally:
            os._exit(97)


def _start_up(plan: dict) -> None:
    os.set_inheritable(plan["report_fd"], False)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the grader died: so do we
    if os.getppid() != plan["parent"]:
        os._exit(1)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _open_cgroups(paths: list) -> tuple[list, str]:
    """Opened now: the worker's root has no cgroupfs."""
    fds, error = [], ""
    for path in paths:
        try:
            fds.append(os.open(path, os.O_WRONLY))
        except OSError as exc:
            error = f"{path}: {exc.strerror}"
    return fds, error


def _isolate(plan: dict, best: str, uid, is_root: bool, unshared: bool = False):
    """Set up the best mode that works. Returns (mode, uid, root, argv, env,
    measures, missing), root, argv and env as the worker sees them."""
    measures, missing = [], []
    root, argv, env = plan["root"], plan["argv"], plan["env"]
    if best != "namespaces":
        why_not = f"turned off (AUTOGRADER_SANDBOX={best})"
    else:  # a zygote's launcher: tried once by the zygote
        why_not = plan["namespaces_work"] if "namespaces_work" in plan else namespaces_work()
    if not why_not:
        mode = "namespaces"
        box = setup_namespaces(plan, uid, measures, missing, unshared)
        argv, env = _rewrite(argv, root, box), _rewrite(env, root, box)
        root = box
    else:
        copy_package(plan["package"], root)
        missing += [
            f"network isolation ({why_not})",
            f"hiding the grader's files by mounts ({why_not})",
            f"a private /tmp, /var/tmp, /run/lock and /dev/shm, a disk quota and "
            f"a cap on files ({why_not}): the host's are visible and writable; "
            f"two submissions graded at once could pass files there",
        ]
        mode = "limits"
        if uid is not None:
            blocked = [p for p in runtime_paths() if not world_usable(p)]
            if blocked:
                missing.append(
                    "a separate user: the Python runtime is not readable by "
                    "other users (" + ", ".join(blocked[:3]) + "); see "
                    "autograder.sandbox.prepare_container"
                )
                uid = None
            else:
                mode = "uid"
                prepare_in_place(plan, uid, measures, missing)
        for name in plan["cache"]:  # a private cache: never share writes between students
            env[name] = f"{root}/home/.cache"
    if uid is not None:
        measures.append(f"runs as its own user (uid {uid}), not as the grader")
    elif not any("separate user" in m for m in missing):
        missing.append("a separate user (the worker runs as the grader's user)")
    if uid is None and is_root:
        missing.append(
            "RLIMIT_NPROC (root ignores it): processes are counted by the grader's watchdog instead"
        )
    prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans come back here, and are killed
    return mode, uid, root, argv, env, measures, missing


def _rlimit_measures(limits: dict, uid) -> list[str]:
    measures = [
        f"memory: {limits['memory_mb']} MB per process (RLIMIT_DATA)",
        f"processes and threads: {limits['processes']} (RLIMIT_NPROC"
        + (", own uid)" if uid is not None else ", counted with the user's others)"),
        f"files: {limits['file_size_mb']} MB each, printed output included (RLIMIT_FSIZE)",
    ]
    if limits.get("cpu_seconds"):
        measures.append(f"CPU time: {limits['cpu_seconds']} s per process (RLIMIT_CPU, a backstop)")
    return measures


def _join_cgroups(fds: list, error: str, pid: int) -> tuple[bool, str]:
    joined = bool(fds) and not error
    for fd in fds:  # all that pid starts stays inside
        try:
            os.write(fd, str(pid).encode())
        except OSError as exc:
            joined, error = False, f"joining: {exc.strerror}"
        os.close(fd)
    return joined, error


def _become_worker(plan: dict, mode: str, root: str, uid, launcher: int) -> None:
    """In the child: its own /proc, its folder, rlimits, its user, no new privileges."""
    if mode == "namespaces":  # a /proc of its own, unseen by the launcher
        unshare(CLONE_NEWNS)
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.chdir(f"{root}/{plan['workdir']}")
    set_limits(plan["limits"], dedicated_uid=uid is not None)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid, which clears it
    if os.getppid() not in (launcher, 0):
        os._exit(1)


def _wait_for(child: int) -> int:
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(1)
        if pid == child:
            return status


def _kill_orphans(launcher: int) -> None:
    for _ in range(20):  # orphans left behind (without a PID namespace)
        left = [p for p in processes_of(launcher) if p != launcher]
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass


def _pass_on(status: int, launcher: int) -> None:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(launcher, sig)
        os._exit(128 + sig)
    os._exit(os.waitstatus_to_exitcode(status))

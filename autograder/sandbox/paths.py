"""The path policy: which folders are the system's, which the worker's Python needs,
what other users can read, and the host's shared temporary folders."""

import os
import shutil
import stat
import sys
import time
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


UNUSED_SECONDS = 86400


def copy_package(package: str, root: str) -> None:
    """A copy of the package at root/lib/autograder, where none is yet: what a new
    interpreter in root imports (a cold launcher), and what a worker imports where
    nothing binds the shared compiled copy read-only (one running as the grader's
    user could change a shared one). Otherwise that folder is only a mount point."""
    target = os.path.join(root, "lib", "autograder")
    if not os.path.exists(os.path.join(target, "__init__.py")):
        shutil.copytree(package, target, dirs_exist_ok=True)


def private_folder() -> Path | None:
    """This user's own folder in the temporary folder, for what the grader makes once
    and reuses (the compiled package, the interpreter's import path); None if it
    cannot be had or is not ours alone (another user could put code there)."""
    import tempfile

    home = Path(tempfile.gettempdir()) / f"autograder-lib-{os.geteuid()}"
    try:
        home.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(home)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        return None
    return home


def _forget_unused(home: Path) -> None:
    """Remove what no grader has used for a day: compiled packages of files since
    changed, import paths of environments since changed or gone."""
    for entry in home.iterdir():
        try:
            if time.time() - entry.stat().st_mtime <= UNUSED_SECONDS:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:  # another grader removed it first
            pass


def compiled_package(source: Path) -> Path:
    """The package at source as the worker imports it: a copy with bytecode, made
    once per version of its files (keyed by the Python version and every file's
    path, size and mtime) in a private folder of the temporary folder, so a worker
    does not compile ~20 modules at each start (~25 ms); source itself where no
    private folder can be had (another user's, or not writable)."""
    import compileall
    import hashlib
    import py_compile
    import tempfile

    key = hashlib.sha256(sys.version.encode())  # bytecode is per Python version
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            info = path.stat()
            key.update(f"{path.relative_to(source)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    home = private_folder()
    if home is None:
        return source
    compiled = home / key.hexdigest()[:20]
    if compiled.is_dir():
        os.utime(compiled)  # in use: kept (_forget_unused)
        return compiled
    try:
        building = Path(tempfile.mkdtemp(dir=home, prefix=".building-"))
    except OSError:
        return source
    try:
        shutil.copytree(source, building / "package", ignore=shutil.ignore_patterns("__pycache__"))
        compileall.compile_dir(
            building / "package",
            quiet=2,
            invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP,
        )
        _forget_unused(home)
        os.rename(building / "package", compiled)
    except OSError:  # another grader made it first, or no room: use its, or none
        pass
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return compiled if compiled.is_dir() else source

"""Importing a handed-in script (train.py) the way `import train` would, watched.

Probe side: runs in the worker. A script must do nothing when imported (its work under
`if __name__ == "__main__":`), so the import is stopped at its first side effect: a
model's forward pass or an optimizer step (torch's global hooks), and a file written in
its folder or the working directory, a network connection or a process started (an
audit hook: installed once a worker, as none can be removed, and idle between imports).
"""
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from torch.nn.modules.module import register_module_forward_pre_hook
from torch.optim.optimizer import register_optimizer_step_pre_hook

from autograder.testing import explain


class StoppedAtSideEffect(BaseException):
    """Raised into train.py's import at its first side effect, so nothing runs on (not an
    Exception, so an `except Exception` in train.py does not swallow it)."""


WATCH = {"on": False, "roots": (), "did": [], "hooked": False}  # the import being watched
PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.fork", "os.posix_spawn", "os.exec")
NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "urllib.Request")
FILE_EVENTS = {"os.mkdir": "create the folder", "os.rename": "rename", "os.remove": "delete",
               "shutil.rmtree": "delete the folder"}


def side_effect(event, args):
    """What an audit event says train.py tried to do, or None (reading files is fine, and so
    is writing outside its folder and the working directory: caches of imported libraries)."""
    if event in NETWORK_EVENTS:
        return "tried to open a network connection (a download?)"
    if event in PROCESS_EVENTS:
        return "tried to start a process"
    if event == "open":
        path, mode, flags = args
        writes = (any(c in mode for c in "wax+") if isinstance(mode, str)
                  else bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)))
        return f"tried to write {where(path)}" if writes and where(path) else None
    if event in FILE_EVENTS and where(args[0]):
        return f"tried to {FILE_EVENTS[event]} {where(args[0])}"
    return None


def where(path) -> str:
    """`path` in words if it lies in a watched folder (the working directory, the
    submission's folder), else ''."""
    if isinstance(path, int):
        return ""
    full = os.path.abspath(os.fsdecode(path))
    for root, words in WATCH["roots"]:
        if full == root:
            return words
        if full.startswith(root + os.sep):
            return f"{os.path.relpath(full, root)!r} in {words}"
    return ""


def audit(event, args):
    if not WATCH["on"]:
        return
    did = side_effect(event, args)
    if did:
        WATCH["did"].append(did)
        raise StoppedAtSideEffect(did)


def stop_at(what):
    def hook(*_):
        WATCH["did"].append(what)
        raise StoppedAtSideEffect(what)
    return hook


def import_watched(path: Path) -> dict:
    """Import the script at `path` afresh, under a name of its own and with `sys.argv` as
    `python -c "import train"` gives it, in an empty working directory; stop it at the first
    model forward pass, optimizer step, file written (there or in its folder), download or
    process started. Returns what it did, whether it failed, and how long it took."""
    submission = path.parent
    if not path.is_file():
        return {"found": False, "error": "", "did": [], "created": [], "seconds": 0.0}
    if not WATCH["hooked"]:  # once a worker: an audit hook cannot be removed, it checks "on"
        sys.addaudithook(audit)
        WATCH["hooked"] = True
    spec = importlib.util.spec_from_file_location(f"{path.stem}_as_imported", path)
    module = importlib.util.module_from_spec(spec)
    cwd, argv, bytecode = Path.cwd(), sys.argv, sys.dont_write_bytecode
    work = Path(tempfile.mkdtemp(prefix="train-import-")).resolve()
    before = sorted(p.name for p in submission.iterdir())
    hooks = [register_module_forward_pre_hook(stop_at("ran a model's forward pass")),
             register_optimizer_step_pre_hook(stop_at("took an optimizer step (training)"))]
    error, started = "", time.perf_counter()
    try:
        os.chdir(work)
        sys.argv, sys.dont_write_bytecode = [str(path)], True
        sys.modules[spec.name] = module
        WATCH.update(on=True, did=[], roots=((str(work), "the working directory"),
                                               (str(submission.resolve()), "its folder")))
        spec.loader.exec_module(module)
    except StoppedAtSideEffect:
        pass
    except SyntaxError as exc:
        where = Path(exc.filename).name if exc.filename else path.name  # or a file it imports
        error = f"{where} has a syntax error on line {exc.lineno}: {exc.msg}."
    except BaseException as exc:  # noqa: BLE001  (a syntax error, sys.exit, anything)
        error = explain(exc, submission.resolve())
    finally:
        WATCH["on"] = False
        seconds = time.perf_counter() - started
        for hook in hooks:
            hook.remove()
        sys.modules.pop(spec.name, None)
        sys.argv, sys.dont_write_bytecode = argv, bytecode
        os.chdir(cwd)
    created = sorted({p.name for p in submission.iterdir()} - set(before))
    created += sorted(str(p.relative_to(work)) for p in work.rglob("*"))
    shutil.rmtree(work, ignore_errors=True)
    return {"found": True, "error": error, "did": list(dict.fromkeys(WATCH["did"])),
            "created": created, "seconds": seconds}

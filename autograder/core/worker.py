"""The worker: the only process that runs student code.

Started by the engine with the submission copy as its working directory. It
imports the grader's modules, waits for the grader's nonce (sent once the sandbox
is complete, its cgroup joined, and the probe modules written), imports the
stripped probe modules (no judges), says it is ready (the one
frame sent before any student code runs: only it can report a grader error),
imports the student's modules, says hello, and answers probe requests one at a time:

  request  (stdin):  one JSON line {"module": ..., "probe": ...}
  response (fd of the original stdout): a frame: `plain.frame`, 8-byte length + payload

Student prints go to the log file the grader passed as stderr, never into the
response channel. The worker runs inside the sandbox (autograder/sandbox/); failures
that show a limit (MemoryError, EFBIG, EAGAIN from fork) say so in the reply.
"""

import ast
import errno
import gc
import importlib
import inspect
import json
import os
import sys
import time
from pathlib import Path

MAIN_PID = os.getpid()


def send(channel, message: dict, frame=None) -> None:
    if os.getpid() != MAIN_PID:  # a process the student's code forked: it never answers
        os._exit(0)
    if frame is None:
        from autograder.core.plain import frame
    channel.write(frame(message))
    channel.flush()


def limit_of(exc: BaseException) -> str:
    """Which sandbox limit an exception from student code shows, if any."""
    text = str(exc)
    if isinstance(exc, MemoryError) or (
        isinstance(exc, RuntimeError)
        and ("can't allocate memory" in text or "not enough memory" in text or "bad_alloc" in text)
    ):
        return "memory"
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return "file size"
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
        return "memory"  # e.g. a memfd or tmpfs write refused by the memory cgroup
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk"  # its private tmpfs is full: bytes or files (nr_inodes)
    if (isinstance(exc, OSError) and exc.errno == errno.EAGAIN) or (
        isinstance(exc, RuntimeError) and "can't start new thread" in text
    ):
        return "processes"
    return ""


def limit_message(limit: str, limits: dict) -> str:
    from autograder.sandbox import limit_sentence

    return limit_sentence(limit, limits)


def failure(exc: BaseException, student_dir: Path, limits: dict) -> dict:
    from autograder.notebook import relabel
    from autograder.testing import explain

    limit = limit_of(exc)
    message = relabel(explain(exc, student_dir), exc, student_dir)  # a notebook's cells, by number
    if limit:
        return {
            "ok": False,
            "limit": limit,
            "message": limit_message(limit, limits) + "\n" + message,
        }
    return {"ok": False, "message": message}


def defined_names(path: Path) -> set[str]:
    """Top-level names a file defines itself (not imports: train.py importing
    build_model from models.py does not make build_model depend on train.py)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def needs_failed_module(function, env: dict, errors: dict, failed_names: dict):
    """Why a probe cannot run because a student file failed to import, or None.
    A probe fails only for the names it takes that a failed file would define, or
    that no file defines while some file failed (a missing file's names are unknown)."""
    if not errors:
        return None
    for name in inspect.signature(function).parameters:
        if name in ("env", "submission"):
            continue
        for module, error in errors.items():
            if name in failed_names[module]:
                return (
                    f"This test needs `{name}` from {module}.py, which could not be used. {error}"
                )
        if name not in env:
            return (
                f"This test needs `{name}`, which none of your files that could be "
                f"imported define. " + " ".join(errors.values())
            )
    return None


def import_student_modules(modules: list[str], student_dir: Path, limits: dict):
    """Each file on its own: a missing or broken one is an error for its name only."""
    from autograder.notebook import relabel

    env, errors, limit = {}, {}, ""
    for name in modules:
        if not (student_dir / f"{name}.py").is_file():
            errors[name] = f"File {name}.py was not found in your submission."
            continue
        try:
            module = importlib.import_module(name)
            env.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
        except SyntaxError as exc:
            errors[name] = (
                f"{name}.py has a syntax error on line {exc.lineno}: {exc.msg}"
                f"\n  {(exc.text or '').strip()}"
            )
            errors[name] = relabel(errors[name], exc, student_dir)
        except BaseException as exc:  # noqa: BLE001  (student code may raise anything)
            reply = failure(exc, student_dir, limits)
            limit = limit or reply.get("limit", "")
            errors[name] = relabel(
                f"Importing {name}.py failed. " + reply["message"], exc, student_dir
            )
    return env, errors, limit


def main() -> None:
    settings = json.loads(sys.argv[1])
    student_dir = Path.cwd().resolve()
    limits = settings["limits"]
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stdout and stderr: the log file the grader gave us, never the channel
    start_error = ""  # why the worker could not start, if it could not
    try:  # anything failing here is the grader's fault: no student code has run yet
        import torch

        torch.set_num_threads(settings["threads"])
        # What reporting a failure imports, imported now: a student's code that used up
        # its memory leaves no room to import it then.
        import autograder.notebook
        import autograder.sandbox  # noqa: F401
        from autograder.core import plain
        from autograder.testing import run_probe

        # Held here, so student code replacing module attributes changes nothing below.
        to_plain, NotPlainData, frame = plain.to_plain, plain.NotPlainData, plain.frame
    except BaseException as exc:  # noqa: BLE001
        start_error = f"the worker could not start: {type(exc).__name__}: {exc}"
    # The imports above ran while the launcher moved this process into its cgroup. The
    # grader sends the nonce once that is done and the probe modules are written;
    # student code runs only after it.
    hello_nonce = json.loads(sys.stdin.readline())["nonce"]
    try:
        if not start_error:
            sys.path.insert(0, settings["probes_dir"])
            # Probe modules come first, so student code cannot shadow their imports.
            probes = {name: importlib.import_module(name) for name in settings["probe_modules"]}
            gc.freeze()  # the collector leaves all loaded so far (torch's) alone in tests
    except BaseException as exc:  # noqa: BLE001
        start_error = f"the worker could not start: {type(exc).__name__}: {exc}"
    if start_error:
        send(channel, {"ready": False, "nonce": hello_nonce, "grader_error": start_error})
        return
    # Sent before any student code runs, so the grader can trust it: only this frame
    # can say the grader failed. Everything after it may be forged.
    send(channel, {"ready": True, "nonce": hello_nonce}, frame)
    sys.path.insert(0, str(student_dir))
    env, errors, limit = import_student_modules(settings["modules"], student_dir, limits)
    failed_names = {name: defined_names(student_dir / f"{name}.py") for name in errors}
    send(
        channel,
        {"hello": True, "import_errors": errors, "limit": limit, "nonce": hello_nonce},
        frame,
    )

    for line in sys.stdin:
        request = json.loads(line)
        started = time.perf_counter()
        try:
            function = getattr(probes[request["module"]], request["probe"]).probe_function
            blocked = needs_failed_module(function, env, errors, failed_names)
            if blocked:
                reply = {"ok": False, "message": blocked, **({"limit": limit} if limit else {})}
            else:
                reply = {
                    "ok": True,
                    "value": to_plain(
                        run_probe(
                            function,
                            env,
                            student_dir,
                            settings.get("seed", 0),
                            inputs=int(request.get("seed", 0)),
                        )
                    ),
                }
        except NotPlainData as exc:
            reply = {
                "ok": False,
                "message": f"Your code returned something that is not plain data ({exc}).",
            }
        except BaseException as exc:  # noqa: BLE001
            reply = failure(exc, student_dir, limits)
        reply["seconds"] = time.perf_counter() - started
        reply["nonce"] = request["nonce"]
        try:
            send(channel, reply, frame)
        except Exception as exc:  # noqa: BLE001  (e.g. a value torch cannot save)
            send(
                channel,
                {
                    "ok": False,
                    "seconds": reply["seconds"],
                    "nonce": request["nonce"],
                    "message": f"Your code returned data the grader cannot read ({exc}).",
                },
                frame,
            )


if __name__ == "__main__":
    main()

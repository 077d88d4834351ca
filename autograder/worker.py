"""The worker: the only process that runs student code.

Started by the engine with the submission copy as its working directory. It
imports the stripped probe modules (no judges), then the student's modules,
says hello, and answers probe requests one at a time:

  request  (stdin):  one JSON line {"module": ..., "probe": ...}
  response (fd of the original stdout): 8-byte length + `plain.dumps` payload

Student prints go to a log file, never into the response channel.
"""
import importlib
import json
import os
import struct
import sys
import time
from pathlib import Path


def send(channel, message: dict) -> None:
    from autograder import plain
    payload = plain.dumps(message)
    channel.write(struct.pack("<Q", len(payload)) + payload)
    channel.flush()


def import_student_modules(modules: list[str], student_dir: Path):
    from autograder.testing import explain
    env, errors = {}, {}
    for name in modules:
        if not (student_dir / f"{name}.py").is_file():
            errors[name] = f"File {name}.py was not found in your submission."
            continue
        try:
            module = importlib.import_module(name)
            env.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
        except SyntaxError as exc:
            errors[name] = (f"{name}.py has a syntax error on line {exc.lineno}: {exc.msg}"
                            f"\n  {(exc.text or '').strip()}")
        except BaseException as exc:  # noqa: BLE001  (student code may raise anything)
            errors[name] = f"Importing {name}.py failed. " + explain(exc, student_dir)
    return env, errors


def main() -> None:
    settings = json.loads(sys.argv[1])
    channel = os.fdopen(os.dup(1), "wb")
    log = os.open(settings["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    student_dir = Path.cwd().resolve()
    sys.path[:0] = [str(student_dir), settings["probes_dir"]]

    import torch
    torch.set_num_threads(settings["threads"])
    from autograder.testing import explain, run_probe
    from autograder import plain

    # Probe modules come first, so student code cannot shadow their imports.
    probes = {name: importlib.import_module(name) for name in settings["probe_modules"]}
    env, errors = import_student_modules(settings["modules"], student_dir)
    send(channel, {"hello": True, "import_errors": errors})

    for line in sys.stdin:
        request = json.loads(line)
        started = time.perf_counter()
        try:
            function = getattr(probes[request["module"]], request["probe"]).probe_function
            value = plain.to_plain(run_probe(function, env, student_dir))
            reply = {"ok": True, "value": value}
        except plain.NotPlainData as exc:
            reply = {"ok": False, "message": f"Your code returned something that is not "
                                             f"plain data ({exc})."}
        except BaseException as exc:  # noqa: BLE001
            reply = {"ok": False, "message": explain(exc, student_dir)}
        reply["seconds"] = time.perf_counter() - started
        try:
            send(channel, reply)
        except Exception as exc:  # noqa: BLE001  (e.g. a value torch cannot save)
            send(channel, {"ok": False, "seconds": reply["seconds"],
                           "message": f"Your code returned data the grader cannot read ({exc})."})


if __name__ == "__main__":
    main()

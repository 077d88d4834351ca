"""Warm workers, the grading process's side (the zygote itself: sandbox/zygote.py).

A grading process forks one zygote, the first time it needs a worker, if at that
moment it loaded no test file (the workers it forks must never hold a judge) and
runs one thread (torch's OpenMP pool starts a thread at import unless told to use
one: `single_threaded_imports` tells it, `restore_threads` gives the judges their
threads back once the zygote is forked). A worker forked from it keeps this
process's string-hash seed, so it is used only where that equals the
PYTHONHASHSEED a cold worker gets (the config's seed); the command line starts
grading verbs with PYTHONHASHSEED=0 for that (`hash_seed_for`). Anywhere else,
or with AUTOGRADER_WARM=0, each worker is a new Python process as before.
"""

import gc
import os
import sys

from ..sandbox import Zygote, why_not_fork
from ..settings import ENV_WARM, env

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
THREADS_SET_HERE = "AUTOGRADER_THREADS_UNSET"  # the variables we set, to undo in the graders
HASH_SEED = os.environ.get("PYTHONHASHSEED")  # as this process started: str hashes use it

_zygote: Zygote | None = None
_cold_because = ""  # why this process starts its workers cold, once decided
_tests_loaded = False


def enabled() -> bool:
    return env(ENV_WARM, "1") != "0"


def single_threaded_imports(environ: dict) -> dict:
    """environ with one OpenMP/MKL thread where the user set no count, and a note
    of which were set here (see restore_threads)."""
    unset = [name for name in THREAD_VARIABLES if name not in environ]
    return {**environ, **{name: "1" for name in unset}, THREADS_SET_HERE: ",".join(unset)}


def restore_threads() -> None:
    """Undo single_threaded_imports: torch gets the thread count it would have had."""
    unset = [name for name in os.environ.pop(THREADS_SET_HERE, "").split(",") if name]
    for name in unset:
        os.environ.pop(name, None)
    if unset:
        import torch

        torch.set_num_threads(len(os.sched_getaffinity(0)))


def hash_seed_for(argv: list[str]) -> None:
    """Called first by the command line: a grading verb re-executes itself once with
    PYTHONHASHSEED=0 (the configs' seed) and single-threaded imports, so that its
    workers can be forked warm. Python reads the hash seed only at start."""
    if not enabled() or sys.platform != "linux" or "PYTHONHASHSEED" in os.environ:
        return
    environ = single_threaded_imports({**os.environ, "PYTHONHASHSEED": "0"})
    os.execve(sys.executable, [sys.executable, "-m", "autograder", *argv], environ)


def note_tests_loaded() -> None:
    global _tests_loaded
    _tests_loaded = True


def start_zygote() -> None:
    """Fork this process's zygote now, if it can be (idempotent)."""
    global _zygote, _cold_because
    if _zygote is not None or _cold_because or not enabled():
        return
    # What is loaded now (torch: 170k objects) is never garbage: the collector leaves
    # it alone from here on, here and in every worker forked (a full collection over
    # it took 85 ms, at random moments of grading), and the workers' pages stay shared.
    gc.freeze()
    _cold_because = why_not_fork() or (
        "test files were loaded before the first worker" if _tests_loaded else ""
    )
    if not _cold_because:
        _zygote = Zygote()
    restore_threads()


# What torch imports on first use that many workers reach: the first backward with a
# given gradient imports torch.fx's symbolic shapes and sympy (0.4 s a worker).
# grade-all's servers import it once before they fork (a single grading process does
# not: it would wait for an import its tests may never need). Only modules that start
# no thread and read no per-user setting belong here.
PRELOADED = ("torch.fx.experimental.symbolic_shapes",)


def preload() -> None:
    import importlib

    for name in PRELOADED:
        importlib.import_module(name)


def zygote_for(seed: int) -> Zygote | None:
    """The zygote for a worker that runs with this seed, or None: start it cold."""
    start_zygote()
    return _zygote if HASH_SEED == str(seed) else None


def cold_because(seed: int) -> str:
    """Why workers of this seed start cold here, or '' (for reports and tests)."""
    if not enabled():
        return "AUTOGRADER_WARM=0"
    if _cold_because:
        return _cold_because
    if HASH_SEED != str(seed):
        return f"this process's PYTHONHASHSEED is {HASH_SEED}, not the config's seed {seed}"
    return ""

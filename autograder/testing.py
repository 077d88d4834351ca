"""What grader test files import: `probe`, `test_case`, `config`, `ProbeFailed`,
`support`.

A test file is an otter exception-based test file. Its `@probe` functions run
beside the student's code and return plain data; its `@test_case` functions
are judges that call probes through `env` and assert on the data.

- Under our engine, `env` is a `RemoteEnv`: each probe runs in the worker
  process and only plain data comes back; the judge runs in the grader.
- Under otter's in-process runner, `env` is the student's global namespace and
  the probe is called directly (its result still goes through the same
  plain-data round trip, so both paths judge identical values).
"""

import functools
import importlib.util
import inspect
import random
import sys
import traceback
from pathlib import Path

import numpy as np
import torch

from .core import plain
from .core.assignment import SUPPORT_DIR, config  # noqa: F401  (config: re-exported for test files)

# Under otter (which has imported its test_files to run ours), test cases must be its
# own class, the one it collects. Anywhere else ours: importing otter costs half a
# second, and students may not have it.
if "otter.test_files" in sys.modules:
    from otter.test_files import test_case
else:

    class test_case:  # noqa: N801  (same name and interface as otter's)
        def __init__(
            self, name=None, points=None, hidden=False, success_message=None, failure_message=None
        ):
            self.name, self.points, self.hidden = name, points, hidden
            self.success_message = success_message
            self.failure_message = failure_message
            self.test_func = lambda: None

        def __call__(self, test_func):
            self.test_func = test_func
            return self


SEED = 0
# Under otter, probe results per namespace, kept here and not in the student's globals
# (a global of theirs could otherwise claim to hold every answer). The namespace is held
# too, so its id is not reused while its entry lives; a few namespaces are kept.
_OTTER_CACHES: dict[int, tuple[dict, dict]] = {}
OTTER_CACHES_KEPT = 8
_support: dict[Path, object] = {}


class ProbeFailed(AssertionError):
    """A probe could not produce data; the message is written for the student."""


class MissingName(LookupError):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


def seed_everything(seed: int = SEED) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


def explain(exc: BaseException, student_dir: Path | None = None) -> str:
    """Plain words for what went wrong in student code, no grader internals."""
    if isinstance(exc, MissingName):
        return (
            f"Your code does not define `{exc.name}`. Check the spelling and that it "
            f"is defined at the top level of your file."
        )
    if isinstance(exc, NotImplementedError):
        what = str(exc) or "a function"
        return f"Not written yet: {what} still raises NotImplementedError."
    if isinstance(exc, SystemExit):
        return "Your code called sys.exit() / exit() while being graded; do not exit."
    where = ""
    if student_dir is not None:
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if Path(f.filename).resolve().is_relative_to(student_dir)
        ]
        if frames:
            f = frames[-1]
            where = f"\n  at {Path(f.filename).name}, line {f.lineno}: {(f.line or '').strip()}"
    message = str(exc).strip()
    if len(message) > 500:
        message = message[:500] + "..."
    return f"Your code raised {type(exc).__name__}: {message}{where}"


def run_probe(
    function, env: dict, submission: Path | None = None, seed: int = SEED, inputs: int = SEED
):
    """Call a probe with arguments taken by name from the student's namespace, seeded
    with the config's seed (the worker passes it). A parameter named `seed` gets the
    seed of the inputs the grader chose for this submission (see input_seed)."""
    kwargs = {}
    for name in inspect.signature(function).parameters:
        if name == "env":
            kwargs[name] = env
        elif name == "submission":
            kwargs[name] = submission if submission is not None else Path.cwd()
        elif name == "seed":
            kwargs[name] = inputs
        elif name in env:
            kwargs[name] = env[name]
        else:
            raise MissingName(name)
    seed_everything(seed)
    return function(**kwargs)


def input_seed(env: object) -> int:
    """The seed a probe's `seed` parameter got, for the judge to draw the same inputs.
    Our engine chooses it per submission (RemoteEnv.seed: a hash of the submission and
    of the tests it runs, hidden ones included), so no answer can be computed ahead from
    the probe's source; under otter and in a notebook check it is SEED."""
    return getattr(env, "seed", SEED)


def otter_cache(env: dict) -> dict:
    """The probe results for one namespace (otter's run, or one notebook check)."""
    held = _OTTER_CACHES.get(id(env))
    if held is None or held[0] is not env:
        while len(_OTTER_CACHES) >= OTTER_CACHES_KEPT:
            _OTTER_CACHES.pop(next(iter(_OTTER_CACHES)))
        held = _OTTER_CACHES[id(env)] = (env, {})
    return held[1]


def probe(function):
    """Mark a function as a probe: it runs beside student code, returns plain data."""

    @functools.wraps(function)
    def call(env):
        if hasattr(env, "run_probe"):  # our engine: run in the worker process
            return env.run_probe(function.__module__.rsplit(".", 1)[-1], function.__name__)
        cache = otter_cache(env)  # otter: run here, judge the same data
        key = (function.__code__.co_filename, function.__name__)  # unique across test files
        if key not in cache:
            try:
                cache[key] = plain.round_trip(run_probe(function, env))
            except Exception as exc:  # noqa: BLE001  (student code may raise anything)
                raise ProbeFailed(explain(exc, Path.cwd().resolve())) from None
        return cache[key]

    call.probe_function = function
    return call


def support(name: str):
    """The assignment's helper module tests/support/<name>.py, shared by its test
    files. It is found beside the test file that asks, wherever that file runs:
    the instructor's repo, the worker's copy of the probes, a student's folder.
    otter runs test files from a string or from a copy of tests/*.py, and copies
    the assignment folder into the submission's: there it is found below that."""
    caller = Path(sys._getframe(1).f_code.co_filename)
    places = [caller.resolve().parent / SUPPORT_DIR / f"{name}.py"] if caller.is_file() else []
    places += sorted(Path.cwd().glob(f"assignments/*/tests/{SUPPORT_DIR}/{name}.py"))
    places = [p for p in places if p.is_file()]
    if not places:
        raise FileNotFoundError(f"{caller.name}: the helper {SUPPORT_DIR}/{name}.py is missing")
    path = places[0].resolve()
    if path not in _support:
        module_name = f"agsupport_{path.parent.parent.parent.name}_{name}_{len(_support)}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # dataclasses and pickling look modules up
        writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True
        try:
            spec.loader.exec_module(module)
        finally:
            sys.dont_write_bytecode = writes
        _support[path] = module
    return _support[path]

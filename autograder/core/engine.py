"""Run an assignment's test cases against one submission.

Judges (the `@test_case` bodies) run here, in the grading process. Each probe
they call runs in a worker process beside the student's code (see worker.py);
only plain data comes back. One worker serves a whole submission and is
restarted after a crash or a timeout, which cost only the test that caused it.
"""

import ast
import contextlib
import hashlib
import importlib.util
import inspect
import json
import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .. import checks, datasets, notebook
from ..checks import source as source_check
from ..sandbox import (
    LIMIT_WORDS,
    Limits,
    Sandbox,
    SandboxError,
    Zygote,
    _status_kb,
    limit_sentence,
    outside_system_dirs,
    what_it_did,
)
from ..settings import COURSE, ENV_ASSIGNMENTS, ENV_HIDE, IN_COURSE, env_paths
from ..testing import ProbeFailed, seed_everything, test_case
from . import plain, tamper, warm
from .assignment import (
    SUPPORT_DIR,
    Config,
    config,
    find_assignment_dir,
    probe_source,
    support_needed,
    test_files,
)

LOG_TAIL = 2000  # characters of the student's own printing kept in results
WATCH_EVERY = 0.5  # seconds between checks of the worker's memory while waiting
TAMPERED = (
    "The grader received an answer it did not ask for: your code wrote into the "
    "grader's channel or answered in its place. This test scored 0."
)


@dataclass
class CaseResult:
    file: str
    name: str
    description: str
    points: float
    hidden: bool
    score: float = 0.0
    message: str = ""  # why it failed, for the student
    note: str = ""  # what a passing judge reported (e.g. which data set was used)
    seconds: float = 0.0
    figures: dict = field(default_factory=dict)  # figure -> (value, threshold) it compared

    @property
    def passed(self) -> bool:
        return self.score >= self.points

    @property
    def title(self) -> str:
        return f"{self.file}: {self.name}"


@dataclass
class Report:
    hw: str
    submission: str
    cases: list[CaseResult] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # submission-wide, in plain words
    student_output: str = ""
    worker_start_seconds: float = 0.0  # the grader waited for workers to start (not in cases)
    student_import_seconds: float = 0.0  # of that, importing the student's files (its own code)
    limits: dict[str, list[str]] = field(default_factory=dict)  # limit -> tests it cost
    sandbox: list[str] = field(default_factory=list)  # isolation measures, for instructors
    sandbox_uids: list[int] = field(default_factory=list)  # users its code ran as
    import_failed: bool = False
    review: list[str] = field(default_factory=list)  # tamper-scan findings: "file:line: why"

    @property
    def status(self) -> str:
        """One word or two for a gradebook: 'ok', 'import error', 'time limit', ..."""
        labels = list(dict.fromkeys(LIMIT_WORDS[k][0] for k in self.limits if k in LIMIT_WORDS))
        if self.import_failed:
            labels.insert(0, "import error")
        if self.review:
            labels.insert(0, "needs review")
        return "; ".join(labels) or "ok"

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cases)

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.cases)

    def by_file(self) -> dict[str, tuple[float, float]]:
        totals: dict[str, list[float]] = {}
        for c in self.cases:
            t = totals.setdefault(c.file, [0.0, 0.0])
            t[0] += c.score
            t[1] += c.points
        return {k: (v[0], v[1]) for k, v in totals.items()}


class LimitReached(ProbeFailed):
    """A probe failed because the submission hit one of its limits."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


NOT_THE_WORK = ("__pycache__", ".git", ".ipynb_checkpoints")  # folders never copied
ENVIRONMENT_MARKERS = ("pyvenv.cfg", "conda-meta")  # a Python environment's folder holds one


def copy_submission(source: Path, dest: Path, max_bytes: int) -> list[str]:
    """Copy a submission folder for the worker: regular files only (links are never
    followed: the copy is made by the grader), at most `max_bytes` in all. Caches,
    version control and Python environments (a student's `python -m venv venv` in
    the assignment folder) are not the student's work: never copied.
    Returns problems in plain words."""
    problems, total, skipped_links, skipped_big = [], 0, [], []
    dest.mkdir(parents=True)
    for folder, dirs, files in os.walk(source, followlinks=False):
        here = Path(folder)
        rel = here.relative_to(source)
        dirs[:] = [
            d
            for d in dirs
            if d not in NOT_THE_WORK
            and not any((here / d / marker).exists() for marker in ENVIRONMENT_MARKERS)
        ]
        for name in list(dirs):
            if (here / name).is_symlink():
                skipped_links.append(str(rel / name))
                dirs.remove(name)
            else:
                (dest / rel / name).mkdir()
        for name in files:
            path = here / name
            if path.is_symlink() or not path.is_file():
                skipped_links.append(str(rel / name))
                continue
            size = path.stat().st_size
            if total + size > max_bytes:
                skipped_big.append(str(rel / name))
                continue
            total += size
            shutil.copyfile(path, dest / rel / name)
    if skipped_links:
        problems.append(
            "Links and special files in your submission were ignored: "
            + ", ".join(sorted(skipped_links)[:10])
            + "."
        )
    if skipped_big:
        problems.append(
            f"Your submission is larger than the {max_bytes // 2**20} MB allowed; "
            f"these files were left out: " + ", ".join(sorted(skipped_big)[:10]) + "."
        )
    return problems


def hidden_paths(submission: Path) -> list[str]:
    """What the worker must not see: the grader's repository, the folder holding the
    submissions (classmates' work), every non-system top-level folder (other
    checkouts on the machine) and whatever $AUTOGRADER_HIDE names."""
    paths = [
        *([str(COURSE.root)] if IN_COURSE else []),
        str(submission.parent),
        *outside_system_dirs(),
    ]
    paths += env_paths(ENV_HIDE)
    return paths


class WorkerSession:
    """The worker process for one submission, started on first use, always
    inside the sandbox (see autograder/sandbox/). Its probe modules (named here)
    are written with write_probes, and student code runs only after let_run: the
    worker may be launched before either."""

    def __init__(
        self,
        cfg: Config,
        submission: Path,
        probe_modules: list[str],
        zygote: Zygote | None = None,
    ):
        self.cfg = cfg
        self.zygote = zygote  # forks each worker warm; None: a new process each
        self.limits = Limits.from_config(
            cfg.limits, cpu_seconds=cfg.import_timeout + cfg.submission_timeout
        )
        self.root = Path(tempfile.mkdtemp(prefix="autograder-"))
        lib = self.root / "lib"
        (lib / "autograder").mkdir(parents=True)  # the Sandbox binds or copies the package here
        (lib / "assignments" / cfg.name).mkdir(parents=True)
        shutil.copy(
            find_assignment_dir(cfg.name) / "config.toml",
            lib / "assignments" / cfg.name / "config.toml",
        )
        probes = self.probes_dir = self.root / "probes"
        probes.mkdir()
        self.student_dir = self.root / "submission"
        self.problems = copy_submission(
            submission, self.student_dir, max_bytes=self.limits.disk_mb * 2**20 // 2
        )
        # a notebook in place of the student file: graded from its code cells
        self.problems += notebook.write_module(self.student_dir, cfg.name, cfg.files)
        home = self.root / "home"
        (home / "tmp").mkdir(parents=True)
        self.log = self.root / "output.log"
        self.settings = {
            "modules": cfg.modules,
            "threads": cfg.threads,
            "seed": cfg.seed,
            "probes_dir": str(probes),
            "probe_modules": sorted(probe_modules),  # imported once let_run is called
            "limits": asdict(self.limits),
        }
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "TMPDIR": str(home / "tmp"),
            "USER": "student",
            "LOGNAME": "student",
            "PYTHONPATH": str(lib),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            "PYTHONHASHSEED": str(cfg.seed),
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(home / ".matplotlib"),
            "OMP_NUM_THREADS": str(cfg.threads),
            "MKL_NUM_THREADS": str(cfg.threads),
            ENV_ASSIGNMENTS: str(lib / "assignments"),
        }
        data_env, data_folders, cache = datasets.worker_environment()
        self.env.update(data_env)
        self.sandbox = Sandbox(
            self.root,
            self.limits,
            hide=hidden_paths(submission),
            data=data_folders,
            cache=cache,
        )
        self.process = None
        self.import_errors: dict[str, str] = {}
        self.import_limit = ""  # the limit that stopped the import, if one did
        self.start_failed = False  # no worker at all (not one file's error: those cost per probe)
        self.starts = 0
        self.warm_starts = 0  # of those, forked by the zygote
        self.start_seconds = 0.0  # waited for workers to start (process, imports): not test time
        self.import_seconds = 0.0  # of that, importing the student's files
        self._early: threading.Thread | None = None
        self._early_started = threading.Event()
        self._early_error: BaseException | None = None
        self._may_run = threading.Event()  # set by let_run (or close: then nothing runs)
        self._closing = False

    def write_probes(self, sources: dict[str, str], support: list[Path] = ()) -> None:
        """The probe modules' sources, and the helpers they load with support("name")."""
        for name, source in sources.items():
            (self.probes_dir / f"{name}.py").write_text(source)
        if support:
            (self.probes_dir / SUPPORT_DIR).mkdir()
            for path in support:
                shutil.copy(path, self.probes_dir / SUPPORT_DIR / path.name)

    def let_run(self) -> None:
        """The probes are written and the submission scanned: the worker may import
        them and the student's code (no frame before this can come from student code)."""
        self._may_run.set()

    # -- process control -------------------------------------------------
    def start(self) -> None:
        t0 = time.monotonic()
        try:
            self._start()
        finally:
            self.start_seconds += time.monotonic() - t0

    def start_early(self) -> None:
        """Start the first worker while the grader loads its test files: launched here
        (in this thread, so it does not compete for the GIL with the test files'
        imports), its set-up and the student's imports waited for in a thread;
        wait_started (or the first request) waits for that."""

        def finish():
            try:
                self._finish_start()
            except BaseException as exc:  # noqa: BLE001  (raised by the first request)
                self._early_error = exc
            self._early_started.set()

        self.starts += 1
        try:
            self._launch()
        except BaseException as exc:  # noqa: BLE001
            self._early_error = exc
            self._early_started.set()
            return
        self._early = threading.Thread(target=finish, daemon=True)
        self._early.start()

    def wait_started(self) -> None:
        if not self._early_started.is_set() and self._early is not None:
            t0 = time.monotonic()
            self._early_started.wait()
            self.start_seconds += time.monotonic() - t0

    def _start(self) -> None:
        self.starts += 1
        self._launch()
        self._finish_start()

    def _launch(self) -> None:
        log = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        argv = [
            sys.executable,
            *(["-P"] if sys.version_info >= (3, 11) else []),
            "-s",
            "-m",
            "autograder.core.worker",
            json.dumps(self.settings),
        ]
        pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": log}
        try:
            try:
                self.sandbox.launch(argv, self.env, "submission", zygote=self.zygote, **pipes)
                self.warm_starts += self.zygote is not None
            except OSError:  # the zygote is gone: this and later workers start cold
                if self.zygote is None:
                    raise
                self.zygote = None
                self.sandbox.launch(argv, self.env, "submission", **pipes)
        finally:
            os.close(log)

    def _finish_start(self) -> None:
        self.process = self.sandbox.set_up()
        self._may_run.wait()
        if self._closing:
            return  # closed before let_run: no student code runs
        nonce = secrets.token_hex(16)  # read before any student code runs
        deadline = time.monotonic() + self.cfg.import_timeout
        try:
            self.process.stdin.write((json.dumps({"nonce": nonce}) + "\n").encode())
            self.process.stdin.flush()
        except OSError:
            pass  # it died already: _receive says how
        # The grader's fault is decided here: the worker failed before student code was
        # imported. No later frame (the hello included) can claim it.
        try:
            ready = self._receive(self.cfg.import_timeout, during="starting", nonce=nonce)
        except ProbeFailed as exc:
            self.stop()
            raise SandboxError(f"the worker stopped before any student code ran: {exc}")
        if not ready.get("ready"):
            self.stop()
            raise SandboxError(str(ready.get("grader_error") or "the worker could not start"))
        importing = time.monotonic()
        try:
            hello = self._receive(
                max(deadline - time.monotonic(), 0.01),
                during="importing your code",
                nonce=nonce,
                allowed=self.cfg.import_timeout,
            )
        except LimitReached as exc:  # never retried: it would fail the same way each test
            self.import_limit = exc.limit
            self.import_errors = {"import": str(exc)}
            self.start_failed = True
            return
        except ProbeFailed as exc:
            self.import_errors = {"import": str(exc)}
            self.start_failed = True
            return
        self.import_seconds += time.monotonic() - importing
        self.import_errors = hello.get("import_errors", {})
        self.import_limit = str(hello.get("limit") or "")
        self.sandbox.kill_strays()  # what its code started at import does not run on

    def stop(self) -> None:
        if self.process is not None:
            self.sandbox.kill()
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        self.process = None

    def close(self) -> str:
        self._closing = not self._may_run.is_set()
        self._may_run.set()
        self.wait_started()
        self.stop()
        output = ""
        if self.log.exists():
            with open(self.log, "rb") as f:
                f.seek(max(f.seek(0, os.SEEK_END) - 4 * LOG_TAIL, 0))
                output = f.read().decode(errors="replace")
        shutil.rmtree(self.root, ignore_errors=True)
        return output

    # -- protocol --------------------------------------------------------
    def _died(self, during: str) -> LimitReached:
        code = self.process.wait()
        memory = self.sandbox.memory_killed()  # read before stop() removes its cgroup
        self.stop()
        if memory:
            return self._limit_reached("memory", during)
        if code in (-signal.SIGXCPU, 128 + signal.SIGXCPU):
            return self._limit_reached("cpu", during)
        reason = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return LimitReached(
            f"The process running your code {reason} while {during} "
            f"(did your code call os._exit, crash, or use too much memory?).",
            "crash",
        )

    def _read_exactly(self, count: int, deadline: float, during: str) -> bytes:
        data = b""
        stream = self.process.stdout
        while len(data) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                raise LimitReached(
                    f"Time limit exceeded while {during}: your code took longer "
                    f"than the {self._limit:g} s allowed (an endless loop?).",
                    "time",
                )
            ready, _, _ = select.select([stream], [], [], min(left, WATCH_EVERY))
            if ready:
                chunk = os.read(stream.fileno(), count - len(data))
                if not chunk:
                    raise self._died(during)
                data += chunk
            else:
                self._watch(during)
        return data

    def _watch(self, during: str) -> None:
        """While waiting and after each reply: all the worker's processes together
        within the limits (memory, processes, CPU time; see Sandbox.over_limit)."""
        limit = self.sandbox.over_limit()
        if limit:
            self.stop()
            raise self._limit_reached(limit, during)

    def _limit_reached(self, limit: str, during: str) -> LimitReached:
        """The limit's sentence from LIMIT_WORDS, the one results files use too."""
        what = what_it_did(limit, asdict(self.limits))
        together = "" if "all its processes" in what else " (all its processes together)"
        return LimitReached(f"Your code {what}{together} while {during}.", limit)

    def _receive(self, seconds: float, during: str, nonce: str, allowed: float = 0) -> dict:
        """The next reply, within `seconds` (a time-limit message names `allowed`, the
        whole limit, where seconds is what is left of it); it must carry the nonce of
        the request it answers, so frames the student's code writes are caught."""
        self._limit = allowed or seconds
        deadline = time.monotonic() + seconds
        size = plain.frame_size(self._read_exactly(plain.FRAME_HEADER.size, deadline, during))
        if size > 512 * 2**20:
            self.stop()
            raise ProbeFailed("Your code sent more than 512 MB of data back to the grader.")
        payload = self._read_exactly(size, deadline, during)
        try:
            message = plain.loads(payload)
        except plain.OverBudget as exc:  # checked against the budget before any judge
            raise ProbeFailed(str(exc))
        except Exception:  # noqa: BLE001  (anything but plain data is refused)
            raise ProbeFailed(
                "Your code sent back something that is not plain data "
                "(for example a subclass of Tensor); return ordinary tensors."
            )
        if not isinstance(message, dict):
            self.stop()
            raise LimitReached("The grader received a malformed reply from your code.", "tamper")
        if message.get("nonce") != nonce:
            self.stop()
            raise LimitReached(TAMPERED, "tamper")
        return message

    def _unsolicited(self) -> bool:
        """Whether something arrived on the channel that the grader did not ask for."""
        ready, _, _ = select.select([self.process.stdout], [], [], 0)
        return bool(ready)

    def request(self, module: str, probe: str, seconds: float, seed: int = 0) -> dict:
        self.wait_started()
        if self._early_error is not None:  # as a start in this request would have raised
            error, self._early_error = self._early_error, None
            raise error
        if self.process is None and not self.start_failed:
            if self.starts > self.limits.restarts:
                raise LimitReached(
                    f"Not run: the process running your code stopped "
                    f"{self.starts} times, so the remaining tests were not run.",
                    "crash",
                )
            if self.limits.cpu_seconds and self.sandbox.cpu_spent > self.limits.cpu_seconds:
                raise LimitReached(
                    f"Not run: your code used up the {self.limits.cpu_seconds} s "
                    f"of CPU time allowed for the whole submission.",
                    "cpu",
                )
            self.start()
        if self.start_failed:
            message = "\n".join(self.import_errors.values())
            raise (
                LimitReached(message, self.import_limit)
                if self.import_limit
                else ProbeFailed(message)
            )
        if self._unsolicited() and self.process.poll() is None:
            self.stop()
            raise LimitReached(TAMPERED, "tamper")
        nonce = secrets.token_hex(16)
        try:
            self.process.stdin.write(
                (
                    json.dumps({"module": module, "probe": probe, "nonce": nonce, "seed": seed})
                    + "\n"
                ).encode()
            )
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.stop()
            raise LimitReached("The process running your code stopped before this test.", "crash")
        reply = self._receive(seconds, during="running this test", nonce=nonce)
        self._watch("running this test")  # e.g. a child killed for memory meanwhile
        self.sandbox.kill_strays()  # only the worker runs between probes
        return reply


class RemoteEnv:
    """What a judge sees as `env` under our engine: probes run in the worker.
    Every probe runs once a submission; failures are kept too, so a probe that
    ran out of time is not run again for the next judge that needs it."""

    def __init__(self, session: WorkerSession, seed: int = 0):
        self.session = session
        self.seed = seed  # of the inputs probes draw and judges redraw (testing.input_seed)
        self.cache: dict[tuple[str, str], dict] = {}
        self.deadline = 0.0
        self.probe_seconds = 0.0
        self.limits_seen: list[str] = []  # limits behind failures, for the current case
        self._trees: dict[str, object] = {}

    # The student's source, read from the grader's own copy of the submission,
    # never through the worker: judges of *how* something is done use it.
    def source_files(self) -> list[str]:
        return list(self.session.cfg.files)

    def source(self, filename: str) -> str | None:
        path = self.session.student_dir / filename
        if not path.is_file() or not path.resolve().is_relative_to(
            self.session.student_dir.resolve()
        ):
            return None
        return path.read_text(errors="replace")

    def tree(self, filename: str):
        if filename not in self._trees:
            text = self.source(filename)
            self._trees[filename] = source_check.parse(text) if text is not None else None
        return self._trees[filename]

    def run_probe(self, module: str, probe: str):
        key = (module, probe)
        if key not in self.cache:
            left = max(self.deadline - time.monotonic(), 0.01)
            try:
                self.cache[key] = self.session.request(module, probe, left, self.seed)
            except LimitReached as exc:
                self.cache[key] = {"ok": False, "message": str(exc), "limit": exc.limit}
            except ProbeFailed as exc:
                self.cache[key] = {"ok": False, "message": str(exc)}
            self.probe_seconds += self.cache[key].get("seconds", 0.0)
        reply = self.cache[key]
        if not reply.get("ok"):
            if reply.get("limit"):
                self.limits_seen.append(str(reply["limit"]))
            raise ProbeFailed(reply.get("message", "Your code failed in this test."))
        return reply["value"]


INPUT_SEED_READ = 2**20  # bytes of each student file that go into the input seed


def input_seed(tests: list[str], student_dir: Path, files: list[str]) -> int:
    """The seed of the inputs that probes taking `seed` draw (testing.input_seed): a hash
    of every test file graded (their sources), hidden ones included, and of the
    submission's files. The same submission always gets the same inputs; nobody without
    the hidden tests can know them ahead, so an answer cannot be precomputed from a
    probe's source."""
    digest = hashlib.sha256()
    for source in tests:
        digest.update(source.encode())
    for name in files:
        path = student_dir / name
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as f:
                digest.update(f.read(INPUT_SEED_READ))
    return int.from_bytes(digest.digest()[:4], "big") % 2**31


def load_test_module(hw: str, path: Path):
    """Import a test file without writing __pycache__ beside it: a student's
    assignment folder is left as it was."""
    warm.note_tests_loaded()
    spec = importlib.util.spec_from_file_location(f"agtests_{hw}.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes
    return module


def collect_cases(module) -> list[tuple[test_case, str]]:
    cases = []
    for attr, value in vars(module).items():
        if isinstance(value, test_case):
            params = list(inspect.signature(value.test_func).parameters)
            if params != ["env"]:
                raise TypeError(f"{module.__name__}.{attr}: a judge takes only `env`")
            cases.append((value, attr))
    return cases


JUDGE_MEMORY_MB = 1024  # what one judge may allocate in the grading process


class JudgeOverBudget(Exception):
    """A judge used up the grading process's CPU budget for it (judge_budget)."""


@contextlib.contextmanager
def judge_budget(cpu_seconds: float, memory_mb: int = JUDGE_MEMORY_MB):
    """The grading process's own limits while a judge runs on what the worker sent:
    CPU time (SIGPROF: time spent waiting for the worker does not count) and memory
    (RLIMIT_DATA lowered to what the process uses now plus memory_mb; an allocation
    past it fails inside the judge). Either costs that test only; both are undone
    after it. Where they cannot be set (not the main thread, not Linux), none is."""
    armed = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGPROF")
    if not armed:
        yield
        return

    def over(signum, frame):
        raise JudgeOverBudget(cpu_seconds)

    data_limit = resource.getrlimit(resource.RLIMIT_DATA)
    used = _status_kb(os.getpid(), "VmData:") * 1024  # what RLIMIT_DATA counts; 0: unknown
    try:
        if used:
            cap = used + memory_mb * 2**20
            if data_limit[1] != resource.RLIM_INFINITY:
                cap = min(cap, data_limit[1])
            resource.setrlimit(resource.RLIMIT_DATA, (cap, data_limit[1]))
    except (OSError, ValueError):
        used = 0
    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if used:
            resource.setrlimit(resource.RLIMIT_DATA, data_limit)


def judge(case: test_case, env: RemoteEnv, cpu_seconds: float = 60.0) -> tuple[str, str]:
    """Run one judge within its budget; return (failure message or '', note it returned)."""
    try:
        with judge_budget(cpu_seconds):
            note = case.test_func(env)
        return "", note if isinstance(note, str) else ""
    except SandboxError:
        raise  # the grader's own failure: never a student's zero
    except AssertionError as exc:
        return str(exc) or case.failure_message or "This check failed.", ""
    except JudgeOverBudget:
        return (
            f"Not checked: checking your result took the grader more than its "
            f"{cpu_seconds:g} s of CPU time{TOO_LARGE}",
            "",
        )
    except Exception as exc:  # noqa: BLE001  (e.g. torch refusing the student's shapes)
        if isinstance(exc, MemoryError) or "can't allocate memory" in str(exc):
            return (
                f"Not checked: checking your result needed more than the {JUDGE_MEMORY_MB} MB "
                f"the grader allows itself{TOO_LARGE}",
                "",
            )
        return f"The grader could not check your result: {type(exc).__name__}: {exc}", ""


TOO_LARGE = " (is your result far larger than the test asks for?)."


def limit_problems(limits: dict[str, list[str]], values: Limits) -> list[str]:
    """One sentence a limit reached, naming the tests it cost."""
    lines = []
    for limit, titles in limits.items():
        if limit not in LIMIT_WORDS:
            continue
        shown = ", ".join(titles[:6]) + (f" and {len(titles) - 6} more" if len(titles) > 6 else "")
        cost = f"; this cost {len(titles)} test{'s' if len(titles) != 1 else ''} ({shown})"
        lines.append(limit_sentence(limit, asdict(values), cost))
    return lines


REVIEW_SHOWN = 10  # findings listed in a report; the rest are counted


def review_problem(findings: list[str], zeroed: bool) -> str:
    """The report's first problem for a submission the tamper scan flagged."""
    shown = findings[:REVIEW_SHOWN]
    more = len(findings) - len(shown)
    outcome = (
        "so it scored 0 until a person reviews it"
        if zeroed
        else "so a person will review it (the scores below are kept for now)"
    )
    return (
        "Needs review: your code reaches for the grader's own machinery, which the "
        f"rules do not allow, {outcome}. The lines found:\n"
        + "\n".join(f"  {line}" for line in shown)
        + (f"\n  and {more} more" if more > 0 else "")
    )


def apply_review(report: Report, findings: list, on_tamper: str) -> None:
    """Record the scan's findings; in "zero" mode no case keeps its points."""
    if not findings:
        return
    report.review = [str(f) for f in findings]
    zeroed = on_tamper == "zero"
    report.problems.insert(0, review_problem(report.review, zeroed))
    if zeroed:
        for case in report.cases:
            if case.score:
                case.message = (
                    "Not scored: this submission needs review (see the lines listed above)."
                )
                case.note = ""
            case.score = 0.0


def grade(
    hw: str,
    submission: Path,
    *,
    include_hidden: bool = True,
    tests_dir: Path | None = None,
    only: list[str] | None = None,
    seed: int | None = None,
    threads: int | None = None,
) -> Report:
    """Grade one submission folder and return the report (never raises for
    anything the submission does). `only` limits grading to some test files;
    `seed` and `threads` replace the config's (calibrate.py measures over them)."""
    started = time.monotonic()
    cfg = config(hw)
    cfg = replace(
        cfg,
        seed=cfg.seed if seed is None else seed,
        threads=cfg.threads if threads is None else threads,
    )
    submission = Path(submission).resolve()
    report = Report(hw=hw, submission=submission.name)
    zygote = warm.zygote_for(cfg.seed)  # before any test file is loaded here
    every_test = test_files(hw, tests_dir)
    files = [p for p in every_test if only is None or p.stem in only]
    session = WorkerSession(cfg, submission, [p.stem for p in files], zygote)
    report.problems += session.problems
    submission_deadline = started + cfg.submission_timeout
    try:
        if files:  # the sandbox is set up while the probes are written and the tests load
            session.start_early()
        sources = {p: p.read_text() for p in every_test}
        trees = {}  # each parsed once here
        for path, source in sources.items():
            try:
                trees[path] = ast.parse(source)
            except SyntaxError:
                if path in files:
                    raise  # the grader's own error: grading cannot go on
        probe_names = tamper.probe_names_in(list(trees.values()))
        probes = {p.stem: probe_source(p, trees[p]) for p in files}
        session.write_probes(
            probes, support_needed(list(probes.values()), files[0].parent) if files else []
        )
        # Read before any student code runs, from the copy it will run (a notebook's
        # cells included): in some modes its code could change that copy.
        findings = tamper.scan_folder(
            session.student_dir, {p.stem for p in every_test}, probe_names
        )
        env = RemoteEnv(session, input_seed(list(sources.values()), session.student_dir, cfg.files))
        session.let_run()
        modules = {p.stem: load_test_module(hw, p) for p in files}
        session.wait_started()
        for path in files:
            for case, attr in collect_cases(modules[path.stem]):
                if case.hidden and not include_hidden:
                    continue
                doc = inspect.getdoc(case.test_func) or ""
                result = CaseResult(
                    file=path.stem,
                    name=case.name or attr.removeprefix("test_"),
                    description=doc.splitlines()[0] if doc else "",
                    points=float(case.points or 0),
                    hidden=case.hidden,
                )
                report.cases.append(result)
                if time.monotonic() >= submission_deadline:
                    result.message = (
                        f"Not run: grading this submission passed its "
                        f"{cfg.submission_timeout:g} s limit."
                    )
                    report.limits.setdefault("submission time", []).append(result.title)
                    continue
                seed_everything(cfg.seed)
                env.deadline = min(
                    time.monotonic() + cfg.timeout_for(path.stem), submission_deadline
                )
                env.limits_seen = []
                t0, starting = time.monotonic(), session.start_seconds
                checks.RECORDED.clear()
                result.message, result.note = judge(case, env, cfg.timeout_for(path.stem))
                result.figures = dict(checks.RECORDED)
                # the test's own time: a worker (re)started inside it is counted apart
                result.seconds = time.monotonic() - t0 - (session.start_seconds - starting)
                if not result.message:
                    result.score = result.points
                else:
                    for limit in dict.fromkeys(env.limits_seen):
                        report.limits.setdefault(limit, []).append(result.title)
    finally:
        report.student_output = session.close()[-LOG_TAIL:]
        report.worker_start_seconds = session.start_seconds
        report.student_import_seconds = session.import_seconds
        report.sandbox = session.sandbox.describe()
        if session.starts:
            cold = warm.cold_because(cfg.seed) if session.warm_starts < session.starts else ""
            report.sandbox.append(
                f"worker started {session.starts} time(s), {session.warm_starts} of them "
                f"forked from a warm process (no new interpreter)"
                + (f"; the others cold: {cold}" if cold else "")
            )
        report.sandbox_uids = list(session.sandbox.uids)
    if session.import_errors:
        report.import_failed = True
        report.problems += list(session.import_errors.values())
    report.problems += limit_problems(report.limits, session.limits)
    apply_review(report, findings, cfg.on_tamper)
    report.seconds = time.monotonic() - started
    return report

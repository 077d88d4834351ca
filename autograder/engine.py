"""Run an assignment's test cases against one submission.

Judges (the `@test_case` bodies) run here, in the grading process. Each probe
they call runs in a worker process beside the student's code (see worker.py);
only plain data comes back. One worker serves a whole submission and is
restarted after a crash or a timeout, which cost only the test that caused it.
"""
import importlib.util
import inspect
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import datasets, plain
from .assignment import PACKAGE_ROOT, Config, config, find_assignment_dir, probe_source, test_files
from .testing import ProbeFailed, seed_everything, test_case

LOG_TAIL = 2000  # characters of the student's own printing kept in results


@dataclass
class CaseResult:
    file: str
    name: str
    description: str
    points: float
    hidden: bool
    score: float = 0.0
    message: str = ""   # why it failed, for the student
    note: str = ""      # what a passing judge reported (e.g. which data set was used)
    seconds: float = 0.0

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


class WorkerSession:
    """The worker process for one submission, started on first use."""

    def __init__(self, cfg: Config, submission: Path, probe_modules: dict[str, str]):
        self.cfg = cfg
        self.root = Path(tempfile.mkdtemp(prefix="autograder-"))
        lib = self.root / "lib"
        shutil.copytree(PACKAGE_ROOT, lib / "autograder",
                        ignore=shutil.ignore_patterns("__pycache__"))
        (lib / "assignments" / cfg.name).mkdir(parents=True)
        shutil.copy(find_assignment_dir(cfg.name) / "config.toml",
                    lib / "assignments" / cfg.name / "config.toml")
        probes = self.root / "probes"
        probes.mkdir()
        for name, source in probe_modules.items():
            (probes / f"{name}.py").write_text(source)
        self.student_dir = self.root / "submission"
        shutil.copytree(submission, self.student_dir,
                        ignore=shutil.ignore_patterns("__pycache__", ".git"))
        self.log = self.root / "output.log"
        self.settings = {"modules": cfg.modules, "threads": cfg.threads,
                         "probes_dir": str(probes), "probe_modules": sorted(probe_modules),
                         "log": str(self.log)}
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.root),
                    "PYTHONPATH": str(lib), "PYTHONDONTWRITEBYTECODE": "1",
                    "PYTHONHASHSEED": str(cfg.seed), "MPLBACKEND": "Agg",
                    "OMP_NUM_THREADS": str(cfg.threads), "MKL_NUM_THREADS": str(cfg.threads),
                    "AUTOGRADER_ASSIGNMENTS": str(lib / "assignments")}
        self.env.update(datasets.worker_environment())
        self.process = None
        self.import_errors: dict[str, str] = {}

    # -- process control -------------------------------------------------
    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.worker", json.dumps(self.settings)],
            cwd=self.student_dir, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            hello = self._receive(self.cfg.import_timeout, during="importing your code")
        except ProbeFailed as exc:  # never retried: it would fail the same way each test
            self.import_errors = {"import": str(exc)}
            return
        self.import_errors = hello.get("import_errors", {})

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
        self.process = None

    def close(self) -> str:
        self.stop()
        output = self.log.read_text(errors="replace") if self.log.exists() else ""
        shutil.rmtree(self.root, ignore_errors=True)
        return output

    # -- protocol --------------------------------------------------------
    def _read_exactly(self, count: int, deadline: float, during: str) -> bytes:
        data = b""
        stream = self.process.stdout
        while len(data) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                raise ProbeFailed(f"Time limit exceeded while {during}: your code took longer "
                                  f"than the {self._limit:g} s allowed (an endless loop?).")
            ready, _, _ = select.select([stream], [], [], left)
            if ready:
                chunk = os.read(stream.fileno(), count - len(data))
                if not chunk:
                    code = self.process.wait()
                    self.process = None
                    reason = (f"was killed by signal {-code}" if code < 0 else
                              f"exited with code {code}")
                    raise ProbeFailed(f"The process running your code {reason} while {during} "
                                      f"(did your code call os._exit, crash, or use too much "
                                      f"memory?).")
                data += chunk
        return data

    def _receive(self, seconds: float, during: str) -> dict:
        self._limit = seconds
        deadline = time.monotonic() + seconds
        size = struct.unpack("<Q", self._read_exactly(8, deadline, during))[0]
        if size > 512 * 2**20:
            self.stop()
            raise ProbeFailed("Your code sent more than 512 MB of data back to the grader.")
        payload = self._read_exactly(size, deadline, during)
        try:
            message = plain.loads(payload)
        except Exception:  # noqa: BLE001  (anything but plain data is refused)
            raise ProbeFailed("Your code sent back something that is not plain data "
                              "(for example a subclass of Tensor); return ordinary tensors.")
        if not isinstance(message, dict):
            raise ProbeFailed("The grader received a malformed reply from your code.")
        return message

    def request(self, module: str, probe: str, seconds: float) -> dict:
        if self.process is None and not self.import_errors:
            self.start()
        if self.import_errors:
            raise ProbeFailed("\n".join(self.import_errors.values()))
        try:
            self.process.stdin.write((json.dumps({"module": module, "probe": probe}) + "\n")
                                     .encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.stop()
            raise ProbeFailed("The process running your code stopped before this test.")
        return self._receive(seconds, during=f"running this test")


class RemoteEnv:
    """What a judge sees as `env` under our engine: probes run in the worker."""

    def __init__(self, session: WorkerSession):
        self.session = session
        self.cache: dict[tuple[str, str], dict] = {}
        self.deadline = 0.0
        self.probe_seconds = 0.0

    def run_probe(self, module: str, probe: str):
        key = (module, probe)
        if key not in self.cache:
            left = max(self.deadline - time.monotonic(), 0.01)
            self.cache[key] = self.session.request(module, probe, left)
            self.probe_seconds += self.cache[key].get("seconds", 0.0)
        reply = self.cache[key]
        if not reply.get("ok"):
            raise ProbeFailed(reply.get("message", "Your code failed in this test."))
        return reply["value"]


def load_test_module(hw: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"agtests_{hw}.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
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


def judge(case: test_case, env: RemoteEnv) -> tuple[str, str]:
    """Run one judge; return (failure message or '', note the judge returned)."""
    try:
        note = case.test_func(env)
        return "", note if isinstance(note, str) else ""
    except AssertionError as exc:
        return str(exc) or case.failure_message or "This check failed.", ""
    except Exception as exc:  # noqa: BLE001  (e.g. torch refusing the student's shapes)
        return f"The grader could not check your result: {type(exc).__name__}: {exc}", ""


def grade(hw: str, submission: Path, *, include_hidden: bool = True,
          tests_dir: Path | None = None, only: list[str] | None = None) -> Report:
    """Grade one submission folder and return the report (never raises for
    anything the submission does). `only` limits grading to some test files."""
    started = time.monotonic()
    cfg = config(hw)
    submission = Path(submission).resolve()
    report = Report(hw=hw, submission=submission.name)
    files = [p for p in test_files(hw, tests_dir) if only is None or p.stem in only]
    modules = {p.stem: load_test_module(hw, p) for p in files}
    session = WorkerSession(cfg, submission, {p.stem: probe_source(p) for p in files})
    env = RemoteEnv(session)
    try:
        for path in files:
            for case, attr in collect_cases(modules[path.stem]):
                if case.hidden and not include_hidden:
                    continue
                doc = inspect.getdoc(case.test_func) or ""
                result = CaseResult(file=path.stem, name=case.name or attr.removeprefix("test_"),
                                    description=doc.splitlines()[0] if doc else "",
                                    points=float(case.points or 0), hidden=case.hidden)
                report.cases.append(result)
                if time.monotonic() - started > cfg.submission_timeout:
                    result.message = (f"Not run: grading this submission passed its "
                                      f"{cfg.submission_timeout:g} s limit.")
                    continue
                seed_everything(cfg.seed)
                env.deadline = time.monotonic() + cfg.timeout_for(path.stem)
                t0 = time.monotonic()
                result.message, result.note = judge(case, env)
                result.seconds = time.monotonic() - t0
                if not result.message:
                    result.score = result.points
    finally:
        report.student_output = session.close()[-LOG_TAIL:]
    if session.import_errors:
        report.problems += list(session.import_errors.values())
    report.seconds = time.monotonic() - started
    return report

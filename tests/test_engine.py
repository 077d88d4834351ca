"""The engine turns every kind of broken submission into a results file with a
plain message, and never shows grader internals."""

import json
import subprocess
import sys
import time

import jsonschema
import pytest
import torch
from harness import SOLUTIONS, grade

from autograder.core import plain
from autograder.core.results import RESULTS_SCHEMA

HW = "hw1_autograd"
BROKEN = {
    "syntax error": ("def my_relu(x)\n    return x\n", "syntax error on line 1"),
    "crash at import": ("import torch\nraise RuntimeError('boom')\n", "Importing myrelu.py failed"),
    "missing names": ("import torch\n", "does not define `"),
    "empty folder": (None, "myrelu.py was not found"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_submission_gets_results_and_a_message(case, tmp_path):
    source, expected = BROKEN[case]
    if source is not None:
        (tmp_path / "myrelu.py").write_text(source)
    out = tmp_path / "out" / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", HW, str(tmp_path), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    results = json.loads(out.read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["score"] == 0 and results["tests"]
    assert all(expected in t["output"] for t in results["tests"]), results["tests"][0]["output"]
    text = done.stdout + out.read_text()
    for internal in ("engine.py", "worker.py", "Traceback", "def test_", "expect_close"):
        assert internal not in text


def test_results_file_matches_schema(tmp_path):
    out = tmp_path / "results.json"
    subprocess.run(
        [sys.executable, "-m", "autograder", "grade", HW, str(SOLUTIONS / HW), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    results = json.loads(out.read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["score"] == sum(t["max_score"] for t in results["tests"])
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}


def test_grade_says_when_there_is_nothing_to_grade(tmp_path):
    """An unknown assignment or a missing submission folder: one sentence, exit 2, no
    traceback; an --out that is a folder gets results.json inside it."""
    for hw, folder, says in [
        ("hw9", SOLUTIONS / HW, "Unknown assignment 'hw9'"),
        (HW, tmp_path / "missing", "No submission folder"),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "autograder", "grade", hw, str(folder), "--out", str(tmp_path)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "results.json").exists()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            HW,
            str(SOLUTIONS / HW),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and json.loads((tmp_path / "results.json").read_text())["tests"]


def test_a_broken_test_file_raises_in_the_grader_at_once(tmp_path):
    """A test file the grader cannot read (the instructor's mistake) raises its error
    in the grader, after the sandbox was launched but before the worker was let run
    its probes and the student's code: closing the session releases the thread that
    waits for the worker, so grading ends at once instead of hanging."""
    from autograder.core.engine import grade as engine_grade
    from autograder.settings import REPO_ROOT

    tests = tmp_path / "tests"
    tests.mkdir()
    for path in (REPO_ROOT / "assignments" / HW / "tests").glob("*.py"):
        (tests / path.name).write_text(path.read_text())
    (tests / "q9_broken.py").write_text("def test_broken(env)\n    pass\n")
    started = time.monotonic()
    with pytest.raises(SyntaxError):
        engine_grade(HW, SOLUTIONS / HW, tests_dir=tests)
    assert time.monotonic() - started < 60


def test_a_virtual_environment_in_the_folder_is_not_graded(tmp_path):
    """A student who made their environment inside the assignment folder (`python -m
    venv venv`, as editors suggest) is graded on their own files: the environment's
    packages are neither copied, counted against the size limit, nor scanned."""
    folder = tmp_path / "sub"
    (folder / "venv" / "lib").mkdir(parents=True)
    (folder / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (folder / "venv" / "lib" / "site.py").write_text("import builtins, sys\nsys.modules.clear()\n")
    (folder / "venv" / "lib" / "big.bin").write_bytes(b"\0" * (300 * 2**20))
    (folder / "myrelu.py").write_text((SOLUTIONS / HW / "myrelu.py").read_text())
    report = grade(HW, folder)
    assert report.score == report.max_score > 0, report.problems
    assert not report.problems and not report.review


def test_check_runs_public_tests_only_and_explains(tmp_path):
    (tmp_path / "myrelu.py").write_text(
        (SOLUTIONS / HW / "myrelu.py")
        .read_text()
        .replace("        grad_input[input < 0] = 0\n", "")
    )
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "check", HW, str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "[FAIL] gradient" in done.stdout and "should be" in done.stdout
    assert "Public score: 9/14" in done.stdout
    assert "input_unchanged" not in done.stdout  # hidden


def test_timeout_costs_only_that_test(tmp_path):
    source = (
        (SOLUTIONS / HW / "myrelu.py")
        .read_text()
        .replace('    """The gradient of (x . y)^2', '    while True:\n        pass\n    """')
    )
    (tmp_path / "myrelu.py").write_text(source)
    report = grade(HW, tmp_path, only=["q1_forward", "q3_grad_dot_squared"])
    scores = report.by_file()
    assert scores["q1_forward"] == (6, 6)
    assert scores["q3_grad_dot_squared"][0] == 0
    assert "Time limit" in next(c.message for c in report.cases if c.file == "q3_grad_dot_squared")


class LyingTensor(torch.Tensor):
    def __eq__(self, other):
        return True


def test_plain_data_refuses_code():
    payload = plain.dumps({"x": torch.zeros(2).as_subclass(LyingTensor)})
    with pytest.raises(Exception):  # noqa: B017  (any refusal will do: what matters is no code runs)
        plain.loads(payload)
    assert type(plain.round_trip(torch.zeros(2).as_subclass(LyingTensor))) is torch.Tensor


class _Case:
    """A judge as the engine sees one (otter's test_case shape)."""

    def __init__(self, func):
        self.test_func, self.failure_message = func, None


def test_a_judge_that_spins_costs_only_its_test():
    """A judge held up by what it was sent (here: it loops) is stopped by the grading
    process's CPU budget for it; that test fails with a plain sentence, and the next
    judge runs as usual."""
    from autograder.core import engine

    def spins(env):
        while True:
            pass

    message, _ = engine.judge(_Case(spins), env=None, cpu_seconds=0.5)
    assert message.startswith("Not checked: checking your result took the grader more than")
    assert engine.judge(_Case(lambda env: None), env=None, cpu_seconds=0.5) == ("", "")


def test_a_judge_that_allocates_too_much_costs_only_its_test():
    """A judge that would allocate past the grader's memory budget for one judge gets
    an allocation failure, worded for the student; the limit is undone afterwards."""
    import resource

    from autograder.core import engine

    before = resource.getrlimit(resource.RLIMIT_DATA)

    def allocates(env):
        torch.ones(4 * engine.JUDGE_MEMORY_MB * 2**20 // 4 + 1)  # 4 x the budget, in floats

    message, _ = engine.judge(_Case(allocates), env=None, cpu_seconds=30)
    assert message.startswith("Not checked: checking your result needed more than"), message
    assert resource.getrlimit(resource.RLIMIT_DATA) == before
    torch.ones(2 * engine.JUDGE_MEMORY_MB * 2**20 // 4)  # and the process may again


def test_inputs_are_chosen_per_submission_and_hidden_tests(tmp_path):
    """The seed of the inputs that probes draw and judges redraw depends on the
    submission and on every test file graded (hidden ones too): the same submission
    always gets the same one, another submission or other tests another one."""
    from autograder.core.assignment import test_files
    from autograder.core.engine import input_seed

    tests = [p.read_text() for p in test_files("hw1_autograd")]
    folder = SOLUTIONS / "hw1_autograd"
    seed = input_seed(tests, folder, ["myrelu.py"])
    assert seed == input_seed(tests, folder, ["myrelu.py"])
    other = tmp_path / "other"
    other.mkdir()
    (other / "myrelu.py").write_text((folder / "myrelu.py").read_text() + "\n# mine\n")
    assert input_seed(tests, other, ["myrelu.py"]) != seed
    assert input_seed(tests[:-1], folder, ["myrelu.py"]) != seed
    assert 0 <= seed < 2**31

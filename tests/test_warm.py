"""Warm workers (autograder/sandbox/zygote.py, autograder/core/warm.py): a worker
forked from a grading process that already imported torch grades exactly as a new
Python process does, never holds a test file, and restarts warm after a crash.

The test runner's own processes run more than one thread, so the engine starts
their workers cold; each property here is checked in a grading process of its
own, as the command line and grade-all's servers run one."""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from harness import SOLUTIONS, TEMPLATE

from autograder.core import variants
from autograder.settings import COURSE, REPO_ROOT

HW = "hw1_autograd"

GRADE_EACH = textwrap.dedent(
    """
    import json, sys
    from autograder.core import engine
    found = {}
    for name, folder in json.loads(sys.argv[1]).items():
        report = engine.grade("hw1_autograd", folder)
        found[name] = {
            "cases": [[c.title, c.score, c.message] for c in report.cases],
            "problems": report.problems,
            "starts": [line for line in report.sandbox if line.startswith("worker started")],
            "output": report.student_output,
        }
    print(json.dumps(found))
    """
)


def run_grading_process(script: str, *args: str, **environ: str) -> dict:
    """Run script in a grading process of its own (one thread, the configs' hash seed,
    as the command line starts one) with these environment variables; the JSON it
    printed last."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", **environ}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def grade_in_own_process(folders: dict, warm: bool) -> dict:
    folders = json.dumps({k: str(v) for k, v in folders.items()})
    return run_grading_process(GRADE_EACH, folders, AUTOGRADER_WARM="1" if warm else "0")


def test_warm_and_cold_workers_grade_alike(tmp_path):
    """The reference, the stub, the partly correct sample and every hw1 mutant get
    the same score and the same message in every case, forked warm or started cold;
    and the warm run really forked each worker."""
    folders = {
        "solution": SOLUTIONS / HW,
        "stub": TEMPLATE / HW,
        "partial": COURSE.samples / HW / "partial",
    }
    for name, mutant in variants.load(HW).MUTANTS.items():
        folders[name] = variants.write(HW, tmp_path / name, mutant["replace"], mutant.get("file"))
    warm = grade_in_own_process(folders, warm=True)
    cold = grade_in_own_process(folders, warm=False)
    for name in folders:
        assert warm[name]["cases"] == cold[name]["cases"], name
        assert warm[name]["problems"] == cold[name]["problems"], name
        assert "0 of them forked" not in warm[name]["starts"][0], warm[name]["starts"]
        assert "1 time(s), 0 of them forked" in cold[name]["starts"][0], cold[name]["starts"]
    assert sum(score for _, score, _ in warm["solution"]["cases"]) == 24


LOOKS_FOR_THE_GRADER = textwrap.dedent(
    """

    import gc as _gc, sys as _sys
    _tests = [m for m in _sys.modules if m.startswith(("agtests_", "agsupport_"))]
    _cases = [o for o in _gc.get_objects() if type(o).__name__ == "test_case"]
    _judges = [o for o in _gc.get_objects() if callable(o) and
               str(getattr(type(o), "__module__", "")).startswith("agtests_")]
    _grader = [m for m in _sys.modules if m.startswith("autograder.core.engine")]
    print("SEEN", len(_tests), len(_cases), len(_judges), len(_grader), flush=True)
    """
)


def test_a_forked_worker_holds_no_test_file_and_no_engine(tmp_path):
    """The zygote is forked before the grading process loads a test file: a
    submission that searches its memory finds no test module, no test case, no
    judge, and not the engine (the worker imports its own modules afresh)."""
    folder = tmp_path / "curious"
    folder.mkdir()
    source = (SOLUTIONS / HW / "myrelu.py").read_text() + LOOKS_FOR_THE_GRADER
    (folder / "myrelu.py").write_text(source)
    seen = grade_in_own_process({"curious": folder}, warm=True)["curious"]
    assert "0 of them forked" not in seen["starts"][0], seen["starts"]
    assert "SEEN 0 0 0 0" in seen["output"], seen["output"]


# at the top of the reference's grad_dot_squared: only the notes' example (q3) kills it
CRASH = "    if len(x) == 2:\n        os._exit(3)\n"


def test_a_worker_that_dies_is_restarted_warm(tmp_path):
    """A crash costs the tests of that probe only; the next worker is forked from
    the same warm process too, and grades the rest as a cold one would."""
    folder = tmp_path / "crashes"
    folder.mkdir()
    source = "import os\n" + (SOLUTIONS / HW / "myrelu.py").read_text()
    head = "def grad_dot_squared(x, y):\n"
    assert head in source
    source = source.replace(head, head + CRASH)
    (folder / "myrelu.py").write_text(source)
    warm = grade_in_own_process({"crashes": folder}, warm=True)["crashes"]
    cold = grade_in_own_process({"crashes": folder}, warm=False)["crashes"]
    assert warm["cases"] == cold["cases"]
    lost = [title for title, score, _ in warm["cases"] if not score]
    assert lost == ["q3_grad_dot_squared: notes_example"], lost
    starts = warm["starts"][0]
    assert "time(s)" in starts and not starts.startswith("worker started 1 "), starts
    count = starts.split()[2]
    assert f"{count} of them forked" in starts, starts


def test_cold_and_warm_workers_start_where_the_package_is_not_installed(tmp_path):
    """As on Gradescope (`cd files && python -m autograder gradescope`), the package
    may be importable only from the grader's working folder. A cold launcher is a new
    interpreter that imports it from the submission's own lib/ folder, and so is a
    worker where nothing is mounted: both must find it there."""
    python = tmp_path / "venv" / "bin" / "python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", tmp_path / "venv"], check=True)
    site = next(p for p in sys.path if p.endswith("site-packages") and "torch" in os.listdir(p))
    ours = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # torch and the rest from the test environment, without its .pth files (which
    # install this checkout's package): only the working folder provides autograder
    (Path(ours) / "test-environment.pth").write_text(site + "\n")
    for mode in ("namespaces", "limits"):
        for warm in ("1", "0"):
            done = subprocess.run(
                [python, "-m", "autograder", "check", HW, str(SOLUTIONS / HW)],
                cwd=REPO_ROOT,
                env={**os.environ, "AUTOGRADER_WARM": warm, "AUTOGRADER_SANDBOX": mode},
                capture_output=True,
                text=True,
                timeout=600,
            )
            score = re.search(r"Public score: (\d+)/(\d+)", done.stdout)
            assert score and score[1] == score[2] != "0", (mode, warm, done.stdout, done.stderr)


SHOWS_ITS_SANDBOX = textwrap.dedent(
    """

    import os as _os
    with open("/proc/self/cgroup") as _f:
        _memory = [line for line in _f if ":memory:" in line or line.startswith("0::")]
    print("SANDBOX", _os.getpid(), _os.getuid(), "autograder-" in "".join(_memory), flush=True)
    """
)

GRADE_TWICE_THEN_LOOK = textwrap.dedent(
    """
    import gc, json, os, re, sys
    from autograder.core import engine, warm
    warm.start_zygote()  # the standby is forked as the environment says now
    os.environ.update(json.loads(sys.argv[2]))  # what the plans say from here
    found = []
    for _ in range(2):  # the standby's worker, forked ahead; then one forked on request
        report = engine.grade("hw1_autograd", sys.argv[1])
        found.append({
            "score": report.score,
            "seen": report.student_output.split("SANDBOX")[-1].split(),
            "measures": [re.sub(r"[0-9]+", "N", m) for m in report.sandbox],
            "starts": [m for m in report.sandbox if m.startswith("worker started")],
        })
    print(json.dumps({"runs": found, "frozen": gc.get_freeze_count()}))
    """
)


def grade_twice(folder: Path, environ: dict) -> dict:
    """Graded twice in one process whose zygote starts with the best sandbox mode
    (AUTOGRADER_SANDBOX=namespaces, the default), then environ set for its plans."""
    return run_grading_process(
        GRADE_TWICE_THEN_LOOK,
        str(folder),
        json.dumps(environ),
        AUTOGRADER_WARM="1",
        AUTOGRADER_SANDBOX="namespaces",
    )


def sandbox_here() -> dict:
    from autograder import sandbox

    return sandbox.check()


def test_the_worker_forked_ahead_is_sandboxed_as_any_other(tmp_path):
    """The zygote's standby launcher forks its worker before the plan arrives (where it
    will be namespaced): that worker gets the same measures as one forked on request,
    is in its cgroup before the student's code is imported (the launcher moves it
    there while it imports the grader's modules), and runs as its own user; the
    grading process froze what it had loaded before forking (gc.freeze)."""
    folder = tmp_path / "looks"
    folder.mkdir()
    source = (SOLUTIONS / HW / "myrelu.py").read_text() + SHOWS_ITS_SANDBOX
    (folder / "myrelu.py").write_text(source)
    found = grade_twice(folder, {})
    here = sandbox_here()
    first, second = found["runs"]
    for run in (first, second):
        assert run["score"] == 24, run
        assert "0 of them forked" not in run["starts"][0], run["starts"]
        pid, uid, in_cgroup = run["seen"][:3]
        if here["mode"] == "namespaces":
            assert pid == "1", run["seen"]  # the first process of its own PID namespace
        if here["mode"] in ("namespaces", "uid"):
            assert uid != "0", run["seen"]
        if not here["cgroup"].startswith("none"):
            assert in_cgroup == "True", run["seen"]
    assert first["measures"] == second["measures"]
    assert found["frozen"] > 10_000


def test_a_standby_forked_ahead_is_not_used_for_a_weaker_mode(tmp_path):
    """Where the zygote's standby forked its worker ahead for namespaces, a plan that
    caps the mode (AUTOGRADER_SANDBOX=uid, set after the zygote started) gets a
    launcher forked for it instead, in that mode (or the one below it, where the
    runtime is not readable by another user)."""
    here = sandbox_here()
    if here["mode"] != "namespaces":
        pytest.skip(f"no worker is forked ahead here (mode {here['mode']})")
    found = grade_twice(SOLUTIONS / HW, {"AUTOGRADER_SANDBOX": "uid"})
    for run in found["runs"]:
        assert run["score"] == 24, run
        assert "0 of them forked" not in run["starts"][0], run["starts"]
        assert not any("namespace" in m for m in run["measures"]), run["measures"]

"""An instructor adds an assignment by writing its folder only: a tiny course
made in a temporary folder (handout, config, one test file with a helper
module, a solution with markers) goes through `student`, `check`, `grade` and
`zip` with no change to the package (docs/adding-an-assignment.md)."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

HW = "hw0_tiny"

FILES = {
    f"assignments/{HW}/config.toml": f'''\
name = "{HW}"
title = "A tiny assignment"
files = ["tiny.py"]

[params]
size = 5
''',
    f"assignments/{HW}/README.md": """\
# A tiny assignment

Write `double(x)` in `tiny.py`: it returns `2 * x` for a tensor `x`.

## How it is graded (3 points)

| question | points | what |
|---|---|---|
| q1_double | 3 | values; a hidden case with another shape |
""",
    f"assignments/{HW}/tests/support/inputs.py": '''\
"""Inputs shared by this assignment's test files."""
import torch


def ramp(n):
    return torch.arange(n, dtype=torch.float64)
''',
    f"assignments/{HW}/tests/q1_double.py": '''\
"""Q1: double(x) is 2 x."""
from autograder.checks import expect_close
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q1_double"
points = None

CFG = config()
inputs = support("inputs")


@probe
def doubled(double):
    return double(inputs.ramp(CFG["size"]))


@probe
def doubled_matrix(double):
    return double(inputs.ramp(6).reshape(2, 3))


@test_case(points=2, hidden=False)
def test_values(env):
    """double(x) is 2 x for a vector."""
    expect_close(doubled(env), 2 * inputs.ramp(CFG["size"]), "double(x)")


@test_case(points=1, hidden=True)
def test_matrix(env):
    """double(x) keeps the shape of a matrix."""
    expect_close(doubled_matrix(env), 2 * inputs.ramp(6).reshape(2, 3), "double(x) of a matrix")
''',
    f"solutions/{HW}/tiny.py": '''\
"""A tiny assignment: double a tensor."""


def double(x):
    """Return 2 * x."""
    # BEGIN SOLUTION
    return 2 * x
    # END SOLUTION
''',
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def autograder(course: Path, *args, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUTOGRADER_COURSE": str(course)}
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        cwd=cwd or course,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_student_template_is_generated(course):
    done = autograder(course, "student", HW)
    assert done.returncode == 0, done.stderr
    template = course / "student_template" / HW
    assert 'raise NotImplementedError("double")' in (template / "tiny.py").read_text()
    public = (template / "tests" / "q1_double.py").read_text()
    assert "test_values" in public and "test_matrix" not in public, "a hidden case leaked"
    assert (template / "tests" / "support" / "inputs.py").is_file(), "the public helper is missing"
    assert (template / "README.md").is_file() and (template / "config.toml").is_file()


def test_check_the_stub_and_the_solution(course, tmp_path):
    autograder(course, "student", HW)
    template = course / "student_template" / HW
    stub = autograder(course, "check", cwd=template)
    assert stub.returncode == 1 and "Not written yet" in stub.stdout, stub.stdout + stub.stderr
    done = tmp_path / HW
    subprocess.run(["cp", "-r", str(template), str(done)], check=True)
    (done / "tiny.py").write_text((course / "solutions" / HW / "tiny.py").read_text())
    full = autograder(course, "check", cwd=done)
    assert full.returncode == 0 and "2/2" in full.stdout, full.stdout + full.stderr


def test_grade_gives_full_marks_and_zero(course, tmp_path):
    autograder(course, "student", HW)
    for folder, score in ((course / "solutions" / HW, 3), (course / "student_template" / HW, 0)):
        out = tmp_path / f"{folder.parent.name}.json"
        done = autograder(course, "grade", HW, str(folder), "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert json.loads(out.read_text())["score"] == score, done.stdout


def test_zip_holds_tests_helpers_and_config(course, tmp_path):
    done = autograder(course, "zip", HW, "--out-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    names = zipfile.ZipFile(tmp_path / f"{HW}-autograder.zip").namelist()
    assert "tests/q1_double.py" in names
    assert f"files/assignments/{HW}/tests/support/inputs.py" in names
    assert f"files/assignments/{HW}/config.toml" in names
    assert not any("solutions" in n for n in names)

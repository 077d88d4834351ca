"""The Gradescope zip works: the real `otter run` on it gives the solution full
marks and the stub zero, question by question equal to our engine's scores."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from harness import SOLUTIONS, TEMPLATE, grade

from autograder.core.assignment import config
from autograder.settings import all_assignments
from autograder.verbs.zip import build

# otter grades a single .py file; multi-file submissions (the project) are graded by our engine.
SINGLE_FILE = [hw for hw in all_assignments() if len(config(hw).files) == 1]


@pytest.fixture(scope="module")
def zips(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    return {hw: build(hw, out) for hw in SINGLE_FILE}


def otter_scores(zip_path: Path, submission: Path, out: Path) -> dict[str, float]:
    out.mkdir()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "otter",
            "run",
            "--no-logo",
            "-a",
            str(zip_path),
            "-o",
            str(out),
            str(submission),
        ],
        check=True,
        capture_output=True,
    )
    tests = json.loads((out / "results.json").read_text())["tests"]
    return {t["name"]: float(t["score"]) for t in tests if "score" in t}


def test_zip_contents(zips):
    names = zipfile.ZipFile(zips["hw1_autograd"]).namelist()
    assert (
        "files/autograder/core/engine.py" in names
        and "files/assignments/hw1_autograd/config.toml" in names
    )
    assert any(n.startswith("tests/q") for n in names)
    assert not any("solutions" in n for n in names), "a solution leaked into the zip"
    requirements = zipfile.ZipFile(zips["hw1_autograd"]).read("environment.yml").decode()
    assert "download.pytorch.org/whl/cpu" in requirements


def test_gradescope_run_autograder_grades_with_the_engine(zips, tmp_path):
    """run_autograder calls the sandboxed engine from the unpacked files/ folder,
    which holds everything the engine needs (package, config, all tests)."""
    archive = zipfile.ZipFile(zips["hw1_autograd"])
    script = archive.read("run_autograder").decode()
    assert "cd /autograder/source/files && python -m autograder gradescope hw1_autograd" in script
    archive.extractall(tmp_path / "source")
    out = tmp_path / "results.json"
    # The same engine command, without the gradescope verb's container set-up (never run here).
    subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            "hw1_autograd",
            str(SOLUTIONS / "hw1_autograd"),
            "--out",
            str(out),
        ],
        cwd=tmp_path / "source" / "files",
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "source" / "files")},
    )
    results = json.loads(out.read_text())
    assert results["score"] == 24 and any(
        t["visibility"] == "after_published" for t in results["tests"]
    )


@pytest.mark.parametrize("hw", SINGLE_FILE)
@pytest.mark.parametrize("who", ["solution", "stub"])
def test_otter_run_matches_engine(hw, who, zips, tmp_path):
    folder = (SOLUTIONS if who == "solution" else TEMPLATE) / hw
    source = folder / config(hw).files[0]
    ours = grade(hw, folder).by_file()
    theirs = otter_scores(zips[hw], source, tmp_path / "otter")
    assert theirs == {q: score for q, (score, _) in ours.items()}
    expected = sum(points for _, points in ours.values()) if who == "solution" else 0
    assert sum(theirs.values()) == expected

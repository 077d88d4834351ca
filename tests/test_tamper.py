"""The tamper scan (autograder/tamper.py): what it finds, what it must never find,
and what a flagged submission gets ("needs review", 0 by default, scores kept when
[review] on_tamper = "flag")."""

import json
import shutil
from pathlib import Path

import pytest
import torch
from harness import SOLUTIONS, TEMPLATE, grade
from test_hostile import (
    ANSWER_REQUESTS_ITSELF,
    FORGE_GRADER_ERROR,
    FORGE_PRECOMPUTED,
    FORGE_PROBE_MODULES,
    PRELUDE,
    SOLUTION,
    WRONG,
)

from autograder import notebook as nb
from autograder.core import assignment, results, tamper, variants
from autograder.core.assignment import ENV_ASSIGNMENTS, REPO_ROOT
from autograder.core.batch import outcome_from
from autograder.core.report import format_report
from autograder.sandbox import SandboxError

HWS = sorted(p.parent.name for p in (REPO_ROOT / "assignments").glob("*/config.toml"))


def scan(hw: str, folder: Path) -> list[str]:
    tests = assignment.test_files(hw)
    return [
        str(f)
        for f in tamper.scan_folder(
            folder, {p.stem for p in tests}, tamper.probe_names_of([p.read_text() for p in tests])
        )
    ]


@pytest.mark.parametrize("hw", HWS)
def test_honest_work_is_never_flagged(hw, tmp_path):
    """The reference, the stub (with its public tests), the samples, every mutant and
    every alternative: wrong or right, none of them reaches for the grader."""
    module = variants.load(hw)
    folders = [SOLUTIONS / hw, TEMPLATE / hw, *(REPO_ROOT / "tests" / "samples" / hw).iterdir()]
    edits = [*module.MUTANTS.values(), *module.ALTERNATIVES.values()]
    for i, edit in enumerate(edits):
        folders.append(variants.write(hw, tmp_path / f"v{i}", edit["replace"], edit.get("file")))
    notebook = TEMPLATE / hw / f"{hw}.ipynb"
    if notebook.is_file():  # the notebook edition, graded from its cells
        (tmp_path / "nb").mkdir()
        shutil.copy(notebook, tmp_path / "nb")
        nb.write_module(tmp_path / "nb", hw, assignment.config(hw).files)
        folders.append(tmp_path / "nb")
    found = {str(folder): scan(hw, folder) for folder in folders}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


FLAGGED = {  # one line of each kind the rules forbid -> words the finding must hold
    "import ctypes": "ctypes",
    "from ctypes import pythonapi": "ctypes",
    "import gc\nobjects = gc.get_objects()": "gc.get_objects",
    "from gc import get_referrers": "get_referrers",
    "import sys\nsys.modules['q1_forward'].outputs = None": "sys.modules",
    "import q1_forward": "test module",
    "from q2_backward import sample": "test module",
    "import importlib\nm = importlib.import_module('q1_' + 'forward')": "named at run time",
    "m = __import__('q1_forward')": "__import__",
    "import sys\nframe = sys._getframe(1)": "sys._getframe",
    "import inspect\nframe = inspect.currentframe()": "inspect.currentframe",
    "def f(g):\n    return g.__globals__": "__globals__",
    "import sys\nline = sys.stdin.readline()": "sys.stdin",
    "import sys, io\nsys.stdout = io.StringIO()": "sys.stdout",
    "import os\nos.write(5, b'x')": "os.write",
    "from os import dup2": "os.dup2",
    "f = open(3, 'wb')": "raw file descriptor",
    "import os\nnames = os.listdir('/proc/self/fd')": "file descriptors",
    "import builtins\nbuiltins.print = None": "builtins",
    "__builtins__['len'] = None": "__builtins__",
    "import torch\ntorch.allclose = lambda *a, **k: True": "torch.allclose",
    "from torch import Tensor\nTensor.__eq__ = lambda a, b: True": "torch.Tensor.__eq__",
    "import numpy as np\nsetattr(np, 'isclose', None)": "numpy",
    "import torch\ndel torch.equal": "torch.equal",
    "__autograder_probe_cache__ = {}": "probe cache",
    "cache = globals().setdefault('__autograder_probe_cache__', {})": "probe cache",
    "exec(open('answers.txt').read())": "exec",
    "code = compile(text, 'x', 'exec')": "compile",
    "from autograder import plain": "autograder.plain",
    "import autograder.testing": "autograder.testing",
    "import runpy": "runpy",
    "x = " + "-" * 100000 + "1": "nested",
}
HONEST = [
    "import gc\ngc.collect()",
    "import torch\ntorch.backends.cudnn.deterministic = True",
    "import torch\nx = torch.stack([torch.ones(2)])",
    "exec('x = 1')",
    "from autograder.notebook import check",
    "from autograder import datasets",
    "import helper\nhelper.SCALE = 2",
    "import sys\nprint('hi', file=sys.stderr)",
    "class Net:\n    def __init__(self):\n        self.outputs = []",
    "import os\nos.makedirs('out', exist_ok=True)",
]


@pytest.mark.parametrize("source", FLAGGED)
def test_each_forbidden_reach_is_found_with_its_line(source, tmp_path):
    (tmp_path / "helper.py").write_text("SCALE = 1\n")
    (tmp_path / "myrelu.py").write_text("import torch\n\n" + source + "\n")
    found = scan("hw1_autograd", tmp_path)
    assert found and all(f.startswith("myrelu.py:") for f in found), found
    assert any(FLAGGED[source] in f for f in found), found


@pytest.mark.parametrize("source", HONEST)
def test_ordinary_code_is_not_found(source, tmp_path):
    (tmp_path / "helper.py").write_text("SCALE = 1\n")
    (tmp_path / "myrelu.py").write_text(source + "\n")
    assert scan("hw1_autograd", tmp_path) == []


def test_compiled_files_helpers_and_notebook_cells_are_read(tmp_path):
    (tmp_path / "fast.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "util.py").write_text("import ctypes\n")
    notebook = {
        "cells": [
            {"cell_type": "code", "source": "import torch\n"},
            {"cell_type": "markdown", "source": "text"},
            {"cell_type": "code", "source": "x = 1\nimport sys\nf = sys._getframe()\n"},
        ]
    }
    (tmp_path / "hw1_autograd.ipynb").write_text(json.dumps(notebook))
    nb.write_module(tmp_path, "hw1_autograd", ["myrelu.py"])
    found = scan("hw1_autograd", tmp_path)
    assert any(f.startswith("fast.cpython") and "compiled" in f for f in found), found
    assert any(f.startswith("sub/util.py:1") for f in found), found
    assert any(f.startswith("hw1_autograd.ipynb, code cell 2, line 3") for f in found), found


def write_assignment(tmp_path: Path, on_tamper: str) -> Path:
    """hw1's folder with a [review] section, for the engine to find first."""
    folder = tmp_path / "assignments"
    shutil.copytree(REPO_ROOT / "assignments" / "hw1_autograd", folder / "hw1_autograd")
    config = folder / "hw1_autograd" / "config.toml"
    config.write_text(config.read_text() + f'\n[review]\non_tamper = "{on_tamper}"\n')
    return folder


@pytest.mark.parametrize("attack", ["forge_probe_modules", "answer_requests_itself"])
def test_a_forged_answer_scores_zero_and_needs_review(attack, tmp_path):
    code = {
        "forge_probe_modules": FORGE_PROBE_MODULES,
        "answer_requests_itself": ANSWER_REQUESTS_ITSELF,
    }[attack]
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "myrelu.py").write_text(PRELUDE + WRONG + "\n" + code)
    report = grade("hw1_autograd", folder)
    assert report.score == 0 and report.status.startswith("needs review")
    assert report.review and all(line.startswith("myrelu.py:") for line in report.review)
    assert report.problems[0].startswith("Needs review") and report.review[0] in report.problems[0]
    data = results.as_results(report)
    assert data["extra_data"]["status"].startswith("needs review")
    assert data["extra_data"]["review"] == report.review
    row = outcome_from("student", data)
    assert row.status.startswith("needs review") and report.review[0] in row.message
    assert "Needs review" in format_report(report, public_only=False)


@pytest.mark.parametrize("attack", ["forge_probe_modules", "answer_requests_itself"])
def test_flag_only_keeps_the_scores_and_still_says_needs_review(attack, tmp_path, monkeypatch):
    """(a) and (b) really forge: with on_tamper = "flag", (a) keeps points its my_relu
    never earned (WRONG alone earns 0) and (b)'s own answers reach the judge; the report
    still needs review. An attack gone stale (the worker's insides renamed) fails here,
    not silently in the test above."""
    code = {
        "forge_probe_modules": FORGE_PROBE_MODULES,
        "answer_requests_itself": ANSWER_REQUESTS_ITSELF,
    }[attack]
    monkeypatch.setenv(ENV_ASSIGNMENTS, str(write_assignment(tmp_path, "flag")))
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "myrelu.py").write_text(PRELUDE + WRONG + "\n" + code)
    report = grade("hw1_autograd", folder)
    forged = (
        report.score > 0 if attack == "forge_probe_modules" else "'MyReLUBackward'" in str(report)
    )
    assert forged and report.status.startswith("needs review")
    assert "a person will review it" in report.problems[0]


def test_answers_computed_ahead_from_a_probes_source_earn_nothing(tmp_path, monkeypatch):
    """(a) with its answers computed from the probe's source before any request: the
    inputs are drawn from the grader's seed for this submission, so those answers are
    wrong even where the scan only flags (on_tamper = "flag")."""
    monkeypatch.setenv(ENV_ASSIGNMENTS, str(write_assignment(tmp_path, "flag")))
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "myrelu.py").write_text(PRELUDE + WRONG + "\n" + FORGE_PRECOMPUTED)
    report = grade("hw1_autograd", folder)
    assert report.score == 0 and report.status.startswith("needs review")


def test_only_the_grader_can_say_the_grader_failed(tmp_path, monkeypatch):
    """(d): a hello forged from the worker's frames that claims a grader error is the
    student's failure (flag mode, so the scan's zero does not hide it); a worker that
    fails before any student code runs is the grader's (SandboxError: no points lost)."""
    monkeypatch.setenv(ENV_ASSIGNMENTS, str(write_assignment(tmp_path, "flag")))
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "myrelu.py").write_text(PRELUDE + SOLUTION + "\n" + FORGE_GRADER_ERROR)
    report = grade("hw1_autograd", folder, only=["q1_forward"])  # no SandboxError
    assert report.score == 0 and "grader error" not in report.status
    assert report.status.startswith("needs review")

    tests = tmp_path / "tests"
    tests.mkdir()
    shutil.copy(REPO_ROOT / "assignments" / "hw1_autograd" / "tests" / "q1_forward.py", tests)
    broken = tests / "q1_forward.py"  # imports in the grader, fails in the worker
    broken.write_text(
        'import os\nif os.environ.get("USER") == "student":\n'
        '    raise ImportError("a probe module the worker cannot import")\n' + broken.read_text()
    )
    shutil.copytree(SOLUTIONS / "hw1_autograd", tmp_path / "honest")
    with pytest.raises(SandboxError, match="could not start"):
        grade("hw1_autograd", tmp_path / "honest", tests_dir=tests)


def test_under_otter_a_global_named_like_the_probe_cache_changes_nothing(tmp_path):
    """(c): under `otter run` probes run in the student's namespace; their results are
    kept in the grader's module, so a global claiming to hold every answer is ignored."""
    from autograder.testing import ProbeFailed, probe

    def outputs(my_relu):
        return my_relu(torch.tensor([-1.0, 2.0]))

    outputs.__module__ = "q1_forward"
    call = probe(outputs)

    class Claims(dict):  # "holds" every key, always with a full-marks answer
        def __contains__(self, key):
            return True

        def __getitem__(self, key):
            return torch.tensor([0.0, 2.0])

    for name in ("__autograder_probe_cache__", "probe_cache"):
        env = {"my_relu": lambda x: x * 3, name: Claims()}
        assert torch.equal(call(env), torch.tensor([-3.0, 6.0]))
    env = {"my_relu": lambda x: x.clamp(min=0)}
    assert torch.equal(call(env), torch.tensor([0.0, 2.0]))
    assert set(env) == {"my_relu"}  # nothing written into the student's namespace
    with pytest.raises(ProbeFailed):
        call({})


def test_judge_only_helpers_stay_in_the_grader():
    """The worker gets each test file's probes and what they reach, nothing a judge
    alone uses (a hidden check's reference computation): and the stripped file runs."""
    from autograder.core.assignment import probe_source

    tests = REPO_ROOT / "assignments"
    q5 = probe_source(tests / "hw6_multigrid" / "tests" / "q5_galerkin.py")
    q3 = probe_source(tests / "hw4_regularization" / "tests" / "q3_dropout_net.py")
    assert "restriction_matrix" not in q5 and "expect_dropout_after_fc1" not in q3
    for path in sorted(tests.glob("*/tests/q*.py")):
        source = probe_source(path)
        assert "test_case(" not in source, path
        module = {"__name__": path.stem}
        exec(compile(source, str(path), "exec"), module)
        probes = tamper.probe_names_of([path.read_text()])
        assert probes and probes <= set(module), (path, probes - set(module))


FORGED_HOW = '''

def my_relu(x):
    """A Function of its own, named so the probe sees MyReLUBackward."""
    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return torch.relu(x)

        @staticmethod
        def backward(ctx, grad):
            return grad

    return MyReLU.apply(x)


def _gradient(x, y):
    x = x.detach().requires_grad_(True)   # the caller's x.grad stays empty
    (torch.dot(x, y) ** 2).backward()
    return x.grad


def grad_dot_squared(x, y):
    return _gradient(x, y)
'''


def test_a_forged_report_of_how_loses_the_how_points(tmp_path):
    """What a probe reports about how an answer is computed can be forged (its grad_fn's
    name, an empty x.grad); the source, read in the grader, decides too."""
    folder = tmp_path / "forged"
    folder.mkdir()
    (folder / "myrelu.py").write_text(SOLUTION + FORGED_HOW)
    report = grade("hw1_autograd", folder, only=["q1_forward", "q3_grad_dot_squared"])
    cases = {c.title: c for c in report.cases}
    for title in ["q1_forward: uses_my_relu", "q3_grad_dot_squared: uses_autograd_grad"]:
        assert cases[title].score == 0, f"{title} kept its points"
    assert "does not call MyReLU.apply" in cases["q1_forward: uses_my_relu"].message
    assert (
        "does not call torch.autograd.grad"
        in cases["q3_grad_dot_squared: uses_autograd_grad"].message
    )
    assert (
        cases["q1_forward: values"].passed and cases["q3_grad_dot_squared: random_vectors"].passed
    )

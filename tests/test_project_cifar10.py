"""project_cifar10 graders are right: the reference (with its committed model.pt)
earns everything, the stub nothing, each known-wrong variant (of models.py or
of model.pt) loses the points of the test aimed at it, alternative correct
answers earn full marks, and train.py run briefly writes a checkpoint that the
grader scores as train.py measured it.

Offline, every accuracy here is on the generated CIFAR10 stand-in (see
autograder/datasets.py), with its own thresholds from config.toml.

solutions/project_cifar10/model.pt is committed (1.1 MB), so the reference
folder is a complete submission that CI, `make grade` and the zip tests can
grade directly, and the mutants below can reuse its weights; training it takes
minutes. It is SmallResNet() (ResNet-20) trained on the generated stand-in, made
with (PNG and JSON written elsewhere, so they stay out of the student template):

    cd solutions/project_cifar10 && OMP_NUM_THREADS=1 ../../.venv/bin/python train.py \
        --data generated --epochs 8 --batch-size 64 --out /tmp/ref && cp /tmp/ref/model.pt .

Retrain it whenever SmallResNet or build_model() changes (the full-marks test
fails with "model.pt does not fit build_model()" until then).
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys

import pytest
import torch
from harness import (
    SOLUTIONS,
    TEMPLATE,
    assert_full_marks,
    assert_loses,
    failures,
    grade,
    variant,
)

from autograder.core.assignment import REPO_ROOT

HW, FILE = "project_cifar10", "models.py"
ACCURACY = [f"q6_accuracy: accuracy_step_{k}" for k in range(1, 5)] + ["q6_accuracy: accuracy_full"]


def load_models(folder):
    """The models.py of a submission folder, imported under a name of its own."""
    spec = importlib.util.spec_from_file_location(
        f"models_{abs(hash(str(folder)))}", folder / "models.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # so torch.save can pickle a whole model
    spec.loader.exec_module(module)
    return module


def reference_state():
    return torch.load(SOLUTIONS / HW / "model.pt", weights_only=True)


def whole_model():
    model = load_models(SOLUTIONS / HW).build_model()
    model.load_state_dict(reference_state())
    return model


def with_nan():
    state = reference_state()
    key = next(k for k, v in state.items() if v.is_floating_point() and v.dim() == 4)
    state[key] = state[key].clone()
    state[key].view(-1)[0] = float("nan")
    return state


def untrained():
    torch.manual_seed(0)
    return load_models(SOLUTIONS / HW).build_model().state_dict()


CHECKPOINT_MUTANTS = {  # what model.pt holds -> the cases it must lose
    "a checkpoint of another architecture (SmallVGG's weights)": (
        lambda: load_models(SOLUTIONS / HW).SmallVGG().state_dict(),
        ["q5_checkpoint: checkpoint_fits_build_model", *ACCURACY],
    ),
    "a pickled module (torch.save(model))": (
        whole_model,
        [
            "q5_checkpoint: checkpoint_is_state_dict",
            "q5_checkpoint: checkpoint_fits_build_model",
            *ACCURACY,
        ],
    ),
    "a training checkpoint wrapping the weights": (
        lambda: {"model": reference_state(), "epoch": 8},
        ["q5_checkpoint: checkpoint_is_state_dict", *ACCURACY],
    ),
    "the state_dict of a DataParallel wrapper": (
        lambda: {"module." + k: v for k, v in reference_state().items()},
        ["q5_checkpoint: checkpoint_fits_build_model", *ACCURACY],
    ),
    "over the size cap (an extra 28 MB tensor)": (
        lambda: {**reference_state(), "extra": torch.zeros(7_000_000)},
        ["q5_checkpoint: checkpoint_is_state_dict", "q5_checkpoint: checkpoint_finite"],
    ),
    "NaN in a weight": (with_nan, ["q5_checkpoint: checkpoint_finite"]),
    "untrained weights (chance accuracy)": (untrained, ACCURACY),
}


def checkpoint_variant(dest, make):
    """The reference folder with model.pt replaced by torch.save(make())."""
    shutil.copytree(SOLUTIONS / HW, dest, ignore=shutil.ignore_patterns("__pycache__"))
    torch.save(make(), dest / "model.pt")
    return dest


def identity_projections(state, model):
    """The reference weights for a ResNet whose every block has a 1x1 projection
    shortcut: the new projections start as the exact identity (weight I, batch
    norm with mean 0, variance 1 - eps, scale 1, shift 0), so it is the same function."""
    new = {}
    for key, target in model.state_dict().items():
        if key in state:
            new[key] = state[key]
            continue
        module = model.get_submodule(key.rsplit(".", 1)[0])
        leaf = key.rsplit(".", 1)[1]
        if isinstance(module, torch.nn.Conv2d):
            new[key] = torch.eye(target.shape[0]).reshape(target.shape)
        elif leaf == "running_var":
            new[key] = torch.full_like(target, 1.0 - module.eps)
        elif leaf == "weight":
            new[key] = torch.ones_like(target)
        else:  # bias, running_mean, num_batches_tracked
            new[key] = torch.zeros_like(target)
    return new


def test_solution_says_which_data_set():
    """(Full marks, the stub's zero and the mutants of models.py: tests/test_mutants.py.)"""
    report = grade(HW, SOLUTIONS / HW)
    assert_full_marks(report)
    notes = " ".join(c.note for c in report.cases)
    assert "generated CIFAR10 stand-in" in notes, "the output must say which data set was used"


def test_template_has_no_weights():
    assert not list((TEMPLATE / HW).glob("*.pt")), "trained weights leaked into the template"


SAYS = {  # checkpoint mutant -> (case, words its message must contain)
    "a pickled module (torch.save(model))": (
        "q5_checkpoint: checkpoint_is_state_dict",
        ["weights_only=True", "model.state_dict()"],
    ),
    "the state_dict of a DataParallel wrapper": (
        "q5_checkpoint: checkpoint_fits_build_model",
        ["'module.'"],
    ),
}


@pytest.mark.parametrize("name", CHECKPOINT_MUTANTS)
def test_checkpoint_mutant_loses_points(name, tmp_path):
    make, loses = CHECKPOINT_MUTANTS[name]
    only = sorted({title.split(":")[0] for title in loses})
    report = grade(HW, checkpoint_variant(tmp_path / "mutant", make), only=only)
    assert_loses(report, loses)
    if name in SAYS:
        title, words = SAYS[name]
        message = next(c.message for c in report.cases if c.title == title)
        assert all(w in message for w in words), message


IMPORT_CASE = "q5_checkpoint: train_import_does_nothing"
TRAINS_AT_IMPORT = {  # code added at the end of train.py -> words the import case must say
    "main() at module level": ("main()\n", "tried to create the folder"),
    "a forward pass": ("build_model()(torch.rand(2, 3, 32, 32))\n", "forward pass"),
    "an optimizer step, the error swallowed": (
        "try:\n    torch.optim.SGD(build_model().parameters(), lr=0.1).step()\n"
        "except BaseException:\n    pass\n",
        "optimizer step",
    ),
    "a checkpoint written": ("torch.save({}, 'other.pt')\n", "created 'other.pt'"),
}


@pytest.mark.parametrize("case", TRAINS_AT_IMPORT)
def test_train_py_working_at_import_loses_the_import_case(case, tmp_path):
    """train.py doing work when imported loses the import case, which says what it did, and
    nothing else: train.py is a script (config `scripts`), which the worker never imports
    before the tests, so however long its import runs, no other test waits on it."""
    tail, words = TRAINS_AT_IMPORT[case]
    folder = variant(HW, tmp_path / "mutant", "train.py", [])
    (folder / "train.py").write_text((folder / "train.py").read_text() + tail)
    report = grade(HW, folder, only=["q5_checkpoint"])
    assert failures(report).keys() == {IMPORT_CASE}, failures(report)
    assert words in failures(report)[IMPORT_CASE], failures(report)
    assert report.status == "ok" and not report.problems, (report.status, report.problems)


def test_alternative_projection_shortcuts(tmp_path):
    """Every block with a 1x1 projection shortcut; model.pt = the reference's weights with
    identity projections, so the accuracy is the reference's."""
    folder = variant(
        HW,
        tmp_path / "alt",
        FILE,
        [
            (
                "        self.shortcut = nn.Identity()\n"
                "        if stride != 1 or in_channels != out_channels:\n"
                "            self.shortcut = nn.Sequential(",
                "        if True:\n            self.shortcut = nn.Sequential(",
            )
        ],
    )
    model = load_models(folder).build_model()
    torch.save(identity_projections(reference_state(), model), folder / "model.pt")
    assert_full_marks(grade(HW, folder))


def test_alternative_zero_initialised_residual_branches(tmp_path):
    """bn2 of every block starts at zero (Goyal et al.'s trick): a residual branch then adds
    nothing until it learns, which the shortcut check must not mistake for a missing branch."""
    folder = variant(
        HW,
        tmp_path / "alt",
        FILE,
        [
            (
                "        self.bn2 = nn.BatchNorm2d(out_channels)\n",
                "        self.bn2 = nn.BatchNorm2d(out_channels)\n        nn.init.zeros_(self.bn2.weight)\n",
            )
        ],
    )
    assert_full_marks(grade(HW, folder))


def test_train_py_end_to_end(tmp_path):
    """train.py, run briefly on the generated stand-in, writes model.pt, the curves and the
    metrics; the grader gives that checkpoint full marks and measures the accuracy train.py
    reported. A small VGG with other widths (an alternative correct answer) keeps it quick."""
    folder = variant(
        HW,
        tmp_path / "trained",
        FILE,
        [
            (
                "    return SmallResNet()\n",
                "    return SmallVGG(widths=(16, 32, 64, 128), hidden=128)\n",
            )
        ],
    )
    (folder / "model.pt").unlink()
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(REPO_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
    }
    env.pop("AUTOGRADER_DATA", None)
    run = subprocess.run(
        [
            sys.executable,
            "train.py",
            "--data",
            "generated",
            "--epochs",
            "3",
            "--batch-size",
            "32",
            "--lr",
            "0.05",
            "--device",
            "cpu",
            "--out",
            str(folder),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "generated CIFAR10 stand-in" in run.stdout, run.stdout
    for name in ("model.pt", "training_curves.png", "metrics.json"):
        assert (folder / name).is_file(), f"train.py did not write {name}"
    metrics = json.loads((folder / "metrics.json").read_text())
    assert len(metrics["history"]) == 3 and metrics["data"].startswith("generated")
    report = grade(HW, folder)
    assert_full_marks(report)
    note = next(c.note for c in report.cases if c.name == "accuracy_full")
    assert f"{metrics['best_test_accuracy']:.2%}" in note, (note, metrics["best_test_accuracy"])


BROKEN_TRAIN = {  # what is wrong with train.py -> words every failure must say
    "missing": (None, "train.py was not found"),
    "syntax error": ("def main(:\n    pass\n", "train.py has a syntax error on line 1"),
}


@pytest.mark.parametrize("case", BROKEN_TRAIN)
def test_broken_train_py_costs_only_what_needs_it(case, tmp_path):
    """No test needs a name from train.py, so a missing or broken train.py costs only the
    case that imports it, which says what is wrong, like a missing model.pt; a probe
    needing a name no file defines says which name."""
    source, words = BROKEN_TRAIN[case]
    folder = variant(HW, tmp_path / "sub", FILE, [])
    if source is None:
        (folder / "train.py").unlink()
    else:
        (folder / "train.py").write_text(source)
    report = grade(HW, folder, only=["q1_shapes", "q5_checkpoint"])
    assert failures(report).keys() == {IMPORT_CASE}, failures(report)
    assert words in failures(report)[IMPORT_CASE], failures(report)
    renamed = variant(HW, tmp_path / "renamed", FILE, [("def build_model(", "def make_model(")])
    (renamed / "train.py").unlink()
    if source is not None:
        shutil.copy(folder / "train.py", renamed / "train.py")
    report = grade(HW, renamed, only=["q1_shapes"])
    lost = [c for c in report.cases if not c.passed]
    assert [c.name for c in lost] == ["build_model_output", "build_model_is_one_of_the_two"], [
        c.title for c in lost
    ]
    assert "`build_model`" in lost[0].message, lost[0].message


def test_broken_models_py_keeps_the_checkpoint_file_test(tmp_path):
    """A syntax error in models.py costs every test that builds a model, each saying so;
    the tests that only read model.pt keep their points."""
    folder = variant(HW, tmp_path / "sub", FILE, [("def build_model():", "def build_model(:")])
    report = grade(HW, folder, only=["q1_shapes", "q5_checkpoint"])
    kept = {c.title for c in report.cases if c.passed}
    assert kept == {
        "q5_checkpoint: checkpoint_is_state_dict",
        "q5_checkpoint: checkpoint_finite",
    }, kept
    for case in report.cases:
        assert case.passed or "models.py has a syntax error" in case.message, case.message

"""Q6: the test accuracy of model.pt, on a ladder from a floor to full credit.

The worker builds build_model(), loads model.pt strictly (weights_only=True)
and returns only its predicted classes for the test images; the grader reads
the labels itself and computes the accuracy. Which data set was used is said
in the output: real CIFAR10 (thresholds accuracy_floor .. accuracy_full) or,
where none is available, the generated stand-in (its own thresholds).

What a hostile submission could still forge, and why this is the design: the
architecture is the student's code, so the forward pass has to run in the
worker, beside that code, which may also read the test files it is given.
Code there could return predictions it did not compute with model.pt (e.g.
labels it read), and no check on plain data can tell. What cannot be forged:
the verdict is computed here from labels the worker never reports, the data
set is the grader's choice, and only plain data (a tensor of class indices)
comes back. Forging predictions takes deliberate code in models.py, which is
handed in and readable; training on the public test set is undetectable by
any grader. The grader does not run the student's architecture itself:
loading a traced graph here would bring the student's code into this process.
"""
import functools
import time

import torch

from autograder import datasets
from autograder.checks import expect_rung
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q6_accuracy"
points = None

CFG = config()

checkpoints = support("checkpoints")
RUNGS = 5          # the accuracy cases below: equal steps from the floor to full credit


@probe
def predictions_on_test_set(build_model, submission):
    try:
        images, _, source = datasets.cifar10_tensors(train=False, uint8=True)
    except Exception as exc:  # noqa: BLE001  (the grader's data, not the student's code)
        return {"problem": f"The grader could not read its test set ({type(exc).__name__}: "
                           f"{exc}). This is not your fault: tell your instructor."}
    model, problem = checkpoints.load_model(build_model, submission / "model.pt")
    if problem:
        return {"problem": problem}
    started = time.perf_counter()
    predictions = checkpoints.predict(model, images, CFG["eval_batch"])
    return {"problem": "", "source": source, "predictions": predictions.to(torch.uint8),
            "seconds": time.perf_counter() - started}


@functools.lru_cache(maxsize=1)
def grader_labels():
    """The grader's own test labels and the name of their data set."""
    _, labels, source = datasets.cifar10_tensors(train=False, uint8=True)
    return labels, source


def thresholds(source):
    if datasets.is_real_cifar10(source):
        return CFG["accuracy_floor"], CFG["accuracy_full"]
    return CFG["generated_accuracy_floor"], CFG["generated_accuracy_full"]


def accuracy(env):
    labels, source = grader_labels()     # first: makes the data (or a download) the worker reads
    seen = predictions_on_test_set(env)
    assert not seen["problem"], seen["problem"]
    assert seen["source"] == source, (
        f"The grader's test set ({source}) is not the one your model was evaluated on "
        f"({seen['source']}): the grader is misconfigured, not your work; tell your instructor.")
    predictions = seen["predictions"]
    assert isinstance(predictions, torch.Tensor) and predictions.shape == labels.shape, (
        f"Expected one predicted class per test image ({len(labels)}), got "
        f"{getattr(predictions, 'shape', predictions)}.")
    correct = int((predictions.long() == labels).sum())
    return correct / len(labels), len(labels), source


def expect_step(env, rung):
    acc, count, source = accuracy(env)
    floor, full = thresholds(source)
    where = f"{count:,} test images of {source}"
    kind = "CIFAR10" if datasets.is_real_cifar10(source) else "generated"
    needed = expect_rung(acc, floor, full, rung, RUNGS, message=(
        f"model.pt classifies {acc:.2%} of the {where} correctly; this step needs "
        f"{{needed:.2%}} (full credit at {full:.0%}, steps from {floor:.0%})."),
        figure=f"test accuracy on {kind}")
    return f"Accuracy {acc:.2%} on the {where} (this step: {needed:.2%})."


@test_case(points=3, hidden=False)
def test_accuracy_step_1(env):
    """Test accuracy of model.pt reaches step 1 of 5 from the floor to full credit."""
    return expect_step(env, 1)


@test_case(points=3, hidden=False)
def test_accuracy_step_2(env):
    """Test accuracy of model.pt reaches step 2 of 5 from the floor to full credit."""
    return expect_step(env, 2)


@test_case(points=3, hidden=False)
def test_accuracy_step_3(env):
    """Test accuracy of model.pt reaches step 3 of 5 from the floor to full credit."""
    return expect_step(env, 3)


@test_case(points=3, hidden=False)
def test_accuracy_step_4(env):
    """Test accuracy of model.pt reaches step 4 of 5 from the floor to full credit."""
    return expect_step(env, 4)


@test_case(points=3, hidden=False)
def test_accuracy_full(env):
    """Test accuracy of model.pt reaches full credit (step 5 of 5)."""
    return expect_step(env, 5)

"""Q1: LogisticRegression is one linear map from 784 pixels to 10 logits."""
import torch

from autograder.checks import (
    expect_close,
    expect_depends_on_input,
    expect_equal,
    expect_shape,
    only_when_right,
    parameter_shapes,
)
from autograder.testing import probe, test_case

OK_FORMAT = False
name = "q1_model"
points = None


def images(n, seed=0):
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def known_parameters():
    g = torch.Generator().manual_seed(1)
    return torch.randn(10, 784, generator=g) * 0.05, torch.randn(10, generator=g)


@probe
def structure(LogisticRegression):
    return parameter_shapes(LogisticRegression())


@probe
def outputs(LogisticRegression):
    model = LogisticRegression()
    return {"images": model(images(5)), "flat": model(images(3).reshape(3, 784)),
            "single": model(images(1))}


@probe
def logits_with_known_parameters(LogisticRegression):
    model = LogisticRegression()
    weight, bias = known_parameters()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(weight if p.dim() == 2 else bias)
    return model(images(4, seed=2))


@test_case(points=2, hidden=False)
def test_parameter_count(env):
    """The model has 7,850 parameters: one 10 x 784 weight matrix and 10 biases."""
    shapes = structure(env)
    total = sum(torch.Size(s).numel() for s in shapes)
    assert total == 7850, (f"LogisticRegression has {total} parameters (shapes {shapes}); "
                           f"logistic regression is a single nn.Linear(784, 10): 7,850.")
    expect_equal(sorted(shapes, key=len), [(10,), (10, 784)], "The parameter shapes")


@test_case(points=1, hidden=False)
def test_output_shape_images(env):
    """A batch of images (N, 1, 28, 28) gives logits of shape (N, 10)."""
    logits = expect_shape(outputs(env)["images"], (5, 10), "model(x) for x of shape (5, 1, 28, 28)")
    only_when_right(lambda: expect_depends_on_input(logits, "model(x)"), "model(x)")


@test_case(points=1, hidden=False)
def test_output_shape_vectors(env):
    """A batch of flat vectors (N, 784) gives logits of shape (N, 10), also for N = 1."""
    seen = outputs(env)
    expect_shape(seen["flat"], (3, 10), "model(x) for x of shape (3, 784)")
    only_when_right(lambda: expect_depends_on_input(seen["flat"], "model(x)"), "model(x)")
    expect_shape(seen["single"], (1, 10), "model(x) for x of shape (1, 1, 28, 28)")


@test_case(points=2, hidden=True)
def test_logits_are_linear(env):
    """The logits are W x + b for the flattened image, row by row (no softmax, no mixing)."""
    weight, bias = known_parameters()
    expected = images(4, seed=2).reshape(4, 784) @ weight.T + bias
    expect_close(logits_with_known_parameters(env), expected,
                 "The logits for known weights (each image flattened row by row to 784 values)",
                 atol=1e-4)

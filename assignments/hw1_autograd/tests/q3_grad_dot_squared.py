"""Q3: grad_dot_squared(x, y) is the gradient of (x . y)^2 with respect to x, i.e. 2 (x . y) y."""
import torch

from autograder.checks import expect_close, only_when_right, source
from autograder.testing import input_seed, probe, test_case

OK_FORMAT = False
name = "q3_grad_dot_squared"
points = None


def vectors(seed, n=7):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, generator=g), torch.randn(n, generator=g)


@probe
def notes_example(grad_dot_squared):
    return grad_dot_squared(torch.tensor([1.0, 0.0], requires_grad=True), torch.tensor([1.0, 1.0]))


@probe
def random_examples(grad_dot_squared, seed):
    return [grad_dot_squared(*vectors(seed + k)) for k in range(3)]


@probe
def leaves_x_alone(grad_dot_squared, seed):
    x, y = vectors(seed + 7)
    x.requires_grad_(True)
    result = grad_dot_squared(x, y)
    return {"grad": x.grad, "result": result}


@test_case(points=1, hidden=False)
def test_notes_example(env):
    """The notes' example: x = (1, 0), y = (1, 1) gives (2, 2)."""
    expect_close(notes_example(env), torch.tensor([2.0, 2.0]),
                 "grad_dot_squared([1, 0], [1, 1])")


@test_case(points=2, hidden=True)
def test_random_vectors(env):
    """Random vectors: the result is 2 (x . y) y."""
    for k, seen in enumerate(random_examples(env)):
        x, y = vectors(input_seed(env) + k)
        expect_close(seen, 2 * torch.dot(x, y) * y, "grad_dot_squared(x, y) for random x, y")


@test_case(points=1, hidden=True)
def test_uses_autograd_grad(env):
    """It calls torch.autograd.grad, which returns the gradient without accumulating into x.grad."""
    seen = leaves_x_alone(env)
    x, y = vectors(input_seed(env) + 7)
    only_when_right(lambda: expect_close(seen["result"], 2 * torch.dot(x, y) * y,
                                         "grad_dot_squared(x, y)"), "grad_dot_squared(x, y)")
    assert seen["grad"] is None, (
        "x.grad was filled in: use torch.autograd.grad(outputs, inputs), which returns "
        "the gradient, rather than .backward(), which accumulates it into x.grad.")
    source.expect_calls(env, "grad_dot_squared", {"torch.autograd.grad"},
                        "grad_dot_squared does not call torch.autograd.grad; compute the "
                        "gradient with torch.autograd.grad(outputs, inputs), as asked.")

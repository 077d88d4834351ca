"""Q3: grad_dot_squared(x, y) is the gradient of (x . y)^2 with respect to x, i.e. 2 (x . y) y."""
import torch
from autograder.checks import expect_close, only_when_right, source
from autograder.testing import input_seed, probe, test_case
OK_FORMAT = False
name = 'q3_grad_dot_squared'
points = None

@probe
def notes_example(grad_dot_squared):
    return grad_dot_squared(torch.tensor([1.0, 0.0], requires_grad=True), torch.tensor([1.0, 1.0]))

@test_case(points=1, hidden=False)
def test_notes_example(env):
    """The notes' example: x = (1, 0), y = (1, 1) gives (2, 2)."""
    expect_close(notes_example(env), torch.tensor([2.0, 2.0]), 'grad_dot_squared([1, 0], [1, 1])')

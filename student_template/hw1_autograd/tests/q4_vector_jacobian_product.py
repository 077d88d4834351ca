"""Q4: vector_jacobian_product(f, x, v) = J^T v, using .backward(gradient=v)."""
import torch
from autograder.checks import expect_close, only_when_right, source
from autograder.testing import input_seed, probe, test_case
OK_FORMAT = False
name = 'q4_vector_jacobian_product'
points = None
A = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])

def linear(x):
    return A @ x

@probe
def linear_vjp(vector_jacobian_product):
    return vector_jacobian_product(linear, torch.tensor([1.0, -2.0, 0.5]), torch.tensor([1.0, 2.0]))

@probe
def gradient_left_on_x(vector_jacobian_product):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    result = vector_jacobian_product(linear, x, torch.tensor([1.0, 1.0]))
    return {'grad': x.grad, 'result': result}

@test_case(points=2, hidden=False)
def test_linear_map(env):
    """For f(x) = A x the vector-Jacobian product is A^T v."""
    expect_close(linear_vjp(env), A.T @ torch.tensor([1.0, 2.0]), 'vector_jacobian_product(f, x, v) for f(x) = A x')

@test_case(points=1, hidden=False)
def test_no_gradient_left_on_x(env):
    """After the call, x.grad is still None: no gradient is left behind on x."""
    seen = gradient_left_on_x(env)
    only_when_right(lambda: expect_close(seen['result'], A.T @ torch.tensor([1.0, 1.0]), 'vector_jacobian_product(f, x, v)'), 'vector_jacobian_product(f, x, v)')
    assert seen['grad'] is None, 'x.grad is set after vector_jacobian_product(f, x, v); compute the product on a detached copy of x (or clear x.grad) so nothing is left behind.'

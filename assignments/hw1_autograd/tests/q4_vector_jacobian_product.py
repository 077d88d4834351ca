"""Q4: vector_jacobian_product(f, x, v) = J^T v, using .backward(gradient=v)."""
import torch

from autograder.checks import expect_close, only_when_right, source
from autograder.testing import input_seed, probe, test_case

OK_FORMAT = False
name = "q4_vector_jacobian_product"
points = None

A = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])


def linear(x):
    return A @ x


def curved(x):
    return torch.stack([x[0] * x[1], torch.sin(x[1]), x[0] ** 2 + x[2]])


def point(seed, n=3):
    return torch.randn(n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


@probe
def linear_vjp(vector_jacobian_product):
    return vector_jacobian_product(linear, torch.tensor([1.0, -2.0, 0.5]), torch.tensor([1.0, 2.0]))


@probe
def curved_vjp(vector_jacobian_product, seed):
    return [vector_jacobian_product(curved, point(seed + k), point(seed + k + 50)) for k in range(3)]


@probe
def gradient_left_on_x(vector_jacobian_product):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    result = vector_jacobian_product(linear, x, torch.tensor([1.0, 1.0]))
    return {"grad": x.grad, "result": result}


@probe
def backward_called(vector_jacobian_product):
    """Whether the call ran backward: it fills the .grad of a leaf inside f (which
    torch.autograd.grad and jacobian leave empty), or calls torch.autograd.backward."""
    scale = torch.tensor(1.0, requires_grad=True)
    calls = []
    original = torch.autograd.backward

    def counting_backward(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    torch.autograd.backward = counting_backward
    try:
        result = vector_jacobian_product(lambda x: scale * linear(x), torch.tensor([2.0, 1.0, -1.0]),
                                         torch.tensor([-1.0, 3.0]))
    finally:
        torch.autograd.backward = original
    return {"result": result, "backward": bool(calls) or scale.grad is not None}


@test_case(points=2, hidden=False)
def test_linear_map(env):
    """For f(x) = A x the vector-Jacobian product is A^T v."""
    expect_close(linear_vjp(env), A.T @ torch.tensor([1.0, 2.0]),
                 "vector_jacobian_product(f, x, v) for f(x) = A x")


@test_case(points=1, hidden=False)
def test_no_gradient_left_on_x(env):
    """After the call, x.grad is still None: no gradient is left behind on x."""
    seen = gradient_left_on_x(env)
    only_when_right(lambda: expect_close(seen["result"], A.T @ torch.tensor([1.0, 1.0]),
                                         "vector_jacobian_product(f, x, v)"),
                    "vector_jacobian_product(f, x, v)")
    assert seen["grad"] is None, ("x.grad is set after vector_jacobian_product(f, x, v); compute the "
                          "product on a detached copy of x (or clear x.grad) so nothing is left behind.")


@test_case(points=1, hidden=True)
def test_nonlinear_map(env):
    """For a nonlinear f the result equals J(x)^T v at several points."""
    for k, seen in enumerate(curved_vjp(env)):
        x, v = point(input_seed(env) + k), point(input_seed(env) + k + 50)
        jacobian = torch.autograd.functional.jacobian(curved, x)
        expect_close(seen, jacobian.T @ v, "vector_jacobian_product(f, x, v) for a nonlinear f")


@test_case(points=1, hidden=True)
def test_uses_backward(env):
    """The product is computed with f(x).backward(gradient=v), as asked."""
    seen = backward_called(env)
    only_when_right(lambda: expect_close(seen["result"], A.T @ torch.tensor([-1.0, 3.0]),
                                         "vector_jacobian_product(f, x, v)"),
                    "vector_jacobian_product(f, x, v)")
    assert seen["backward"], ("vector_jacobian_product(f, x, v) did not call backward: compute "
                              "J^T v with f(x).backward(gradient=v), as the handout asks, and "
                              "read it from .grad of a copy of x.")
    source.expect_calls(env, "vector_jacobian_product", {".backward", "torch.autograd.backward"},
                        "vector_jacobian_product does not call backward; compute J^T v with "
                        "f(x).backward(gradient=v), as the handout asks.")

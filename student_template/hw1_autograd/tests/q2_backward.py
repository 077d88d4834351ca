"""Q2: MyReLU.backward returns the right gradient and uses ctx.save_for_backward."""
import torch
from autograder.checks import expect_close, expect_tensor, only_when_right
from autograder.testing import input_seed, probe, test_case
OK_FORMAT = False
name = 'q2_backward'
points = None

def sample(shape, seed, dtype=torch.float32, zeros=True):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g, dtype=torch.float64)
    if zeros:
        x[x.abs() < 0.2] = 0.0
    else:
        x = x + 0.2 * x.sign()
    if x.numel() >= 3:
        x.view(-1)[:3] = torch.tensor([-0.5, 0.5, 0.0 if zeros else 0.5], dtype=torch.float64) * (1 + x.view(-1)[:3].abs())
    return x.to(dtype)

def upstream(shape, seed, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed + 1000)
    return torch.randn(shape, generator=g, dtype=torch.float64).to(dtype)

def input_gradient(my_relu, shape, seed, dtype):
    x = sample(shape, seed, dtype).requires_grad_(True)
    my_relu(x).backward(upstream(shape, seed, dtype))
    return x.grad

@probe
def gradients(my_relu, seed):
    return {'matrix': input_gradient(my_relu, (6, 7), seed + 1, torch.float32), '4d': input_gradient(my_relu, (2, 3, 4, 5), seed + 2, torch.float64)}

@probe
def gradcheck_result(my_relu, seed):
    x = sample((4, 3), seed + 3, torch.float64, zeros=False).requires_grad_(True)
    ok = torch.autograd.gradcheck(my_relu, (x,), raise_exception=False)
    jacobian = torch.autograd.functional.jacobian(my_relu, x)
    return {'ok': bool(ok), 'jacobian': jacobian}

def expect_relu_gradient(seen, shape, seed, dtype, what):
    x, g = (sample(shape, seed, dtype), upstream(shape, seed, dtype))
    expect_tensor(seen, what)
    nonzero = x != 0
    expect_close(seen, torch.where(x > 0, g, torch.zeros_like(g)), what, mask=nonzero)
    at_zero = seen[~nonzero].double()
    either = (at_zero == 0) | torch.isclose(at_zero, g[~nonzero].double())
    assert bool(either.all()), f'{what} at x == 0 must be 0 or grad_output (a subgradient).'

@test_case(points=3, hidden=False)
def test_gradient(env):
    """x.grad after backward equals grad_output where x > 0 and 0 where x < 0."""
    expect_relu_gradient(gradients(env)['matrix'], (6, 7), input_seed(env) + 1, torch.float32, 'x.grad after my_relu(x).backward(grad_output)')

@test_case(points=2, hidden=False)
def test_gradcheck(env):
    """torch.autograd.gradcheck passes in float64 (backward matches finite differences)."""
    seen = gradcheck_result(env)
    x = sample((4, 3), input_seed(env) + 3, torch.float64, zeros=False)
    expected = torch.diag((x > 0).double().flatten()).reshape(4, 3, 4, 3)
    expect_close(seen['jacobian'], expected, 'The Jacobian of my_relu at a float64 x')
    assert seen['ok'], 'torch.autograd.gradcheck(my_relu, (x,)) failed for a float64 x.'

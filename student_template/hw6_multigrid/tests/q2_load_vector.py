"""Q2: load_vector(f, n) is b_i = integral of f v_i: exact for f = 1 and f = x, and
within load_constant * h^3 * max|f''| of the integral for smooth f."""
import math
import numpy as np
import torch
from autograder.checks import expect_close, expect_shape
from autograder.testing import config, probe, test_case
OK_FORMAT = False
name = 'q2_load_vector'
points = None
CFG = config()

def one(x):
    return torch.ones_like(x)

def identity(x):
    return x.clone()

def shown(x):
    return torch.cos(3 * x) + x ** 2

@probe
def exact_cases(load_vector):
    return {'one': [load_vector(one, n) for n in (4, 16)], 'x': [load_vector(identity, n) for n in (4, 16)]}

@probe
def shown_case(load_vector):
    return [load_vector(shown, n) for n in CFG['load_sizes']]

def integrals(f, n):
    """b_i by 8-point Gauss-Legendre on each of the two cells of v_i (exact to rounding)."""
    nodes, weights = np.polynomial.legendre.leggauss(8)
    t = torch.tensor((nodes + 1) / 2, dtype=torch.float64)
    w = torch.tensor(weights / 2, dtype=torch.float64)
    h = 1.0 / n
    left = torch.arange(n, dtype=torch.float64) * h
    values = f(left[:, None] + h * t) * w * h
    rising, falling = ((values * t).sum(1), (values * (1 - t)).sum(1))
    return rising[:-1] + falling[1:]

def max_second_derivative(f):
    x = torch.linspace(0, 1, 20001, dtype=torch.float64).requires_grad_(True)
    first, = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    second, = torch.autograd.grad(first.sum(), x)
    return float(second.abs().max())

def expect_accurate(seen_list, f, what):
    bound_constant = CFG['load_constant']
    m2 = max_second_derivative(f)
    for n, seen in zip(CFG['load_sizes'], seen_list):
        label = f'load_vector({what}, {n})'
        expected = integrals(f, n)
        expect_shape(seen, expected.shape, label)
        h = 1.0 / n
        bound = bound_constant * h ** 3 * m2
        error = float((seen.double() - expected).abs().max())
        assert math.isfinite(error) and error <= bound, f"{label} is off by up to {error:.3g} from the integrals of f v_i; it must be within {bound_constant:g} h^3 max|f''| = {bound:.3g}. Integrate f against the hat v_i on both of its cells (e.g. the node rule h f(x_i), midpoints, Simpson or Gauss)."

@test_case(points=1, hidden=False)
def test_constant_f(env):
    """f = 1: every b_i is h (the area under a hat), as a float64 vector of length n-1."""
    for n, seen in zip((4, 16), exact_cases(env)['one']):
        expect_close(seen, torch.full((n - 1,), 1.0 / n, dtype=torch.float64), f'load_vector(f = 1, {n})', atol=0, rtol=CFG['exact_rtol'], dtype=True)

@test_case(points=1, hidden=False)
def test_linear_f(env):
    """f = x: b_i is h x_i exactly."""
    for n, seen in zip((4, 16), exact_cases(env)['x']):
        nodes = torch.arange(1, n, dtype=torch.float64) / n
        expect_close(seen, nodes / n, f'load_vector(f = x, {n})', atol=0, rtol=CFG['exact_rtol'])

@test_case(points=1, hidden=False)
def test_smooth_f(env):
    """f = cos(3x) + x^2: b is within h^3 max|f''| / 8 of the integrals for n = 16, 64, 256."""
    expect_accurate(shown_case(env), shown, 'f = cos(3x) + x^2')

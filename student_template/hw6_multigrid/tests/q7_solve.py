"""Q7: solve(f, n) reaches the discrete solution A u = b by V-cycles, and its error
against the exact u falls as O(h^2)."""
import math
import torch
from autograder.checks import expect_finite, expect_shape, source
from autograder.testing import config, probe, support, test_case
OK_FORMAT = False
name = 'q7_solve'
points = None
spy = support('spy')
CFG = config()

def sine_load(x):
    return math.pi ** 2 * torch.sin(math.pi * x)

@probe
def sine_solution(solve, load_vector):
    return {'u': solve(sine_load, 64), 'b': load_vector(sine_load, 64)}

@probe
def sine_solutions(solve):
    return [solve(sine_load, 2 ** k) for k in CFG['order_exponents']]

def apply_stiffness(u):
    n = u.shape[-1] + 1
    padded = torch.cat([u.new_zeros(1), u, u.new_zeros(1)])
    return (2 * padded[1:-1] - padded[:-2] - padded[2:]) * n

def tridiagonal_solve(b):
    """The exact discrete solution A u = b (Thomas algorithm, float64)."""
    n = b.shape[0] + 1
    d, off = (2.0 * n, -1.0 * n)
    c, rhs = ([0.0] * (n - 1), [0.0] * (n - 1))
    values = b.tolist()
    c[0], rhs[0] = (off / d, values[0] / d)
    for i in range(1, n - 1):
        m = d - off * c[i - 1]
        c[i], rhs[i] = (off / m, (values[i] - off * rhs[i - 1]) / m)
    u = [0.0] * (n - 1)
    u[-1] = rhs[-1]
    for i in range(n - 3, -1, -1):
        u[i] = rhs[i] - c[i] * u[i + 1]
    return torch.tensor(u, dtype=torch.float64)

def relative_residual(u, b):
    return float(torch.linalg.norm(b - apply_stiffness(u)) / torch.linalg.norm(b))

def expect_discrete_solution(seen, n, what, tol=1e-10):
    u, b = (seen['u'], seen['b'])
    expect_shape(b, (n - 1,), f'load_vector(f, {n})')
    expect_shape(u, (n - 1,), what)
    expect_finite(u, what)
    u, b = (u.double(), b.double())
    residual = relative_residual(u, b)
    assert residual <= tol * CFG['residual_slack'], f'{what}: the relative residual ||b - A u|| / ||b|| is {residual:.3g}; it should be below tol = {tol:g} (b from your load_vector).'
    exact = tridiagonal_solve(b)
    error = float((u - exact).abs().max() / exact.abs().max())
    limit = CFG['solve_error_factor'] * tol
    assert error <= limit, f'{what} differs from the exact solution of A u = b by {error:.3g} (relative, largest entry); at relative residual {residual:.3g} it should be within {limit:.3g}.'

def max_error(u):
    """max |u_h - sin(pi x)| over the nodes and the cell midpoints (u_h piecewise linear)."""
    n = u.shape[0] + 1
    nodes = torch.cat([u.new_zeros(1), u.double(), u.new_zeros(1)])
    x = torch.arange(n + 1, dtype=torch.float64) / n
    at_nodes = (nodes - torch.sin(math.pi * x)).abs().max()
    mid = (x[:-1] + x[1:]) / 2
    at_mid = ((nodes[:-1] + nodes[1:]) / 2 - torch.sin(math.pi * mid)).abs().max()
    return float(torch.maximum(at_nodes, at_mid))

@test_case(points=2, hidden=False)
def test_discrete_solution(env):
    """For f = pi^2 sin(pi x) and n = 64, solve returns the solution of A u = b (relative residual below 1e-10)."""
    expect_discrete_solution(sine_solution(env), 64, 'solve(f, 64)')

@test_case(points=2, hidden=False)
def test_second_order(env):
    """The error against u = sin(pi x) falls as h^2 for n = 2^4 .. 2^10 (fitted slope >= 1.8)."""
    exponents = CFG['order_exponents']
    errors = []
    for k, u in zip(exponents, sine_solutions(env)):
        n = 2 ** k
        expect_shape(u, (n - 1,), f'solve(f, {n})')
        expect_finite(u, f'solve(f, {n})')
        errors.append(max_error(u))
    logs_h = torch.tensor([-k * math.log(2) for k in exponents], dtype=torch.float64)
    logs_e = torch.log(torch.tensor(errors, dtype=torch.float64).clamp(min=1e-300))
    centred = logs_h - logs_h.mean()
    slope = float((centred * (logs_e - logs_e.mean())).sum() / (centred ** 2).sum())
    table = ', '.join((f'n = {2 ** k}: {e:.2e}' for k, e in zip(exponents, errors)))
    assert slope >= CFG['min_order'], f'The error max|u_h - u| falls with slope {slope:.2f} in h (errors {table}); a second order method gives 2. Check load_vector and that solve converges.'
    worst = max((e * 4 ** k for k, e in zip(exponents, errors)))
    assert worst <= CFG['max_error_constant'], f"The errors ({table}) are up to {worst:.3g} h^2; expected at most {CFG['max_error_constant']:g} h^2 (about pi^2/8 h^2 from linear interpolation)."
    return f'fitted order {slope:.2f}; error at n = {2 ** exponents[-1]}: {errors[-1]:.2e}'

"""Q6: v_cycle(A, b, x) reduces the residual b - A x by a factor of at least 5 per cycle,
for every n: the rate does not depend on h."""
import math
import torch
from autograder.checks import expect_finite, expect_shape, only_when_right
from autograder.testing import config, probe, support, test_case
OK_FORMAT = False
name = 'q6_v_cycle'
points = None
CFG = config()
fem = support('fem')

def start(n, seed):
    """A random right-hand side and a random first guess."""
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(n - 1, generator=g, dtype=torch.float64), torch.randn(n - 1, generator=g, dtype=torch.float64))

def iterates(v_cycle, exponents, cycles):
    found = {}
    for k in exponents:
        n = 2 ** k
        A = fem.tridiagonal(n)
        b, x = start(n, k)
        xs = []
        for _ in range(cycles):
            x = v_cycle(A, b.clone(), x)
            xs.append(x.clone() if isinstance(x, torch.Tensor) else x)
        found[str(k)] = xs
        del A
    return found

@probe
def small_runs(v_cycle):
    return iterates(v_cycle, CFG['small_exponents'], CFG['cycles'])

def residual_norm(n, b, x):
    """||b - A x|| with A applied as the stencil (2 x_i - x_{i-1} - x_{i+1}) / h."""
    padded = torch.cat([x.new_zeros(1), x, x.new_zeros(1)])
    Ax = (2 * padded[1:-1] - padded[:-2] - padded[2:]) * n
    return float(torch.linalg.norm(b - Ax))

def factors(env_runs, k):
    n = 2 ** k
    b, x0 = start(n, k)
    norms = [residual_norm(n, b, x0)]
    for c, x in enumerate(env_runs[str(k)]):
        what = f'v_cycle(A, b, x) for n = 2^{k} (cycle {c + 1})'
        expect_shape(x, (n - 1,), what)
        expect_finite(x, what)
        norms.append(residual_norm(n, b, x.double()))
    return [after / before for before, after in zip(norms, norms[1:])]

def expect_fast(runs, exponents):
    limit, worst = (CFG['max_factor'], 0.0)
    for k in exponents:
        rates = factors(runs, k)
        worst = max(worst, max(rates))
        bad = [r for r in rates if not r <= limit]
        assert not bad, f"For n = 2^{k} the V-cycles reduced the residual by the factors {', '.join((f'{r:.3g}' for r in rates))}; each cycle must multiply it by at most {limit:g}. Check the smoother (damped Jacobi with omega about 2/3), that the coarse problem uses galerkin_coarse(A) and restrict(residual), and that the correction is prolonged and added."
    return f'worst residual factor per V-cycle: {worst:.3f}'

@test_case(points=3, hidden=False)
def test_converges(env):
    """Each V-cycle divides the residual by at least 5 for n = 2^4 .. 2^8."""
    return expect_fast(small_runs(env), CFG['small_exponents'])

"""Q6: v_cycle(A, b, x) reduces the residual b - A x by a factor of at least 5 per cycle,
for every n: the rate does not depend on h."""
import math

import torch

from autograder.checks import expect_finite, expect_shape, only_when_right
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q6_v_cycle"
points = None

CFG = config()
fem = support("fem")


def start(n, seed):
    """A random right-hand side and a random first guess."""
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(n - 1, generator=g, dtype=torch.float64),
            torch.randn(n - 1, generator=g, dtype=torch.float64))


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
    return iterates(v_cycle, CFG["small_exponents"], CFG["cycles"])


@probe
def large_runs(v_cycle):
    return iterates(v_cycle, CFG["large_exponents"], CFG["cycles"])


@probe
def coarsest_runs(v_cycle):
    return iterates(v_cycle, [1, 2], 1)


@probe
def sweep_runs(v_cycle):
    """v_cycle with other (nu1, nu2). With b = 0 each cycle is a linear map of x, so
    rescaling x between cycles (a power iteration) finds the asymptotic factor without
    reaching the rounding floor; (0, 0) is one cycle from a random b and x."""
    n = 2 ** CFG["sweep_exponent"]
    A, zero = fem.tridiagonal(n), torch.zeros(n - 1, dtype=torch.float64)
    found = {}
    for nu1, nu2 in CFG["sweep_pairs"]:
        _, x = start(n, 10 * nu1 + nu2)
        pairs = []
        for _ in range(CFG["sweep_cycles"]):
            x = x / torch.linalg.norm(x)
            out = v_cycle(A, zero.clone(), x.clone(), nu1=nu1, nu2=nu2)
            pairs.append((x, out))
            x = out
        found[f"{nu1},{nu2}"] = pairs
    b, x = start(n, 99)
    found["0,0"] = (b, x, v_cycle(A, b.clone(), x.clone(), nu1=0, nu2=0))
    return found


@probe
def order_runs(v_cycle):
    """One cycle from the same x with b = 0 (so -x is the error) and the sweeps on either
    side of the correction: (2, 0), (0, 2) and (0, 3)."""
    n = 2 ** CFG["sweep_exponent"]
    A, zero = fem.tridiagonal(n), torch.zeros(n - 1, dtype=torch.float64)
    _, x = start(n, 77)
    x = x / torch.linalg.norm(x)
    return {"x": x, **{f"{nu1},{nu2}": v_cycle(A, zero.clone(), x.clone(), nu1=nu1, nu2=nu2)
                       for nu1, nu2 in [(2, 0), (0, 2), (0, 3)]}}


# -- judge side ---------------------------------------------------------------
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
        what = f"v_cycle(A, b, x) for n = 2^{k} (cycle {c + 1})"
        expect_shape(x, (n - 1,), what)
        expect_finite(x, what)
        norms.append(residual_norm(n, b, x.double()))
    return [after / before for before, after in zip(norms, norms[1:])]


def expect_fast(runs, exponents):
    limit, worst = CFG["max_factor"], 0.0
    for k in exponents:
        rates = factors(runs, k)
        worst = max(worst, max(rates))
        bad = [r for r in rates if not (r <= limit)]
        assert not bad, (
            f"For n = 2^{k} the V-cycles reduced the residual by the factors "
            f"{', '.join(f'{r:.3g}' for r in rates)}; each cycle must multiply it by at most "
            f"{limit:g}. Check the smoother (damped Jacobi with omega about 2/3), that the "
            f"coarse problem uses galerkin_coarse(A) and restrict(residual), and that the "
            f"correction is prolonged and added.")
    return f"worst residual factor per V-cycle: {worst:.3f}"


def asymptotic_factor(pairs, n, what):
    """The geometric mean of the residual factors over the last cycles of a power
    iteration (an even number of them: the factor may alternate between two values)."""
    zero = torch.zeros(n - 1, dtype=torch.float64)
    logs = []
    for x, out in pairs:
        expect_shape(out, (n - 1,), what)
        expect_finite(out, what)
        before, after = residual_norm(n, zero, x), residual_norm(n, zero, out.double())
        logs.append(math.log(max(after, 1e-300) / before))
    tail = logs[-CFG["sweep_tail"]:]
    return math.exp(sum(tail) / len(tail))


def in_range_of_prolong(d):
    """d is linear interpolation of coarse values: each fine node between two coarse
    nodes (0-based even index) holds the average of its neighbours (0 past the ends)."""
    padded = torch.cat([d.new_zeros(1), d, d.new_zeros(1)])
    gap = padded[1:-1:2] - (padded[0:-2:2] + padded[2::2]) / 2
    return float(gap.abs().max() / d.abs().max().clamp(min=1e-300))


@test_case(points=3, hidden=False)
def test_converges(env):
    """Each V-cycle divides the residual by at least 5 for n = 2^4 .. 2^8."""
    return expect_fast(small_runs(env), CFG["small_exponents"])


@test_case(points=3, hidden=True)
def test_rate_independent_of_h(env):
    """The same holds for n = 2^9 .. 2^12: the rate does not get worse as h shrinks."""
    return expect_fast(large_runs(env), CFG["large_exponents"])


@test_case(points=1, hidden=True)
def test_coarsest_grids(env):
    """n = 2 (one unknown) is solved exactly, and n = 4 converges too."""
    runs = coarsest_runs(env)
    rate = factors(runs, 1)[0]
    assert rate <= 1e-10, (f"For n = 2 (a single unknown) one V-cycle should solve A x = b exactly, "
                           f"but it multiplied the residual by {rate:.3g}.")
    rate = factors(runs, 2)[0]
    assert rate <= CFG["max_factor"], (f"For n = 4 one V-cycle multiplied the residual by {rate:.3g}; "
                                     f"it should be at most {CFG['max_factor']:g}.")


@test_case(points=2, hidden=True)
def test_smoothing_sweeps(env):
    """nu1 and nu2 count the sweeps: (0, 0) adds only the prolonged correction, and
    with the sweeps on one side only, (2, 0) and (0, 2), the factor per cycle after many
    cycles stays small, while (3, 3) beats (1, 1)."""
    runs = sweep_runs(env)
    n = 2 ** CFG["sweep_exponent"]
    b, x, out = runs["0,0"]
    what = f"v_cycle(A, b, x, nu1=0, nu2=0) for n = {n}"
    expect_shape(out, (n - 1,), what)
    expect_finite(out, what)
    gap = in_range_of_prolong(out.double() - x)
    assert gap <= 1e-8, (
        f"{what} changed x by something that is not a prolonged coarse vector (the fine "
        f"nodes between coarse nodes are off their neighbours' average by {gap:.3g}, relative). "
        f"With nu1 = nu2 = 0 there are no smoothing sweeps, so the cycle only adds "
        f"prolong(e): smooth exactly nu1 times before and nu2 times after the correction.")
    rates = {}
    for key in ["2,0", "0,2", "1,1", "3,3"]:
        rates[key] = asymptotic_factor(runs[key], n, f"v_cycle(A, b, x, nu1={key[0]}, nu2={key[2]})")
    table = ", ".join(f"({k}): {r:.3f}" for k, r in rates.items())
    limit = CFG["one_sided_factor"]
    for key, side in [("2,0", "before"), ("0,2", "after")]:
        assert rates[key] <= limit, (
            f"After {CFG['sweep_cycles']} V-cycles for n = {n}, the residual factor per cycle with "
            f"(nu1, nu2) = ({key}) is {rates[key]:.3g}; with two sweeps {side} the correction it "
            f"should be at most {limit:g} (factors: {table}). Check that the sweeps {side} the "
            f"correction run {'nu1' if side == 'before' else 'nu2'} times.")
    assert rates["3,3"] <= CFG["more_sweeps_gain"] * rates["1,1"], (
        f"With (nu1, nu2) = (3, 3) the factor per cycle after many cycles, {rates['3,3']:.3g}, "
        f"should be clearly smaller than with (1, 1), {rates['1,1']:.3g}: more sweeps must "
        f"help (factors: {table}).")
    return f"factors per cycle after many cycles: {table}"


def high_frequency_share(e):
    """The share of e's energy in the upper half of the sine modes sin(k pi x_i), k > n/2:
    the error components only smoothing (not the coarse grid) removes."""
    n = e.shape[-1] + 1
    i = torch.arange(1, n, dtype=torch.float64)
    modes = torch.sin(torch.pi * i[:, None] * i[None, :] / n) @ e
    total = float((modes ** 2).sum())
    return float((modes[n // 2:] ** 2).sum()) / total if total > 0 else 0.0


@test_case(points=1, hidden=True)
def test_sweeps_on_their_sides(env):
    """nu1 sweeps run before the correction and nu2 after it: one cycle with (0, 3) leaves
    a smooth error (the sweeps after the correction damp what it roughens), and moving the
    sweeps from one side to the other, (2, 0) against (0, 2), changes the result."""
    only_when_right(lambda: expect_fast(small_runs(env), CFG["small_exponents"]),
                    "v_cycle's convergence (q6 converges)")
    runs = order_runs(env)
    n = 2 ** CFG["sweep_exponent"]
    for key in ["2,0", "0,2", "0,3"]:
        what = f"v_cycle(A, b, x, nu1={key[0]}, nu2={key[2]}) for n = {n}"
        expect_shape(runs[key], (n - 1,), what)
        expect_finite(runs[key], what)
    share, limit = high_frequency_share(runs["0,3"].double()), CFG["post_smoothed_share"]
    assert share <= limit, (
        f"After v_cycle(A, b, x, nu1=0, nu2=3) for n = {n} with b = 0, {share:.0%} of the "
        f"error's energy is in the high-frequency half of the sine modes; the three sweeps "
        f"after the correction should leave at most {limit:.0%} (the reference: under 1%). "
        f"Run the nu2 sweeps after adding prolong(e), the nu1 sweeps before restricting.")
    before, after = runs["2,0"].double(), runs["0,2"].double()
    scale = max(float(torch.linalg.norm(before)), float(torch.linalg.norm(after)), 1e-300)
    moved = float(torch.linalg.norm(before - after)) / scale
    assert moved >= CFG["order_difference"], (
        f"v_cycle(A, b, x, nu1=2, nu2=0) and v_cycle(A, b, x, nu1=0, nu2=2) for n = {n} "
        f"returned nearly the same x (relative difference {moved:.2g}): two sweeps before the "
        f"correction and two sweeps after it are different cycles. Run nu1 sweeps before "
        f"restricting the residual and nu2 after adding prolong(e).")
    return f"high-frequency share after (0, 3): {share:.2%}; (2, 0) vs (0, 2): {moved:.2f}"

"""Q5: galerkin_coarse(A) = R A P; for the stiffness matrix of n cells it is the
stiffness matrix of n/2 cells."""
import torch

from autograder.checks import expect_close
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q5_galerkin"
points = None

CFG = config()
fem = support("fem")


def random_matrix(n, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n - 1, n - 1, generator=g, dtype=torch.float64)


@probe
def coarse_of_stiffness(galerkin_coarse):
    return {str(n): galerkin_coarse(fem.tridiagonal(n)) for n in (4, 16, 1024)}


@probe
def coarse_of_yours(galerkin_coarse, stiffness_matrix):
    return [galerkin_coarse(stiffness_matrix(2 ** k)) for k in range(3, 9)]


@probe
def coarse_of_random(galerkin_coarse):
    return galerkin_coarse(random_matrix(16, 1))


def restriction_matrix(n):
    """R with (R b)_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2."""
    m = n // 2 - 1
    R = torch.zeros(m, n - 1, dtype=torch.float64)
    for i in range(m):
        R[i, 2 * i:2 * i + 3] = torch.tensor([0.5, 1.0, 0.5], dtype=torch.float64)
    return R


@test_case(points=2, hidden=False)
def test_coarse_stiffness(env):
    """R A P for the stiffness matrix of 16 cells is the stiffness matrix of 8 cells."""
    expect_close(coarse_of_stiffness(env)["16"], fem.tridiagonal(8),
                 "galerkin_coarse(A) for the stiffness matrix of n = 16", atol=1e-10,
                 rtol=CFG["exact_rtol"], dtype=True)


@test_case(points=1, hidden=True)
def test_other_sizes(env):
    """The same holds for n = 4 (3 x 3 -> 1 x 1) and n = 1024."""
    seen = coarse_of_stiffness(env)
    for n in (4, 1024):
        expect_close(seen[str(n)], fem.tridiagonal(n // 2),
                     f"galerkin_coarse(A) for the stiffness matrix of n = {n}", atol=1e-8,
                     rtol=CFG["exact_rtol"])


@test_case(points=1, hidden=True)
def test_with_your_stiffness_matrix(env):
    """galerkin_coarse(stiffness_matrix(n)) equals stiffness_matrix(n/2) for n = 8 .. 256."""
    for k, seen in zip(range(3, 9), coarse_of_yours(env)):
        expect_close(seen, fem.tridiagonal(2 ** (k - 1)),
                     f"galerkin_coarse(stiffness_matrix({2 ** k}))", atol=1e-9,
                     rtol=CFG["exact_rtol"])


@test_case(points=2, hidden=True)
def test_any_matrix(env):
    """For a random 15 x 15 matrix A the result is R A P with P = R^T (no symmetry assumed)."""
    R = restriction_matrix(16)
    expect_close(coarse_of_random(env), R @ random_matrix(16, 1) @ R.T,
                 "galerkin_coarse(A) for a random (not symmetric) 15 x 15 matrix A",
                 atol=1e-12, rtol=1e-12)
